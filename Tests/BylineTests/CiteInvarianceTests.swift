// `cite` is an annotation: every statement of every example script gives the same fields and
// rows when every query cites (the shell's `.cite on`) as when none does.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct CiteInvarianceTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []).filter { $0.hasSuffix(".byl") }.sorted()
    }

    /// What each statement of a script gives, without citations: its errors, fields and rows.
    static func outcomes(of script: String, citing: Bool) throws -> (answers: [String], cited: Int) {
        // In a copy of the folder, so what an example saves goes away with the copy.
        let copy = try TemporaryFolder("cite-example")
        defer { copy.remove() }
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path) where name != "Embedding" {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(name), to: copy.url.appendingPathComponent(name))
        }
        let text = try String(contentsOf: examples.appendingPathComponent(script), encoding: .utf8)
        let session = Session()
        session.fileAccess = .confined(to: copy.url.path)
        session.citesEveryQuery = citing
        let checked = session.check(SourceFile(name: script, text: text))
        var answers = checked.diagnostics.filter { $0.severity == .error }.map { "error \($0.message)" }
        var cited = 0
        for statement in checked.statements {
            do {
                switch try session.execute(statement, in: checked) {
                case .rows(let result) where statement.kind == .explain || statement.kind == .explainAnalyze:
                    // A plan shows how the query runs, which with `cite` includes collecting evidence.
                    answers.append("a plan of \(result.rowCount) steps")
                case .rows(let result):
                    if result.citations != nil { cited += 1 }
                    answers.append(result.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + "\n" + result.rows.map { "\($0)" }.joined(separator: "\n"))
                case let other:
                    answers.append("\(other)")
                }
            } catch {
                answers.append("error " + error.diagnostics.map(\.message).joined(separator: "; "))
            }
        }
        return (answers, cited)
    }

    @Test func thereAreExamples() {
        #expect(Self.scripts.count >= 10)
    }

    @Test(arguments: scripts)
    func everyExampleGivesTheSameRowsWithAndWithoutCite(_ script: String) throws {
        let plain = try Self.outcomes(of: script, citing: false)
        let citing = try Self.outcomes(of: script, citing: true)
        #expect(plain.answers.count == citing.answers.count)
        for (without, with) in zip(plain.answers, citing.answers) {
            #expect(without == with, "\(script): with cite\n\(with.prefix(600))\nwithout\n\(without.prefix(600))")
        }
    }
}
