// The line format, as sqlite3's `.mode line`: one `field = value` per line, rows apart.

import BylineCore
import BylineStorage

package struct LineFormatter {
    package let options: OutputOptions

    package func format(_ result: ResultSet) -> String {
        let names = result.fields.map { TerminalText.escaped($0.name) }
        let citations = result.citations
        let width = (names + (citations == nil ? [] : ["cited"])).map(DisplayWidth.of).max() ?? 0
        func label(_ name: String) -> String {
            String(repeating: " ", count: max(0, width - DisplayWidth.of(name))) + name + " = "
        }
        var out = ""
        for row in 0..<result.rowCount {
            if row > 0 { out += "\n" }
            for (index, name) in names.enumerated() {
                let value = result[row, index]
                out += label(name) + TerminalText.escaped(value.isNull ? options.nullText : value.description) + "\n"
            }
            // `cited = [13] …`, each sentence on lines of its own under the first, wrapped at the
            // terminal's width, never cut.
            if let citations, row < citations.count {
                let first = label("cited")
                let next = String(repeating: " ", count: DisplayWidth.of(first))
                for (index, citation) in citations[row].enumerated() {
                    for line in CitationText.lines(citation, prefix: index == 0 ? first : next, width: options.maximumWidth) {
                        out += line + "\n"
                    }
                }
                if citations[row].isEmpty { out += first + "\n" }
            }
        }
        return out
    }
}
