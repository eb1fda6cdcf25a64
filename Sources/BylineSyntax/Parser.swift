// Parser: tokens to a syntax tree by recursive descent, one method per grammar rule.
// It recovers at statement boundaries so one run reports every syntax error of a script.

import BylineCore

/// Parses a script. Use `Parser.parse(_:)`.
package struct Parser {
    /// The result of parsing: the statements that parsed, every error, and whether input ended too soon.
    public struct Output: Sendable {
        public var script: Script
        public var diagnostics: [Diagnostic]
        /// True when parsing failed only because the input stopped (an open bracket or string, a
        /// trailing operator). The shell then reads another line instead of reporting an error.
        public var isIncomplete: Bool
    }

    /// How deeply expressions may nest before the parser refuses (instead of overflowing the stack).
    public static let maximumNestingDepth = 128
    /// How deep an expression's tree may be, counting chains such as `a or b or c` (each link is a level).
    /// The binder, the compiler and the SQL generator recurse once per level; 512 overflowed the
    /// 8 MiB main stack of a debug build (the shell fuzzer's finding), 256 leaves room in both.
    public static let maximumTreeDepth = 256

    private let tokens: [Token]
    private var position = 0
    private var bracketDepth = 0
    private var nestingDepth = 0
    private var diagnostics: [Diagnostic] = []
    private var failedAtEnd = false

    private struct Failure: Error {}

    /// About what one token takes while a script is checked: the token, and its share of the
    /// syntax tree, the plans and the checked statements made from it.
    public static let bytesPerToken = 512

    /// Lexes and parses a whole source file; a script of more than `maximumTokens` tokens is
    /// refused (see `Lexer.tokenize(_:maximumTokens:)`).
    public static func parse(_ source: SourceFile, maximumTokens: Int = .max) -> Output {
        let lexed = Lexer.tokenize(source, maximumTokens: maximumTokens)
        var parser = Parser(tokens: lexed.tokens)
        let script = parser.parseScript()
        let diagnostics = (lexed.diagnostics + parser.diagnostics).sorted { lhs, rhs in
            (lhs.span?.start.offset ?? 0) < (rhs.span?.start.offset ?? 0)
        }
        let lexIncomplete = lexed.endedInsideString && lexed.diagnostics.count == 1
        let parseIncomplete = parser.failedAtEnd && lexed.diagnostics.isEmpty
        return Output(
            script: script, diagnostics: diagnostics,
            isIncomplete: lexIncomplete || (parseIncomplete && parser.diagnostics.count == 1))
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    // MARK: - Statements

    // script = { statement ( NEWLINE | ";" ) }
    private mutating func parseScript() -> Script {
        var statements: [Statement] = []
        while true {
            skipStatementSeparators()
            if check(.endOfInput) { break }
            do {
                statements.append(try parseStatement())
                try expectStatementEnd()
            } catch {
                synchronize()
            }
        }
        return Script(statements: statements)
    }

    // statement = command | binding | definition | explain | load | assertion | query
    private mutating func parseStatement() throws(Failure) -> Statement {
        let token = current
        if case .dotCommand(let text) = token.kind {
            advance()
            return Statement(kind: .command(text), span: token.span)
        }
        if match(.let) {
            return try parseBinding(from: token)
        }
        if match(.def) {
            return try parseDefinition(from: token)
        }
        if match(.load) {
            // load = "load" STRING [ "as" NAME ]
            guard case .string(let path) = current.kind else {
                throw error(.expectedLoadPath(found: current.kind.displayName), at: current.span)
            }
            let pathSpan = current.span
            advance()
            let name = match(.as) ? try consumeName(purpose: "a table name after 'as'") : nil
            return Statement(kind: .load(path: path, pathSpan: pathSpan, name: name), span: token.span.union(previous.span))
        }
        if match(.assert) {
            return try parseAssertion(from: token)
        }
        if match(.explain) {
            // explain = "explain" [ "analyze" ] query
            // `analyze` is a word only here: unquoted, and followed by the query.
            var analyze = false
            if case .identifier(let word) = current.kind, word.lowercased() == "analyze",
                current.span.end.offset - current.span.start.offset == word.utf8.count,
                case .identifier = tokens[min(position + 1, tokens.count - 1)].kind
            {
                analyze = true
                advance()
            }
            let query = try parseQuery()
            return Statement(kind: .explain(query, analyze: analyze), span: token.span.union(query.span))
        }
        if case .identifier(let word) = token.kind, word.lowercased() == "help", position + 2 < tokens.count {
            // `help where`, as the shell takes it: no query reads so, whatever tables exist.
            let topic = tokens[position + 1]
            switch (topic.kind, tokens[position + 2].kind) {
            case (.identifier(let name), .newline), (.identifier(let name), .semicolon), (.identifier(let name), .endOfInput):
                throw error(.bareHelp(name), at: token.span.union(topic.span))
            case (.keyword(let keyword), .newline), (.keyword(let keyword), .semicolon), (.keyword(let keyword), .endOfInput):
                throw error(.bareHelp(keyword.rawValue), at: token.span.union(topic.span))
            default:
                break
            }
        }
        let query = try parseQuery()
        return Statement(kind: .query(query), span: query.span)
    }

    // binding = "let" NAME "=" query
    private mutating func parseBinding(from letToken: Token) throws(Failure) -> Statement {
        let name = try consumeName(purpose: "a name after 'let'")
        try consume(.equal, "'=' after 'let \(name.text)'")
        let query = try parseQuery()
        return Statement(kind: .binding(name, query), span: letToken.span.union(query.span))
    }

    // definition = "def" NAME "(" [ NAME { "," NAME } ] ")" "=" query
    private mutating func parseDefinition(from defToken: Token) throws(Failure) -> Statement {
        let name = try consumeName(purpose: "a name after 'def'")
        let opener = current
        try consume(.leftParen, "'(' after 'def \(name.text)'")
        bracketDepth += 1
        var parameters: [Name] = []
        if !check(.rightParen) {
            repeat {
                parameters.append(try consumeName(purpose: "a parameter name"))
            } while match(.comma)
        }
        try close(.rightParen, "')'", opener: opener)
        try consume(.equal, "'=' after the parameters of '\(name.text)'")
        let query = try parseQuery()
        return Statement(kind: .definition(name, parameters, query), span: defToken.span.union(query.span))
    }

    // assertion = "assert" "(" query ")" compare_op expr
    private mutating func parseAssertion(from assertToken: Token) throws(Failure) -> Statement {
        let opener = current
        try consume(
            .leftParen, "'(' and a query after 'assert'")
        bracketDepth += 1
        let query = try parseQuery()
        try close(.rightParen, "')'", opener: opener)
        guard let op = Parser.binaryLevels[Parser.notLevel].op(for: current.kind), op.isComparison || op == .equalIgnoringCase else {
            throw error(.expectedAssertionComparison(found: current.kind.displayName), at: current.span)
        }
        advance()
        let expected = try parseExpression()
        return Statement(kind: .assertion(query, op, expected), span: assertToken.span.union(expected.span))
    }

    /// A statement ends at a line break, `;` or the end of input.
    private mutating func expectStatementEnd() throws(Failure) {
        switch current.kind {
        case .newline, .semicolon, .endOfInput:
            return
        case .identifier(let word) where word.lowercased() == "having":
            throw refusal(.sqlHaving, at: current.span)
        case .leftBracket:
            throw refusal(.indexing, at: current.span)
        default:
            var guess: String?
            if case .identifier(let word) = current.kind {
                guess = Suggestion.closest(to: word, among: Keyword.clauseForms.map { String($0.prefix { $0 != " " }) })
            }
            throw error(
                .expectedClause(found: current.kind.displayName, clauses: Keyword.clauseForms, guess: guess), at: current.span)
        }
    }

    // MARK: - Queries

    // query = ( source | inline_table ) [ "as" NAME ] { clause }
    private mutating func parseQuery() throws(Failure) -> Query {
        var rows: [[InlineField]]?
        let (source, arguments): (Name, [Expression]?)
        if check(.leftBracket) {
            let table = try parseInlineTable()
            (source, arguments) = (table.source, nil)
            rows = table.rows
        } else {
            (source, arguments) = try parseSource()
        }
        let alias = match(.as) ? try consumeName(purpose: "a name after 'as'") : nil
        var clauses: [Clause] = []
        while true {
            continueOnNextLineIfClauseFollows()
            guard let clause = try parseClause() else { break }
            clauses.append(clause)
        }
        let end = clauses.last?.span ?? (arguments == nil && alias == nil ? source.span : previous.span)
        return Query(source: source, arguments: arguments, clauses: clauses, span: source.span.union(end), rows: rows, alias: alias)
    }

    /// `( query )` after `append`, `intersect` or `except`, with a name spanning the parentheses.
    private mutating func parseOperandQuery() throws(Failure) -> (Name, Query) {
        let opener = current
        advance()
        bracketDepth += 1
        let query = try parseQuery()
        try close(.rightParen, "')'", opener: opener)
        return (Name(text: "(query)", span: opener.span.union(previous.span)), query)
    }

    // inline_table = "[" row { "," row } [ "," ] "]"
    private mutating func parseInlineTable() throws(Failure) -> (source: Name, rows: [[InlineField]]) {
        let opener = current
        advance()
        bracketDepth += 1
        var rows: [[InlineField]] = []
        repeat {
            if check(.rightBracket), !rows.isEmpty { break }  // a trailing comma
            rows.append(try parseRow())
        } while match(.comma)
        try close(.rightBracket, "']'", opener: opener)
        return (Name(text: "rows", span: opener.span.union(previous.span)), rows)
    }

    // row = "{" NAME ":" expr { "," NAME ":" expr } "}"
    private mutating func parseRow() throws(Failure) -> [InlineField] {
        let opener = current
        try consume(.leftBrace, "'{' to begin a row, like {code: 1, name: \"one\"}")
        var fields: [InlineField] = []
        repeat {
            let name = try consumeName(purpose: "a field name")
            try consume(.colon, "':' after the field name '\(name.text)'")
            fields.append(InlineField(name: name, value: try parseExpression()))
        } while match(.comma)
        guard check(.rightBrace) else {
            throw error(.expected("'}' to close the row opened at \(opener.span.start)", found: current.kind.displayName), at: current.span)
        }
        advance()
        return fields
    }

    // source = NAME [ "(" [ expr { "," expr } ] ")" ]
    private mutating func parseSource() throws(Failure) -> (Name, [Expression]?) {
        let name = try consumeName(purpose: "a table name")
        let opener = current
        guard match(.leftParen) else { return (name, nil) }
        bracketDepth += 1
        var arguments: [Expression] = []
        if !check(.rightParen) {
            repeat {
                arguments.append(try parseExpression())
            } while match(.comma)
        }
        try close(.rightParen, "')'", opener: opener)
        return (name, arguments)
    }

    // clause = where | select | order_by | group_by | join | append | intersect | limit | distinct | "count" | save | chart
    //        | "cite"
    private mutating func parseClause() throws(Failure) -> Clause? {
        let start = current.span
        guard let keyword = current.keyword, Keyword.clauseStarters.contains(keyword) else { return nil }
        advance()
        let kind: Clause.Kind
        switch keyword {
        case .where:
            // where = "where" expr
            kind = .filter(try parseExpression())
        case .select:
            // select = "select" select_item { "," select_item }
            var items = [try parseSelectItem()]
            while match(.comma) { items.append(try parseSelectItem()) }
            kind = .select(items)
        case .order:
            // order_by = "order" "by" order_item { "," order_item }
            try consume(.keyword(.by), "'by' after 'order'")
            var items = [try parseOrderItem()]
            while match(.comma) { items.append(try parseOrderItem()) }
            kind = .orderBy(items)
        case .limit:
            // limit = "limit" expr [ "offset" expr ]
            let count = try parseExpression()
            kind = .limit(count, offset: match(.offset) ? try parseExpression() : nil)
        case .group:
            // group_by = "group" "by" expr { "," expr }
            try consume(.keyword(.by), "'by' after 'group'")
            var keys = [try parseExpression()]
            while match(.comma) { keys.append(try parseExpression()) }
            kind = .groupBy(keys)
        case .join, .left:
            kind = .join(try parseJoin(isLeft: keyword == .left))
        case .distinct:
            // distinct = "distinct" [ "by" expr { "," expr } ]
            if match(.by) {
                var keys = [try parseExpression()]
                while match(.comma) { keys.append(try parseExpression()) }
                kind = .distinctBy(keys)
            } else {
                kind = .distinct
            }
        case .append:
            // append = "append" ( source | inline_table | "(" query ")" )
            if check(.leftBracket) {
                let table = try parseInlineTable()
                kind = .append(table.source, arguments: nil, rows: table.rows)
            } else if check(.leftParen) {
                let (name, query) = try parseOperandQuery()
                kind = .append(name, arguments: nil, query: query)
            } else {
                let (source, arguments) = try parseSource()
                kind = .append(source, arguments: arguments)
            }
        case .except, .intersect:
            // intersect = ( "intersect" | "except" ) ( source | inline_table | "(" query ")" )
            if check(.leftBracket) {
                let table = try parseInlineTable()
                kind = .intersect(table.source, arguments: nil, keep: keyword == .intersect, rows: table.rows)
            } else if check(.leftParen) {
                let (name, query) = try parseOperandQuery()
                kind = .intersect(name, arguments: nil, keep: keyword == .intersect, query: query)
            } else {
                let (source, arguments) = try parseSource()
                kind = .intersect(source, arguments: arguments, keep: keyword == .intersect)
            }
        case .save:
            // save = "save" ( STRING | "table" NAME )
            if case .identifier(let word) = current.kind, word.lowercased() == "table" {
                advance()
                kind = .saveTable(try consumeName(purpose: "the name of a database table"))
                return Clause(kind: kind, span: start.union(previous.span))
            }
            guard case .string(let path) = current.kind else {
                throw error(.expectedSavePath(found: current.kind.displayName), at: current.span)
            }
            advance()
            kind = .save(path)
        case .chart:
            // chart = "chart" NAME
            kind = .chart(try consumeName(purpose: "a chart kind (bar or timeline)"))
        case .cite:
            kind = .cite
        default:
            kind = .count
        }
        return Clause(kind: kind, span: start.union(previous.span))
    }

    // join = [ "left" ] "join" ( source | inline_table ) [ "as" NAME ] "on" expr
    private mutating func parseJoin(isLeft: Bool) throws(Failure) -> Join {
        if isLeft {
            try consume(.keyword(.join), "'join' after 'left'")
        }
        var rows: [[InlineField]]?
        let (source, arguments): (Name, [Expression]?)
        if check(.leftBracket) {
            let table = try parseInlineTable()
            (source, arguments, rows) = (table.source, nil, table.rows)
        } else if check(.leftParen) {
            throw refusal(.joinQuery, at: current.span)
        } else {
            (source, arguments) = try parseSource()
        }
        let alias = match(.as) ? try consumeName(purpose: "a name after 'as'") : nil
        try consume(
            .keyword(.on), "'on' and a condition after 'join \(source.text)'")
        let condition = try parseExpression()
        return Join(isLeft: isLeft, source: source, arguments: arguments, alias: alias, condition: condition, rows: rows)
    }

    // select_item = expr [ "as" NAME ]
    private mutating func parseSelectItem() throws(Failure) -> SelectItem {
        let expression = try parseExpression()
        var alias: Name?
        if match(.as) {
            alias = try consumeName(purpose: "a name after 'as'")
        }
        return SelectItem(expression: expression, alias: alias)
    }

    // order_item = expr [ "asc" | "desc" ]
    private mutating func parseOrderItem() throws(Failure) -> OrderItem {
        let expression = try parseExpression()
        if match(.desc) { return OrderItem(expression: expression, descending: true) }
        _ = match(.asc)
        return OrderItem(expression: expression, descending: false)
    }

    // MARK: - Expressions

    // expr = or_expr
    private mutating func parseExpression() throws(Failure) -> Expression {
        nestingDepth += 1
        defer { nestingDepth -= 1 }
        if nestingDepth > Parser.maximumNestingDepth {
            throw error(
                .nestedTooDeep(levels: Parser.maximumNestingDepth, help: "split the expression, or remove redundant parentheses"),
                at: current.span)
        }
        let expression = try parseBinary(level: 0)
        // Later stages walk trees recursively; a very long chain of operators is refused here.
        if nestingDepth == 1, expression.depth > Parser.maximumTreeDepth {
            throw error(.chainTooLong(operators: Parser.maximumTreeDepth), at: expression.span)
        }
        return expression
    }

    // Binary operators by one precedence table (clox's rules[], a Pratt parser's binding powers):
    // each level binds tighter than the one before; adding an operator is one entry. Levels are
    // left-associative (`a - b - c`) but the comparison level, which takes one operator (`a < b <
    // c` is an error, as in SQL), comes after the prefix `not`, and also has the operators written
    // as words (`starts with`, `in`, `between`, `is null`), which parseComparison reads.
    //
    // or_expr = and_expr { "or" and_expr }
    // and_expr = not_expr { "and" not_expr }
    // additive = multiplicative { ( "+" | "-" ) multiplicative }
    // multiplicative = unary { ( "*" | "/" | "%" ) unary }
    package struct BinaryLevel: Sendable {
        /// The operators of this level, by the token that writes each.
        package let operators: [(token: TokenKind, op: BinaryOperator)]

        /// The operator a token writes at this level.
        package func op(for kind: TokenKind) -> BinaryOperator? { operators.first { $0.token == kind }?.op }
    }

    package static let binaryLevels: [BinaryLevel] = [
        BinaryLevel(operators: [(.keyword(.or), .or)]),
        BinaryLevel(operators: [(.keyword(.and), .and)]),
        // not_expr, then comparison
        BinaryLevel(
            operators: [
                (.equal, .equal), (.notEqual, .notEqual), (.less, .less), (.lessEqual, .lessEqual),
                (.greater, .greater), (.greaterEqual, .greaterEqual), (.tildeEqual, .equalIgnoringCase),
                (.keyword(.contains), .contains), (.keyword(.matches), .matches),
            ]),
        BinaryLevel(operators: [(.plus, .add), (.minus, .subtract)]),
        BinaryLevel(operators: [(.star, .multiply), (.slash, .divide), (.percent, .remainder)]),
    ]
    /// The level of `not_expr` and the comparisons, whose operands start the arithmetic levels again.
    package static let notLevel = 2

    /// Parses the operators of `level` and every tighter level.
    private mutating func parseBinary(level: Int) throws(Failure) -> Expression {
        if level == Parser.notLevel { return try parseNot() }
        if level == Parser.binaryLevels.count { return try parseUnary() }
        var left = try parseBinary(level: level + 1)
        var links = 0
        while let op = Parser.binaryLevels[level].op(for: current.kind) {
            advance()
            try guardChain(&links, from: left.span)
            let right = try parseBinary(level: level + 1)
            left = Expression(kind: .binary(op, left, right), span: left.span.union(right.span))
        }
        return left
    }

    // not_expr = "not" not_expr | comparison
    private mutating func parseNot() throws(Failure) -> Expression {
        let start = current.span
        if match(.not) {
            let operand = try nested { (parser: inout Parser) throws(Failure) in try parser.parseNot() }
            return Expression(kind: .not(operand), span: start.union(operand.span))
        }
        return try parseComparison()
    }

    // comparison = additive [ compare_op additive | "contains" additive | "matches" additive
    //                        | "starts" "with" additive | "ends" "with" additive
    //                        | [ "not" ] "in" additive | [ "not" ] "between" additive "and" additive
    //                        | "is" [ "not" ] "null" ]
    private mutating func parseComparison() throws(Failure) -> Expression {
        let left = try parseBinary(level: Parser.notLevel + 1)
        if isWord(current.kind, "between") || (check(.keyword(.not)) && isWord(peekKind(1), "between")) {
            // `between` is a word only here, so it stays free as a field name.
            let negated = match(.not)
            advance()
            let low = try parseBinary(level: Parser.notLevel + 1)
            try consume(.keyword(.and), "'and' between the bounds of 'between'")
            let high = try parseBinary(level: Parser.notLevel + 1)
            return Expression(kind: .between(left, low, high, negated: negated), span: left.span.union(high.span))
        }
        if isWord(current.kind, "like") || isWord(current.kind, "ilike")
            || (check(.keyword(.not)) && (isWord(peekKind(1), "like") || isWord(peekKind(1), "ilike")))
        {
            // SQL's LIKE: say what Byline writes instead, from the pattern when it is a literal.
            let start = current.span
            let negated = match(.not)
            advance()
            let pattern = try parseBinary(level: Parser.notLevel + 1)
            var written: String?
            if case .literal(.string(let text)) = pattern.kind { written = Parser.likeReplacement(text) }
            let subject = SyntaxPrinter.print(left)
            throw refusal(.sqlLike(written.map { (negated ? "not (" : "") + subject + " " + $0 + (negated ? ")" : "") }), at: start.union(pattern.span))
        }
        if check(.keyword(.starts)) || check(.keyword(.ends)) {
            let op: BinaryOperator = check(.keyword(.starts)) ? .startsWith : .endsWith
            advance()
            try consume(.keyword(.with), "'with' after '\(op == .startsWith ? "starts" : "ends")'")
            let right = try parseBinary(level: Parser.notLevel + 1)
            return Expression(kind: .binary(op, left, right), span: left.span.union(right.span))
        }
        if let op = Parser.binaryLevels[Parser.notLevel].op(for: current.kind) {
            advance()
            let right = try parseBinary(level: Parser.notLevel + 1)
            return Expression(kind: .binary(op, left, right), span: left.span.union(right.span))
        }
        if check(.keyword(.in)) || (check(.keyword(.not)) && peekKind(1) == .keyword(.in)) {
            let negated = match(.not)
            advance()
            let right = try parseBinary(level: Parser.notLevel + 1)
            return Expression(kind: .membership(left, right, negated: negated), span: left.span.union(right.span))
        }
        if match(.is) {
            let negated = match(.not)
            try consume(.keyword(.null), "'null' after 'is'")
            return Expression(kind: .isNull(left, negated: negated), span: left.span.union(previous.span))
        }
        return left
    }

    // unary = "-" unary | primary
    private mutating func parseUnary() throws(Failure) -> Expression {
        let start = current.span
        if match(.minus) {
            // The smallest integer is written as a negated literal whose digits alone do not fit.
            if case .oversizedInteger(let digits) = current.kind, Int("-" + digits) != nil {
                let literal = current
                advance()
                return Expression(kind: .literal(.integer(Int.min)), span: start.union(literal.span))
            }
            let operand = try nested { (parser: inout Parser) throws(Failure) in try parser.parseUnary() }
            if case .literal(.integer(let value)) = operand.kind, value != Int.min {
                return Expression(kind: .literal(.integer(-value)), span: start.union(operand.span))
            }
            if case .literal(.float(let value)) = operand.kind {
                return Expression(kind: .literal(.float(-value)), span: start.union(operand.span))
            }
            return Expression(kind: .negate(operand), span: start.union(operand.span))
        }
        return try parsePrimary()
    }

    // primary = STRING | INTEGER | FLOAT | PARAMETER | "true" | "false" | "null" | conditional | simple_conditional | NAME [ "." NAME ] | call
    //         | "count" | ( "contains" | "left" ) "(" expr "," expr ")" | "(" expr ")" | "[" [ expr { "," expr } [ "," ] ] "]"
    private mutating func parsePrimary() throws(Failure) -> Expression {
        skipNewlinesBeforeOperand()
        let token = current
        switch token.kind {
        case .string(let value):
            advance()
            return Expression(kind: .literal(.string(value)), span: token.span)
        case .integer(let value):
            advance()
            return Expression(kind: .literal(.integer(value)), span: token.span)
        case .float(let value):
            advance()
            return Expression(kind: .literal(.float(value)), span: token.span)
        case .parameter(let name):
            advance()
            return Expression(kind: .parameter(name), span: token.span)
        case .oversizedInteger(let digits):
            throw error(.integerTooLarge(digits), at: token.span)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expression(kind: .literal(.bool(token.kind == .keyword(.true))), span: token.span)
        case .keyword(.null):
            advance()
            return Expression(kind: .literal(.null), span: token.span)
        case .identifier(let name) where name.lowercased() == "case" && isWord(peekKind(1), "when"):
            return try parseConditional()
        case .identifier(let name):
            if name.lowercased() == "case", Self.mayBeginOperand(peekKind(1)), let simple = try parseSimpleConditional() {
                return simple
            }
            advance()
            if tokens[position].kind == .leftParen {
                if name.lowercased() == "exists", Self.beginsQuery(peekKind(1), peekKind(2)) { throw refusal(.sqlSubquery, at: token.span) }
                return try parseCall(name, from: token)
            }
            if tokens[position].kind == .dot {
                advance()
                let field = try consumeName(purpose: "a field name after '\(name).'")
                return Expression(kind: .qualifiedField(name, field.text), span: token.span.union(field.span))
            }
            return Expression(kind: .field(name), span: token.span)
        case .keyword(.contains) where tokens[position + 1].kind == .leftParen:
            // `contains` is an operator, and also a function: contains(text, part).
            advance()
            return try parseCall("contains", from: token)
        case .keyword(.left) where tokens[position + 1].kind == .leftParen:
            // `left` begins `left join`, and is also a function: left(text, count).
            advance()
            return try parseCall("left", from: token)
        case .keyword(.count):
            // `count` is a clause, but also an aggregate, count(), and the field the clause produces.
            advance()
            if tokens[position].kind == .leftParen {
                return try parseCall("count", from: token)
            }
            return Expression(kind: .field("count"), span: token.span)
        case .leftParen:
            // A query in brackets (SQL's scalar subquery, `in (SELECT …)`): `(SELECT` or `(NAME CLAUSE`.
            if Self.beginsQuery(peekKind(1), peekKind(2)) { throw refusal(.sqlSubquery, at: token.span.union(tokens[position + 1].span)) }
            advance()
            bracketDepth += 1
            let inner = try parseExpression()
            try close(.rightParen, "')'", opener: token)
            return Expression(kind: inner.kind, span: token.span.union(previous.span))
        case .leftBracket:
            advance()
            bracketDepth += 1
            var elements: [Expression] = []
            if !check(.rightBracket) {
                repeat {
                    if check(.rightBracket) { break }  // allow a trailing comma
                    elements.append(try parseExpression())
                } while match(.comma)
            }
            try close(.rightBracket, "']'", opener: token)
            return Expression(kind: .list(elements), span: token.span.union(previous.span))
        default:
            var keyword: String?
            if case .keyword(let word) = token.kind { keyword = word.rawValue }
            // At the end of the input, point just past the last thing written rather than at a blank line.
            let span = token.kind == .endOfInput ? SourceSpan(at: lastWrittenToken.span.end) : token.span
            throw error(.expectedExpression(found: token.kind.displayName, keyword: keyword), at: span)
        }
    }

    // conditional = "case" "when" expr "then" expr { "when" expr "then" expr } [ "else" expr ] "end"
    private mutating func parseConditional() throws(Failure) -> Expression {
        let opener = current
        advance()
        // Between `case` and `end` a line break never ends the statement, as inside brackets.
        bracketDepth += 1
        var items: [Expression] = []
        while isWord(current.kind, "when") {
            advance()
            items.append(try parseExpression())
            guard isWord(current.kind, "then") else {
                throw error(.expected("'then' after the condition of 'when'", found: current.kind.displayName), at: current.span)
            }
            advance()
            items.append(try parseExpression())
        }
        var otherwise: Expression?
        if isWord(current.kind, "else") {
            advance()
            otherwise = try parseExpression()
        }
        guard isWord(current.kind, "end") else {
            throw error(.unclosedConditional(openedAt: opener.span.start, found: current.kind.displayName), at: current.span)
        }
        bracketDepth -= 1
        advance()
        return Expression(kind: .conditional(items, otherwise: otherwise), span: opener.span.union(previous.span))
    }

    // simple_conditional = "case" expr "when" expr "then" expr { "when" expr "then" expr } [ "else" expr ] "end"
    /// SQL's simple CASE, read as the searched form with `=`: `case x when 1 then "a" end` is
    /// `case when x = 1 then "a" end`, so a null `x` matches no branch, as in SQL. `case` is a
    /// field name everywhere else, so this is tried first and gives way (nil, nothing consumed)
    /// unless an operand followed by `when` comes after the word.
    private mutating func parseSimpleConditional() throws(Failure) -> Expression? {
        let saved = (position, bracketDepth, nestingDepth, diagnostics.count, failedAtEnd)
        let opener = current
        advance()
        bracketDepth += 1
        let operand: Expression
        do {
            operand = try parseExpression()
        } catch {
            (position, bracketDepth, nestingDepth, _, failedAtEnd) = saved
            diagnostics.removeSubrange(saved.3...)
            return nil
        }
        guard isWord(current.kind, "when") else {
            (position, bracketDepth, nestingDepth, _, failedAtEnd) = saved
            diagnostics.removeSubrange(saved.3...)
            return nil
        }
        var items: [Expression] = []
        while isWord(current.kind, "when") {
            advance()
            let value = try parseExpression()
            items.append(Expression(kind: .binary(.equal, operand, value), span: operand.span.union(value.span)))
            guard isWord(current.kind, "then") else {
                throw error(.expected("'then' after the value of 'when'", found: current.kind.displayName), at: current.span)
            }
            advance()
            items.append(try parseExpression())
        }
        var otherwise: Expression?
        if isWord(current.kind, "else") {
            advance()
            otherwise = try parseExpression()
        }
        guard isWord(current.kind, "end") else {
            throw error(.unclosedConditional(openedAt: opener.span.start, found: current.kind.displayName), at: current.span)
        }
        bracketDepth -= 1
        advance()
        return Expression(kind: .conditional(items, otherwise: otherwise), span: opener.span.union(previous.span))
    }

    /// Whether a token can begin the operand of `case x when …` (and so cannot follow a field
    /// named `case`, but for `-`, which the search for `when` tells apart): a name, a literal, a
    /// parameter, an opening bracket, `-`, `not`, or a call of `count`, `contains` or `left`.
    private static func mayBeginOperand(_ kind: TokenKind) -> Bool {
        switch kind {
        case .identifier, .string, .integer, .float, .parameter, .leftParen, .leftBracket, .minus, .keyword(.true), .keyword(.false),
            .keyword(.null), .keyword(.not), .keyword(.count), .keyword(.contains), .keyword(.left):
            true
        default: false
        }
    }

    /// Whether a token is the word `word` (any case): the words of `case … end`, `between` and
    /// SQL's `like` are names everywhere else, so fields may be called `end` or `when`.
    /// An expression as written inside a call's brackets (an operation without its own brackets).
    static func argumentText(_ expression: Expression) -> String {
        let text = SyntaxPrinter.print(expression)
        if case .binary = expression.kind, text.hasPrefix("("), text.hasSuffix(")") { return String(text.dropFirst().dropLast()) }
        return text
    }

    /// Byline's conversion function for an SQL type's name (`integer`, `varchar`, `double`…).
    static func conversion(for type: String) -> String? {
        switch type.lowercased() {
        case "int", "integer", "bigint", "smallint", "int2", "int4", "int8", "tinyint", "long", "short": return "to_integer"
        case "float", "double", "real", "numeric", "decimal", "float4", "float8", "number": return "to_float"
        case "string", "text", "varchar", "char", "character", "nvarchar", "clob": return "to_string"
        case "date": return "to_date"
        case "timestamp", "datetime", "timestamptz": return "to_timestamp"
        default: return nil
        }
    }

    /// Whether the tokens after a `(` begin a query: `SELECT`, or a name followed by a clause
    /// (`(visits select …)`), which no expression can be.
    static func beginsQuery(_ first: TokenKind, _ second: TokenKind) -> Bool {
        if first == .keyword(.select) { return true }
        guard case .identifier = first, case .keyword(let keyword) = second else { return false }
        return Keyword.clauseStarters.contains(keyword) && keyword != .count
    }

    private func isWord(_ kind: TokenKind, _ word: String) -> Bool {
        if case .identifier(let text) = kind { return text.lowercased() == word }
        return false
    }

    /// What Byline writes for an SQL LIKE pattern: `contains "x"` for `%x%`, `starts with "x"`,
    /// `ends with "x"`, or `matches` with the pattern as a regular expression.
    package static func likeReplacement(_ pattern: String) -> String {
        let inner = pattern.dropFirst().dropLast()
        let plain: (Substring) -> Bool = { !$0.contains("%") && !$0.contains("_") && !$0.isEmpty }
        if pattern.count >= 3, pattern.hasPrefix("%"), pattern.hasSuffix("%"), plain(inner) {
            return "contains " + Value.quote(String(inner))
        }
        if pattern.hasSuffix("%"), plain(pattern.dropLast()) { return "starts with " + Value.quote(String(pattern.dropLast())) }
        if pattern.hasPrefix("%"), plain(pattern.dropFirst()) { return "ends with " + Value.quote(String(pattern.dropFirst())) }
        var regex = ""
        for character in pattern {
            switch character {
            case "%": regex += ".*"
            case "_": regex += "."
            case ".", "[", "]", "(", ")", "*", "+", "?", "{", "}", "|", "\\", "^", "$": regex += "\\" + String(character)
            default: regex.append(character)
            }
        }
        return "matches " + Value.quote(regex)
    }

    // call = NAME "(" [ [ "distinct" ] expr { "," expr } ] ")" [ window ]
    private mutating func parseCall(_ name: String, from nameToken: Token) throws(Failure) -> Expression {
        let opener = current
        advance()
        bracketDepth += 1
        var arguments: [Expression] = []
        var distinct = false
        if check(.star), peekKind(1) == .rightParen { throw refusal(.sqlCountStar, at: current.span) }
        if name.lowercased() == "extract", case .identifier(let part) = current.kind, isWord(peekKind(1), "from") {
            // SQL's EXTRACT(part FROM x): the part's own function.
            advance()
            advance()
            let value = try parseExpression()
            let parts = ["year", "month", "day", "hour", "minute", "second"]
            let function = parts.first { part.lowercased() == $0 || part.lowercased() == $0 + "s" }
                ?? (["dow", "isodow", "weekday"].contains(part.lowercased()) ? "weekday" : nil)
            throw refusal(.sqlExtract(function.map { "\($0)(\(Self.argumentText(value)))" }), at: nameToken.span.union(value.span))
        }
        if !check(.rightParen) {
            distinct = match(.distinct)
            repeat {
                arguments.append(try parseExpression())
                if name.lowercased() == "cast", arguments.count == 1, check(.keyword(.as)) {
                    // SQL's CAST(x AS type): the conversion for the type.
                    advance()
                    let type = current.kind
                    let converted: String?
                    switch type {
                    case .identifier(let word):
                        converted = Self.conversion(for: word)
                    default: converted = nil
                    }
                    throw refusal(
                        .sqlCast(converted.map { "\($0)(\(Self.argumentText(arguments[0])))" }),
                        at: nameToken.span.union(type == .endOfInput ? previous.span : current.span))
                }
            } while match(.comma)
        }
        try close(.rightParen, "')'", opener: opener)
        let call = Expression(kind: .call(name, arguments, distinct: distinct), span: nameToken.span.union(previous.span))
        // `over` is a word only after a call and before "(", so it stays free as a field name.
        if isWord(current.kind, "over"), peekKind(1) == .leftParen {
            let window = try parseWindow()
            return Expression(kind: .window(call, window), span: call.span.union(previous.span))
        }
        return call
    }

    // window = "over" "(" [ "partition" "by" expr { "," expr } ] [ "order" "by" order_item { "," order_item } ] [ "rows" INTEGER "preceding" ] ")"
    private mutating func parseWindow() throws(Failure) -> WindowSpecification {
        advance()
        let opener = current
        advance()
        bracketDepth += 1
        var window = WindowSpecification(partition: [], order: [], preceding: nil)
        if isWord(current.kind, "partition") {
            advance()
            try consume(.keyword(.by), "'by' after 'partition'")
            window.partition = [try parseExpression()]
            while match(.comma) { window.partition.append(try parseExpression()) }
        }
        if match(.order) {
            try consume(.keyword(.by), "'by' after 'order'")
            window.order = [try parseOrderItem()]
            while match(.comma) { window.order.append(try parseOrderItem()) }
        }
        if isWord(current.kind, "rows") {
            advance()
            guard case .integer(let count) = current.kind else {
                throw error(.expected("a whole number of rows after 'rows'", found: current.kind.displayName), at: current.span)
            }
            advance()
            guard isWord(current.kind, "preceding") else {
                throw error(.expected("'preceding' after 'rows \(count)'", found: current.kind.displayName), at: current.span)
            }
            advance()
            window.preceding = count
        }
        try close(.rightParen, "')'", opener: opener)
        return window
    }

    // MARK: - Helpers

    private var current: Token {
        mutating get {
            // Inside brackets a line break never ends a statement.
            while bracketDepth > 0, tokens[position].kind == .newline { position += 1 }
            return tokens[position]
        }
    }

    private var previous: Token {
        tokens[max(0, position - 1)]
    }

    /// The last token before the current one that is not a line break.
    private var lastWrittenToken: Token {
        var index = position - 1
        while index > 0, tokens[index].kind == .newline { index -= 1 }
        return tokens[max(0, index)]
    }

    private func peekKind(_ distance: Int) -> TokenKind {
        tokens[min(position + distance, tokens.count - 1)].kind
    }

    private mutating func advance() {
        _ = current
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func check(_ kind: TokenKind) -> Bool {
        current.kind == kind
    }

    private mutating func match(_ keyword: Keyword) -> Bool {
        match(.keyword(keyword))
    }

    private mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    /// Consumes `kind`, or fails with "expected WHAT, found …".
    private mutating func consume(_ kind: TokenKind, _ what: String) throws(Failure) {
        guard match(kind) else { throw error(.expected(what, found: current.kind.displayName), at: current.span) }
    }

    /// Consumes a closing bracket; an error points back at the opener, as Lua's does.
    private mutating func close(_ kind: TokenKind, _ closer: String, opener: Token) throws(Failure) {
        guard check(kind) else {
            throw error(
                .unclosedBracket(
                    expected: closer, opener: opener.kind == .leftParen ? "(" : "[", openedAt: opener.span.start,
                    found: current.kind.displayName),
                at: current.span)
        }
        bracketDepth -= 1
        advance()
    }

    private mutating func consumeName(purpose: String) throws(Failure) -> Name {
        let token = current
        if case .identifier(let text) = token.kind {
            advance()
            return Name(text: text, span: token.span)
        }
        var keyword: String?
        if case .keyword(let word) = token.kind { keyword = word.rawValue }
        throw error(.expectedName(purpose, found: token.kind.displayName, keyword: keyword), at: token.span)
    }

    /// Refuses a chain of operators longer than the tree may be deep, before the tree is built:
    /// freeing a very deep tree would itself overflow the stack.
    private mutating func guardChain(_ links: inout Int, from start: SourceSpan) throws(Failure) {
        links += 1
        if links > Parser.maximumTreeDepth {
            throw error(.chainTooLong(operators: Parser.maximumTreeDepth), at: start.union(current.span))
        }
    }

    /// Runs a rule one level deeper, refusing input that nests beyond the cap.
    private mutating func nested(_ rule: (inout Parser) throws(Failure) -> Expression) throws(Failure) -> Expression {
        nestingDepth += 1
        defer { nestingDepth -= 1 }
        if nestingDepth > Parser.maximumNestingDepth {
            throw error(
                .nestedTooDeep(levels: Parser.maximumNestingDepth, help: "split the expression, or remove redundant operators"),
                at: current.span)
        }
        return try rule(&self)
    }

    /// A line starting with a clause keyword continues the statement on the line above.
    private mutating func continueOnNextLineIfClauseFollows() {
        guard tokens[position].kind == .newline,
            case .keyword(let keyword) = peekKind(1), Keyword.clauseStarters.contains(keyword)
        else { return }
        position += 1
    }

    /// After an operator or keyword that needs an operand, the operand may be on the next line.
    private mutating func skipNewlinesBeforeOperand() {
        while tokens[position].kind == .newline { position += 1 }
    }

    private mutating func skipStatementSeparators() {
        while tokens[position].kind == .newline || tokens[position].kind == .semicolon { position += 1 }
    }

    /// Skips to the next statement boundary after an error, so one mistake reports once.
    private mutating func synchronize() {
        bracketDepth = 0
        while true {
            switch tokens[position].kind {
            case .semicolon, .endOfInput:
                return
            case .newline:
                // A following line that starts with a clause still belongs to the failed statement.
                guard case .keyword(let keyword) = peekKind(1), Keyword.clauseStarters.contains(keyword) else { return }
                position += 1
            default:
                position += 1
            }
        }
    }

    /// An error about text already read whole (SQL's `like` at the end of a line), which more
    /// input would not mend: the shell reports it instead of waiting for another line.
    private mutating func refusal(_ message: DiagnosticMessage, at span: SourceSpan) -> Failure {
        let wasAtEnd = failedAtEnd
        let failure = error(message, at: span)
        failedAtEnd = wasAtEnd
        return failure
    }

    private mutating func error(_ message: DiagnosticMessage, at span: SourceSpan) -> Failure {
        if tokens[position].kind == .endOfInput { failedAtEnd = true }
        // The lexer has already said what is wrong with invalid text; a second error would be noise.
        if tokens[position].kind != .invalid {
            diagnostics.append(Diagnostic(message, at: span))
        }
        return Failure()
    }
}
