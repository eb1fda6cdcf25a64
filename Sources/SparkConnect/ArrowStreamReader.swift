// A minimal reader of Arrow's IPC stream format, as Spark Connect sends results: a schema message,
// then record batches, each message a FlatBuffers header (Message.fbs, Schema.fbs) and a body of
// buffers. It reads the flat types a SQL result has (null, bool, 8- to 64-bit integers, 32- and
// 64-bit floats, utf8 and large utf8, date32, decimal128, timestamps); any other type, compressed
// bodies and dictionaries are refused with an error naming them.

import Foundation

/// The type of an Arrow column, as far as this reader knows it.
public enum ArrowType: Equatable, Sendable {
    case null
    case bool
    case int(bitWidth: Int, signed: Bool)
    case float(bitWidth: Int)
    case utf8
    case largeUTF8
    /// Days since 1970-01-01.
    case date32
    case decimal128(precision: Int, scale: Int)
    /// A count of `unit`s since 1970-01-01 00:00 UTC; `timezone` is nil for a local timestamp.
    case timestamp(unit: ArrowTimeUnit, timezone: String?)
    /// A type this reader does not read (its FlatBuffers union tag), kept so the error can name it.
    case unsupported(tag: Int)
}

/// The unit of an Arrow timestamp.
public enum ArrowTimeUnit: Int, Sendable {
    case second = 0, millisecond, microsecond, nanosecond
}

/// A column's name and type.
public struct ArrowField: Equatable, Sendable {
    public var name: String
    public var type: ArrowType
    public var nullable: Bool
}

/// A 128-bit decimal: an integer of units of 10^-scale.
public struct ArrowDecimal: Equatable, Sendable, CustomStringConvertible {
    public var units: Int128
    public var scale: Int

    public init(units: Int128, scale: Int) {
        self.units = units
        self.scale = scale
    }

    /// The number written out exactly: `-12.50` for units -1250, scale 2.
    public var description: String {
        let negative = units < 0
        var digits = String(units.magnitude)
        guard scale > 0 else { return (negative ? "-" : "") + digits + String(repeating: "0", count: -scale) }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }
}

/// One column of a record batch, its values decoded (nil for null).
public enum ArrowColumn: Equatable, Sendable {
    case null(count: Int)
    case bool([Bool?])
    case integer([Int64?])
    /// 64-bit unsigned integers, which may not fit Int64.
    case unsignedInteger([UInt64?])
    case float([Double?])
    case string([String?])
    /// Days since 1970-01-01.
    case date([Int32?])
    case decimal([ArrowDecimal?])
    /// A count of the field's time unit since the epoch.
    case timestamp([Int64?])

    /// The number of rows.
    public var count: Int {
        switch self {
        case .null(let count): count
        case .bool(let values): values.count
        case .integer(let values): values.count
        case .unsignedInteger(let values): values.count
        case .float(let values): values.count
        case .string(let values): values.count
        case .date(let values): values.count
        case .decimal(let values): values.count
        case .timestamp(let values): values.count
        }
    }
}

/// A record batch: its rows, column by column.
public struct ArrowBatch: Equatable, Sendable {
    public var fields: [ArrowField]
    public var rowCount: Int
    public var columns: [ArrowColumn]
}

/// Reads the messages of one Arrow IPC stream.
public struct ArrowStreamReader {
    private let view: ByteView
    private var position = 0
    /// The stream's schema, once its first message has been read.
    public private(set) var fields: [ArrowField]?

    public init(_ bytes: [UInt8]) {
        view = ByteView(bytes: bytes)
    }

    public init(_ data: Data) {
        self.init([UInt8](data))
    }

    /// Every batch of a whole stream.
    public static func batches(in data: Data) throws(ArrowError) -> [ArrowBatch] {
        var reader = ArrowStreamReader(data)
        var batches: [ArrowBatch] = []
        while let batch = try reader.nextBatch() { batches.append(batch) }
        return batches
    }

