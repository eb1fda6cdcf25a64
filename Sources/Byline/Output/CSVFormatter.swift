// The CSV format (RFC 4180): a header row, fields quoted when they need it, null as an empty field.

/// Formats results as CSV.
struct CSVFormatter {
    let headers: Bool

    func format(_ result: ResultSet) -> String {
        var out = ""
        if headers {
            out += result.fields.map { CSVFormatter.field($0.name) }.joined(separator: ",") + "\n"
        }
        for row in 0..<result.rowCount {
            var line: [String] = []
            for field in result.fields.indices {
                let value = result[row, field]
                line.append(value.isNull ? "" : CSVFormatter.field(value.description))
            }
            out += line.joined(separator: ",") + "\n"
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
