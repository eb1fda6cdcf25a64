// The distinct strings of a column and their codes, found by their UTF-8 bytes: loading looks up
// each field's bytes without making a `String` (one is made only for a string not seen before),
// and equality is byte equality, which is Byline's scalar-exact equality (see ExactText). Open
// addressing over one array of codes, doubled at half full; each code keeps its hash, and each
// slot the top bits of it beside the code (as many as the code leaves of 32), so a probe compares
// bytes only when those agree, without reading the code's hash from another array (with a
// hundred thousand strings each array is a cache miss of its own). The hash is seeded once per
// process, so data cannot be written to make every string collide.

import BylineCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

package struct StringTable: Sendable {
    /// The strings, by code.
    package private(set) var strings: [String] = []
    /// Each code's hash.
    private var hashes: [UInt64] = []
    /// Code + 1 in each slot's low bits (`SlotTags`), the hash's top bits above; 0 is empty.
    private var slots = [UInt32](repeating: 0, count: 16)

    package init() {}

    package static let seed = UInt64.random(in: 1...UInt64.max)

    /// A 64-bit hash of bytes, eight at a time.
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        guard let base = bytes.baseAddress else { return mix(hash) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        return mix((hash ^ tail) &* 0x94D0_49BB_1331_11EB)
    }

    @inline(__always) private static func mix(_ value: UInt64) -> UInt64 {
        var value = value ^ (value >> 31)
        value = value &* 0xFF51_AFD7_ED55_8CCD
        return value ^ (value >> 33)
    }

    private static func same(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        if let equal = text.utf8.withContiguousStorageIfAvailable({ stored in
            guard let p = stored.baseAddress, let q = bytes.baseAddress else { return stored.isEmpty }
            return memcmp(p, q, bytes.count) == 0
        }) {
            return equal
        }
        return text.utf8.elementsEqual(bytes)
    }

    /// The slot where `bytes` is, or the empty slot where it would go.
    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, code: Int32?) {
        let tags = SlotTags(slots: slots.count)
        let tag = tags.tag(hash)
        var slot = Int(truncatingIfNeeded: hash) & tags.mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (slot, nil) }
            let code = tags.code(entry)
            if tags.tag(of: entry) == tag, StringTable.same(strings[code], bytes) { return (slot, Int32(truncatingIfNeeded: code)) }
            slot = (slot + 1) & tags.mask
        }
    }

    /// The code of the string with these bytes, if there is one.
    package func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        find(bytes, hash: StringTable.hash(bytes)).code
    }

    /// The code of `text`, if the table holds it.
    package func code(of text: String) -> Int32? {
        var text = text
        return text.withUTF8 { code(of: $0) }
    }

    /// The code of the string with these bytes, adding `make()` (which must have them) when new.
    package mutating func code(for bytes: UnsafeBufferPointer<UInt8>, make: () -> String) -> Int32 {
        let hash = StringTable.hash(bytes)
        let (slot, existing) = find(bytes, hash: hash)
        if let existing { return existing }
        let code = Int32(truncatingIfNeeded: strings.count)
        strings.append(make())
        hashes.append(hash)
        slots[slot] = SlotTags(slots: slots.count).entry(code: Int(code), hash: hash)
        if strings.count * 2 > slots.count { grow() }
        return code
    }

    /// The code of `text`, adding it when new.
    package mutating func code(for text: String) -> Int32 {
        var bytes = text
        return bytes.withUTF8 { code(for: $0) { text } }
    }

    /// The codes here of every string of `other`, by its code, adding those not here in its
    /// order (its hashes are reused: the seed is the process's).
    package mutating func codes(of other: StringTable) -> [Int32] {
        var codes: [Int32] = []
        codes.reserveCapacity(other.strings.count)
        while (strings.count + other.strings.count) * 2 > slots.count { grow() }
        for index in other.strings.indices {
            let hash = other.hashes[index]
            var text = other.strings[index]
            let (slot, existing) = text.withUTF8 { find($0, hash: hash) }
            if let existing {
                codes.append(existing)
                continue
            }
            let code = Int32(truncatingIfNeeded: strings.count)
            strings.append(text)
            hashes.append(hash)
            slots[slot] = SlotTags(slots: slots.count).entry(code: Int(code), hash: hash)
            codes.append(code)
        }
        return codes
    }

    private mutating func grow() {
        slots = SlotTags.slots(count: slots.count * 2, hashes: hashes)
    }
}

