// Keeps Grammar/byline.ebnf true: its productions match the parser's, and its examples parse.
import Foundation
import Testing

@testable import Byline

@Suite struct GrammarTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    private static func normalize(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    /// `name = …` productions from the grammar's syntax section, each ending at ";".
    private static func grammarProductions() throws -> [String: String] {
        let grammar = try read("Grammar/byline.ebnf")
        guard let start = grammar.range(of: "(* -- syntax -- *)"), let end = grammar.range(of: "(* -- lexical -- *)") else {
            return [:]
        }
        var productions: [String: String] = [:]
        // A production ends with " ;" at the end of a line (";" inside quotes is a terminal).
        var pending = ""
        var texts: [String] = []
        for line in grammar[start.upperBound..<end.lowerBound].split(separator: "\n") {
            pending += " " + line
            if line.hasSuffix(" ;") {
                texts.append(String(pending.dropLast(2)))
                pending = ""
            }
        }
        for production in texts {
            let text = normalize(production)
            guard let equals = text.range(of: " = ") else { continue }
            productions[String(text[..<equals.lowerBound])] = text
        }
        return productions
    }

    /// `// name = …` comments in the parser, with their `//   | …` continuation lines.
    private static func parserProductions() throws -> [String: String] {
        let source = try read("Sources/BylineSyntax/Parser.swift")
        var productions: [String: String] = [:]
        var current: String?
        for line in source.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("// ") else {
                current = nil
                continue
            }
            let body = String(trimmed.dropFirst(3))
            if let name = current, body.trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                productions[name] = normalize(productions[name]! + " " + body)
                continue
            }
            let words = body.split(separator: " ")
            if words.count > 2, words[1] == "=", words[0].allSatisfy({ $0.isLowercase || $0 == "_" }) {
                current = String(words[0])
                productions[String(words[0])] = normalize(body)
            } else {
                current = nil
            }
        }
        return productions
    }

    @Test func everyGrammarRuleIsTheParsersRule() throws {
        let grammar = try Self.grammarProductions()
        let parser = try Self.parserProductions()
        #expect(grammar.count >= 19)
        #expect(Set(grammar.keys) == Set(parser.keys))
        for (name, production) in grammar {
            #expect(parser[name] == production, "rule '\(name)' differs between Grammar/byline.ebnf and Parser.swift")
        }
    }

    @Test func everyExampleParsesAndChecks() throws {
        let examples = try Self.read("Grammar/byline.ebnf").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("example: ") }
            .map { String($0.dropFirst("example: ".count)) }
        #expect(examples.count >= 10)
        for example in examples {
            let session = Session()
            let script = session.check(SourceFile(name: "example", text: example))
            #expect(script.diagnostics.isEmpty, "\(example): \(script.diagnostics)")
            #expect(throws: Never.self) { try session.run(example) }
        }
    }

    @Test func everyErrorExampleFailsWithItsMessage() throws {
        let cases = try Self.read("Grammar/byline.ebnf").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("error: ") }
            .map { $0.dropFirst("error: ".count).components(separatedBy: " => ") }
        #expect(cases.count >= 5)
        for parts in cases {
            let script = Session().check(SourceFile(name: "example", text: parts[0]))
            #expect(script.diagnostics.first?.message == parts[1], "\(parts[0])")
        }
    }
}
