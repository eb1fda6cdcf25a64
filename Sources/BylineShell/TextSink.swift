// Where the shell writes: standard output and error, or a buffer in tests.
import Byline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Something text can be written to.
public protocol TextSink: AnyObject {
    /// Writes text as it is (callers add newlines).
    func write(_ text: String)
    /// Whether this sink is a terminal (for colour and width).
    var isTerminal: Bool { get }
    /// The terminal's width in columns, when it is one.
    var columns: Int? { get }
}

extension TextSink {
    public var columns: Int? { nil }
}

/// Standard output or standard error.
public final class StandardStream: TextSink, Sendable {
    private let descriptor: Int32

    /// The process's standard output.
    public static let output = StandardStream(descriptor: 1)
    /// The process's standard error.
    public static let error = StandardStream(descriptor: 2)

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        isTerminal = isatty(descriptor) == 1
    }

    public let isTerminal: Bool

    public var columns: Int? {
        guard isTerminal else { return nil }
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    public func write(_ text: String) {
        // A closed pipe or full disk on standard output is not worth stopping a query for.
        _ = ResultWriter.writeAll(text, to: descriptor)
    }
}

/// Collects text in memory (for tests).
public final class BufferSink: TextSink {
    /// Everything written so far.
    public private(set) var text = ""
    public let isTerminal = false

    /// Creates an empty buffer.
    public init() {}

    public func write(_ text: String) {
        self.text += text
    }
}

/// Collects output for a file and writes it whole when closed (`.output FILE`, `.once FILE`).
public final class FileSink: TextSink {
    /// The file written on close.
    public let path: String
    private var text = ""
    public let isTerminal = false

    /// Creates a sink for a file; nothing is written until `close()`.
    public init(path: String) {
        self.path = path
    }

    public func write(_ text: String) {
        self.text += text
    }

    /// Writes everything to the file by temporary file and rename.
    public func close() throws(WriteError) {
        try ResultWriter.writeAtomically(text, to: path)
    }
}
