// A table from packed composite keys (PackedKeys) to numbers: indexed by the key when it takes
// few values, else hashed on one or two words.

/// Packed keys to numbers (groups, or first rows): a table indexed by the key when one word's
/// keys take few values, else a hash table of one or two words.
struct PackedKeyTable {
    /// By key, the number plus one (0: none yet); empty when hashing.
    private var direct: [UInt32] = []
    private var oneWord = IntegerMap()
    private var twoWords = WordPairMap()
    private let words: Int

    /// The most slots a table indexed by the key may have, for `rows` rows: small beside the
    /// rows (or 65,536, whose table stays in the caches), at most 4M.
    static func directLimit(rows: Int) -> Int { min(1 << 22, max(1 << 16, rows)) }

    /// Whether a table indexed by the key is used for `keys` over `rows` rows.
    static func isDirect(_ keys: PackedKeys, rows: Int) -> Bool { keys.fitsDirectTable(limit: directLimit(rows: rows)) }

    /// An empty hash table of one-word keys.
    init() { words = 1 }

    init(_ keys: PackedKeys, rows: Int) {
        words = keys.words
        if PackedKeyTable.isDirect(keys, rows: rows), let domain = keys.domain {
            direct = [UInt32](repeating: 0, count: Int(domain))
        }
    }

    /// The number stored for a key.
    func value(for first: UInt64, _ second: UInt64) -> Int? {
        if !direct.isEmpty {
            let stored = direct[Int(first)]
            return stored == 0 ? nil : Int(stored) - 1
        }
        return words == 1 ? oneWord.value(for: Int(Int64(bitPattern: PackedKeys.mix(first)))) : twoWords.value(for: first, second)
    }

    /// The number for a key, storing `make()` first when the key is new. A direct table's numbers
    /// are below its size (each key is numbered once), which is below `UInt32.max`.
    @inline(__always)
    mutating func value(for first: UInt64, _ second: UInt64, orInsert make: () -> Int) -> Int {
        if !direct.isEmpty {
            let stored = direct[Int(first)]
            if stored != 0 { return Int(stored) - 1 }
            let value = make()
            guard value < Int(UInt32.max) else { return value }
            direct[Int(first)] = UInt32(value + 1)
            return value
        }
        if words == 1 { return oneWord.value(for: Int(Int64(bitPattern: PackedKeys.mix(first))), orInsert: make) }
        return twoWords.value(for: first, second, orInsert: make)
    }

    /// Sets the number for a key.
    mutating func set(_ first: UInt64, _ second: UInt64, _ value: Int) {
        if !direct.isEmpty {
            if value < Int(UInt32.max) { direct[Int(first)] = UInt32(value + 1) }
            return
        }
        if words == 1 { oneWord.set(Int(Int64(bitPattern: PackedKeys.mix(first))), value) } else { twoWords.set(first, second, value) }
    }
}
