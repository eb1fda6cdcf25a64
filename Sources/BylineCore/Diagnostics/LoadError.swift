// What loading a data file can report: an error that stops it, or a warning about a change made.

/// Why a data file could not be read, with the line it went wrong on.
package struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name as given.
    public var file: String
    /// The 1-based line of the data file, when known.
    public var line: Int?
    /// What is wrong, lowercase, without a final period.
    public var message: String

    /// Creates a load error.
    public init(file: String, line: Int?, message: String, kind: Kind = .invalid) {
        self.file = file
        self.line = line
        self.message = message
        self.kind = kind
    }

    /// What kind of failure it is, for callers that act on it (not on its words).
    public enum Kind: Sendable, Equatable {
        /// The file's contents or reading it failed.
        case invalid
        /// There is no file at the path.
        case missing
        /// The cancellation flag stopped the load.
        case cancelled
    }

    /// What kind of failure it is.
    public var kind: Kind = .invalid

    /// `file:line: error: message`.
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)"
    }
}

/// Something a load changed on the way in, such as a renamed header name; shown as
/// `file:line: warning: …`.
package struct LoadWarning: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// What was changed, lowercase, without a final period.
    public var message: String

    public var description: String { "\(file):\(line): warning: \(message)" }
}
