// Paths that compute without boxing a value per row give what the boxed, row-by-row paths give,
// on one thread and on several: statistics aggregates kept as numbers beside their groups
// (TypedAggregate), `select` of arithmetic through kernels (Executor.projectThroughKernel), and a
// join that is only counted (its pairs counted, not made). Each typed query is compared with the
// same question written so it has no kernel (through `coalesce(x, x)`), which takes the boxed path.
import Testing
import TestSupport

@testable import Byline

@Suite struct TypedPathTests {
    static let rows = 3 * Executor.blockSize + 501

    /// `t`: group keys of few (`a`, strings) and many (`b`, integers with nulls) values, floats
    /// `f` and integers `v` with nulls, and `big` (overflows when doubled in one late row);
    /// `u`: a right side with repeated, missing and null keys.
    static func session(threads: Int) throws -> Session {
        var random = SplitMix64(state: 20261203)
        var a: [Value] = [], b: [Value] = [], f: [Value] = [], v: [Value] = [], big: [Value] = []
        for row in 0..<rows {
            a.append(random.below(50) == 0 ? .null : .string("s\(random.below(30))"))
            b.append(random.below(40) == 0 ? .null : .integer(random.below(row / 2 + 2000)))
            f.append(random.below(20) == 0 ? .null : .float((Double(random.below(2_000_001)) - 1e6) / 7.0 * [1e-6, 1.0, 1e12][random.below(3)]))
            v.append(random.below(15) == 0 ? .null : .integer(random.below(1000) - 500))
            big.append(.integer(row == rows - 300 ? Int.max / 2 + 1 : row))
        }
        var ua: [Value] = [], ub: [Value] = []
        for row in 0..<900 {
            ua.append(row % 97 == 0 ? .null : .string("s\(row % 41)"))
            ub.append(row % 89 == 0 ? .null : .integer(row % 1700))
        }
        let session = Session(tables: [])
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = Executor.blockSize
        try session.register(table: "t", columns: [("a", a), ("b", b), ("f", f), ("v", v), ("big", big)])
        try session.register(table: "u", columns: [("a", ua), ("b", ub)])
        return session
    }

    /// The answer as text (floats to the last bit), or the error (with its place, unless the two
    /// queries compared are written differently).
    static func answer(_ session: Session, _ query: String, places: Bool = true) -> String {
        do {
            return try session.run(query).map { $0.rows.map { "\($0)" }.joined(separator: "\n") }.joined(separator: "\n--\n")
        } catch {
            return "error: " + error.diagnostics.map { places ? "\($0.message) at \(String(describing: $0.span))" : $0.message }.joined(separator: "; ")
        }
    }

