// Golden tests: every Examples/*.byl runs through the built binary and must match its .out file.
// Set BYLINE_UPDATE_GOLDEN=1 to rewrite the .out files after a deliberate change.
import Foundation
import Testing
import TestSupport

@Suite struct GoldenTests {
    static let examples = BylineBinary.packageRoot.appendingPathComponent("Examples")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? [])
            .filter { $0.hasSuffix(".byl") }.sorted()
    }

    /// stdout, then stderr (if any) and the exit status, each under a marker line.
    static func transcript(_ run: Run) -> String {
        var text = run.stdout
        if !run.stderr.isEmpty { text += "-- stderr --\n" + run.stderr }
        return text + "-- exit: \(run.status) --\n"
    }

    @Test func thereAreExamplesForEveryTable() {
        #expect(Self.scripts.count >= 6)
        for table in ["leaders", "visits", "sentences", "countries", "events", "organizations", "let", "error"] {
            #expect(Self.scripts.contains("\(table).byl"))
        }
    }

    @Test(arguments: scripts)
    func exampleMatchesItsOutput(_ script: String) throws {
        // In a copy of the folder, so what an example saves goes away with the copy.
        let copy = try TemporaryFolder("example")
        defer { copy.remove() }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.examples.path) where name != "Embedding" {
            try FileManager.default.copyItem(at: Self.examples.appendingPathComponent(name), to: copy.url.appendingPathComponent(name))
        }
        let run = try BylineBinary.run([script], in: copy.url)
        let actual = Self.transcript(run)
        let expectedURL = Self.examples.appendingPathComponent(script.replacingOccurrences(of: ".byl", with: ".out"))
        if ProcessInfo.processInfo.environment["BYLINE_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "\(script) differs from its .out file")
    }
}
