// Writes results to files whole or not at all: a temporary file beside the target, then a rename.
import BylineCore
import BylineStorage
import Foundation

/// Why a file could not be written.
package struct WriteError: Error, Sendable {
    /// What went wrong, lowercase.
    public var reason: String
}

/// Writes text and results to files atomically.
package enum ResultWriter {
    /// Writes a result in the format its file name implies (`.csv`, `.tsv`, `.json`, `.jsonl`, `.md`, `.txt`).
    public static func write(_ result: ResultSet, to path: String) throws(WriteError) {
        guard let format = OutputFormat.forPath(path) else {
            throw WriteError(reason: "the file name should end in .csv, .tsv, .json, .jsonl, .md or .txt to choose a format")
        }
        var plain = result
        plain.chart = nil
        // Written a block at a time, so a large result is never one string in memory.
        let file = try AtomicFile(path: path, newFileMode: nil)
        _ = ResultFormatter.write(plain, as: format) { text in
            file.write(text)
            return file.writeFailure == nil
        }
        try file.commit()
    }

    /// Writes text to a temporary file in the target's folder, flushes it, and renames it over
    /// `path`, so a reader sees the old file or the new one, never half of one (see `AtomicFile`:
    /// links are written through, special files in place, the old file's mode is kept).
    public static func writeAtomically(_ text: String, to path: String, newFileMode: mode_t? = nil) throws(WriteError) {
        let file = try AtomicFile(path: path, newFileMode: newFileMode)
        file.write(text)
        try file.commit()
    }
}
