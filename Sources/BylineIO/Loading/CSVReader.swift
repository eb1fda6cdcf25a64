// RFC 4180 CSV: quoted fields with embedded delimiters, quotes and line breaks, and a header row.
// Reads bytes in place and hands each record's fields to a callback, so loading allocates per
// value kept, not per character read.

import BylineCore
import BylineStorage

/// Splits CSV bytes into records of fields. With a tab delimiter it reads TSV as Byline writes it
/// (and as the IANA format defines it): no quoting, and `\\`, `\t`, `\n`, `\r` escapes.
package struct CSVReader {
    package let bytes: UnsafeBufferPointer<UInt8>
    package let delimiter: UInt8

    package init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
    }

    /// Whether quotes delimit fields (CSV) or are ordinary characters (TSV).
    package var quoting: Bool { delimiter != UInt8(ascii: "\t") }

    /// One field: its bytes, and whether it was quoted (quoted fields are never null).
    package struct FieldSlice {
        package var start: Int
        package var end: Int
        package var quoted: Bool
        /// The field had doubled quotes inside, which must be undone when it is read as text.
        package var hasEscapedQuotes: Bool
    }

    /// Calls `record` for each record with its fields and the line it starts on; stops early when
    /// `record` returns false. Throws for an unclosed quote or text after a closing quote.
    ///
    /// When the bytes are one chunk of a longer file (`isFinal` false), a record is read only if it
    /// ends with a line break inside the chunk; the offset and line of the first record not read
    /// are returned so the caller can carry those bytes into the next chunk.
    @discardableResult
    package func forEachRecord(
        file: String, startLine: Int = 1, isFinal: Bool = true, skipByteOrderMark: Bool = true,
        _ record: (_ fields: [FieldSlice], _ line: Int) throws(LoadError) -> Bool
    ) throws(LoadError) -> (consumed: Int, line: Int) {
        var index = 0
        var line = startLine
        let count = bytes.count
        var fields: [FieldSlice] = []
        fields.reserveCapacity(32)
        // Skip a UTF-8 byte-order mark.
        if skipByteOrderMark, count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        while index < count {
            let recordLine = line
            let recordStart = index
            fields.removeAll(keepingCapacity: true)
            var endOfRecord = false
            while !endOfRecord {
                if quoting, index < count, bytes[index] == UInt8(ascii: "\"") {
                    let openLine = line
                    index += 1
                    let start = index
                    var escaped = false
                    while true {
                        guard index < count else {
                            if !isFinal { return (recordStart, recordLine) }
                            throw LoadError.unclosedQuote(file, line: openLine)
                        }
                        let byte = bytes[index]
                        if byte == UInt8(ascii: "\"") {
                            if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                                escaped = true
                                index += 2
                                continue
                            }
                            break
                        }
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        index += 1
                    }
                    fields.append(FieldSlice(start: start, end: index, quoted: true, hasEscapedQuotes: escaped))
                    index += 1  // the closing quote
                    if index >= count && !isFinal { return (recordStart, recordLine) }
                    if index < count, bytes[index] != delimiter, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") {
                        throw LoadError.textAfterQuote(file, line: line, field: fields.count)
                    }
                } else {
                    let start = index
                    var backslash = false
                    if quoting {
                        index = fieldEnd(from: index)
                    } else {
                        while index < count, bytes[index] != delimiter, bytes[index] != UInt8(ascii: "\n") {
                            if bytes[index] == UInt8(ascii: "\\") { backslash = true }
                            index += 1
                        }
                    }
                    if index >= count && !isFinal { return (recordStart, recordLine) }
                    var end = index
                    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    // In TSV a backslash starts an escape, undone when the field is read as text.
                    fields.append(FieldSlice(start: start, end: end, quoted: false, hasEscapedQuotes: !quoting && backslash))
                }
                if index < count, bytes[index] == delimiter {
                    index += 1
                    continue
                }
                if index < count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
                if index < count, bytes[index] == UInt8(ascii: "\n") {
                    index += 1
                    line += 1
                }
                endOfRecord = true
            }
            // A blank line is not a record.
            if fields.count == 1, !fields[0].quoted, fields[0].start == fields[0].end { continue }
            if try !record(fields, recordLine) { return (index, line) }
        }
        return (index, line)
    }

    /// Where an unquoted CSV field that starts at `index` ends: the first delimiter or line feed,
    /// or the end of the bytes. Eight bytes are looked at a time: in `word ^ repeated(byte)` a
    /// byte equal to `byte` is zero, and `(x - 0x01…01) & ~x & 0x80…80` sets the high bit of the
    /// lowest zero byte (higher bits may be set by its borrow, never a lower one), so the lowest
    /// bit set in either word is the first stop.
    package func fieldEnd(from start: Int) -> Int {
        let count = bytes.count
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let delimiters = ones &* UInt64(delimiter)
            let lineFeeds = ones &* UInt64(UInt8(ascii: "\n"))
            while count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let x = word ^ delimiters
                let y = word ^ lineFeeds
                let found = ((x &- ones) & ~x | (y &- ones) & ~y) & highs
                if found != 0 { return index + found.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < count, bytes[index] != delimiter, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }

    /// A field's text, with doubled quotes (CSV) or backslash escapes (TSV) undone.
    package func text(_ field: FieldSlice) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.hasEscapedQuotes else { return String(decoding: raw, as: UTF8.self) }
        if !quoting { return CSVReader.unescapeTab(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            out.append(raw[index])
            if raw[index] == UInt8(ascii: "\""), index + 1 < raw.endIndex, raw[index + 1] == UInt8(ascii: "\"") {
                index += 2
            } else {
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Undoes TSV's escapes; a backslash before any other character stays as written.
    package static func unescapeTab(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            if byte == UInt8(ascii: "\\"), index + 1 < raw.endIndex {
                switch raw[index + 1] {
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                default:
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 2
                continue
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
