// Renders diagnostics as `file:line:col: error: message`, the line, and a caret/tilde underline.

/// Turns diagnostics into the text people read. The library never prints; callers choose the stream.
public struct DiagnosticRenderer: Sendable {
    /// Whether to use ANSI colour (only when writing to a terminal and NO_COLOR is unset).
    public var colour: Bool

    /// Creates a renderer.
    public init(colour: Bool = false) {
        self.colour = colour
    }

    /// Renders several diagnostics, each ending in a newline.
    public func render(_ diagnostics: [Diagnostic], in source: SourceFile?) -> String {
        diagnostics.map { render($0, in: source) }.joined()
    }

    /// Renders one diagnostic, ending in a newline.
    public func render(_ diagnostic: Diagnostic, in source: SourceFile?) -> String {
        var out = ""
        var location = ""
        if let place = diagnostic.location {
            location = place
        } else {
            if let source { location += source.name }
            if let span = diagnostic.span {
                location += location.isEmpty ? "\(span.start)" : ":\(span.start)"
            }
        }
        // A place names a file, and a file's name can hold anything a terminal acts on.
        if !location.isEmpty { out += paint(TerminalText.escaped(location) + ": ", bold) }
        let label = diagnostic.severity.rawValue + ":"
        out += paint(label, diagnostic.severity == .error ? red : magenta) + " "
        // Messages quote names and values from data files: escaped, so they cannot act on the terminal.
        out += paint(Self.windowed(TerminalText.escaped(diagnostic.message)), bold) + "\n"
        if diagnostic.location == nil, let span = diagnostic.span, let source, span.start.line <= source.lineCount {
            let (text, first, last) = window(source.line(span.start.line), span: span)
            out += TerminalText.escaped(text, keepingTabs: true) + "\n"
            out += underline(text, startColumn: first, lastColumn: last) + "\n"
        }
        // A place in another file (a data file's line) also says which statement read it.
        if diagnostic.location != nil, let span = diagnostic.span, let source {
            out += paint("note:", cyan) + " " + TerminalText.escaped("read by the statement at \(source.name):\(span.start)") + "\n"
        }
        for note in diagnostic.notes {
            out += paint("note:", cyan) + " " + Self.windowed(TerminalText.escaped(note)) + "\n"
        }
        if let help = diagnostic.help {
            out += paint("help:", cyan) + " " + Self.windowed(TerminalText.escaped(help)) + "\n"
        }
        return out
    }

    /// The most characters of a message, note or help shown: a name quoted from a file or a
    /// script can be megabytes long.
    package static let messageWidth = 1_000

    /// `text` cut to `messageWidth` characters, saying how much was left out.
    package static func windowed(_ text: String) -> String {
        guard text.count > messageWidth else { return text }
        return String(text.prefix(messageWidth)) + "… (\(text.count - messageWidth) more characters)"
    }

    /// A caret under the span's first column and tildes to its end (or the line's end).
    /// How much of a long line is shown: the part around the caret, as rustc and clang do.
    package static let windowWidth = 120

    /// The line to show, and the first and last columns to mark in it. A line longer than
    /// `windowWidth` is cut to a window around the span's start, with "…" where it was cut.
    private func window(_ line: String, span: SourceSpan) -> (text: String, first: Int, last: Int) {
        let scalars = Array(line.unicodeScalars)
        let startColumn = max(1, span.start.column)
        var lastColumn = span.end.line == span.start.line ? max(startColumn, span.end.column - 1) : max(startColumn, scalars.count)
        guard scalars.count > Self.windowWidth else { return (line, startColumn, lastColumn) }
        let from = max(0, min(startColumn - 1 - Self.windowWidth / 3, scalars.count - Self.windowWidth))
        let to = min(scalars.count, from + Self.windowWidth)
        var text = from > 0 ? "…" : ""
        text.unicodeScalars.append(contentsOf: scalars[from..<to])
        if to < scalars.count { text += "…" }
        let shift = from - (from > 0 ? 1 : 0)
        lastColumn = min(lastColumn, to)
        return (text, startColumn - shift, max(startColumn, lastColumn) - shift)
    }

    private func underline(_ line: String, startColumn: Int, lastColumn: Int) -> String {
        let scalars = Array(line.unicodeScalars)
        // Columns count scalars; the marks are measured in terminal cells, a character at a time
        // (a CJK character takes two, a flag two for its two scalars).
        func text(_ range: Range<Int>) -> String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[min(range.lowerBound, scalars.count)..<min(range.upperBound, scalars.count)])
            return text
        }
        let before = text(0..<(startColumn - 1))
        var marks = ""
        for character in before {
            // Keep tabs so the caret lines up under tabbed text; an escaped scalar takes the width
            // of its escape.
            marks += character == "\t" ? "\t" : String(repeating: " ", count: shownWidth(character))
        }
        marks += String(repeating: " ", count: max(0, startColumn - 1 - scalars.count))
        let marked = text((startColumn - 1)..<max(startColumn, lastColumn))
        let cells = marked.reduce(0) { $0 + shownWidth($1) } + max(0, lastColumn - max(startColumn - 1, scalars.count))
        marks += paint("^" + String(repeating: "~", count: max(0, cells - 1)), green)
        return marks
    }

    /// How many cells a character of the source line takes once shown (escaped when it must be).
    private func shownWidth(_ character: Character) -> Int {
        guard character.unicodeScalars.contains(where: TerminalText.needsEscape) else { return TerminalCells.width(of: character) }
        return character.unicodeScalars.reduce(0) { width, scalar in
            width + (TerminalText.needsEscape(scalar) ? TerminalText.escaped(scalar).unicodeScalars.count : TerminalCells.width(of: scalar))
        }
    }

    private let red = "\u{1B}[1;31m"
    private let green = "\u{1B}[1;32m"
    private let magenta = "\u{1B}[1;35m"
    private let cyan = "\u{1B}[1;36m"
    private let bold = "\u{1B}[1m"

    private func paint(_ text: String, _ code: String) -> String {
        colour ? code + text + "\u{1B}[0m" : text
    }
}
