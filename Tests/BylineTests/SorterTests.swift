// The sorter's fast paths (radix sort by key forms, selection of a range of ranks, string ranks
// eight bytes at a time) against the plainest possible oracle: Swift's sort with a comparison
// written here from the README's rule (not `SortKey.compare`, which the sorter itself uses), then
// input position. Random columns with the awkward cases: nulls, -0.0 and
// 0.0, duplicates, extreme integers, strings sharing long prefixes or ending inside one another.
import Testing
import TestSupport

@testable import Byline

@Suite struct SorterTests {
    /// A key's values as plain Swift values (nil is null), for the reference.
    struct PlainKey {
        enum Values {
            case integers([Int?])
            case floats([Double?])
            /// Text as its Unicode scalar values.
            case strings([[UInt32]?])
        }
        var values: Values
        var descending: Bool

        /// The README's rule, written here without the sorter's code: nulls last in both
        /// directions, numbers by value (-0.0 equals 0.0), text by Unicode scalar values.
        func compare(_ a: Int, _ b: Int) -> Int {
            func order<T>(_ x: T?, _ y: T?, _ less: (T, T) -> Bool) -> Int {
                switch (x, y) {
                case (nil, nil): return 0
                case (nil, _): return 1
                case (_, nil): return -1
                case (let x?, let y?):
                    let order = less(x, y) ? -1 : (less(y, x) ? 1 : 0)
                    return descending ? -order : order
                }
            }
            switch values {
            case .integers(let column): return order(column[a], column[b], <)
            case .floats(let column): return order(column[a], column[b], <)
            case .strings(let column):
                return order(column[a], column[b]) { $0.lexicographicallyPrecedes($1) }
            }
        }
    }

    /// The order the keys define, computed the slow, obvious way: Swift's sort with the plain
    /// comparison, then input position.
    static func reference(_ keys: [PlainKey], _ rows: [Int]) -> [Int] {
        rows.indices.sorted { a, b in
            for key in keys {
                let order = key.compare(rows[a], rows[b])
                if order != 0 { return order < 0 }
            }
            return a < b
        }.map { rows[$0] }
    }

    static func strings(_ random: inout SplitMix64, count: Int) -> [String] {
        let stems = ["https://news.example/2005/1/", "https://news.example/2005/", "", "é", "e\u{301}", "ab", "ab\u{0}"]
        var seen = Set<[UInt8]>()
        var out: [String] = []
        while out.count < count {
            var text = stems[random.below(stems.count)]
            for _ in 0..<random.below(14) { text.unicodeScalars.append(Unicode.Scalar(UInt8(97 + random.below(4)))) }
            if seen.insert(Array(text.utf8)).inserted { out.append(text) }
        }
        return out
    }

    /// A random key over `count` rows, and the same values plainly.
    static func key(_ random: inout SplitMix64, count: Int) -> (SortKey, PlainKey) {
        let descending = random.below(2) == 0
        let nulls: [Bool]? = random.below(2) == 0 ? (0..<count).map { _ in random.below(7) == 0 } : nil
        func plain<T>(_ values: [T]) -> [T?] { values.indices.map { nulls?[$0] == true ? nil : values[$0] } }
        switch random.below(6) {
        case 5:
            // Values computed per row (an expression, a date, a bool): sorted by comparisons in
            // runs of 8,192 rows, merged.
            let values = (0..<count).map { _ in random.below(20) - 10 }
            let boxed = Dictionary(uniqueKeysWithValues: values.indices.map { ($0, nulls?[$0] == true ? Value.null : .integer(values[$0])) })
            return (.values(boxed, descending: descending), PlainKey(values: .integers(plain(values)), descending: descending))
        case 0:
            let pool = [Int.min, Int.max, -1, 0, 1, 42]
            let values = (0..<count).map { _ in random.below(3) == 0 ? pool[random.below(pool.count)] : random.below(50) - 25 }
            return (.integers(values, nulls: nulls, descending: descending), PlainKey(values: .integers(plain(values)), descending: descending))
        case 1:
            let pool = [-0.0, 0.0, 1.5, -1.5, .infinity, -.infinity, 1e300, -1e-300]
            let values = (0..<count).map { _ in random.below(3) == 0 ? pool[random.below(pool.count)] : Double(random.below(40)) / 4 }
            return (.floats(values, nulls: nulls, descending: descending), PlainKey(values: .floats(plain(values)), descending: descending))
        case 2:
            let values = (0..<count).map { _ in Int32(random.below(9)) - 4 }
            return (
                .integers32(values, nulls: nulls, descending: descending),
                PlainKey(values: .integers(plain(values.map { Int($0) })), descending: descending)
            )
        default:
            let dictionary = strings(&random, count: 1 + random.below(6000))
            let codes = (0..<count).map { _ in random.below(9) == 0 ? Int32(-1) : Int32(random.below(dictionary.count)) }
            let scalars = dictionary.map { $0.unicodeScalars.map(\.value) }
            let plainKey = PlainKey(values: .strings(codes.map { $0 < 0 ? nil : scalars[Int($0)] }), descending: descending)
            return random.below(2) == 0
                ? (.strings(codes, strings: dictionary, descending: descending), plainKey)
                : (.ranks(codes, rank: SortKey.ranks(of: dictionary), descending: descending), plainKey)
        }
    }

