// The statistics aggregates: median, quantile, sample variance and standard deviation, and
// correlation, with their rules for nulls, no rows and one row. PostgreSQL's answers are compared
// with the engine's by DifferentialTests.StatisticsDialectTests; SQLite has none of them.
import Testing
import TestSupport

@testable import Byline

@Suite struct StatisticsTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    static let values = "[{g: \"a\", x: 1, y: 2.0}, {g: \"a\", x: 2, y: 4.0}, {g: \"a\", x: null, y: 7.0}, {g: \"a\", x: 3, y: 6.0}, {g: \"a\", x: 4, y: 8.0}, {g: \"a\", x: 10, y: 20.0}, {g: \"b\", x: 5, y: null}, {g: \"c\", x: null, y: 1.0}]"

    private func rows(_ query: String) throws -> [[Value]] {
        try Session().run(Self.values + " " + query).last?.rows ?? []
    }

    @Test func statisticsSkipNulls() throws {
        let result = try rows(
            "where g = \"a\" select median(x), quantile(x, 0.25), quantile(x, 0.75), quantile(y, 0.125), quantile(x, 0), quantile(x, 1), variance(x), stddev(x), corr(x, y), corr(y, -x)")
        #expect(result == [[.float(3), .float(2), .float(4), .float(3.25), .float(1), .float(10), .float(12.5), .float(12.5.squareRoot()), .float(1), .float(-1)]])
    }

    @Test func tooFewValuesGiveNull() throws {
        // b: one value (its median, but no spread); c: no x at all; none: no rows.
        let result = try rows("group by g select g, median(x), quantile(x, 0.9), variance(x), stddev(x), corr(x, y) order by g")
        #expect(result[1] == [.string("b"), .float(5), .float(5), .null, .null, .null])
        #expect(result[2] == [.string("c"), .null, .null, .null, .null, .null])
        #expect(try rows("where g = \"none\" select median(x), variance(x), corr(x, y)") == [[.null, .null, .null]])
        // A correlation with a value that does not vary is null (it would divide by zero).
        #expect(try rows("select corr(x, 1)") == [[.null]])
    }

    @Test func mistakesAreNamed() {
        #expect(message(Self.values + " select quantile(x, 1.5)").hasPrefix("the second argument of 'quantile' must be a number from 0 to 1, but it is '1.5'"))
        #expect(message(Self.values + " select quantile(x, y)").hasPrefix("the second argument of 'quantile' must be a number from 0 to 1, but it is 'y'"))
        #expect(message(Self.values + " select quantile(x)") == "'quantile' takes 2 arguments, but 1 was given | help: usage: quantile(x, p), p from 0 to 1")
        #expect(message(Self.values + " select corr(x, g)").hasPrefix("'corr' needs numbers, but 'g' is a string"))
        #expect(message(Self.values + " select median(g)").hasPrefix("'median' needs numbers, but 'g' is a string"))
        #expect(message(Self.values + " select median(x) over ()").hasPrefix("'median' is not a window function"))
        #expect(message(Self.values + " where median(x) > 1").hasPrefix("aggregate 'median' is only allowed in 'select'"))
    }

    @Test func sqliteRefusesBeforeRunning() throws {
        for query in ["visits select median(year)", "visits group by destination select destination, corr(year, year)"] {
            do {
                _ = try Session().compile(query, dialect: .sqlite)
                Issue.record("SQLite ran \(query)")
            } catch {
                #expect("\(error)".contains("this query cannot run in SQLite: SQLite has no"), "\(error)")
            }
        }
        let text = try Session().compile("visits select quantile(year, 0.9), stddev(year)", dialect: .postgresql).text
        #expect(text.contains("percentile_cont(") && text.contains("stddev_samp("), "\(text)")
    }

    /// Medians and quantiles of random groups (ties, zeros of both signs, negative numbers, groups
    /// of one), against the values a stable sort of each group puts at the places, interpolated
    /// as percentile_cont does: computed here, in the test, from the rows given.
    @Test(arguments: [1, 2, 3])
    func quantilesAreTheValuesAStableSortPutsThere(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let choices: [Double] = [-0.0, 0.0, 1.5, -2.25, 3.0, 3.0, 7.75, -0.0, 100.5, 0.0, 2.0, -1e300]
        var groups: [Value] = []
        var values: [Value] = []
        var byGroup: [[Double]] = []
        for group in 0..<60 {
            let size = group < 5 ? group + 1 : Int(random.next() % 80) + 1
            var these: [Double] = []
            for _ in 0..<size {
                let value = choices[Int(random.next() % UInt64(choices.count))]
                these.append(value)
                groups.append(.integer(group))
                values.append(.float(value))
            }
            byGroup.append(these)
        }
        let session = Session(tables: [])
        try session.register(table: "t", columns: [(name: "g", values: groups), (name: "x", values: values)])
        func reference(_ values: [Double], _ p: Double) -> Double {
            var sorted = values.enumerated().map { ($0.element, $0.offset) }
            sorted.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }  // stable: ties by row
            let position = p * Double(values.count - 1)
            let (below, above) = (Int(position.rounded(.down)), Int(position.rounded(.up)))
            if below == above { return sorted[below].0 }
            return sorted[below].0 + (position - Double(below)) * (sorted[above].0 - sorted[below].0)
        }
        for p in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
            let rows = try session.run("t group by g select g, quantile(x, \(p)) as q, median(x) as m order by g").last?.rows ?? []
            #expect(rows.count == byGroup.count)
            for (group, row) in rows.enumerated() {
                guard case .float(let q) = row[1], case .float(let m) = row[2] else {
                    Issue.record("group \(group): \(row)")
                    continue
                }
                let expected = reference(byGroup[group], p)
                #expect(q.bitPattern == expected.bitPattern, "p \(p), group \(group) \(byGroup[group]): \(q) against \(expected)")
                #expect(m.bitPattern == reference(byGroup[group], 0.5).bitPattern, "median, group \(group) \(byGroup[group]): \(m)")
            }
        }
    }
}
