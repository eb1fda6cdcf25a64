// Cited sentences in the text formats: whole, wrapped at the terminal's width, a line each in the
// line (and expanded) format, and inside the box's frame.
import Testing

@testable import Byline

@Suite struct CitationFormattingTests {
    private func result(_ query: String) throws -> ResultSet {
        try #require(try Session().run(query).last)
    }

    /// The words of the text, whatever the lines and indents it was laid out in.
    private func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" }).map(String.init)
    }

    private let query = #"leaders where name = "Tshisekedi" select name cite"#

    private func sentences(_ result: ResultSet) -> [String] {
        (result.citations?.first ?? []).map { "[\($0.id)] \($0.text)" }
    }

    @Test func aTableWrapsEachSentenceAtTheWidthAndCutsNothing() throws {
        let result = try result(query)
        var options = OutputOptions()
        options.maximumWidth = 60
        let text = ResultFormatter.format(result, as: .table, options: options)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(text)")
        #expect(!text.contains("…"))
        // Every word of every sentence is there, in order.
        let expected = ["name", "Felix", "Tshisekedi"] + sentences(result).flatMap(words)
        #expect(Array(words(text).filter { !$0.hasPrefix("-") }.prefix(expected.count)) == expected)
        // Lines after a sentence's first are indented under its text.
        let second = try #require(lines.firstIndex { $0.hasPrefix("     [13] ") })
        #expect(lines[second + 1].hasPrefix("          ") && !lines[second + 1].hasPrefix("           "))
    }

    @Test func withoutAWidthEachSentenceIsOneWholeLine() throws {
        let result = try result(query)
        let text = ResultFormatter.format(result, as: .table)
        for sentence in sentences(result) {
            #expect(text.contains("\n     " + sentence + "\n"))
        }
    }

    @Test func theLineFormatGivesEachSentenceLinesOfItsOwn() throws {
        let result = try result(query)
        let text = ResultFormatter.format(result, as: .line)
        #expect(!text.contains("\\n"))
        #expect(text.hasPrefix(" name = Felix Tshisekedi\ncited = [1] Leaders of Kazakhstan"))
        for sentence in sentences(result) { #expect(text.contains(sentence + "\n"), "\(sentence)") }
        #expect(text.contains("\n        [13] Another leader"))
        var options = OutputOptions()
        options.maximumWidth = 50
        let narrow = ResultFormatter.format(result, as: .line, options: options)
        #expect(narrow.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 50 }, "\(narrow)")
        #expect(words(narrow) == words(text))
        // Written in blocks, as the shell writes, the same.
        var written = ""
        _ = ResultFormatter.write(result, as: .line, options: options) { written += $0; return true }
        #expect(written == narrow)
    }

    @Test func theBoxKeepsSentencesInsideItsFrame() throws {
        let result = try result(query)
        for width in [Int?.none, 70] {
            var options = OutputOptions()
            options.maximumWidth = width
            let text = ResultFormatter.format(result, as: .box, options: options)
            let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("(") }
            let frame = DisplayWidth.of(lines[0])
            #expect(lines.allSatisfy { DisplayWidth.of($0) == frame }, "\(text)")
            #expect(lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix("│") || $0.hasPrefix("├") }, "\(text)")
            #expect(lines.last?.hasPrefix("└") == true)
            if let width { #expect(frame <= width) }
            #expect(words(text).joined(separator: " ").contains(sentences(result).flatMap(words).joined(separator: " ")))
        }
    }

    @Test func aLongWordIsSplitNotCut() {
        let lines = CitationText.wrap("a " + String(repeating: "x", count: 50) + " b", to: 24)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 24 })
        #expect(lines.joined().filter { $0 == "x" }.count == 50)
        #expect(lines.first == "a" && lines.last?.hasSuffix(" b") == true)
    }
}
