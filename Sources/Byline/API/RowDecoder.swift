// Decodes a result's rows into Swift values straight from its columns (no JSON in between), with
// errors that name the row and the field.
import Foundation

/// Why a row could not be decoded: which row (1-based), which field, and what was wrong.
struct RowDecodingError: Error, CustomStringConvertible {
    var row: Int?
    var field: String?
    var reason: String

    var description: String {
        var place: [String] = []
        if let row { place.append("row \(row)") }
        if let field { place.append("field '\(field)'") }
        return place.isEmpty ? reason : place.joined(separator: ", ") + ": " + reason
    }
}

/// Decodes every row of a result into `Row` values, by field name (as `JSONDecoder` reads keys).
enum RowDecoder {
    static func decode<Row: Decodable>(_ type: Row.Type, from result: ResultSet) throws(BylineError) -> [Row] {
        let source = RowSource(result)
        // The kept container holds the source: letting it go breaks the cycle.
        defer { source.container = nil }
        var rows: [Row] = []
        rows.reserveCapacity(result.rowCount)
        do {
            for row in 0..<result.rowCount {
                source.start(row)
                rows.append(try Row(from: RowValueDecoder(source: source)))
            }
        } catch {
            let reason = (error as? RowDecodingError)?.description ?? Session.describe(error)
            throw BylineError(
                [Diagnostic(
                    .cannotDecode(as: "\(Row.self)", reason: reason, fields: result.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")),
                    at: nil)],
                source: nil)
        }
        return rows
    }
}

/// The result being decoded, the current row, and field positions by key (found once per key).
final class RowSource {
    let result: ResultSet
    /// The result's columns, kept apart so reading a cell does not copy the whole result.
    private let columns: [Column]
    // The state that changes per row and per field is exempt from run-time exclusivity checks:
    // it is touched only by the one decode loop that owns this source, and the checks were a
    // tenth of decoding's instructions.
    @exclusivity(unchecked) var row = 0
    /// The keyed container the first row made, for the rows after it.
    @exclusivity(unchecked) var container: KeptContainerBase?
    private var positions: [String: Int?] = [:]
    /// Dates decode as midnight UTC of their day.
    let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    init(_ result: ResultSet) {
        self.result = result
        columns = result.columns
    }

    /// The current row's value in the field at `position`.
    func value(at position: Int) -> Value { columns[position].value(at: row) }

    // MARK: - Straight from the column's storage
    // The common fields (an Int, a Double, a String, a Bool that is there) are read without boxing
    // a `Value` or making a `Cell`; nil sends the caller the slow way, which says what is wrong.

    /// The current row's integer in the field at `position`, when it holds one.
    func integer(at position: Int) -> Int? {
        switch columns[position].storage {
        case .integers(let values, let nulls): return nulls.isNull(row) ? nil : values[row]
        case .integers32(let values, let nulls): return nulls.isNull(row) ? nil : Int(values[row])
        default: return nil
        }
    }

    /// The current row's number in the field at `position`, when it holds a float.
    func float(at position: Int) -> Double? {
        guard case .floats(let values, let nulls) = columns[position].storage, !nulls.isNull(row) else { return nil }
        return values[row]
    }

    /// The current row's string in the field at `position`, when it holds one.
    func string(at position: Int) -> String? {
        guard case .strings(let codes, let dictionary) = columns[position].storage else { return nil }
        let code = codes[row]
        return code < 0 ? nil : dictionary.strings[Int(code)]
    }

    /// The current row's Boolean in the field at `position`, when it holds one.
    func bool(at position: Int) -> Bool? {
        guard case .bools(let values, let nulls) = columns[position].storage, !nulls.isNull(row) else { return nil }
        return values[row]
    }

    /// The keys in the order the first row asked for them: later rows ask in the same order, and
    /// comparing with the expected key is cheaper than hashing it.
    @exclusivity(unchecked) private var order: [(key: String, position: Int?)] = []
    @exclusivity(unchecked) private var cursor = 0

    /// Starts the next row.
    func start(_ row: Int) {
        self.row = row
        cursor = 0
    }

    func position(of key: String) -> Int? {
        if cursor < order.count, order[cursor].key == key {
            cursor += 1
            return order[cursor - 1].position
        }
        let found: Int?
        if let known = positions[key] {
            found = known
        } else {
            found = result.fieldIndex(key)
            positions[key] = found
        }
        if row == 0 { order.append((key, found)) }
        cursor += 1
        return found
    }

    func fail(_ field: String?, _ reason: String) -> RowDecodingError {
        RowDecodingError(row: row + 1, field: field, reason: reason)
    }
}

/// A keyed container kept for the rows after the first, with the key type it was made for.
class KeptContainerBase {
    let keyType: ObjectIdentifier

    init(keyType: ObjectIdentifier) { self.keyType = keyType }
}

final class KeptContainer<Key: CodingKey>: KeptContainerBase {
    let container: KeyedDecodingContainer<Key>

