// Reading FlatBuffers by hand, the little Arrow's metadata needs: tables through their vtables,
// offsets to tables, vectors of tables and of structs, strings and scalars. Every read is bounds-
// checked, so a damaged message is an error, never a crash.

import Foundation

/// A failure to read Arrow data: what was expected where.
public struct ArrowError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Little-endian bytes with bounds-checked reads.
struct ByteView {
    let bytes: [UInt8]

    func integer<T: FixedWidthInteger>(_: T.Type, at offset: Int) throws(ArrowError) -> T {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset <= bytes.count - size else {
            throw ArrowError("a \(size)-byte value at offset \(offset) lies outside the \(bytes.count) bytes of the message")
        }
        var value: T = 0
        for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
        return value
    }

    func slice(_ offset: Int, _ count: Int) throws(ArrowError) -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw ArrowError("\(count) bytes at offset \(offset) lie outside the \(bytes.count) bytes of the message")
        }
        return bytes[offset..<(offset + count)]
    }
}

/// A FlatBuffers table: its position and its vtable's.
struct FlatTable {
    let view: ByteView
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    /// The root table of a buffer.
    init(root view: ByteView) throws(ArrowError) {
        try self.init(view, at: Int(try view.integer(UInt32.self, at: 0)))
    }

    init(_ view: ByteView, at position: Int) throws(ArrowError) {
        self.view = view
        self.position = position
        let relative = Int(try view.integer(Int32.self, at: position))
        vtable = position - relative
        vtableSize = Int(try view.integer(UInt16.self, at: vtable))
    }

    /// Where field `index` is stored, nil when absent (its default applies).
    private func fieldPosition(_ index: Int) throws(ArrowError) -> Int? {
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try view.integer(UInt16.self, at: vtable + entry))
        return offset == 0 ? nil : position + offset
    }

    func scalar<T: FixedWidthInteger>(_ index: Int, _: T.Type, default value: T) throws(ArrowError) -> T {
        guard let at = try fieldPosition(index) else { return value }
        return try view.integer(T.self, at: at)
    }

    func bool(_ index: Int, default value: Bool) throws(ArrowError) -> Bool {
        try scalar(index, UInt8.self, default: value ? 1 : 0) != 0
    }

    /// Follows the offset stored in field `index` (to a table, vector or string).
    private func indirect(_ index: Int) throws(ArrowError) -> Int? {
        guard let at = try fieldPosition(index) else { return nil }
        return at + Int(try view.integer(UInt32.self, at: at))
    }

    func table(_ index: Int) throws(ArrowError) -> FlatTable? {
        guard let at = try indirect(index) else { return nil }
        return try FlatTable(view, at: at)
    }

    func string(_ index: Int) throws(ArrowError) -> String? {
        guard let at = try indirect(index) else { return nil }
        let count = Int(try view.integer(UInt32.self, at: at))
        return String(decoding: try view.slice(at + 4, count), as: UTF8.self)
    }

    /// The tables of a vector of tables.
    func tables(_ index: Int) throws(ArrowError) -> [FlatTable] {
        guard let at = try indirect(index) else { return [] }
        let count = Int(try view.integer(UInt32.self, at: at))
        guard count <= view.bytes.count / 4 else { throw ArrowError("a vector of \(count) tables is longer than its message") }
        var tables: [FlatTable] = []
        tables.reserveCapacity(count)
        for element in 0..<count {
            let slot = at + 4 + 4 * element
            tables.append(try FlatTable(view, at: slot + Int(try view.integer(UInt32.self, at: slot))))
        }
        return tables
    }

    /// The start and element count of a vector of structs of `stride` bytes.
    func structs(_ index: Int, stride: Int) throws(ArrowError) -> (start: Int, count: Int) {
        guard let at = try indirect(index) else { return (0, 0) }
        let count = Int(try view.integer(UInt32.self, at: at))
        guard count <= view.bytes.count / stride else { throw ArrowError("a vector of \(count) structs is longer than its message") }
        _ = try view.slice(at + 4, count * stride)
        return (at + 4, count)
    }
}
