// Positions in source text: byte offsets for the machine, 1-based line:column for people.

/// A point in source text.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Byte offset from the start of the text, 0-based.
    public var offset: Int
    /// Line number, 1-based.
    public var line: Int
    /// Column in Unicode scalars from the start of the line, 1-based.
    public var column: Int

    /// Creates a location from its three coordinates.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The start of any text.
    public static let start = SourceLocation(offset: 0, line: 1, column: 1)

    /// Whether `lhs` comes before `rhs` in the text.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool { lhs.offset < rhs.offset }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A half-open range of source text, `start..<end`.
public struct SourceSpan: Sendable, Hashable, CustomStringConvertible {
    /// The first position covered.
    public var start: SourceLocation
    /// The position just past the last one covered.
    public var end: SourceLocation

    /// Creates a span from its bounds.
    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// An empty span at a location.
    public init(at location: SourceLocation) {
        self.init(start: location, end: location)
    }

    /// The smallest span that covers both.
    public func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }

    /// `line:column` of the start.
    public var description: String { start.description }
}
