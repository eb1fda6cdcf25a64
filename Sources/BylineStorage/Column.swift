// Columns: typed contiguous arrays, strings dictionary-encoded. The engine's storage.

import BylineCore

/// Which rows of a column are null; `nil` storage means none are.
package struct NullMask: Sendable {
    package private(set) var flags: [Bool]?

    package init(flags: [Bool]?) { self.flags = flags }

    package static let none = NullMask(flags: nil)

    package func isNull(_ row: Int) -> Bool { flags?[row] ?? false }

    package func gather(_ rows: [Int]) -> NullMask {
        guard let flags else { return .none }
        return NullMask(flags: rows.map { flags[$0] })
    }
}

/// The distinct strings of a column, each with an integer code; equality on codes is equality on
/// text, scalar for scalar (see `ExactText`): two spellings of "é" get two codes and keep them.
package final class StringDictionary: Sendable {
    private let table: StringTable
    /// The strings by code (the table's own array, shared, not copied).
    package let strings: [String]
    /// The bytes of the strings' text, for the memory a table holds.
    package let textBytes: Int

    package init(_ table: StringTable) {
        self.table = table
        strings = table.strings
        textBytes = table.strings.reduce(0) { $0 &+ $1.utf8.count }
    }

    /// The code of a string, if the column holds it.
    package func code(of text: String) -> Int32? { table.code(of: text) }
}

/// One column of a table: values of one type, stored unboxed.
package struct Column: Sendable {
    package enum Storage: Sendable {
        case integers([Int], NullMask)
        /// Integers that all fit in 32 bits, at half the memory (what loading chooses when it can).
        case integers32([Int32], NullMask)
        case floats([Double], NullMask)
        case bools([Bool], NullMask)
        /// Codes into the dictionary; -1 is null.
        case strings([Int32], StringDictionary)
        case dates([PartialDate], NullMask)
        /// Lists and other values that have no unboxed form.
        case values([Value])
        /// A column no later step reads (dropped after a join); every row reads as null.
        case unread(Int)
    }

    /// The declared type of every value.
    package let type: DataType
    package let storage: Storage

    package init(type: DataType, storage: Storage) {
        self.type = type
        self.storage = storage
    }

    /// How many rows the column has.
    package var count: Int {
        switch storage {
        case .integers(let values, _): return values.count
        case .integers32(let values, _): return values.count
        case .floats(let values, _): return values.count
        case .bools(let values, _): return values.count
        case .strings(let codes, _): return codes.count
        case .dates(let values, _): return values.count
        case .values(let values): return values.count
        case .unread(let count): return count
        }
    }

    /// The value at a row, boxed. For results and slow paths; hot paths read the storage directly.
    package func value(at row: Int) -> Value {
        switch storage {
        case .integers(let values, let nulls): return nulls.isNull(row) ? .null : .integer(values[row])
        case .integers32(let values, let nulls): return nulls.isNull(row) ? .null : .integer(Int(values[row]))
        case .floats(let values, let nulls): return nulls.isNull(row) ? .null : .float(values[row])
        case .bools(let values, let nulls): return nulls.isNull(row) ? .null : .bool(values[row])
        case .strings(let codes, let dictionary):
            let code = codes[row]
            return code < 0 ? .null : .string(dictionary.strings[Int(code)])
        case .dates(let values, let nulls): return nulls.isNull(row) ? .null : .date(values[row])
        case .values(let values): return values[row]
        case .unread: return .null
        }
    }

    /// The column at the given rows, where -1 stands for a null (the unmatched side of a left join).
    package func gather(orNull rows: [Int]) -> Column {
        if case .unread = storage { return Column(type: type, storage: .unread(rows.count)) }
        guard rows.contains(-1) else { return gather(rows) }
        // Typed storage stays typed (a left join's unmatched rows are nulls, not boxed values).
        func nulls(_ mask: NullMask) -> NullMask { NullMask(flags: rows.map { $0 < 0 || mask.isNull($0) }) }
        switch storage {
        case .integers(let values, let mask):
            return Column(type: type, storage: .integers(rows.map { $0 < 0 ? 0 : values[$0] }, nulls(mask)))
        case .integers32(let values, let mask):
            return Column(type: type, storage: .integers32(rows.map { $0 < 0 ? 0 : values[$0] }, nulls(mask)))
        case .floats(let values, let mask):
            return Column(type: type, storage: .floats(rows.map { $0 < 0 ? 0 : values[$0] }, nulls(mask)))
        case .strings(let codes, let dictionary):
            return Column(type: type, storage: .strings(rows.map { $0 < 0 ? -1 : codes[$0] }, dictionary))
        default:
            break
        }
        var builder = ColumnBuilder(type: type, capacity: rows.count)
        for row in rows { builder.append(row < 0 ? .null : value(at: row)) }
        return builder.build()
    }

    /// The column restricted to the given rows, in their order.
    package func gather(_ rows: [Int]) -> Column {
        switch storage {
        case .integers(let values, let nulls):
            return Column(type: type, storage: .integers(rows.map { values[$0] }, nulls.gather(rows)))
        case .integers32(let values, let nulls):
            return Column(type: type, storage: .integers32(rows.map { values[$0] }, nulls.gather(rows)))
        case .floats(let values, let nulls):
            return Column(type: type, storage: .floats(rows.map { values[$0] }, nulls.gather(rows)))
        case .bools(let values, let nulls):
            return Column(type: type, storage: .bools(rows.map { values[$0] }, nulls.gather(rows)))
        case .strings(let codes, let dictionary):
            return Column(type: type, storage: .strings(rows.map { codes[$0] }, dictionary))
        case .dates(let values, let nulls):
            return Column(type: type, storage: .dates(rows.map { values[$0] }, nulls.gather(rows)))
        case .values(let values):
            return Column(type: type, storage: .values(rows.map { values[$0] }))
        case .unread:
            return Column(type: type, storage: .unread(rows.count))
        }
    }
}

