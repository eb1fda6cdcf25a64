// Markdown tables (GitHub-flavoured): pipes escaped, numbers right-aligned.
import BylineCore
import BylineStorage
import Foundation

package struct MarkdownFormatter {
    package let options: OutputOptions

    package func format(_ result: ResultSet) -> String {
        header(result) + rows(result, 0..<result.rowCount)
    }

    /// The header row and the alignment row under it.
    package func header(_ result: ResultSet) -> String {
        "| " + result.fields.map { cell($0.name) }.joined(separator: " | ") + " |\n"
            + "|" + result.fields.map { $0.type == .integer || $0.type == .float ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
    }

    /// The lines of some rows.
    package func rows(_ result: ResultSet, _ rows: Range<Int>) -> String {
        var out = ""
        for row in rows {
            let cells = result.fields.indices.map { field -> String in
                let value = result[row, field]
                return cell(value.isNull ? options.nullText : value.description)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    private func cell(_ text: String) -> String {
        TerminalText.escaped(
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\r\n", with: "<br>").replacingOccurrences(of: "\n", with: "<br>"))
    }
}
