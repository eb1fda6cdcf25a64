// `--safe` as an untrusted script meets it: no file, database or program beyond what the command
// line names, every path tried. And output that is lost (a full disk, `ulimit -f`) is an error with
// a non-zero exit, never a silent cut; messages that quote a file's name cannot act on the terminal.
import Foundation
import Testing
import TestSupport

@Suite struct SafeModeTests {
    /// Runs byline under --safe in `folder` with a script, expecting it to be refused.
    static func refused(_ script: String, in folder: TemporaryFolder, extra: [String] = []) throws -> Run {
        let run = try BylineBinary.run(["--safe"] + extra + ["-c", script], in: folder.url)
        #expect(run.status == 1, "'\(script)' ran under --safe: \(run.stdout)")
        #expect(run.stderr.contains("--safe") || run.stderr.contains("turned off"), "\(script): \(run.stderr)")
        return run
    }

    @Test func everyFileDatabaseAndProgramPathIsRefused() throws {
        try TemporaryFolder.with("safe") { folder in
            _ = try folder.write("data.csv", "a\n1\n")
            _ = try folder.write("script.byl", "leaders count\n")
            _ = try folder.write("keep.txt", "kept\n")
            for script in [
                "load \"data.csv\"",
                "leaders save \"out.csv\"",
                ".output out.csv\nleaders count",
                ".once out.csv\nleaders count",
                ".read script.byl",
                ".open victim.sqlite",
                ".open new.sqlite",
                ".open sqlite:new.sqlite",
                ".open postgres:///postgres?host=/nowhere",
                ".open dbname=postgres host=/nowhere",
            ] {
                _ = try Self.refused(script, in: folder)
            }
            let listing = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
            #expect(listing == ["data.csv", "keep.txt", "script.byl"], "a refused statement left a file: \(listing)")
        }
    }

    @Test func theDatabaseTheCommandLineNamesIsUsableAndNoOther() throws {
        try TemporaryFolder.with("safe") { folder in
            let granted = folder.path("granted.sqlite")
            let setUp = try BylineBinary.run(["--db", granted, "-c", "range(2) save table t"], in: folder.url)
            #expect(setUp.status == 0, "\(setUp.stderr)")
            let other = folder.path("other.sqlite")
            _ = try BylineBinary.run(["--db", other, "-c", "range(5) save table secret"], in: folder.url)
            // The database named by --db is read and written as sqlite3 --safe allows its own.
            let use = try BylineBinary.run(["--safe", "--db", granted, "--format", "csv", "-c", "t count\nrange(3) save table u\nu count"], in: folder.url)
            #expect(use.status == 0, "\(use.stderr)")
            #expect(use.stdout == "count\n2\ncount\n3\n", "\(use.stdout)")
            // ... but a script cannot switch to another, nor read a file into it.
            _ = try folder.write("data.csv", "a\n1\n")
            _ = try Self.refused(".open \(other)", in: folder, extra: ["--db", granted])
            _ = try Self.refused(".import data.csv d", in: folder, extra: ["--db", granted])
        }
    }

    // MARK: - Output that is lost

    @Test func aFullDeviceOnStandardOutputIsAnError() throws {
        for script in ["leaders count", ".schema leaders", "range(100000)"] {
            let run = try BylineBinary.run(["-c", script + " ", "--format", "csv"], stdin: nil, environment: [:], standardOutput: "/dev/full")
            #expect(run.status == 1, "'\(script)' > /dev/full exited \(run.status)")
            #expect(run.stderr.contains("no space left"), "\(script): \(run.stderr)")
        }
    }

    @Test func theFileSizeLimitOnStandardOutputIsAnError() throws {
        try TemporaryFolder.with("safe") { folder in
            let run = try BylineBinary.runProgram(
                "/bin/sh", ["-c", "ulimit -f 8; exec \"$0\" -c 'range(100000)' --format csv > out.csv", BylineBinary.url.path], in: folder.url)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderr.contains("ulimit -f"), "\(run.stderr)")
        }
    }

    @Test func aFullDeviceBehindOutputIsAnError() throws {
        let run = try BylineBinary.run(["-c", ".output /dev/full\nleaders count"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("'/dev/full'") && run.stderr.contains("no space left"), "\(run.stderr)")
    }

    @Test func aClosedPipeStaysQuiet() throws {
        let run = try BylineBinary.runProgram("/bin/sh", ["-c", "\"$0\" -c 'range(1000000)' --format csv | head -n 1", BylineBinary.url.path])
        #expect(run.stdout == "value\n")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// A device that never ends is refused at its first NUL, not read whole (gigabytes) first.
    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func aDeviceThatNeverEndsIsRefusedAtOnce(_ device: String) throws {
        let run = try BylineBinary.run(["-c", "load \"\(device)\" as d"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("NUL byte"), "\(run.stderr)")
    }

    // MARK: - Messages

    @Test func aFileNameInALoadErrorCannotActOnTheTerminal() throws {
        let run = try BylineBinary.run(["-c", "leaders count\nload \"\\u{1b}]0;pwned\\u{7}\\nforged: error: x.csv\""])
        #expect(run.status == 1)
        #expect(!run.stderr.unicodeScalars.contains("\u{1b}") && !run.stderr.unicodeScalars.contains("\u{7}"), "\(run.stderr)")
        #expect(!run.stderr.contains("\nforged"), "a line break in the name forged a line: \(run.stderr)")
        // The data file's place, and the script's statement that read it.
        #expect(run.stderr.contains("read by the statement at <command>:2:6"), "\(run.stderr)")
    }

    /// `.schema` says which file a table was loaded from; a name holding an escape sequence was
    /// written raw (the shell fuzzer's finding: a saved file named so, loaded, then `.schema`).
    @Test func schemaShowsTheFileALoadedTableCameFromEscaped() throws {
        let folder = try TemporaryFolder("schema-escape")
        defer { folder.remove() }
        try "a,b\n1,2\n".write(to: folder.url.appendingPathComponent("x\u{1b}]0;pwned\u{7}.csv"), atomically: true, encoding: .utf8)
        let run = try BylineBinary.run(["--no-article", "-c", "load \"x\\u{1b}]0;pwned\\u{7}.csv\" as t\n.schema t"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "t(a integer, b integer)  -- 1 rows; loaded from x\\u{1b}]0;pwned\\u{7}.csv\n", "\(run.stdout)")
    }

    /// `load ""` named no file, so its message had no place at all ("error: no such file"): the
    /// shell fuzzer's finding. The place is now the statement's, where the empty name is.
    @Test func aLoadOfAnEmptyNameSaysWhere() throws {
        let run = try BylineBinary.run(["-c", "leaders count\nload \"\""])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("<command>:2:6: error: no such file\n"), "\(run.stderr)")
        #expect(!run.stderr.split(separator: "\n").contains { $0.hasPrefix("error:") }, "\(run.stderr)")
    }

    @Test func aHugeNameGivesAShortMessage() throws {
        let name = String(repeating: "x", count: 2_000_000)
        let run = try BylineBinary.run(["-"], stdin: name + " count\n")
        #expect(run.status == 1)
        #expect(run.stderr.utf8.count < 5_000, "\(run.stderr.utf8.count) bytes of message")
        #expect(run.stderr.contains("more characters"))
    }
}
