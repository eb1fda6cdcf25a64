// The catalogue of messages stays the one place messages are written, and its sentences keep
// one style. Reads the sources, so a message written inline where it is raised fails here.
import Foundation
import Testing

@testable import Byline

@Suite struct DiagnosticCatalogueTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    static let catalogues = ["BylineCore/Diagnostics/DiagnosticMessages.swift", "BylineShell/CommandMessages.swift"]

    static func swiftFiles() throws -> [(path: String, text: String)] {
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        var files: [(String, String)] = []
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            files.append((path, try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)))
        }
        #expect(files.count > 50, "found the sources at \(sources.path)")
        return files
    }

    /// Every text in `Self(.id, "…")` of the catalogues, with its id.
    static func catalogueTexts() throws -> [(id: String, text: String)] {
        let pattern = try NSRegularExpression(pattern: #"Self\(\s*\.([a-zA-Z]+),\s*"((?:[^"\\]|\\.)*)""#)
        var found: [(String, String)] = []
        for name in catalogues {
            let text = try String(contentsOf: sources.appendingPathComponent(name), encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                guard let id = Range(match.range(at: 1), in: text), let message = Range(match.range(at: 2), in: text) else { continue }
                found.append((String(text[id]), String(text[message])))
            }
        }
        return found
    }

    @Test func noMessageIsWrittenWhereItIsRaised() throws {
        // A diagnostic, a binder or parser failure, or a load error made from an id and a literal.
        let inline = try NSRegularExpression(
            pattern: #"(Diagnostic|fail|error)\(\s*(\.[a-zA-Z]+,\s*)+"|LoadError\(file:[^)]*message:\s*"|\.failed\(\s*"|EvaluationError\(\s*""#)
        var offenders: [String] = []
        for (path, text) in try Self.swiftFiles() where !Self.catalogues.contains(path) {
            for match in inline.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let line = text[..<(Range(match.range, in: text)?.lowerBound ?? text.startIndex)].filter { $0 == "\n" }.count + 1
                offenders.append("\(path):\(line)")
            }
        }
        #expect(offenders.isEmpty, "write these messages in the catalogue (DiagnosticMessages.swift): \(offenders)")
    }

    @Test func messagesAreLowercaseSentencesWithoutAFinalPeriod() throws {
        let texts = try Self.catalogueTexts()
        #expect(texts.count > 90)
        for (id, text) in texts {
            #expect(DiagnosticID(rawValue: id) != nil, "'\(id)' is not a DiagnosticID")
            #expect(text.first.map { !$0.isUppercase } ?? false, "'\(text)' starts with a capital letter or is empty")
            #expect(!text.hasSuffix(".") || text.hasSuffix("..."), "'\(text)' ends with a period")
        }
    }

    @Test func everyIdHasAMessage() throws {
        let pattern = try NSRegularExpression(pattern: #"Self\(\s*(?:[a-z]+ \? )?\.([a-zA-Z]+)[,)]| : \.([a-zA-Z]+),"#)
        var used = Set<String>()
        for name in Self.catalogues {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(name), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                for group in 1...2 {
                    if let range = Range(match.range(at: group), in: text) { used.insert(String(text[range])) }
                }
            }
        }
        for id in DiagnosticID.allCases {
            #expect(used.contains(id.rawValue), "no message of the catalogue has the id '\(id)'")
        }
    }
}