    /// The next record batch, nil at the end of the stream. Reads the schema first.
    public mutating func nextBatch() throws(ArrowError) -> ArrowBatch? {
        while let (header, kind, body) = try nextMessage() {
            switch kind {
            case 1:
                fields = try ArrowStreamReader.schema(header)
            case 3:
                guard let fields else { throw ArrowError("a record batch came before the stream's schema") }
                return try ArrowStreamReader.batch(header, stream: view, body: body, fields: fields)
            case 2:
                throw ArrowError("the stream has a dictionary-encoded column, which this reader does not read")
            default:
                throw ArrowError("the stream has a message of kind \(kind), which this reader does not read")
            }
        }
        return nil
    }

    /// The next message: its header table, its header kind (1 schema, 2 dictionary, 3 batch) and
    /// the position of its body; nil at the end-of-stream marker or the end of the bytes.
    private mutating func nextMessage() throws(ArrowError) -> (FlatTable, Int, Int)? {
        guard position + 4 <= view.bytes.count else { return nil }
        var length = Int(try view.integer(Int32.self, at: position))
        position += 4
        if length == -1 {  // the continuation marker of the format since Arrow 0.15
            guard position + 4 <= view.bytes.count else { return nil }
            length = Int(try view.integer(Int32.self, at: position))
            position += 4
        }
        if length == 0 { return nil }
        guard length > 0, length <= view.bytes.count - position else { throw ArrowError("a message of \(length) bytes runs past the end of the stream") }
        let metadata = ByteView(bytes: Array(try view.slice(position, length)))
        position += length
        let message = try FlatTable(root: metadata)
        let kind = Int(try message.scalar(1, UInt8.self, default: 0))
        guard let header = try message.table(2) else { throw ArrowError("a message has no header") }
        let bodyLength = Int(try message.scalar(3, Int64.self, default: 0))
        guard bodyLength >= 0, bodyLength <= view.bytes.count - position else {
            throw ArrowError("a message body of \(bodyLength) bytes runs past the end of the stream")
        }
        let body = position
        position += bodyLength
        return (header, kind, body)
    }

    // MARK: - Schema

    private static func schema(_ schema: FlatTable) throws(ArrowError) -> [ArrowField] {
        if try schema.scalar(0, Int16.self, default: 0) != 0 { throw ArrowError("the stream is big-endian, which this reader does not read") }
        var fields: [ArrowField] = []
        for field in try schema.tables(1) {
            let name = try field.string(0) ?? ""
            let nullable = try field.bool(1, default: false)
            let tag = Int(try field.scalar(2, UInt8.self, default: 0))
            if try field.table(4) != nil { throw ArrowError("the column \"\(name)\" is dictionary-encoded, which this reader does not read") }
            fields.append(ArrowField(name: name, type: try type(tag: tag, try field.table(3)), nullable: nullable))
        }
        return fields
    }

    private static func type(tag: Int, _ table: FlatTable?) throws(ArrowError) -> ArrowType {
        switch tag {
        case 1: return .null
        case 2:
            let width = Int(try table?.scalar(0, Int32.self, default: 0) ?? 0)
            guard [8, 16, 32, 64].contains(width) else { throw ArrowError("an integer column of \(width) bits") }
            return .int(bitWidth: width, signed: try table?.bool(1, default: false) ?? false)
        case 3:
            switch try table?.scalar(0, Int16.self, default: 0) ?? 0 {
            case 1: return .float(bitWidth: 32)
            case 2: return .float(bitWidth: 64)
            default: return .unsupported(tag: tag)
            }
        case 5: return .utf8
        case 20: return .largeUTF8
        case 6: return .bool
        case 7:
            let width = Int(try table?.scalar(2, Int32.self, default: 128) ?? 128)
            guard width == 128 else { return .unsupported(tag: tag) }
            return .decimal128(precision: Int(try table?.scalar(0, Int32.self, default: 0) ?? 0), scale: Int(try table?.scalar(1, Int32.self, default: 0) ?? 0))
        case 8:
            // DateUnit: DAY = 0, MILLISECOND = 1 (the default).
            return try table?.scalar(0, Int16.self, default: 1) == 0 ? .date32 : .unsupported(tag: tag)
        case 10:
            let unit = ArrowTimeUnit(rawValue: Int(try table?.scalar(0, Int16.self, default: 0) ?? 0)) ?? .second
            return .timestamp(unit: unit, timezone: try table?.string(1))
        default:
            return .unsupported(tag: tag)
        }
    }

