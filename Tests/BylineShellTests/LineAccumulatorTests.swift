// Line accumulation and what history records, without a terminal.
import Testing

@testable import BylineShell

@Suite struct LineAccumulatorTests {
    private func feed(_ lines: [String]) -> [String?] {
        var accumulator = LineAccumulator()
        return lines.map { line in
            let statement = accumulator.add(line)
            if statement != nil { accumulator = LineAccumulator() }
            return statement
        }
    }

    @Test(arguments: [
        (["leaders"], ["leaders"]),
        (["leaders where", "status = 'x'"], [nil, "leaders where\nstatus = 'x'"]),
        (["leaders where (", "status = 'x'", ")"], [nil, nil, "leaders where (\nstatus = 'x'\n)"]),
        (["leaders where name = \"open", "string\""], [nil, "leaders where name = \"open\nstring\""]),
        (["leaders select name,", "title"], [nil, "leaders select name,\ntitle"]),
        (["leaders where a and", "b"], [nil, "leaders where a and\nb"]),
        (["", "   ", "visits"], [nil, nil, "visits"]),
        ([".tables"], [".tables"]),
        (["leaders where )"], ["leaders where )"]),  // an error, not more input: it runs and reports
        // Found in the tmux trial: SQL's like at the end of a line waited for more lines.
        (["leaders where name like \"Net%\""], ["leaders where name like \"Net%\""]),
        (["leaders where", "name not like \"%yahu\""], [nil, "leaders where\nname not like \"%yahu\""]),
    ])
    func statementsCompleteWhenTheParserSaysSo(_ lines: [String], _ expected: [String?]) {
        #expect(feed(lines) == expected)
    }

    @Test(arguments: [
        ("leaders", true), ("", false), ("   ", false), (".read x.byl", false), (".re x.byl", false),
        (".READ x", false), (".tables", true), (".mode json", true),
    ])
    func historyRecords(_ statement: String, _ recorded: Bool) {
        #expect(LineAccumulator.shouldRecord(statement) == recorded)
    }
}