/// Builds a column of a known type from boxed values.
package struct ColumnBuilder {
    package let type: DataType
    private var integers: [Int] = []
    private var integers32: [Int32] = []
    /// Store integers in 32 bits: the caller has checked that every value fits.
    private let narrowIntegers: Bool
    private var floats: [Double] = []
    private var bools: [Bool] = []
    private var codes: [Int32] = []
    private var strings = StringTable()
    /// A piece's strings, by their bytes only (`piece`): made strings when appended to a table.
    private var pieceStrings: ByteStrings?
    private var dates: [PartialDate] = []
    private var values: [Value] = []
    /// Null flags, made only once a null arrives (most columns have none).
    private var nulls: [Bool]?
    private var count = 0
    private let capacity: Int
    /// About what the builder holds beyond its reserved rows: each new distinct string (its
    /// dictionary entry, and its text when too long to be stored inline) and each list (its
    /// array), so a step can charge them to the memory budget as they arrive.
    package private(set) var heldBytes = 0

    /// Creates a builder; `capacity` reserves room for that many rows of the builder's type only.
    /// A `piece` is only ever appended to another builder (`append(contentsOf:)`): its strings
    /// are kept as bytes, and a `String` is made only for those new to the builder it joins.
    package init(type: DataType, capacity: Int = 0, narrowIntegers: Bool = false, piece: Bool = false) {
        self.type = type
        if piece && type == .string { pieceStrings = ByteStrings() }
        self.capacity = capacity
        self.narrowIntegers = narrowIntegers
        switch type {
        case .integer where narrowIntegers: integers32.reserveCapacity(capacity)
        case .integer: integers.reserveCapacity(capacity)
        case .float: floats.reserveCapacity(capacity)
        case .bool: bools.reserveCapacity(capacity)
        case .string: codes.reserveCapacity(capacity)
        case .date: dates.reserveCapacity(capacity)
        case .timestamp, .list, .null: values.reserveCapacity(capacity)
        }
    }

    /// Appends a value, which must be null or of the builder's type (integers widen to floats).
    package mutating func append(_ value: Value) {
        if value.isNull, type != .string, nulls == nil {
            nulls = [Bool](repeating: false, count: count)
            nulls?.reserveCapacity(max(capacity, count + 1))
        }
        switch type {
        case .integer where narrowIntegers:
            if case .integer(let v) = value { integers32.append(Int32(truncatingIfNeeded: v)) } else { integers32.append(0) }
        case .integer:
            if case .integer(let v) = value { integers.append(v) } else { integers.append(0) }
        case .float:
            switch value {
            case .float(let v): floats.append(v)
            case .integer(let v): floats.append(Double(v))
            default: floats.append(0)
            }
        case .bool:
            if case .bool(let v) = value { bools.append(v) } else { bools.append(false) }
        case .string:
            if case .string(let text) = value {
                codes.append(code(for: text))
            } else {
                codes.append(-1)
            }
        case .date:
            if case .date(let v) = value { dates.append(v) } else { dates.append(PartialDate()) }
        case .timestamp, .list, .null:
            if case .list(let items) = value, items.count < ColumnBuilder.chargedWhereMade / 16 {
                heldBytes &+= 32 &+ MemoryBudget.bytes(items.count, each: MemoryLayout<Value>.stride)
            }
            values.append(value)
        }
        if type != .string { nulls?.append(value.isNull) }
        count += 1
    }

    private mutating func code(for text: String) -> Int32 {
        if pieceStrings != nil {
            var text = text
            return text.withUTF8 { pieceStrings?.code(for: $0) ?? -1 }
        }
        let before = strings.strings.count
        let code = strings.code(for: text)
        if strings.strings.count > before { heldBytes &+= ColumnBuilder.heldBytes(of: text) }
        return code
    }

    /// Strings of this many bytes or more, and lists of a sixteenth as many values, are charged
    /// where a function makes them (`ExpressionCompiler.charged`); the builder counts only the
    /// shorter ones, so nothing is charged twice.
    package static let chargedWhereMade = 1024

    /// What one new distinct string holds: its dictionary entry and hash, and its text when
    /// longer than the 15 bytes a string keeps inline (with the heap object's header).
    package static func heldBytes(of text: String) -> Int {
        let length = text.utf8.count
        return 32 &+ (length > 15 && length < chargedWhereMade ? 32 &+ length : 0)
    }

    /// Appends a string given as UTF-8 bytes (valid, as loaded files are checked to be): the
    /// string is made only when the column has not seen it.
    package mutating func appendString(_ bytes: UnsafeBufferPointer<UInt8>) {
        if pieceStrings != nil {
            codes.append(pieceStrings?.code(for: bytes) ?? -1)
            count += 1
            return
        }
        codes.append(strings.code(for: bytes) { String(decoding: bytes, as: UTF8.self) })
        count += 1
    }

    /// Appends an integer or a null to an integer column.
    package mutating func appendInteger(_ value: Int?) {
        guard let value else { return append(.null) }
        if narrowIntegers { integers32.append(Int32(truncatingIfNeeded: value)) } else { integers.append(value) }
        nulls?.append(false)
        count += 1
    }

    /// Appends a float or a null to a float column.
    package mutating func appendFloat(_ value: Double?) {
        guard let value else { return append(.null) }
        floats.append(value)
        nulls?.append(false)
        count += 1
    }

    /// Appends another builder's values of the same type, in order. Its strings take this
    /// builder's codes, new ones after those already here, as if appended one by one.
    package mutating func append(contentsOf other: ColumnBuilder) {
        guard other.count > 0 else { return }
        if other.nulls != nil || nulls != nil, type != .string {
            if nulls == nil {
                nulls = [Bool](repeating: false, count: count)
                nulls?.reserveCapacity(max(capacity, count + other.count))
            }
            nulls?.append(contentsOf: other.nulls ?? [Bool](repeating: false, count: other.count))
        }
        switch type {
        case .integer where narrowIntegers: integers32 += other.integers32
        case .integer: integers += other.integers
        case .float: floats += other.floats
        case .bool: bools += other.bools
        case .string:
            let codeOf = other.pieceStrings.map { strings.codes(of: $0) } ?? strings.codes(of: other.strings)
            codes.reserveCapacity(codes.count + other.codes.count)
            for code in other.codes { codes.append(code < 0 ? -1 : codeOf[Int(code)]) }
        case .date: dates += other.dates
        case .timestamp, .list, .null: values += other.values
        }
        count += other.count
    }

    /// The finished column.
    package func build() -> Column {
        let mask = nulls.map { NullMask(flags: $0) } ?? .none
        switch type {
        case .integer:
            if narrowIntegers { return Column(type: type, storage: .integers32(integers32, mask)) }
            return Column(type: type, storage: .integers(integers, mask))
        case .float: return Column(type: type, storage: .floats(floats, mask))
        case .bool: return Column(type: type, storage: .bools(bools, mask))
        case .string:
            if let pieceStrings {
                // A piece built on its own: its strings made now, in the order first seen.
                var table = StringTable()
                let codeOf = table.codes(of: pieceStrings)
                return Column(type: type, storage: .strings(codes.map { $0 < 0 ? -1 : codeOf[Int($0)] }, StringDictionary(table)))
            }
            return Column(type: type, storage: .strings(codes, StringDictionary(strings)))
        case .date: return Column(type: type, storage: .dates(dates, mask))
        // Timestamps are boxed: few tables hold many, and every path reads boxed values.
        case .timestamp, .list, .null: return Column(type: type, storage: .values(values))
        }
    }
}
