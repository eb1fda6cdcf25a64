// Turns arrays of Encodable Swift values into tables: one row per value, one field per property.
import Foundation

/// Why a Swift value could not become a row.
struct RowEncodingError: Error, CustomStringConvertible {
    var description: String
}

/// Encodes values into rows of `Value`, recording field names in order of first appearance.
enum RowEncoder {
    static func table<Row: Encodable>(named name: String, rows: [Row]) throws -> Table {
        let collector = FieldCollector()
        var encoded: [[String: Value]] = []
        for row in rows {
            let encoder = ValueEncoder(collector: collector)
            try row.encode(to: encoder)
            encoded.append(encoder.storage.values)
        }
        let names = collector.names
        let columns = names.map { field in encoded.map { $0[field] ?? .null } }
        // A property that is nil in every row keeps its column, typed by its Swift type.
        let fields = zip(names, columns).map { name, values in
            Field(name: name, type: values.allSatisfy(\.isNull) ? collector.types[name] ?? .string : JSONTableLoader.commonType(values))
        }
        let tableRows = (0..<rows.count).map { row in
            fields.indices.map { JSONTableLoader.widen(columns[$0][row], to: fields[$0].type) }
        }
        return Table(schema: TableSchema(name: name, fields: fields), rows: tableRows)
    }
}

/// Field names in the order they were first seen.
final class FieldCollector {
    private(set) var names: [String] = []
    private var seen = Set<String>()
    /// The type an optional property declares, for a column whose every value is nil.
    var types: [String: DataType] = [:]

    func note(_ name: String) {
        if seen.insert(name).inserted { names.append(name) }
    }
}

/// The fields of one row as they are encoded.
final class RowStorage {
    var values: [String: Value] = [:]
}

/// A minimal Encoder: a keyed container of scalars, optionals and arrays of scalars.
struct ValueEncoder: Encoder {
    let collector: FieldCollector
    let storage = RowStorage()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(RowContainer<Key>(collector: collector, storage: storage))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        FailingUnkeyed(codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        FailingSingle(codingPath: codingPath)
    }
}

struct RowContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let collector: FieldCollector
    let storage: RowStorage
    var codingPath: [any CodingKey] = []

    private func set(_ value: Value, _ key: Key) {
        collector.note(key.stringValue)
        storage.values[key.stringValue] = value
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(.float(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(.float(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.integer(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try set(RowContainer.unsigned(UInt64(value), key), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.integer(Int(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try set(RowContainer.unsigned(value, key), key) }

    static func unsigned(_ value: UInt64, _ key: Key) throws -> Value {
        guard let number = Int(exactly: value) else {
            throw RowEncodingError(description: "'\(key.stringValue)' holds \(value), which is too large for an integer")
        }
        return .integer(number)
    }

    // Optionals: a nil is a null in the row (the synthesized code would leave the key out, and a
    // property nil in every row would lose its column).
    private func null<T>(_ type: T.Type, _ key: Key) {
        collector.types[key.stringValue] = RowContainer.dataType(of: type)
        set(.null, key)
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Bool.self, key) } }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(String.self, key) } }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Double.self, key) } }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Float.self, key) } }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { null(Int.self, key) } }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { null(T.self, key) }
    }

    /// The Byline type of a Swift property type, where there is one.
    static func dataType<T>(of type: T.Type) -> DataType? {
        switch type {
        case is String.Type, is URL.Type: return .string
        case is Int.Type: return .integer
        case is Double.Type, is Float.Type: return .float
        case is Bool.Type: return .bool
        case is Date.Type: return .date
        case is [String].Type: return .list(.string)
        case is [Int].Type: return .list(.integer)
        case is [Double].Type: return .list(.float)
        default: return nil
        }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        // Dates are calendar days (in UTC), URLs their text, raw-value enums their raw value.
        if let date = value as? Date {
            let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
            set(.date(PartialDate(year: parts.year, month: parts.month, day: parts.day)), key)
            return
        }
        if let url = value as? URL {
            set(.string(url.absoluteString), key)
            return
        }
        if let representable = value as? any RawRepresentable {
            switch representable.rawValue {
            case let text as String: set(.string(text), key); return
            case let number as Int: set(.integer(number), key); return
            case let number as Double: set(.float(number), key); return
            default: break
            }
        }
        // Arrays of scalars become lists; anything else nested is not a table cell.
        switch value {
        case let values as [String]: set(.list(values.map(Value.string)), key)
        case let values as [Int]: set(.list(values.map(Value.integer)), key)
        case let values as [Double]: set(.list(values.map(Value.float)), key)
        case let values as [Bool]: set(.list(values.map(Value.bool)), key)
        default:
            throw RowEncodingError(
                description: "'\(key.stringValue)' is a \(T.self); fields may be strings, numbers, booleans, dates, URLs, raw-value enums, optionals or arrays of those")
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RowContainer<NestedKey>(collector: FieldCollector(), storage: RowStorage()))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        FailingUnkeyed(codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder { ValueEncoder(collector: collector) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder(collector: collector) }
}

/// Rows must be keyed (structs); a bare array or scalar is reported as an error.
struct FailingUnkeyed: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey]
    var count = 0
    private func fail() throws -> Never {
        throw RowEncodingError(description: "a row must be a struct or class with named properties")
    }
    mutating func encodeNil() throws { try fail() }
    mutating func encode<T: Encodable>(_ value: T) throws { try fail() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RowContainer<NestedKey>(collector: FieldCollector(), storage: RowStorage()))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { ValueEncoder(collector: FieldCollector()) }
}

struct FailingSingle: SingleValueEncodingContainer {
    var codingPath: [any CodingKey]
    mutating func encodeNil() throws { try fail() }
    mutating func encode<T: Encodable>(_ value: T) throws { try fail() }
    private func fail() throws -> Never {
        throw RowEncodingError(description: "a row must be a struct or class with named properties")
    }
}
