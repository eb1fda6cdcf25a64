// The catalogue: every message the library shows, with its stable id and its usual help, in one
// file (as swift-syntax keeps ParserDiagnosticMessages.swift). A stage that finds a problem names a
// message here and says where; it does not write the sentence. The shell's own messages (about
// dot-commands) are in BylineShell/CommandMessages.swift. Rendered examples of most of these are in
// Tests/BylineTests/Fixtures/diagnostics.txt, checked byte for byte.
//
// Style, as swiftc's: a lowercase sentence without a final period; names in single quotes; help
// says what to do, with an example when one fits.

/// What a diagnostic says: which kind of problem, the sentence, and the help to show when the
/// place that raises it knows nothing more particular.
package struct DiagnosticMessage: Sendable, Hashable {
    /// Which kind of problem this is, stable across releases.
    public var id: DiagnosticID
    /// The sentence.
    public var text: String
    /// What to do about it.
    public var help: String?

    /// A message of the catalogue (or of a program embedding Byline that adds its own).
    public init(_ id: DiagnosticID, _ text: String, help: String? = nil) {
        self.id = id
        self.text = text
        self.help = help
    }
}

extension Diagnostic {
    /// A diagnostic saying `message` at `span`; `help`, when given, replaces the message's own.
    package init(_ message: DiagnosticMessage, at span: SourceSpan?, help: String? = nil, severity: Severity = .error) {
        self.init(severity, message.id, message.text, at: span, help: help ?? message.help)
    }
}

/// Help lines several messages share.
package enum Help {
    /// A type's name after "a" or "an", as English says it: "an integer", "a float", "an Int".
    package static func article(_ noun: String) -> String {
        guard let first = noun.first?.lowercased() else { return noun }
        return ("aeiou".contains(first) ? "an " : "a ") + noun
    }

    /// "did you mean 'x'?" when a close name exists, else the list of what does.
    package static func guess(_ suggestion: String?, otherwise: String?) -> String? {
        suggestion.map { "did you mean '\($0)'?" } ?? otherwise
    }

    package static let integerRange = "integers range from \(Int.min) to \(Int.max)"

    package static func forExample(_ text: String) -> String { "for example: \(text)" }

    package static let listMembership = "to test whether a list holds a value, write: VALUE in LIST"

    package static let nothingLoaded = "nothing was loaded; fix the file and load it again"
}

/// "1 argument", "2 arguments".
private func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

/// "1 was given", "2 were given".
private func given(_ count: Int) -> String {
    "\(count) \(count == 1 ? "was" : "were") given"
}

// MARK: - Lexing

extension DiagnosticMessage {
    package static func unexpectedCharacter(_ character: String, help: String?) -> Self {
        Self(.unexpectedCharacter, "unexpected character '\(character)'", help: help)
    }

    package static func curlyQuotes(_ content: String, straight quote: String) -> Self {
        Self(.unexpectedCharacter, "strings need straight quotes, not curly ones", help: "write it as \(quote)\(content)\(quote)")
    }

    package static let unterminatedQuotedName = Self(
        .unterminatedString, "unterminated quoted name", help: "end the name with '`' on the same line")

    package static func unterminatedString(quote: String) -> Self {
        Self(.unterminatedString, "unterminated string", help: "close the string with \(quote)")
    }

    package static func nameStartsWithDigit(_ word: String) -> Self {
        Self(.invalidNumber, "invalid number '\(word)'", help: "names cannot start with a digit; quote it as `\(word)` if it is a field")
    }

    package static func numberOutOfRange(_ text: String) -> Self {
        Self(.invalidNumber, "number '\(text)' is out of range")
    }

    package static func stringTooLong(maximum: Int) -> Self {
        Self(.invalidArgument, "string literal is longer than \(maximum) bytes")
    }

    package static let invalidUnicodeEscape = Self(
        .invalidEscape, "invalid unicode escape", help: "write it as \\u{1F600}, with 1 to 8 hex digits")

    package static let invalidEscape = Self(
        .invalidEscape, "invalid escape sequence in string", help: "valid escapes are \\n \\t \\r \\0 \\\\ \\\" \\' and \\u{...}")
}

// MARK: - Parsing

extension DiagnosticMessage {
    /// "expected WHAT, found TOKEN": the general case of a missing token.
    package static func expected(_ what: String, found: String, help: String? = nil) -> Self {
        Self(.expectedToken, "expected \(what), found \(found)", help: help)
    }

    /// `help where` in a script or `-c`: the shell's bare word, which a query cannot be.
    package static func bareHelp(_ topic: String) -> Self {
        Self(.expectedToken, "'help \(topic)' is not a query", help: "for help, write .help \(topic)")
    }

    /// A name was expected; a keyword in its place is the usual cause.
    package static func expectedName(_ purpose: String, found: String, keyword: String?) -> Self {
        expected(
            purpose, found: found,
            help: keyword.map { "'\($0)' is a keyword; write `\($0)` to use it as a name" })
    }

    package static func expectedLoadPath(found: String) -> Self {
        expected("a file name in quotes after 'load'", found: found, help: Help.forExample("load \"events.csv\" as events"))
    }

    package static func expectedSavePath(found: String) -> Self {
        expected(
            "a file name in quotes after 'save'", found: found,
            help: Help.forExample("save \"result.csv\", or save table NAME into the open database"))
    }

    package static func expectedAssertionComparison(found: String) -> Self {
        expected("a comparison such as '=' after the query", found: found, help: Help.forExample("assert (visits count) = 7"))
    }

