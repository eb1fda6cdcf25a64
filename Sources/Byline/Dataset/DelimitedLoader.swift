// Delimited text (CSV, TSV) into a table: a first pass over the file infers column types, a second
// builds typed columns; the file is read in chunks, never held whole.
import Foundation

/// What values a column has held so far, for choosing its type.
struct TypeEvidence {
    var integers = false
    /// Every integer seen fits in 32 bits, so the column can be stored at half the size.
    var integersFit32 = true
    var floats = false
    var bools = false
    var dates = false
    var strings = false
    /// Every integer seen is exact as a float (|n| <= 2^53), so a column mixing integers and floats
    /// can be a float column without rounding any of them.
    var integersExactAsFloats = true

    /// The narrowest type that holds every value seen: mixing kinds widens, to float or to string.
    var type: DataType {
        if strings { return .string }
        // Integers too large to be exact as floats, mixed with floats: kept as text, never rounded.
        if integers && floats && !integersExactAsFloats { return .string }
        let kinds = [integers || floats, bools, dates].filter { $0 }.count
        if kinds > 1 { return .string }
        if dates { return .date }
        if bools { return .bool }
        if floats { return .float }
        if integers { return .integer }
        return .string  // only nulls
    }
}

/// Loads delimited text in two passes over the bytes: the first infers each column's type, the
/// second builds the typed columns.
struct DelimitedLoader {
    let path: String
    let name: String
    let delimiter: UInt8
    let cancellation: CancellationFlag?
    let progress: ((Double) -> Void)?
    /// The data itself, when it does not come from a file (`path` then only names it in errors).
    var contents: [UInt8]? = nil

    /// How much of the file is read at a time: memory holds one chunk, not the whole text.
    static let chunkSize = 1 << 20

    /// What a raw field looks like.
    enum Kind { case null, integer, float, bool, date, string }

