// Escaping text scalar by scalar, the one loop every format's own rules share.

/// The one loop that escapes text, scalar by scalar, for every format's own rules (Byline
/// literals, JSON, TSV, XML, the terminal).
package enum TextEscaping {
    /// The text with each scalar that `replacement` maps replaced by what it returns.
    public static func map(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { out += replaced } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// `text` in double quotes with `"`, `\`, line feed, carriage return and tab escaped by a
    /// backslash, as Byline's literals and JSON both write them, and every other control character
    /// as `control` spells it.
    package static func backslashQuoted(_ text: String, control: (UInt32) -> String) -> String {
        "\"" + map(text) { scalar in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default: return scalar.value < 0x20 ? control(scalar.value) : nil
            }
        } + "\""
    }
}