    init(_ container: KeyedDecodingContainer<Key>) {
        self.container = container
        super.init(keyType: ObjectIdentifier(Key.self))
    }
}

/// A row as a `Decoder`: a keyed container of its fields.
struct RowValueDecoder: Decoder {
    let source: RowSource
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        // Made once per result and key type, not per row: a new one is an allocation and two
        // generic-metadata look-ups, a quarter of decoding's instructions. The container holds
        // nothing of its row (the source does), so the first row's serves the rest.
        if let kept = source.container, kept.keyType == ObjectIdentifier(Key.self) {
            // The key type was checked just above, so this is the very class that was kept; a
            // checked cast (`as?`) cost more than the allocation it saves.
            return unsafeDowncast(kept, to: KeptContainer<Key>.self).container
        }
        let made = KeptContainer(KeyedDecodingContainer(RowFields<Key>(source: source)))
        source.container = made
        return made.container
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw source.fail(nil, "a row decodes into a struct or class with named properties")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw source.fail(nil, "a row decodes into a struct or class with named properties")
    }
}

/// The fields of the current row, by name.
struct RowFields<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let source: RowSource
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { source.result.fields.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool { source.position(of: key.stringValue) != nil }

    private func position(_ key: Key) throws -> Int {
        guard let position = source.position(of: key.stringValue) else {
            throw RowDecodingError(row: nil, field: nil, reason: "no field '\(key.stringValue)'")
        }
        return position
    }

    private func cell(_ key: Key) throws -> Cell {
        cell(key, at: try position(key))
    }

    private func cell(_ key: Key, at position: Int) -> Cell {
        Cell(value: source.value(at: position), field: key.stringValue, source: source)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try cell(key).value.isNull }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let position = try position(key)
        return try source.bool(at: position) ?? cell(key, at: position).decode(type)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let position = try position(key)
        return try source.string(at: position) ?? cell(key, at: position).decode(type)
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let position = try position(key)
        return try source.float(at: position) ?? cell(key, at: position).decode(type)
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, forKey: key)) }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        let position = try position(key)
        return try source.integer(at: position) ?? cell(key, at: position).decode(type)
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try cell(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try cell(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try cell(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try cell(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try cell(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try cell(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try cell(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try cell(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try cell(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try cell(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw source.fail(key.stringValue, "a field is a single value, not a struct")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try cell(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { RowValueDecoder(source: source) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try cell(key) }
}

/// One value of a row (or an element of a list in it), as a `Decoder` of a single value.
struct Cell: Decoder, SingleValueDecodingContainer {
    let value: Value
    let field: String
    let source: RowSource
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw source.fail(field, "a field is a single value, not a struct")
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .list(let items) = value else { throw mismatch("an array") }
        return ListCells(items: items, field: field, source: source)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    private func mismatch(_ wanted: String) -> RowDecodingError {
        let found: String
        switch value {
        case .null: found = "null"
        case .integer: found = "the integer \(value.literal)"
        case .float: found = "the float \(value.literal)"
        case .string: found = "the string \(value.literal)"
        case .bool: found = "the boolean \(value.literal)"
        case .date: found = "the date \(value.literal)"
        case .timestamp: found = "the timestamp \(value.literal)"
        case .list: found = "a list"
        }
        return source.fail(field, "expected \(wanted), found \(found)")
    }

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch("a Bool") }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        switch value {
        case .string(let text): return text
        case .date(let date): return date.description
        case .timestamp(let time): return time.description
        default: throw mismatch("a String")
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .float(let number): return number
        case .integer(let number): return Double(number)
        default: throw mismatch("a Double")
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        switch value {
        case .integer(let number):
            guard let exact = Integer(exactly: number) else { throw mismatch("a \(Integer.self) (it is out of range)") }
            return exact
        case .float(let number):
            guard let exact = Integer(exactly: number) else { throw mismatch("a whole number") }
            return exact
        default:
            throw mismatch("a \(Integer.self)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self, case .timestamp(let time) = value {
            // Whole seconds and microseconds apart, so the fraction is not lost to a large double.
            let seconds = time.microseconds >= 0 ? time.microseconds / 1_000_000 : -((-time.microseconds + 999_999) / 1_000_000)
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(time.microseconds - seconds * 1_000_000) / 1e6)
            guard let result = date as? T else { throw mismatch("a Date") }
            return result
        }
        if T.self == Date.self {
            let day: PartialDate?
            switch value {
            case .date(let date): day = date
            case .string(let text): day = PartialDate(text)
            default: day = nil
            }
            guard let day, let year = day.year, let month = day.month, let number = day.day,
                let date = source.calendar.date(from: DateComponents(year: year, month: month, day: number)),
                let result = date as? T
            else { throw mismatch("a whole date") }
            return result
        }
        switch value {
        case .integer(let number) where T.self == Int.self: if let result = number as? T { return result }
        case .string(let text) where T.self == String.self: if let result = text as? T { return result }
        case .float(let number) where T.self == Double.self: if let result = number as? T { return result }
        default: break
        }
        return try T(from: self)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
}

/// A list value's elements, for arrays.
struct ListCells: UnkeyedDecodingContainer {
    let items: [Value]
    let field: String
    let source: RowSource
    var codingPath: [any CodingKey] { [] }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }
    var currentIndex = 0

    private mutating func next() throws -> Cell {
        guard currentIndex < items.count else { throw source.fail(field, "the list has too few elements") }
        defer { currentIndex += 1 }
        return Cell(value: items[currentIndex], field: field, source: source)
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < items.count, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw source.fail(field, "a list holds single values, not structs")
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}
