// The grammar-aware fuzzer with fixed seeds: generated statements with boundary values through the
// library, limits on. A trap ends the test run; an error without a place fails here. Long runs:
// `swift run -c release GrammarFuzz SECONDS [SEED]`.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct GrammarFuzzTests {
    @Test func generatedStatementsNeverTrapAndEveryErrorHasAPlace() {
        var findings: [String] = []
        var checked = 0
        for seed in UInt64(1)...8 {
            var fuzzer = GrammarFuzzer(seed: seed)
            let session = GrammarFuzzer.session()
            let tables = GrammarFuzzer.tables(in: session)
            for _ in 0..<40 {
                let script = fuzzer.script(tables: tables)
                let outcome = GrammarFuzzer.run(script, session: session)
                if let finding = outcome.finding { findings.append("\(finding):\n\(script)") }
                if outcome.checked { checked += 1 }
            }
        }
        #expect(findings.isEmpty, Comment(rawValue: findings.prefix(5).joined(separator: "\n")))
        // Most generated scripts must reach the engine, or the fuzzer tests only the checker.
        #expect(checked > 100)
    }

    /// What the fuzzer found, kept as scripts: each must now run without a finding.
    static let findings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    @Test func earlierFindingsStayFixed() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.findings.path).filter { $0.hasSuffix(".byl") }
        #expect(!names.isEmpty)
        for name in names {
            let script = try String(contentsOf: Self.findings.appendingPathComponent(name), encoding: .utf8)
            let outcome = GrammarFuzzer.run(script, session: GrammarFuzzer.session())
            #expect(outcome.finding == nil, "\(name)")
            #expect(outcome.checked, "\(name)")
        }
    }
}
