// Every escape a string literal may hold (README, "The language"), each against the scalars it
// stands for, written here as numbers: so a lexer that turns `\t` into a space, or `\r` into
// `\n`, fails.
import Testing

@testable import Byline

@Suite struct StringEscapeTests {
    @Test(arguments: [
        (#""a\tb""#, [0x61, 0x09, 0x62]), (#""\n""#, [0x0A]), (#""\r""#, [0x0D]), (#""\r\n""#, [0x0D, 0x0A]),
        (#""\0""#, [0x00]), (#""\\""#, [0x5C]), (#""\"""#, [0x22]), (#"'\''"#, [0x27]), (#""\'""#, [0x27]),
        (#""\u{E9}""#, [0xE9]), (#""e\u{301}""#, [0x65, 0x301]), (#""\u{1F600}x""#, [0x1F600, 0x78]),
        (#""\\t""#, [0x5C, 0x74]), (#""tab\there""#, [0x74, 0x61, 0x62, 0x09, 0x68, 0x65, 0x72, 0x65]),
    ])
    func escapesStandForTheirScalars(_ source: String, _ scalars: [UInt32]) {
        let output = Lexer.tokenize(SourceFile(name: "t", text: source))
        #expect(output.diagnostics.isEmpty, "\(source)")
        guard case .string(let text)? = output.tokens.first?.kind else {
            Issue.record("\(source) is not one string: \(output.tokens.map(\.kind))")
            return
        }
        #expect(text.unicodeScalars.map(\.value) == scalars, "\(source)")
    }

    /// Through the whole pipeline: the escaped string's length and its code points.
    @Test func escapedStringsReachTheEngineUnchanged() throws {
        let results = try Session(tables: []).run(#"range(1) select length("a\tb\r\n") as n, "x\ty" = "x" + "\t" + "y" as same"#)
        #expect(results.last?.rows == [[.integer(5), .bool(true)]])
    }
}
