// Parser: syntax trees, statement boundaries, recovery, incomplete input and nesting limits.
import Testing

@testable import Byline

@Suite struct ParserTests {
    private func parse(_ text: String) -> Parser.Output {
        Parser.parse(SourceFile(name: "t", text: text))
    }

    private func messages(_ text: String) -> [String] {
        parse(text).diagnostics.map { "\($0.span!.start): \($0.message)" }
    }

    @Test func queryWithEveryClause() throws {
        let output = parse(#"leaders where country = "Congo" select name, title as t order by name desc, t limit 2 count"#)
        #expect(output.diagnostics.isEmpty)
        let statement = try #require(output.script.statements.first)
        guard case .query(let query) = statement.kind else {
            Issue.record("expected a query")
            return
        }
        #expect(query.source.text == "leaders")
        #expect(query.clauses.count == 5)
        guard case .select(let items) = query.clauses[1].kind, case .orderBy(let order) = query.clauses[2].kind else {
            Issue.record("expected select then order by")
            return
        }
        #expect(items.map { $0.alias?.text } == [nil, "t"])
        #expect(order.map(\.descending) == [true, false])
        #expect(query.clauses[4].kind == .count)
    }

    @Test func precedenceFollowsTheGrammar() throws {
        let output = parse("t where a = 1 or b = 2 and not c = 3")
        guard case .query(let query) = output.script.statements[0].kind,
            case .filter(let condition) = query.clauses[0].kind,
            case .binary(.or, _, let right) = condition.kind,
            case .binary(.and, _, let negation) = right.kind,
            case .not(let inner) = negation.kind,
            case .binary(.equal, _, _) = inner.kind
        else {
            Issue.record("wrong tree: \(output.script)")
            return
        }
    }

    @Test func arithmeticBindsTighterThanComparison() {
        let output = parse("t where a + 2 * 3 > -4")
        guard case .query(let query) = output.script.statements[0].kind,
            case .filter(let condition) = query.clauses[0].kind,
            case .binary(.greater, let left, let right) = condition.kind,
            case .binary(.add, _, let product) = left.kind,
            case .binary(.multiply, _, _) = product.kind
        else {
            Issue.record("wrong tree")
            return
        }
        #expect(right.kind == .literal(.integer(-4)))
    }

    @Test(arguments: [
        ("leaders\nwhere status = \"current\"\nselect name", 1),
        ("leaders\nleaders", 2),
        ("leaders; visits; countries", 3),
        ("leaders where status =\n\"current\"", 1),
        ("leaders where status in [\n\"current\",\n\"former\"\n]", 1),
        ("let a = leaders\na count", 2),
        (".tables\nleaders\n.mode json", 3),
        ("# only a comment\n\n", 0),
    ])
    func statementBoundaries(_ text: String, _ count: Int) {
        let output = parse(text)
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
        #expect(output.script.statements.count == count)
    }

    @Test func recoversAtStatementBoundariesAndReportsEveryError() {
        let text = """
            leaders where = 1
            visits where (year = 1
            countries select name,
            leaders limit 1
            sentences where id = = 2
            """
        #expect(
            messages(text) == [
                "1:15: expected an expression, found '='",
                "3:1: expected ')' to close '(' at 2:14, found 'countries'",
                "5:22: expected an expression, found '='",
            ])
        #expect(parse(text).script.statements.count == 1)
    }

    @Test func aClauseKeywordAtTheEndOfALineContinuesOnTheNext() {
        // `where` needs an operand, so the next line's first word is that operand.
        #expect(messages("leaders where\nname = \"x\"").isEmpty)
        #expect(parse("leaders where\nname = \"x\"").script.statements.count == 1)
    }

    @Test func continuationLinesAfterAnErrorDoNotCascade() {
        let text = "leaders where name ==\n  where x\nselect name\nvisits count"
        #expect(messages(text) == ["2:3: expected an expression, found 'where'"])
        #expect(parse(text).script.statements.count == 1)
    }

