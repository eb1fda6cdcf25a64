// How many terminal columns text takes: wide East Asian characters and emoji take two, marks none.

import BylineCore
import BylineStorage

package enum DisplayWidth {
    /// The number of terminal columns a string occupies (see `TerminalCells`: a flag or a ZWJ
    /// sequence is one character of two columns).
    package static func of(_ text: String) -> Int {
        TerminalCells.width(of: text)
    }

    /// Columns for one scalar: 0 for combining marks and joiners, 2 for wide characters.
    package static func of(_ scalar: Unicode.Scalar) -> Int {
        TerminalCells.width(of: scalar)
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
            let characterWidth = TerminalCells.width(of: character)
            if used + characterWidth > width - 1 { break }
            out.append(character)
            used += characterWidth
        }
        // "word…", not "word …": the mark says a word was cut.
        while out.last?.isWhitespace == true { out.removeLast() }
        return out + "…"
    }
}
