// Loads a user's CSV, TSV, JSON or JSON Lines file into a columnar table, inferring column types
// over the whole file. A malformed file loads nothing and says where it went wrong.
import BylineCore
import BylineStorage
import Foundation

/// The formats a data file can have.
package enum DataFormat: Sendable, Equatable {
    /// Delimited text with a header row (`,` for CSV, a tab for TSV).
    case delimited(UInt8)
    /// A JSON array of objects.
    case json
    /// One JSON object per line.
    case jsonLines

    /// The format data looks like: a JSON array, JSON Lines, TSV (a tab in the first line), else CSV.
    public static func detect(_ bytes: [UInt8]) -> DataFormat {
        let first = bytes.first { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if first == UInt8(ascii: "[") { return .json }
        if first == UInt8(ascii: "{") { return .jsonLines }
        let firstLine = bytes.prefix { $0 != 10 }
        return firstLine.contains(9) ? .delimited(9) : .delimited(UInt8(ascii: ","))
    }

    /// The format a file name's extension implies: `.tsv`/`.tab`, `.json`, `.jsonl`/`.ndjson`, else CSV.
    public static func forPath(_ path: String) -> DataFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "tsv", "tab": return .delimited(UInt8(ascii: "\t"))
        case "json": return .json
        case "jsonl", "ndjson": return .jsonLines
        default: return .delimited(UInt8(ascii: ","))
        }
    }
}

/// A loaded table and what was changed on the way in.
package struct LoadedTable: Sendable {
    /// The table, named after the file's stem unless a name was given.
    public var table: Table
    /// Warnings such as renamed header names.
    public var warnings: [LoadWarning]
}

