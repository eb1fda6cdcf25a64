// Under a memory cap (`ulimit -v`), the attacks that used to end in "failed to allocate" (signal 6)
// stop with an error and exit 1: the default budget is taken from the cap, and every growing
// structure is charged to it on every thread.
import Foundation
import Testing
import TestSupport

@Suite struct MemoryCapTests {
    /// Runs byline under `ulimit -v` (KiB) through the shell, the script given on standard input.
    static func underCap(_ kibibytes: Int, threads: Int, _ script: String, in directory: URL) throws -> Run {
        let path = directory.appendingPathComponent("attack.byl")
        try script.write(to: path, atomically: true, encoding: .utf8)
        return try BylineBinary.runProgram(
            "/bin/sh", ["-c", "ulimit -v \(kibibytes) && exec \"$0\" --threads \(threads) attack.byl", BylineBinary.url.path], in: directory)
    }

    static let attacks: [String] = [
        // A string doubled again and again, kept by `let` at every step.
        "let t0 = range(200) select concat(\"\(String(repeating: "x", count: 1_000_000))\", to_string(value)) as s\n"
            + (1...10).map { "let t\($0) = t\($0 - 1) select \($0 % 2 == 0 ? "s + s" : "concat(s, s)") as s\n" }.joined() + "t10 select length(s) as n limit 1\n",
        // 600,000 rows joined on 1,000 keys: 360 million pairs.
        "range(600000) select value % 1000 as k join range(600000) as r on k = r.value % 1000 count\n",
        "let r = range(600000) select value % 1000 as j\nrange(600000) select value % 1000 as k join r on k = r.j count\n",
        // A group per row, each with a list.
        "range(3000000) select concat(to_string(value), \"abcdefghijklmnopqrstuvwxyz\") as s group by s select list(s) as l count\n",
        // A sort of a range larger than the cap.
        "range(100000000) order by value % 1000, value desc count\n",
        "load \"/dev/zero\"\n",
    ]

    @Test func everyAttackFailsWithAMessageNeverASignal() throws {
        let folder = try TemporaryFolder("memory-cap")
        defer { folder.remove() }
        for threads in [1, 8] {
            for attack in Self.attacks {
                let run = try Self.underCap(2_000_000, threads: threads, attack, in: folder.url)
                let shown = String(attack.prefix(80))
                #expect(run.status == 1, "\(threads) threads, \(shown): status \(run.status), \(run.stderr.prefix(300))")
                #expect(run.stderr.contains("attack.byl:") && run.stderr.contains("error:"), "\(shown): \(run.stderr.prefix(300))")
                #expect(!run.stderr.contains("Fatal error"), "\(shown): \(run.stderr.prefix(300))")
            }
        }
    }

    /// A 45 MB script of three million statements used to be lexed whole: its tokens alone asked
    /// for 1.2 GB and the run aborted ("failed to allocate", signal 6) after three minutes. The
    /// tokens are now counted against the budget (a quarter of the cap here) and the script is
    /// refused at once, at the place it passed the limit.
    @Test func aScriptTooLargeForTheCapIsRefusedNeverASignal() throws {
        let folder = try TemporaryFolder("memory-cap-script")
        defer { folder.remove() }
        let run = try Self.underCap(2_000_000, threads: 1, String(repeating: "range(1) count\n", count: 3_000_000) + "nope\n", in: folder.url)
        #expect(run.status == 1, "status \(run.status), \(run.stderr.prefix(300))")
        #expect(run.stderr.hasPrefix("attack.byl:"), "\(run.stderr.prefix(300))")
        #expect(run.stderr.contains("error: the script has more than"), "\(run.stderr.prefix(300))")
        #expect(!run.stderr.contains("Fatal error"))
    }

    @Test func theFlagSetsTheBudgetAndIsChecked() throws {
        let tight = try BylineBinary.run(["--memory", "8M", "-c", "range(2000000) count"])
        #expect(tight.status == 1)
        #expect(tight.stderr.contains("error: the query needs more than 8 MiB of memory (range of 2000000 rows)"))
        #expect(tight.stderr.contains("help: raise the limit with --memory SIZE"))
        let roomy = try BylineBinary.run(["--memory", "1G", "--format", "csv", "-c", "range(2000000) count"])
        #expect(roomy.stdout == "count\n2000000\n")
        let wrong = try BylineBinary.run(["--memory", "lots", "-c", "range(1) count"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("--memory takes a size in bytes, or with K, M, G or T (such as 512M or 2G), not 'lots'"))
    }

    @Test func theDotCommandShowsAndSetsTheBudget() throws {
        let run = try BylineBinary.run(["--memory", "3G", "--keep-going"], stdin: ".memory\n.memory 8M\n.memory\nrange(2000000) count\n.memory 1G\nrange(2000000) count\n")
        #expect(run.stdout.hasPrefix("memory: 3 GiB\nmemory: 8 MiB\n"), "\(run.stdout)")
        #expect(run.stderr.contains("the query needs more than 8 MiB of memory"))
        #expect(run.stdout.contains("2000000"))
        let wrong = try BylineBinary.run([], stdin: ".memory plenty\n")
        #expect(wrong.stderr.contains(".memory takes a size in bytes, or with K, M, G or T, such as .memory 512M"), "\(wrong.stderr)")
    }
}