    // MARK: - Record batches

    private static func batch(_ batch: FlatTable, stream: ByteView, body: Int, fields: [ArrowField]) throws(ArrowError) -> ArrowBatch {
        if try batch.table(3) != nil { throw ArrowError("the record batch is compressed, which this reader does not read") }
        let length = Int(try batch.scalar(0, Int64.self, default: 0))
        // Arrow's 32-bit offsets bound a column's length; the bound also keeps `count + 1` safe.
        guard length >= 0, length <= Int(Int32.max) else { throw ArrowError("a record batch of \(length) rows") }
        let nodes = try batch.structs(1, stride: 16)
        let buffers = try batch.structs(2, stride: 16)
        var cursor = BufferCursor(view: batch.view, stream: stream, nodes: nodes, buffers: buffers, body: body)
        var columns: [ArrowColumn] = []
        for field in fields {
            let (count, nullCount) = try cursor.nextNode()
            guard count >= 0, count <= length else { throw ArrowError("the column \"\(field.name)\" has \(count) rows in a batch of \(length)") }
            columns.append(try column(field, count: count, nullCount: nullCount, cursor: &cursor))
        }
        return ArrowBatch(fields: fields, rowCount: length, columns: columns)
    }

    private static func column(_ field: ArrowField, count: Int, nullCount: Int, cursor: inout BufferCursor) throws(ArrowError) -> ArrowColumn {
        if case .null = field.type { return .null(count: count) }  // a null column has no buffers
        let validity = try cursor.nextBuffer()
        let isValid: (Int) -> Bool
        if nullCount == 0 || validity.isEmpty {
            isValid = { _ in true }
        } else {
            guard validity.count * 8 >= count else { throw ArrowError("the validity bitmap of \"\(field.name)\" is too short") }
            let base = validity.startIndex
            isValid = { row in validity[base + row >> 3] & (1 << UInt8(row & 7)) != 0 }
        }
        switch field.type {
        case .null:
            return .null(count: count)
        case .bool:
            let data = try cursor.nextBuffer()
            guard data.count * 8 >= count else { throw ArrowError("the values of \"\(field.name)\" are too short") }
            let base = data.startIndex
            return .bool((0..<count).map { row in isValid(row) ? data[base + row >> 3] & (1 << UInt8(row & 7)) != 0 : nil })
        case .int(let width, let signed):
            let data = try fixed(field, cursor: &cursor, count: count, width: width / 8)
            if width == 64, !signed {
                return .unsignedInteger((0..<count).map { row in isValid(row) ? data.read(UInt64.self, row) : nil })
            }
            return .integer(
                (0..<count).map { row -> Int64? in
                    guard isValid(row) else { return nil }
                    switch (width, signed) {
                    case (8, true): return Int64(data.read(Int8.self, row))
                    case (8, false): return Int64(data.read(UInt8.self, row))
                    case (16, true): return Int64(data.read(Int16.self, row))
                    case (16, false): return Int64(data.read(UInt16.self, row))
                    case (32, true): return Int64(data.read(Int32.self, row))
                    case (32, false): return Int64(data.read(UInt32.self, row))
                    default: return data.read(Int64.self, row)
                    }
                })
        case .float(let width):
            let data = try fixed(field, cursor: &cursor, count: count, width: width / 8)
            return .float(
                (0..<count).map { row -> Double? in
                    guard isValid(row) else { return nil }
                    return width == 32 ? Double(Float(bitPattern: data.read(UInt32.self, row))) : Double(bitPattern: data.read(UInt64.self, row))
                })
        case .utf8, .largeUTF8:
            let large = field.type == .largeUTF8
            let offsets = try fixed(field, cursor: &cursor, count: count + 1, width: large ? 8 : 4)
            let data = try cursor.nextBuffer()
            var strings: [String?] = []
            strings.reserveCapacity(count)
            for row in 0..<count {
                guard isValid(row) else {
                    strings.append(nil)
                    continue
                }
                let start = large ? Int(offsets.read(Int64.self, row)) : Int(offsets.read(Int32.self, row))
                let end = large ? Int(offsets.read(Int64.self, row + 1)) : Int(offsets.read(Int32.self, row + 1))
                guard start >= 0, start <= end, end <= data.count else { throw ArrowError("the string offsets of \"\(field.name)\" are out of range") }
                strings.append(String(decoding: data[(data.startIndex + start)..<(data.startIndex + end)], as: UTF8.self))
            }
            return .string(strings)
        case .date32:
            let data = try fixed(field, cursor: &cursor, count: count, width: 4)
            return .date((0..<count).map { row in isValid(row) ? data.read(Int32.self, row) : nil })
        case .decimal128(_, let scale):
            let data = try fixed(field, cursor: &cursor, count: count, width: 16)
            return .decimal(
                (0..<count).map { row -> ArrowDecimal? in
                    guard isValid(row) else { return nil }
                    let low = data.read(UInt64.self, 2 * row)
                    let high = data.read(Int64.self, 2 * row + 1)
                    return ArrowDecimal(units: Int128(high) << 64 | Int128(low), scale: scale)
                })
        case .timestamp:
            let data = try fixed(field, cursor: &cursor, count: count, width: 8)
            return .timestamp((0..<count).map { row in isValid(row) ? data.read(Int64.self, row) : nil })
        case .unsupported(let tag):
            throw ArrowError("the column \"\(field.name)\" has an Arrow type (\(ArrowStreamReader.typeName(tag))) this reader does not read")
        }
    }