    /// Reads the file chunk by chunk and hands each complete record to `body` with the chunk's bytes.
    private func forEachRecord(
        _ body: (UnsafeBufferPointer<UInt8>, [CSVReader.FieldSlice], Int) throws(LoadError) -> Void,
        fraction: (Double) -> Void
    ) throws(LoadError) {
        var remaining = contents
        let handle = contents == nil ? FileHandle(forReadingAtPath: path) : nil
        if contents == nil && handle == nil {
            throw LoadError.permissionDenied(path)
        }
        defer { try? handle?.close() }
        let size = contents?.count ?? (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > TableLoader.maximumFileSize {
            throw LoadError.tooLarge(path, maximumBytes: TableLoader.maximumFileSize)
        }
        var carry: [UInt8] = []
        var line = 1
        var done = 0
        var records = 0
        var first = true
        var sawText = false
        /// Old Mac files end lines with CR alone; they are read as if each CR were a line feed.
        var carriageReturnsEndLines = false
        /// Grows while a record is longer than what was read, so a huge field is read in a few
        /// passes, not re-parsed once per megabyte.
        var readSize = Self.chunkSize
        while true {
            var chunk: Data
            do {
                if let bytes = remaining {
                    chunk = Data(bytes)
                    remaining = []
                } else {
                    chunk = try handle?.read(upToCount: readSize) ?? Data()
                }
            } catch {
                throw LoadError.unreadable(path, line: line, reason: TableLoader.describe(error))
            }
            if done + chunk.count > TableLoader.maximumFileSize {
                // Also what stops a device that never ends, such as /dev/zero.
                throw LoadError.tooLarge(path, maximumBytes: TableLoader.maximumFileSize)
            }
            if first, !chunk.contains(10), chunk.contains(13) { carriageReturnsEndLines = true }
            if carriageReturnsEndLines {
                for index in chunk.indices where chunk[index] == 13 { chunk[index] = 10 }
            }
            let isFinal = chunk.isEmpty
            var buffer = carry
            buffer.append(contentsOf: chunk)
            let position = try buffer.withUnsafeBufferPointer { (bytes) throws(LoadError) -> (consumed: Int, line: Int) in
                if !sawText { sawText = bytes.contains { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 } }
                // Check everything read but a character cut off at the end of the chunk (checked
                // again with the next chunk), so a NUL or bad byte is found however long the line.
                let checked = isFinal ? bytes.count : TableLoader.completePrefix(bytes)
                try TableLoader.validate(UnsafeBufferPointer(rebasing: bytes[..<checked]), file: path, startLine: line)
                let reader = CSVReader(bytes: bytes, delimiter: delimiter)
                return try reader.forEachRecord(file: path, startLine: line, isFinal: isFinal, skipByteOrderMark: first) {
                    (fields, recordLine) throws(LoadError) -> Bool in
                    try body(bytes, fields, recordLine)
                    records &+= 1
                    if records & 0x3FFF == 0, cancellation?.isCancelled ?? false {
                        throw LoadError.cancelled(path, line: recordLine)
                    }
                    return true
                }
            }
            first = false
            done += chunk.count
            line = position.line
            carry = Array(buffer[position.consumed...])
            readSize = position.consumed == 0 ? min(readSize * 2, 1 << 30) : Self.chunkSize
            if cancellation?.isCancelled ?? false { throw LoadError.cancelled(path, line: line) }
            fraction(Double(done) / Double(max(1, size)))
            if isFinal { break }
        }
        if !sawText {
            throw LoadError.empty(path)
        }
    }

    func load() throws(LoadError) -> LoadedTable {
        var header: [String] = []
        var headerLine = 1
        var evidence: [TypeEvidence] = []
        var rowCount = 0
        // Pass 1: the header, field counts and the kinds of values in each column.
        try forEachRecord({ (bytes, fields, line) throws(LoadError) in
            if header.isEmpty {
                if fields.count > Limits.maximumFields {
                    throw LoadError.tooManyColumns(path, line: line, columns: fields.count, maximum: Limits.maximumFields)
                }
                let reader = CSVReader(bytes: bytes, delimiter: delimiter)
                header = fields.map(reader.text)
                headerLine = line
                evidence = Array(repeating: TypeEvidence(), count: fields.count)
                return
            }
            guard fields.count == header.count else {
                throw LoadError.rowWidth(path, line: line, fields: fields.count, header: header.count)
            }
            for (column, field) in fields.enumerated() {
                switch Self.classify(field, in: bytes) {
                case .null: break
                case .integer:
                    evidence[column].integers = true
                    if let value = Self.parseInteger(bytes, field.start, field.end) {
                        if Int32(exactly: value) == nil { evidence[column].integersFit32 = false }
                        if value.magnitude > 9_007_199_254_740_992 { evidence[column].integersExactAsFloats = false }
                    }
                case .float: evidence[column].floats = true
                case .bool: evidence[column].bools = true
                case .date: evidence[column].dates = true
                case .string: evidence[column].strings = true
                }
            }
            rowCount += 1
        }, fraction: { progress?(0.5 * $0) })
        let (names, warnings) = TableLoader.uniqueNames(header, file: path, line: headerLine)
        let types = evidence.map(\.type)
        // Pass 2: typed columns, each sized for the rows counted in pass 1.
        var builders = zip(types, evidence).map { type, seen in
            ColumnBuilder(type: type, capacity: rowCount, narrowIntegers: type == .integer && seen.integersFit32)
        }
        var seenHeader = false
        var built = 0
        try forEachRecord({ (bytes, fields, line) throws(LoadError) in
            if !seenHeader {
                seenHeader = true
                return
            }
            let reader = CSVReader(bytes: bytes, delimiter: delimiter)
            for (column, field) in fields.enumerated() {
                // The common kinds straight from the bytes, without a boxed value.
                switch types[column] {
                case .string where !field.hasEscapedQuotes && (field.quoted || field.start < field.end):
                    builders[column].appendString(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
                case .integer where !field.quoted:
                    builders[column].appendInteger(
                        field.start == field.end ? nil : Self.parseInteger(bytes, field.start, field.end))
                case .float where !field.quoted && field.start < field.end && Self.isInteger(bytes, field.start, field.end):
                    builders[column].appendFloat(Self.parseInteger(bytes, field.start, field.end).map(Double.init))
                case .float where !field.quoted && field.start < field.end:
                    if let number = Self.parseShortDecimal(bytes, field.start, field.end) {
                        builders[column].appendFloat(number)
                    } else {
                        builders[column].append(Self.value(field, as: .float, reader: reader))
                    }
                default:
                    builders[column].append(Self.value(field, as: types[column], reader: reader))
                }
            }
            built += 1
        }, fraction: { progress?(0.5 + 0.5 * $0) })
        let schema = TableSchema(
            name: name, fields: zip(names, types).map { Field(name: $0, type: $1) }, summary: "loaded from \(path)")
        progress?(1)
        return LoadedTable(
            table: Table(schema: schema, columns: builders.map { $0.build() }, rowCount: built), warnings: warnings)
    }

    /// The kind of a raw field. A quoted field is text (a ZIP code written "02134" stays one), and
    /// so is a number that would not come back as written: digits with a leading zero, an integer
    /// wider than 64 bits, a float beyond the largest double. Nothing is rounded or widened silently.
    static func classify(_ field: CSVReader.FieldSlice, in bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        let start = field.start
        let end = field.end
        if field.quoted { return .string }
        if start == end { return .null }
        if Self.isInteger(bytes, start, end) {
            if Self.hasLeadingZero(bytes, start, end) { return .string }
            return Self.parseInteger(bytes, start, end) == nil ? .string : .integer
        }
        if Self.isFloat(bytes, start, end) {
            if Self.hasLeadingZero(bytes, start, end) { return .string }
            // Only a long number or a large exponent can pass the largest double: check those.
            if end - start > 20 || bytes[start..<end].contains(UInt8(ascii: "e")) || bytes[start..<end].contains(UInt8(ascii: "E")) {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                guard let value = Double(text), value.isFinite else { return .string }
            }
            return .float
        }
        let length = end - start
        if length == 4 || length == 5 {
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).lowercased()
            if word == "true" || word == "false" { return .bool }
        }
        if (length == 7 || length == 10), bytes[start + 4] == UInt8(ascii: "-"),
            PartialDate(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) != nil
        {
            return .date
        }
        return .string
    }

    /// How an unquoted field holding `text` would be read.
    static func kind(of text: String) -> Kind {
        var copy = text
        return copy.withUTF8 { bytes in
            classify(CSVReader.FieldSlice(start: 0, end: bytes.count, quoted: false, hasEscapedQuotes: false), in: bytes)
        }
    }

    /// A field as a value of its column's type.
    static func value(_ field: CSVReader.FieldSlice, as type: DataType, reader: CSVReader) -> Value {
        let bytes = reader.bytes
        if field.start == field.end && !field.quoted { return .null }
        switch type {
        case .integer:
            return Self.parseInteger(bytes, field.start, field.end).map(Value.integer) ?? .null
        case .float:
            if Self.isInteger(bytes, field.start, field.end), let integer = Self.parseInteger(bytes, field.start, field.end) {
                return .float(Double(integer))
            }
            return Double(reader.text(field)).map(Value.float) ?? .null
        case .bool:
            return .bool(reader.text(field).lowercased() == "true")
        case .date:
            return PartialDate(reader.text(field)).map(Value.date) ?? .null
        default:
            return .string(reader.text(field))
        }
    }

    /// A decimal such as `-12.75` with at most 15 digits, converted exactly as `Double(text)` does:
    /// the digits as an integer (exact below 2^53) divided by a power of ten (exact up to 10^22)
    /// is one correctly rounded division (Clinger's fast path). Nil for anything else.
    static func parseShortDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if byte >= 48 && byte <= 57 {
                mantissa = mantissa * 10 + UInt64(byte - 48)
                digits += 1
                if fraction >= 0 { fraction += 1 }
                if digits > 15 { return nil }
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0, fraction != 0 else { return nil }
        let powers: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
        let value = Double(mantissa) / powers[max(0, fraction)]
        return negative ? -value : value
    }

    /// Digits that start with a 0 followed by another digit ("007", "-01.5"): an identifier, not a number.
    static func hasLeadingZero(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        return index + 1 < end && bytes[index] == UInt8(ascii: "0") && bytes[index + 1] >= 48 && bytes[index + 1] <= 57
    }

    static func isInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < end else { return false }
        while index < end {
            guard bytes[index] >= 48 && bytes[index] <= 57 else { return false }
            index += 1
        }
        return true
    }

    /// Parses an integer without making a String; nil on overflow.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        while index < end {
            let digit = Int(bytes[index] &- 48)
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// Digits with a point and/or an exponent, optionally signed.
    static func isFloat(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var digits = 0
        while index < end, bytes[index] >= 48 && bytes[index] <= 57 { index += 1; digits += 1 }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, bytes[index] >= 48 && bytes[index] <= 57 { index += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            var exponentDigits = 0
            while index < end, bytes[index] >= 48 && bytes[index] <= 57 { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return index == end
    }
}