/// Reads data files into tables.
package enum TableLoader {
    /// The largest file loaded, in bytes.
    public static let maximumFileSize = 4 << 30

    /// A table name from a file name: its stem, with characters a name cannot hold replaced by `_`.
    public static func tableName(forPath path: String) -> String {
        if path == "-" { return "stdin" }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = String(stem.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        if name.first.map({ $0.isNumber }) ?? true { name = "t_" + name }
        return name
    }

    /// Loads a file. `progress` is called now and then with the fraction done (0...1). A file (or
    /// the bytes read from a pipe or device) larger than `maximumBytes` (a memory limit, such as
    /// ``QueryLimits/maximumMemory``) or than ``maximumFileSize`` is refused.
    public static func load(
        path: String, name: String? = nil, format: DataFormat? = nil, cancellation: CancellationFlag? = nil,
        progress: ((Double) -> Void)? = nil, maximumBytes: Int = maximumFileSize
    ) throws(LoadError) -> LoadedTable {
        // "-" is standard input.
        let path = path == "-" ? "/dev/stdin" : path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError.missingFile(path)
        }
        if isDirectory.boolValue { throw LoadError.isDirectory(path) }
        let tableName = name ?? tableName(forPath: path)
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            // A pipe (standard input, `<(…)`) can be read only once, and loading reads twice: it
            // is read whole first, within the size limit. Its format is its name's, else its content's.
            let bytes = try readWhole(path, cancellation: cancellation, maximumBytes: maximumBytes)
            let chosen = format ?? (DataFormat.forPath(path) == .delimited(UInt8(ascii: ",")) ? DataFormat.detect(bytes) : DataFormat.forPath(path))
            return try load(bytes: bytes, file: path, name: tableName, format: chosen)
        }
        let chosen = format ?? DataFormat.forPath(path)
        switch chosen {
        case .delimited(let delimiter):
            var loader = DelimitedLoader(path: path, name: tableName, delimiter: delimiter, cancellation: cancellation, progress: progress)
            loader.maximumBytes = maximumBytes
            return try loader.load()
        case .json, .jsonLines:
            return try load(bytes: readWhole(path, maximumBytes: maximumBytes), file: path, name: tableName, format: chosen)
        }
    }

    /// Reads a whole file (or pipe) in chunks, refusing more than `maximumFileSize` bytes, so a
    /// device that never ends stops with an error. Each chunk is checked for NUL as it comes (no
    /// data file holds one), so /dev/zero or /dev/urandom is refused at its first megabyte rather
    /// than after gigabytes; `cancellation` stops the read.
    package static func readWhole(
        _ path: String, cancellation: CancellationFlag? = nil, maximumBytes: Int = maximumFileSize
    ) throws(LoadError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoadError.permissionDenied(path)
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw LoadError.unreadable(path, line: nil, reason: describe(error))
            }
            if chunk.isEmpty { return bytes }
            if cancellation?.isCancelled == true { throw LoadError.cancelled(path, line: nil) }
            if let offset = chunk.firstIndex(of: 0) {
                let before = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + chunk[chunk.startIndex..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw LoadError.nulByte(path, line: before + 1)
            }
            if bytes.count + chunk.count > min(maximumFileSize, maximumBytes) {
                throw sizeError(path, maximumBytes: maximumBytes)
            }
            bytes.append(contentsOf: chunk)
        }
    }

    /// Why a file too large to load is refused: the fixed limit, or the memory limit when smaller.
    package static func sizeError(_ path: String, maximumBytes: Int) -> LoadError {
        maximumBytes < maximumFileSize
            ? LoadError.beyondMemoryLimit(path, maximumBytes: maximumBytes) : LoadError.tooLarge(path, maximumBytes: maximumFileSize)
    }

    /// Loads data held in memory; `name` names the table and, in errors, the data.
    public static func load(bytes: [UInt8], name: String, format: DataFormat) throws(LoadError) -> LoadedTable {
        try load(bytes: bytes, file: name, name: name, format: format)
    }

    package static func load(bytes: [UInt8], file: String, name: String, format: DataFormat) throws(LoadError) -> LoadedTable {
        switch format {
        case .delimited(let delimiter):
            var loader = DelimitedLoader(path: file, name: name, delimiter: delimiter, cancellation: nil, progress: nil)
            loader.contents = bytes
            return try loader.load()
        case .json, .jsonLines:
            try bytes.withUnsafeBufferPointer { (buffer) throws(LoadError) in
                if buffer.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) {
                    throw LoadError.empty(file)
                }
                try validate(buffer, file: file)
            }
            return try JSONTableLoader.load(bytes, file: file, name: name, lines: format == .jsonLines)
        }
    }

    /// How many leading bytes hold whole UTF-8 characters (the rest may be a character cut off
    /// at the end of a chunk).
    package static func completePrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var start = bytes.count
        var looked = 0
        while start > 0, looked < 4 {
            start -= 1
            looked += 1
            let byte = bytes[start]
            if byte & 0xC0 != 0x80 {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return start + length > bytes.count ? start : bytes.count
            }
        }
        return bytes.count
    }

    /// A system error in Byline's words (not "NSCocoaErrorDomain error 256").
    package static func describe(_ error: Error) -> String {
        let code = (error as NSError).code
        let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code
        switch Int32(truncatingIfNeeded: underlying ?? code) {
        case EACCES, EPERM: return "permission denied"
        case EIO: return "input/output error"
        case EISDIR: return "is a directory, not a data file"
        case ENOENT: return "no such file"
        default: return "the file could not be read"
        }
    }

    /// Refuses NUL bytes and invalid UTF-8, naming the line (counted from `startLine`); returns
    /// how many line feeds the bytes hold.
    @discardableResult
    package static func validate(_ bytes: UnsafeBufferPointer<UInt8>, file: String, startLine: Int = 1) throws(LoadError) -> Int {
        var line = startLine
        var index = 0
        let count = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while index < count {
            // Eight ASCII bytes without a NUL at a time: their line feeds counted at once.
            if let raw, index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 && TableLoader.zeroBytes(word) == 0 {
                    line += TableLoader.zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A).nonzeroBitCount
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 10 { line += 1 }
                if byte == 0 { throw LoadError.nulByte(file, line: line) }
                index += 1
                continue
            }
            // Check one multi-byte UTF-8 sequence.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
            guard length > 0, index + length <= count,
                (1..<length).allSatisfy({ bytes[index + $0] & 0xC0 == 0x80 }),
                String(validating: bytes[index..<index + length], as: UTF8.self) != nil
            else {
                throw LoadError.invalidUTF8(file, line: line)
            }
            index += length
        }
        return line - startLine
    }

    /// The high bit of each zero byte of an ASCII word (no byte at 0x80 or above), and no other.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// Makes header names usable and unique: empty ones become `column_N`, repeats get `_2`, `_3`.
    package static func uniqueNames(_ names: [String], file: String, line: Int) -> (names: [String], warnings: [LoadWarning]) {
        var result: [String] = []
        var warnings: [LoadWarning] = []
        var taken = Set<String>()
        for (index, raw) in names.enumerated() {
            var name = raw.trimmingCharacters(in: .whitespaces)
            if name.isEmpty {
                name = "column_\(index + 1)"
                warnings.append(.unnamedColumn(file, line: line, column: index + 1, calledNow: name))
            }
            if taken.contains(name.lowercased()) {
                var suffix = 2
                while taken.contains("\(name)_\(suffix)".lowercased()) { suffix += 1 }
                warnings.append(.repeatedColumn(file, line: line, name: name, calledNow: "\(name)_\(suffix)"))
                name = "\(name)_\(suffix)"
            }
            taken.insert(name.lowercased())
            result.append(name)
        }
        return (result, warnings)
    }
}
