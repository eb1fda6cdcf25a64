// How many terminal columns text takes: wide East Asian characters and emoji take two, marks none.

import BylineCore
import BylineStorage

package enum DisplayWidth {
    /// The number of terminal columns a string occupies.
    package static func of(_ text: String) -> Int {
        // Most text is ASCII: one column a byte, without looking up Unicode properties.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var width = 0
        for scalar in text.unicodeScalars { width += of(scalar) }
        return width
    }

    /// Columns for one scalar: 0 for combining marks and joiners, 2 for wide characters.
    package static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Latin text before the combining marks (U+0300) is one column, but for the soft hyphen.
        if value >= 0x20 && value < 0x300 && value != 0xAD && !(0x7F...0x9F).contains(value) { return 1 }
        if value >= 0x300 && value < 0x370 { return 0 }  // combining diacritical marks
        if value == 0x200D || (0xFE00...0xFE0F).contains(value) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        if (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
        {
            return 2
        }
        return 1
    }

    /// The text cut to at most `width` columns, ending in `…` when cut.
    package static func truncate(_ text: String, to width: Int) -> String {
        fit(text, to: width).text
    }

    /// The text cut to at most `width` columns (ending in `…` when cut), and the columns it takes:
    /// the text is measured once.
    package static func fit(_ text: String, to width: Int) -> (text: String, width: Int) {
        let natural = of(text)
        guard natural > width else { return (text, natural) }
        let cut = cutting(text, to: width)
        return (cut, of(cut))
    }

    private static func cutting(_ text: String, to width: Int) -> String {
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for character in text {
            let characterWidth = of(String(character))
            if used + characterWidth > width - 1 { break }
            out.append(character)
            used += characterWidth
        }
        return out + "…"
    }
}
