// The command line: inputs (-c, files, stdin), formats, error locations and exit statuses.
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
import TestSupport

@Suite struct CommandLineTests {
    @Test func congoPrintsOneRow() throws {
        let run = try BylineBinary.run(["-c", #"leaders where country = "Congo" select name, title"#])
        #expect(run.status == 0)
        #expect(run.stdout == " name             | title\n------------------+-----------\n Felix Tshisekedi | President\n(1 row)\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func kazakhLeaders() throws {
        let run = try BylineBinary.run(["-c", #"leaders where country = "Kazakhstan" select name order by name"#])
        #expect(run.stdout.split(separator: "\n").dropFirst(2).prefix(3) == ["Askar Mamin", "Kassym-Jomart Tokayev", "Nursultan Nazarbayev"].map { " " + $0 }[...])
    }

    @Test func countPrintsThree() throws {
        let run = try BylineBinary.run(["-c", #"visits where visitor = "Nursultan Nazarbayev" count"#, "--format", "csv"])
        #expect(run.stdout == "count\n3\n")
    }

    @Test func misspeltFieldExitsOneWithLocationAndSuggestion() throws {
        let run = try BylineBinary.run(["-c", #"leaders where contry = "Congo""#])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr == """
                <command>:1:15: error: unknown field 'contry' in 'leaders'
                leaders where contry = "Congo"
                              ^~~~~~
                help: did you mean 'country'?

                """)
    }

    @Test func stdinWithJSONFormatPrintsValidJSON() throws {
        let run = try BylineBinary.run(["--format", "json"], stdin: "leaders limit 1\nvisits limit 2\n")
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [[String: Any]]
        #expect(first?.first?["name"] as? String == "Askar Mamin")
        #expect(first?.first?["source"] as? [Int] == [1, 2, 11, 12])
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [[String: Any]]
        #expect(second?.count == 2)
    }

    @Test func stdinErrorsNameStdin() throws {
        let run = try BylineBinary.run([], stdin: "leaders\nleaders where 1 = \"a\"\n")
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("<stdin>:2:15: error: cannot compare '1' (integer) with '\"a\"' (string)"))
    }

    @Test func threadsTakesACountFromOneTo256() throws {
        let one = try BylineBinary.run(["--threads", "1", "--format", "csv", "-c", "range(200000) where value % 9 = 0 count"])
        #expect(one.status == 0)
        #expect(one.stdout == "count\n22223\n")
        let refused = try BylineBinary.run(["--threads", "0", "-c", "leaders count"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--threads takes a whole number from 1 to 256, not 0"))
    }

    @Test func missingFileIsAUsageError() throws {
        let run = try BylineBinary.run(["missing.byl"])
        #expect(run.status == 2)
        #expect(run.stderr == "byline: cannot open 'missing.byl': no such file\n")
    }

    @Test func directoryIsAUsageError() throws {
        let run = try BylineBinary.run([NSTemporaryDirectory()])
        #expect(run.status == 2)
        #expect(run.stderr.contains("it is a directory"))
    }

    @Test func aMissingLaterFileRunsNothing() throws {
        let run = try BylineBinary.run(["leaders.byl", "nope.byl"], in: GoldenTests.examples)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
    }

    @Test(arguments: [["--bogus"], ["--format", "xml", "-c", "leaders"], ["-c"], ["-c", "leaders", "file.byl"]])
    func badUsageExitsTwo(_ arguments: [String]) throws {
        let run = try BylineBinary.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("byline: "))
        #expect(run.stdout.isEmpty)
    }

    @Test func helpAndVersionExitZero() throws {
        let help = try BylineBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: byline"))
        let version = try BylineBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "0.1.0\n")
    }

    @Test func filesRunInOrderAndStopAtTheFirstFailure() throws {
        let folder = try temporaryFolder()
        try "leaders count\n".write(to: folder.appendingPathComponent("a.byl"), atomically: true, encoding: .utf8)
        try "visits select nope\n".write(to: folder.appendingPathComponent("b.byl"), atomically: true, encoding: .utf8)
        try "countries count\n".write(to: folder.appendingPathComponent("c.byl"), atomically: true, encoding: .utf8)
        let run = try BylineBinary.run(["a.byl", "b.byl", "c.byl", "--format", "csv"], in: folder)
        #expect(run.status == 1)
        #expect(run.stdout == "count\n6\n")
        #expect(run.stderr.hasPrefix("b.byl:1:15: error: unknown field 'nope' in 'visits'"))
        let keepGoing = try BylineBinary.run(["a.byl", "b.byl", "c.byl", "--format", "csv", "--keep-going"], in: folder)
        #expect(keepGoing.status == 1)
        #expect(keepGoing.stdout == "count\n6\ncount\n4\n")
    }

    @Test func keepGoingRunsTheStatementsThatChecked() throws {
        let script = "leaders count\nleaders where nope = 1\nvisits count\n"
        let stop = try BylineBinary.run(["--format", "csv"], stdin: script)
        #expect(stop.status == 1)
        #expect(stop.stdout.isEmpty)
        let go = try BylineBinary.run(["--format", "csv", "--keep-going"], stdin: script)
        #expect(go.status == 1)
        #expect(go.stdout == "count\n6\ncount\n7\n")
    }

    @Test func runtimeErrorsStopTheScript() throws {
        let run = try BylineBinary.run(["--format", "csv"], stdin: "leaders count\nvisits select year * 9223372036854775807\nvisits count\n")
        #expect(run.status == 1)
        #expect(run.stdout == "count\n6\n")
        #expect(run.stderr.hasPrefix("<stdin>:2:15: error: integer overflow in 2016 * 9223372036854775807"))
    }

    @Test func invalidUTF8AndNULAreRefusedWithTheirLine() throws {
        let folder = try temporaryFolder()
        try Data([0x6C, 0x0A, 0x6C, 0xFF, 0x0A]).write(to: folder.appendingPathComponent("bad.byl"))
        try Data([0x6C, 0x0A, 0x0A, 0x00]).write(to: folder.appendingPathComponent("nul.byl"))
        let bad = try BylineBinary.run(["bad.byl"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.stderr == "bad.byl:2: error: invalid UTF-8; save the script as UTF-8\n")
        let nul = try BylineBinary.run(["nul.byl"], in: folder)
        #expect(nul.status == 1)
        #expect(nul.stderr == "nul.byl:3: error: NUL byte in script; is this a binary file?\n")
    }

    @Test func emptyInputSucceeds() throws {
        #expect(try BylineBinary.run([], stdin: "").status == 0)
        #expect(try BylineBinary.run(["-c", ""]).status == 0)
    }

    @Test func dotCommandsWorkInBatch() throws {
        let run = try BylineBinary.run([], stdin: ".tables\n.mode csv\nleaders count\n.schema visits\n.quit\nleaders\n")
        #expect(run.status == 0)
        #expect(
            run.stdout == """
                sentences  countries  organizations  leaders  visits  events  relations  figures  places  attributions  mentions
                count
                6
                visits(visitor string -> leaders, destination string -> countries, city string -> places, year integer, status string, note string, source list<integer>)  -- 7 rows; One row per trip: made (completed) or announced or accepted (planned).

                """)
        let unknown = try BylineBinary.run([], stdin: ".frobnicate\n")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("<stdin>:1:1: error: unknown command '.frobnicate'"))
        #expect(unknown.stderr.contains("help: type .help to list the commands"))
    }

    @Test func warningsDoNotFail() throws {
        let run = try BylineBinary.run(["-c", "leaders where organization = null count", "--format", "csv"])
        #expect(run.status == 0)
        #expect(run.stdout == "count\n0\n")
        #expect(run.stderr.contains("warning: comparing with null is never true"))
    }

    private func temporaryFolder() throws -> URL {
        try TemporaryFolder.forProcess("test")
    }
}

@Suite struct OutputFileTests {
    private func folder() throws -> URL {
        try TemporaryFolder.forProcess("test")
    }

    @Test func outputAndOnceWriteFiles() throws {
        let directory = try folder()
        let run = try BylineBinary.run(
            [], stdin: ".mode csv\n.output all.csv\nleaders count\nvisits count\n.output\n.once one.csv\ncountries count\nsentences count\n",
            in: directory)
        #expect(run.status == 0)
        #expect(run.stdout == "count\n17\n")
        #expect(try String(contentsOf: directory.appendingPathComponent("all.csv"), encoding: .utf8) == "count\n6\ncount\n7\n")
        #expect(try String(contentsOf: directory.appendingPathComponent("one.csv"), encoding: .utf8) == "count\n4\n")
    }

    @Test func dataFlagLoadsFilesNamedAfterTheirStem() throws {
        let directory = try folder()
        try "name,n\nx,1\ny,2\n".write(to: directory.appendingPathComponent("my-data.csv"), atomically: true, encoding: .utf8)
        let run = try BylineBinary.run(["--data", "my-data.csv", "-c", "my_data where n > 1 select name", "--format", "csv"], in: directory)
        #expect(run.stdout == "name\ny\n")
        let bad = try BylineBinary.run(["--data", "nope.csv", "-c", "leaders"], in: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr == "nope.csv: error: no such file\n")
    }

    @Test func safeModeRefusesEveryStatementThatTouchesFiles() throws {
        let directory = try folder()
        try "a\n1\n".write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        for statement in ["load \"d.csv\"", "leaders save \"x.csv\"", ".read d.csv", ".output x.txt", ".once x.txt"] {
            let run = try BylineBinary.run(["--safe"], stdin: statement + "\n", in: directory)
            #expect(run.status == 1, "\(statement)")
            #expect(run.stderr.contains("file access is turned off"), "\(statement): \(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["d.csv"])
    }
}

@Suite struct TestCommandTests {
    static let scripts = BylineBinary.packageRoot.appendingPathComponent("Tests/Scripts")

    @Test func theArticleFactsPass() throws {
        let run = try BylineBinary.run(["test", "article-facts.byl"], in: Self.scripts)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout == "40 passed, 0 failed\n")
    }

    @Test func failuresAreListedAndCounted() throws {
        let run = try BylineBinary.run(["test", "article-facts.byl", "failing.byl"], in: Self.scripts)
        #expect(run.status == 1)
        #expect(
            run.stdout == """
                failing.byl:2:1: FAIL assert (visits count) = 99
                    expected = 99, but the query gave 7
                failing.byl:3:1: FAIL assert (leaders where name = "x" select name) = "y"
                    the query gave 0 rows; an assertion needs exactly one
                41 passed, 2 failed

                """)
    }

    @Test func aBrokenScriptCountsAsAFailureAndTheOthersStillRun() throws {
        let missing = try BylineBinary.run(["test", "no-such-script.byl"])
        #expect(missing.status == 2)
        let stdin = try BylineBinary.run(["test", "-"], stdin: "assert (leaders count) = 6\n")
        #expect(stdin.stdout == "1 passed, 0 failed\n")
        let temporary = try TemporaryFolder("test")
        defer { temporary.remove() }
        let folder = temporary.url
        try "leaders where nope = 1\n".write(to: folder.appendingPathComponent("broken.byl"), atomically: true, encoding: .utf8)
        let copy = folder.appendingPathComponent("facts.byl")
        try FileManager.default.copyItem(at: Self.scripts.appendingPathComponent("article-facts.byl"), to: copy)
        let mixed = try BylineBinary.run(["test", "broken.byl", "facts.byl"], in: folder)
        #expect(mixed.status == 1)
        #expect(mixed.stdout.hasSuffix("broken.byl: FAIL the script stopped with an error (above)\n40 passed, 1 failed\n"))
        #expect(mixed.stderr.hasPrefix("broken.byl:1:15: error: unknown field 'nope' in 'leaders'"))
    }

    @Test func aFailedAssertionOutsideTestModeIsAnError() throws {
        let run = try BylineBinary.run(["failing.byl"], in: Self.scripts)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("failing.byl:2:1: error: assertion failed: expected = 99, but the query gave 7"))
    }
}

@Suite struct ParameterCommandLineTests {
    @Test func argAndArgjsonBindParameters() throws {
        let run = try BylineBinary.run(
            ["--arg", "c=Congo", "--argjson", "n=1", "--format", "csv", "-c", "leaders where country = $c select name limit $n"])
        #expect(run.status == 0, Comment(rawValue: run.stderr))
        #expect(run.stdout == "name\nFelix Tshisekedi\n")
        let bad = try BylineBinary.run(["--argjson", "n=nope", "-c", "leaders"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--argjson n: 'nope' is not a JSON number, string, boolean, null or array"))
        let unbound = try BylineBinary.run(["-c", "leaders where name = $who"])
        #expect(unbound.status == 1)
        #expect(unbound.stderr.hasPrefix("<command>:1:22: error: parameter '$who' has no value"))
    }

    @Test func paramCommandsInAScript() throws {
        let run = try BylineBinary.run(
            ["--format", "csv"], stdin: ".param set d \"Israel\"\n.param set y 2000\n.param list\nvisits where destination = $d and year > $y select year\n.param clear\n.param list\n")
        #expect(run.status == 0, Comment(rawValue: run.stderr))
        #expect(run.stdout == "$d = \"Israel\"\n$y = 2000\nyear\n2013\n")
    }
}


@Suite struct StandardInputDataTests {
    @Test func dataFromStandardInputAndPipes() throws {
        let tsv = try BylineBinary.run(["--data", "-", "--format", "csv", "-c", "stdin select b"], stdin: "a\tb\n1\t2\n")
        #expect(tsv.status == 0, Comment(rawValue: tsv.stderr))
        #expect(tsv.stdout == "b\n2\n")
        let json = try BylineBinary.run(["--data", "-", "--data-format", "json", "--format", "csv", "-c", "stdin"], stdin: #"[{"q": 1}]"#)
        #expect(json.stdout == "q\n1\n")
        let load = try BylineBinary.run(["--format", "csv", "-c", #"load "-" as piped; piped count"#], stdin: "x\n1\n2\n")
        #expect(load.stdout == "count\n2\n")
        let pipe = try BylineBinary.run(["--format", "csv", "-c", #"load "/dev/stdin" as piped; piped count"#], stdin: "x\n1\n")
        #expect(pipe.stdout == "count\n1\n", Comment(rawValue: pipe.stderr))
    }

    @Test func theScriptFromStandardInput() throws {
        let dash = try BylineBinary.run(["-", "--format", "csv"], stdin: "leaders count\n")
        #expect(dash.stdout == "count\n6\n")
        let conflict = try BylineBinary.run([], stdin: #"load "-" as x"# + "\n")
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("error: standard input holds this script, so it cannot also hold the data"))
    }
}

@Suite struct TestReportTests {
    static let scripts = BylineBinary.packageRoot.appendingPathComponent("Tests/Scripts")

    @Test func tapForCI() throws {
        let run = try BylineBinary.run(["test", "--format", "tap", "failing.byl"], in: Self.scripts)
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.prefix(3) == ["TAP version 13", "1..3", "ok 1 - failing.byl:1:1 assert (leaders count) = 6"])
        #expect(lines.contains("not ok 2 - failing.byl:2:1 assert (visits count) = 99"))
        #expect(lines.contains(#"  message: "expected = 99, but the query gave 7""#))
    }

    @Test func junitXMLForCI() throws {
        try TemporaryFolder.with("junit") { folder in
            let report = folder.path("report.xml")
            let run = try BylineBinary.run(["test", "--junit", report, "failing.byl"], in: Self.scripts)
            #expect(run.status == 1)
            let xml = try String(contentsOfFile: report, encoding: .utf8)
            #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
            #expect(xml.contains(#"<testsuite name="failing.byl" tests="3" failures="2">"#))
            #expect(xml.contains(#"<failure message="expected = 99, but the query gave 7"/>"#))
            #expect(xml.contains("&quot;x&quot;"))
            // Well-formed: the system's XML parser reads it.
            #expect(XMLParser(data: Data(xml.utf8)).parse())
        }
    }
}

@Suite struct CommandTreeTests {
    @Test func runIsTheDefaultAndTestIsASubcommand() throws {
        #expect(try BylineBinary.run(["-c", "leaders count", "--format", "csv"]).stdout == "count\n6\n")
        #expect(try BylineBinary.run(["run", "-c", "leaders count", "--format", "csv"]).stdout == "count\n6\n")
        let help = try BylineBinary.run(["help", "test"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: byline test"))
        let root = try BylineBinary.run(["--help"])
        #expect(root.stdout.contains("run (default)"))
        #expect(root.stdout.contains("test"))
    }

    @Test func completionScriptsKnowTheSubcommandsAndFiles() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try BylineBinary.run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains("test"), "\(shell)")
            #expect(script.stdout.contains("--data"), "\(shell)")
        }
    }
}

@Suite struct NewUsageErrorTests {
    @Test(arguments: [
        (".exit 300", "<stdin>:1:1: error: .exit takes an exit status from 0 to 255"),
        (".expanded maybe", "<stdin>:1:1: error: .expanded takes on, off or auto"),
        (".width a", "<stdin>:1:1: error: .width takes whole numbers of columns, such as .width 20 0 8"),
        (".param bogus", "<stdin>:1:1: error: usage: .param set NAME VALUE, .param unset NAME, .param list or .param clear"),
        (".cite maybe", "<stdin>:1:1: error: .cite takes on or off"),
        (".pager x", "<stdin>:1:1: error: .pager takes on or off"),
    ])
    func dotCommandUsageErrors(_ command: String, _ message: String) throws {
        let run = try BylineBinary.run([], stdin: command + "\n")
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix(message + "\n"), Comment(rawValue: run.stderr))
    }

    @Test func malformedParameterFlagsAreUsageErrors() throws {
        let run = try BylineBinary.run(["--arg", "x", "-c", "leaders"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("byline: --arg takes NAME=VALUE, not 'x'\n"))
        let name = try BylineBinary.run(["--arg", "1x=2", "-c", "leaders"])
        #expect(name.status == 2)
        #expect(name.stderr.hasPrefix("byline: '1x' is not a parameter name: use letters, digits and _\n"))
    }
}

/// A script that `.read`s a file which loads a table can use that table: the rest of the script
/// is checked again after the command runs (as sqlite3 reads a script), while a script whose
/// errors come before such a command still runs nothing.
@Suite struct ScriptsInPartsTests {
    @Test func aTableLoadedByAReadFileIsKnownAfterTheRead() throws {
        try TemporaryFolder.with { folder in
            _ = try folder.write("numbers.csv", "n\n1\n2\n3\n")
            _ = try folder.write("setup.byl", "load \"numbers.csv\"\nlet big = numbers where n > 1\n")
            _ = try folder.write("main.byl", ".read setup.byl\nnumbers count\nbig select n\n")
            let run = try BylineBinary.run(["--format", "csv", "main.byl"], in: folder.url)
            #expect(run.status == 0, Comment(rawValue: run.stderr))
            #expect(run.stdout == "count\n3\nn\n2\n3\n")
            // An error after the command is reported at its own line, after the part before ran.
            _ = try folder.write("typo.byl", "leaders count\n.read setup.byl\n\nnumbers where m = 1\n")
            let typo = try BylineBinary.run(["--format", "csv", "typo.byl"], in: folder.url)
            #expect(typo.status == 1)
            #expect(typo.stdout == "count\n6\n")
            #expect(typo.stderr.hasPrefix("typo.byl:4:15: error: unknown field 'm' in 'numbers'"), Comment(rawValue: typo.stderr))
            // An error before the command: nothing runs, as before.
            _ = try folder.write("early.byl", "leaders where nope = 1\n.read setup.byl\nleaders count\n")
            let early = try BylineBinary.run(["early.byl"], in: folder.url)
            #expect(early.status == 1)
            #expect(early.stdout == "")
        }
    }
}