    /// Each typed query beside the same question with no kernel (the boxed path).
    static let pairs: [(typed: String, boxed: String)] = [
        ("t group by a select a, median(f) as m, quantile(v, 0.3) as q, variance(f) as va, stddev(v) as sd, corr(f, v) as c",
         "t group by a select a, median(coalesce(f, f)) as m, quantile(coalesce(v, v), 0.3) as q, "
            + "variance(coalesce(f, f)) as va, stddev(coalesce(v, v)) as sd, "
            + "corr(coalesce(f, f), coalesce(v, v)) as c"),
        ("t group by b select b, median(v) as m, stddev(f) as sd, corr(v, f * 2.0) as c, count() as n",
         "t group by b select b, median(coalesce(v, v)) as m, stddev(coalesce(f, f)) as sd, "
            + "corr(coalesce(v, v), coalesce(f * 2.0, f * 2.0)) as c, count() as n"),
        ("t where v > 0 select median(f) as m, variance(v) as va, corr(v, f) as c",
         "t where v > 0 select median(coalesce(f, f)) as m, variance(coalesce(v, v)) as va, "
            + "corr(coalesce(v, v), coalesce(f, f)) as c"),
        ("t group by a select a, median(v * 3 - big) as m",
         "t group by a select a, median(coalesce(v * 3 - big, v * 3 - big)) as m"),
        ("t group by a select a, variance(big * 2) as va",
         "t group by a select a, variance(coalesce(big * 2, big * 2)) as va"),
        ("t select f * 2.0 + v as x, v * 3 - 1 as y, -v as z, v % 7 as r, b + v as w",
         "t select coalesce(f * 2.0 + v, f * 2.0 + v) as x, coalesce(v * 3 - 1, v * 3 - 1) as y, coalesce(-v, -v) as z, "
            + "coalesce(v % 7, v % 7) as r, coalesce(b + v, b + v) as w"),
        ("t where v > 100 select v * 2 + b as x, f - 1.5 as y", "t where v > 100 select coalesce(v * 2 + b, v * 2 + b) as x, coalesce(f - 1.5, f - 1.5) as y"),
        ("t select big * 2 as x", "t select coalesce(big * 2, big * 2) as x"),
        // count, sum, avg, min and max, over few groups (ranges of rows merged), many (partitions
        // by hash on several threads) and one; each keeps only the sums or the extremes it needs.
        ("t group by a select a, min(v) as mi, max(v) as ma, min(f) as fi, max(f) as fa, sum(v) as s, avg(v) as av, "
            + "sum(f) as sf, avg(f) as af, count(v) as c, count(f) as cf, count() as n",
         "t group by a select a, min(coalesce(v, v)) as mi, max(coalesce(v, v)) as ma, min(coalesce(f, f)) as fi, "
            + "max(coalesce(f, f)) as fa, sum(coalesce(v, v)) as s, avg(coalesce(v, v)) as av, sum(coalesce(f, f)) as sf, "
            + "avg(coalesce(f, f)) as af, count(coalesce(v, v)) as c, count(coalesce(f, f)) as cf, count() as n"),
        ("t group by b select b, min(v) as mi, max(f) as fa, sum(f) as sf, avg(v) as av, count(v) as c",
         "t group by b select b, min(coalesce(v, v)) as mi, max(coalesce(f, f)) as fa, sum(coalesce(f, f)) as sf, "
            + "avg(coalesce(v, v)) as av, count(coalesce(v, v)) as c"),
        ("t group by b, a select b, a, max(v) as ma, min(f) as fi, sum(v) as s",
         "t group by b, a select b, a, max(coalesce(v, v)) as ma, min(coalesce(f, f)) as fi, sum(coalesce(v, v)) as s"),
        ("t select min(v) as mi, max(v) as ma, min(f) as fi, max(f) as fa, avg(f) as af",
         "t select min(coalesce(v, v)) as mi, max(coalesce(v, v)) as ma, min(coalesce(f, f)) as fi, max(coalesce(f, f)) as fa, "
            + "avg(coalesce(f, f)) as af"),
    ]

    @Test(arguments: pairs.indices)
    func typedPathsGiveTheBoxedAnswer(index: Int) throws {
        let (typed, boxed) = TypedPathTests.pairs[index]
        let expected = TypedPathTests.answer(try TypedPathTests.session(threads: 1), boxed, places: false)
        for threads in [1, 2, 3] {
            let answer = TypedPathTests.answer(try TypedPathTests.session(threads: threads), typed, places: false)
            let same = answer == expected  // compared outside #expect: no diff of every row
            #expect(same, "\(typed), \(threads) threads: \(answer.prefix(300)) against \(expected.prefix(300))")
        }
    }

    @Test func theOverflowingRowFailsAsOneThreadFailsIt() throws {
        let one = TypedPathTests.answer(try TypedPathTests.session(threads: 1), "t select v, big * 2 as x")
        #expect(one.hasPrefix("error: integer overflow in 4611686018427387904 * 2"), "\(one)")
        for threads in [2, 3] {
            #expect(TypedPathTests.answer(try TypedPathTests.session(threads: threads), "t select v, big * 2 as x") == one)
        }
    }

    @Test(arguments: ["a", "b"])
    func aCountedJoinCountsThePairsItWouldMake(key: String) throws {
        for threads in [1, 2] {
            let session = try TypedPathTests.session(threads: threads)
            for kind in ["join", "left join"] {
                let counted = "t \(kind) u on t.\(key) = u.\(key) count"
                let made = "t \(kind) u on t.\(key) = u.\(key) select u.\(key) count"
                let answer = TypedPathTests.answer(session, counted)
                #expect(answer == TypedPathTests.answer(session, made), "\(counted)")
                #expect(!answer.hasPrefix("error") && answer != "[0]", "\(answer)")
                let steps = TypedPathTests.answer(session, "explain analyze " + counted)
                #expect(steps.contains("pairs counted"), "\(steps)")
                let where_ = TypedPathTests.answer(session, "t \(kind) u on t.\(key) = u.\(key) where t.v > 0 count")
                #expect(where_ == TypedPathTests.answer(session, "t \(kind) u on t.\(key) = u.\(key) where t.v > 0 select u.\(key) count"))
            }
        }
    }
}
