// Where the shell writes: standard output and error, or a buffer in tests.
import Byline
import Synchronization

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
    /// Why writing failed (a full disk, `ulimit -f`), when it did: what was written since is
    /// lost, so the statement that wrote it must fail. A reader that went away (a closed pipe,
    /// `| head`) is not a failure.
    var writeFailure: String? { get }
}

extension TextSink {
    public var columns: Int? { nil }
    public var rows: Int? { nil }
    public var writeFailure: String? { nil }
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

    /// The first failed write's error number (0: none); after it nothing more is written.
    private let failureCode = Atomic<Int32>(0)

    public var writeFailure: String? {
        let code = failureCode.load(ordering: .relaxed)
        return code == 0 || code == EPIPE ? nil : AtomicFile.describe(code)
    }

    /// Whether the reader went away (a closed pipe): output stops, quietly.
    public var readerClosed: Bool { failureCode.load(ordering: .relaxed) == EPIPE }

    public func write(_ text: String) {
        guard failureCode.load(ordering: .relaxed) == 0 else { return }
        let code = AtomicFile.write(text, to: descriptor)
        if code != 0 { failureCode.store(code, ordering: .relaxed) }
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
    package init(path: String) throws(WriteError) {
        self.path = path
        file = try AtomicFile(path: path)
    }

    public func write(_ text: String) {
        file.write(text)
    }

    public var writeFailure: String? { file.writeFailure }

    /// Whether anything was written.
    public var isEmpty: Bool { file.byteCount == 0 }

    /// Puts the file in place when `keep` and something was written; otherwise leaves the old
    /// file as it was and removes the temporary one.
    package func close(keep: Bool = true) throws(WriteError) {
        guard keep, !isEmpty else {
            file.abort()
            return
        }
        try file.commit()
    }
}
