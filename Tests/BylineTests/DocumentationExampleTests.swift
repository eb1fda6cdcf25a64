// The Swift Testing code of the DocC article GettingStarted.md, as written there, so that the
// article cannot show code that does not compile or does not pass. (The rest of its snippets are
// in Examples/Embedding, which CI builds and runs.)
import Foundation
import Synchronization
import Testing

import Byline

// MARK: - From "Test a script"

/// Runs a Byline script as `byline test` does and records each failed assertion as an issue at
/// its line in the script.
func expectAssertions(in path: String, session: Session = Session()) throws {
    for outcome in try session.test(file: path) where !outcome.passed {
        Issue.record(
            Comment(rawValue: "\(outcome.statement): \(outcome.message)"),
            sourceLocation: Testing.SourceLocation(
                fileID: outcome.file, filePath: outcome.file, line: outcome.line, column: outcome.column))
    }
}

// MARK: - From "Typed rows and parameters"

struct Leader: Decodable, Equatable {
    var name: String
    var title: String
}

@Test func theCongoHasOneLeader() throws {
    let session = Session()
    let country = "Congo"
    let leaders = try session.rows(Leader.self, "leaders where country = $c select name, title", parameters: ["c": country])
    #expect(leaders == [Leader(name: "Felix Tshisekedi", title: "President")])
    #expect(try session.value("leaders where country = $c count", parameters: ["c": country]) == 1)
}

// MARK: - From "Tasks and cancellation"

@Test func aQueryStopsWhenItsTaskIsCancelled() async throws {
    let session = Session()
    let task = Task { try await session.run("range(100000000) order by value desc limit 1") }
    task.cancel()
    await #expect(throws: BylineError.self) { try await task.value }
}

// MARK: - The article's claims, checked

@Suite struct DocumentationExampleTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts")

    @Test func aScriptWhoseAssertionsHoldRecordsNothing() throws {
        try expectAssertions(in: Self.scripts.appendingPathComponent("article-facts.byl").path)
    }

    @Test func eachFailedAssertionIsAnIssueAtItsLine() throws {
        let path = Self.scripts.appendingPathComponent("failing.byl").path
        let lines = Mutex<[Int]>([])
        withKnownIssue {
            do { try expectAssertions(in: path) } catch { Issue.record(error) }
        } matching: { issue in
            guard let place = issue.sourceLocation, place.fileID == path else { return false }
            lines.withLock { $0.append(place.line) }
            return true
        }
        #expect(lines.withLock { $0 } == [2, 3])
    }
}