    @Test(arguments: [
        ("leaders where", true),
        ("leaders where (status = \"x\"", true),
        ("leaders where status = \"open", true),
        ("leaders where status in [\"a\",", true),
        ("leaders select name,", true),
        ("leaders where a and", true),
        ("let x =", true),
        ("visits select case when year > 2000 then \"late\"", true),
        ("visits select case year when 2000 then", true),
        ("visits where year between 2000 and", true),
        ("[{a: 1},", true),
        ("leaders", false),
        ("leaders where )", false),
        ("leaders where status = 'x' foo", false),
    ])
    func incompleteInput(_ text: String, _ incomplete: Bool) {
        #expect(parse(text).isIncomplete == incomplete)
    }

    @Test func nestingIsCapped() {
        let deep = "t where " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(messages(deep).first?.hasSuffix("expression nests more than 128 levels deep") == true)
        let nots = "t where " + String(repeating: "not ", count: 5000) + "true"
        #expect(messages(nots).count == 1)
        let minus = "t select " + String(repeating: "-", count: 5000) + "1"
        #expect(messages(minus).count == 1)
    }

    @Test func keywordAsNameGetsHelp() {
        let output = parse("leaders select order")
        #expect(output.diagnostics.first?.help == "'order' is a keyword; write `order` to use it as a field name")
    }

    @Test func misspeltClauseGetsSuggestion() {
        let output = parse("leaders wher status = 'x'")
        #expect(output.diagnostics.first?.message == "expected a clause or the end of the statement, found 'wher'")
        #expect(output.diagnostics.first?.help == "did you mean 'where'?")
    }
}

@Suite struct ParserLanguageTests {
    private func parse(_ text: String) -> Parser.Output {
        Parser.parse(SourceFile(name: "t", text: text))
    }

    @Test func newClausesParse() throws {
        let output = parse("visits left join leaders as l on visitor = l.name group by l.country select count(distinct visitor) distinct limit 2 offset 1")
        #expect(output.diagnostics.isEmpty)
        guard case .query(let query) = output.script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        guard case .join(let join) = query.clauses[0].kind else {
            Issue.record("no join")
            return
        }
        #expect(join.isLeft)
        #expect(join.alias?.text == "l")
        guard case .binary(.equal, let left, let right) = join.condition.kind else {
            Issue.record("join condition is not an equality")
            return
        }
        #expect(left.kind == .field("visitor"))
        #expect(right.kind == .qualifiedField("l", "name"))
        guard case .groupBy(let keys) = query.clauses[1].kind, case .select(let items) = query.clauses[2].kind else {
            Issue.record("no group by / select")
            return
        }
        #expect(keys.count == 1)
        guard case .call("count", let arguments, distinct: true) = items[0].expression.kind else {
            Issue.record("no count(distinct)")
            return
        }
        #expect(arguments.count == 1)
        #expect(query.clauses[3].kind == .distinct)
        guard case .limit(_, let offset) = query.clauses[4].kind else {
            Issue.record("no limit")
            return
        }
        #expect(offset != nil)
    }

    @Test func definitionsAndExplain() {
        let output = parse("def f(a, b) = leaders limit 1\nexplain f(1, 2) count")
        #expect(output.diagnostics.isEmpty)
        guard case .definition(let name, let parameters, _) = output.script.statements[0].kind,
            case .explain(let query, analyze: false) = output.script.statements[1].kind
        else {
            Issue.record("wrong statements")
            return
        }
        #expect(name.text == "f")
        #expect(parameters.map(\.text) == ["a", "b"])
        #expect(query.arguments?.count == 2)
    }

    @Test func twoWordOperators() {
        #expect(parse("t where a starts with 'x' or b ends with 'y' or c matches 'z' or d =~ 'w'").diagnostics.isEmpty)
        #expect(parse("t where a starts 'x'").diagnostics.first?.message == "expected 'with' after 'starts', found a string")
    }
}
