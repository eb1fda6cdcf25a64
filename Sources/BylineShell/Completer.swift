// Tab completion from context: keywords, tables and `let` names, the fields of the table the
// statement is reading at that point of its pipeline, dot-commands, and file names after `.read`.
import Byline

/// What completion offers for a word.
public struct Completion: Equatable, Sendable {
    /// Candidate words that start with the typed prefix, sorted.
    public var candidates: [String]
    /// True when the word is a file name (after `.read`, `load "`, `save "`); the shell then uses
    /// readline's file completion.
    public var wantsFileNames: Bool
    /// Inside a string literal, the quote that closes it (added after a single candidate).
    public var closingQuote: Character? = nil

    static let none = Completion(candidates: [], wantsFileNames: false)
}

/// Works out what may come next at the cursor, using the real lexer and binder.
public struct Completer {
    let session: Session

    /// Creates a completer over a session's tables.
    public init(session: Session) {
        self.session = session
    }

    /// Characters that end a word for completion (the shell gives these to readline).
    public static let wordBreaks = " \t\n()[],;=<>!+-*%\"'"

    static let clauseKeywords = Keyword.clauseForms
    static let infixKeywords = Keyword.infixForms
    static let operandKeywords = Keyword.operandForms
    static let functionNames = BuiltinFunctions.scalar.map { $0 + "(" }
    static let aggregateNames = BuiltinFunctions.aggregates.map { $0 + "(" }
    /// Window functions, offered in a `select` with the aggregates.
    static let windowNames = BuiltinFunctions.window.map { $0 + "(" }

    /// Completions for `word`, which ends at the cursor; `before` is the statement's text before
    /// the word (earlier lines of a multi-line statement included).
    public func complete(word: String, before: String) -> Completion {
        let lineStart = before.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let blank = before.allSatisfy { $0 == " " || $0 == "\t" }
        if blank && word.hasPrefix(".") || lineStart.trimmingLeadingSpaces().hasPrefix(".") {
            return completeCommand(word: word, line: lineStart)
        }
        if let quote = Completer.openString(in: before) {
            // The string typed so far, not just its last word: `"Askar Mik` completes on all of it.
            let typedBefore = String(before[before.index(after: quote.index)...])
            var completion = completeInString(
                typed: typedBefore + word, before: String(before[..<quote.index]), quote: quote.character)
            // What replaces the word is the rest of each value after the text before the word
            // (readline's word may start after a space inside the string).
            if !typedBefore.isEmpty {
                completion.candidates = completion.candidates.map { String($0.dropFirst(typedBefore.count)) }
            }
            return completion
        }
        let tokens = currentStatementTokens(before)
        return Completion(candidates: filter(candidates(after: tokens, before: before), by: word), wantsFileNames: false)
    }

    // MARK: - Inside a string