    /// After a clause: another clause or the end. `clauses` are the clause forms, `guess` the
    /// closest to a misspelt word.
    package static func expectedClause(found: String, clauses: [String], guess: String?) -> Self {
        let forms = clauses.map { "'\($0)'" }
        let list = "clauses are " + forms.dropLast().joined(separator: ", ") + " and " + (forms.last ?? "")
        return Self(
            .unexpectedToken, "expected a clause or the end of the statement, found \(found)",
            help: Help.guess(guess, otherwise: list))
    }

    package static func expectedExpression(found: String, keyword: String?) -> Self {
        Self(
            .expectedExpression, "expected an expression, found \(found)",
            help: keyword.map { "'\($0)' is a keyword; write `\($0)` to use it as a field name" })
    }

    package static func unclosedBracket(expected closer: String, opener: String, openedAt place: SourceLocation, found: String) -> Self {
        Self(.unclosedBracket, "expected \(closer) to close '\(opener)' at \(place), found \(found)")
    }

    /// A row of an inline table naming other fields than the first row.
    package static func inlineRowFields(_ names: [String], expected: [String]) -> Self {
        Self(
            .typeMismatch, "every row of an inline table must name the fields of the first, in its order: " + expected.joined(separator: ", "),
            help: "this row names " + (names.isEmpty ? "none" : names.joined(separator: ", ")) + "; write null for a value it does not have")
    }

    package static func inlineDuplicateField(_ name: String) -> Self {
        Self(.duplicateName, "'\(name)' is named twice in a row of the inline table", help: "give each field one name")
    }

    package static let inlineValueNotConstant = Self(
        .invalidArgument, "a value of an inline table must be a constant", help: "write literals, $parameters, or functions of them")

    /// A value of an inline table of another type than the field's values before it.
    package static func inlineFieldType(_ field: String, described: String, is type: String, expected: String) -> Self {
        Self(
            .typeMismatch, "the values of '\(field)' must have one type, but \(described) is \(type), after \(expected)",
            help: "convert it with to_string, to_integer, to_float or to_date")
    }

    /// `intersect`/`except` under `cite`: rows are compared whole, and their evidence would be
    /// compared with them, changing the answer.
    package static func citeWithSetOperation(_ clause: String) -> Self {
        Self(
            .invalidArgument, "'cite' cannot show the evidence of rows kept by '\(clause)' yet",
            help: "run the query without cite (or with .cite off), or keep its rows with 'let' and cite them in a query of their own")
    }

    /// `append SOURCE` whose source has another number of fields.
    package static func appendFieldCount(_ clause: String, _ source: String, has count: Int, expected: Int, fields: [String]) -> Self {
        Self(
            .typeMismatch, "'\(clause)' needs \(expected) field\(expected == 1 ? "" : "s"), like the rows before it, but '\(source)' has \(count)",
            help: "select the fields in a 'let' first, in this order: " + fields.joined(separator: ", "))
    }

    /// `append SOURCE` whose field at a position has a type that does not mix.
    package static func appendFieldType(
        _ name: String, of source: String, is type: String, position: Int, field: String, expected: String
    ) -> Self {
        Self(
            .typeMismatch, "field \(position) of '\(source)', '\(name)', is \(type), but '\(field)' before it is \(expected)",
            help: "fields are appended by position; convert one with to_string, to_integer, to_float or to_date")
    }

    /// A `case` value of another type than the values before it.
    package static func mixedConditional(_ described: String, is type: String, after expected: String) -> Self {
        Self(
            .typeMismatch, "the values of 'case' must have one type, but \(described) is \(type), after \(expected)",
            help: "convert it with to_string, to_integer, to_float or to_date")
    }

    /// `case … ` without its `end`.
    package static func unclosedConditional(openedAt place: SourceLocation, found: String) -> Self {
        Self(.unclosedBracket, "expected 'end' to close 'case' at \(place), found \(found)", help: "case when COND then VALUE [else VALUE] end")
    }

    /// SQL's LIKE; `instead` is the Byline for the pattern given, when it was a literal.
    package static func sqlLike(_ instead: String?) -> Self {
        sqlHabit(
            "there is no 'like' in Byline: write contains, starts with, ends with or matches", instead: instead,
            otherwise: "x contains \"part\" (any case), x starts with \"a\", x ends with \"z\", x matches \"regex\"")
    }

    /// SQL that Byline writes another way: the Byline for the text written, when it could be
    /// worked out (`instead`), else the ways to write it.
    private static func sqlHabit(_ text: String, instead: String?, otherwise: String) -> Self {
        Self(.unexpectedToken, text, help: instead.map { "write: \($0)" } ?? otherwise)
    }

    /// SQL's `||`, which joins text there.
    package static let sqlConcatenation = Self(
        .unexpectedCharacter, "there is no '||' in Byline: text is joined with '+' or concat",
        help: "write a + b, or concat(a, b, …) (which leaves out nulls); 'or' combines conditions")

    /// SQL's `count(*)`.
    package static let sqlCountStar = Self(
        .unexpectedToken, "there is no '*' in Byline: count() counts rows",
        help: "write count() for the rows, count(x) for the values of x that are not null")

    /// SQL's `CAST(x AS type)`; `instead` is the conversion for the type named, when it has one.
    package static func sqlCast(_ instead: String?) -> Self {
        sqlHabit(
            "there is no cast in Byline: a conversion function converts a value", instead: instead,
            otherwise: "to_integer(x), to_float(x), to_string(x), to_date(x) or to_timestamp(x)")
    }

