// Every example script again, with the article's tables pushed to Spark (BYLINE_SPARK_URL, which
// Scripts/with-spark sets): queries over the article's tables run on the cluster as Spark SQL and
// must print exactly what Byline's own engine prints (the same .out files), as in SQLite and
// PostgreSQL (DatabaseGoldenTests). Without a server these tests fail, not skip; Scripts/test runs
// them in its Spark step:
//   Scripts/with-spark swift test --skip-build --filter SparkGolden

import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct SparkGoldenTests {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func address() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["BYLINE_SPARK_URL"] else {
            throw Missing(description: "BYLINE_SPARK_URL is not set: run beside a server with Scripts/with-spark swift test --skip-build --filter SparkGolden")
        }
        return url
    }

    /// The article pushed once for the whole suite (a push to Spark takes seconds).
    static let pushed: Result<String, Error> = Result {
        let url = try address()
        let folder = try TemporaryFolder("spark-push")
        defer { folder.remove() }
        let push = try BylineBinary.run(["--db", url, "-c", ".push article"], in: folder.url)
        guard push.status == 0 else { throw Missing(description: "pushing the article to Spark failed: \(push.stderr)") }
        return url
    }

    /// Examples with a query Spark cannot compute as Byline does, and what it names: refused
    /// before it runs, with the reason, where the other queries give the .out file's answers.
    static let refused: [String: String] = [:]

    @Test(arguments: GoldenTests.scripts)
    func exampleGivesTheSameOutputOnSpark(_ script: String) throws {
        let url = try Self.pushed.get()
        let copy = try TemporaryFolder("example-spark")
        defer { copy.remove() }
        for name in try FileManager.default.contentsOfDirectory(atPath: GoldenTests.examples.path) where name != "Embedding" {
            try FileManager.default.copyItem(at: GoldenTests.examples.appendingPathComponent(name), to: copy.url.appendingPathComponent(name))
        }
        let run = try BylineBinary.run(["--db", url, script], in: copy.url)
        let actual = GoldenTests.transcript(run)
        if let reason = Self.refused[script] {
            #expect(run.status == 1 && run.stderr.contains("but Spark") && run.stderr.contains(reason), "\(script) on Spark:\n\(actual)")
            return
        }
        if script == "explain.byl" {
            #expect(run.status == 0 && actual.contains("as this SQL:"), "explain on Spark shows no SQL:\n\(actual)")
            return
        }
        let expected = try String(contentsOf: GoldenTests.examples.appendingPathComponent(script.replacingOccurrences(of: ".byl", with: ".out")), encoding: .utf8)
        #expect(actual == expected, "\(script) on Spark differs from its .out file:\n\(actual)")
    }
}
