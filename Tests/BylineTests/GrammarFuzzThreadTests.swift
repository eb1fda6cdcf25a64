// The grammar fuzzer's scripts on one thread and on three: the same rows in the same order and
// the same errors at the same places, byte for byte (README: answers and errors are the same for
// any number of threads). Besides the fuzzer's small boundary table the scripts may name `fzbig`,
// its rows repeated past three blocks, so filters, joins, aggregation and sorts run in parts.
import Testing
import TestSupport

@testable import Byline

@Suite struct GrammarFuzzThreadTests {
    static func session(threads: Int) throws -> Session {
        let session = GrammarFuzzer.session()
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = 4096
        let small = try #require(try session.run("fz").last)
        var rows: [[Value]] = []
        while rows.count < 3 * 4096 + 100 { rows += small.rows }
        session.register(Table(schema: TableSchema(name: "fzbig", fields: small.fields), rows: rows))
        return session
    }

    /// Everything a script shows: each statement's rows, or its error with its place.
    static func answer(_ script: String, in session: Session) -> String {
        let checked = session.check(SourceFile(name: "<fuzz>", text: script))
        if checked.hasErrors { return "check: " + checked.diagnostics.map { "\($0.message) at \(String(describing: $0.span))" }.joined(separator: "; ") }
        var parts: [String] = []
        for statement in checked.statements {
            do {
                if case .rows(let result) = try session.execute(statement, in: checked) {
                    parts.append(result.rows.map { "\($0)" }.joined(separator: "\n"))
                }
            } catch {
                parts.append("error: " + error.diagnostics.map { "\($0.message) at \(String(describing: $0.span))" }.joined(separator: "; "))
                break
            }
        }
        return parts.joined(separator: "\n--\n")
    }

    @Test func scriptsGiveOneThreadsAnswersOnThree() throws {
        var compared = 0
        var big = 0
        var mismatches: [String] = []
        for seed in UInt64(1)...8 {
            var fuzzer = GrammarFuzzer(seed: seed &+ 500)
            let one = try Self.session(threads: 1)
            let three = try Self.session(threads: 3)
            let tables = GrammarFuzzer.tables(in: one)
            for _ in 0..<30 {
                let script = fuzzer.script(tables: tables)
                let (a, b) = (Self.answer(script, in: one), Self.answer(script, in: three))
                // A time limit depends on the machine, not on the query.
                if a.contains("ran longer than the limit") || b.contains("ran longer than the limit") { continue }
                compared += 1
                if script.contains("fzbig") { big += 1 }
                if a != b { mismatches.append("seed \(seed):\n\(script)\n  1 thread:  \(a.prefix(300))\n  3 threads: \(b.prefix(300))") }
            }
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) of \(compared) differ:\n" + mismatches.prefix(5).joined(separator: "\n")))
        #expect(compared > 150, "only \(compared) scripts compared")
        #expect(big > 15, "only \(big) scripts read the large table")
        print("fuzz threads: \(compared) scripts on 1 and 3 threads, \(big) over fzbig, \(mismatches.count) differ")
    }
}
