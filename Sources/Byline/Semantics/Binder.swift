// Binder: resolves tables and fields, checks types, and turns a syntax tree into a query plan
// before any row is read.

/// Checks statements against the tables a session has and the `let` names defined before them.
struct Binder {
    /// Schemas by name; a nil value marks a `let` whose own statement failed, so its uses stay quiet.
    private(set) var scope: [String: TableSchema?]
    /// For each table with a key, every name of each row mapped to its key.
    private let nameIndexes: (String) -> [String: String]
    private let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    /// Thrown when a statement has failed; its diagnostic is already recorded.
    struct Failure: Error {}

    init(scope: [String: TableSchema?], source: SourceFile, nameIndexes: @escaping (String) -> [String: String]) {
        self.scope = scope
        self.source = source
        self.nameIndexes = nameIndexes
    }

    // MARK: - Statements

    /// Checks a query, returning its plan.
    mutating func bind(_ query: Query) throws(Failure) -> QueryPlan {
        if let arguments = query.arguments {
            return try bindTableFunction(query, arguments: arguments)
        }
        guard let entry = scope[query.source.text] ?? caseInsensitiveLookup(query.source.text) else {
            let names = scope.keys.sorted()
            var help = "available tables: " + names.joined(separator: ", ")
            if let guess = Suggestion.closest(to: query.source.text, among: names) { help = "did you mean '\(guess)'?" }
            throw fail(.unknownTable, "unknown table '\(query.source.text)'", at: query.source.span, help: help)
        }
        guard let schema = entry else { throw Failure() }
        return try bindClauses(query.clauses, source: .table(schema.name), schema: schema)
    }

    /// The largest number of rows `range` generates.
    static let maximumRangeCount = 100_000_000

    /// `range(STOP)` or `range(START, STOP)`: integers in a field named `value`.
    private mutating func bindTableFunction(_ query: Query, arguments: [Expression]) throws(Failure) -> QueryPlan {
        let name = query.source
        guard name.text.lowercased() == "range" else {
            if scope[name.text] != nil || caseInsensitiveLookup(name.text) != nil {
                throw fail(
                    .invalidArgument, "'\(name.text)' is a table, not a function", at: name.span,
                    help: "write it without parentheses: \(name.text)")
            }
            throw fail(.unknownTable, "unknown table function '\(name.text)'", at: name.span, help: "table functions: range")
        }
        var bounds: [Int] = []
        for argument in arguments {
            guard case .literal(.integer(let value)) = argument.kind else {
                throw fail(
                    .invalidArgument, "'range' takes whole numbers, like range(10) or range(5, 10)", at: argument.span)
            }
            bounds.append(value)
        }
        guard bounds.count == 1 || bounds.count == 2 else {
            throw fail(
                .invalidArgument, "'range' takes 1 or 2 arguments, but \(bounds.count) were given",
                at: arguments.first.map { $0.span.union(arguments[arguments.count - 1].span) } ?? name.span,
                help: "range(STOP) counts from 0; range(START, STOP) from START")
        }
        let start = bounds.count == 2 ? bounds[0] : 0
        let stop = max(start, bounds[bounds.count - 1])
        if stop.subtractingReportingOverflow(start).overflow || stop - start > Binder.maximumRangeCount {
            throw fail(
                .invalidArgument, "'range' generates at most \(Binder.maximumRangeCount) rows", at: name.span.union(arguments[arguments.count - 1].span))
        }
        let schema = TableSchema(name: "range", fields: [Field(name: "value", type: .integer)])
        return try bindClauses(query.clauses, source: .range(start: start, stop: stop), schema: schema)
    }

