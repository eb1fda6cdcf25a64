// The line format, as sqlite3's `.mode line`: one `field = value` per line, rows apart.

struct LineFormatter {
    let options: OutputOptions

    func format(_ result: ResultSet) -> String {
        let width = result.fields.map { DisplayWidth.of($0.name) }.max() ?? 0
        var out = ""
        for row in 0..<result.rowCount {
            if row > 0 { out += "\n" }
            for (index, field) in result.fields.enumerated() {
                let value = result[row, index]
                let padding = String(repeating: " ", count: width - DisplayWidth.of(field.name))
                out += padding + field.name + " = " + (value.isNull ? options.nullText : value.description) + "\n"
            }
        }
        return out
    }
}
