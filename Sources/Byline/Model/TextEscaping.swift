// Escaping text scalar by scalar, the one loop every format's own rules share.

/// The one loop that escapes text, scalar by scalar, for every format's own rules (Byline
/// literals, JSON, TSV, XML, the terminal).
public enum TextEscaping {
    /// The text with each scalar that `replacement` maps replaced by what it returns.
    public static func map(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { out += replaced } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