    /// SQL's `EXTRACT(part FROM x)`; `instead` is the part's function, when it has one.
    package static func sqlExtract(_ instead: String?) -> Self {
        sqlHabit(
            "there is no extract in Byline: each part of a date or timestamp has a function", instead: instead,
            otherwise: "year(x), month(x), day(x), hour(x), minute(x), second(x) or weekday(x)")
    }

    /// SQL's `HAVING`.
    package static let sqlHaving = Self(
        .unexpectedToken, "there is no 'having' in Byline: a 'where' after the grouping 'select' filters the groups",
        help: "write: … group by k select k, count() as n where n > 1")

    /// A subquery inside an expression (SQL's scalar subquery, `in (SELECT …)`, `EXISTS (…)`).
    package static let sqlSubquery = Self(
        .unexpectedToken, "a query cannot be used inside an expression in Byline",
        help: "a value of all the rows: avg(x) over () as a (a window), then where x > a; rows that are (not) in another query: join, intersect (QUERY) or except (QUERY); or 'let NAME = QUERY' first and join NAME")

    /// `[…]` after a value, as if to take one element.
    package static let indexing = Self(
        .unexpectedToken, "values cannot be indexed with '[…]' in Byline",
        help: "split_part(text, separator, n) is the nth part of split text; for other lists, join or filter the rows instead")

    /// `join (QUERY)`: a join takes a source's name.
    package static let joinQuery = Self(
        .unexpectedToken, "a join takes a table's name, not a query in brackets",
        help: "write 'let NAME = QUERY' on the line before, then join NAME (append, intersect and except take a query in brackets)")

    package static func integerTooLarge(_ digits: String) -> Self {
        Self(.invalidNumber, "integer '\(digits)' is too large", help: "\(Help.integerRange); write \(digits).0 for a float")
    }

    /// A script with more tokens than the memory budget lets the checker hold.
    package static func scriptTooLarge(tokens: Int) -> Self {
        Self(
            .limitExceeded, "the script has more than \(tokens) tokens, more than the memory limit lets it check",
            help: "split the script into smaller files, or raise the limit with --memory SIZE (.memory SIZE in the shell)")
    }

    package static func nestedTooDeep(levels: Int, help: String) -> Self {
        Self(.nestingTooDeep, "expression nests more than \(levels) levels deep", help: help)
    }

    package static func chainTooLong(operators: Int) -> Self {
        Self(
            .nestingTooDeep, "expression is more than \(operators) operators deep",
            help: "use 'in [...]' for many alternatives, or split the query with 'let'")
    }
}

// MARK: - Names and tables

extension DiagnosticMessage {
    package static func unknownTable(_ name: String, guess: String?, available: [String]) -> Self {
        // The shell takes these words bare, as psql does; a script or -c takes the dot-command.
        switch name.lowercased() {
        case "help": return Self(.unknownTable, "unknown table '\(name)'", help: "for help, write .help (or .help NAME, e.g. .help where)")
        case "quit", "exit": return Self(.unknownTable, "unknown table '\(name)'", help: "to stop, write .quit")
        default: break
        }
        return Self(
            .unknownTable, "unknown table '\(name)'",
            help: Help.guess(guess, otherwise: "available tables: " + available.joined(separator: ", ")))
    }

    package static func unknownTableFunction(_ name: String, guess: String?, available: [String]) -> Self {
        Self(
            .unknownTable, "unknown table function '\(name)'",
            help: Help.guess(guess, otherwise: "table functions: " + available.joined(separator: ", ")))
    }

    package static func tableIsNotAFunction(_ name: String) -> Self {
        Self(.invalidArgument, "'\(name)' is a table, not a function", help: "write it without parentheses: \(name)")
    }

    package static func functionNeedsArguments(_ name: String) -> Self {
        Self(.invalidArgument, "'\(name)' takes arguments", help: "call it with parentheses: \(name)(...)")
    }

    /// `bare`: the field's name when a field of that name is here, belonging to no table;
    /// `joined`: the field as named here when `qualifier` is a `let` of a join that holds it.
    package static func noSuchQualifier(_ qualifier: String, tables: [String], bare: String? = nil, joined: String? = nil) -> Self {
        var help = tables.isEmpty ? nil : "tables here: " + tables.joined(separator: ", ")
        if let bare { help = "'\(bare)' belongs to no table: a select computed or renamed it, so write '\(bare)'" }
        if let joined { help = "'\(qualifier)' holds a join, whose fields keep their tables' names: write '\(joined)'" }
        return Self(.unknownTable, "no table named '\(qualifier)' in this query", help: help)
    }

    /// `written` as the user wrote it (maybe qualified); `guess` a close field name, already qualified.
    package static func unknownField(
        _ written: String, in table: String, guess: String?, fields: [String], isFunction: Bool
    ) -> Self {
        var otherwise = fields.isEmpty ? "this table has no fields" : "available fields: " + fields.joined(separator: ", ")
        if isFunction { otherwise = "'\(written)' is a function, called with parentheses: \(written)(...); " + otherwise }
        return Self(.unknownField, "unknown field '\(written)' in '\(table)'", help: Help.guess(guess, otherwise: otherwise))
    }

    /// `choices` are the fields' names as written to tell them apart; one equal to `name` is a
    /// field a select named, which belongs to no table and so cannot be qualified.
    package static func ambiguousField(_ name: String, choices: [String]) -> Self {
        let unowned = choices.filter { $0.lowercased() == name.lowercased() }
        guard let own = unowned.first else {
            return Self(.unknownField, "'\(name)' is ambiguous here", help: "write one of " + Suggestion.list(choices))
        }
        let qualified = choices.filter { $0.lowercased() != name.lowercased() }
        return Self(
            .unknownField, "'\(name)' is ambiguous here: a select named a field '\(own)', and this query also has " + Suggestion.list(qualified),
            help: "write " + Suggestion.list(qualified) + " for a table's field, and give the select's '\(own)' a name of its own with 'as' (a field a select names belongs to no table)")
    }

