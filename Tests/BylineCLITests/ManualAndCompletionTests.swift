// What the built binary writes about itself for `Scripts/install`: the manual page (read by groff and
// mandoc, as a reader's `man` would), the completion scripts (bash's run through bash as Tab runs
// it), and the root's help, each showing the default command's options.
import Foundation
import Testing
import TestSupport

@Suite struct ManualPageTests {
    /// The page `byline --generate-manual` writes, in a file of `folder`.
    private func page(in folder: TemporaryFolder) throws -> (text: String, path: String) {
        let run = try BylineBinary.run(["--generate-manual"])
        #expect(run.status == 0, Comment(rawValue: run.stderr))
        return (run.stdout, try folder.write("byline.1", run.stdout))
    }

    @Test func groffAndMandocFindNothingToWarnAbout() throws {
        try TemporaryFolder.with("manual") { folder in
            let (text, path) = try page(in: folder)
            #expect(text.hasPrefix(".TH BYLINE 1 "))
            #expect(!text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().contains(""), "an empty line")
            let groff = try BylineBinary.runProgram("/usr/bin/env", ["groff", "-man", "-ww", "-z", path])
            #expect(groff.status == 0 && groff.stderr.isEmpty, Comment(rawValue: groff.stderr))
            let mandoc = try BylineBinary.runProgram("/usr/bin/env", ["mandoc", "-T", "lint", "-W", "warning", path])
            #expect(mandoc.status == 0 && mandoc.stdout.isEmpty && mandoc.stderr.isEmpty, Comment(rawValue: mandoc.stdout + mandoc.stderr))
        }
    }

    @Test func everyParagraphOptionAndSectionIsShown() throws {
        try TemporaryFolder.with("manual") { folder in
            let (_, path) = try page(in: folder)
            // As a reader sees it: plain text, one long line per paragraph, no hyphenation.
            let rendered = try BylineBinary.runProgram("/usr/bin/env", ["groff", "-man", "-Tascii", "-rLL=1000n", "-rHY=0", "-P-bcou", path])
            #expect(rendered.status == 0, Comment(rawValue: rendered.stderr))
            let text = rendered.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for shown in [
                // Paragraphs that start with an apostrophe, which roff takes for a request when
                // it is the first character of a line.
                "'byline [run] [OPTIONS] [FILE...]' runs statements from -c",
                "'byline test FILE...' runs scripts as tests: results are not shown",
                "NAME byline - Query the facts of a news article",
                "-c STATEMENTS Run STATEMENTS and exit.", "--format format Output format: table, box,",
                "--keep-going After a failed statement", "--threads N Use up to N threads",
                "FILE ... Script files to run in order", "--junit FILE Also write a JUnit XML report",
                "--dialect dialect postgresql, sqlite or spark.",
                "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO",
            ] {
                #expect(text.contains(shown), "not in the page: \(shown)")
            }
        }
    }

    /// Every example that needs no file of the reader's runs and answers.
    @Test func theExamplesRun() throws {
        try TemporaryFolder.with("manual") { folder in
            let (text, _) = try page(in: folder)
            let lines = text.split(separator: "\n").map(String.init)
            let examples = lines.indices.filter { lines[$0] == ".EX" }.map {
                lines[$0 + 1].replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\e", with: "\\")
            }
            #expect(examples.count >= 6)
            let binaries = BylineBinary.url.deletingLastPathComponent().path
            var ran = 0
            for example in examples where !["--data", " test ", "--db"].contains(where: example.contains) {
                let run = try BylineBinary.runProgram("/usr/bin/env", ["PATH=\(binaries):/usr/bin:/bin", "NO_COLOR=1", "/bin/sh", "-c", example])
                #expect(run.status == 0 && run.stderr.isEmpty, "\(example): \(run.stderr)")
                #expect(!run.stdout.isEmpty, "\(example) printed nothing")
                ran += 1
            }
            #expect(ran >= 5)
        }
    }
}