    /// The next buffer, checked to hold `count` values of `width` bytes.
    private static func fixed(_ field: ArrowField, cursor: inout BufferCursor, count: Int, width: Int) throws(ArrowError) -> FixedValues {
        let data = try cursor.nextBuffer()
        guard data.count / width >= count else { throw ArrowError("the values of \"\(field.name)\" are too short for \(count) rows") }
        return FixedValues(bytes: data)
    }

    /// The name of an Arrow type tag (Schema.fbs's union Type), for messages.
    static func typeName(_ tag: Int) -> String {
        let names = [
            "none", "null", "int", "floating point", "binary", "utf8", "bool", "decimal", "date", "time", "timestamp", "interval",
            "list", "struct", "union", "fixed-size binary", "fixed-size list", "map", "duration", "large binary", "large utf8",
            "large list", "run-end encoded", "binary view", "utf8 view", "list view", "large list view",
        ]
        return tag >= 0 && tag < names.count ? names[tag] : "type \(tag)"
    }
}

/// Values of one width, read little-endian (bounds checked once, by `fixed`).
private struct FixedValues {
    let bytes: ArraySlice<UInt8>

    func read<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
        let size = MemoryLayout<T>.size
        let start = bytes.startIndex + index * size
        var value: T = 0
        for byte in 0..<size { value |= T(truncatingIfNeeded: bytes[start + byte]) << (8 * byte) }
        return value
    }
}

/// Walks a record batch's field nodes and buffers in order.
private struct BufferCursor {
    /// The message's metadata, where the nodes and buffer positions are.
    let view: ByteView
    /// The whole stream, where the body is.
    let stream: ByteView
    let nodes: (start: Int, count: Int)
    let buffers: (start: Int, count: Int)
    let body: Int
    var node = 0
    var buffer = 0

    mutating func nextNode() throws(ArrowError) -> (Int, Int) {
        guard node < nodes.count else { throw ArrowError("the record batch has fewer field nodes than the schema has columns") }
        let at = nodes.start + 16 * node
        node += 1
        return (Int(try view.integer(Int64.self, at: at)), Int(try view.integer(Int64.self, at: at + 8)))
    }

    mutating func nextBuffer() throws(ArrowError) -> ArraySlice<UInt8> {
        guard buffer < buffers.count else { throw ArrowError("the record batch has fewer buffers than its columns need") }
        let at = buffers.start + 16 * buffer
        buffer += 1
        let offset = Int(try view.integer(Int64.self, at: at))
        let length = Int(try view.integer(Int64.self, at: at + 8))
        guard offset >= 0, length >= 0, offset <= Int.max - body else { throw ArrowError("a buffer of the record batch is out of range") }
        return try stream.slice(body + offset, length)
    }
}
