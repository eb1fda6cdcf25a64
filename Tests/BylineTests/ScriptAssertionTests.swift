// Assertions through the library behave as under `byline test`: `run` stops at a failed one, and
// `test` returns every outcome with its place, for a Swift test suite to report.
import Foundation
import Testing

import Byline

@Suite struct ScriptAssertionTests {
    @Test func runThrowsAtAFailedAssertionWithBothValues() {
        do {
            _ = try Session().run("assert (leaders count) = 999\nleaders count", name: "facts.byl")
            Issue.record("a failed assertion was ignored")
        } catch {
            let diagnostic = error.diagnostics.first
            #expect(diagnostic?.id == .assertionFailed)
            #expect(diagnostic?.message.hasPrefix("assertion failed: expected = 999, but the query gave ") == true)
            #expect(diagnostic?.span?.start.line == 1)
            #expect(error.description.hasPrefix("facts.byl:1:1: error: assertion failed"))
        }
    }

    @Test func runGoesOnAfterAssertionsThatHold() throws {
        let results = try Session().run("assert (leaders count) > 0\nleaders count")
        #expect(results.count == 1)
    }

    @Test func asyncRunThrowsAtAFailedAssertion() async {
        await #expect(throws: BylineError.self) { try await Session().run("assert (visits count) = -1") }
    }

    @Test func testReturnsEveryOutcomeWithItsPlace() throws {
        let script = """
            assert (leaders count) > 0
            let congo = leaders where country = "Congo"
              assert (congo count) = 2
            assert (congo select name) = "Felix Tshisekedi"
            """
        let outcomes = try Session().test(script, name: "facts.byl")
        #expect(outcomes.map(\.passed) == [true, false, true])
        let failed = outcomes[1]
        #expect((failed.file, failed.line, failed.column) == ("facts.byl", 3, 3))
        #expect(failed.statement == "assert (congo count) = 2")
        #expect((failed.operator, failed.expected, failed.actual) == ("=", 2, 1))
        #expect(failed.message == "expected = 2, but the query gave 1")
        #expect(outcomes[0].actual != nil && outcomes[0].message.isEmpty)
    }

    @Test func testThrowsWhenTheScriptCannotRun() {
        #expect(throws: BylineError.self) { try Session().test("assert (leaders count) = 1\nleaders where nope = 1") }
        #expect(throws: BylineError.self) { try Session().test("assert (range(3) select 9223372036854775806 + value as v order by v desc limit 1) = 1") }
    }

    @Test func testReadsAFileAndNamesIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("byline-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("facts.byl").path
        try "leaders count\nassert (visits count) = 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        let outcomes = try Session().test(file: path)
        #expect(outcomes.map(\.file) == [path])
        #expect(outcomes.map(\.line) == [2])
        do {
            _ = try Session().test(file: folder.appendingPathComponent("missing.byl").path)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.diagnostics.first?.message.hasSuffix("missing.byl': there is no such file") == true)
        }
    }

    /// What the DocC article shows: each failed assertion becomes an issue at its line.
    @Test func aFailedAssertionFailsASwiftTestAtItsLine() throws {
        let outcomes = try Session().test("assert (leaders count) > 0\n\nassert (visits count) = -1", name: "Tests/facts.byl")
        withKnownIssue {
            for outcome in outcomes where !outcome.passed {
                Issue.record(
                    Comment(rawValue: outcome.message),
                    sourceLocation: Testing.SourceLocation(
                        fileID: outcome.file, filePath: outcome.file, line: outcome.line, column: outcome.column))
            }
        } matching: { issue in
            issue.sourceLocation?.line == 3 && issue.sourceLocation?.column == 1
                && issue.sourceLocation?.fileName == "facts.byl"
        }
    }
}
