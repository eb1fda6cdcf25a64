// A hash table from pairs of 64-bit words to integers by open addressing (linear probing), as
// IntegerMap is for one word: for composite keys packed into two words (see PackedKeys).

struct WordPairMap {
    private var firsts: [UInt64]
    private var seconds: [UInt64]
    private var values: [Int]
    /// Whether a slot holds a key (every pair of words can be a key).
    private var used: [Bool]
    private var mask: Int
    private(set) var count = 0

    /// A table for about `capacity` keys.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity.saturatingTimes(2) && size < (1 << 40) { size <<= 1 }
        firsts = [UInt64](repeating: 0, count: size)
        seconds = [UInt64](repeating: 0, count: size)
        values = [Int](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(for first: UInt64, _ second: UInt64) -> Int {
        // Every bit of both words moves every bit of the slot.
        Int(truncatingIfNeeded: PackedKeys.mix(first ^ PackedKeys.mix(second))) & mask
    }

    /// The value stored for the key.
    func value(for first: UInt64, _ second: UInt64) -> Int? {
        var index = slot(for: first, second)
        while used[index] {
            if firsts[index] == first && seconds[index] == second { return values[index] }
            index = (index + 1) & mask
        }
        return nil
    }

    /// The value for the key, storing `make()` first when the key is new.
    @inline(__always)
    mutating func value(for first: UInt64, _ second: UInt64, orInsert make: () -> Int) -> Int {
        var index = slot(for: first, second)
        while used[index] {
            if firsts[index] == first && seconds[index] == second { return values[index] }
            index = (index + 1) & mask
        }
        let value = make()
        used[index] = true
        firsts[index] = first
        seconds[index] = second
        values[index] = value
        count += 1
        if count * 2 > firsts.count { grow() }
        return value
    }

    /// Sets the value for the key.
    mutating func set(_ first: UInt64, _ second: UInt64, _ value: Int) {
        var index = slot(for: first, second)
        while used[index] {
            if firsts[index] == first && seconds[index] == second {
                values[index] = value
                return
            }
            index = (index + 1) & mask
        }
        used[index] = true
        firsts[index] = first
        seconds[index] = second
        values[index] = value
        count += 1
        if count * 2 > firsts.count { grow() }
    }

    private mutating func grow() {
        var bigger = WordPairMap(capacity: firsts.count)
        for index in firsts.indices where used[index] { bigger.set(firsts[index], seconds[index], values[index]) }
        self = bigger
    }
}