    package static func missingParameter(_ name: String, given: [String]) -> Self {
        Self(
            .missingParameter, "parameter '$\(name)' has no value",
            help: "give it with --arg \(name)=VALUE, --argjson \(name)=JSON, .param set \(name) VALUE, or run(_:parameters:)"
                + (given.isEmpty ? "" : "; given: " + given.joined(separator: ", ")))
    }

    package static func alreadyATable(_ name: String, help: String) -> Self {
        Self(.duplicateName, "'\(name)' is already a table", help: help)
    }

    package static func parameterNamedTwice(_ name: String) -> Self {
        Self(.duplicateName, "parameter '\(name)' is named twice")
    }

    package static func duplicateSelectName(_ name: String) -> Self {
        Self(.duplicateName, "duplicate field name '\(name)' in 'select'", help: "rename one with 'as'")
    }

    package static func aliasNamesLeftTable(_ alias: String) -> Self {
        Self(.duplicateName, "'\(alias)' already names the table on the left", help: "choose another name after 'as'")
    }

    package static func alreadyJoined(_ table: String, source: String) -> Self {
        Self(.duplicateName, "'\(table)' is already joined here", help: "name this side with 'as': join \(source) as other on ...")
    }
}

// MARK: - Clauses

extension DiagnosticMessage {
    package static func mustBeLast(_ clause: String, move: String?) -> Self {
        Self(.unexpectedToken, "'\(clause)' must be the last clause of a query", help: move.map { "move '\($0)' to the end" })
    }

    /// `append (visits save "v.csv")`: an output clause inside a query in parentheses.
    package static func clauseInOperandQuery(_ written: String, clause: String) -> Self {
        Self(
            .unexpectedToken, "'\(written)' cannot end the query in parentheses after '\(clause)'",
            help: "move '\(written)' after the closing parenthesis, to the end of the whole query")
    }

    package static let groupByWithoutSelect = Self(.unexpectedToken, "'group by' here has no 'select' to aggregate")

    package static let nothingToCite = Self(
        .invalidArgument, "nothing to cite: these rows have no 'source' field",
        help: "cite works on rows of the article's tables (or of any table with a 'source' list of sentence ids) and whatever the query makes of them")

    package static func unknownChart(_ name: String) -> Self {
        Self(.invalidArgument, "unknown chart '\(name)'", help: "charts: bar, timeline")
    }

    package static func barChartShape(_ shape: String) -> Self {
        Self(
            .typeMismatch, "'chart bar' needs two fields, a label and a number, but the result has: \(shape)",
            help: Help.forExample("visits group by destination select destination, count() chart bar"))
    }

    package static let timelineNeedsTime = Self(
        .typeMismatch, "'chart timeline' needs a date field or an integer field named 'year'",
        help: Help.forExample("events chart timeline"))

    package static func wholeNumberOfRows(_ clause: String) -> Self {
        Self(.invalidArgument, "'\(clause)' takes a whole number of rows, 0 or more", help: Help.forExample("\(clause) 10"))
    }

    package static func tooManySelected(_ count: Int, maximum: Int) -> Self {
        Self(.invalidArgument, "'select' has \(count) fields; at most \(maximum) are allowed")
    }

    package static let orderByNull = Self(.typeMismatch, "cannot order by null")

    package static let groupByAggregate = Self(
        .typeMismatch, "cannot group by an aggregate", help: "group by fields, then aggregate in 'select'")

    package static func notInGroupBy(_ name: String) -> Self {
        Self(
            .typeMismatch, "'\(name)' is not in 'group by'",
            help: "add it to 'group by', or use an aggregate such as min(\(name)) or list(\(name))")
    }

    package static func qualifiedNotInGroupBy(_ name: String) -> Self {
        Self(.typeMismatch, "'\(name)' is not in 'group by'", help: "add it to 'group by', or use an aggregate such as min(\(name))")
    }

    package static func notAggregated(_ name: String) -> Self {
        Self(
            .typeMismatch, "'\(name)' is not aggregated, but other fields of this 'select' are",
            help: "use an aggregate such as min(\(name)), or add 'group by \(name)' before 'select'")
    }
}

// MARK: - Types and calls

extension DiagnosticMessage {
    /// `role` says where a bool is needed ("the condition after 'where'"); `described` names the
    /// expression; `fieldText` is its source, for an example comparison when it is a string.
    package static func needsBool(_ role: String, described: String, is type: String, stringSource: String?) -> Self {
        Self(
            .typeMismatch, "\(role) must be a bool, but \(described) is \(type)",
            help: stringSource.map { "compare it with something, for example: \($0) = \"...\"" })
    }

    package static func cannotCompare(
        _ left: String, _ leftType: DataType, with right: String, _ rightType: DataType, numberInQuotes: String?
    ) -> Self {
        var help: String?
        if let numberInQuotes {
            help = "remove the quotes to compare numbers: \(numberInQuotes)"
        } else if (leftType == .string && rightType.isNumeric) || (rightType == .string && leftType.isNumeric) {
            help = "quote the number to compare text, or compare with a numeric field"
        } else if leftType.isList || rightType.isList {
            help = Help.listMembership
        }
        return Self(.typeMismatch, "cannot compare \(left) (\(leftType)) with \(right) (\(rightType))", help: help)
    }

