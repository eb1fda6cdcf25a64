// Every core: a step split across threads gives what one thread gives — the rows, their order,
// float sums to the last bit, and the error one thread meets first, at its place. (The
// differential test compares 1 and 3 threads on random queries; these are the cases it would
// meet only by luck.)
import Testing

@testable import Byline

@Suite struct ParallelTests {
    /// A session on `threads` threads whose steps split into ranges of one block.
    static func session(threads: Int, _ columns: [(name: String, values: [Value])]) throws -> Session {
        let session = Session(tables: [])
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = Executor.blockSize
        try session.register(table: "t", columns: columns)
        return session
    }

    /// The answer, or the diagnostics with their places, as text.
    static func answer(_ session: Session, _ query: String) -> String {
        do {
            return try session.run(query).map { $0.rows.map { "\($0)" }.joined(separator: "\n") }.joined(separator: "\n--\n")
        } catch {
            return "error: " + error.diagnostics.map { "\($0.message) at \(String(describing: $0.span))" }.joined(separator: "; ")
        }
    }

    /// Integers: `special` at their rows, 1 elsewhere; three blocks and a bit.
    static func integers(_ special: [Int: Int]) -> [Value] {
        (0..<(3 * Executor.blockSize + 100)).map { .integer(special[$0] ?? 0) }
    }

    @Test func aSumThatOverflowsOnlyInRowOrderStillFails() throws {
        // Row order: Int.max - 1, then +5 overflows. The later partition alone (+5, -5) does not.
        let rows = ParallelTests.integers([0: Int.max - 1, 2 * Executor.blockSize: 5, 2 * Executor.blockSize + 1: -5])
        for threads in [1, 2, 3] {
            let session = try ParallelTests.session(threads: threads, [("n", rows)])
            let answer = ParallelTests.answer(session, "t select sum(n) as s")
            #expect(answer.hasPrefix("error: integer overflow"), "\(threads) threads: \(answer)")
        }
    }

    @Test func aSumThatOverflowsOnlyInOnePartitionDoesNot() throws {
        // Row order: -10, then Int.max, then +5: never past Int.max. The later partition alone overflows.
        let rows = ParallelTests.integers([0: -10, 2 * Executor.blockSize: Int.max, 2 * Executor.blockSize + 1: 5])
        for threads in [1, 2, 3] {
            let session = try ParallelTests.session(threads: threads, [("n", rows)])
            #expect(ParallelTests.answer(session, "t select sum(n) as s") == "[\(Int.max - 5)]", "\(threads) threads")
        }
    }

    @Test func theErrorReportedIsTheOneOfTheEarliestRow() throws {
        // `a * a` overflows in the last block, `b * b` in the first: one thread meets `b * b` first.
        let a = ParallelTests.integers([3 * Executor.blockSize + 50: Int.max])
        let b = ParallelTests.integers([10: Int.max])
        let query = "t where a * a > 0 or b * b > 0 count"
        let one = ParallelTests.answer(try ParallelTests.session(threads: 1, [("a", a), ("b", b)]), query)
        #expect(one.contains("integer overflow") && one.hasSuffix("at Optional(1:22)"), Comment(rawValue: one))
        for threads in [2, 3, 4] {
            #expect(ParallelTests.answer(try ParallelTests.session(threads: threads, [("a", a), ("b", b)]), query) == one)
        }
    }

    @Test func groupsComeInTheOrderOneThreadMeetsThemAndFloatSumsAgreeToTheBit() throws {
        let count = 3 * Executor.blockSize + 100
        // Keys first met in the later blocks too; floats whose sum depends on the order of adding.
        let keys: [Value] = (0..<count).map { .integer(($0 * 7919) % ($0 / 2048 + 5)) }
        let floats: [Value] = (0..<count).map { .float(1.0 / Double($0 % 97 + 1) * ($0 % 3 == 0 ? 1e10 : 1)) }
        let names: [Value] = (0..<count).map { .string("k\(($0 * 31) % ($0 / 1024 + 3))") }
        let queries = [
            "t group by k select k, count() as n, sum(f) as s, avg(f) as a, min(f) as lo, max(f) as hi",
            "t group by s select s, sum(f) as total, list(k) as ks",
            "t group by k % 3, s select count(distinct s) as d, sum(k) as total",
            "t select sum(f) as s, count(distinct s) as d",
        ]
        let one = try ParallelTests.session(threads: 1, [("k", keys), ("f", floats), ("s", names)])
        for threads in [2, 3, 8] {
            let several = try ParallelTests.session(threads: threads, [("k", keys), ("f", floats), ("s", names)])
            for query in queries {
                let same = ParallelTests.answer(several, query) == ParallelTests.answer(one, query)  // no diff of every group
                #expect(same, "\(threads) threads: \(query)")
            }
        }
    }

