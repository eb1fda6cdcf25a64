// Inline tables: a few rows written in the query, `[{code: 1, name: "one"}, …]`, as a query's
// source (and, through `let`, wherever a table goes). In the databases they are SQL's VALUES,
// compared with Byline's engine by DifferentialTests.FunctionDialectTests.
import Testing
import TestSupport

@testable import Byline

@Suite struct InlineTableTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    @Test func rowsAreATableInTheirOrder() throws {
        let result = try Session().run(#"[{code: 2, name: "two"}, {code: 1, name: null}, {code: 3.5, name: lower("XY")},] where code > 1"#).last
        #expect(result?.fields.map(\.name) == ["code", "name"])
        #expect(result?.fields.map(\.type) == [.float, .string])
        #expect(result?.rows == [[.float(2), .string("two")], [.float(3.5), .string("xy")]])
    }

    @Test func aLetOfRowsJoinsAndAppends() throws {
        let session = Session()
        session.parameters = ["c": .string("Israel")]
        let result = try session.run(
            """
            let regions = [
              {country: "Kazakhstan", region: "Central Asia"},
              {country: $c, region: upper("middle east")}
            ]
            countries join regions on name = regions.country select name, regions.region order by name
            """).last
        #expect(result?.rows == [[.string("Israel"), .string("MIDDLE EAST")], [.string("Kazakhstan"), .string("Central Asia")]])
        #expect(try Session().run("let seven = [{v: 7}]; range(2) append seven count").last?.rows == [[.integer(3)]])
        let joined = try Session().run(#"leaders join [{t: "President", rank: 1}, {t: "Prime Minister", rank: 2}] as r on title = r.t select name, rank order by rank, name limit 2"#).last
        #expect(joined?.rows == [[.string("Felix Tshisekedi"), .integer(1)], [.string("Mikhael Mirilashvili"), .integer(1)]])
        #expect(try Session().run("range(3) append [{v: 7}, {v: 1}] except [{v: 0}] intersect [{v: 7}, {v: 2}]").last?.rows == [[.integer(2)], [.integer(7)]])
        // A function of constants is a constant, a null result too (with its type).
        let nulls = try Session().run(#"[{a: ln(-5), b: to_integer("x"), c: sqrt(4)}]"#).last
        #expect(nulls?.rows == [[.null, .null, .float(2)]])
        #expect(nulls?.fields.map(\.type) == [.float, .integer, .float])
    }

    @Test func mistakesAreNamed() {
        #expect(
            message(#"[{a: 1, b: 2}, {b: 2, a: 1}]"#)
                == "every row of an inline table must name the fields of the first, in its order: a, b | help: this row names b, a; write null for a value it does not have")
        #expect(message(#"[{a: 1}, {a: "x"}]"#) == "the values of 'a' must have one type, but '\"x\"' is a string, after an integer | help: convert it with to_string, to_integer, to_float or to_date")
        #expect(message(#"[{a: 1, a: 2}]"#).hasPrefix("'a' is named twice"))
        #expect(message(#"[{a: x}]"#).hasPrefix("unknown field 'x' in 'rows'"))
        #expect(message(#"[{a: 1 + 1}]"#).hasPrefix("a value of an inline table must be a constant"))
        #expect(message(#"[{a 1}]"#).hasPrefix("expected ':' after the field name 'a', found a number"))
        #expect(message(#"[{a: 1]"#).hasPrefix("expected '}' to close the row opened at 1:2, found ']'"))
    }

    @Test func printedRowsParseAgain() throws {
        let text = #"[{a: 1, b: "x"}, {a: (-2), b: null}] where (a > 0) append [{c: 1, d: "y"}] except [{e: 2, f: "z"}] left join [{g: 1}] as x on (x.g = a) count"#
        guard case .query(let query)? = Parser.parse(SourceFile(name: "p", text: text)).script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == text)
    }
}
