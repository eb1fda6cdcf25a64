// Markdown tables (GitHub-flavoured): pipes escaped, numbers right-aligned.
import BylineCore
import BylineStorage
import Foundation

package struct MarkdownFormatter {
    package let options: OutputOptions

    package func format(_ result: ResultSet) -> String {
        func cell(_ text: String) -> String {
            TerminalText.escaped(
                text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                    .replacingOccurrences(of: "\r\n", with: "<br>").replacingOccurrences(of: "\n", with: "<br>"))
        }
        var out = ""
        out += "| " + result.fields.map { cell($0.name) }.joined(separator: " | ") + " |\n"
        out += "|" + result.fields.map { $0.type == .integer || $0.type == .float ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
        for row in 0..<result.rowCount {
            let cells = result.fields.indices.map { field -> String in
                let value = result[row, field]
                return cell(value.isNull ? options.nullText : value.description)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