    package static let comparingWithNull = Self(
        .typeMismatch, "comparing with null is never true", help: "test for null with 'is null' or 'is not null'")

    package static func notADate(_ text: String) -> Self {
        Self(
            .typeMismatch, "'\(text)' is not a date",
            help: "write dates as \"2016\", \"2016-03\", \"2016-03-09\", or without a year \"--03\" or \"--06-09\"")
    }

    package static func notATimestamp(_ text: String) -> Self {
        Self(
            .typeMismatch, "'\(text)' is not a timestamp",
            help: "write timestamps as \"2009-01-01 00:00:00\" (or with a T, a fraction such as .25, an offset such as +02:00), or a whole date \"2009-01-01\" for its midnight")
    }

    package static func needsNumbers(_ op: String, described: String, is type: String) -> Self {
        Self(.typeMismatch, "'\(op)' needs numbers, but \(described) is \(type)", help: op == "+" ? "'+' also joins two strings" : nil)
    }

    package static func needsStrings(_ op: String, described: String, is type: String, isList: Bool) -> Self {
        Self(.typeMismatch, "'\(op)' needs strings, but \(described) is \(type)", help: isList ? Help.listMembership : nil)
    }

    package static func cannotNegate(_ described: String, of type: DataType) -> Self {
        Self(.typeMismatch, "cannot negate \(described) of type \(type)", help: "'-' applies to integers and floats")
    }

    package static func mixedList(_ first: DataType, _ second: DataType) -> Self {
        Self(.typeMismatch, "list mixes \(first) and \(second) values", help: "every element of a list must have the same type")
    }

    package static func inNeedsList(described: String, is type: String) -> Self {
        Self(
            .typeMismatch, "'in' needs a list on its right, but \(described) is \(type)",
            help: "write the choices in brackets: x in [\"a\", \"b\"]")
    }

    package static func notInListType(_ described: String, _ type: DataType, elements: DataType) -> Self {
        Self(.typeMismatch, "cannot look for \(described) (\(type)) in a list of \(elements)")
    }

    package static let patternMustBeLiteral = Self(.invalidArgument, "the pattern after 'matches' must be a string literal")

    package static func invalidPattern(_ reason: String) -> Self {
        Self(
            .invalidArgument, "invalid regular expression: \(reason)",
            help: "'matches' must match the whole string, e.g. \"Nur.*\"; it supports . [ ] | ( ) * + ? {m,n} \\d \\w \\s and a leading (?i)")
    }

    package static func unknownFunction(_ name: String, guess: String?, available: [String]) -> Self {
        Self(
            .unknownFunction, "unknown function '\(name)'",
            help: Help.guess(guess, otherwise: "functions: " + available.joined(separator: ", ")))
    }

    package static func aggregateOutsideSelect(_ name: String, table: String) -> Self {
        Self(
            .invalidArgument, "aggregate '\(name)' is only allowed in 'select'",
            help: Help.forExample("\(table) group by KEY select KEY, \(name)(...)"))
    }

    package static let distinctOutsideCount = Self(.invalidArgument, "'distinct' works only in count(distinct x)")

    package static let nestedAggregate = Self(.typeMismatch, "aggregates cannot be nested")

    /// `expected` is "1", "1 to 3"; `plural` whether the most it takes is more than one.
    package static func argumentCount(_ function: String, takes expected: String, plural: Bool, given count: Int, usage: String?) -> Self {
        Self(
            .invalidArgument, "'\(function)' takes \(expected) argument\(plural ? "s" : ""), but \(given(count))",
            help: usage.map { "usage: \($0)" })
    }

    package static func aggregateArgumentCount(_ name: String, given count: Int, isCount: Bool) -> Self {
        Self(
            .invalidArgument, "'\(name)' takes 1 argument, but \(count) were given",
            help: isCount ? "count() counts rows; count(x) counts values that are not null" : nil)
    }

    package static func argumentType(_ index: Int, of function: String, mustBe expected: String, described: String, is type: String, usage: String) -> Self {
        Self(
            .typeMismatch, "argument \(index) of '\(function)' must be \(expected), but \(described) is \(type)",
            help: "usage: \(usage)")
    }

    package static func aggregateNeedsNumbers(_ name: String, described: String, is type: String, source: String) -> Self {
        Self(
            .typeMismatch, "'\(name)' needs numbers, but \(described) is \(type)",
            help: "count(\(source)) counts values of any type")
    }

    package static func aggregateNeedsBools(_ name: String, described: String, is type: String) -> Self {
        Self(
            .typeMismatch, "'\(name)' needs bools, but \(described) is \(type)",
            help: "give it a condition, for example: \(name)(price > 10)")
    }

    package static func aggregateNeedsStrings(_ name: String, described: String, is type: String, source: String) -> Self {
        Self(
            .typeMismatch, "'\(name)' needs strings, but \(described) is \(type)",
            help: "convert it first: \(name)(to_string(\(source)), \", \")")
    }

    package static func separatorNotConstant(_ source: String) -> Self {
        Self(.typeMismatch, "the separator of 'string_agg' must be a string written in the query, not '\(source)'", help: "for example: string_agg(name, \", \")")
    }

    package static func aggregateCannotCompareLists(_ name: String) -> Self {
        Self(.typeMismatch, "'\(name)' cannot compare lists")
    }
}

// MARK: - Window functions

