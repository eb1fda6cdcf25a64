// The CSV format (RFC 4180): a header row, fields quoted when they need it, null as an empty field.

/// Formats results as CSV.
struct CSVFormatter {
    let headers: Bool
    /// "," for CSV; a tab for TSV, where cells escape tabs and line breaks instead of quoting.
    let delimiter: String

    func format(_ result: ResultSet) -> String {
        var out = ""
        if headers {
            out += result.fields.map { cell($0.name) }.joined(separator: delimiter) + "\n"
        }
        for row in 0..<result.rowCount {
            var line: [String] = []
            for field in result.fields.indices {
                let value = result[row, field]
                line.append(value.isNull ? "" : cell(value.description))
            }
            out += line.joined(separator: delimiter) + "\n"
        }
        return out
    }

    private func cell(_ text: String) -> String {
        delimiter == "," ? CSVFormatter.field(text) : CSVFormatter.tabField(text)
    }

    /// A TSV field: backslash, tab, carriage return and line feed written as \\ \t \r \n.
    static func tabField(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }

    /// One field, quoted when it holds a comma, quote, line break or edge space.
    static func field(_ text: String) -> String {
        let needsQuotes =
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
