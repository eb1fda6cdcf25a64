// Binding expressions: fields, literals, operators, functions, entity names and dates.

extension Binder {
    // MARK: - Expressions

    mutating func bind(_ expression: Expression, in schema: TableSchema) throws(Failure) -> TypedExpression {
        if let aggregated = try bindInAggregation(expression) { return aggregated }
        switch expression.kind {
        case .literal(let literal):
            return literalExpression(literal)
        case .field(let name):
            if let value = parameters[name] { return value }
            return try resolveField(name, qualifier: nil, in: schema, span: expression.span)
        case .qualifiedField(let table, let name):
            return try resolveField(name, qualifier: table, in: schema, span: expression.span)
        case .call(let name, let arguments, let distinct):
            return try bindCall(name, arguments, distinct: distinct, span: expression.span, in: schema)
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
            if case .integer(let value)? = bound.constant {
                let (negated, overflow) = (0).subtractingReportingOverflow(value)
                if overflow {
                    throw fail(.invalidNumber, "integer overflow in negation of \(value)", at: expression.span,
                        help: "integers range from \(Int.min) to \(Int.max)")
                }
                return literalExpression(.integer(negated))
            }
            if case .float(let value)? = bound.constant { return literalExpression(.float(-value)) }
            return TypedExpression(expression: .negate(bound.expression, Place(span: expression.span)), type: bound.type)
        case .isNull(let operand, let negated):
            let bound = try bind(operand, in: schema)
            let test = BoundExpression.isNull(bound.expression)
            return TypedExpression(expression: negated ? .not(test) : test, type: .bool)
        case .membership(let element, let list, let negated):
            return try bindMembership(element, list, negated: negated, span: expression.span, in: schema)
        case .binary(let op, let left, let right):
            return try bindBinary(op, left, right, in: schema)
        case .parameter(let name):
            return try bindParameter(name, span: expression.span)
        }
    }

    /// `$name`: the value given for it, as a literal of its type. A parameter is a value, never
    /// text put into the query, so no value can change what the query means.
    mutating func bindParameter(_ name: String, span: SourceSpan) throws(Failure) -> TypedExpression {
        guard let value = parameterValues[name] else {
            let known = parameterValues.keys.sorted().map { "$" + $0 }
            throw fail(
                .unknownField, "parameter '$\(name)' has no value", at: span,
                help: "give it with --arg \(name)=VALUE, --argjson \(name)=JSON, .param set \(name) VALUE, or run(_:parameters:)"
                    + (known.isEmpty ? "" : "; given: " + known.joined(separator: ", ")))
        }
        let type: DataType
        switch value {
        case .null: type = .null
        case .integer: type = .integer
        case .float: type = .float
        case .string: type = .string
        case .bool: type = .bool
        case .date: type = .date
        case .list(let items): type = .list(JSONTableLoader.commonType(items))
        }
        return TypedExpression(expression: .literal(value), type: type)
    }

    mutating func resolveField(
        _ name: String, qualifier: String?, in schema: TableSchema, span: SourceSpan
    ) throws(Failure) -> TypedExpression {
        switch schema.resolve(name, qualifier: qualifier) {
        case .field(let index):
            let field = schema.fields[index]
            return TypedExpression(expression: .column(index), type: field.type, references: field.references)
        case .ambiguous(let choices):
            throw fail(
                .unknownField, "'\(name)' is ambiguous here", at: span,
                help: "write one of " + Suggestion.list(choices))
        case .missing:
            let written = qualifier.map { "\($0).\(name)" } ?? name
            if let qualifier, !schema.fields.contains(where: { $0.qualifier == qualifier }) {
                let tables = Array(Set(schema.fields.compactMap(\.qualifier))).sorted()
                throw fail(
                    .unknownTable, "no table named '\(qualifier)' in this query", at: span,
                    help: tables.isEmpty ? nil : "tables here: " + tables.joined(separator: ", "))
            }
            let names = schema.fields.map(\.name)
            var help = names.isEmpty ? "this table has no fields" : "available fields: " + names.joined(separator: ", ")
            if let guess = Suggestion.closest(to: name, among: schema.fields.map(\.baseName)) {
                help = "did you mean '\(qualifier.map { "\($0)." } ?? "")\(guess)'?"
            } else if qualifier == nil, ScalarFunction.callable[name.lowercased()] != nil || AggregateCall.Kind.named(name) != nil {
                help = "'\(name)' is a function, called with parentheses: \(name)(...); " + help
            }
            throw fail(.unknownField, "unknown field '\(written)' in '\(schema.name)'", at: span, help: help)
        }
    }

