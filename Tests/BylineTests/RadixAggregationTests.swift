// Aggregation over many groups partitioned by the key's hash (RadixAggregation.swift) gives what
// one pass gives: the same groups in the order rows first meet them, float sums to the last bit
// (a group's rows stay in row order), lists in row order, and the error one pass meets first.
import Testing
import TestSupport

@testable import Byline

@Suite struct RadixAggregationTests {
    static let rows = 4 * Executor.blockSize + 77

    /// `t`: keys of many values (strings `a`, integers `b` with nulls, two integers `e`, `g` over
    /// 2^50 that take two words), floats `f` of every magnitude, integers `v`, an order `o`.
    static func session(threads: Int, seed: UInt64 = 11) throws -> Session {
        var random = SplitMix64(state: seed)
        var a: [Value] = [], b: [Value] = [], e: [Value] = [], g: [Value] = []
        var f: [Value] = [], v: [Value] = [], o: [Value] = []
        for row in 0..<RadixAggregationTests.rows {
            // Keys first met in later blocks too: the choices widen as the rows go on.
            a.append(random.below(40) == 0 ? .null : .string("s\(random.below(row / 3 + 50))"))
            b.append(random.below(30) == 0 ? .null : .integer((random.below(row / 2 + 100) - 60) * 7919))
            e.append(.integer(random.below(3000) * (1 << 38) - (1 << 50)))
            g.append(.integer((random.below(2) == 0 ? 1 : -1) * (1 << 50) + random.below(5)))
            let magnitude = [1e-9, 1.0, 1e9, 1e17][random.below(4)]
            f.append(random.below(25) == 0 ? .null : .float((Double(random.below(2_000_001)) - 1e6) / 3.0 * magnitude))
            v.append(.integer(random.below(1000) - 500))
            o.append(.integer(random.below(500)))
        }
        let session = Session(tables: [])
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = Executor.blockSize
        try session.register(table: "t", columns: [("a", a), ("b", b), ("e", e), ("g", g), ("f", f), ("v", v), ("o", o)])
        return session
    }

    /// The answer as text (floats written to the last bit), or the error with its place.
    static func answer(_ session: Session, _ query: String) -> String {
        do {
            return try session.run(query).map { $0.rows.map { "\($0)" }.joined(separator: "\n") }.joined(separator: "\n--\n")
        } catch {
            return "error: " + error.diagnostics.map { "\($0.message) at \(String(describing: $0.span))" }.joined(separator: "; ")
        }
    }

    static let aggregates = "sum(f) as s, avg(f) as m, min(f) as lo, max(v) as hi, sum(v) as sv, count() as n, count(f) as c, "
        + "count(distinct a) as d, list(v) as l"

    @Test(arguments: [
        "t group by a, b select a, b, \(aggregates)",
        "t group by b select b, \(aggregates)",
        "t group by e, g select e, g, \(aggregates)",
        "t order by o group by b, a select b, a, \(aggregates)",
        "t where v > -100 group by a, b select a, b, \(aggregates)",
        "t group by a, b select a, b, sum(f * 2.0 + v) as x, count() as n",
    ])
    func partitionsByHashGiveOnePassGroups(query: String) throws {
        let one = RadixAggregationTests.answer(try RadixAggregationTests.session(threads: 1), query)
        #expect(!one.hasPrefix("error") && one.split(separator: "\n").count > 1000, "\(one.prefix(200))")
        for threads in [2, 3] {
            let session = try RadixAggregationTests.session(threads: threads)
            let answer = RadixAggregationTests.answer(session, query)
            let same = answer == one  // compared outside #expect: no diff of every group
            #expect(same, "\(query), \(threads) threads")
            // The partitioned path ran (else the comparison above proves nothing).
            let steps = RadixAggregationTests.answer(session, "explain analyze " + query)
            #expect(steps.contains("radix-partitioned") && steps.contains("\(Aggregation.radixPartitions) partitions"), "\(steps)")
        }
    }

    @Test func oneThreadOrFewGroupsDoNotPartitionByHash() throws {
        let one = RadixAggregationTests.answer(try RadixAggregationTests.session(threads: 1), "explain analyze t group by a, b select a, b, count() as n")
        #expect(one.contains("hashed") && !one.contains("radix"), "\(one)")
        let few = RadixAggregationTests.answer(try RadixAggregationTests.session(threads: 2), "explain analyze t group by o select o, count() as n")
        #expect(!few.contains("radix"), "\(few)")
    }

    /// Over a million rows, integer keys that repeat (50,000 groups) fold in each thread's own
    /// range, merged after; keys nearly unique go by radix partitions. Both give one pass's groups.
    @Test func repeatedIntegerKeysOverAMillionRowsFoldInRanges() throws {
        var answers: [String: [String]] = [:]
        for threads in [1, 2] {
            let session = Session(tables: [])
            session.limits.threads = threads
            _ = try session.run("let t = range(1200000) select ((value * 7919) % 50000 - 25000) * 1000003 as k, value % 7 as v, value as o")
            for query in ["t group by k select k, sum(v) as s, count() as n, min(o) as first", "t group by o select o, count() as n"] {
                answers[query, default: []].append(RadixAggregationTests.answer(session, query))
                if threads == 2 {
                    let steps = RadixAggregationTests.answer(session, "explain analyze " + query)
                    let repeated = query.hasPrefix("t group by k")
                    #expect(steps.contains("2 threads") && steps.contains("radix") != repeated, "\(steps)")
                }
            }
        }
        for (query, both) in answers {
            #expect(!both[0].hasPrefix("error") && both[0].split(separator: "\n").count > 1000, "\(both[0].prefix(200))")
            let same = both[1] == both[0]
            #expect(same, "\(query)")
        }
    }

    @Test func aGroupsSumThatOverflowsInRowOrderFailsAsInOnePass() throws {
        // Every row its own group, but key 5 at rows 5 and 3 blocks on: Int.max, then 5.
        let count = RadixAggregationTests.rows
        let keys: [Value] = (0..<count).map { .integer($0 == 3 * Executor.blockSize ? 5 : $0) }
        let values: [Value] = (0..<count).map { .integer($0 == 5 ? Int.max : $0 == 3 * Executor.blockSize ? 5 : 1) }
        let query = "t group by k select k, sum(n) as s"
        var answers: [String] = []
        for threads in [1, 2, 3] {
            let session = Session(tables: [])
            session.limits.threads = threads
            session.limits.minimumRowsPerThread = Executor.blockSize
            try session.register(table: "t", columns: [("k", keys), ("n", values)])
            answers.append(RadixAggregationTests.answer(session, query))
        }
        #expect(answers[0].hasPrefix("error: integer overflow"), "\(answers[0])")
        #expect(answers[1] == answers[0] && answers[2] == answers[0])
    }
}
