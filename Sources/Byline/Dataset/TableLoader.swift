// Loads a user's CSV, TSV, JSON or JSON Lines file into a columnar table, inferring column types
// over the whole file. A malformed file loads nothing and says where it went wrong.
import Foundation

/// The formats a data file can have.
public enum DataFormat: Sendable, Equatable {
    /// Delimited text with a header row (`,` for CSV, a tab for TSV).
    case delimited(UInt8)
    /// A JSON array of objects.
    case json
    /// One JSON object per line.
    case jsonLines

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
public struct LoadedTable: Sendable {
    /// The table, named after the file's stem unless a name was given.
    public var table: Table
    /// Warnings such as renamed header names, each as `file:line: warning: …`.
    public var warnings: [String]
}

/// Reads data files into tables.
public enum TableLoader {
    /// The largest file loaded, in bytes.
    public static let maximumFileSize = 4 << 30

    /// A table name from a file name: its stem, with characters a name cannot hold replaced by `_`.
    public static func tableName(forPath path: String) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = String(stem.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        if name.first.map({ $0.isNumber }) ?? true { name = "t_" + name }
        return name
    }

    /// Loads a file. `progress` is called now and then with the fraction done (0...1).
    public static func load(
        path: String, name: String? = nil, format: DataFormat? = nil, cancellation: CancellationFlag? = nil,
        progress: ((Double) -> Void)? = nil
    ) throws(LoadError) -> LoadedTable {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(file: path, line: nil, message: "no such file")
        }
        if isDirectory.boolValue { throw LoadError(file: path, line: nil, message: "is a directory, not a data file") }
        let tableName = name ?? tableName(forPath: path)
        let chosen = format ?? DataFormat.forPath(path)
        switch chosen {
        case .delimited(let delimiter):
            return try DelimitedLoader(
                path: path, name: tableName, delimiter: delimiter, cancellation: cancellation, progress: progress
            ).load()
        case .json, .jsonLines:
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw LoadError(file: path, line: nil, message: "cannot read: \(error.localizedDescription)")
            }
            if data.count > maximumFileSize {
                throw LoadError(file: path, line: nil, message: "file is larger than \(maximumFileSize >> 30) GiB")
            }
            return try load(bytes: [UInt8](data), file: path, name: tableName, format: chosen)
        }
    }

    /// Loads data held in memory; `name` names the table and, in errors, the data.
    public static func load(bytes: [UInt8], name: String, format: DataFormat) throws(LoadError) -> LoadedTable {
        try load(bytes: bytes, file: name, name: name, format: format)
    }

    static func load(bytes: [UInt8], file: String, name: String, format: DataFormat) throws(LoadError) -> LoadedTable {
        switch format {
        case .delimited(let delimiter):
            var loader = DelimitedLoader(path: file, name: name, delimiter: delimiter, cancellation: nil, progress: nil)
            loader.contents = bytes
            return try loader.load()
        case .json, .jsonLines:
            try bytes.withUnsafeBufferPointer { (buffer) throws(LoadError) in
                if buffer.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) {
                    throw LoadError(file: file, line: nil, message: "the file is empty; a data file needs a header row or JSON")
                }
                try validate(buffer, file: file)
            }
            return try JSONTableLoader.load(bytes, file: file, name: name, lines: format == .jsonLines)
        }
    }

    /// Refuses NUL bytes and invalid UTF-8, naming the line (counted from `startLine`).
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>, file: String, startLine: Int = 1) throws(LoadError) {
        var line = startLine
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 10 { line += 1 }
                if byte == 0 { throw LoadError(file: file, line: line, message: "NUL byte; is this a binary file?") }
                index += 1
                continue
            }
            // Check one multi-byte UTF-8 sequence.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
            guard length > 0, index + length <= count,
                (1..<length).allSatisfy({ bytes[index + $0] & 0xC0 == 0x80 }),
                String(validating: bytes[index..<index + length], as: UTF8.self) != nil
            else {
                throw LoadError(file: file, line: line, message: "invalid UTF-8; save the file as UTF-8")
            }
            index += length
        }
    }

    /// Makes header names usable and unique: empty ones become `column_N`, repeats get `_2`, `_3`.
    static func uniqueNames(_ names: [String], file: String, line: Int) -> (names: [String], warnings: [String]) {
        var result: [String] = []
        var warnings: [String] = []
        var taken = Set<String>()
        for (index, raw) in names.enumerated() {
            var name = raw.trimmingCharacters(in: .whitespaces)
            if name.isEmpty {
                name = "column_\(index + 1)"
                warnings.append("\(file):\(line): warning: column \(index + 1) has no name; calling it '\(name)'")
            }
            if taken.contains(name.lowercased()) {
                var suffix = 2
                while taken.contains("\(name)_\(suffix)".lowercased()) { suffix += 1 }
                warnings.append("\(file):\(line): warning: column name '\(name)' appears twice; calling the second '\(name)_\(suffix)'")
                name = "\(name)_\(suffix)"
            }
            taken.insert(name.lowercased())
            result.append(name)
        }
        return (result, warnings)
    }
}

