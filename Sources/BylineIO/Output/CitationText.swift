// Cited sentences as lines of text: "[id] sentence", wrapped at a width with the lines after the
// first indented under the sentence, never cut.

import BylineCore
import BylineStorage

package enum CitationText {
    /// The narrowest a wrapped sentence gets: below it, lines run past the width rather than
    /// becoming a column of single words.
    package static let minimumTextWidth = 24

    /// One citation as lines: `prefix` and "[id] " before the sentence on the first line, as many
    /// spaces on the others. With a width, the sentence is wrapped between words so that no line
    /// passes it (a word longer than a line is split across lines); without one, it is one line.
    /// Every character of the sentence is kept; controls are shown as escapes (`TerminalText`).
    package static func lines(_ citation: Citation, prefix: String, width: Int?) -> [String] {
        let head = prefix + "[\(citation.id)] "
        let text = TerminalText.escaped(citation.text)
        guard let width else { return [head + text] }
        let indent = String(repeating: " ", count: DisplayWidth.of(head))
        let room = max(minimumTextWidth, width - DisplayWidth.of(head))
        return wrap(text, to: room).enumerated().map { index, line in (index == 0 ? head : indent) + line }
    }

    /// Text in lines of at most `width` columns, broken at spaces; a longer word is split.
    package static func wrap(_ text: String, to width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        var line = ""
        var used = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = String(word)
            var wordWidth = DisplayWidth.of(word)
            if used > 0 && used + 1 + wordWidth <= width {
                line += " " + word
                used += 1 + wordWidth
                continue
            }
            if used > 0 || !line.isEmpty {
                lines.append(line)
                line = ""
                used = 0
            }
            // A word wider than a line: as much as fits on each line.
            while wordWidth > width {
                var piece = ""
                var pieceWidth = 0
                var rest = word[...]
                while let character = rest.first, pieceWidth + DisplayWidth.of(String(character)) <= width || piece.isEmpty {
                    piece.append(character)
                    pieceWidth += DisplayWidth.of(String(character))
                    rest = rest.dropFirst()
                }
                lines.append(piece)
                word = String(rest)
                wordWidth = DisplayWidth.of(word)
            }
            line = word
            used = wordWidth
        }
        lines.append(line)
        return lines
    }
}
