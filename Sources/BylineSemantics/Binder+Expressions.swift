// Binding expressions: fields, literals, operators, functions, entity names and dates.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension Binder {
    // MARK: - Expressions

    package mutating func bind(_ expression: Expression, in schema: TableSchema) throws(Failure) -> TypedExpression {
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
                    throw fail(.mixedList(elementType, typed.type), at: element.span)
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
                throw fail(.cannotNegate(describe(operand), of: bound.type), at: operand.span)
            }
            if case .integer(let value)? = bound.constant {
                let (negated, overflow) = (0).subtractingReportingOverflow(value)
                // An overflow stays a negation, which fails only where a row needs its value.
                if !overflow { return literalExpression(.integer(negated)) }
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
        case .conditional(let items, let otherwise):
            return try bindConditional(items, otherwise: otherwise, in: schema)
        case .between(let value, let low, let high, let negated):
            // `x between a and b` is `x >= a and x <= b`: false when any of them is null.
            let lower = try bindBinary(.greaterEqual, value, low, in: schema)
            let upper = try bindBinary(.lessEqual, value, high, in: schema)
            var test = BoundExpression.and(lower.expression, upper.expression)
            // A bound that is constantly false decides it, as for `and`.
            if lower.constant == .bool(false) || upper.constant == .bool(false) { test = .literal(.bool(false)) }
            return TypedExpression(expression: negated ? .not(test) : test, type: .bool)
        case .window:
            return try bindWindowReference(expression)
        }
    }

    /// `case when C then V … [else E] end`: the conditions are bools; the values share a type
    /// (integers and floats make floats), and a missing `else` is null.
    package mutating func bindConditional(_ items: [Expression], otherwise: Expression?, in schema: TableSchema) throws(Failure) -> TypedExpression {
        var conditions: [BoundExpression] = []
        var values: [TypedExpression] = []
        var syntax: [Expression] = []
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            let condition = try bind(items[index], in: schema)
            try require(condition, is: .bool, items[index], role: "a 'when' condition")
            conditions.append(condition.expression)
            values.append(try bind(items[index + 1], in: schema))
            syntax.append(items[index + 1])
        }
        if let otherwise {
            values.append(try bind(otherwise, in: schema))
            syntax.append(otherwise)
        }
        var type = DataType.null
        for (value, written) in zip(values, syntax) {
            guard let unified = type.unified(with: value.type) else {
                throw fail(.mixedConditional(describe(written), is: article(value.type), after: article(type)), at: written.span)
            }
            type = unified
        }
        // A float result holds floats, as coalesce's does.
        var branches = values.map(\.expression)
        if type == .float {
            for index in values.indices where values[index].type == .integer {
                branches[index] = .call(.widenToFloat, [branches[index]], Place())
            }
        }
        var parts: [BoundExpression] = []
        for (condition, branch) in zip(conditions, branches) { parts += [condition, branch] }
        let fallback = otherwise == nil ? BoundExpression.literal(.null) : branches[branches.count - 1]
        return TypedExpression(expression: .conditional(parts, otherwise: fallback), type: type)
    }

    /// `$name`: the value given for it, as a literal of its type. A parameter is a value, never
    /// text put into the query, so no value can change what the query means.
    package mutating func bindParameter(_ name: String, span: SourceSpan) throws(Failure) -> TypedExpression {
        let bound = try bindParameterValue(name, span: span, baking: false)
        // In a prepared query a scalar becomes a slot for the value of each run; null and lists
        // stay values (their checks depend on the value).
        if parameterSlots.contains(name), let value = bound.constant, !value.isNull,
            [DataType.integer, .float, .string, .bool, .date, .timestamp].contains(bound.type)
        {
            return TypedExpression(expression: .parameter(name, bound.type), type: bound.type)
        }
        return bound
    }

    /// `$name` where the check needs its value (a `range` bound, a `limit`), noted as baked in.
    package mutating func bindParameterValue(_ name: String, span: SourceSpan, baking: Bool = true) throws(Failure) -> TypedExpression {
        if baking, parameterSlots.contains(name) { bakedParameters.insert(name) }
        guard let value = parameterValues[name] else {
            let known = parameterValues.keys.sorted().map { "$" + $0 }
            throw fail(.missingParameter(name, given: known), at: span)
        }
        let type: DataType
        switch value {
        case .null: type = .null
        case .integer: type = .integer
        case .float: type = .float
        case .string: type = .string
        case .bool: type = .bool
        case .date: type = .date
        case .timestamp: type = .timestamp
        case .list(let items): type = .list(JSONTableLoader.commonType(items))
        }
        return TypedExpression(expression: .literal(value), type: type)
    }

    package mutating func resolveField(
        _ name: String, qualifier: String?, in schema: TableSchema, span: SourceSpan
    ) throws(Failure) -> TypedExpression {
        switch schema.resolve(name, qualifier: qualifier) {
        case .field(let index):
            let field = schema.fields[index]
            return TypedExpression(expression: .column(index), type: field.type, references: field.references)
        case .ambiguous(let choices):
            throw fail(.ambiguousField(name, choices: choices), at: span)
        case .missing:
            let written = qualifier.map { "\($0).\(name)" } ?? name
            // The naming rule (README, "Names"): a field a select computed or renamed belongs to
            // no table, so `t.y` for such a `y` is answered with `y`, never `t.y` again.
            let bare = schema.fields.first { $0.qualifier == nil && $0.baseName == name }?.baseName
            if let qualifier, !schema.fields.contains(where: { $0.qualifier == qualifier }) {
                let tables = Array(Set(schema.fields.compactMap(\.qualifier))).sorted()
                // A `let` of a join keeps its tables' names (Binder+SourceNames.swift).
                let joined = scope[qualifier] == nil ? nil : schema.fields.first { $0.qualifier != nil && $0.baseName == name }.map { "\($0.qualifier ?? "").\(name)" }
                throw fail(.noSuchQualifier(qualifier, tables: tables, bare: bare, joined: joined), at: span)
            }
            // The guess is a field as it is named here: with its own qualifier, or none.
            let guess = bare ?? Suggestion.closest(to: name, among: schema.fields.map(\.baseName)).map { base in
                guard qualifier != nil else { return base }
                let field = schema.fields.first { $0.baseName == base && $0.qualifier == qualifier } ?? schema.fields.first { $0.baseName == base }
                return field?.qualifier.map { "\($0).\(base)" } ?? base
            }
            let isFunction = qualifier == nil && (ScalarFunction.callable[name.lowercased()] != nil || AggregateCall.Kind.named(name) != nil)
            throw fail(
                .unknownField(written, in: schema.name, guess: guess, fields: schema.fields.map(\.name), isFunction: isFunction),
                at: span)
        }
    }

    package mutating func bindCall(
        _ name: String, _ arguments: [Expression], distinct: Bool, span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        if AggregateCall.Kind.named(name) != nil {
            // Outside a select (or inside an aggregate's own argument) aggregates make no sense.
            throw fail(.aggregateOutsideSelect(name.lowercased(), table: schema.name), at: span)
        }
        if let function = userFunctions[name.lowercased()] {
            return try bindUserCall(function, arguments, span: span, in: schema)
        }
        if BuiltinFunctions.window.contains(name.lowercased()) {
            throw fail(.windowNeedsOver(name.lowercased()), at: span)
        }
        guard let function = ScalarFunction.callable[name.lowercased()] else {
            // SQL's EXISTS (…): what Byline writes for rows in (or not in) another query.
            if name.lowercased() == "exists" { throw fail(.sqlSubquery, at: span) }
            let names = BuiltinFunctions.scalar + BuiltinFunctions.aggregates + Array(userFunctions.keys)
            let guess = Suggestion.closest(to: name, among: names)
            throw fail(.unknownFunction(name, guess: guess, available: names.sorted()), at: span)
        }
        if distinct {
            throw fail(.distinctOutsideCount, at: span)
        }
        guard function.arity.contains(arguments.count) else {
            let expected = function.arity.count == 1 ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) to \(function.arity.upperBound)"
            throw fail(
                .argumentCount(
                    function.name, takes: expected, plural: function.arity.upperBound != 1, given: arguments.count,
                    usage: function.signature),
                at: span)
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
                    // A null of a known type (ln(-5)) stays a call, so SQL gives it its type. A result
                    // longer than a literal may be stays a call too, so the run charges it to its
                    // memory budget (folded, nested calls could build gigabytes while checking).
                    if (!folded.isNull || type == .null) && !folded.isLongerThanALiteral {
                        return TypedExpression(expression: .literal(folded), type: type)
                    }
                } catch where error.isIntegerOverflow {
                    // Not an error yet: a value is computed only where a row needs it (README,
                    // "When a value is computed"), so `coalesce(1, abs(-9223372036854775808))` is 1
                    // and over no rows nothing fails. The call stays, and fails where it runs.
                } catch {
                    throw fail(.runtime(error.message, help: error.help), at: span)
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
                .argumentType(
                    misfit.index + 1, of: function.name, mustBe: misfit.expected, described: describe(argument),
                    is: article(bound[misfit.index].type), usage: function.signature),
                at: argument.span)
        }
    }

    package mutating func bindUserCall(
        _ function: UserFunction, _ arguments: [Expression], span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        guard arguments.count == function.argumentTypes.count else {
            throw fail(
                .argumentCount(
                    function.name, takes: "\(function.argumentTypes.count)", plural: function.argumentTypes.count != 1,
                    given: arguments.count, usage: function.signature),
                at: span)
        }
        var bound: [BoundExpression] = []
        for (index, argument) in arguments.enumerated() {
            let typed = try bind(argument, in: schema)
            let expected = function.argumentTypes[index]
            guard typed.type == .null || typed.type == expected || (expected == .float && typed.type == .integer) else {
                throw fail(
                    .argumentType(
                        index + 1, of: function.name, mustBe: article(expected), described: describe(argument),
                        is: article(typed.type), usage: function.signature),
                    at: argument.span)
            }
            bound.append(typed.expression)
        }
        return TypedExpression(expression: .userCall(function, bound), type: function.returnType)
    }

    package mutating func bindBinary(
        _ op: BinaryOperator, _ left: Expression, _ right: Expression, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        var lhs = try bind(left, in: schema)
        var rhs = try bind(right, in: schema)
        switch op {
        case .and, .or:
            try require(lhs, is: .bool, left, role: "the left side of '\(op.rawValue)'")
            try require(rhs, is: .bool, right, role: "the right side of '\(op.rawValue)'")
            // A constant side that decides the answer decides it whatever the other side, which is
            // then never computed (README, "When a value is computed"), as SQL engines fold it.
            let decisive = Value.bool(op == .or)
            if lhs.constant == decisive || rhs.constant == decisive { return literalExpression(.bool(op == .or)) }
            let expression: BoundExpression =
                op == .and ? .and(lhs.expression, rhs.expression) : .or(lhs.expression, rhs.expression)
            return TypedExpression(expression: expression, type: .bool)
        case .contains, .startsWith, .endsWith, .equalIgnoringCase, .matches:
            for (bound, syntax) in [(lhs, left), (rhs, right)] where bound.type != .string && bound.type != .null {
                throw fail(
                    .needsStrings(op.rawValue, described: describe(syntax), is: article(bound.type), isList: bound.type.isList),
                    at: syntax.span)
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
                    .cannotCompare(describe(left), lhs.type, with: describe(right), rhs.type, numberInQuotes: quotedNumber(lhs, rhs)),
                    at: left.span.union(right.span))
            }
            if (lhs.type == .null && lhs.constant != nil) || (rhs.type == .null && rhs.constant != nil) {
                diagnostics.append(
                    Diagnostic(.comparingWithNull, at: left.span.union(right.span), severity: .warning))
            }
            canonicalize(&rhs, against: lhs)
            canonicalize(&lhs, against: rhs)
            // Two constants compare once, here (as SQL engines fold them), so `x and 0.1 < -7.0`
            // is false without computing `x`; so does arithmetic of constants (`x and 1 + 2 > 5`).
            if let a = lhs.foldedConstant, let b = rhs.foldedConstant {
                return literalExpression(.bool(Value.compare(a, b).map { op.holds($0) } ?? false))
            }
            // A side that is constantly null makes it false whatever the other, which is then
            // not computed (PostgreSQL folds it so).
            if lhs.isConstantNull || rhs.isConstantNull { return literalExpression(.bool(false)) }
            return TypedExpression(expression: .compare(op, lhs.expression, rhs.expression), type: .bool)
        case .add, .subtract, .multiply, .divide, .remainder:
            if op == .add, lhs.type == .string, rhs.type == .string {
                return TypedExpression(
                    expression: .arithmetic(.add, lhs.expression, rhs.expression, .string, Place(span: left.span.union(right.span))),
                    type: .string)
            }
            for (bound, syntax) in [(lhs, left), (rhs, right)] where !bound.type.isNumeric {
                throw fail(.needsNumbers(op.rawValue, described: describe(syntax), is: article(bound.type)), at: syntax.span)
            }
            let type: DataType =
                (op == .divide || lhs.type == .float || rhs.type == .float) ? .float : (lhs.type == .null ? rhs.type : lhs.type)
            return TypedExpression(
                expression: .arithmetic(op, lhs.expression, rhs.expression, type, Place(span: left.span.union(right.span))), type: type)
        }
    }

    /// `text matches "regex"`: the pattern must be a constant and a valid regular expression.
    package mutating func bindMatches(_ subject: TypedExpression, _ patternSyntax: Expression, _ pattern: TypedExpression) throws(Failure) -> TypedExpression {
        guard case .string(let text)? = pattern.constant else {
            throw fail(.patternMustBeLiteral, at: patternSyntax.span)
        }
        do {
            _ = try Pattern(text)
        } catch {
            throw fail(.invalidPattern(error.message), at: patternSyntax.span)
        }
        return TypedExpression(expression: .matches(subject.expression, pattern: text), type: .bool)
    }

    package mutating func bindMembership(
        _ element: Expression, _ list: Expression, negated: Bool, span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        var value = try bind(element, in: schema)
        var container = try bind(list, in: schema)
        guard case .list(let elementType) = container.type else {
            throw fail(.inNeedsList(described: describe(list), is: article(container.type)), at: list.span)
        }
        guard value.type.isComparable(with: elementType) else {
            throw fail(.notInListType(describe(element), value.type, elements: elementType), at: span)
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
    package func canonicalize(_ operand: inout TypedExpression, against other: TypedExpression) {
        guard let target = other.references, operand.references == nil, operand.type == .string else { return }
        let index = nameIndexes(target)
        guard !index.isEmpty else { return }
        if let constant = operand.constant {
            operand.expression = .literal(canonicalValue(constant, index))
        } else {
            operand.expression = .canonical(operand.expression, index)
        }
    }

    package func canonicalValue(_ value: Value, _ index: [String: String]) -> Value {
        guard case .string(let text) = value, let canonical = index[text.lowercased()] else { return value }
        return .string(canonical)
    }

    // MARK: - Dates

    /// A string literal compared with a date is read as a date, and one compared with a timestamp
    /// as a timestamp (a whole date as its midnight).
    package func coerceDateLiteral(_ operand: inout TypedExpression, toMatch other: TypedExpression) {
        guard case .string(let text)? = operand.constant else { return }
        if other.type == .date, let date = PartialDate(text) {
            operand = TypedExpression(expression: .literal(.date(date)), type: .date)
        } else if other.type == .timestamp, let time = Timestamp(text, dateAlone: true) {
            operand = TypedExpression(expression: .literal(.timestamp(time)), type: .timestamp)
        }
    }

    package mutating func dateLiteralError(
        _ date: TypedExpression, _ other: TypedExpression, _ otherSyntax: Expression
    ) -> Failure? {
        guard date.type == .date || date.type == .timestamp, other.type == .string, case .string(let text)? = other.constant else {
            return nil
        }
        return fail(date.type == .date ? .notADate(text) : .notATimestamp(text), at: otherSyntax.span)
    }
}