    /// Where the string literal the cursor is in opens, if it is in one. Follows the lexer's rules:
    /// `"` and `'` strings with backslash escapes, backquoted names, `#` comments.
    static func openString(in text: String) -> (index: String.Index, character: Character)? {
        var open: (index: String.Index, character: Character)?
        var inName = false
        var inComment = false
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if inComment {
                if character == "\n" { inComment = false }
            } else if let current = open {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == current.character || character == "\n" {
                    open = nil
                }
            } else if inName {
                if character == "`" || character == "\n" { inName = false }
            } else if character == "\"" || character == "'" {
                open = (index, character)
            } else if character == "`" {
                inName = true
            } else if character == "#" {
                inComment = true
            }
            index = text.index(after: index)
        }
        return open
    }

    /// Inside a string, Tab offers only what fits there, and never changes what was typed: file
    /// names after `load` and `save`; after `FIELD =` (or `!=`, `=~`, `contains`, `starts with`,
    /// `ends with`, `in [`), the values of that field that start with exactly the typed text
    /// (with the names and aliases of the rows a reference field names); else nothing. `typed` is
    /// all of the string typed so far, spaces included.
    private func completeInString(typed word: String, before: String, quote: Character) -> Completion {
        let tokens = currentStatementTokens(before)
        guard let last = tokens.last else { return .none }
        if last.kind == .keyword(.load) || last.kind == .keyword(.save) {
            return Completion(candidates: [], wantsFileNames: true)
        }
        var position = tokens.count - 1
        // `in [ "a", "b", "` : step back over the list to the `in`.
        if last.kind == .comma || last.kind == .leftBracket {
            while position > 0, tokens[position].kind != .leftBracket { position -= 1 }
            guard position > 0, tokens[position - 1].kind == .keyword(.in) else { return .none }
            position -= 1
        }
        switch tokens[position].kind {
        case .equal, .notEqual, .tildeEqual, .keyword(.contains), .keyword(.with), .keyword(.in): break
        default: return .none
        }
        var fieldPosition = position - 1
        if tokens[position].kind == .keyword(.with) { fieldPosition -= 1 }  // starts with / ends with
        guard fieldPosition >= 0, case .identifier(let field) = tokens[fieldPosition].kind else { return .none }
        let values = fieldValues(field, tokens: tokens)
        // Exact prefixes only: offering "Kazakhstan" for "kaz" would change the letters typed.
        let matching = Set(values.filter { $0.hasPrefix(word) && $0 != word }).sorted()
        return Completion(candidates: matching, wantsFileNames: false, closingQuote: quote)
    }

    /// The distinct text values of a field of the statement's source table (list elements too),
    /// plus, for a field that names rows of another table, those rows' names and aliases.
    private func fieldValues(_ field: String, tokens: [Token]) -> [String] {
        let queryStart = tokens.first?.kind == .keyword(.let) ? 3 : 0
        guard queryStart < tokens.count, case .identifier(let sourceName) = tokens[queryStart].kind,
            let table = session.table(named: sourceName), let index = table.schema.index(of: field)
        else { return [] }
        var values = Set<String>()
        Completer.collectStrings(from: table, field: index, into: &values, limit: 10_000)
        if let target = table.schema.fields[index].references {
            // `entities` stands for every entity table at once (`relations.subject`).
            let targets = session.table(named: target) == nil && target == ArticleDataset.anyEntity
                ? ArticleDataset.entityKinds.map(\.0) : [target]
            for case let named? in targets.map(session.table(named:)) {
                for name in [named.schema.key, named.schema.aliases].compactMap({ $0 }) {
                    if let position = named.schema.index(of: name) {
                        Completer.collectStrings(from: named, field: position, into: &values, limit: 10_000)
                    }
                }
            }
        }
        return Array(values)
    }

    static func collectStrings(from table: Table, field: Int, into values: inout Set<String>, limit: Int) {
        func add(_ value: Value) {
            switch value {
            case .string(let text): values.insert(text)
            case .list(let items): for item in items { add(item) }
            default: break
            }
        }
        for row in 0..<table.rowCount where values.count < limit { add(table.value(row: row, field: field)) }
    }

    // MARK: - Dot-commands

    private func completeCommand(word: String, line: String) -> Completion {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        if words.isEmpty {
            return Completion(candidates: filter(DotCommands.all.map { "." + $0.name }, by: word), wantsFileNames: false)
        }
        guard case .success(let spec) = DotCommands.resolve(String(words[0].dropFirst())) else { return .none }
        let options: [String]
        switch spec.name {
        case "read", "output", "once", "open", "import": return Completion(candidates: [], wantsFileNames: true)
        case "schema": options = session.tableNames
        case "mode": options = OutputFormat.allCases.map(\.rawValue)
        case "help": options = DotCommands.all.map(\.name) + LanguageHelp.all.map(\.name) + BuiltinFunctions.scalar
        case "timer", "headers", "cite", "pager": options = ["on", "off"]
        case "expanded": options = ["on", "off", "auto"]
        default: options = []
        }
        return Completion(candidates: filter(options, by: word), wantsFileNames: false)
    }

    // MARK: - Statements

    /// Tokens of the statement the cursor is in (after the last `;` or statement-ending line break).
    private func currentStatementTokens(_ text: String) -> [Token] {
        let tokens = Lexer.tokenize(SourceFile(name: "", text: text)).tokens.filter { $0.kind != .endOfInput }
        var start = 0
        for (index, token) in tokens.enumerated() where token.kind == .semicolon {
            start = index + 1
        }
        return Array(tokens[start...]).filter { $0.kind != .newline }
    }

    private func candidates(after tokens: [Token], before text: String) -> [String] {
        var tokens = tokens
        // `explain [analyze] QUERY`: complete the query as if the words were not there.
        if tokens.first?.kind == .keyword(.explain) {
            tokens.removeFirst()
            if tokens.isEmpty { return ["analyze"] + sourceNames() + ["range("] }
            if case .identifier(let word) = tokens[0].kind, word.lowercased() == "analyze", session.schema(of: word) == nil {
                tokens.removeFirst()
            }
            if tokens.isEmpty { return sourceNames() + ["range("] }
        }
        guard let last = tokens.last else { return sourceNames() + ["let", "def", "explain", "load", "assert", "range("] }
        if tokens.count >= 1, tokens[0].kind == .keyword(.let) {
            if tokens.count == 1 { return [] }  // a new name
            if tokens.count == 2 { return ["="] }
            if tokens.count == 3 { return sourceNames() }
        }
        var lastClause: Keyword?
        for token in tokens where Completer.startsClause(token) { lastClause = token.keyword }
        switch last.kind {
        case .identifier, .string, .integer, .float, .rightParen, .rightBracket, .keyword(.count), .keyword(.null),
            .keyword(.true), .keyword(.false):
            if tokens.count == 1 || (tokens.count == 4 && tokens[0].kind == .keyword(.let)) {
                return Self.clauseKeywords  // right after the source
            }
            if lastClause == .limit { return ["offset"] + Self.clauseKeywords }
            if lastClause == .join || lastClause == .left, !tokens.contains(where: { $0.kind == .keyword(.on) }) {
                return ["as", "on"]
            }
            return Self.clauseKeywords + Self.infixKeywords
        case .keyword(.order), .keyword(.group):
            return ["by"]
        case .keyword(.chart):
            return ChartKind.allCases.map(\.rawValue)
        case .keyword(.starts), .keyword(.ends):
            return ["with"]
        case .keyword(.is):
            return ["null", "not null"]
        case .keyword(.not) where tokens.count >= 2 && tokens[tokens.count - 2].kind == .keyword(.is):
            return ["null"]
        case .keyword(.load), .keyword(.save):
            return ["\""]  // a file name in quotes follows: Tab opens the quote, then completes it
        case .keyword(.join):
            return sourceNames()
        case .keyword(.left):
            return ["join"]
        case .keyword(.limit), .keyword(.as):
            return []
        case .keyword(.asc), .keyword(.desc):
            return Self.clauseKeywords
        default:
            let aggregates = lastClause == .select ? Self.aggregateNames + Self.windowNames : []
            return fieldNames(tokens: tokens, text: text) + Self.operandKeywords + Self.functionNames + aggregates
        }
    }

    private func sourceNames() -> [String] {
        session.tableNames
    }

    /// The fields available at the cursor: the output of the pipeline before the current clause.
    private func fieldNames(tokens: [Token], text: String) -> [String] {
        if let joined = joinedFields(tokens: tokens, text: text) { return joined }
        return pipelineFields(tokens: tokens, text: text)
    }

    /// In a join's condition, the left side's fields and the joined table's, qualified.
    private func joinedFields(tokens: [Token], text: String) -> [String]? {
        guard let join = tokens.lastIndex(where: { $0.kind == .keyword(.join) }), join + 1 < tokens.count else { return nil }
        guard case .identifier(let table) = tokens[join + 1].kind, let schema = session.schema(of: table) else { return nil }
        for token in tokens[(join + 1)...] where Completer.startsClause(token) { return nil }
        var alias = table
        if join + 3 < tokens.count, tokens[join + 2].kind == .keyword(.as), case .identifier(let name) = tokens[join + 3].kind {
            alias = name
        }
        let left = pipelineFields(tokens: Array(tokens[..<join]), text: text)
        return left + schema.fields.map { alias + "." + $0.name }
    }

    /// The fields after the last complete clause: the statement is cut at its last clause keyword
    /// and what comes before is checked as a query.
    private func pipelineFields(tokens: [Token], text: String) -> [String] {
        let queryStart = tokens.first?.kind == .keyword(.let) ? 3 : 0
        guard queryStart < tokens.count, case .identifier(let sourceName) = tokens[queryStart].kind else { return [] }
        let fallback = session.schema(of: sourceName)?.fields.map(\.name) ?? []
        var clauseIndex: Int?
        for (index, token) in tokens.enumerated() where Completer.startsClause(token) { clauseIndex = index }
        guard let clause = clauseIndex else { return fallback }
        let start = tokens[queryStart].span.start.offset
        let end = tokens[clause].span.start.offset
        let bytes = Array(text.utf8)
        guard start < end, end <= bytes.count else { return fallback }
        let prefix = String(decoding: bytes[start..<end], as: UTF8.self)
        let script = session.check(SourceFile(name: "", text: prefix))
        guard !script.hasErrors, let statement = script.statements.last else { return fallback }
        return statement.resultFields.map(\.name)
    }

    /// Whether a token is a keyword that begins a clause.
    static func startsClause(_ token: Token) -> Bool {
        guard let keyword = token.keyword else { return false }
        return Keyword.clauseStarters.contains(keyword)
    }

    private func filter(_ candidates: [String], by word: String) -> [String] {
        let lowered = word.lowercased()
        // Function names only once something is typed, so Tab on nothing lists fields and keywords.
        let candidates = word.isEmpty ? candidates.filter { !$0.hasSuffix("(") } : candidates
        var seen = Set<String>()
        return candidates.filter { $0.lowercased().hasPrefix(lowered) && seen.insert($0).inserted }.sorted()
    }
}