extension DiagnosticMessage {
    package static func windowOutsideSelect(_ call: String) -> Self {
        Self(.invalidArgument, "window functions are computed in a 'select': select '\(call)' as a field, then use it in a 'where' after it")
    }

    package static let windowInAggregation = Self(
        .invalidArgument, "a window function cannot be in a 'select' that aggregates",
        help: "aggregate in one 'select' (or 'group by … select'), then compute the window in a 'select' after it")

    package static let nestedWindow = Self(.invalidArgument, "window functions cannot be nested", help: "compute the inner one in a 'select' before")

    package static func notAWindowFunction(_ name: String, available: [String]) -> Self {
        Self(.unknownFunction, "'\(name)' is not a window function", help: "window functions: " + available.joined(separator: ", "))
    }

    package static func windowNeedsOrder(_ name: String) -> Self {
        Self(
            .invalidArgument, "'\(name)' needs 'order by' in its 'over (…)', the order that ranks the rows",
            help: Help.forExample("\(name)() over (partition by team order by score desc)"))
    }

    package static func windowFrameNeedsAggregate(_ name: String) -> Self {
        Self(.invalidArgument, "'rows N preceding' is for the aggregates count, sum, avg, min and max, not '\(name)'")
    }

    package static func windowOffset(_ name: String) -> Self {
        Self(.invalidArgument, "the offset of '\(name)' must be a whole number, 0 or more", help: Help.forExample("\(name)(x, 2)"))
    }

    package static func windowNeedsOver(_ name: String) -> Self {
        Self(
            .invalidArgument, "'\(name)' is a window function: say the rows it sees with 'over (…)'",
            help: Help.forExample("\(name)(\(name == "lag" || name == "lead" ? "x" : "")) over (partition by team order by score desc)"))
    }

    package static func quantileFraction(_ written: String) -> Self {
        Self(
            .invalidArgument, "the second argument of 'quantile' must be a number from 0 to 1, but it is '\(written)'",
            help: "quantile(x, 0.9) is the value 90% of the way from the least x to the greatest; median(x) is quantile(x, 0.5)")
    }

    package static let windowDistinct = Self(.invalidArgument, "'distinct' is not allowed in a window function")
}

// MARK: - Table functions and definitions

extension DiagnosticMessage {
    package static let rangeTakesWholeNumbers = Self(.invalidArgument, "'range' takes whole numbers, like range(10) or range(5, 10)")

    package static func rangeArgumentCount(_ count: Int) -> Self {
        Self(
            .invalidArgument, "'range' takes 1 or 2 arguments, but \(count) were given",
            help: "range(STOP) counts from 0; range(START, STOP) from START")
    }

    package static func rangeTooLong(maximum: Int) -> Self {
        Self(.invalidArgument, "'range' generates at most \(maximum) rows")
    }

    package static func definitionArgumentCount(_ name: String, parameters: [String], given count: Int) -> Self {
        Self(
            .invalidArgument, "'\(name)' takes \(counted(parameters.count, "argument")), but \(count) were given",
            help: "\(name)(\(parameters.joined(separator: ", ")))")
    }

    package static func recursiveDefinition(_ name: String) -> Self {
        Self(
            .invalidArgument, "'\(name)' calls itself; a 'def' cannot be recursive",
            help: "a 'def' can use tables, 'let' results and the 'def's defined before it")
    }

    package static func callsTooDeep(_ name: String, maximum: Int) -> Self {
        Self(
            .nestingTooDeep, "calling '\(name)' nests 'def's more than \(maximum) deep",
            help: "a 'def' may call the 'def's before it, up to \(maximum) deep; keep an inner result with 'let' instead")
    }

    package static func definitionArgumentsMustBeConstants(_ name: String) -> Self {
        Self(.invalidArgument, "arguments of '\(name)' must be constants")
    }

    package static func tooManyExpansions(maximum: Int) -> Self {
        Self(
            .nestingTooDeep, "this statement expands 'def's more than \(maximum) times",
            help: "a 'def' that uses another several times multiplies the work; use 'let' to compute it once")
    }
}

// MARK: - Scripts, assertions, loading and saving

extension DiagnosticMessage {
    package static let uncheckable = Self(
        .invalidArgument, "this statement could not be checked", help: "please report this statement: it failed without a message")

    package static func assertionShape(fields: Int) -> Self {
        Self(
            .typeMismatch, "an assertion's query must give one field, but this one gives \(fields)",
            help: "select the one value to check, or end the query with 'count'")
    }

    package static let assertionNeedsConstant = Self(.invalidArgument, "the expected value of an assertion must be a constant")

    package static func assertionTypes(_ queryType: DataType, _ literal: String, _ literalType: DataType) -> Self {
        Self(.typeMismatch, "cannot compare the query's \(queryType) with \(literal) (\(literalType))")
    }

    package static let dataOnScriptInput = Self(
        .loadFailure, "standard input holds this script, so it cannot also hold the data",
        help: "give the data with --data - and the script with -c or a file")

    package static func accessDenied(_ reason: String) -> Self {
        Self(.fileAccessDenied, reason, help: "this session's access is limited (--safe): name the files and database it may use on the command line (--data, --db)")
    }

    /// A data file that did not load; where in the file is the diagnostic's location.
    package static func loadFailed(_ reason: String) -> Self { Self(.loadFailure, reason, help: Help.nothingLoaded) }

    /// A script loads a file that an earlier line of it saves: loading happens first, at checking.
    package static func loadsWhatItSaves(_ reason: String, savedOn line: Int) -> Self {
        Self(
            .loadFailure, reason,
            help: "line \(line) saves this file, but files are loaded when the script is checked, before anything runs; load it in a later script (or with .read)")
    }

