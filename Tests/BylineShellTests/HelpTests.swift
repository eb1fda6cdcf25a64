// Help that teaches: every clause, statement and command has a topic with an example that runs,
// from the lists that drive completion; the overview is sorted and wrapped whole at the width.
import Byline
import Testing

@testable import BylineShell

@Suite struct HelpTests {
    private func help(_ topic: String, width: Int? = nil) -> String {
        guard case .text(let text) = DotCommands.helpText(topic, tableNames: Session().tableNames, width: width) else {
            Issue.record("no help for \(topic)")
            return ""
        }
        return text
    }

    @Test func everyClauseOfTheLanguageHasATopic() {
        // The one list of clauses (completion and the parser use it) and the help's are the same.
        #expect(LanguageHelp.clauses.map(\.name) == Keyword.clauseForms)
        for form in Keyword.clauseForms { #expect(help(form).contains("e.g. "), "\(form)") }
    }

    @Test func everyExampleOfTheLanguageChecks() {
        let session = Session()
        for topic in LanguageHelp.all where topic.name != "load" {  // load needs its file
            let script = session.check(SourceFile(name: topic.name, text: topic.example))
            #expect(!script.hasErrors, "\(topic.name): \(topic.example): \(script.diagnostics)")
        }
    }

    @Test func everyCommandHasAnExampleOfItself() {
        for spec in DotCommands.all {
            #expect(spec.example.hasPrefix("." + spec.name), "\(spec.name)")
        }
    }

    @Test func topicsAnswerAsTheyAreTyped() {
        #expect(help("where") == "where COND\n    keep the rows where COND is true\n    e.g. leaders where country = \"Congo\"\n")
        #expect(help("order  BY").hasPrefix("order by EXPR [asc|desc], ...\n"))
        #expect(help(".help").hasPrefix(".help [NAME]\n"))
        #expect(help("load").contains("e.g. load \"data.csv\" as data"))
        #expect(help("join").contains("e.g. visits join leaders on visitor = leaders.name"))
    }

    @Test func theWordsSomeoneFromSQLAsksAboutFirstAreAnswered() {
        // Found in the tmux trial: `help functions` and `help like` said "no help".
        let functions = help("functions", width: 60)
        #expect(functions.hasPrefix("Functions (help NAME shows an example):\n"))
        for name in ["upper", "substr", "to_date"] { #expect(functions.contains("  \(name)("), "\(name)") }
        // Aggregates and window functions: the clause they are written in.
        #expect(help("median").hasPrefix("group by EXPR, ... select ...\n"))
        #expect(help("row_number").hasPrefix("F(...) over ("))
        for line in functions.split(separator: "\n") { #expect(line.count <= 60, "\(line)") }
        #expect(help("like").contains("there is no like in Byline"))
        #expect(help("like").contains(#"e.g. leaders where name contains "net""#))
        #expect(help("having").contains("a where after the group by keeps groups"))
        #expect(help("from").contains("a query starts with its table"))
        #expect(help("union").contains("append"))
        #expect(help("is null").hasPrefix("EXPR is [not] null\n"))
        #expect(help("conditions").contains("between"))
        for topic in ["like", "conditions"] {
            for line in help(topic, width: 60).split(separator: "\n") { #expect(line.count <= 60, "\(topic): \(line)") }
        }
        #expect(help("").contains("Conditions and SQL words: between, case, conditions, from, having, in, is null, like, union"))
        #expect(help("case").contains("case EXPR when VALUE then VALUE"))
    }

    @Test func theOverviewIsSortedAndWrappedWholeAt60Columns() {
        let wide = help("")
        let narrow = help("", width: 60)
        for line in narrow.split(separator: "\n") { #expect(line.count <= 60, "\(line)") }
        // No word is cut: the same words, in the same order.
        #expect(narrow.split(whereSeparator: \.isWhitespace) == wide.split(whereSeparator: \.isWhitespace))
        // Commands in alphabetical order.
        let commands = wide.split(separator: "\n").filter { $0.hasPrefix("  .") }.map { $0.dropFirst(3).prefix { $0 != " " } }
        #expect(commands == commands.sorted())
        #expect(commands.count == DotCommands.all.count)
        #expect(narrow.contains("Clauses: append, chart, cite, count, distinct, except, group\n  by"))
    }

    @Test func wrappingNeverCutsAWord() {
        #expect(HelpText.wrap("aaa bbb ccc", width: 9, indent: 2) == "  aaa bbb\n  ccc\n")
        #expect(HelpText.wrap("a verylongwordindeed b", width: 8, indent: 0) == "a\nverylongwordindeed\nb\n")
        #expect(HelpText.wrap("x y", width: nil, lead: "L: ", hanging: 2) == "L: x y\n")
    }
}