@Suite struct CompletionScriptTests {
    /// What bash's completion offers for `words`, the last being the word Tab is pressed on, run
    /// as bash runs it: the script sourced, COMP_* set, the function `complete -F` names called.
    private func bashCompletes(_ words: [String], script: String) throws -> [String] {
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let driver = """
            source "$1"
            function_name="$(complete -p byline | sed -n 's/.*-F \\([^ ]*\\) byline$/\\1/p')"
            COMP_WORDS=(\(quoted.joined(separator: " ")))
            COMP_CWORD=\(words.count - 1)
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            "$function_name" byline "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let run = try BylineBinary.runProgram("/usr/bin/env", ["bash", "-c", driver, "bash", script])
        #expect(run.status == 0 && run.stderr.isEmpty, Comment(rawValue: run.stderr))
        return run.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesTheDefaultCommandsFlagsAndValues() throws {
        try TemporaryFolder.with("completion") { folder in
            let generated = try BylineBinary.run(["--generate-completion-script", "bash"])
            #expect(generated.status == 0)
            let script = try folder.write("byline.bash", generated.stdout)
            let flags = try bashCompletes(["byline", "--f"], script: script)
            #expect(flags == ["--format"])
            let all = try bashCompletes(["byline", ""], script: script)
            #expect(all.contains("--keep-going") && all.contains("-c") && all.contains("test") && all.contains("compile"))
            #expect(try bashCompletes(["byline", "--format", ""], script: script).sorted()
                == ["box", "csv", "json", "jsonl", "line", "markdown", "table", "tsv"])
            #expect(try bashCompletes(["byline", "--data-format", "j"], script: script).sorted() == ["json", "jsonl"])
            #expect(try bashCompletes(["byline", "--safe", "--form"], script: script) == ["--format"])
            // The subcommands keep their own options and values.
            #expect(try bashCompletes(["byline", "te"], script: script) == ["test"])
            #expect(try bashCompletes(["byline", "test", "--f"], script: script) == ["--format"])
            #expect(try bashCompletes(["byline", "test", "--format", ""], script: script).sorted() == ["tap", "text"])
            #expect(try bashCompletes(["byline", "compile", "--dialect", ""], script: script).sorted() == ["postgresql", "spark", "sqlite"])
        }
    }

    @Test(arguments: ["zsh", "fish"])
    func zshAndFishKnowTheDefaultCommandsFlagsAndValues(_ shell: String) throws {
        let run = try BylineBinary.run(["--generate-completion-script", shell])
        #expect(run.status == 0)
        let script = run.stdout
        for word in ["keep-going", "no-article", "markdown", "jsonl", "compile", "tap", "postgresql"] {
            #expect(script.contains(word), "\(shell) script lacks \(word)")
        }
        if shell == "fish" {
            // The root's own line for --format, offering the formats (not the subcommands).
            let formatLines = script.split(separator: "\n").filter { $0.contains("-l 'format'") || $0.contains("-l format") }
            #expect(formatLines.contains { $0.contains("markdown") && !$0.contains("compile") }, "\(formatLines)")
        }
    }

    @Test func rootHelpShowsTheDefaultCommandsOptions() throws {
        for arguments in [["--help"], ["-h"], ["help"]] {
            let run = try BylineBinary.run(arguments)
            #expect(run.status == 0)
            for shown in ["USAGE: byline [run] [OPTIONS] [FILE ...]", "--keep-going", "--format <format>", "-c <STATEMENTS>", "run (default)", "compile", "--version"] {
                #expect(run.stdout.contains(shown), "\(arguments): no \(shown) in \(run.stdout)")
            }
        }
        // A subcommand's help is its own.
        let test = try BylineBinary.run(["help", "test"])
        #expect(test.stdout.contains("--junit") && !test.stdout.contains("--keep-going"))
    }
}
