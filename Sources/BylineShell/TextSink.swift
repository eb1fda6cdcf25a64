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
    /// The terminal's height in lines, when it is one.
    var rows: Int? { get }
}

extension TextSink {
    public var columns: Int? { nil }
    public var rows: Int? { nil }
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

    public var rows: Int? {
        guard isTerminal else { return nil }
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    public func write(_ text: String) {
        // A closed pipe or full disk on standard output is not worth stopping a query for.
        _ = AtomicFile.writeAll(text, to: descriptor)
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

/// Streams output for a file (`.output FILE`, `.once FILE`) into a temporary file beside it, as
/// results come; the file is replaced only when output was produced and the caller commits.
public final class FileSink: TextSink {
    /// The file named.
    public let path: String
    private let file: AtomicFile
    public let isTerminal = false

    /// Opens the temporary file now, so a bad path fails at once.
    public init(path: String) throws(WriteError) {
        self.path = path
        file = try AtomicFile(path: path)
    }

    public func write(_ text: String) {
        file.write(text)
    }

    /// Whether anything was written.
    public var isEmpty: Bool { file.byteCount == 0 }

    /// Puts the file in place when `keep` and something was written; otherwise leaves the old
    /// file as it was and removes the temporary one.
    public func close(keep: Bool = true) throws(WriteError) {
        guard keep, !isEmpty else {
            file.abort()
            return
        }
        try file.commit()
    }
}