    /// A warning about a data file that loaded.
    package static func loadWarning(_ text: String) -> Self { Self(.loadFailure, text) }

    package static func cannotSave(_ path: String, reason: String) -> Self {
        Self(.saveFailure, "cannot save to '\(path)': \(reason)", help: "nothing was written; any earlier file there is unchanged")
    }

    package static let cancelled = Self(.cancelled, "cancelled")

    /// Rows streamed from a database: the count is not known, only that it passed the limit.
    package static func tooManyRows(moreThan maximum: Int) -> Self {
        Self(
            .limitExceeded, "the result has more than \(maximum) rows, the limit",
            help: "narrow the query, or end it with 'limit \(maximum)'")
    }

    package static func runtime(_ failure: String, help: String?) -> Self { Self(.runtimeFailure, failure, help: help) }

    package static func tooManyRows(_ count: Int, maximum: Int) -> Self {
        Self(
            .limitExceeded, "the result has \(count) rows, more than the limit of \(maximum)",
            help: "narrow the query, or end it with 'limit \(maximum)'")
    }
}

// MARK: - The library's API

extension DiagnosticMessage {
    package static func cannotRegister(_ name: String, reason: String) -> Self {
        Self(.invalidArgument, "cannot register '\(name)': \(reason)")
    }

    package static func functionNameTaken(_ name: String, by owner: String) -> Self {
        Self(
            .duplicateName, "cannot register the function '\(name)': the name is taken by \(owner)",
            help: "choose another name, or register it with replacing: true")
    }

    package static func notOneValue(rows: Int, fields: Int) -> Self {
        Self(
            .invalidArgument, "the query gave \(rows) row\(rows == 1 ? "" : "s") of \(fields) field\(fields == 1 ? "" : "s"), not one value",
            help: "end it with 'count', or select one field of one row")
    }

    package static func oneQueryOnly(_ operation: String) -> Self {
        Self(.invalidArgument, "\(operation) takes exactly one query")
    }

    /// A failed `assert` in a script run through the library, with both sides' values.
    package static func assertionFailed(_ detail: String) -> Self { Self(.assertionFailed, "assertion failed: \(detail)") }

    package static func cannotReadScript(_ path: String, reason: String) -> Self {
        Self(.loadFailure, "cannot read the script '\(path)': \(reason)", help: "check the path; a relative one is from the current folder")
    }

    package static func cannotDecode(as type: String, reason: String, fields: String) -> Self {
        Self(.typeMismatch, "cannot decode the rows as \(type): \(reason)", help: "the fields are: " + fields)
    }
}

// MARK: - Databases

extension DiagnosticMessage {
    package static let noDatabase = Self(
        .databaseFailure, "no database is open",
        help: "open one with .open postgresql://…, .open sc://HOST:PORT (Spark) or .open FILE.sqlite (or start byline with --db)")

    package static func noTableToPush(_ name: String, tables: [String]) -> Self {
        Self(.unknownTable, "no table '\(name)' in this session to push", help: "tables: " + tables.joined(separator: ", "))
    }

    package static func cannotCompile(for target: String, reason: String) -> Self {
        Self(.unsupportedInDatabase, "this query cannot run in \(target): \(reason)")
    }

    package static func cannotMix(database: String, reason: String) -> Self {
        Self(
            .unsupportedInDatabase, "this query reads tables of the \(database), but \(reason)",
            help: "copy what it needs into the session first, e.g. let t = TABLE where …")
    }

    package static func tooLargeToSend(_ table: String, rows: Int, database: String, maximum: Int) -> Self {
        Self(
            .unsupportedInDatabase,
            "this query reads '\(table)' (\(rows) rows, in this session) with tables of the \(database); at most \(maximum) rows are sent with a query",
            help: "store it in the database once with .push \(table)")
    }

    package static func databaseFailed(_ text: String, help: String?, overflow: Bool) -> Self {
        Self(overflow ? .runtimeFailure : .databaseFailure, text, help: help)
    }
}

// MARK: - Failures while running (raised by the engine, shown as `runtimeFailure`)

extension EvaluationError {
    package static func userFunctionFailed(_ name: String, reason: String) -> Self {
        Self("'\(name)' failed: \(reason)", help: "the function is the host program's; its error is as it threw it")
    }

    package static func userFunctionReturned(_ name: String, _ value: Value, declared: DataType) -> Self {
        Self(
            "'\(name)' returned \(value.literal), but it is declared to return \(Help.article("\(declared)"))",
            help: "the host program's function must return null or \(Help.article("\(declared)"))")
    }

    package static func integerOverflow(_ a: Int, _ op: String, _ b: Int) -> Self {
        Self("integer overflow in \(a) \(op) \(b)", help: "\(Help.integerRange); multiply by 1.0 to compute with floats", isIntegerOverflow: true)
    }

    package static func integerOverflowInNegation(_ value: Int) -> Self {
        Self("integer overflow in negation of \(value)", help: Help.integerRange, isIntegerOverflow: true)
    }

    package static func integerOverflowInAbs(_ value: Int) -> Self {
        Self("integer overflow in abs(\(value))", help: Help.integerRange, isIntegerOverflow: true)
    }

    package static let integerOverflowInSum = Self(
        "integer overflow in sum", help: "\(Help.integerRange); sum(x * 1.0) adds floats", isIntegerOverflow: true)

    package static func listTooLong(maximum: Int) -> Self {
        Self("list() collected more than \(maximum) values", help: "group more finely, or count them with count()")
    }

