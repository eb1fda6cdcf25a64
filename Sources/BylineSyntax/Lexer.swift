// Lexer: UTF-8 source bytes to tokens with spans. Collects errors and keeps going.

import BylineCore

/// Splits source text into tokens. Errors become diagnostics; lexing always reaches the end.
package struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    private var diagnostics: [Diagnostic] = []
    /// True when an unterminated string ran into the end of the input (the shell then reads more).
    private var endedInsideString = false

    /// The longest string literal accepted, in bytes.
    package static let maximumStringLength = 1 << 20

    /// The result of lexing: tokens (always ending with `endOfInput`) and any errors.
    public struct Output: Sendable {
        public var tokens: [Token]
        public var diagnostics: [Diagnostic]
        /// Whether the input stopped in the middle of a string literal.
        public var endedInsideString: Bool
    }

    /// Lexes a whole source file. Past `maximumTokens` it stops with an error and no tokens, so
    /// a script too large for the memory a caller allows is refused before it is held.
    public static func tokenize(_ source: SourceFile, maximumTokens: Int = .max) -> Output {
        var lexer = Lexer(bytes: source.bytes, maximumTokens: maximumTokens)
        lexer.run()
        return Output(tokens: lexer.tokens, diagnostics: lexer.diagnostics, endedInsideString: lexer.endedInsideString)
    }

    private let maximumTokens: Int

    private init(bytes: [UInt8], maximumTokens: Int) {
        self.bytes = bytes
        self.maximumTokens = maximumTokens
    }

    // MARK: - Driver

    private mutating func run() {
        var atLineStart = true
        while index < bytes.count {
            if tokens.count >= maximumTokens {
                tokens = []
                diagnostics = [Diagnostic(.scriptTooLarge(tokens: maximumTokens), at: SourceSpan(at: location))]
                endedInsideString = false
                break
            }
            let start = location
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
                continue
            case UInt8(ascii: "\n"):
                advance()
                if let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(.newline, SourceSpan(start: start, end: location)))
                }
                atLineStart = true
                continue
            case UInt8(ascii: "#"):
                skipToEndOfLine()
                continue
            case UInt8(ascii: "."):
                if atLineStart, isLetter(peek(1)) {
                    advance()
                    let textStart = index
                    skipToEndOfLine()
                    var text = String(decoding: bytes[textStart..<index], as: UTF8.self)
                    while let last = text.last, last.isWhitespace { text.removeLast() }
                    add(.dotCommand(text), from: start)
                    continue
                }
                advance()
                add(.dot, from: start)
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                lexString(quote: byte)
            case UInt8(ascii: "`"):
                lexQuotedIdentifier()
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumber()
            default:
                if isIdentifierStart(at: index) {
                    lexWord()
                } else {
                    lexPunctuation()
                }
            }
            atLineStart = false
        }
        tokens.append(Token(.endOfInput, SourceSpan(at: location)))
    }

    // MARK: - Token kinds

    private mutating func lexPunctuation() {
        let start = location
        let byte = bytes[index]
        advance()
        let kind: TokenKind
        switch byte {
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: "{"): kind = .leftBrace
        case UInt8(ascii: "}"): kind = .rightBrace
        case UInt8(ascii: ":"): kind = .colon
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: ";"): kind = .semicolon
        case UInt8(ascii: "+"): kind = .plus
        case UInt8(ascii: "-"): kind = .minus
        case UInt8(ascii: "*"): kind = .star
        case UInt8(ascii: "/"): kind = .slash
        case UInt8(ascii: "%"): kind = .percent
        case UInt8(ascii: "="):
            if peek(0) == UInt8(ascii: "~") {
                advance()
                kind = .tildeEqual
            } else {
                if peek(0) == UInt8(ascii: "=") { advance() }
                kind = .equal
            }
        case UInt8(ascii: "$") where index < bytes.count && isIdentifierStart(at: index):
            let nameStart = index
            while index < bytes.count, isIdentifierContinue(at: index) { advanceScalar() }
            kind = .parameter(String(decoding: bytes[nameStart..<index], as: UTF8.self))
        case UInt8(ascii: "!") where peek(0) == UInt8(ascii: "="):
            advance()
            kind = .notEqual
        case UInt8(ascii: "<"):
            if peek(0) == UInt8(ascii: "=") {
                advance()
                kind = .lessEqual
            } else if peek(0) == UInt8(ascii: ">") {
                advance()
                kind = .notEqual
            } else {
                kind = .less
            }
        case UInt8(ascii: ">"):
            if peek(0) == UInt8(ascii: "=") {
                advance()
                kind = .greaterEqual
            } else {
                kind = .greater
            }
        default:
            // Step over the whole UTF-8 sequence so the message names the real character.
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { advance() }
            let character = String(decoding: bytes[start.offset..<index], as: UTF8.self)
            if character == "\u{201C}" || character == "\u{2018}" {
                lexCurlyQuotedString(from: start, opening: character)
                return
            }
            // SQL's `||` (joining text) and C's `&&`, `||`: one error for the pair, saying what to write.
            if (character == "|" || character == "&"), peek(0) == bytes[start.offset] {
                advance()
                let message: DiagnosticMessage = character == "|" ? .sqlConcatenation : .unexpectedCharacter("&&", help: "use 'and' to combine conditions")
                diagnostics.append(Diagnostic(message, at: SourceSpan(start: start, end: location)))
                add(.invalid, from: start)
                return
            }
            let help = Lexer.lookalikeHelp[character]
            diagnostics.append(
                Diagnostic(.unexpectedCharacter(character, help: help), at: SourceSpan(start: start, end: location)))
            add(.invalid, from: start)
            return
        }
        add(kind, from: start)
    }

    /// Text in typographic quotes, as pasted from a word processor: one error for the whole string.
    private mutating func lexCurlyQuotedString(from start: SourceLocation, opening: String) {
        let closing = opening == "\u{201C}" ? Array("\u{201D}".utf8) : Array("\u{2019}".utf8)
        let contentStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            if bytes[index...].starts(with: closing) {
                let content = String(decoding: bytes[contentStart..<index], as: UTF8.self)
                for _ in closing { advance() }
                let quote = opening == "\u{201C}" ? "\"" : "'"
                diagnostics.append(
                    Diagnostic(.curlyQuotes(content, straight: quote), at: SourceSpan(start: start, end: location)))
                add(.invalid, from: start)
                return
            }
            advance()
        }
        // No closing curly quote on this line: report only the opening one.
        index = contentStart
        diagnostics.append(
            Diagnostic(
                .unexpectedCharacter(opening, help: Lexer.lookalikeHelp[opening]),
                at: SourceSpan(start: start, end: start.advanced(by: 1))))
        tokens.append(Token(.invalid, SourceSpan(start: start, end: start.advanced(by: 1))))
    }

    /// Characters that word processors put in place of the ones the language uses.
    private static let lookalikeHelp: [String: String] = [
        "\u{201C}": "use a straight double quote '\"' to start a string",
        "\u{201D}": "use a straight double quote '\"' to end a string",
        "\u{2018}": "use a straight quote to start a string",
        "\u{2019}": "use a straight quote to end a string",
        "!": "use 'not' to negate, or '!=' to compare",
        "&": "use 'and' to combine conditions",
        "|": "use 'or' to combine conditions",
    ]

    private mutating func lexWord() {
        let start = location
        while index < bytes.count, isIdentifierContinue(at: index) {
            advanceScalar()
        }
        let text = String(decoding: bytes[start.offset..<index], as: UTF8.self)
        if let keyword = Keyword(rawValue: text.lowercased()) {
            add(.keyword(keyword), from: start)
        } else {
            add(.identifier(text), from: start)
        }
    }

    private mutating func lexQuotedIdentifier() {
        let start = location
        advance()
        let textStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "`"), bytes[index] != UInt8(ascii: "\n") {
            advance()
        }
        let text = String(decoding: bytes[textStart..<index], as: UTF8.self)
        if index < bytes.count, bytes[index] == UInt8(ascii: "`") {
            advance()
            add(.identifier(text), from: start)
        } else {
            diagnostics.append(
                Diagnostic(.unterminatedQuotedName, at: SourceSpan(start: start, end: location)))
            add(.invalid, from: start)
        }
    }

    private mutating func lexNumber() {
        let start = location
        while index < bytes.count, isDigit(bytes[index]) { advance() }
        var isFloat = false
        if peek(0) == UInt8(ascii: "."), isDigit(peek(1)) {
            isFloat = true
            advance()
            while index < bytes.count, isDigit(bytes[index]) { advance() }
        }
        if peek(0) == UInt8(ascii: "e") || peek(0) == UInt8(ascii: "E") {
            let signed = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if isDigit(peek(signed ? 2 : 1)) {
                isFloat = true
                advance()
                if signed { advance() }
                while index < bytes.count, isDigit(bytes[index]) { advance() }
            }
        }
        let text = String(decoding: bytes[start.offset..<index], as: UTF8.self)
        let span = SourceSpan(start: start, end: location)
        if index < bytes.count, isIdentifierStart(at: index) {
            while index < bytes.count, isIdentifierContinue(at: index) { advanceScalar() }
            let whole = String(decoding: bytes[start.offset..<index], as: UTF8.self)
            diagnostics.append(
                Diagnostic(.nameStartsWithDigit(whole), at: SourceSpan(start: start, end: location)))
            add(.invalid, from: start)
            return
        }
        if isFloat {
            if let value = Double(text), value.isFinite {
                tokens.append(Token(.float(value), span))
            } else {
                diagnostics.append(Diagnostic(.numberOutOfRange(text), at: span))
                tokens.append(Token(.invalid, span))
            }
        } else if let value = Int(text) {
            tokens.append(Token(.integer(value), span))
        } else {
            tokens.append(Token(.oversizedInteger(text), span))
        }
    }

    private mutating func lexString(quote: UInt8) {
        let start = location
        advance()
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                advance()
                if value.count > Lexer.maximumStringLength {
                    diagnostics.append(
                        Diagnostic(.stringTooLong(maximum: Lexer.maximumStringLength), at: SourceSpan(start: start, end: location)))
                }
                add(.string(String(decoding: value, as: UTF8.self)), from: start)
                return
            }
            if byte == UInt8(ascii: "\\") {
                let escapeStart = location
                advance()
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                advance()
                switch escaped {
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "0"): value.append(0)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): value.append(escaped)
                case UInt8(ascii: "u"):
                    if let scalar = lexUnicodeEscape() {
                        value.append(contentsOf: Array(String(Character(scalar)).utf8))
                    } else {
                        diagnostics.append(
                            Diagnostic(.invalidUnicodeEscape, at: SourceSpan(start: escapeStart, end: location)))
                    }
                default:
                    diagnostics.append(
                        Diagnostic(.invalidEscape, at: SourceSpan(start: escapeStart, end: location)))
                }
                continue
            }
            value.append(byte)
            advance()
        }
        endedInsideString = true
        let quoteText = quote == UInt8(ascii: "\"") ? "\"" : "'"
        diagnostics.append(
            Diagnostic(.unterminatedString(quote: quoteText), at: SourceSpan(start: start, end: start.advanced(by: 1))))
        tokens.append(Token(.invalid, SourceSpan(start: start, end: start.advanced(by: 1))))
    }

    /// Reads `{hex}` after `\u`; nil when malformed.
    private mutating func lexUnicodeEscape() -> Unicode.Scalar? {
        guard peek(0) == UInt8(ascii: "{") else { return nil }
        advance()
        var digits = ""
        while index < bytes.count, bytes[index] != UInt8(ascii: "}"), digits.count <= 8 {
            digits.append(Character(Unicode.Scalar(bytes[index])))
            advance()
        }
        guard peek(0) == UInt8(ascii: "}") else { return nil }
        advance()
        guard !digits.isEmpty, digits.count <= 8, let code = UInt32(digits, radix: 16) else { return nil }
        return Unicode.Scalar(code)
    }

    // MARK: - Helpers

    private var location: SourceLocation {
        SourceLocation(offset: index, line: line, column: column)
    }

    private mutating func add(_ kind: TokenKind, from start: SourceLocation) {
        tokens.append(Token(kind, SourceSpan(start: start, end: location)))
    }

    private func peek(_ distance: Int) -> UInt8 {
        index + distance < bytes.count ? bytes[index + distance] : 0
    }

    /// Moves one byte; columns count Unicode scalars, so continuation bytes do not add a column.
    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func advanceScalar() {
        advance()
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { advance() }
    }

    private mutating func skipToEndOfLine() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { advance() }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private func isIdentifierStart(at position: Int) -> Bool {
        let byte = bytes[position]
        if isLetter(byte) || byte == UInt8(ascii: "_") { return true }
        return byte >= 0x80 && (scalar(at: position)?.properties.isAlphabetic ?? false)
    }

    private func isIdentifierContinue(at position: Int) -> Bool {
        isIdentifierStart(at: position) || isDigit(bytes[position])
    }

    /// Decodes the UTF-8 scalar starting at a byte position.
    private func scalar(at position: Int) -> Unicode.Scalar? {
        var iterator = bytes[position...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }
}

extension SourceLocation {
    /// The location a number of ASCII characters further on the same line.
    package func advanced(by count: Int) -> SourceLocation {
        SourceLocation(offset: offset + count, line: line, column: column + count)
    }
}
