// Writes results to files whole or not at all: a temporary file beside the target, then a rename.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a file could not be written.
public struct WriteError: Error, Sendable {
    /// What went wrong, lowercase.
    public var reason: String
}

/// Writes text and results to files atomically.
public enum ResultWriter {
    /// Writes a result in the format its file name implies (`.csv`, `.tsv`, `.json`, `.jsonl`, `.md`, `.txt`).
    public static func write(_ result: ResultSet, to path: String) throws(WriteError) {
        guard let format = OutputFormat.forPath(path) else {
            throw WriteError(reason: "the file name should end in .csv, .tsv, .json, .jsonl, .md or .txt to choose a format")
        }
        var plain = result
        plain.chart = nil
        try writeAtomically(ResultFormatter.format(plain, as: format), to: path)
    }

    /// Writes all of `text` to a file descriptor, retrying after interruptions; returns why it
    /// failed, or nil.
    public static func writeAll(_ text: String, to descriptor: Int32) -> String? {
        var text = text
        return text.withUTF8 { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
    }

    /// Writes text to a temporary file in the same folder, flushes it, and renames it over `path`,
    /// so a reader sees the old file or the new one, never half of one.
    public static func writeAtomically(_ text: String, to path: String) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw WriteError(reason: "it is a directory")
        }
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).byline-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(reason: String(cString: strerror(errno))) }
        var failure = writeAll(text, to: descriptor)
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(reason: failure.lowercased())
        }
    }
}
