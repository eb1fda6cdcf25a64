// `append SOURCE`: another source's rows after the rows so far (SQL's UNION ALL), fields matched
// by position. In the databases, DifferentialTests compares it with Byline's engine.
import Testing
import TestSupport

@testable import Byline

@Suite struct AppendTests {
    private func rows(_ text: String) throws -> [[Value]] {
        try Session().run(text).last?.rows ?? []
    }

    private func message(_ text: String) -> String { Session.messages(running: text) }

    @Test func appendedRowsComeAfterInTheirOrder() throws {
        let result = try rows(
            """
            let late = visits where year > 2010 select visitor, year order by year desc
            visits where year < 2001 select visitor, year order by year desc append late
            """)
        #expect(
            result == [
                [.string("Nursultan Nazarbayev"), .integer(2000)], [.string("Nursultan Nazarbayev"), .integer(1995)],
                [.string("Benjamin Netanyahu"), .integer(2016)], [.string("Nursultan Nazarbayev"), .integer(2013)],
            ])
    }

    @Test func integersAndFloatsMakeFloatsAndLaterClausesSeeEveryRow() throws {
        let session = Session()
        let results = try session.run(
            """
            def halves() = range(3) select value / 2.0 as value
            range(2) append halves() order by value desc
            """)
        #expect(results.last?.fields.map(\.type) == [.float])
        #expect(results.last?.rows == [[.float(1)], [.float(1)], [.float(0.5)], [.float(0)], [.float(0)]])
        #expect(try rows("range(3) append range(2) append range(1) count") == [[.integer(6)]])
        #expect(try rows("range(2) append range(5, 7) group by value % 2 select value % 2 as odd, count() as n") == [[.integer(0), .integer(2)], [.integer(1), .integer(2)]])
    }

    @Test func namesComeFromTheRowsBefore() throws {
        let result = try Session().run(
            """
            let places_named = countries select capital as name
            leaders select name append places_named where name starts with "A"
            """).last
        #expect(result?.fields.map(\.name) == ["name"])
        #expect(result?.rows == [[.string("Askar Mamin")], [.string("Astana")]])
    }

    @Test func mistakesSayWhatDiffers() {
        #expect(
            message("leaders select name append visits")
                .hasPrefix("'append' needs 1 field, like the rows before it, but 'visits' has 7 | help: select the fields in a 'let' first, in this order: name"))
        #expect(
            message("range(2) append leaders")
                .hasPrefix("'append' needs 1 field, like the rows before it, but 'leaders' has 7"))
        #expect(
            message("let names = leaders select name\nrange(2) append names")
                == "field 1 of 'names', 'name', is a string, but 'value' before it is an integer | help: fields are appended by position; convert one with to_string, to_integer, to_float or to_date")
        #expect(message("range(2) append nowhere").hasPrefix("unknown table 'nowhere'"))
    }

    @Test func intersectAndExceptKeepDistinctRowsInTheirOrder() throws {
        let script = "let some = [{v: 3}, {v: null}, {v: 1.0}, {v: 9}]\n[{v: 1}, {v: 3}, {v: 1}, {v: null}, {v: 2}, {v: 3}, {v: 5}]"
        #expect(try rows(script + " intersect some") == [[.float(1)], [.float(3)], [.null]])
        #expect(try rows(script + " except some") == [[.float(2)], [.float(5)]])
        #expect(try rows("range(4) append range(2, 6) distinct count") == [[.integer(6)]])  // SQL's UNION
        #expect(try rows("range(3) except range(0)") == [[.integer(0)], [.integer(1)], [.integer(2)]])
        #expect(message("range(3) intersect leaders").hasPrefix("'intersect' needs 1 field"))
    }

    @Test func appendIsExplainedAndPrinted() throws {
        let explained = try Session().run("explain range(2) append range(3)").last?.rows ?? []
        #expect(explained.map { $0[1] } == [.string("read range(0, 2)"), .string("append range(3)")])
        let parsed = Parser.parse(SourceFile(name: "p", text: "range(2) append halves(3) except range(1) intersect x count"))
        guard case .query(let query)? = parsed.script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == "range(2) append halves(3) except range(1) intersect x count")
    }
}

/// `append (QUERY)`, `intersect (QUERY)`, `except (QUERY)`: a query in parentheses as the operand,
/// the same as a `let` of it.
@Suite struct OperandQueryTests {
    private func rows(_ text: String) throws -> [[Value]] {
        try Session().run(text).last?.rows ?? []
    }

    @Test func aQueryInParenthesesIsAnOperandAsItsLetWouldBe() throws {
        for (clause, expected) in [("append", 5), ("intersect", 1), ("except", 2)] {
            let inline = try rows("range(3) \(clause) (range(1, 5) where value % 2 = 1 select value) count")
            let viaLet = try rows("let odd = range(1, 5) where value % 2 = 1 select value\nrange(3) \(clause) odd count")
            #expect(inline == viaLet, "\(clause)")
            #expect(inline == [[.integer(expected)]], "\(clause)")
        }
        // Nested, over lines, and with a join inside.
        #expect(
            try rows(
                """
                range(1) select value append (
                    range(5) except (range(2, 9) select value)
                ) order by value
                """) == [[.integer(0)], [.integer(0)], [.integer(1)]])
        let later = try rows("visits where year > 2010 select visitor")
        let joined = try rows(#"visits join leaders on visitor = leaders.name where leaders.country = "Israel" select visitor"#)
        #expect(!joined.isEmpty)
        #expect(
            try rows(#"visits where year > 2010 select visitor append (visits join leaders on visitor = leaders.name where leaders.country = "Israel" select visitor)"#)
                == later + joined)
    }

    @Test func itsMistakesAreNamed() {
        #expect(Session.messages(running: "range(3) append (range(2) save \"x.csv\")").contains("'save \"x.csv\"' cannot end the query in parentheses after 'append'"))
        #expect(Session.messages(running: "range(3) except (range(2) chart bar)").contains("cannot end the query in parentheses after 'except'"))
        #expect(Session.messages(running: "range(3) append (visits select visitor, year)").contains("'append' needs 1 field, like the rows before it, but '(visits select visitor, year)' has 2"))
        #expect(Session.messages(running: "range(3) append (range(2)").contains("expected ')' to close '('"))
        #expect(Session.messages(running: "range(3) intersect (nothing)").contains("unknown table 'nothing'"))
    }

    @Test func printedItParsesAgain() throws {
        let text = "range(3) append (range(2) where (value > 0)) intersect (range(9) select value) except (x as y limit 1)"
        guard case .query(let query)? = Parser.parse(SourceFile(name: "p", text: text)).script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == text)
        let explained = try Session().run("explain range(2) append (range(3) where value > 0)").last?.rows ?? []
        #expect(explained.map { $0[1] }.last == .string("append (range(3) where value > 0)"), "\(explained)")
    }
}