    @Test func explainAnalyzeSaysHowManyThreadsAStepUsed() throws {
        let session = try ParallelTests.session(threads: 2, [("n", ParallelTests.integers([:]))])
        let steps = try session.run("explain analyze t where n = 0 count").last?.rows.map { "\($0)" } ?? []
        #expect(steps.contains { $0.contains("2 threads") }, "\(steps)")
    }

    @Test func windowsOverManyPartitionsGiveWhatOneThreadGivesOnEveryThread() throws {
        // Partitions of 1 to 40 rows, met in every block; ties in the order; floats whose running
        // sum depends on the order of adding; text. Each thread takes whole partitions.
        let count = 3 * Executor.blockSize + 100
        let keys: [Value] = (0..<count).map { .integer(($0 * 7919) % 997) }
        let order: [Value] = (0..<count).map { $0 % 11 == 0 ? .null : .integer(($0 * 31) % 17) }
        let floats: [Value] = (0..<count).map { .float(1.0 / Double($0 % 97 + 1) * ($0 % 3 == 0 ? 1e10 : 1)) }
        let names: [Value] = (0..<count).map { .string("n\(($0 * 13) % 101)") }
        let columns = [("k", keys), ("o", order), ("f", floats), ("s", names)]
        let queries = [
            "t select k, o, row_number() over (partition by k order by o desc) as r, rank() over (partition by k order by o) as q, dense_rank() over (partition by k order by o) as d",
            "t select k, sum(f) over (partition by k order by o) as running, avg(f) over (partition by k) as whole, min(s) over (partition by k order by o rows 2 preceding) as m",
            "t select k, s, lag(s, 2) over (partition by k order by o) as before, lead(f) over (partition by s order by k) as after, last_value(o) over (partition by k order by o) as last",
            "t select k, first_value(s) over (partition by k % 7, s order by o desc) as first, count() over (partition by s) as n",
        ]
        let one = try ParallelTests.session(threads: 1, columns)
        for threads in [2, 3, 8] {
            let several = try ParallelTests.session(threads: threads, columns)
            for query in queries {
                #expect(ParallelTests.answer(several, query) == ParallelTests.answer(one, query), "\(threads) threads: \(query)")
            }
            // And the partitions did run on several threads.
            let steps = try several.run("explain analyze " + queries[0]).last?.rows.map { "\($0)" } ?? []
            #expect(steps.contains { $0.contains("997 partitions on \(min(threads, 3)) threads") }, "\(steps)")
        }
    }

    @Test func aWindowsErrorIsTheOneOfTheEarliestPartitionInItsOrder() throws {
        // A value overflows in partition 5 (at `n * 2`) and in partition 900 (at `n * 3`): one
        // thread meets partition 5 first, as the partitions are sorted by key; so must several,
        // although partition 900 is another thread's.
        var special: [Int: Int] = [:]
        for row in 0..<(3 * Executor.blockSize + 100) where row % 997 == 5 || row % 997 == 900 { special[row] = Int.max / 2 + 1 }
        let keys: [Value] = (0..<(3 * Executor.blockSize + 100)).map { .integer($0 % 997) }
        let columns = [("k", keys), ("n", ParallelTests.integers(special))]
        let query = "t select k, sum(case when k < 500 then n * 2 else n * 3 end) over (partition by k order by n) as s"
        let one = ParallelTests.answer(try ParallelTests.session(threads: 1, columns), query)
        #expect(one.hasPrefix("error: integer overflow") && one.hasSuffix("at Optional(1:40)"), Comment(rawValue: one))
        for threads in [2, 3, 4] {
            #expect(ParallelTests.answer(try ParallelTests.session(threads: threads, columns), query) == one, "\(threads) threads")
        }
    }
}
