// Numbers read where a user gives them (JSON files, --argjson, .param set, --arg) keep their value
// exactly or are refused: a leading zero, a wide integer or a half-written number never turns
// silently into another value.
import Foundation
import Testing
import TestSupport

@Suite struct ExactValueTests {
    @Test(arguments: ["[{\"a\": 00012}]", "[{\"a\": 1.}]", "[{\"a\": .5}]", "[{\"a\": -}]", "[{\"a\": 1e}]", "[{\"a\": 01.5}]"])
    func jsonNumbersFollowJSONsGrammar(_ text: String) throws {
        try TemporaryFolder.with("exact") { folder in
            _ = try folder.write("n.json", text)
            let run = try BylineBinary.run(["--no-article", "-c", "load \"n.json\"\nn"], in: folder.url)
            #expect(run.status == 1, "\(text) loaded: \(run.stdout)")
            #expect(run.stderr.contains("invalid number") || run.stderr.contains("invalid JSON"), "\(run.stderr)")
        }
    }

    @Test func jsonNumbersThatAreValidStillLoad() throws {
        try TemporaryFolder.with("exact") { folder in
            _ = try folder.write("n.json", "[{\"a\": 0, \"b\": -0.5, \"c\": 1e3, \"d\": 12, \"e\": 9223372036854775808}]")
            let run = try BylineBinary.run(["--no-article", "--format", "csv", "-c", "load \"n.json\"\nn"], in: folder.url)
            #expect(run.stdout == "a,b,c,d,e\n0,-0.5,1000.0,12,9223372036854775808\n", "\(run.stdout)\(run.stderr)")
        }
    }

    @Test func argjsonRefusesWhatItWouldChange() throws {
        let zeros = try BylineBinary.run(["--argjson", "n=00012", "-c", "range(1) select $n as n"])
        #expect(zeros.status == 2, "\(zeros.stdout)")
        let wide = try BylineBinary.run(["--argjson", "n=9223372036854775808", "-c", "range(1) select $n as n"])
        #expect(wide.status == 2, "\(wide.stdout)")
        #expect(wide.stderr.contains("outside the integers"), "\(wide.stderr)")
        let text = try BylineBinary.run(["--argjson", "n=\"00012\"", "--format", "csv", "-c", "range(1) select $n as n"])
        #expect(text.stdout == "n\n00012\n", "\(text.stdout)\(text.stderr)")
    }

    @Test func paramSetKeepsLeadingZerosAsText() throws {
        let run = try BylineBinary.run(["--format", "csv", "-c", ".param set zip 02134\nrange(1) select $zip as zip"])
        #expect(run.stdout == "zip\n02134\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func anArgumentMayStartWithACombiningMark() throws {
        let run = try BylineBinary.run(["--arg", "s=\u{301}abc", "--format", "csv", "-c", "range(1) select $s as s"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "s\n\u{301}abc\n", "\(run.stdout)")
    }

    @Test func aLongChainOfDefinitionsIsNotCalledRecursive() throws {
        var script = "def d0() = range(2)\n"
        for index in 1...40 { script += "def d\(index)() = d\(index - 1)()\n" }
        script += "d40() count\n"
        let run = try BylineBinary.run(["--format", "csv", "-"], stdin: script)
        #expect(run.stdout == "count\n2\n", "\(run.stdout)\(run.stderr)")
    }
}

/// The exact messages of errors this round added, and their exit status.
@Suite struct NewErrorMessageTests {
    @Test func aChainOfDefinitionsTooDeepIsOneMessage() throws {
        var script = "def d0() = range(2)\n"
        for index in 1...129 { script += "def d\(index)() = d\(index - 1)()\n" }
        script += "d129() count\n"
        let run = try BylineBinary.run(["-"], stdin: script)
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                <stdin>:130:14: error: calling 'd0' nests 'def's more than 128 deep
                def d129() = d128()
                             ^~~~
                help: a 'def' may call the 'def's before it, up to 128 deep; keep an inner result with 'let' instead

                """, "\(run.stderr)")
    }

    @Test func citeRefusesIntersectAndExcept() throws {
        for word in ["intersect", "except"] {
            let run = try BylineBinary.run(["-c", "visits select destination as c \(word) visits cite"])
            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("<command>:1:32: error: 'cite' cannot show the evidence of rows kept by '\(word)' yet\n"), "\(run.stderr)")
            #expect(run.stderr.hasSuffix(
                "help: run the query without cite (or with .cite off), or keep its rows with 'let' and cite them in a query of their own\n"))
        }
    }

    @Test func aDatabaseRefusedUnderSafeSaysWhyAndWhatToDo() throws {
        let run = try BylineBinary.run(["--safe", "-c", ".open new.sqlite"])
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                <command>:1:1: error: database access is turned off, so 'new.sqlite' cannot be opened
                .open new.sqlite
                ^~~~~~~~~~~~~~~~
                help: this session's access is limited (--safe): name the files and database it may use on the command line (--data, --db)

                """, "\(run.stderr)")
    }

    @Test func lostOutputIsOneMessageAndExitOne() throws {
        let run = try BylineBinary.run(["-c", "leaders count", "--format", "csv"], standardOutput: "/dev/full")
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                <command>:1:1: error: cannot write the result to standard output: no space left on the device
                leaders count
                ^~~~~~~~~~~~~
                help: the output is incomplete; free space or raise the limit, then run the statement again

                """, "\(run.stderr)")
    }
}