    private mutating func bindClauses(
        _ clauses: [Clause], source: QueryPlan.Source, schema: TableSchema
    ) throws(Failure) -> QueryPlan {
        var schema = schema
        var stages: [(stage: QueryPlan.Stage, output: TableSchema)] = []
        for clause in clauses {
            let stage: QueryPlan.Stage
            switch clause.kind {
            case .filter(let condition):
                let bound = try bind(condition, in: schema)
                try require(bound, is: .bool, condition, role: "a 'where' condition")
                stage = .filter(bound.expression)
            case .select(let items):
                var expressions: [BoundExpression] = []
                var fields: [Field] = []
                for item in items {
                    let bound = try bind(item.expression, in: schema)
                    let name = item.alias?.text ?? outputName(of: item.expression)
                    if fields.contains(where: { $0.name == name }) {
                        throw fail(
                            .duplicateName, "duplicate field name '\(name)' in 'select'",
                            at: item.alias?.span ?? item.expression.span, help: "rename one with 'as'")
                    }
                    expressions.append(bound.expression)
                    fields.append(Field(name: name, type: bound.type, references: bound.references))
                }
                stage = .project(expressions)
                schema = TableSchema(name: schema.name, fields: fields)
            case .orderBy(let items):
                var keys: [(BoundExpression, descending: Bool)] = []
                for item in items {
                    let bound = try bind(item.expression, in: schema)
                    if case .list = bound.type {
                        // Lists order element by element, which is well defined; allowed.
                    } else if bound.type == .null {
                        throw fail(.typeMismatch, "cannot order by null", at: item.expression.span)
                    }
                    keys.append((bound.expression, item.descending))
                }
                stage = .sort(keys)
            case .limit(let expression):
                guard case .literal(.integer(let count)) = expression.kind, count >= 0 else {
                    throw fail(
                        .invalidArgument, "'limit' takes a whole number of rows, 0 or more", at: expression.span,
                        help: "for example: limit 10")
                }
                stage = .limit(count)
            case .count:
                stage = .count
                schema = TableSchema(name: schema.name, fields: [Field(name: "count", type: .integer)])
            }
            stages.append((stage, schema))
        }
        return QueryPlan(source: source, stages: stages, schema: schema)
    }

    /// Records a `let` name for the statements after it (nil when its query failed).
    mutating func define(_ name: String, as schema: TableSchema?) {
        scope[name] = .some(schema)
    }

    /// Whether a name is taken by something other than a `let`.
    func isBuiltIn(_ name: String, lets: Set<String>) -> Bool {
        scope[name] != nil && !lets.contains(name)
    }

