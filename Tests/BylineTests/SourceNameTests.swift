// The name a query's source qualifies its fields by: `as` on the source (a self-join), and a
// `let` name for its own fields.
import Testing
import TestSupport

@testable import Byline

@Suite struct SourceNameTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    static let staff = "let staff = [{id: 1, name: \"Ada\", manager: null}, {id: 2, name: \"Bo\", manager: 1}, {id: 3, name: \"Cy\", manager: 1}, {id: 4, name: \"Di\", manager: 2}]\n"

    @Test func aSourceTakesAnAsName() throws {
        let result = try Session().run(Self.staff + "staff as e join staff as m on e.manager = m.id select e.name, m.name as boss").last
        #expect(result?.rows == [["Bo", "Ada"], ["Cy", "Ada"], ["Di", "Bo"]].map { $0.map(Value.string) })
        #expect(result?.fields.map(\.name) == ["e.name", "boss"])
        // A left self-join keeps the rows without a manager.
        let left = try Session().run(Self.staff + "staff as e left join staff as m on e.manager = m.id select e.name, m.name as boss limit 1").last
        #expect(left?.rows == [[.string("Ada"), .null]])
        // The table's own name no longer qualifies its fields once it has another.
        #expect(message("leaders as l where leaders.name = \"x\"").hasPrefix("no table named 'leaders' in this query"))
        #expect(try Session().run("range(3) as r where r.value > 0 select r.value").last?.rows == [[.integer(1)], [.integer(2)]])
        #expect(try Session().run("[{a: 1}] as one select one.a").last?.rows == [[.integer(1)]])
    }

    @Test func aLetNameQualifiesItsOwnFields() throws {
        let session = Session()
        let result = try session.run(
            """
            let kz = leaders where country = "Kazakhstan"
            kz join leaders on kz.title = leaders.title where kz.name != leaders.name select kz.name, leaders.name as other order by kz.name, other
            """).last
        #expect(result?.rows.first?.count == 2)
        #expect(try session.run("let kz = leaders where country = \"Kazakhstan\"; kz select kz.name order by name limit 1").last?.rows == [[.string("Askar Mamin")]])
        // A let of a join keeps its tables' names, which tell its fields apart; `as` renames the rest.
        let joined = "let j = visits join leaders on visitor = leaders.name\n"
        #expect(try Session().run(joined + "j select visits.year, leaders.name limit 1").last?.rows.count == 1)
        #expect(try Session().run(joined + "j as v select v.year, v.visitor limit 1").last?.rows.count == 1)
    }

    @Test func printedAliasesParseAgain() throws {
        let text = "leaders as l join leaders as m on (l.country = m.country) select l.name"
        guard case .query(let query)? = Parser.parse(SourceFile(name: "p", text: text)).script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == text)
    }
}
