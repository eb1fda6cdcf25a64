// Tokens: the lexer's output, each with the span of text it came from.

import BylineCore

/// Words the language reserves. Case-insensitive in source.
package enum Keyword: String, Sendable, CaseIterable {
    case `let`, def, explain, load, save, chart, assert, cite
    case `where`, select, `as`, order, by, asc, desc, limit, offset, count, group, distinct, join, left, on, append, except, intersect
    case and, or, not, `in`, `is`, null, `true`, `false`, contains, starts, ends, with, matches

    /// Every clause as it is written, in the order help lists them. The one list: completion,
    /// the parser's help and its suggestions, and `clauseStarters` come from it.
    public static let clauseForms = [
        "where", "select", "order by", "group by", "join", "left join", "append", "except", "intersect", "distinct", "limit", "count", "save", "chart", "cite",
    ]

    /// Keywords that begin a clause; a line starting with one continues the statement above it.
    public static let clauseStarters: Set<Keyword> = Set(clauseForms.compactMap { Keyword(rawValue: String($0.prefix { $0 != " " })) })

    /// Words written between operands, as they are written (for completion).
    public static let infixForms = [
        "and", "or", "contains", "starts with", "ends with", "matches", "in", "not in", "between", "not between", "is null", "is not null",
        "as", "asc", "desc",
    ]

    /// Words that can begin an operand.
    public static let operandForms = ["not", "null", "true", "false"]
}

/// What a token is, with the value it carries.
package enum TokenKind: Sendable, Equatable {
    case identifier(String)
    case keyword(Keyword)
    case string(String)
    case integer(Int)
    /// Digits too large for an integer. Only `-9223372036854775808` (the smallest integer, whose
    /// digits alone do not fit) is a valid use; the parser reports every other.
    case oversizedInteger(String)
    /// `$name`: a value given from outside the query (`--arg`, `.param set`, the library).
    case parameter(String)
    case float(Double)
    case leftParen, rightParen, leftBracket, rightBracket
    /// `{`, `}` and `:`: the rows of an inline table, `[{code: 1, name: "one"}]`.
    case leftBrace, rightBrace, colon
    case comma, semicolon, dot
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    /// `=~`: equality ignoring case.
    case tildeEqual
    case plus, minus, star, slash, percent
    /// A line break at the top level, which may end a statement.
    case newline
    /// A whole line starting with `.`, such as `.tables` or `.mode json`.
    case dotCommand(String)
    /// Text the lexer could not read; it has reported why, so the parser stays quiet about it.
    case invalid
    case endOfInput

    /// How the token is named in "expected X, found Y" messages.
    public var displayName: String {
        switch self {
        case .identifier(let name): return "'\(name)'"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .string: return "a string"
        case .integer, .float, .oversizedInteger: return "a number"
        case .parameter(let name): return "'$\(name)'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .comma: return "','"
        case .semicolon: return "';'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .colon: return "':'"
        case .dot: return "'.'"
        case .equal: return "'='"
        case .notEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .tildeEqual: return "'=~'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .newline: return "end of line"
        case .dotCommand(let text): return "command '\(text)'"
        case .invalid: return "invalid text"
        case .endOfInput: return "end of input"
        }
    }
}

/// One token and where it stands in the source.
package struct Token: Sendable, Equatable {
    /// What the token is.
    public var kind: TokenKind
    /// The text it was read from.
    public var span: SourceSpan

    /// Creates a token.
    public init(_ kind: TokenKind, _ span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    /// The keyword this token is, if it is one.
    public var keyword: Keyword? {
        if case .keyword(let keyword) = kind { return keyword }
        return nil
    }
}
