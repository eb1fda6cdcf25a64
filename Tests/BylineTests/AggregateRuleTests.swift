// Aggregates against Swift computing the README's rules on the same values: an integer `sum`
// that overflows (adding in row order) is an error, `avg` is the sum over the count of non-null
// values, nulls are skipped; grouped and not, over a nullable column, a column without nulls and
// expressions, on one thread and on three (where partitions are folded apart and merged).
import Testing
import TestSupport

@testable import Byline

@Suite struct AggregateRuleTests {
    /// `g` a group, `i` integers with nulls, `j` integers without; `big` puts values near
    /// Int.max / 2 in group 1 only, so its sum overflows and group 0's does not.
    static func table(rows: Int, big: Bool, seed: UInt64) -> (Table, [[Int?]]) {
        var random = SplitMix64(state: seed)
        var values: [[Int?]] = []
        for row in 0..<rows {
            let group = random.below(2)
            let huge = big && group == 1 && row % 997 == 5
            let i: Int? = random.below(6) == 0 ? nil : (huge ? Int.max / 2 + 1 : random.below(201) - 100)
            values.append([group, i, huge ? Int.max / 2 : random.below(11) - 5])
        }
        let fields = [Field(name: "g", type: .integer), Field(name: "i", type: .integer), Field(name: "j", type: .integer)]
        let table = Table(schema: TableSchema(name: "t", fields: fields), rows: values.map { $0.map { $0.map(Value.integer) ?? .null } })
        return (table, values)
    }

    /// The sum in row order, or nil when it overflows on the way.
    static func sum(_ numbers: [Int]) -> Int? {
        var total = 0
        for number in numbers {
            let (next, overflow) = total.addingReportingOverflow(number)
            if overflow { return nil }
            total = next
        }
        return total
    }

    @Test(arguments: [(20, false), (20, true), (12_000, false), (12_000, true)])
    func sumsOverflowAsOneThreadAddsAndAveragesDivide(_ rows: Int, _ big: Bool) throws {
        let (table, values) = Self.table(rows: rows, big: big, seed: UInt64(rows) &+ (big ? 7 : 0))
        // The argument's value at a row (nil is null), as each query computes it.
        let arguments: [(String, ([Int?]) -> Int?)] = [
            ("i", { $0[1] }), ("j", { $0[2] }), ("i + 0", { $0[1] }), ("coalesce(i, 0)", { $0[1] ?? 0 }),
            ("abs(j)", { $0[2].map { Swift.abs($0) } }),
        ]
        for threads in [1, 3] {
            let session = Session(tables: [table])
            session.limits.threads = threads
            session.limits.minimumRowsPerThread = 4096
            for (argument, value) in arguments {
                let groups = [0, 1].map { group in values.filter { $0[0] == group }.compactMap(value) }
                let all = values.compactMap(value)
                let place = "\(rows) rows, \(threads) threads, sum(\(argument))"
                // Ungrouped, then grouped: one overflowing group fails the query.
                let ungrouped = ("t select sum(\(argument)) as s", [Self.sum(all)], [[Value]]())
                let grouped = ("t group by g select g, sum(\(argument)) as s order by g", groups.map(Self.sum), [[Value.integer(0)], [.integer(1)]])
                for (query, sums, keys) in [ungrouped, grouped] {
                    do {
                        let rows = try session.run(query).last?.rows ?? []
                        #expect(!sums.contains(nil), "\(place): \(query) gave \(rows), expected an overflow")
                        let expected = sums.indices.map { (keys.isEmpty ? [] : keys[$0]) + [sums[$0].map(Value.integer) ?? .null] }
                        #expect(rows == expected, "\(place): \(query)")
                    } catch {
                        #expect(sums.contains(nil), "\(place): \(query) failed: \(error)")
                        #expect("\(error)".contains("overflow"), "\(place): \(error)")
                    }
                }
                guard !big else { continue }
                let averages = groups.map { numbers in numbers.isEmpty ? Value.null : .float(Double(numbers.reduce(0, +)) / Double(numbers.count)) }
                let rows = try session.run("t group by g select g, avg(\(argument)) as a order by g").last?.rows ?? []
                #expect(rows == averages.indices.map { [.integer($0), averages[$0]] }, "\(place): avg")
            }
        }
    }
}