    package static func invalidPattern(_ source: String) -> Self {
        Self("invalid pattern \(source)")
    }

    package static func unknownTimeUnit(_ unit: String, known: [String]) -> Self {
        Self("date_trunc does not know the unit \(unit)", help: "write one of " + known.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    package static func unknownFormatDirective(_ directive: String, known: [String]) -> Self {
        Self(
            "strftime does not know the directive \(directive)",
            help: "write one of " + known.joined(separator: " ") + " (%% for a percent sign)")
    }

    package static func timeLimit(_ limit: Duration) -> Self {
        Self("the query ran longer than the limit of \(limit)")
    }

    package static func tableGone(_ name: String) -> Self {
        Self("table '\(name)' no longer exists")
    }

    package static func crossJoinTooLarge(_ left: Int, _ right: Int) -> Self {
        Self("this join would consider \(left) × \(right) pairs of rows; join on an equality such as 'a = b'")
    }

    package static func joinTooLarge(maximumPairs: Int) -> Self {
        Self("this join gives more than \(maximumPairs) pairs of rows; join on a key that is nearly unique, or filter both sides first")
    }

    /// The query would build more than the memory budget allows; `step` names what was growing.
    package static func memoryLimit(maximum: Int, step: String, held: Int) -> Self {
        let tables = held >= 1 << 20 ? "; tables and let results hold \(QueryLimits.describeMemory(held)) of it" : ""
        return Self(
            "the query needs more than \(QueryLimits.describeMemory(maximum)) of memory (\(step)\(tables))",
            help: "raise the limit with --memory SIZE (.memory SIZE in the shell, QueryLimits.maximumMemory in a program), or filter or group the rows first")
    }
}

// MARK: - Data files (each with the file and, when known, the line)

extension LoadError {
    package static func missingFile(_ file: String) -> Self { Self(file: file, line: nil, message: "no such file", kind: .missing) }

    package static func isDirectory(_ file: String) -> Self { Self(file: file, line: nil, message: "is a directory, not a data file") }

    package static func permissionDenied(_ file: String) -> Self { Self(file: file, line: nil, message: "cannot read: permission denied") }

    package static func unreadable(_ file: String, line: Int?, reason: String) -> Self {
        Self(file: file, line: line, message: "cannot read: \(reason)")
    }

    package static func tooLarge(_ file: String, maximumBytes: Int) -> Self {
        Self(file: file, line: nil, message: "file is larger than \(maximumBytes >> 30) GiB")
    }

    package static func beyondMemoryLimit(_ file: String, maximumBytes: Int) -> Self {
        Self(
            file: file, line: nil,
            message: "file is larger than the memory limit of \(QueryLimits.describeMemory(maximumBytes)); raise it with --memory SIZE (.memory SIZE in the shell)")
    }

    package static func empty(_ file: String) -> Self {
        Self(file: file, line: nil, message: "the file is empty; a data file needs a header row or JSON")
    }

    package static func cancelled(_ file: String, line: Int?) -> Self { Self(file: file, line: line, message: "cancelled", kind: .cancelled) }

    package static func nulByte(_ file: String, line: Int) -> Self { Self(file: file, line: line, message: "NUL byte; is this a binary file?") }

    package static func invalidUTF8(_ file: String, line: Int) -> Self {
        Self(file: file, line: line, message: "invalid UTF-8; save the file as UTF-8")
    }

    package static func unclosedQuote(_ file: String, line: Int) -> Self {
        Self(file: file, line: line, message: "unclosed quote: a field starting on this line never ends")
    }

    package static func textAfterQuote(_ file: String, line: Int, field: Int) -> Self {
        Self(
            file: file, line: line,
            message: "unexpected text after a closing quote in field \(field); double a quote inside a quoted field (\"\")")
    }

    package static func tooManyColumns(_ file: String, line: Int, columns: Int, maximum: Int) -> Self {
        Self(file: file, line: line, message: "the header has \(columns) columns; at most \(maximum) are allowed")
    }

    package static func rowWidth(_ file: String, line: Int, fields: Int, header: Int) -> Self {
        Self(file: file, line: line, message: "row has \(counted(fields, "field")), but the header has \(header)")
    }

    package static func tooManyKeys(_ file: String, line: Int, maximum: Int) -> Self {
        Self(file: file, line: line, message: "the objects have more than \(maximum) keys in all")
    }

    package static func invalidJSON(_ file: String, line: Int, column: Int, reason: String) -> Self {
        Self(file: file, line: line, message: "invalid JSON at column \(column): \(reason)")
    }

    package static func jsonLineNotObject(_ file: String, line: Int) -> Self {
        Self(file: file, line: line, message: "each line of a JSON Lines file must be an object")
    }

    package static func jsonNotArray(_ file: String, line: Int) -> Self {
        Self(file: file, line: line, message: "expected a JSON array of objects, like [{\"a\": 1}]")
    }

    package static func jsonElementNotObject(_ file: String, line: Int, element: Int) -> Self {
        Self(file: file, line: line, message: "element \(element) of the array is not an object")
    }
}

extension LoadWarning {
    package static func unnamedColumn(_ file: String, line: Int, column: Int, calledNow name: String) -> Self {
        Self(file: file, line: line, message: "column \(column) has no name; calling it '\(name)'")
    }

    package static func repeatedColumn(_ file: String, line: Int, name: String, calledNow newName: String) -> Self {
        Self(file: file, line: line, message: "column name '\(name)' appears twice; calling the second '\(newName)'")
    }
}
