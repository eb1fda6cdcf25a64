// The line format, as sqlite3's `.mode line`: one `field = value` per line, rows apart.

struct LineFormatter {
    let options: OutputOptions

    func format(_ result: ResultSet) -> String {
        let names = result.fields.map { TerminalText.escaped($0.name) }
        let width = names.map(DisplayWidth.of).max() ?? 0
        var out = ""
        for row in 0..<result.rowCount {
            if row > 0 { out += "\n" }
            for (index, name) in names.enumerated() {
                let value = result[row, index]
                let padding = String(repeating: " ", count: max(0, width - DisplayWidth.of(name)))
                out += padding + name + " = " + TerminalText.escaped(value.isNull ? options.nullText : value.description) + "\n"
            }
        }
        return out
    }
}
