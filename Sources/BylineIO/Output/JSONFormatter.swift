// The JSON format: an array of row objects; numbers as numbers, lists as arrays, null as null.

import BylineCore
import BylineStorage

/// Formats results and values as JSON.
package enum JSONFormatter {
    /// One JSON array of objects, on one line, without a trailing newline.
    package static func format(_ result: ResultSet) -> String {
        "[" + objects(result, rows: 0..<result.rowCount) + "]"
    }

    /// The rows' objects, separated by commas (the inside of the array, a block at a time).
    package static func objects(_ result: ResultSet, rows: Range<Int>) -> String {
        var out = ""
        let keys = result.fields.map { JSONText.quote($0.name) + ":" }
        for row in rows {
            if row > rows.lowerBound { out += "," }
            out += "{"
            for field in result.fields.indices {
                if field > 0 { out += "," }
                out += keys[field]
                out += JSONText.encode(result[row, field])
            }
            out += cited(result, row: row) + "}"
        }
        return out
    }

    /// One JSON object per row, each on its own line.
    package static func formatLines(_ result: ResultSet, rows: Range<Int>? = nil) -> String {
        let keys = result.fields.map { JSONText.quote($0.name) + ":" }
        var out = ""
        for row in rows ?? 0..<result.rowCount {
            out += "{"
            for field in result.fields.indices {
                if field > 0 { out += "," }
                out += keys[field] + JSONText.encode(result[row, field])
            }
            out += cited(result, row: row)
            out += "}\n"
        }
        return out
    }

    /// With `cite`, the row's sentences as `,"cited":[{"id":13,"text":"…"}]`.
    package static func cited(_ result: ResultSet, row: Int) -> String {
        guard let citations = result.citations, row < citations.count else { return "" }
        let items = citations[row].map { "{\"id\":\($0.id),\"text\":\(JSONText.quote($0.text))}" }
        return (result.fields.isEmpty ? "" : ",") + "\"cited\":[" + items.joined(separator: ",") + "]"
    }
}
