// A named piece of source text, with the line table diagnostics need to show a line.

/// Source text together with the name errors use for it (`<command>`, `<stdin>`, a path).
public struct SourceFile: Sendable {
    /// Shown before `:line:col` in diagnostics.
    public let name: String
    /// The whole text.
    public let text: String
    /// The text as UTF-8 bytes, which the lexer reads.
    package let bytes: [UInt8]
    /// Byte offset at which each line starts.
    private let lineStarts: [Int]

    /// Creates a source file from its name and text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        self.lineStarts = starts
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// How many lines the text has.
    public var lineCount: Int { lineStarts.count }
}

extension SourceFile {
    /// The source text of a span, on one line.
    package func text(of span: SourceSpan) -> String {
        let start = min(span.start.offset, bytes.count)
        let end = min(max(start, span.end.offset), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self).split(separator: "\n").joined(separator: " ")
    }
}
