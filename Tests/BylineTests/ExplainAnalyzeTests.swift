// `explain analyze`: the query runs, and each physical step shows how it ran, its rows and time.
import Testing

@testable import Byline

@Suite struct ExplainAnalyzeTests {
    private func analyze(_ query: String, session: Session = Session()) throws -> [[Value]] {
        try session.run("explain analyze " + query).last?.rows ?? []
    }

    private func operations(_ rows: [[Value]]) -> [String] {
        rows.compactMap { if case .string(let text) = $0[1] { return text } else { return nil } }
    }

    @Test func everyStepWithItsRowsAndTheTotal() throws {
        let rows = try analyze(#"visits where year > 2000 select visitor order by visitor"#)
        // The total is no step: its step is empty, not null (which a table shows as "null").
        #expect(rows.map { $0[0] } == [.string("1"), .string("2"), .string("3"), .string("4"), .string("")])
        #expect(operations(rows) == [
            "read visits", "where year > 2000", "select visitor", "order by visitor [radix sort of 2 rows]", "total",
        ])
        // The rows are what each step gave, the same as running the query.
        let plain = try Session().run("visits where year > 2000 count").last?.rows
        #expect(rows.map { $0[2] } == [.integer(7), plain?[0][0], plain?[0][0], plain?[0][0], plain?[0][0]])
        for row in rows {
            guard case .float(let milliseconds) = row[3] else {
                Issue.record("no time in \(row)")
                continue
            }
            #expect(milliseconds >= 0)
        }
    }

    @Test func aTableOfTheStepsShowsNoNull() throws {
        let result = try #require(try Session().run("explain analyze leaders where country = \"Congo\" count").last)
        let text = ResultFormatter.format(result, as: .table)
        #expect(!text.contains("null"), Comment(rawValue: text))
        let total = try #require(text.split(separator: "\n").first { $0.contains("total") })
        #expect(total.hasPrefix("      | total "), Comment(rawValue: String(total)))
    }

    @Test func physicalChoicesAreNamed() throws {
        let topK = operations(try analyze("range(100000) order by value desc limit 3"))
        #expect(topK[1] == "order by value desc limit 3 [top-3 heap of 100000 rows]")
        let offset = operations(try analyze("range(100000) order by value limit 3 offset 50000"))
        #expect(offset[1].hasPrefix("order by value limit 3 offset 50000 [selection by the first key's form: "))
        let join = operations(try analyze("visits join leaders on visitor = leaders.name group by leaders.country select leaders.country, count() as n"))
        #expect(join == [
            "read visits", "  read leaders",
            "join leaders on visitor = leaders.name [right side 6 rows, left side 7 rows; hash join on string codes]",
            "group by leaders.country select leaders.country, count() as n [hash aggregate by string codes: 3 groups of 7 rows]", "total",
        ])
        let integers = operations(try analyze("range(10) join range(5) as r on range.value = r.value count"))
        #expect(integers[2].contains("hash join on integers"))
    }

    @Test func analyzeIsAWordOnlyBeforeAQuery() throws {
        let session = Session()
        try session.register(table: "analyze", columns: [(name: "x", values: [.integer(1), .integer(2)])])
        // A table named analyze: plain explain of it, and explain analyze of it.
        #expect(operations(try session.run("explain analyze").last?.rows ?? []) == ["read analyze"])
        #expect(operations(try analyze("analyze count", session: session)) == ["read analyze", "count", "total"])
        #expect(operations(try session.run("explain `analyze` count").last?.rows ?? []) == ["read analyze", "count"])
    }

    @Test func errorsWhileRunningAreStillErrors() {
        #expect(throws: BylineError.self) { try analyze("range(3) select value * 9223372036854775807") }
    }
}
