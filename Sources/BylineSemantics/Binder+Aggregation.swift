// Binding `group by` and aggregates: which select items are keys, which are aggregates.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension Binder {
    // MARK: - Aggregation

    /// `group by KEYS select ITEMS`, or a `select` whose items aggregate all rows.
    package mutating func bindAggregation(
        keys: [Expression], groupClause: Clause?, select: Clause?, input: TableSchema
    ) throws(Failure) -> QueryPlan.Step {
        var keyTypes: [TypedExpression] = []
        for key in keys {
            if containsAggregate(key) {
                throw fail(.groupByAggregate, at: key.span)
            }
            keyTypes.append(try bind(key, in: input))
        }
        var items: [SelectItem]
        if let select, case .select(let selected) = select.kind {
            items = selected
        } else {
            // `group by` alone gives the distinct keys.
            items = keys.map { SelectItem(expression: $0, alias: nil) }
        }
        aggregation = AggregationContext(keys: keys, keyTypes: keyTypes, input: input, grouped: groupClause != nil)
        defer { aggregation = nil }
        var outputs: [BoundExpression] = []
        var fields: [Field] = []
        for item in items {
            let bound = try bind(item.expression, in: input)
            outputs.append(bound.expression)
            // Here a column is a position among (keys ++ aggregates): a key that is an input field
            // keeps that field's name.
            let field = try outputField(item, bound, existing: fields, input: input) { expression in
                guard case .column(let index) = expression, index < keyTypes.count,
                    case .column(let inputIndex) = keyTypes[index].expression
                else { return nil }
                return inputIndex
            }
            fields.append(field)
        }
        guard let context = aggregation else { throw Failure() }
        let description = [groupClause, select].compactMap { $0.map { text(of: $0.span) } }.joined(separator: " ")
        return QueryPlan.Step(
            stage: .aggregate(
                keys: keyTypes.map(\.expression), aggregates: context.aggregates, outputs: outputs, grouped: context.grouped),
            output: TableSchema(name: input.name, fields: fields), description: description)
    }

    /// Inside an aggregation: a group key, an aggregate call, or an error for a bare field.
    package mutating func bindInAggregation(_ expression: Expression) throws(Failure) -> TypedExpression? {
        guard let context = aggregation else { return nil }
        if let index = try keyIndex(of: expression, in: context) {
            let key = context.keyTypes[index]
            return TypedExpression(expression: .column(index), type: key.type, references: key.references)
        }
        switch expression.kind {
        case .call(let name, let arguments, let distinct):
            guard let kind = AggregateCall.Kind.named(name) else { return nil }
            return try bindAggregate(kind, name: name, arguments: arguments, distinct: distinct, span: expression.span)
        case .field(let name) where parameters[name] == nil:
            // A name the input cannot resolve (unknown, or in two joined tables) says that first.
            try bindOutsideAggregation(expression, in: context.input)
            throw fail(context.grouped ? .notInGroupBy(name) : .notAggregated(name), at: expression.span)
        case .qualifiedField(let table, let name):
            try bindOutsideAggregation(expression, in: context.input)
            throw fail(.qualifiedNotInGroupBy("\(table).\(name)"), at: expression.span)
        default:
            return nil
        }
    }

    /// Binds `expression` against the rows going into the aggregation, reporting what is wrong
    /// with it there (an unknown or ambiguous name); the binding itself is not kept.
    private mutating func bindOutsideAggregation(_ expression: Expression, in input: TableSchema) throws(Failure) {
        let saved = aggregation
        aggregation = nil
        defer { aggregation = saved }
        _ = try bind(expression, in: input)
    }

    /// Which `group by` key an expression is: written the same way, or naming the same thing
    /// (`a` for the key `t.a`, or the other way round).
    package mutating func keyIndex(of expression: Expression, in context: AggregationContext) throws(Failure) -> Int? {
        if let index = context.keys.firstIndex(where: { $0.hasSameShape(as: expression) }) { return index }
        if containsAggregate(expression) { return nil }
        // Bind it against the input quietly; a failure here is reported by the normal path.
        let savedDiagnostics = diagnostics
        let savedAggregation = aggregation
        aggregation = nil
        defer {
            diagnostics = savedDiagnostics
            aggregation = savedAggregation
        }
        guard let bound = try? bind(expression, in: context.input) else { return nil }
        return context.keyTypes.firstIndex { $0.expression == bound.expression }
    }

    package mutating func bindAggregate(
        _ kind: AggregateCall.Kind, name: String, arguments: [Expression], distinct: Bool, span: SourceSpan
    ) throws(Failure) -> TypedExpression {
        guard var context = aggregation else { throw Failure() }
        var call = AggregateCall(kind: kind, argument: nil, argumentType: .null, place: Place(span: span))
        if kind == .count && arguments.isEmpty {
            call.kind = .countRows
        } else if kind == .quantile || kind == .corr {
            call = try bindStatistic(call, name: name, arguments: arguments, distinct: distinct, span: span, input: context.input)
        } else if kind == .stringAgg {
            call = try bindStringAggregate(call, arguments: arguments, distinct: distinct, span: span, input: context.input)
        } else {
            guard arguments.count == 1 else {
                throw fail(.aggregateArgumentCount(name, given: arguments.count, isCount: kind == .count), at: span)
            }
            if containsAggregate(arguments[0]) {
                throw fail(.nestedAggregate, at: arguments[0].span)
            }
            // The argument reads the input rows, not the groups.
            let saved = aggregation
            aggregation = nil
            let argument = try bind(arguments[0], in: context.input)
            aggregation = saved
            call.argument = argument.expression
            call.argumentType = argument.type
            if distinct {
                guard kind == .count else {
                    throw fail(.distinctOutsideCount, at: span)
                }
                call.kind = .countDistinct
            }
            try checkAggregateArgument(kind, name: name, argument: arguments[0], type: argument.type)
        }
        let type = call.resultType
        let index = context.keys.count + context.aggregates.count
        context.aggregates.append(call)
        aggregation = context
        return TypedExpression(expression: .column(index), type: type)
    }

    /// The one rule for what an aggregate takes, in a group and in a window alike: numbers for the sums
    /// and statistics, anything but lists for `min` and `max`.
    mutating func checkAggregateArgument(
        _ kind: AggregateCall.Kind, name: String, argument: Expression, type: DataType
    ) throws(Failure) {
        switch kind {
        case .sum, .avg, .median, .stddev, .variance:
            if !type.isNumeric {
                throw fail(
                    .aggregateNeedsNumbers(name, described: describe(argument), is: article(type), source: text(of: argument.span)),
                    at: argument.span)
            }
        case .min, .max:
            if type.isList {
                throw fail(.aggregateCannotCompareLists(name), at: argument.span)
            }
            let lowered = name.lowercased()
            if (lowered == "every" || lowered == "any") && type != .bool && type != .null {
                throw fail(
                    .aggregateNeedsBools(lowered, described: describe(argument), is: article(type)), at: argument.span)
            }
        default:
            break
        }
    }

    package func containsAggregate(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .call(let name, let arguments, _):
            return AggregateCall.Kind.named(name) != nil || arguments.contains(where: containsAggregate)
        case .list(let items): return items.contains(where: containsAggregate)
        case .not(let inner), .negate(let inner), .isNull(let inner, _): return containsAggregate(inner)
        case .binary(_, let a, let b), .membership(let a, let b, _): return containsAggregate(a) || containsAggregate(b)
        case .literal, .field, .qualifiedField, .parameter: return false
        case .conditional(let items, let otherwise):
            return items.contains(where: containsAggregate) || otherwise.map(containsAggregate) == true
        case .between(let a, let b, let c, _): return containsAggregate(a) || containsAggregate(b) || containsAggregate(c)
        // A window function's aggregate is computed per row, not per group.
        case .window: return false
        }
    }
}