/// How a slot of a string table holds a code and part of its hash: code + 1 in the low bits, as
/// many as the slots need (codes + 1 stay below the slot count, at most half full), and the
/// hash's top bits in the rest of 32 (14 bits for a table of 100,000 strings, none past 2^31 slots).
struct SlotTags {
    /// The slot count less one: the low bits' mask.
    let mask: Int
    private let bits: UInt32

    @inline(__always)
    init(slots: Int) {
        mask = slots - 1
        bits = UInt32(truncatingIfNeeded: slots.trailingZeroBitCount)
    }

    /// The hash's tag, in a slot's high bits (smart shifts: no tag when the code takes all 32).
    @inline(__always)
    func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> (32 + UInt64(bits))) << bits }

    @inline(__always)
    func tag(of entry: UInt32) -> UInt32 { entry & ~UInt32(truncatingIfNeeded: mask) }

    @inline(__always)
    func code(_ entry: UInt32) -> Int { Int(entry & UInt32(truncatingIfNeeded: mask)) - 1 }

    @inline(__always)
    func entry(code: Int, hash: UInt64) -> UInt32 { tag(hash) | UInt32(truncatingIfNeeded: code + 1) }

    /// `count` slots (a power of two) holding the codes of `hashes`.
    static func slots(count: Int, hashes: [UInt64]) -> [UInt32] {
        var slots = [UInt32](repeating: 0, count: count)
        let tags = SlotTags(slots: count)
        for (code, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & tags.mask
            while slots[slot] != 0 { slot = (slot + 1) & tags.mask }
            slots[slot] = tags.entry(code: code, hash: hash)
        }
        return slots
    }
}

/// Distinct strings by their UTF-8 bytes alone, each with a code in the order first seen: what a
/// piece of a file being loaded keeps, so that no `String` is made for a value the table it is
/// appended to already holds (`StringTable.codes(of:)` makes one only for a string new there).
package struct ByteStrings: Sendable {
    /// Every string's bytes, one after another.
    private var arena: [UInt8] = []
    /// Where each code's bytes end in `arena` (they start where the previous code's end).
    private var ends: [Int] = []
    private var hashes: [UInt64] = []
    /// Code + 1 in each slot's low bits, the hash's top bits above (`SlotTags`); 0 is empty.
    private var slots = [UInt32](repeating: 0, count: 16)

    package init() {}

    /// How many strings there are.
    package var count: Int { ends.count }

    /// Calls `body` with a code's bytes and hash.
    package func withBytes<Result>(of code: Int, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Result) -> Result {
        let start = code == 0 ? 0 : ends[code - 1]
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[code]]), hashes[code]) }
    }

    /// The code of the string with these bytes, adding it when new.
    package mutating func code(for bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = StringTable.hash(bytes)
        let tags = SlotTags(slots: slots.count)
        let tag = tags.tag(hash)
        var slot = Int(truncatingIfNeeded: hash) & tags.mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if tags.tag(of: entry) == tag {
                let code = tags.code(entry)
                let start = code == 0 ? 0 : ends[code - 1]
                let same = ends[code] - start == bytes.count && arena.withUnsafeBufferPointer { stored in
                    guard let base = stored.baseAddress, let other = bytes.baseAddress else { return bytes.isEmpty }
                    return memcmp(base + start, other, bytes.count) == 0
                }
                if same { return Int32(truncatingIfNeeded: code) }
            }
            slot = (slot + 1) & tags.mask
        }
        let code = Int32(truncatingIfNeeded: ends.count)
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        hashes.append(hash)
        slots[slot] = tags.entry(code: Int(code), hash: hash)
        if ends.count * 2 > slots.count { grow() }
        return code
    }

    private mutating func grow() {
        slots = SlotTags.slots(count: slots.count * 2, hashes: hashes)
    }
}

extension StringTable {
    /// The codes here of every string of `other`, by its code, adding those not here in its
    /// order, each made a `String` only then.
    package mutating func codes(of other: ByteStrings) -> [Int32] {
        var codes: [Int32] = []
        codes.reserveCapacity(other.count)
        for index in 0..<other.count {
            codes.append(other.withBytes(of: index) { bytes, _ in code(for: bytes) { String(decoding: bytes, as: UTF8.self) } })
        }
        return codes
    }
}
