// The function catalogue and the functions in it, `case when`, `between`, and the answer to
// SQL's `like`. Each function is declared once (Functions/); these tests check what the one
// declaration gives the binder, the engine and help. SQL spellings are compared with the engine
// in both databases by DifferentialTests.FunctionDialectTests.
import Testing
import TestSupport

@testable import Byline

@Suite struct FunctionTests {
    private func value(_ expression: String, over source: String = "range(1)") throws -> Value {
        try Session().run("\(source) select \(expression) as x").last?.rows.first?.first ?? .null
    }

    private func message(_ text: String) -> String { Session.messages(running: text) }

    // MARK: - The catalogue

    @Test func everyFunctionIsDeclaredOnceWithHelpThatRuns() throws {
        let keys = ScalarFunction.all.map(\.key)
        #expect(Set(keys).count == keys.count, "a function is declared twice: \(keys)")
        for function in ScalarFunction.all where function.isCallable {
            #expect(!function.summary.isEmpty, "\(function.name) has no summary")
            #expect(function.example.contains(function.name + "("), "\(function.name)'s example does not call it")
            #expect(throws: Never.self, "the example of \(function.name) fails") { try Session().run(function.example) }
        }
        #expect(BuiltinFunctions.scalar == ScalarFunction.all.filter(\.isCallable).map(\.name).sorted())
        for name in ["floor", "sqrt", "replace", "split", "concat", "to_integer", "to_date", "div", "pi"] {
            #expect(BuiltinFunctions.scalar.contains(name))
        }
    }

    @Test func signaturesAreWrittenFromTheParameters() {
        #expect(ScalarFunction.substr.signature == "substr(string, start[, length])")
        #expect(ScalarFunction.coalesce.signature == "coalesce(value, ...)")
        #expect(ScalarFunction.round.signature == "round(number[, digits])")
        #expect(ScalarFunction.length.signature == "length(string or list)")
        #expect(ScalarFunction.equalIgnoringCase.signature == "string =~ string")
        #expect(ScalarFunction.pi.signature == "pi()")
        #expect(ScalarFunction.concat.signature == "concat(string, ...)")
        #expect(BuiltinFunctions.help(for: "REPLACE")?.signature == "replace(string, from, to)")
        #expect(BuiltinFunctions.help(for: "nope") == nil)
    }

