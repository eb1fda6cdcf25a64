// Writing an Arrow IPC stream of one record batch, the way data goes to Spark (a LocalRelation
// holds one): the FlatBuffers headers are laid out by hand, front to back (a table, then what its
// offsets point to, always further on), each value aligned to its size; the body's buffers are
// padded to 8 bytes. Columns of null, bool, 64-bit integers, 64-bit floats, utf8 and date32.

import Foundation

/// A column to write: its name and values (nil for null).
public struct ArrowColumnToWrite: Sendable {
    public var name: String
    /// The values; `.null(count:)`, `.bool`, `.integer`, `.float`, `.string` and `.date` are written.
    public var values: ArrowColumn

    public init(name: String, values: ArrowColumn) {
        self.name = name
        self.values = values
    }
}

/// Writes one record batch as an Arrow IPC stream (schema, batch, end marker).
public enum ArrowStreamWriter {
    /// The stream of `columns`, which must all have the same number of rows.
    public static func stream(_ columns: [ArrowColumnToWrite]) throws(ArrowError) -> Data {
        let rows = columns.first?.values.count ?? 0
        for column in columns where column.values.count != rows {
            throw ArrowError("the column \"\(column.name)\" has \(column.values.count) rows, the first column \(rows)")
        }
        var fields: [FlatValue] = []
        var nodes: [(Int64, Int64)] = []
        var buffers: [[UInt8]] = []
        for column in columns {
            let (tag, type, nulls, columnBuffers) = try encode(column)
            fields.append(
                .table([
                    .string(column.name), .scalar(bytes(UInt8(1))), .scalar(bytes(UInt8(tag))), .table(type), .absent,
                    .tables([]),
                ]))
            nodes.append((Int64(rows), Int64(nulls)))
            buffers += columnBuffers
        }
        // Schema: endianness (little), fields. Message: version (V5 = 4), header type, header, body length.
        let schema = FlatValue.table([.scalar(bytes(Int16(0))), .tables(fields)])
        var out = Data()
        out += message(.table([.scalar(bytes(Int16(4))), .scalar(bytes(UInt8(1))), schema, .scalar(bytes(Int64(0)))]))
        var body: [UInt8] = []
        var positions: [(Int64, Int64)] = []
        for buffer in buffers {
            positions.append((Int64(body.count), Int64(buffer.count)))
            body += buffer
            body += [UInt8](repeating: 0, count: (8 - body.count % 8) % 8)
        }
        let batch = FlatValue.table([
            .scalar(bytes(Int64(rows))), .structs(nodes.map { bytes($0.0) + bytes($0.1) }), .structs(positions.map { bytes($0.0) + bytes($0.1) }),
        ])
        out += message(.table([.scalar(bytes(Int16(4))), .scalar(bytes(UInt8(3))), batch, .scalar(bytes(Int64(body.count)))]))
        out += body
        out += bytes(UInt32.max) + bytes(UInt32(0))
        return out
    }

    /// A column's type tag and type table, null count and buffers (validity first, when it has one).
    private static func encode(_ column: ArrowColumnToWrite) throws(ArrowError) -> (Int, [FlatValue], Int, [[UInt8]]) {
        func validity<T>(_ values: [T?]) -> (Int, [UInt8]) {
            let nulls = values.count(where: { $0 == nil })
            guard nulls > 0 else { return (0, []) }
            return (nulls, bits(values.map { $0 != nil }))
        }
        switch column.values {
        case .null:
            return (1, [], column.values.count, [])
        case .bool(let values):
            let (nulls, valid) = validity(values)
            return (6, [], nulls, [valid, bits(values.map { $0 == true })])
        case .integer(let values):
            let (nulls, valid) = validity(values)
            return (2, [.scalar(bytes(Int32(64))), .scalar(bytes(UInt8(1)))], nulls, [valid, values.flatMap { bytes($0 ?? 0) }])
        case .float(let values):
            let (nulls, valid) = validity(values)
            return (3, [.scalar(bytes(Int16(2)))], nulls, [valid, values.flatMap { bytes(($0 ?? 0).bitPattern) }])
        case .date(let values):
            let (nulls, valid) = validity(values)
            return (8, [.scalar(bytes(Int16(0)))], nulls, [valid, values.flatMap { bytes($0 ?? 0) }])
        case .string(let values):
            let (nulls, valid) = validity(values)
            var offsets = bytes(Int32(0))
            var data: [UInt8] = []
            for value in values {
                data += Array((value ?? "").utf8)
                guard data.count <= Int(Int32.max) else { throw ArrowError("the column \"\(column.name)\" holds more than 2 GiB of text") }
                offsets += bytes(Int32(data.count))
            }
            return (5, [], nulls, [valid, offsets, data])
        case .unsignedInteger, .decimal, .timestamp:
            throw ArrowError("the column \"\(column.name)\" has a type this writer does not write")
        }
    }

