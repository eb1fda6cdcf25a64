// Binder: names, types and entity names resolved before any row is read.
import Testing

@testable import Byline

@Suite struct BinderTests {
    private func check(_ text: String) -> [Diagnostic] {
        Session().check(SourceFile(name: "t", text: text)).diagnostics
    }

    private func firstError(_ text: String) -> String {
        guard let diagnostic = check(text).first(where: { $0.severity == .error }) else { return "no error" }
        return "\(diagnostic.span!.start): \(diagnostic.message)" + (diagnostic.help.map { " | \($0)" } ?? "")
    }

    @Test(arguments: [
        (#"leaders where contry = "Congo""#, "1:15: unknown field 'contry' in 'leaders' | did you mean 'country'?"),
        ("leader", "1:1: unknown table 'leader' | did you mean 'leaders'?"),
        ("zzzzzz", "1:1: unknown table 'zzzzzz' | available tables: attributions, countries, events, figures, leaders, mentions, organizations, places, relations, sentences, visits"),
        ("help", "1:1: unknown table 'help' | for help, write .help (or .help NAME, e.g. .help where)"),
        ("help where", "1:1: 'help where' is not a query | for help, write .help where"),
        ("help sum;", "1:1: 'help sum' is not a query | for help, write .help sum"),
        ("quit", "1:1: unknown table 'quit' | to stop, write .quit"),
        ("leaders where qqqqqq = 1", "1:15: unknown field 'qqqqqq' in 'leaders' | available fields: name, aliases, title, country, organization, status, source"),
        ("leaders where name = 3", "1:15: cannot compare 'name' (string) with '3' (integer) | quote the number to compare text, or compare with a numeric field"),
        ("leaders where name", "1:15: a 'where' condition must be a bool, but 'name' is a string | compare it with something, for example: name = \"...\""),
        ("visits where year contains \"20\"", "1:14: 'contains' needs strings, but 'year' is an integer"),
        ("countries where aliases contains \"Congo\"", "1:17: 'contains' needs strings, but 'aliases' is a list<string> | to test whether a list holds a value, write: VALUE in LIST"),
        ("visits where year in [\"a\"]", "1:14: cannot look for 'year' (integer) in a list of string"),
        ("visits where year in 2000", "1:22: 'in' needs a list on its right, but '2000' is an integer | write the choices in brackets: x in [\"a\", \"b\"]"),
        ("visits select visitor + 1", "1:15: '+' needs numbers, but 'visitor' is a string | '+' also joins two strings"),
        ("events where date > \"June\"", "1:21: 'June' is not a date | write dates as \"2016\", \"2016-03\", \"2016-03-09\", or without a year \"--03\" or \"--06-09\""),
        ("leaders limit 1.5", "1:15: 'limit' takes a whole number of rows, 0 or more | for example: limit 10"),
        ("leaders select name, name", "1:22: duplicate field name 'name' in 'select' | rename one with 'as'"),
        ("leaders select name as n where name = \"x\"", "1:32: unknown field 'name' in 'leaders' | available fields: n"),
        ("visits count select year", "1:21: unknown field 'year' in 'visits' | 'year' is a function, called with parentheses: year(...); available fields: count"),
        ("let leaders = visits", "1:5: 'leaders' is already a table | choose another name for the 'let'"),
        ("leaders select [1, \"a\"]", "1:20: list mixes integer and string values | every element of a list must have the same type"),
    ])
    func errors(_ text: String, _ expected: String) {
        #expect(firstError(text) == expected)
    }

    @Test func everyErrorOfAScriptIsReported() {
        let diagnostics = check("leaders where x = 1\nvisits where y = 2\ncountries select z")
        #expect(diagnostics.map { $0.span!.start.line } == [1, 2, 3])
    }

    @Test func aFailedLetDoesNotCascade() {
        let diagnostics = check("let k = leaders where nope = 1\nk count\nk select name")
        #expect(diagnostics.count == 1)
    }

    @Test func letNamesAreVisibleToLaterStatements() {
        let script = Session().check(SourceFile(name: "t", text: "let k = leaders select name as who\nk where who = \"x\""))
        #expect(script.diagnostics.isEmpty)
        #expect(script.statements.count == 2)
        #expect(script.statements[1].resultFields.map(\.name) == ["who"])
    }

    @Test func comparingWithNullWarns() {
        let diagnostics = check("leaders where organization = null")
        #expect(diagnostics.map(\.severity) == [.warning])
        #expect(diagnostics.first?.help == "test for null with 'is null' or 'is not null'")
    }

    @Test func selectNamesUnnamedExpressionsByTheirText() {
        let script = Session().check(SourceFile(name: "t", text: "visits select year + 1, visitor"))
        #expect(script.statements.first?.resultFields.map(\.name) == ["year + 1", "visitor"])
        #expect(script.statements.first?.resultFields.map(\.type) == [.integer, .string])
    }

    @Test func typesFollowTheArithmeticRules() {
        let script = Session().check(SourceFile(name: "t", text: "visits select year * 2 as a, year / 2 as b, year + 0.5 as c, year % 7 as d"))
        #expect(script.statements.first?.resultFields.map(\.type) == [.integer, .float, .float, .integer])
    }
}
