// The shell's history file: merged with what other shells wrote, capped, and replaced atomically.
import Byline
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads and writes the history file. Each save merges this shell's new entries into what the
/// file holds now (another shell may have added to it), under a lock, and replaces the file by
/// renaming a complete temporary file, so a crash never leaves half a history.
public final class HistoryStore {
    /// Where the history lives.
    public let path: String
    /// The most entries kept.
    public let limit: Int
    private var warned = false
    /// Called once with a warning when the file cannot be written.
    private let warn: (String) -> Void

    /// The history path: `$BYLINE_HISTORY`, else `$XDG_STATE_HOME/byline/history`, else
    /// `~/.local/state/byline/history`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["BYLINE_HISTORY"], !path.isEmpty { return path }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/byline/history" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/byline/history"
    }

    /// Creates a store for a path.
    public init(path: String, limit: Int = 1000, warn: @escaping (String) -> Void) {
        self.path = path
        self.limit = limit
        self.warn = warn
    }

    /// The entries in the file, oldest first (empty when there is no file).
    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return HistoryStore.decode(String(decoding: data, as: UTF8.self))
    }

    /// An entry with the passwords of database addresses in it (`postgresql://me:secret@host`,
    /// `password=secret`) replaced by `***`: the history file outlives the session and is read by
    /// whoever reads the home folder's backups.
    public static func redactingPasswords(_ entry: String) -> String {
        var text = entry
        // scheme://user:password@host
        var searchStart = text.startIndex
        while let scheme = text.range(of: "://", range: searchStart..<text.endIndex) {
            let authorityEnd = text[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == " " || $0 == "\n" } ?? text.endIndex
            let resume = text.distance(from: text.startIndex, to: scheme.upperBound)
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
                let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
            {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
            searchStart = text.index(text.startIndex, offsetBy: resume)
        }
        // password=secret in a connection string
        searchStart = text.startIndex
        while let key = text.range(of: "password=", options: .caseInsensitive, range: searchStart..<text.endIndex) {
            let valueEnd = text[key.upperBound...].firstIndex { $0 == " " || $0 == "&" || $0 == "\n" || $0 == "\"" } ?? text.endIndex
            let resume = text.distance(from: text.startIndex, to: key.upperBound) + 3
            text.replaceSubrange(key.upperBound..<valueEnd, with: "***")
            searchStart = text.index(text.startIndex, offsetBy: resume)
        }
        return text
    }

    /// Adds entries to the file, keeping the newest `limit`. Failures warn once and are otherwise ignored.
    public func append(_ entries: [String]) {
        guard !entries.isEmpty else { return }
        let entries = entries.map(HistoryStore.redactingPasswords)
        do {
            try withLock {
                let merged = Array((load() + entries).suffix(limit))
                do {
                    // History is private: a new file is readable by its owner only.
                    try ResultWriter.writeAtomically(HistoryStore.encode(merged), to: path, newFileMode: 0o600)
                } catch let failure as Byline.WriteError {
                    throw HistoryError(errorDescription: failure.reason)
                }
            }
        } catch {
            if !warned {
                warned = true
                // Foundation's reasons end in a period ("… doesn’t exist."); ours continue the sentence.
                var reason = error.localizedDescription
                while reason.hasSuffix(".") { reason.removeLast() }
                warn("warning: cannot save history to '\(path)': \(reason); history will not be kept")
            }
        }
    }

    // MARK: - File handling

    private struct HistoryError: LocalizedError {
        let errorDescription: String?
    }

    private func withLock(_ body: () throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HistoryError(errorDescription: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            if errno != EINTR { throw HistoryError(errorDescription: String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        try body()
    }

    // MARK: - Format

    /// One entry per line; backslashes and line breaks inside an entry are escaped.
    static func encode(_ entries: [String]) -> String {
        entries.map { entry in
            var line = ""
            for character in entry {
                switch character {
                case "\\": line += "\\\\"
                case "\n": line += "\\n"
                default: line.append(character)
                }
            }
            return line + "\n"
        }.joined()
    }

    static func decode(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            var entry = ""
            var escaped = false
            for character in line {
                if escaped {
                    entry.append(character == "n" ? "\n" : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    entry.append(character)
                }
            }
            return entry
        }
    }
}
