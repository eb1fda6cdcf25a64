// Turns arrays of Encodable Swift values into tables: one row per value, one field per property.

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
        let fields = zip(names, columns).map { Field(name: $0, type: JSONTableLoader.commonType($1)) }
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

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        // Arrays of scalars become lists; anything else nested is not a table cell.
        switch value {
        case let values as [String]: set(.list(values.map(Value.string)), key)
        case let values as [Int]: set(.list(values.map(Value.integer)), key)
        case let values as [Double]: set(.list(values.map(Value.float)), key)
        case let values as [Bool]: set(.list(values.map(Value.bool)), key)
        default:
            throw RowEncodingError(
                description: "'\(key.stringValue)' is a \(T.self); fields may be strings, numbers, booleans, optionals or arrays of those")
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
