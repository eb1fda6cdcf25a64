// Lexer: tokens, spans and lexical errors.
import Testing

@testable import Byline

@Suite struct LexerTests {
    private func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind)
    }

    private func errors(_ text: String) -> [String] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).diagnostics.map { "\($0.span!.start): \($0.message)" }
    }

    @Test(arguments: [
        ("leaders", [TokenKind.identifier("leaders"), .endOfInput]),
        ("WHERE Where where", [.keyword(.where), .keyword(.where), .keyword(.where), .endOfInput]),
        ("42 4.5 1e3 2E-2", [.integer(42), .float(4.5), .float(1000), .float(0.02), .endOfInput]),
        (#""a\"b\n" 'it\'s'"#, [.string("a\"b\n"), .string("it's"), .endOfInput]),
        (#""\u{1F600}""#, [.string("😀"), .endOfInput]),
        ("= == != <> < <= > >=", [.equal, .equal, .notEqual, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .endOfInput]),
        ("( ) [ ] , ; + - * / %", [.leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .semicolon, .plus, .minus, .star, .slash, .percent, .endOfInput]),
        ("`order` `first name`", [.identifier("order"), .identifier("first name"), .endOfInput]),
        ("a # comment\n\n\nb", [.identifier("a"), .newline, .identifier("b"), .endOfInput]),
        ("#!/usr/bin/env byline\nleaders", [.identifier("leaders"), .endOfInput]),
        (".mode json\nleaders", [.dotCommand("mode json"), .newline, .identifier("leaders"), .endOfInput]),
        ("café naïve", [.identifier("café"), .identifier("naïve"), .endOfInput]),
        ("x.y", [.identifier("x"), .dot, .identifier("y"), .endOfInput]),
        ("", [.endOfInput]),
    ])
    func tokenKinds(_ text: String, _ expected: [TokenKind]) {
        #expect(kinds(text) == expected)
    }

    @Test func spansCountLinesColumnsAndBytes() {
        let tokens = Lexer.tokenize(SourceFile(name: "t", text: "é = 1\n  where")).tokens
        #expect(tokens[0].span.start == SourceLocation(offset: 0, line: 1, column: 1))
        #expect(tokens[0].span.end == SourceLocation(offset: 2, line: 1, column: 2))
        #expect(tokens[1].span.start == SourceLocation(offset: 3, line: 1, column: 3))
        #expect(tokens[4].kind == .keyword(.where))
        #expect(tokens[4].span.start == SourceLocation(offset: 9, line: 2, column: 3))
    }

    @Test(arguments: [
        (#"x = "abc"#, ["1:5: unterminated string"]),
        (#""\q""#, [#"1:2: invalid escape sequence in string"#]),
        (#""\u{zz}""#, ["1:2: invalid unicode escape"]),
        ("a @ b", ["1:3: unexpected character '@'"]),
        ("a “b”", ["1:3: strings need straight quotes, not curly ones"]),
        ("a “b", ["1:3: unexpected character '“'"]),
        ("a ”b", ["1:3: unexpected character '”'"]),
        ("2abc", ["1:1: invalid number '2abc'"]),
        ("`open", ["1:1: unterminated quoted name"]),
    ])
    func lexicalErrors(_ text: String, _ expected: [String]) {
        #expect(errors(text) == expected)
    }

    @Test func curlyQuotesGetAHelpLine() {
        let pair = Lexer.tokenize(SourceFile(name: "t", text: "“Congo”")).diagnostics.first
        #expect(pair?.help == "write it as \"Congo\"")
        let lone = Lexer.tokenize(SourceFile(name: "t", text: "‘Congo")).diagnostics.first
        #expect(lone?.help == "use a straight quote to start a string")
    }

    @Test func unreadableTextBecomesAnInvalidToken() {
        #expect(kinds("a @ b") == [.identifier("a"), .invalid, .identifier("b"), .endOfInput])
        // Digits too large for an integer are the parser's to judge: only -9223372036854775808 is valid.
        #expect(kinds("x = 99999999999999999999") == [.identifier("x"), .equal, .oversizedInteger("99999999999999999999"), .endOfInput])
    }

    @Test func unterminatedStringAtEndIsReported() {
        let output = Lexer.tokenize(SourceFile(name: "t", text: "a = \"open\nstill open"))
        #expect(output.endedInsideString)
    }

    @Test func stringsMaySpanLines() {
        #expect(kinds("\"a\nb\"") == [.string("a\nb"), .endOfInput])
    }
}
