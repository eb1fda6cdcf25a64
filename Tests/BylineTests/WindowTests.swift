// Window functions in Byline's engine: ranks with ties, lag and lead at the partition's ends,
// running and moving aggregates, top N per group, and the mistakes. The same queries in SQLite
// and PostgreSQL are compared with the engine by DifferentialTests.WindowDialectTests.
import Testing
import TestSupport

@testable import Byline

@Suite struct WindowTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    /// Scores with ties, a null score and a null team, in this order.
    static let scores = """
        let scores = [{team: "a", score: 3}, {team: "b", score: 5}, {team: "a", score: 5}, {team: "a", score: 3},
                      {team: null, score: 1}, {team: "b", score: null}, {team: "a", score: 7}, {team: null, score: 2}]
        """

    private func rows(_ query: String) throws -> [[Value]] {
        try Session().run(Self.scores + "\n" + query).last?.rows ?? []
    }

    private func column(_ query: String) throws -> [Value] {
        try rows(query).map { $0[$0.count - 1] }
    }

    @Test func ranksCountTiesAsSQLDoes() throws {
        // Ordered by score: 1, 2, 3, 3, 5, 5, 7, null (nulls last); rows keep their own order.
        #expect(try column("scores select score, row_number() over (order by score)") == [3, 5, 6, 4, 1, 8, 7, 2].map(Value.integer))
        #expect(try column("scores select score, rank() over (order by score)") == [3, 5, 5, 3, 1, 8, 7, 2].map(Value.integer))
        #expect(try column("scores select score, dense_rank() over (order by score)") == [3, 4, 4, 3, 1, 6, 5, 2].map(Value.integer))
        // Descending, still nulls last; ties keep the order the rows came in.
        #expect(try column("scores select score, row_number() over (order by score desc)") == [4, 2, 3, 5, 7, 8, 1, 6].map(Value.integer))
        // Partitions: nulls form one partition.
        #expect(try column("scores select rank() over (partition by team order by score desc)") == [3, 1, 2, 3, 2, 2, 1, 1].map(Value.integer))
    }

    @Test func topNPerGroupIsAWhereAfterTheSelect() throws {
        let top = try rows("scores select team, score, row_number() over (partition by team order by score desc) as n where n <= 2 order by team, n")
        #expect(top == [
            [.string("a"), .integer(7), .integer(1)], [.string("a"), .integer(5), .integer(2)],
            [.string("b"), .integer(5), .integer(1)], [.string("b"), .null, .integer(2)],
            [.null, .integer(2), .integer(1)], [.null, .integer(1), .integer(2)],
        ])
    }

    @Test func lagAndLeadAreNullPastThePartition() throws {
        #expect(try column("scores select lag(score) over (partition by team order by score)") == [.null, .null, .integer(3), .integer(3), .null, .integer(5), .integer(5), .integer(1)])
        #expect(try column("scores select lead(score, 2) over (order by score)") == [.integer(5), .integer(7), .null, .integer(5), .integer(3), .null, .null, .integer(3)])
        #expect(try column("scores select lag(score, 0) over ()") == [3, 5, 5, 3, 1, nil, 7, 2].map { $0.map(Value.integer) ?? .null })
        #expect(try column("scores select lead(team, 9223372036854775807) over ()") == Array(repeating: .null, count: 8))
    }

    @Test func aggregatesRunMoveOrSeeTheWholePartition() throws {
        // Without order: the whole partition; nulls skipped.
        #expect(try column("scores select sum(score) over (partition by team)") == [18, 5, 18, 18, 3, 5, 18, 3].map(Value.integer))
        #expect(try column("scores select count(score) over ()") == Array(repeating: .integer(7), count: 8))
        #expect(try column("scores select count() over (partition by team)") == [4, 2, 4, 4, 2, 2, 4, 2].map(Value.integer))
        // With order: a running total in the stable order (ties are not added together).
        #expect(try column("scores select sum(score) over (order by score)") == [6, 14, 19, 9, 1, 26, 26, 3].map(Value.integer))
        // rows N preceding: a moving average of the row and the N before it.
        #expect(try column("scores where score is not null select avg(score) over (order by score rows 1 preceding)") == [2.5, 4, 5, 3, 1, 6, 1.5].map(Value.float))
        #expect(try column("scores select max(score) over (partition by team order by score rows 0 preceding)") == [3, 5, 5, 3, 1, nil, 7, 2].map { $0.map(Value.integer) ?? .null })
        #expect(try column("scores select max(team) over (order by score desc)") == ["b", "b", "b", "b", "b", "b", "a", "b"].map(Value.string))
    }

    @Test func windowsMixWithExpressionsAndOtherClauses() throws {
        let shares = try rows("scores where score is not null select team, score * 100 / sum(score) over (partition by team) as share, rank() over (order by score) - 1 as below limit 2")
        #expect(shares == [[.string("a"), .float(300.0 / 18), .integer(2)], [.string("b"), .float(100), .integer(4)]])
        let result = try Session().run(Self.scores + "\nscores select team, rank() over (order by score) as r").last
        #expect(result?.fields.map(\.name) == ["team", "r"])
        #expect(result?.fields.map(\.type) == [.string, .integer])
        // A group's aggregates, then a window over the groups.
        #expect(try rows("scores group by team select team, sum(score) as total order by team select team, rank() over (order by total desc) as r") == [
            [.string("a"), .integer(1)], [.string("b"), .integer(2)], [.null, .integer(3)],
        ])
    }

    @Test func anIntegerSumThatOverflowsIsAnError() {
        #expect(message("[{x: 9223372036854775807}, {x: 1}] select sum(x) over (order by x)").hasPrefix("integer overflow in sum"))
    }

    @Test func mistakesAreNamed() {
        #expect(message(Self.scores + "\nscores where rank() over (order by score) = 1") == "window functions are computed in a 'select': select 'rank() over (order by score)' as a field, then use it in a 'where' after it")
        #expect(message(Self.scores + "\nscores select rank() over (partition by team)") == "'rank' needs 'order by' in its 'over (…)', the order that ranks the rows | help: for example: rank() over (partition by team order by score desc)")
        #expect(message(Self.scores + "\nscores select team, count() as n, rank() over (order by score)") == "a window function cannot be in a 'select' that aggregates | help: aggregate in one 'select' (or 'group by … select'), then compute the window in a 'select' after it")
        #expect(message(Self.scores + "\nscores group by team select team, rank() over (order by team)").hasPrefix("a window function cannot be in a 'select' that aggregates"))
        #expect(message(Self.scores + "\nscores select sum(rank() over (order by score)) over ()") == "window functions cannot be nested | help: compute the inner one in a 'select' before")
        #expect(message(Self.scores + "\nscores select lower(team) over ()") == "'lower' is not a window function | help: window functions: row_number, rank, dense_rank, lag, lead, first_value, last_value, count, sum, avg, min, max")
        #expect(message(Self.scores + "\nscores select rank() over (order by score rows 2 preceding)") == "'rows N preceding' is for the aggregates count, sum, avg, min and max, not 'rank'")
        #expect(message(Self.scores + "\nscores select lag(score, -1) over ()") == "the offset of 'lag' must be a whole number, 0 or more | help: for example: lag(x, 2)")
        #expect(message(Self.scores + "\nscores select lag(score, team) over ()") == "the offset of 'lag' must be a whole number, 0 or more | help: for example: lag(x, 2)")
        #expect(message(Self.scores + "\nscores select count(distinct score) over ()") == "'distinct' is not allowed in a window function")
        #expect(message(Self.scores + "\nscores select sum(team) over ()").hasPrefix("'sum' needs numbers, but 'team' is a string"))
        #expect(message(Self.scores + "\nscores select rank(score) over (order by score)").hasPrefix("'rank' takes no arguments, but 1 was given"))
        #expect(message(Self.scores + "\nscores select row_number() over (order by null)") == "cannot order by null")
        #expect(message(Self.scores + "\nscores select rank()") == "'rank' is a window function: say the rows it sees with 'over (…)' | help: for example: rank() over (partition by team order by score desc)")
        #expect(message(Self.scores + "\nscores select lag(score)").hasSuffix("help: for example: lag(x) over (partition by team order by score desc)"))
        #expect(message(Self.scores + "\nscores select sum(score) over (rows x preceding)") == "expected a whole number of rows after 'rows', found 'x'")
    }

    @Test func overPartitionAndRowsStayNames() throws {
        let result = try Session().run(#"[{over: 1, partition: 2, rows: 3, preceding: 4}] select over + partition + rows + preceding as total"#).last
        #expect(result?.rows == [[.integer(10)]])
    }

    @Test func printedWindowsParseAgain() throws {
        let text = "t select (rank() over (partition by a, b order by c desc, d rows 3 preceding)), (row_number() over ())"
        guard case .query(let query)? = Parser.parse(SourceFile(name: "p", text: text)).script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == text)
    }

    @Test func explainShowsTheWindowStep() throws {
        let plan = try Session().run(Self.scores + "\nexplain scores select rank() over (order by score) as r").last
        let text = plan?.rows.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "\n") ?? ""
        #expect(text.contains("window rank() over (order by score)"), "\(text)")
    }
}
