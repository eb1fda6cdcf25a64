// A table from packed composite keys (PackedKeys) to numbers: indexed by the key when it takes
// few values, else hashed on one or two words by open addressing (linear probing). A hashed
// slot keeps its key words and its number side by side, so a probe touches one cache line: with
// a million groups the table leaves the caches, and every miss is the time of a row.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// Packed keys to numbers (groups, or first rows): a table indexed by the key when one word's
/// keys take few values, else a hash table of one or two words.
package struct PackedKeyTable {
    /// By key, the number plus one (0: none yet); empty when hashing.
    private var direct: [UInt32] = []
    /// Hashing: slot after slot, the key's words and then the number plus one (0: an empty slot).
    private var slots: [UInt64] = []
    /// Words a slot takes: the key's words and the number.
    private let stride: Int
    private var mask = 0
    private var count = 0

    /// The most slots a table indexed by the key may have, for `rows` rows: small beside the
    /// rows (or 65,536, whose table stays in the caches), at most 4M.
    package static func directLimit(rows: Int) -> Int { min(1 << 22, max(1 << 16, rows)) }

    /// Whether a table indexed by the key is used for `keys` over `rows` rows.
    package static func isDirect(_ keys: PackedKeys, rows: Int) -> Bool { keys.fitsDirectTable(limit: directLimit(rows: rows)) }

    /// An empty hash table of one-word keys.
    package init() {
        self.init(words: 1, capacity: 16)
    }

    package init(_ keys: PackedKeys, rows: Int) {
        let isDirect = PackedKeyTable.isDirect(keys, rows: rows)
        self.init(words: keys.words, capacity: isDirect ? 0 : 1024)
        if isDirect, let domain = keys.domain { direct = [UInt32](repeating: 0, count: Int(domain)) }
    }

    private init(words: Int, capacity: Int) {
        stride = words + 1
        var size = 16
        while size < capacity.saturatingTimes(2) && size < (1 << 40) { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size * stride)
        mask = size - 1
    }

    @inline(__always)
    private func slot(for first: UInt64, _ second: UInt64) -> Int {
        let hash = stride == 2 ? PackedKeys.mix(first) : PackedKeys.mix(first ^ PackedKeys.mix(second))
        return Int(truncatingIfNeeded: hash) & mask
    }

    /// Where the key is, or the empty slot where it would go.
    @inline(__always)
    private func find(_ first: UInt64, _ second: UInt64) -> Int {
        var index = slot(for: first, second)
        while true {
            let base = index * stride
            if slots[base + stride - 1] == 0 || (slots[base] == first && (stride == 2 || slots[base + 1] == second)) {
                return base
            }
            index = (index + 1) & mask
        }
    }

    /// In a table indexed by the key, the numbers of a block's keys (one word each) in one
    /// loop, appended to `numbers`; false, with nothing appended, when the table hashes or a key
    /// has no number yet (the block then goes key by key).
    package func numbers(of keys: [UInt64], into numbers: inout [Int]) -> Bool {
        guard !direct.isEmpty else { return false }
        let start = numbers.count
        let found = direct.withUnsafeBufferPointer { direct in
            keys.withUnsafeBufferPointer { keys in
                var missing = false
                for key in keys {
                    let stored = direct[Int(truncatingIfNeeded: key)]
                    missing = missing || stored == 0
                    numbers.append(Int(stored) - 1)
                }
                return !missing
            }
        }
        if !found { numbers.removeSubrange(start...) }
        return found
    }

    /// The number stored for a key.
    package func value(for first: UInt64, _ second: UInt64) -> Int? {
        if !direct.isEmpty {
            let stored = direct[Int(first)]
            return stored == 0 ? nil : Int(stored) - 1
        }
        let stored = slots[find(first, second) + stride - 1]
        return stored == 0 ? nil : Int(stored) - 1
    }

    /// The number for a key, storing `make()` first when the key is new. A direct table's numbers
    /// are below its size (each key is numbered once), which is below `UInt32.max`.
    @inline(__always)
    package mutating func value(for first: UInt64, _ second: UInt64, orInsert make: () -> Int) -> Int {
        if !direct.isEmpty {
            let stored = direct[Int(first)]
            if stored != 0 { return Int(stored) - 1 }
            let value = make()
            direct[Int(first)] = UInt32(truncatingIfNeeded: value + 1)
            return value
        }
        let base = find(first, second)
        let stored = slots[base + stride - 1]
        if stored != 0 { return Int(stored) - 1 }
        let value = make()
        store(first, second, value, at: base)
        return value
    }

    /// Sets the number for a key.
    package mutating func set(_ first: UInt64, _ second: UInt64, _ value: Int) {
        if !direct.isEmpty {
            direct[Int(first)] = UInt32(truncatingIfNeeded: value + 1)
            return
        }
        let base = find(first, second)
        if slots[base + stride - 1] != 0 {
            slots[base + stride - 1] = UInt64(value + 1)
        } else {
            store(first, second, value, at: base)
        }
    }

    private mutating func store(_ first: UInt64, _ second: UInt64, _ value: Int, at base: Int) {
        slots[base] = first
        if stride == 3 { slots[base + 1] = second }
        slots[base + stride - 1] = UInt64(value + 1)
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        var bigger = PackedKeyTable(words: stride - 1, capacity: mask + 1)
        for base in Swift.stride(from: 0, to: slots.count, by: stride) where slots[base + stride - 1] != 0 {
            bigger.store(slots[base], stride == 3 ? slots[base + 1] : 0, Int(slots[base + stride - 1]) - 1, at: bigger.find(slots[base], stride == 3 ? slots[base + 1] : 0))
        }
        self = bigger
    }
}
