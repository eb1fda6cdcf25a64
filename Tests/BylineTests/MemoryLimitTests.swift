// One memory budget: every structure a query grows is charged to it across all threads, and a
// query past it stops with an error that names the limit, the step, and how to raise it; the
// next query runs.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct MemoryLimitTests {
    /// A session without the article's tables, on `threads` threads, with `memory` bytes.
    static func session(threads: Int, memory: Int) -> Session {
        let session = Session(tables: [])
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = Executor.blockSize
        session.limits.maximumMemory = memory
        return session
    }

    /// The first error's message and help, or "no error".
    static func failure(_ session: Session, _ query: String) -> String {
        do {
            _ = try session.run(query)
            return "no error"
        } catch {
            return error.diagnostics.map { $0.message + ($0.help.map { " | help: " + $0 } ?? "") }.joined(separator: "; ")
        }
    }

    static let help = " | help: raise the limit with --memory SIZE (.memory SIZE in the shell, QueryLimits.maximumMemory in a program), or filter or group the rows first"

    /// Each growing structure, with the step its error names, on 1, 2 and 4 threads alike.
    @Test(arguments: [
        ("range(20000) select value % 10 as k join range(20000) as r on k = r.value % 10 count", "a join's pairs of rows"),
        // (reading a field of the join: a join only counted counts its pairs without holding them)
        ("let r = range(20000) select value % 10 as j\nrange(20000) select value % 10 as k join r on k = r.j select r.j count", "a join's pairs of rows"),
        ("range(200000) join range(100) as r on range.value > r.value count", "a join's pairs of rows"),
        ("range(400000) order by value desc limit 1", "'order by' of 400000 rows"),
        ("range(200000) select value * 3 as v group by v select count() as n", "the groups of 'group by'"),
        ("range(2000000) count", "range of 2000000 rows"),
        // Longer than a literal: not folded while checking, so each row's string is charged.
        ("range(40) select concat(\"\(String(repeating: "x", count: 600_000))\", \"\(String(repeating: "y", count: 600_000))\") as s select length(s) as n",
         "a string of 1200000 bytes"),
        ("range(1) select split(\"\(String(repeating: "a,", count: 400_000))\", \",\") as l where l = [] count", "a list of 400001 values"),
    ])
    func aQueryPastTheBudgetStopsWithTheStepNamed(query: String, step: String) throws {
        for threads in [1, 2, 4] {
            let session = Self.session(threads: threads, memory: 8 << 20)
            #expect(Self.failure(session, query) == "the query needs more than 8 MiB of memory (\(step))" + Self.help, "\(threads) threads")
            #expect(try session.value("range(10) count") == .integer(10), "the next query runs")
        }
    }

    /// What an 8 MiB budget used to let pass unseen: strings and lists shorter than 1 KiB made
    /// by every row, rows appended or intersected (lists boxed, each row an array in a set), a
    /// chart drawn a line per row. Each is now charged, on 1, 2 and 4 threads alike.
    @Test(arguments: [
        ("range(100000) select concat(to_string(value), \"abcdefghijklmnopqrstuvwxyz0123456789\") as s where s != \"\" count",
         "the strings and lists 'select' makes"),
        ("range(100000) select [value, value] as l where l != [] count", "the strings and lists 'select' makes"),
        ("let a = range(60000) select [value] as l\na append a where l != [] count", "appended rows"),
        ("let a = range(40000) select to_string(value) as s\na intersect a count", "rows of 'intersect' or 'except'"),
        ("range(20000) select value as k, value as v chart bar", "a chart of 20000 rows"),
    ])
    func smallStringsListsAppendIntersectAndChartsAreCharged(query: String, step: String) throws {
        for threads in [1, 2, 4] {
            let session = Self.session(threads: threads, memory: 8 << 20)
            let message = Self.failure(session, query)
            #expect(message.hasPrefix("the query needs more than 8 MiB of memory (\(step)"), "\(threads) threads: \(message)")
            #expect(try session.value("range(10) count") == .integer(10), "the next query runs")
            session.limits.maximumMemory = 256 << 20
            #expect(Self.failure(session, query) == "no error", "\(threads) threads, within 256 MiB")
        }
    }

    /// A script is checked whole (tokens, syntax tree, plans): one with more tokens than the
    /// budget allows at `Parser.bytesPerToken` each is refused before it is held, at the token
    /// where it passed the limit.
    @Test func aScriptTooLargeForTheBudgetIsRefusedBeforeItIsHeld() throws {
        let session = Self.session(threads: 1, memory: 8 << 20)
        let script = String(repeating: "range(1) count\n", count: 4000)
        let checked = session.check(SourceFile(name: "big.byl", text: script))
        #expect(checked.statements.isEmpty)
        let errors = checked.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message == "the script has more than 16384 tokens, more than the memory limit lets it check")
        #expect(errors.first?.help == "split the script into smaller files, or raise the limit with --memory SIZE (.memory SIZE in the shell)")
        #expect(errors.first?.span?.start.line == 2731, "the line of token 16385: six tokens a line, the newline one of them")
        session.limits.maximumMemory = 64 << 20
        #expect(!session.check(SourceFile(name: "big.byl", text: script)).hasErrors)
    }

    @Test func theSameQueriesRunWithinALargerBudget() throws {
        let session = Self.session(threads: 2, memory: 1 << 30)
        #expect(try session.value("range(20000) select value % 10 as k join range(20000) as r on k = r.value % 10 count") == .integer(40_000_000))
        #expect(try session.value("range(400000) order by value desc limit 1") == .integer(399_999))
        #expect(try session.value("range(200000) select value * 3 as v group by v select count() as n count") == .integer(200_000))
    }

    @Test func tablesTheSessionHoldsCountAgainstTheBudget() throws {
        let session = Self.session(threads: 1, memory: 8 << 20)
        _ = try session.run("let big = range(800000)")  // 6.1 MiB of integers
        let message = Self.failure(session, "big where value > 0 count")
        #expect(message == "the query needs more than 8 MiB of memory (the rows 'where' keeps of 800000; tables and let results hold 6.1 MiB of it)" + Self.help)
        session.limits.maximumMemory = 64 << 20
        #expect(try session.value("big where value > 0 count") == .integer(799_999))
    }

    @Test func aFileLargerThanTheBudgetIsNotLoaded() throws {
        let folder = try TemporaryFolder("memory")
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("wide.csv").path
        try ("n,s\n" + (0..<100_000).map { "\($0),row \($0)\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8)
        let session = Self.session(threads: 1, memory: 1 << 20)
        #expect(Self.failure(session, "load \"\(path)\" as wide") 
                == "file is larger than the memory limit of 1 MiB; raise it with --memory SIZE (.memory SIZE in the shell)"
                + " | help: nothing was loaded; fix the file and load it again")
        session.limits.maximumMemory = 64 << 20
        _ = try session.run("load \"\(path)\" as wide")
        #expect(try session.value("wide count") == .integer(100_000))
    }

    @Test func sizesAreReadAndShownAsPeopleWriteThem() {
        let read: [(String, Int?)] = [
            ("512M", 512 << 20), ("2G", 2 << 30), ("2g", 2 << 30), ("1T", 1 << 40), ("64K", 64 << 10), ("4096", 4096), ("2GB", 2 << 30),
            ("2GiB", 2 << 30), ("0", nil), ("", nil), ("M", nil), ("-1G", nil), ("1.5G", nil), ("99999999999T", nil), ("2X", nil),
        ]
        for (text, bytes) in read { #expect(QueryLimits.memorySize(text) == bytes, "\(text)") }
        #expect(QueryLimits.describeMemory(8 << 20) == "8 MiB")
        #expect(QueryLimits.describeMemory(1536 << 20) == "1.5 GiB")
        #expect(QueryLimits.describeMemory(100) == "100 bytes")
        #expect(QueryLimits.defaultMaximumMemory >= 64 << 20)
    }

    @Test func theBudgetIsSharedByEveryThreadAndNeverPassed() async {
        let budget = MemoryBudget(maximum: 1_000_000)
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { (0..<1000).filter { _ in budget.charge(700) }.count } }
            var charged = 0
            for await count in group { charged += count }
            #expect(charged == 1_000_000 / 700, "every charge that fits, and none past it")
        }
        #expect(!budget.charge(Int.max))
    }
}