    @Test(arguments: 0..<24)
    func fastPathsGiveTheReferenceOrder(seed: Int) {
        var random = SplitMix64(state: UInt64(seed) &* 7919 &+ 17)
        let count = [10, 5000, 20000][seed % 3]
        let pairs = (0..<(1 + random.below(3))).map { _ in Self.key(&random, count: count) }
        let keys = pairs.map(\.0)
        // Rows as a selection would give them: a random subset in random order.
        var rows = Array(0..<count).filter { _ in random.below(5) != 0 }
        for index in rows.indices.reversed() { rows.swapAt(index, random.below(index + 1)) }
        let expected = Self.reference(pairs.map(\.1), rows)
        for threads in [1, 3] {
            let sorted = Sorter(keys: keys, threads: threads).sorted(rows)
            // Compared here, not inside #expect (whose report would diff every element).
            let wrong = expected.indices.first { $0 >= sorted.count || sorted[$0] != expected[$0] }
            #expect(sorted.count == expected.count && wrong == nil, "seed \(seed), \(threads) threads: full sort, first out of order at \(wrong ?? -1)")
        }
        // The first few rows, by the bounded heap (fewer than a quarter of the rows).
        for wanted in [1, 2, rows.count / 5] where wanted < rows.count / 4 {
            #expect(Sorter(keys: keys).first(wanted, of: rows) == Array(expected.prefix(wanted)), "seed \(seed): first \(wanted)")
        }
        for _ in 0..<4 {
            let low = random.below(rows.count + 2)
            let high = low + random.below(rows.count / 3 + 3)
            let want = Array(expected[min(low, expected.count)..<min(high, expected.count)])
            #expect(Sorter(keys: keys).range(low, high, of: rows) == want, "seed \(seed): ranks \(low)..<\(high)")
        }
    }

    /// The radix sort's passes on several threads: each range moves its forms to its own run of
    /// each bucket, so the order (ties by position) is exactly one thread's.
    @Test func radixSortOnThreadsIsOneThreadsOrder() {
        var random = SplitMix64(state: 404)
        let count = 300_000
        // Few distinct digits in some passes, many in others; duplicates everywhere.
        let forms: [UInt64] = (0..<count).map { _ in
            UInt64(random.below(1 << 20)) << UInt64(16 * random.below(4)) | UInt64(random.below(3))
        }
        let positions = (0..<count).map { Int32($0) }
        let expected = zip(forms, positions).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        for threads in [1, 2, 3, 5] {
            var (sortedForms, sortedPositions) = (forms, positions)
            Sorter.radixSort(&sortedForms, &sortedPositions, threads: threads) { false }
            // Compared here, not inside #expect (whose report would diff 300,000 elements).
            let wrong = expected.indices.first { sortedForms[$0] != expected[$0].0 || sortedPositions[$0] != expected[$0].1 }
            #expect(wrong == nil, "\(threads) threads: first out of order at \(wrong ?? -1)")
        }
    }

    /// A whole sort of enough rows that the radix passes split across threads (65,536 non-null
    /// rows a part, so more than 131,072 here, after the selection and the nulls), keys full of
    /// ties and nulls: every thread count gives the reference order.
    @Test func sortsOnThreadsKeepTiesInInputOrder() {
        var random = SplitMix64(state: 2024)
        let count = 200_000
        var first = Self.key(&random, count: count)
        while case .strings = first.1.values { first = Self.key(&random, count: count) }
        let rows = Array(0..<count).filter { _ in random.below(10) != 0 }
        let expected = Self.reference([first.1], rows)
        for threads in [1, 2, 3] {
            let sorted = Sorter(keys: [first.0], threads: threads).sorted(rows)
            let wrong = expected.indices.first { $0 >= sorted.count || sorted[$0] != expected[$0] }
            #expect(sorted.count == expected.count && wrong == nil, "\(threads) threads: first out of order at \(wrong ?? -1)")
        }
    }

    @Test func stringRanksFollowScalarOrder() {
        var random = SplitMix64(state: 99)
        let strings = Self.strings(&random, count: 9000)
        let rank = SortKey.ranks(of: strings)
        let byRank = strings.indices.sorted { rank[$0] < rank[$1] }.map { strings[$0] }
        let expected = strings.sorted { ExactText.compare($0, $1) < 0 }
        #expect(byRank.map { Array($0.utf8) } == expected.map { Array($0.utf8) })
    }
}
