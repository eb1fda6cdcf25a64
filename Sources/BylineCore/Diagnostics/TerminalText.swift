// Text from data made safe to show on a terminal: controls and direction overrides as escapes.

/// Escapes what would act on a terminal instead of being shown: C0 controls and DEL (an escape
/// sequence can repaint or retitle the terminal), C1 controls (U+0080–U+009F, which some
/// terminals obey as 8-bit escapes), and the bidirectional controls (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069), which reorder the text around them. Every human-readable
/// format and every diagnostic passes data through here; the data formats (CSV, TSV, JSON) keep
/// values exactly.
package enum TerminalText {
    /// Whether a scalar is shown as an escape.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The text with every such scalar written as `\n`, `\t`, `\r` or `\u{…}`; tabs stay tabs
    /// when `keepingTabs` (source lines, where the caret lines up under them).
    public static func escaped(_ text: String, keepingTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        return TextEscaping.map(text) { needsEscape($0) ? escaped($0, keepingTabs: keepingTabs) : nil }
    }

    /// One scalar as it is shown.
    package static func escaped(_ scalar: Unicode.Scalar, keepingTabs: Bool = false) -> String {
        guard needsEscape(scalar) else { return String(scalar) }
        switch scalar {
        case "\n": return "\\n"
        case "\t": return keepingTabs ? "\t" : "\\t"
        case "\r": return "\\r"
        default: return "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
}
