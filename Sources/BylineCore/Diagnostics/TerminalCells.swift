// How many terminal cells text takes, for the carets under source lines and the columns of tables:
// wide East Asian characters and emoji take two, marks and joiners none, and a character drawn as
// one picture (a flag, a ZWJ family, an emoji with a skin tone) two, however many scalars it has.

/// Terminal cell widths, measured a character (grapheme cluster) at a time, as terminals draw them.
package enum TerminalCells {
    /// The number of terminal cells a string occupies.
    package static func width(of text: String) -> Int {
        // Most text is ASCII: one cell a byte, without looking up Unicode properties.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var width = 0
        for character in text { width += self.width(of: character) }
        return width
    }

    /// Cells for one character: the sum of its scalars' cells, but at most two, so that a pair of
    /// regional indicators (🇮🇱 is 2, not 4) or a ZWJ sequence (👩‍👩‍👧 is 2, not 6) is one picture.
    package static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.index(after: scalars.startIndex) == scalars.endIndex { return width(of: first) }
        var width = 0
        for scalar in scalars { width += self.width(of: scalar) }
        return min(width, 2)
    }

    /// Cells for one scalar: 0 for combining marks and joiners, 2 for wide characters.
    package static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Latin text before the combining marks (U+0300) is one cell, but for the soft hyphen.
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
}
