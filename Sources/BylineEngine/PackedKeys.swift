// Composite keys without boxing: several key columns of strings (by dictionary code) and integers
// (by offset from the column's smallest value) packed into one or two 64-bit words a row, by mixed
// radix, so multi-column `group by` and `distinct` find rows in a typed hash table (or, when the
// keys can take few values, a table indexed by the packed key itself) instead of an array of boxed
// values per row. Each column's slot 0 is null, so nulls are a value of their own, as boxed keys
// make them; two rows pack alike exactly when their boxed keys are equal.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// Key columns packed into one or two 64-bit words per row.
package struct PackedKeys {
    /// One key column: its storage and its place in the packed words.
    package struct Part {
        package enum Source {
            /// Dictionary codes (-1 is null): packed as code + 1.
            case codes([Int32], StringDictionary)
            /// Integers: packed as value - minimum + 1 (0 is null).
            case integers([Int], [Bool]?, minimum: Int)
            case integers32([Int32], [Bool]?, minimum: Int)
        }

        package let source: Source
        /// How many packed values the column takes, null included.
        package let radix: UInt64
        /// The product of the radices of the parts before this one in its word.
        package let multiplier: UInt64
        /// 0 or 1.
        package let word: Int
    }

    package let parts: [Part]
    /// The key columns, as given.
    package let columns: [Column]
    /// 1 or 2.
    package let words: Int
    /// With one word: how many packed values there can be (the product of the radices), so a
    /// table indexed by the packed key can stand in for a hash table when this is small.
    package let domain: UInt64?

    /// The key columns packed, or nil when a column is neither strings nor integers, or the
    /// columns' values take more than two words.
    package init?(_ columns: [Column]) {
        var parts: [Part] = []
        var word = 0
        var product: UInt64 = 1
        for column in columns {
            let source: Part.Source
            let radix: UInt64
            switch column.storage {
            case .strings(let codes, let dictionary):
                source = .codes(codes, dictionary)
                radix = UInt64(dictionary.strings.count) + 1
            case .integers(let values, let nulls):
                let (minimum, maximum) = PackedKeys.range(values, nulls.flags)
                guard let size = PackedKeys.radix(minimum, maximum) else { return nil }
                source = .integers(values, nulls.flags, minimum: minimum)
                radix = size
            case .integers32(let values, let nulls):
                let (minimum, maximum) = PackedKeys.range(values, nulls.flags)
                guard let size = PackedKeys.radix(Int(minimum), Int(maximum)) else { return nil }
                source = .integers32(values, nulls.flags, minimum: Int(minimum))
                radix = size
            default:
                return nil
            }
            var (next, overflow) = product.multipliedReportingOverflow(by: radix)
            if overflow {
                // This word is full: the column starts the next.
                guard word == 0 else { return nil }
                word = 1
                product = 1
                next = radix
            }
            parts.append(Part(source: source, radix: radix, multiplier: product, word: word))
            product = next
        }
        guard !parts.isEmpty else { return nil }
        self.parts = parts
        self.columns = columns
        words = word + 1
        domain = word == 0 ? product : nil
    }

    /// The packed values of an integer column from `minimum` to `maximum`, plus one for null;
    /// nil past what a word holds.
    private static func radix(_ minimum: Int, _ maximum: Int) -> UInt64? {
        // maximum - minimum as an unsigned number is exact for any two integers, maximum >= minimum.
        let span = UInt64(bitPattern: Int64(maximum)) &- UInt64(bitPattern: Int64(minimum))
        let (radix, overflow) = span.addingReportingOverflow(2)
        return overflow ? nil : radix
    }

    /// The smallest and largest of the column's values that are not null (0, 0 when none).
    private static func range<Number: FixedWidthInteger>(_ values: [Number], _ nulls: [Bool]?) -> (Number, Number) {
        var minimum = Number.max
        var maximum = Number.min
        values.withUnsafeBufferPointer { values in
            if let nulls {
                for index in values.indices where !nulls[index] {
                    minimum = Swift.min(minimum, values[index])
                    maximum = Swift.max(maximum, values[index])
                }
            } else {
                for value in values {
                    minimum = Swift.min(minimum, value)
                    maximum = Swift.max(maximum, value)
                }
            }
        }
        return minimum > maximum ? (0, 0) : (minimum, maximum)
    }

    /// A key's bits mixed so that every bit moves the low and the high bits (MurmurHash3's
    /// finaliser, a bijection: distinct keys stay distinct). A packed key's later columns sit in
    /// its high bits, which a multiplicative hash alone would leave out of a table's slot.
    @inline(__always)
    package static func mix(_ key: UInt64) -> UInt64 {
        var key = key
        key ^= key >> 33
        key &*= 0xFF51_AFD7_ED55_8CCD
        key ^= key >> 33
        key &*= 0xC4CE_B9FE_1A85_EC53
        key ^= key >> 33
        return key
    }

    /// Whether a table indexed by the packed key (one word, at most `limit` values) may be used.
    package func fitsDirectTable(limit: Int) -> Bool {
        guard let domain else { return false }
        return domain <= UInt64(limit)
    }

    /// What `explain analyze` says of the key.
    package var description: String {
        if parts.count == 1 { return "integers in a range" }
        return "a packed key of \(parts.count) columns in \(words == 1 ? "one word" : "two words")"
    }

    /// The packed keys of `rows`: word 0 in `first`, word 1 (with two words) in `second`, at
    /// the rows' positions in the block. Column by column, each a tight loop over its storage.
    package func pack(_ rows: ArraySlice<Int>, first: inout [UInt64], second: inout [UInt64]) {
        first.removeAll(keepingCapacity: true)
        first.append(contentsOf: repeatElement(0, count: rows.count))
        if words == 2 {
            second.removeAll(keepingCapacity: true)
            second.append(contentsOf: repeatElement(0, count: rows.count))
        }
        for part in parts {
            if part.word == 0 {
                first.withUnsafeMutableBufferPointer { PackedKeys.add(part, rows, into: $0) }
            } else {
                second.withUnsafeMutableBufferPointer { PackedKeys.add(part, rows, into: $0) }
            }
        }
    }

    /// Adds one column's packed values, times its multiplier, to the block's words. Never
    /// overflows: each sum is below the product of its word's radices, which fits.
    private static func add(_ part: Part, _ rows: ArraySlice<Int>, into keys: UnsafeMutableBufferPointer<UInt64>) {
        let multiplier = part.multiplier
        switch part.source {
        case .codes(let codes, _):
            codes.withUnsafeBufferPointer { codes in
                for (position, row) in rows.enumerated() {
                    keys[position] &+= UInt64(truncatingIfNeeded: Int(codes[row]) &+ 1) &* multiplier
                }
            }
        case .integers(let values, let nulls, let minimum):
            let base = UInt64(bitPattern: Int64(minimum))
            values.withUnsafeBufferPointer { values in
                for (position, row) in rows.enumerated() where !(nulls?[row] ?? false) {
                    keys[position] &+= (UInt64(bitPattern: Int64(values[row])) &- base &+ 1) &* multiplier
                }
            }
        case .integers32(let values, let nulls, let minimum):
            let base = UInt64(bitPattern: Int64(minimum))
            values.withUnsafeBufferPointer { values in
                for (position, row) in rows.enumerated() where !(nulls?[row] ?? false) {
                    keys[position] &+= (UInt64(bitPattern: Int64(values[row])) &- base &+ 1) &* multiplier
                }
            }
        }
    }
}