/// What values a column has held so far, for choosing its type.
struct TypeEvidence {
    var integers = false
    var floats = false
    var bools = false
    var dates = false
    var strings = false

    /// The narrowest type that holds every value seen: mixing kinds widens, to float or to string.
    var type: DataType {
        if strings { return .string }
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
    static let chunkSize = 8 << 20

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
            throw LoadError(file: path, line: nil, message: "cannot read: permission denied")
        }
        defer { try? handle?.close() }
        let size = contents?.count ?? (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > TableLoader.maximumFileSize {
            throw LoadError(file: path, line: nil, message: "file is larger than \(TableLoader.maximumFileSize >> 30) GiB")
        }
        var carry: [UInt8] = []
        var line = 1
        var done = 0
        var records = 0
        var first = true
        var sawText = false
        while true {
            let chunk: Data
            do {
                if let bytes = remaining {
                    chunk = Data(bytes)
                    remaining = []
                } else {
                    chunk = try handle?.read(upToCount: Self.chunkSize) ?? Data()
                }
            } catch {
                throw LoadError(file: path, line: line, message: "cannot read: \(error.localizedDescription)")
            }
            let isFinal = chunk.isEmpty
            var buffer = carry
            buffer.append(contentsOf: chunk)
            let position = try buffer.withUnsafeBufferPointer { (bytes) throws(LoadError) -> (consumed: Int, line: Int) in
                if !sawText { sawText = bytes.contains { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 } }
                // Check whole lines: a multi-byte character never spans a line break.
                let checked = isFinal ? bytes.count : (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)
                try TableLoader.validate(UnsafeBufferPointer(rebasing: bytes[..<checked]), file: path, startLine: line)
                let reader = CSVReader(bytes: bytes, delimiter: delimiter)
                return try reader.forEachRecord(file: path, startLine: line, isFinal: isFinal, skipByteOrderMark: first) {
                    (fields, recordLine) throws(LoadError) -> Bool in
                    try body(bytes, fields, recordLine)
                    records &+= 1
                    if records & 0x3FFF == 0, cancellation?.isCancelled ?? false {
                        throw LoadError(file: path, line: recordLine, message: "cancelled")
                    }
                    return true
                }
            }
            first = false
            done += chunk.count
            line = position.line
            carry = Array(buffer[position.consumed...])
            if cancellation?.isCancelled ?? false { throw LoadError(file: path, line: line, message: "cancelled") }
            fraction(Double(done) / Double(max(1, size)))
            if isFinal { break }
        }
        if !sawText {
            throw LoadError(file: path, line: nil, message: "the file is empty; a data file needs a header row or JSON")
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
                if fields.count > Binder.maximumFields {
                    throw LoadError(file: path, line: line, message: "the header has \(fields.count) columns; at most \(Binder.maximumFields) are allowed")
                }
                let reader = CSVReader(bytes: bytes, delimiter: delimiter)
                header = fields.map(reader.text)
                headerLine = line
                evidence = Array(repeating: TypeEvidence(), count: fields.count)
                return
            }
            guard fields.count == header.count else {
                throw LoadError(
                    file: path, line: line,
                    message: "row has \(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(header.count)")
            }
            for (column, field) in fields.enumerated() {
                switch Self.classify(field, in: bytes) {
                case .null: break
                case .integer: evidence[column].integers = true
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
        var builders = types.map { ColumnBuilder(type: $0, capacity: rowCount) }
        var seenHeader = false
        var built = 0
        try forEachRecord({ (bytes, fields, line) throws(LoadError) in
            if !seenHeader {
                seenHeader = true
                return
            }
            let reader = CSVReader(bytes: bytes, delimiter: delimiter)
            for (column, field) in fields.enumerated() {
                builders[column].append(Self.value(field, as: types[column], reader: reader))
            }
            built += 1
        }, fraction: { progress?(0.5 + 0.5 * $0) })
        let schema = TableSchema(
            name: name, fields: zip(names, types).map { Field(name: $0, type: $1) }, summary: "loaded from \(path)")
        progress?(1)
        return LoadedTable(table: Table(schema: schema, columns: builders.map { $0.build() }, rowCount: built), warnings: warnings)
    }

    /// The kind of a raw field. Quoted fields are text unless they read as something else.
    static func classify(_ field: CSVReader.FieldSlice, in bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        let start = field.start
        let end = field.end
        if start == end { return field.quoted ? .string : .null }
        if Self.isInteger(bytes, start, end) { return Self.parseInteger(bytes, start, end) == nil ? .float : .integer }
        if Self.isFloat(bytes, start, end) { return .float }
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

/// Loads a JSON array of objects, or JSON Lines, into a table: one column per key, in order of
/// first appearance; a missing key is null.
enum JSONTableLoader {
    static func load(_ bytes: [UInt8], file: String, name: String, lines: Bool) throws(LoadError) -> LoadedTable {
        var objects: [(line: Int, members: [(key: String, value: JSONValue)])] = []
        var reader = JSONReader(bytes: bytes)
        func fail(_ error: JSONError) -> LoadError {
            LoadError(file: file, line: error.line, message: "invalid JSON at column \(error.column): \(error.message)")
        }
        do {
            if lines {
                while true {
                    reader.skipWhitespace()
                    if reader.isAtEnd { break }
                    let line = reader.line
                    let value = try reader.parseValue()
                    guard case .object(let members) = value else {
                        throw LoadError(file: file, line: line, message: "each line of a JSON Lines file must be an object")
                    }
                    objects.append((line, members))
                }
            } else {
                guard reader.consume(UInt8(ascii: "[")) else {
                    throw LoadError(file: file, line: reader.line, message: "expected a JSON array of objects, like [{\"a\": 1}]")
                }
                if !reader.consume(UInt8(ascii: "]")) {
                    repeat {
                        reader.skipWhitespace()
                        let line = reader.line
                        let value = try reader.parseValue()
                        guard case .object(let members) = value else {
                            throw LoadError(file: file, line: line, message: "element \(objects.count + 1) of the array is not an object")
                        }
                        objects.append((line, members))
                    } while reader.consume(UInt8(ascii: ","))
                    guard reader.consume(UInt8(ascii: "]")) else { throw fail(reader.failure("expected ',' or ']' in array")) }
                }
                reader.skipWhitespace()
                if !reader.isAtEnd { throw fail(reader.failure("unexpected text after the JSON array")) }
            }
        } catch let error as JSONError {
            throw fail(error)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(file: file, line: nil, message: "\(error)")
        }
        // Columns in order of first appearance.
        var keys: [String] = []
        var position: [String: Int] = [:]
        for object in objects {
            for member in object.members where position[member.key] == nil {
                if keys.count == Binder.maximumFields {
                    throw LoadError(file: file, line: object.line, message: "the objects have more than \(Binder.maximumFields) keys in all")
                }
                position[member.key] = keys.count
                keys.append(member.key)
            }
        }
        let (names, warnings) = TableLoader.uniqueNames(keys, file: file, line: objects.first?.line ?? 1)
        var columns = Array(repeating: [Value](repeating: .null, count: objects.count), count: keys.count)
        for (row, object) in objects.enumerated() {
            for member in object.members {
                guard let column = position[member.key] else { continue }  // every key was indexed above
                columns[column][row] = convert(member.value)
            }
        }
        var fields: [Field] = []
        var built: [Column] = []
        for (index, values) in columns.enumerated() {
            let type = commonType(values)
            var builder = ColumnBuilder(type: type, capacity: values.count)
            for value in values { builder.append(widen(value, to: type)) }
            fields.append(Field(name: names[index], type: type))
            built.append(builder.build())
        }
        let schema = TableSchema(name: name, fields: fields, summary: "loaded from \(file)")
        return LoadedTable(table: Table(schema: schema, columns: built, rowCount: objects.count), warnings: warnings)
    }

    /// JSON values as Byline values; objects become their JSON text.
    static func convert(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .integer(let number): return .integer(number)
        case .float(let number): return .float(number)
        case .string(let text): return .string(text)
        case .array(let elements):
            let values = elements.map(convert)
            let type = commonType(values)
            return .list(values.map { widen($0, to: type) })
        case .object:
            return .string(JSONFormatter.encodeJSON(json))
        }
    }

    static func commonType(_ values: [Value]) -> DataType {
        let type = evidenceType(values)
        return type == .null ? .string : type
    }

    /// The common type of values, `.null` when none says (so `[]` fits any list).
    private static func evidenceType(_ values: [Value]) -> DataType {
        var type = DataType.null
        for value in values {
            let next: DataType
            switch value {
            case .null: continue
            case .integer: next = .integer
            case .float: next = .float
            case .string: next = .string
            case .bool: next = .bool
            case .date: next = .date
            case .list(let elements): next = .list(evidenceType(elements))
            }
            type = type.unified(with: next) ?? .string
        }
        return type
    }

    /// A value made to fit a wider column type (numbers to float, anything to text).
    static func widen(_ value: Value, to type: DataType) -> Value {
        switch (value, type) {
        case (.null, _): return .null
        case (.integer(let number), .float): return .float(Double(number))
        case (.string, .string), (.integer, .integer), (.float, .float), (.bool, .bool), (.date, .date): return value
        case (.list, .list): return value
        case (_, .string): return .string(value.isNull ? "" : JSONFormatter.encode(value).trimmingQuotes())
        default: return value
        }
    }
}

extension String {
    /// A JSON string literal's content (for numbers and other values the text is unchanged).
    func trimmingQuotes() -> String {
        hasPrefix("\"") && hasSuffix("\"") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
