// JSON arrays of objects and JSON Lines into a table.

import BylineCore
import BylineStorage

/// Loads a JSON array of objects, or JSON Lines, into a table: one column per key, in order of
/// first appearance; a missing key is null.
package enum JSONTableLoader {
    /// A JSON string literal's content (for numbers and other values the text is unchanged).
    package static func unquoted(_ text: String) -> String {
        text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 ? String(text.dropFirst().dropLast()) : text
    }

    package static func load(_ bytes: [UInt8], file: String, name: String, lines: Bool) throws(LoadError) -> LoadedTable {
        // Each object goes into the columns as soon as it is read, so the parsed objects are never
        // all held at once (they took several times the file's size).
        var keys: [String] = []
        var position: [String: Int] = [:]
        var columns: [[Value]] = []
        var rowCount = 0
        var firstLine: Int?
        func add(_ members: [(key: String, value: JSONValue)], line: Int) throws(LoadError) {
            if firstLine == nil { firstLine = line }
            for member in members {
                var column = position[member.key]
                if column == nil {
                    if keys.count == Limits.maximumFields {
                        throw LoadError.tooManyKeys(file, line: line, maximum: Limits.maximumFields)
                    }
                    column = keys.count
                    position[member.key] = keys.count
                    keys.append(member.key)
                    columns.append(Array(repeating: .null, count: rowCount))
                }
                guard let column else { continue }
                // A key given twice in one object: the last one counts.
                if columns[column].count == rowCount {
                    columns[column].append(convert(member.value))
                } else {
                    columns[column][rowCount] = convert(member.value)
                }
            }
            for index in columns.indices where columns[index].count == rowCount { columns[index].append(.null) }
            rowCount += 1
        }
        var reader = JSONReader(bytes: bytes)
        func fail(_ error: JSONError) -> LoadError {
            LoadError.invalidJSON(file, line: error.line, column: error.column, reason: error.message)
        }
        do {
            if lines {
                while true {
                    reader.skipWhitespace()
                    if reader.isAtEnd { break }
                    let line = reader.line
                    let value = try reader.parseValue()
                    guard case .object(let members) = value else {
                        throw LoadError.jsonLineNotObject(file, line: line)
                    }
                    try add(members, line: line)
                }
            } else {
                guard reader.consume(UInt8(ascii: "[")) else {
                    throw LoadError.jsonNotArray(file, line: reader.line)
                }
                if !reader.consume(UInt8(ascii: "]")) {
                    repeat {
                        reader.skipWhitespace()
                        let line = reader.line
                        let value = try reader.parseValue()
                        guard case .object(let members) = value else {
                            throw LoadError.jsonElementNotObject(file, line: line, element: rowCount + 1)
                        }
                        try add(members, line: line)
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
            throw LoadError.unreadable(file, line: nil, reason: "\(error)")
        }
        let (names, warnings) = TableLoader.uniqueNames(keys, file: file, line: firstLine ?? 1)
        var fields: [Field] = []
        var built: [Column] = []
        for (index, var values) in columns.enumerated() {
            var type = commonType(values)
            // Dates are JSON strings; a column of them is a date column, as in CSV.
            if type == .string, let dates = JSONTableLoader.dates(values) {
                values = dates
                type = .date
            } else if type == .string, let timestamps = JSONTableLoader.timestamps(values) {
                values = timestamps
                type = .timestamp
            }
            var builder = ColumnBuilder(type: type, capacity: values.count)
            for value in values { builder.append(widen(value, to: type)) }
            fields.append(Field(name: names[index], type: type))
            built.append(builder.build())
        }
        let schema = TableSchema(name: name, fields: fields, summary: "loaded from \(file)")
        return LoadedTable(table: Table(schema: schema, columns: built, rowCount: rowCount), warnings: warnings)
    }

    /// The values as dates, when every one that is not null is a string in the form CSV loading
    /// reads as a date (`2016-03` or `2016-03-09`).
    package static func dates(_ values: [Value]) -> [Value]? {
        var dates: [Value] = []
        var any = false
        for value in values {
            switch value {
            case .null: dates.append(.null)
            case .string(let text):
                let bytes = Array(text.utf8)
                guard bytes.count == 7 || bytes.count == 10, bytes[4] == UInt8(ascii: "-"), let date = PartialDate(text) else { return nil }
                dates.append(.date(date))
                any = true
            default: return nil
            }
        }
        return any ? dates : nil
    }

    /// The values as timestamps, when every one that is not null is a string CSV loading reads as
    /// a timestamp (`2009-01-01 00:00:00`, `2009-01-01T00:00:00Z`, …).
    package static func timestamps(_ values: [Value]) -> [Value]? {
        var timestamps: [Value] = []
        var any = false
        for value in values {
            switch value {
            case .null: timestamps.append(.null)
            case .string(let text):
                guard let time = Timestamp(text) else { return nil }
                timestamps.append(.timestamp(time))
                any = true
            default: return nil
            }
        }
        return any ? timestamps : nil
    }

    /// JSON values as Byline values; objects become their JSON text.
    package static func convert(_ json: JSONValue) -> Value {
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
            return .string(JSONText.encode(json))
        }
    }

    package static func commonType(_ values: [Value]) -> DataType {
        let type = evidenceType(values)
        // Integers beyond 2^53 mixed with floats would be rounded in a float column: text instead.
        if type == .float, values.contains(where: { if case .integer(let n) = $0 { return n.magnitude > 9_007_199_254_740_992 } else { return false } }) {
            return .string
        }
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
            case .timestamp: next = .timestamp
            case .list(let elements): next = .list(evidenceType(elements))
            }
            type = type.unified(with: next) ?? .string
        }
        return type
    }

    /// A value made to fit a wider column type (numbers to float, anything to text).
    package static func widen(_ value: Value, to type: DataType) -> Value {
        switch (value, type) {
        case (.null, _): return .null
        case (.integer(let number), .float): return .float(Double(number))
        case (.string, .string), (.integer, .integer), (.float, .float), (.bool, .bool), (.date, .date), (.timestamp, .timestamp): return value
        case (.list, .list): return value
        case (_, .string): return .string(value.isNull ? "" : JSONTableLoader.unquoted(JSONText.encode(value)))
        default: return value
        }
    }
}

extension Value {
    /// A value from JSON text, for typed parameters (`--argjson`, `.param set`): numbers, strings,
    /// booleans, null and arrays of them; nil for anything else (an object, or text that is not JSON).
    public init?(json text: String) {
        guard let parsed = try? JSONReader.parse(Array(text.utf8)) else { return nil }
        if case .object = parsed { return nil }
        self = JSONTableLoader.convert(parsed)
    }
}