    @Test func argumentsAreCheckedFromTheDeclaration() {
        #expect(message("range(1) select pi(1)") == "'pi' takes 0 arguments, but 1 was given | help: usage: pi()")
        #expect(
            message("leaders select concat(name, 1)")
                == "argument 2 of 'concat' must be a string, but '1' is an integer | help: usage: concat(string, ...)")
        #expect(message("events select to_integer(date)").hasPrefix("argument 1 of 'to_integer' must be a string, number or bool"))
        #expect(message("range(1) select div(1, 2.0)").hasPrefix("argument 2 of 'div' must be an integer"))
    }

    // MARK: - Math

    @Test(arguments: [
        ("floor(2.5)", Value.float(2)), ("floor(-2.5)", .float(-3)), ("floor(7)", .integer(7)),
        ("ceil(2.1)", .float(3)), ("ceil(-2.1)", .float(-2)), ("ceil(-3)", .integer(-3)),
        ("trunc(-2.7)", .float(-2)), ("trunc(2.7)", .float(2)), ("trunc(5)", .integer(5)),
        ("sqrt(16)", .float(4)), ("sqrt(-1)", .null), ("sqrt(null)", .null),
        ("pow(2, 10)", .float(1024)), ("pow(2.0, -1)", .float(0.5)), ("pow(-8, 0.5)", .null), ("pow(0, -1)", .float(.infinity)),
        ("exp(0)", .float(1)), ("ln(1)", .float(0)), ("ln(0)", .null), ("ln(-1)", .null), ("log10(1000)", .float(3)),
        ("log10(0)", .null), ("sign(-5)", .integer(-1)), ("sign(0.0)", .integer(0)), ("sign(2.5)", .integer(1)),
        ("pi()", .float(Double.pi)), ("div(7, 2)", .integer(3)), ("div(-7, 2)", .integer(-3)), ("div(7, 0)", .null),
        ("div(-7, 2) * 2 + -7 % 2", .integer(-7)),
    ])
    func mathFunctions(_ expression: String, _ expected: Value) throws {
        #expect(try value(expression) == expected, "\(expression)")
    }

    @Test func integerDivisionOverflowIsAnErrorNotATrap() {
        #expect(message("range(1) select div(-9223372036854775807 - 1, -1)").contains("integer overflow"))
        #expect(message("range(-1, 0) select div(value - 9223372036854775807, -1) as x").contains("integer overflow"))
    }

    // MARK: - Text

    @Test(arguments: [
        ("ltrim(\"  a b  \")", Value.string("a b  ")), ("rtrim(\"  a b  \")", .string("  a b")), ("ltrim(\" \")", .string("")),
        ("replace(\"a-b-c\", \"-\", \"+\")", .string("a+b+c")), ("replace(\"aaa\", \"aa\", \"b\")", .string("ba")),
        ("replace(\"abc\", \"\", \"x\")", .string("abc")), ("replace(\"Abc\", \"a\", \"x\")", .string("Abc")),
        ("split(\"a,b,,c\", \",\")", .list([.string("a"), .string("b"), .string(""), .string("c")])),
        ("split(\"\", \",\")", .list([.string("")])), ("split(\"ab\", \"\")", .list([.string("a"), .string("b")])),
        ("left(\"héllo\", 2)", .string("hé")), ("left(\"hello\", -2)", .string("hel")), ("left(\"hi\", 9)", .string("hi")),
        ("right(\"hello\", 2)", .string("lo")), ("right(\"hello\", -2)", .string("llo")),
        ("left(\"hi\", -9223372036854775807 - 1)", .string("")),
        ("concat(\"a\", null, \"b\")", .string("ab")), ("concat(null)", .string("")), ("concat(\"x\")", .string("x")),
    ])
    func textFunctions(_ expression: String, _ expected: Value) throws {
        #expect(try value(expression) == expected, "\(expression)")
    }

    // MARK: - Conversions

    @Test(arguments: [
        ("to_integer(\" 42 \")", Value.integer(42)), ("to_integer(\"+7\")", .integer(7)), ("to_integer(\"4.5\")", .null),
        ("to_integer(\"x\")", .null), ("to_integer(\"99999999999999999999\")", .null), ("to_integer(2.5)", .integer(3)),
        ("to_integer(-2.5)", .integer(-3)), ("to_integer(2.4)", .integer(2)), ("to_integer(1e19)", .null), ("to_integer(true)", .integer(1)),
        ("to_float(\"2.5e3\")", .float(2500)), ("to_float(\".5\")", .float(0.5)), ("to_float(\"1e400\")", .null), ("to_float(\"inf\")", .null),
        ("to_float(\"0x10\")", .null), ("to_float(3)", .float(3)), ("to_float(false)", .float(0)),
        ("to_string(3)", .string("3")), ("to_string(3.0)", .string("3.0")), ("to_string(true)", .string("true")),
        ("to_string(\"s\")", .string("s")), ("to_date(\"2016-03\")", .date(PartialDate(year: 2016, month: 3))),
        ("to_date(\"2015-02-29\")", .null), ("to_date(\"2016-02-29\")", .date(PartialDate(year: 2016, month: 2, day: 29))),
        ("to_date(\"--06-09\")", .date(PartialDate(month: 6, day: 9))), ("to_date(\"March\")", .null),
        ("year(to_date(\" 2016-03-09 \"))", .integer(2016)),
    ])
    func conversions(_ expression: String, _ expected: Value) throws {
        #expect(try value(expression) == expected, "\(expression)")
    }

    @Test func toStringOfADateIsItsText() throws {
        #expect(try value("to_string(date)", over: "events where date = \"--06-09\"") == .string("--06-09"))
    }

    // MARK: - case when, between, like

    @Test func caseWhenTakesTheFirstTrueCondition() throws {
        let rows = try Session().run(
            "range(-1, 3) select case when value < 0 then \"negative\" when value = 0 then \"zero\" else \"positive\" end as s"
        ).last?.rows ?? []
        #expect(rows == [[.string("negative")], [.string("zero")], [.string("positive")], [.string("positive")]])
        #expect(try value("case when null then 1 else 2 end") == .integer(2))
        #expect(try value("case when false then 1 end") == .null)
        #expect(try value("case when true then 1 else 2.5 end") == .float(1))
        // A value whose condition is not chosen is never computed.
        #expect(try value("case when value > 0 then value + 9223372036854775807 else 0 end", over: "range(1)") == .integer(0))
    }

    @Test func simpleCaseComparesItsOperandWithEachValue() throws {
        let rows = try Session().run(
            "range(-1, 3) select case value when 0 then \"zero\" when 1 then \"one\" when 1 then \"again\" else \"other\" end as s"
        ).last?.rows ?? []
        #expect(rows == [[.string("other")], [.string("zero")], [.string("one")], [.string("other")]])
        // A null operand equals no value (SQL's simple CASE), not even a null one.
        #expect(try value("case null when null then 1 else 2 end") == .integer(2))
        #expect(try value("case to_integer(\"x\") when 0 then 1 end") == .null)
        #expect(try value("case \"a\" + \"\" when \"a\" then 1.5 else 2 end") == .float(1.5))
        // The operand may be any expression, even in parentheses or a case of its own.
        #expect(try value("case (value + 1) * 2 when 2 then \"two\" end") == .string("two"))
        #expect(try value("case case value when 0 then 5 end when 5 then \"five\" end") == .string("five"))
        // Over lines, in a group's select.
        let grouped = try Session().run(
            """
            visits group by status
              select status, case count()
                when 1 then "once"
                else "more" end as amount
              order by status limit 1
            """
        ).last?.rows ?? []
        #expect(grouped.count == 1)
        // `case` stays a field name where no operand and `when` follow it.
        #expect(try Session().run("[{case: 1, x: 2}] select case, case + x as y where case = 1 order by case").last?.rows == [[.integer(1), .integer(3)]])
        // Mistakes are named as for the searched form.
        #expect(Session.messages(running: "range(1) select case value when \"x\" then 1 end").contains("cannot compare 'value' (integer) with '\"x\"' (string)"))
        #expect(Session.messages(running: "range(1) select case value when 1 then 2").contains("expected 'end' to close 'case' at 1:17"))
        #expect(Session.messages(running: "range(1) select case value when 1 else 2 end").contains("expected 'then' after the value of 'when'"))
        #expect(Session.messages(running: "range(1) select case value when 1 then 2 else \"x\" end").contains("the values of 'case' must have one type"))
    }

    @Test func caseWhenWorksInGroupsAndOverLines() throws {
        let rows = try Session().run(
            """
            visits group by status
              select status, case when count() > 3
                then "many"
                else "few" end as amount
              order by status
            """
        ).last?.rows ?? []
        #expect(rows == [[.string("completed"), .string("many")], [.string("planned"), .string("few")]])
        // `case`, `when` and `end` stay field names.
        #expect(try Session().run("events where when = \"June 9\" select when").last?.rows == [[.string("June 9")]])
    }

    @Test func caseWhenMistakes() {
        #expect(message("range(1) select case when value then 1 end").hasPrefix("a 'when' condition must be a bool"))
        #expect(message("range(1) select case when true 1 end").hasPrefix("expected 'then' after the condition of 'when', found a number"))
        #expect(message("range(1) select case when true then 1 else \"a\" end").hasPrefix("the values of 'case' must have one type"))
    }

    @Test func betweenIsBothBoundsInclusive() throws {
        let rows = try Session().run("range(6) where value between 2 and 4 select value").last?.rows ?? []
        #expect(rows == [[.integer(2)], [.integer(3)], [.integer(4)]])
        let outside = try Session().run("range(6) where value not between 2 and 4 select value").last?.rows ?? []
        #expect(outside == [[.integer(0)], [.integer(1)], [.integer(5)]])
        #expect(try value("null between 1 and 2") == .bool(false))
        #expect(try value("2 between 1 and null") == .bool(false))
        #expect(try value("\"b\" between \"a\" and \"c\"") == .bool(true))
        #expect(message("range(1) select value between \"a\" and 2").hasPrefix("cannot compare"))
    }

    @Test(arguments: [
        ("leaders where name like \"%Net%\"", "write: name contains \"Net\""),
        ("leaders where name like \"Net%\"", "write: name starts with \"Net\""),
        ("leaders where name like \"%yahu\"", "write: name ends with \"yahu\""),
        ("leaders where name not like \"N_t%\"", "write: not (name matches \"N.t.*\")"),
        ("leaders where name like title", "x contains \"part\" (any case)"),
    ])
    func likeSaysWhatToWrite(_ query: String, _ help: String) {
        let text = message(query)
        #expect(text.hasPrefix("there is no 'like' in Byline: write contains, starts with, ends with or matches"))
        #expect(text.contains(help), "\(text)")
    }

    /// SQL an outside trial wrote first, each answered with what Byline writes instead (the
    /// messages had been "expected ')'", "unexpected character '|'" twice, "expected a clause").
    @Test(arguments: [
        ("visits select visitor || destination", "there is no '||' in Byline", "write a + b, or concat(a, b, …)"),
        ("visits select count(*)", "there is no '*' in Byline: count() counts rows", "write count() for the rows"),
        ("visits select cast(year as varchar)", "there is no cast in Byline", "write: to_string(year)"),
        ("visits select cast(year * 2 as integer)", "there is no cast in Byline", "write: to_integer(year * 2)"),
        ("visits select cast(year as blob)", "there is no cast in Byline", "to_integer(x), to_float(x), to_string(x)"),
        ("visits select extract(month from to_date(\"2016-05-01\"))", "there is no extract in Byline", "write: month(to_date(\"2016-05-01\"))"),
        ("visits select extract(dow from year)", "there is no extract in Byline", "write: weekday(year)"),
        ("visits group by visitor select visitor, count() as n having n > 1", "there is no 'having' in Byline", "count() as n where n > 1"),
        ("visits select split(visitor, \" \")[1]", "values cannot be indexed", "split_part(text, separator, n)"),
        ("visits join (leaders where country = \"Congo\") as l on visitor = l.name", "a join takes a table's name", "'let NAME = QUERY'"),
        ("visits where year > (visits select avg(year))", "a query cannot be used inside an expression", "avg(x) over ()"),
        ("visits where year in (SELECT year FROM visits)", "a query cannot be used inside an expression", "intersect (QUERY)"),
        ("visits where not exists (leaders where name = visitor)", "a query cannot be used inside an expression", "except (QUERY)"),
        ("visits where not exists(leaders)", "a query cannot be used inside an expression", "except (QUERY)"),
    ])
    func sqlHabitsSayWhatToWrite(_ query: String, _ text: String, _ help: String) {
        let answer = message(query)
        #expect(answer.hasPrefix(text), "\(answer)")
        #expect(answer.contains(help), "\(answer)")
        // One error, not one per character or a second about what follows.
        #expect(answer.components(separatedBy: "\n").count <= 2, "\(answer)")
    }

    @Test func bracketsAroundAnExpressionAreStillAnExpression() throws {
        #expect(try Session().run("visits where (year > 2000) and (visitor in [\"x\", visitor]) select (year + 1) * 2 as y limit 1").last?.rows.count == 1)
        #expect(try value("(value + 1) * 2") == .integer(2))
        #expect(try value("(value) in [0, 1]") == .bool(true))
    }

    @Test func splitPartIsOnePartOfSplit() throws {
        #expect(try value("split_part(\"a-b--c\", \"-\", 1)") == .string("a"))
        #expect(try value("split_part(\"a-b--c\", \"-\", 3)") == .string(""))
        #expect(try value("split_part(\"a-b--c\", \"-\", -1)") == .string("c"))
        #expect(try value("split_part(\"a-b--c\", \"-\", -4)") == .string("a"))
        #expect(try value("split_part(\"a-b--c\", \"-\", 5)") == .string(""))
        #expect(try value("split_part(\"a-b--c\", \"-\", 0)") == .string(""))
        #expect(try value("split_part(\"a-b--c\", \"-\", -9223372036854775807 - 1)") == .string(""))
        #expect(try value("split_part(\"héllo\", \"\", 2)") == .string("é"))
        #expect(try value("split_part(null, \"-\", 1)") == .null)
        #expect(try value("split_part(\"ab\", \"-\", 1)") == .string("ab"))
    }
}
