// The CSV format (RFC 4180): a header row, fields quoted when they need it, null as an empty field.

import BylineCore
import BylineStorage

/// Formats results as CSV.
package struct CSVFormatter {
    package let headers: Bool
    /// "," for CSV; a tab for TSV, where cells escape tabs and line breaks instead of quoting.
    package let delimiter: String

    package func format(_ result: ResultSet) -> String {
        var out = ""
        if headers {
            out += result.fields.map { cell($0.name, isText: false) }.joined(separator: delimiter) + "\n"
        }
        for row in 0..<result.rowCount {
            var line: [String] = []
            for field in result.fields.indices {
                let value = result[row, field]
                switch value {
                case .null: line.append("")
                case .string(let text): line.append(cell(text, isText: true))
                default: line.append(cell(value.description, isText: false))
                }
            }
            out += line.joined(separator: delimiter) + "\n"
        }
        return out
    }

    private func cell(_ text: String, isText: Bool) -> String {
        delimiter == "," ? CSVFormatter.field(text, isText: isText) : CSVFormatter.tabField(text)
    }

    /// A TSV field: backslash, tab, carriage return and line feed written as \\ \t \r \n (by
    /// scalars, so "\r\n" and a control followed by a combining mark are escaped too).
    package static func tabField(_ text: String) -> String {
        TextEscaping.map(text) { scalar in
            switch scalar {
            case "\\": return "\\\\"
            case "\t": return "\\t"
            case "\n": return "\\n"
            case "\r": return "\\r"
            default: return nil
            }
        }
    }

    /// One field, quoted when it holds a comma, quote, line break or edge space (looked for by
    /// scalars, as RFC 4180 readers do: a quote followed by a combining mark is still a quote).
    /// Text that would read back as something else (empty, a number, a bool, a date) is quoted
    /// too, since loading reads a quoted field as text: what is saved loads back the same.
    package static func field(_ text: String, isText: Bool = false) -> String {
        let scalars = text.unicodeScalars
        var needsQuotes =
            scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || scalars.first == " " || scalars.last == " "
        if isText, !needsQuotes { needsQuotes = text.isEmpty || DelimitedLoader.kind(of: text) != .string }
        guard needsQuotes else { return text }
        var out = "\""
        for scalar in scalars {
            if scalar == "\"" { out += "\"\"" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }
}
