// A hash table from integers to integers by open addressing (linear probing) over two flat
// arrays: for grouping and joining on integer keys, where `Dictionary<Int, Int>` hashes with
// SipHash and stores optionals. Keys are mixed with a multiply-shift hash; the table doubles at
// half full. Only the engine uses it, for keys it has unboxed.

import BylineCore

package struct IntegerMap {
    private var keys: [Int]
    private var values: [Int]
    /// Whether a slot holds a key (a separate array, so every integer can be a key).
    private var used: [Bool]
    private var mask: Int
    package private(set) var count = 0

    /// A table for about `capacity` keys.
    package init(capacity: Int = 16) {
        var size = 16
        while size < capacity.saturatingTimes(2) && size < (1 << 40) { size <<= 1 }
        keys = [Int](repeating: 0, count: size)
        values = [Int](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(for key: Int) -> Int {
        // Fibonacci hashing: the high bits of key × 2^64/φ spread nearby keys apart.
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    /// The value stored for `key`.
    @inline(__always)
    package func value(for key: Int) -> Int? {
        var index = slot(for: key)
        while used[index] {
            if keys[index] == key { return values[index] }
            index = (index + 1) & mask
        }
        return nil
    }

    /// Calls `body` with a lookup over the table's storage as it is, for loops that several
    /// threads run at once: no reference count of the arrays is touched per lookup.
    package func withLookup<Result>(_ body: ((Int) -> Int?) -> Result) -> Result {
        let mask = self.mask
        return keys.withUnsafeBufferPointer { keys in
            values.withUnsafeBufferPointer { values in
                used.withUnsafeBufferPointer { used in
                    body { key in
                        var index = slot(for: key)
                        while used[index] {
                            if keys[index] == key { return values[index] }
                            index = (index + 1) & mask
                        }
                        return nil
                    }
                }
            }
        }
    }

    /// The value for `key`, storing `make()` first when the key is new.
    @inline(__always)
    package mutating func value(for key: Int, orInsert make: () -> Int) -> Int {
        var index = slot(for: key)
        while used[index] {
            if keys[index] == key { return values[index] }
            index = (index + 1) & mask
        }
        let value = make()
        used[index] = true
        keys[index] = key
        values[index] = value
        count += 1
        if count * 2 > keys.count { grow() }
        return value
    }

    /// Sets the value for `key`.
    package mutating func set(_ key: Int, _ value: Int) {
        var index = slot(for: key)
        while used[index] {
            if keys[index] == key {
                values[index] = value
                return
            }
            index = (index + 1) & mask
        }
        used[index] = true
        keys[index] = key
        values[index] = value
        count += 1
        if count * 2 > keys.count { grow() }
    }

    private mutating func grow() {
        let old = (keys, values, used)
        var bigger = IntegerMap(capacity: old.0.count)
        for index in old.0.indices where old.2[index] { bigger.set(old.0[index], old.1[index]) }
        self = bigger
    }
}