    mutating func bindCall(
        _ name: String, _ arguments: [Expression], distinct: Bool, span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        if AggregateCall.Kind.named(name) != nil {
            // Outside a select (or inside an aggregate's own argument) aggregates make no sense.
            throw fail(
                .invalidArgument, "aggregate '\(name.lowercased())' is only allowed in 'select'", at: span,
                help: "for example: \(schema.name) group by KEY select KEY, \(name.lowercased())(...)")
        }
        if let function = userFunctions[name.lowercased()] {
            return try bindUserCall(function, arguments, span: span, in: schema)
        }
        guard let function = ScalarFunction.callable[name.lowercased()] else {
            let names = BuiltinFunctions.scalar + BuiltinFunctions.aggregates + Array(userFunctions.keys)
            var help = "functions: " + names.sorted().joined(separator: ", ")
            if let guess = Suggestion.closest(to: name, among: names) { help = "did you mean '\(guess)'?" }
            throw fail(.unknownFunction, "unknown function '\(name)'", at: span, help: help)
        }
        if distinct {
            throw fail(.invalidArgument, "'distinct' works only in count(distinct x)", at: span)
        }
        guard function.arity.contains(arguments.count) else {
            let expected = function.arity.count == 1 ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) to \(function.arity.upperBound)"
            throw fail(
                .invalidArgument,
                "'\(function.rawValue)' takes \(expected) argument\(function.arity.upperBound == 1 ? "" : "s"), but \(arguments.count) \(arguments.count == 1 ? "was" : "were") given",
                at: span, help: "usage: \(function.signature)")
        }
        var bound: [TypedExpression] = []
        for argument in arguments { bound.append(try bind(argument, in: schema)) }
        switch function.resultType(for: bound.map(\.type)) {
        case .success(let type):
            let expressions = bound.map(\.expression)
            if bound.allSatisfy({ $0.constant != nil }) {
                do {
                    var folded = try function.apply(bound.compactMap(\.constant))
                    if type == .float, case .integer(let number) = folded { folded = .float(Double(number)) }
                    return TypedExpression(expression: .literal(folded), type: type)
                } catch {
                    throw fail(.runtimeFailure, error.message, at: span, help: error.help)
                }
            }
            let references = function == .coalesce ? bound.first?.references : nil
            var arguments = expressions
            if function == .coalesce, type == .float {
                // A float result holds floats: an integer argument is widened, so 1 and 1.0 never
                // reach a column (or a group) as different values.
                for index in arguments.indices where bound[index].type == .integer {
                    arguments[index] = .call(.widenToFloat, [arguments[index]], Place())
                }
            }
            return TypedExpression(expression: .call(function, arguments, Place(span: span)), type: type, references: references)
        case .failure(let misfit):
            let argument = arguments[misfit.index]
            throw fail(
                .typeMismatch,
                "argument \(misfit.index + 1) of '\(function.rawValue)' must be \(misfit.expected), but \(describe(argument)) is \(article(bound[misfit.index].type))",
                at: argument.span, help: "usage: \(function.signature)")
        }
    }

    mutating func bindUserCall(
        _ function: UserFunction, _ arguments: [Expression], span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        guard arguments.count == function.argumentTypes.count else {
            throw fail(
                .invalidArgument,
                "'\(function.name)' takes \(function.argumentTypes.count) argument\(function.argumentTypes.count == 1 ? "" : "s"), but \(arguments.count) \(arguments.count == 1 ? "was" : "were") given",
                at: span, help: "usage: \(function.signature)")
        }
        var bound: [BoundExpression] = []
        for (index, argument) in arguments.enumerated() {
            let typed = try bind(argument, in: schema)
            let expected = function.argumentTypes[index]
            guard typed.type == .null || typed.type == expected || (expected == .float && typed.type == .integer) else {
                throw fail(
                    .typeMismatch,
                    "argument \(index + 1) of '\(function.name)' must be \(article(expected)), but \(describe(argument)) is \(article(typed.type))",
                    at: argument.span, help: "usage: \(function.signature)")
            }
            bound.append(typed.expression)
        }
        return TypedExpression(expression: .userCall(function, bound), type: function.returnType)
    }

    mutating func bindBinary(
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
        case .contains, .startsWith, .endsWith, .equalIgnoringCase, .matches:
            for (bound, syntax) in [(lhs, left), (rhs, right)] where bound.type != .string && bound.type != .null {
                throw fail(
                    .typeMismatch, "'\(op.rawValue)' needs strings, but \(describe(syntax)) is \(article(bound.type))",
                    at: syntax.span,
                    help: bound.type.isList ? "to test whether a list holds a value, write: VALUE in LIST" : nil)
            }
            switch op {
            case .contains: return TypedExpression(expression: .contains(lhs.expression, rhs.expression), type: .bool)
            case .matches: return try bindMatches(lhs, right, rhs)
            case .startsWith:
                return TypedExpression(expression: .call(.startsWith, [lhs.expression, rhs.expression], Place()), type: .bool)
            case .endsWith:
                return TypedExpression(expression: .call(.endsWith, [lhs.expression, rhs.expression], Place()), type: .bool)
            default:
                canonicalize(&rhs, against: lhs)
                canonicalize(&lhs, against: rhs)
                return TypedExpression(expression: .call(.equalIgnoringCase, [lhs.expression, rhs.expression], Place()), type: .bool)
            }
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
            if (lhs.type == .null && lhs.constant != nil) || (rhs.type == .null && rhs.constant != nil) {
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
                return TypedExpression(
                    expression: .arithmetic(.add, lhs.expression, rhs.expression, .string, Place(span: left.span.union(right.span))),
                    type: .string)
            }
            for (bound, syntax) in [(lhs, left), (rhs, right)] where !bound.type.isNumeric {
                throw fail(
                    .typeMismatch, "'\(op.rawValue)' needs numbers, but \(describe(syntax)) is \(article(bound.type))",
                    at: syntax.span, help: op == .add ? "'+' also joins two strings" : nil)
            }
            let type: DataType =
                (op == .divide || lhs.type == .float || rhs.type == .float) ? .float : (lhs.type == .null ? rhs.type : lhs.type)
            return TypedExpression(
                expression: .arithmetic(op, lhs.expression, rhs.expression, type, Place(span: left.span.union(right.span))), type: type)
        }
    }

    /// `text matches "regex"`: the pattern must be a constant and a valid regular expression.
    mutating func bindMatches(_ subject: TypedExpression, _ patternSyntax: Expression, _ pattern: TypedExpression) throws(Failure) -> TypedExpression {
        guard case .string(let text)? = pattern.constant else {
            throw fail(.invalidArgument, "the pattern after 'matches' must be a string literal", at: patternSyntax.span)
        }
        do {
            _ = try Pattern(text)
        } catch {
            throw fail(
                .invalidArgument, "invalid regular expression: \(error.message)", at: patternSyntax.span,
                help: "'matches' must match the whole string, e.g. \"Nur.*\"; it supports . [ ] | ( ) * + ? {m,n} \\d \\w \\s and a leading (?i)")
        }
        return TypedExpression(expression: .matches(subject.expression, pattern: text), type: .bool)
    }

    mutating func bindMembership(
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
    func canonicalize(_ operand: inout TypedExpression, against other: TypedExpression) {
        guard let target = other.references, operand.references == nil, operand.type == .string else { return }
        let index = nameIndexes(target)
        guard !index.isEmpty else { return }
        if let constant = operand.constant {
            operand.expression = .literal(canonicalValue(constant, index))
        } else {
            operand.expression = .canonical(operand.expression, index)
        }
    }

    func canonicalValue(_ value: Value, _ index: [String: String]) -> Value {
        guard case .string(let text) = value, let canonical = index[text.lowercased()] else { return value }
        return .string(canonical)
    }

    // MARK: - Dates

    /// A string literal compared with a date is read as a date.
    func coerceDateLiteral(_ operand: inout TypedExpression, toMatch other: TypedExpression) {
        guard other.type == .date, case .string(let text)? = operand.constant, let date = PartialDate(text) else { return }
        operand = TypedExpression(expression: .literal(.date(date)), type: .date)
    }

    mutating func dateLiteralError(
        _ date: TypedExpression, _ other: TypedExpression, _ otherSyntax: Expression
    ) -> Failure? {
        guard date.type == .date, other.type == .string, case .string(let text)? = other.constant else { return nil }
        return fail(
            .typeMismatch, "'\(text)' is not a date", at: otherSyntax.span,
            help: "write dates as \"2016\", \"2016-03\", \"2016-03-09\", or without a year \"--03\" or \"--06-09\"")
    }
}