    private func caseInsensitiveLookup(_ name: String) -> TableSchema?? {
        scope.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    // MARK: - Expressions

    mutating func bind(_ expression: Expression, in schema: TableSchema) throws(Failure) -> TypedExpression {
        switch expression.kind {
        case .literal(let literal):
            return literalExpression(literal)
        case .field(let name):
            guard let index = schema.index(of: name) else {
                let names = schema.fields.map(\.name)
                var help = "available fields: " + names.joined(separator: ", ")
                if let guess = Suggestion.closest(to: name, among: names) { help = "did you mean '\(guess)'?" }
                throw fail(
                    .unknownField, "unknown field '\(name)' in '\(schema.name)'", at: expression.span, help: help)
            }
            let field = schema.fields[index]
            return TypedExpression(expression: .column(index), type: field.type, references: field.references)
        case .list(let elements):
            var bound: [TypedExpression] = []
            var elementType = DataType.null
            for element in elements {
                let typed = try bind(element, in: schema)
                guard let unified = elementType.unified(with: typed.type) else {
                    throw fail(
                        .typeMismatch, "list mixes \(elementType) and \(typed.type) values", at: element.span,
                        help: "every element of a list must have the same type")
                }
                elementType = unified
                bound.append(typed)
            }
            if bound.allSatisfy({ $0.constant != nil }) {
                return TypedExpression(
                    expression: .literal(.list(bound.compactMap(\.constant))), type: .list(elementType))
            }
            return TypedExpression(expression: .makeList(bound.map(\.expression)), type: .list(elementType))
        case .not(let operand):
            let bound = try bind(operand, in: schema)
            try require(bound, is: .bool, operand, role: "the operand of 'not'")
            return TypedExpression(expression: .not(bound.expression), type: .bool)
        case .negate(let operand):
            let bound = try bind(operand, in: schema)
            guard bound.type.isNumeric else {
                throw fail(
                    .typeMismatch, "cannot negate \(describe(operand)) of type \(bound.type)", at: operand.span,
                    help: "'-' applies to integers and floats")
            }
            return TypedExpression(expression: .negate(bound.expression), type: bound.type)
        case .isNull(let operand, let negated):
            let bound = try bind(operand, in: schema)
            let test = BoundExpression.isNull(bound.expression)
            return TypedExpression(expression: negated ? .not(test) : test, type: .bool)
        case .membership(let element, let list, let negated):
            return try bindMembership(element, list, negated: negated, span: expression.span, in: schema)
        case .binary(let op, let left, let right):
            return try bindBinary(op, left, right, in: schema)
        }
    }

    private mutating func bindBinary(
        _ op: BinaryOperator, _ left: Expression, _ right: Expression, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        var lhs = try bind(left, in: schema)
        var rhs = try bind(right, in: schema)
        switch op {
        case .and, .or:
            try require(lhs, is: .bool, left, role: "the left side of '\(op.rawValue)'")
            try require(rhs, is: .bool, right, role: "the right side of '\(op.rawValue)'")
            let expression: BoundExpression =
                op == .and ? .and(lhs.expression, rhs.expression) : .or(lhs.expression, rhs.expression)
            return TypedExpression(expression: expression, type: .bool)
        case .contains:
            for (bound, syntax) in [(lhs, left), (rhs, right)] where bound.type != .string && bound.type != .null {
                throw fail(
                    .typeMismatch, "'contains' needs strings, but \(describe(syntax)) is \(article(bound.type))",
                    at: syntax.span,
                    help: bound.type.isList ? "to test whether a list holds a value, write: VALUE in LIST" : nil)
            }
            return TypedExpression(expression: .contains(lhs.expression, rhs.expression), type: .bool)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            coerceDateLiteral(&rhs, toMatch: lhs)
            coerceDateLiteral(&lhs, toMatch: rhs)
            if let error = dateLiteralError(lhs, rhs, right) ?? dateLiteralError(rhs, lhs, left) { throw error }
            guard lhs.type.isComparable(with: rhs.type) else {
                throw fail(
                    .typeMismatch,
                    "cannot compare \(describe(left)) (\(lhs.type)) with \(describe(right)) (\(rhs.type))",
                    at: left.span.union(right.span), help: comparisonHelp(lhs, rhs))
            }
            if lhs.type == .null || rhs.type == .null {
                diagnostics.append(
                    Diagnostic(
                        .warning, .typeMismatch, "comparing with null is never true", at: left.span.union(right.span),
                        help: "test for null with 'is null' or 'is not null'"))
            }
            canonicalize(&rhs, against: lhs)
            canonicalize(&lhs, against: rhs)
            return TypedExpression(expression: .compare(op, lhs.expression, rhs.expression), type: .bool)
        case .add, .subtract, .multiply, .divide, .remainder:
            if op == .add, lhs.type == .string, rhs.type == .string {
                return TypedExpression(expression: .arithmetic(.add, lhs.expression, rhs.expression, .string), type: .string)
            }
            for (bound, syntax) in [(lhs, left), (rhs, right)] where !bound.type.isNumeric {
                throw fail(
                    .typeMismatch, "'\(op.rawValue)' needs numbers, but \(describe(syntax)) is \(article(bound.type))",
                    at: syntax.span, help: op == .add ? "'+' also joins two strings" : nil)
            }
            let type: DataType =
                (op == .divide || lhs.type == .float || rhs.type == .float) ? .float : (lhs.type == .null ? rhs.type : lhs.type)
            return TypedExpression(expression: .arithmetic(op, lhs.expression, rhs.expression, type), type: type)
        }
    }

    private mutating func bindMembership(
        _ element: Expression, _ list: Expression, negated: Bool, span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        var value = try bind(element, in: schema)
        var container = try bind(list, in: schema)
        guard case .list(let elementType) = container.type else {
            throw fail(
                .typeMismatch, "'in' needs a list on its right, but \(describe(list)) is \(article(container.type))",
                at: list.span, help: "write the choices in brackets: x in [\"a\", \"b\"]")
        }
        guard value.type.isComparable(with: elementType) else {
            throw fail(
                .typeMismatch, "cannot look for \(describe(element)) (\(value.type)) in a list of \(elementType)",
                at: span)
        }
        // Names match their entity's canonical name on either side.
        if let target = value.references, case .literal(.list(let elements)) = container.expression {
            let index = nameIndexes(target)
            container.expression = .literal(.list(elements.map { canonicalValue($0, index) }))
        } else if let target = container.references, let constant = value.constant {
            value.expression = .literal(canonicalValue(constant, nameIndexes(target)))
        }
        let test = BoundExpression.member(value.expression, container.expression)
        return TypedExpression(expression: negated ? .not(test) : test, type: .bool)
    }

    // MARK: - Names of entities

    /// When `other` names rows of a table, makes `operand` match by any of that row's names.
    private func canonicalize(_ operand: inout TypedExpression, against other: TypedExpression) {
        guard let target = other.references, operand.references == nil, operand.type == .string else { return }
        let index = nameIndexes(target)
        guard !index.isEmpty else { return }
        if let constant = operand.constant {
            operand.expression = .literal(canonicalValue(constant, index))
        } else {
            operand.expression = .canonical(operand.expression, index)
        }
    }

    private func canonicalValue(_ value: Value, _ index: [String: String]) -> Value {
        guard case .string(let text) = value, let canonical = index[text.lowercased()] else { return value }
        return .string(canonical)
    }

    // MARK: - Dates

    /// A string literal compared with a date is read as a date.
    private func coerceDateLiteral(_ operand: inout TypedExpression, toMatch other: TypedExpression) {
        guard other.type == .date, case .string(let text)? = operand.constant,
            let date = PartialDate(text)
        else { return }
        operand = TypedExpression(expression: .literal(.date(date)), type: .date)
    }

    private mutating func dateLiteralError(
        _ date: TypedExpression, _ other: TypedExpression, _ otherSyntax: Expression
    ) -> Failure? {
        guard date.type == .date, other.type == .string, case .string(let text)? = other.constant
        else { return nil }
        return fail(
            .typeMismatch, "'\(text)' is not a date", at: otherSyntax.span,
            help: "write dates as \"2016\", \"2016-03\", \"2016-03-09\", or without a year \"--03\" or \"--06-09\"")
    }

    // MARK: - Helpers

    private func literalExpression(_ literal: Literal) -> TypedExpression {
        switch literal {
        case .string(let value): return TypedExpression(expression: .literal(.string(value)), type: .string)
        case .integer(let value): return TypedExpression(expression: .literal(.integer(value)), type: .integer)
        case .float(let value): return TypedExpression(expression: .literal(.float(value)), type: .float)
        case .bool(let value): return TypedExpression(expression: .literal(.bool(value)), type: .bool)
        case .null: return TypedExpression(expression: .literal(.null), type: .null)
        }
    }

    private mutating func require(
        _ bound: TypedExpression, is type: DataType, _ syntax: Expression, role: String
    ) throws(Failure) {
        guard bound.type != type, bound.type != .null else { return }
        var help: String?
        if type == .bool, bound.type == .string { help = "compare it with something, for example: \(text(of: syntax)) = \"...\"" }
        throw fail(
            .typeMismatch, "\(role) must be a bool, but \(describe(syntax)) is \(article(bound.type))", at: syntax.span,
            help: help)
    }

    private func comparisonHelp(_ lhs: TypedExpression, _ rhs: TypedExpression) -> String? {
        let (a, b) = (lhs.type, rhs.type)
        for case .string(let text)? in [lhs.constant, rhs.constant] where Double(text) != nil {
            return "remove the quotes to compare numbers: \(text)"
        }
        if (a == .string && b.isNumeric) || (b == .string && a.isNumeric) {
            return "quote the number to compare text, or compare with a numeric field"
        }
        if a.isList || b.isList { return "to test whether a list holds a value, write: VALUE in LIST" }
        return nil
    }

    /// The name a `select` gives an unnamed expression: a field keeps its name; others use their text.
    private func outputName(of expression: Expression) -> String {
        if case .field(let name) = expression.kind { return name }
        return text(of: expression)
    }

    /// The source text an expression was written as.
    func text(of expression: Expression) -> String {
        let bytes = source.bytes
        let start = min(expression.span.start.offset, bytes.count)
        let end = min(max(start, expression.span.end.offset), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// How a message names an expression: 'field', or its text in quotes.
    private func describe(_ expression: Expression) -> String {
        if case .field(let name) = expression.kind { return "'\(name)'" }
        return "'\(text(of: expression))'"
    }

    private func article(_ type: DataType) -> String {
        let name = type.description
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }

    private mutating func fail(
        _ id: DiagnosticID, _ message: String, at span: SourceSpan, help: String? = nil
    ) -> Failure {
        diagnostics.append(Diagnostic(id, message, at: span, help: help))
        return Failure()
    }
}

extension DataType {
    /// Whether this is a list type.
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}
