// Reads script files as UTF-8 text, refusing what is not a script (directories, binary, bad UTF-8).
import Byline
import Foundation

/// Why a file could not be used as a script.
public struct SourceReadError: Error, Sendable, CustomStringConvertible {
    /// Whether the problem is the path itself (exit 2) rather than the file's content (exit 1).
    public var isUsageError: Bool
    /// `path: what is wrong`, or `path:line: error: …` for content problems.
    public var description: String
}

/// Reads script files.
public enum SourceReader {
    /// The largest script accepted, in bytes.
    public static let maximumSize = 64 << 20

    /// Reads a script file, checking that it is a readable regular file of valid UTF-8 without NUL bytes.
    public static func read(path: String) throws(SourceReadError) -> SourceFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SourceReadError(isUsageError: true, description: "cannot open '\(path)': no such file")
        }
        if isDirectory.boolValue {
            throw SourceReadError(isUsageError: true, description: "cannot read '\(path)': it is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SourceReadError(isUsageError: true, description: "cannot open '\(path)': permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            throw SourceReadError(isUsageError: true, description: "cannot read '\(path)': \(error.localizedDescription)")
        }
        if data.count > maximumSize {
            throw SourceReadError(
                isUsageError: false, description: "\(path): error: script is larger than \(maximumSize >> 20) MiB")
        }
        return try decode(Array(data), name: path)
    }

    /// Checks bytes for NUL and invalid UTF-8, naming the line of the first bad byte.
    public static func decode(_ bytes: [UInt8], name: String) throws(SourceReadError) -> SourceFile {
        if let nul = bytes.firstIndex(of: 0) {
            throw SourceReadError(
                isUsageError: false,
                description: "\(name):\(line(of: nul, in: bytes)): error: NUL byte in script; is this a binary file?")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(in: bytes)
            throw SourceReadError(
                isUsageError: false,
                description: "\(name):\(line(of: offset, in: bytes)): error: invalid UTF-8; save the script as UTF-8")
        }
        return SourceFile(name: name, text: text)
    }

    private static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[..<offset].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    private static func firstInvalidUTF8(in bytes: [UInt8]) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }
}
