// `distinct by KEYS`: the first row of each distinct key in the rows' order (SQL's DISTINCT ON).
// The same queries in SQLite and PostgreSQL: DifferentialTests.DistinctByDialectTests.
import Testing
import TestSupport

@testable import Byline

@Suite struct DistinctByTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    static let invoices = "let invoices = [{customer: \"a\", day: 3, total: 10}, {customer: \"b\", day: 1, total: 5}, {customer: \"a\", day: 5, total: 7}, {customer: null, day: 2, total: 1}, {customer: \"b\", day: 1, total: 8}, {customer: null, day: 4, total: 2}]\n"

    private func rows(_ query: String) throws -> [[Value]] {
        try Session().run(Self.invoices + query).last?.rows ?? []
    }

    @Test func theFirstRowOfEachKeyInTheRowsOrder() throws {
        // The latest invoice of each customer; nulls are one key; ties keep the rows' order.
        #expect(try rows("invoices order by day desc distinct by customer select customer, day, total") == [
            [.string("a"), .integer(5), .integer(7)], [.null, .integer(4), .integer(2)], [.string("b"), .integer(1), .integer(5)],
        ])
        // Without an order, the first row each key came in.
        #expect(try rows("invoices distinct by customer select total") == [[.integer(10)], [.integer(5)], [.integer(1)]])
        // Several keys, and expressions.
        #expect(try rows("invoices distinct by customer, day > 2 count") == [[.integer(4)]])
        #expect(try rows("invoices distinct by total % 2 select total") == [[.integer(10)], [.integer(5)]])
        // The fields stay the input's.
        let result = try Session().run(Self.invoices + "invoices distinct by customer").last
        #expect(result?.fields.map(\.name) == ["customer", "day", "total"])
    }

    @Test func mistakesAreNamed() {
        #expect(message(Self.invoices + "invoices distinct by cust").hasPrefix("unknown field 'cust' in 'invoices'"))
        #expect(message(Self.invoices + "invoices distinct by count()").hasPrefix("aggregate 'count()' is only allowed in 'select'"))
        #expect(message(Self.invoices + "invoices distinct by").hasPrefix("expected an expression"))
    }

    @Test func printedDistinctByParsesAgain() throws {
        let text = "invoices order by day desc distinct by customer, (day > 2) select customer"
        guard case .query(let query)? = Parser.parse(SourceFile(name: "p", text: text)).script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == text)
    }
}
