// A catalogue of known-bad inputs with the exact diagnostics byline renders for each.
import Foundation
import Testing

@testable import Byline

@Suite struct DiagnosticGoldenTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/diagnostics.txt")

    struct Case {
        var title: String
        var input: String
        var expected: String
    }

    /// A case without exactly one `---` line: it would otherwise be skipped without a word.
    struct MalformedCase: Error, CustomStringConvertible {
        var title: String
        var description: String { "diagnostics.txt: case '\(title)' needs its input, one '---' line, then the expected output" }
    }

    /// Parses the catalogue: a header, then cases of '### title', input, '---', expected output.
    static func cases() throws -> (header: String, cases: [Case]) {
        let text = try String(contentsOf: file, encoding: .utf8)
        let chunks = text.components(separatedBy: "\n### ")
        var cases: [Case] = []
        for chunk in chunks.dropFirst() {
            let parts = chunk.components(separatedBy: "\n---\n")
            guard parts.count == 2 else {
                throw MalformedCase(title: String(chunk.prefix { $0 != "\n" }))
            }
            var lines = parts[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let title = lines.removeFirst()
            cases.append(Case(title: title, input: lines.joined(separator: "\n"), expected: parts[1]))
        }
        return (chunks[0], cases)
    }

    static func render(_ input: String) -> String {
        let session = Session()
        let source = SourceFile(name: "<input>", text: input)
        let script = session.check(source)
        var diagnostics = script.diagnostics
        if !script.hasErrors {
            // Runtime errors (none expected here) would show as a missing check.
            diagnostics.append(Diagnostic(.runtimeFailure, "no error was reported", at: nil))
        }
        return DiagnosticRenderer().render(diagnostics, in: source)
    }

    @Test func theCatalogueCoversEnoughKindsOfMistake() throws {
        let cases = try Self.cases().cases
        #expect(cases.count >= 30)
        #expect(Set(cases.map(\.title)).count == cases.count)
    }

    @Test func everyCaseRendersExactly() throws {
        let (header, cases) = try Self.cases()
        var rewritten = header
        for item in cases {
            let actual = Self.render(item.input)
            rewritten += "\n### \(item.title)\n\(item.input)\n---\n\(actual)"
            #expect(actual == item.expected, "case '\(item.title)'")
            #expect(!actual.contains("no error was reported"), "case '\(item.title)' is not an error")
        }
        if ProcessInfo.processInfo.environment["BYLINE_UPDATE_GOLDEN"] == "1" {
            try rewritten.write(to: Self.file, atomically: true, encoding: .utf8)
        }
    }
}
