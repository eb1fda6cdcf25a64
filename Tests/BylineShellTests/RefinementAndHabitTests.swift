// A clause line refines the last query, never a definition; SQL and psql habits are met with
// what Byline writes instead.
import Byline
import Testing

@testable import BylineShell

@Suite struct RefinementTests {
    private let session = Session()
    private func refine(_ previous: String, _ clause: String) -> Refinement? {
        Refinement.of(previous, by: clause) { !session.check(SourceFile(name: "", text: $0)).hasErrors }
    }

    @Test func aClauseRefinesTheLastQuery() {
        #expect(refine("visits", "where year > 2000") == .query("visits where year > 2000"))
        #expect(refine("visits where year > 2000;", "count") == .query("visits where year > 2000 count"))
        #expect(refine("leaders; visits", "  count") == .query("visits count"))
    }

    @Test func afterALetTheClauseRefinesTheNameNeverRedefinesIt() {
        // Found in review: `count` became `let k = … count`, and k then held a count.
        #expect(refine(#"let k = leaders where country = "Kazakhstan""#, "count") == .query("k count"))
        #expect(refine("let `select` = visits", "limit 1") == .query("`select` limit 1"))
    }

    @Test func definitionsAndLoadsAreNotRefined() {
        #expect(refine("def double(x) = x * 2", "where x") == nil)
        #expect(refine(#"load "a.csv""#, "count") == nil)
    }

    @Test func afterCountTheShellSaysThatCountEndedTheQuery() {
        guard case .refused(let message) = refine("visits count", "where year > 2000") else {
            Issue.record("a refinement of a count that cannot check was not refused")
            return
        }
        #expect(message.text.contains("'count' ended the last query"))
        #expect(message.help == "to refine the rows, type the query again without count: visits …")
        // What checks is still a refinement.
        #expect(refine("visits count", "where count > 3") == .query("visits count where count > 3"))
    }
}

@Suite struct SQLHabitTests {
    private func explanation(_ line: String, refines: Bool = false) -> DiagnosticMessage? {
        guard case .explain(let message) = SQLHabits.advice(for: line, refines: refines) else { return nil }
        return message
    }

    @Test func selectFromIsAnsweredWithTheSameQueryInByline() {
        #expect(explanation("SELECT * FROM leaders;", refines: true)?.help == "write: leaders")
        #expect(
            explanation("select name, title from leaders where country = 'Congo' order by name limit 3")?.help
                == "write: leaders where country = 'Congo' select name, title order by name limit 3")
        #expect(explanation("select count(*) from visits where year > 2000")?.help == "write: visits where year > 2000 count")
        // More than the simple form: the rule, with an example.
        #expect(explanation("select a from t join u on t.x = u.x")?.help?.hasPrefix("for example: leaders") == true)
    }

    @Test func selectWithoutATableSaysHowToComputeAValue() {
        #expect(explanation("select 1 + 1")?.text == "a Byline query starts with a table, not with 'select'")
        // After a query, `select a, b` on its own refines it: Byline, not SQL.
        #expect(SQLHabits.advice(for: "select name", refines: true) == nil)
        #expect(SQLHabits.advice(for: "leaders select name", refines: false) == nil)
        #expect(SQLHabits.advice(for: "where name = 'select'", refines: true) == nil)
    }

    @Test func psqlCommandsRunTheirDotCommands() {
        #expect(SQLHabits.advice(for: "\\dt", refines: false) == .run(command: ".tables", note: "(\\dt is .tables in byline)"))
        #expect(SQLHabits.advice(for: "\\d", refines: false) == .run(command: ".tables", note: "(\\d is .tables in byline)"))
        #expect(SQLHabits.advice(for: "\\d leaders", refines: false) == .run(command: ".schema leaders", note: "(\\d is .schema in byline)"))
        #expect(SQLHabits.advice(for: "\\?", refines: false) == .run(command: ".help", note: "(\\? is .help in byline)"))
        #expect(explanation("\\lo_import x")?.text == "'\\lo_import' is psql's; Byline's commands start with a dot")
    }

    @Test func theSuggestedQueriesRun() {
        // The advice is Byline that checks.
        let session = Session()
        for query in ["leaders where country = 'Congo' select name, title order by name limit 3", "range(1) select 1 + 1 as answer"] {
            #expect(!session.check(SourceFile(name: "", text: query)).hasErrors, "\(query)")
        }
    }
}