    /// Encapsulates a message: continuation marker, padded length, FlatBuffers bytes.
    private static func message(_ root: FlatValue) -> Data {
        var builder = FlatBuilder()
        builder.writeRoot(root)
        var metadata = builder.bytes
        metadata += [UInt8](repeating: 0, count: (8 - metadata.count % 8) % 8)
        return Data(bytes(UInt32.max) + bytes(Int32(metadata.count)) + metadata)
    }

    private static func bits(_ flags: [Bool]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (flags.count + 7) / 8)
        for (index, flag) in flags.enumerated() where flag { bytes[index >> 3] |= 1 << UInt8(index & 7) }
        return bytes
    }
}

/// Little-endian bytes of an integer.
func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A value in a FlatBuffers table being written.
indirect enum FlatValue {
    /// A field left out (its default applies).
    case absent
    /// A scalar stored inline, aligned to its size.
    case scalar([UInt8])
    case string(String)
    case table([FlatValue])
    case tables([FlatValue])
    /// A vector of structs of 16 bytes (Arrow's FieldNode and Buffer).
    case structs([[UInt8]])
}

/// Lays out FlatBuffers front to back: every offset points forward, as uoffset_t must.
struct FlatBuilder {
    var bytes: [UInt8] = []

    mutating func align(_ size: Int) {
        bytes += [UInt8](repeating: 0, count: (size - bytes.count % size) % size)
    }

    mutating func writeRoot(_ root: FlatValue) {
        bytes = [0, 0, 0, 0]
        let table = write(root)
        patch(at: 0, target: table)
    }

    /// Writes the uoffset from `at` to `target` into the placeholder at `at`.
    mutating func patch(at position: Int, target: Int) {
        let offset = SparkConnect.bytes(UInt32(target - position))
        for index in 0..<4 { self.bytes[position + index] = offset[index] }
    }

    /// Writes a value that offsets refer to (table, vector, string); returns its position.
    mutating func write(_ value: FlatValue) -> Int {
        switch value {
        case .string(let text):
            align(4)
            let position = bytes.count
            bytes += SparkConnect.bytes(UInt32(text.utf8.count)) + Array(text.utf8) + [0]
            return position
        case .structs(let elements):
            // The elements (8-byte aligned) follow the 4-byte count directly.
            align(8)
            bytes += [0, 0, 0, 0]
            let position = bytes.count
            bytes += SparkConnect.bytes(UInt32(elements.count))
            for element in elements { bytes += element }
            return position
        case .tables(let elements):
            align(4)
            let position = bytes.count
            bytes += SparkConnect.bytes(UInt32(elements.count))
            let slots = elements.indices.map { position + 4 + 4 * $0 }
            bytes += [UInt8](repeating: 0, count: 4 * elements.count)
            for (slot, element) in zip(slots, elements) { patch(at: slot, target: write(element)) }
            return position
        case .table(let fields):
            return writeTable(fields)
        case .absent, .scalar:
            return 0
        }
    }

    private mutating func writeTable(_ fields: [FlatValue]) -> Int {
        // Inline layout: the soffset, then each present field aligned to its size.
        var layout: [(index: Int, offset: Int)] = []
        var size = 4
        for (index, field) in fields.enumerated() {
            let width: Int
            switch field {
            case .absent: continue
            case .scalar(let value): width = value.count
            default: width = 4
            }
            size += (width - size % width) % width
            layout.append((index, size))
            size += width
        }
        size += (8 - size % 8) % 8
        // The vtable first (it may come before its table: the soffset is signed).
        align(2)
        let vtable = bytes.count
        var entries = [UInt16](repeating: 0, count: fields.count)
        for (index, offset) in layout { entries[index] = UInt16(offset) }
        bytes += SparkConnect.bytes(UInt16(4 + 2 * fields.count)) + SparkConnect.bytes(UInt16(size))
        for entry in entries { bytes += SparkConnect.bytes(entry) }
        align(8)
        let table = bytes.count
        bytes += [UInt8](repeating: 0, count: size)
        let soffset = SparkConnect.bytes(Int32(table - vtable))
        for index in 0..<4 { bytes[table + index] = soffset[index] }
        for (index, offset) in layout {
            if case .scalar(let value) = fields[index] {
                for (byte, element) in value.enumerated() { bytes[table + offset + byte] = element }
            }
        }
        for (index, offset) in layout {
            switch fields[index] {
            case .absent, .scalar: continue
            default: patch(at: table + offset, target: write(fields[index]))
            }
        }
        return table
    }
}
