// The JSON format: an array of row objects; numbers as numbers, lists as arrays, null as null.

/// Formats results and values as JSON.
enum JSONFormatter {
    /// One JSON array of objects, on one line, without a trailing newline.
    static func format(_ result: ResultSet) -> String {
        "[" + objects(result, rows: 0..<result.rowCount) + "]"
    }

    /// The rows' objects, separated by commas (the inside of the array, a block at a time).
    static func objects(_ result: ResultSet, rows: Range<Int>) -> String {
        var out = ""
        let keys = result.fields.map { quote($0.name) + ":" }
        for row in rows {
            if row > rows.lowerBound { out += "," }
            out += "{"
            for field in result.fields.indices {
                if field > 0 { out += "," }
                out += keys[field]
                out += encode(result[row, field])
            }
            out += cited(result, row: row) + "}"
        }
        return out
    }

    /// One JSON object per row, each on its own line.
    static func formatLines(_ result: ResultSet, rows: Range<Int>? = nil) -> String {
        let keys = result.fields.map { quote($0.name) + ":" }
        var out = ""
        for row in rows ?? 0..<result.rowCount {
            out += "{"
            for field in result.fields.indices {
                if field > 0 { out += "," }
                out += keys[field] + encode(result[row, field])
            }
            out += cited(result, row: row)
            out += "}\n"
        }
        return out
    }

    /// With `cite`, the row's sentences as `,"cited":[{"id":13,"text":"…"}]`.
    static func cited(_ result: ResultSet, row: Int) -> String {
        guard let citations = result.citations, row < citations.count else { return "" }
        let items = citations[row].map { "{\"id\":\($0.id),\"text\":\(quote($0.text))}" }
        return (result.fields.isEmpty ? "" : ",") + "\"cited\":[" + items.joined(separator: ",") + "]"
    }

    /// A value as JSON text.
    static func encode(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .integer(let number): return String(number)
        case .float(let number): return number.isFinite ? Value.format(number) : "null"
        case .string(let text): return quote(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .date(let date): return quote(date.description)
        case .list(let values): return "[" + values.map(encode).joined(separator: ",") + "]"
        }
    }

    /// A parsed JSON value written back as compact JSON text.
    static func encodeJSON(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .float(let number): return Value.format(number)
        case .string(let text): return quote(text)
        case .array(let elements): return "[" + elements.map(encodeJSON).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { quote($0.key) + ":" + encodeJSON($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        "\"" + TextEscaping.map(text) { scalar in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default:
                guard scalar.value < 0x20 else { return nil }
                let hex = String(scalar.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        } + "\""
    }
}
