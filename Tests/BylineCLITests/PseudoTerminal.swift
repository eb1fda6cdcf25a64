// Drives a program through a real pseudo-terminal (forkpty), as a person at a keyboard would.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process on a pseudo-terminal: type into it and wait for what it shows.
final class PseudoTerminal {
    private let master: Int32
    private let pid: pid_t
    private var bytes: [UInt8] = []
    /// The visible text of `bytes` up to `convertedUpTo` (whole lines: no escape sequence or
    /// character is cut there), kept as output arrives so a long output is converted once.
    private var shown = ""
    private var convertedUpTo = 0
    /// Where the next `expect` starts searching in the visible text (a UTF-8 offset).
    private var searchFrom = 0
    private var exitStatus: Int32?

    struct Timeout: Error, CustomStringConvertible {
        let waitingFor: String
        let screen: String
        var description: String { "timed out waiting for \(waitingFor.debugDescription); output so far:\n\(screen)" }
    }

    struct SpawnError: Error {}

    /// Starts `executable` with arguments and environment on a new 100×30 terminal.
    init(executable: String, arguments: [String], environment: [String: String], columns: UInt16 = 100, rows: UInt16 = 30) throws {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        var descriptor: Int32 = -1
        let child = forkpty(&descriptor, nil, nil, &size)
        if child == 0 {
            // Only async-signal-safe calls between fork and exec.
            execve(executable, argv, envp)
            _exit(127)
        }
        guard child > 0 else { throw SpawnError() }
        pid = child
        master = descriptor
    }

    /// Kept alive as long as the terminal (its workspace folder), released after the shell is gone.
    var keepAlive: AnyObject?

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types text (control characters included: "\u{3}" is Ctrl-C, "\u{4}" Ctrl-D, "\t" Tab).
    func type(_ text: String) {
        var data = Array(text.utf8)
        _ = data.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything the program wrote so far, escape sequences and carriage returns included.
    var raw: String { String(decoding: bytes, as: UTF8.self) }

    /// Everything shown so far, with escape sequences and carriage returns removed.
    var screen: String {
        shown + PseudoTerminal.visible(String(decoding: bytes[convertedUpTo...], as: UTF8.self))
    }

    /// Waits until `text` appears after the previous match; returns the visible text up to it.
    @discardableResult
    /// Returns as soon as the text arrives (the wait is on the terminal's output, never a fixed
    /// sleep); `timeout` only bounds a failure.
    func expect(_ text: String, timeout: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        // Text already searched, less what could hold the start of a match, is not searched again.
        var searched = searchFrom
        while true {
            let region = visible(from: searched)
            if let range = region.range(of: text) {
                let end = searched + region.utf8.distance(from: region.startIndex, to: range.upperBound)
                let seen = visible(from: searchFrom)
                let upTo = seen.utf8.index(seen.startIndex, offsetBy: end - searchFrom)
                searchFrom = end
                return String(seen[..<upTo])
            }
            // From a character boundary as many characters back as the text has.
            let back = region.index(region.endIndex, offsetBy: -text.count, limitedBy: region.startIndex) ?? region.startIndex
            searched += region.utf8.distance(from: region.startIndex, to: back)
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw Timeout(waitingFor: text, screen: screen) }
            readAvailable(waitingUpTo: remaining)
        }
    }

    /// The visible text from a UTF-8 offset on, without copying what comes before it.
    private func visible(from offset: Int) -> Substring {
        let pending = PseudoTerminal.visible(String(decoding: bytes[convertedUpTo...], as: UTF8.self))
        let shownCount = shown.utf8.count
        if offset >= shownCount {
            let utf8 = pending.utf8
            return pending[utf8.index(utf8.startIndex, offsetBy: min(offset - shownCount, utf8.count))...]
        }
        let utf8 = shown.utf8
        return Substring(shown[utf8.index(utf8.startIndex, offsetBy: offset)...] + pending)
    }

    /// Waits for the child to exit and returns its status (nil on timeout).
    func waitForExit(timeout: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            readAvailable(waitingUpTo: 0.05)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                readAvailable(waitingUpTo: 0.05)
                let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                exitStatus = code
                return code
            }
        }
        return nil
    }

    private func readAvailable(waitingUpTo seconds: Double) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(1, seconds * 1000))) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return }
        bytes.append(contentsOf: buffer[0..<count])
        if let lastLine = bytes[convertedUpTo...].lastIndex(of: UInt8(ascii: "\n")) {
            shown += PseudoTerminal.visible(String(decoding: bytes[convertedUpTo...lastLine], as: UTF8.self))
            convertedUpTo = lastLine + 1
        }
    }

    /// Drops ANSI escape sequences, carriage returns and bells.
    static func visible(_ text: String) -> String {
        var out = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case "\u{1B}":
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
                } else if next == "]" {
                    while let c = iterator.next(), c != "\u{7}" {}
                }
            case "\r", "\u{7}":
                continue
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
