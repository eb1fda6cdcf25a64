// No input crashes byline: thousands of random and mutated statements, in-process and through -c.
import Byline
import BylineShell
import Foundation
import Testing
import TestSupport

@Suite struct RobustnessTests {
    static let seeds: [String] = {
        var seeds = [
            #"leaders where country = "Congo" select name, title order by name"#,
            #"visits where visitor = "Nursultan Nazarbayev" count"#,
            "let k = leaders where status = \"current\"\nk select name limit 2",
            #"events where date >= "--06" and "Tokayev" in people select when, description"#,
            "visits select year + 1 as a, year / 0, -year order by a desc limit 3",
            "sentences where text contains 'ebola' or id in [1, 2, 3]",
            ".mode json\n.schema leaders\n.help mode",
        ]
        let examples = BylineBinary.packageRoot.appendingPathComponent("Examples")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? [] where name.hasSuffix(".byl") {
            if let text = try? String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8) {
                seeds.append(text)
            }
        }
        return seeds
    }()

    static let fragments = [
        "(", ")", "[", "]", ",", ";", "\n", "\"", "'", "`", "=", "!=", "<", ">=", "+", "-", "*", "/", "%",
        "where", "select", "order by", "limit", "count", "and", "or", "not", "in", "is null", "contains", "let",
        "as", "desc", "null", "true", "9223372036854775807", "-9223372036854775808", "0", "1e308", "\\", "\u{0}",
        "é", "😀", "\u{201C}", ".", ".read", "#", "leaders", "name", "year", "date", "\"--03\"", "\"x\"",
    ]

    static func mutate(_ text: String, using random: inout SplitMix64) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !characters.isEmpty:
                characters.remove(at: position)
            case 1:
                characters.insert(contentsOf: fragments.randomElement(using: &random)!, at: position)
            case 2 where !characters.isEmpty:
                characters = Array(characters[..<position])
            default:
                let scalar = Unicode.Scalar(UInt8.random(in: 0...127, using: &random))
                characters.insert(Character(scalar), at: position)
            }
        }
        return String(characters)
    }

    static func randomStatement(using random: inout SplitMix64) -> String {
        (0..<Int.random(in: 1...12, using: &random)).map { _ in fragments.randomElement(using: &random)! }
            .joined(separator: Bool.random(using: &random) ? " " : "")
    }

    /// Runs in-process: every outcome is success or failure, and a failure always says something.
    @Test func thousandsOfInputsInProcess() throws {
        // Mutated examples save and load files: only inside a folder removed afterwards.
        let folder = try TemporaryFolder("robust")
        defer { folder.remove() }
        var random = SplitMix64(state: 42)
        for index in 0..<4000 {
            let text =
                index % 2 == 0
                ? Self.mutate(Self.seeds.randomElement(using: &random)!, using: &random)
                : Self.randomStatement(using: &random)
            let output = BufferSink()
            let errors = BufferSink()
            let session = Session()
            session.fileAccess = .confined(to: folder.url.path)
            let runner = ScriptRunner(session: session, output: output, errors: errors)
            let outcome = runner.run(SourceFile(name: "<command>", text: text.replacingOccurrences(of: ".read", with: ".mode")))
            if outcome == .failure {
                #expect(!errors.text.isEmpty, "no message for failing input \(text.debugDescription)")
            }
        }
    }

    /// Through the real binary with -c: exit 0 or 1, and a message whenever it is 1.
    @Test func hundredsOfInputsThroughTheBinary() throws {
        let folder = try TemporaryFolder("robust")
        defer { folder.remove() }
        var random = SplitMix64(state: 7)
        for index in 0..<250 {
            var text =
                index % 2 == 0
                ? Self.mutate(Self.seeds.randomElement(using: &random)!, using: &random)
                : Self.randomStatement(using: &random)
            text = text.replacingOccurrences(of: "\u{0}", with: "")  // argv cannot carry NUL
            let run = try BylineBinary.run(["-c", text], in: folder.url)
            #expect(run.status == 0 || run.status == 1, "exit \(run.status) for \(text.debugDescription)")
            if run.status == 1 {
                #expect(!run.stderr.isEmpty, "no message for \(text.debugDescription)")
            }
        }
    }
}
