// Binding window functions: a `select` with `F(…) over (…)` becomes a window step that adds one
// field per window function to the input, then the `select` over those fields.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension Binder {
    /// Whether an expression holds a window function anywhere.
    func containsWindow(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .window: return true
        case .literal, .field, .qualifiedField, .parameter: return false
        case .call(_, let items, _), .list(let items): return items.contains(where: containsWindow)
        case .not(let inner), .negate(let inner), .isNull(let inner, _): return containsWindow(inner)
        case .binary(_, let a, let b), .membership(let a, let b, _): return containsWindow(a) || containsWindow(b)
        case .conditional(let items, let otherwise):
            return items.contains(where: containsWindow) || otherwise.map(containsWindow) == true
        case .between(let a, let b, let c, _): return containsWindow(a) || containsWindow(b) || containsWindow(c)
        }
    }

    /// The window functions of an expression, outermost first, left to right.
    func windows(in expression: Expression) -> [Expression] {
        switch expression.kind {
        case .window: return [expression]
        case .literal, .field, .qualifiedField, .parameter: return []
        case .call(_, let items, _), .list(let items): return items.flatMap(windows(in:))
        case .not(let inner), .negate(let inner), .isNull(let inner, _): return windows(in: inner)
        case .binary(_, let a, let b), .membership(let a, let b, _): return windows(in: a) + windows(in: b)
        case .conditional(let items, let otherwise): return items.flatMap(windows(in:)) + (otherwise.map(windows(in:)) ?? [])
        case .between(let a, let b, let c, _): return windows(in: a) + windows(in: b) + windows(in: c)
        }
    }

    /// `select` with window functions: a window step adds a field per window function to the
    /// input's fields, then the `select` reads them as it reads any field.
    mutating func bindWindowedSelect(_ items: [SelectItem], clause: Clause, input schema: TableSchema) throws(Failure) -> [QueryPlan.Step] {
        if items.count > Limits.maximumFields {
            throw fail(.tooManySelected(items.count, maximum: Limits.maximumFields), at: clause.span)
        }
        if let item = items.first(where: { containsAggregate($0.expression) }) {
            throw fail(.windowInAggregation, at: item.expression.span)
        }
        let found = items.flatMap { windows(in: $0.expression) }
        var calls: [WindowCall] = []
        var fields = schema.fields
        var columns: [(span: SourceSpan, value: TypedExpression)] = []
        for window in found {
            guard case .window(let call, let specification) = window.kind else { continue }
            let bound = try bindWindow(call, specification, in: schema)
            columns.append((window.span, TypedExpression(expression: .column(fields.count), type: bound.type)))
            fields.append(Field(name: text(of: window.span), type: bound.type))
            calls.append(bound)
        }
        let extended = TableSchema(name: schema.name, fields: fields)
        let windowStep = QueryPlan.Step(
            stage: .window(calls), output: extended, description: "window " + found.map { text(of: $0.span) }.joined(separator: ", "))
        windowColumns = columns
        defer { windowColumns = nil }
        var expressions: [BoundExpression] = []
        var outputs: [Field] = []
        for item in items {
            let bound = try bind(item.expression, in: extended)
            expressions.append(bound.expression)
            outputs.append(try outputField(item, bound, existing: outputs, input: extended))
        }
        let project = QueryPlan.Step(
            stage: .project(expressions), output: TableSchema(name: schema.name, fields: outputs), description: text(of: clause.span))
        return [windowStep, project]
    }

    /// A window function met while binding an expression: the field the window step made for
    /// it, inside a windowed `select`; an error anywhere else.
    mutating func bindWindowReference(_ expression: Expression) throws(Failure) -> TypedExpression {
        if let columns = windowColumns, let found = columns.first(where: { $0.span == expression.span }) {
            return found.value
        }
        if aggregation != nil || windowColumns != nil {
            // Inside a window's own arguments (nested) or an aggregating select.
            throw fail(windowColumns != nil ? .nestedWindow : .windowInAggregation, at: expression.span)
        }
        throw fail(.windowOutsideSelect(text(of: expression.span)), at: expression.span)
    }

    /// `F(ARGS) over (partition by KEYS order by ITEMS rows N preceding)`.
    mutating func bindWindow(_ call: Expression, _ specification: WindowSpecification, in schema: TableSchema) throws(Failure) -> WindowCall {
        guard case .call(let written, let arguments, let distinct) = call.kind else {
            throw fail(.notAWindowFunction(text(of: call.span), available: WindowCall.Function.names), at: call.span)
        }
        let name = written.lowercased()
        if distinct { throw fail(.windowDistinct, at: call.span) }
        for part in arguments + specification.partition + specification.order.map(\.expression) where containsWindow(part) {
            throw fail(.nestedWindow, at: windows(in: part).first?.span ?? part.span)
        }
        var partition: [BoundExpression] = []
        for key in specification.partition { partition.append(try bind(key, in: schema).expression) }
        var order: [(BoundExpression, descending: Bool)] = []
        for item in specification.order {
            let bound = try bind(item.expression, in: schema)
            if bound.type == .null { throw fail(.orderByNull, at: item.expression.span) }
            order.append((bound.expression, item.descending))
        }
        var frame = WindowCall.Frame.partition
        if let preceding = specification.preceding {
            frame = .preceding(preceding)
        } else if !order.isEmpty {
            frame = .running
        }
        var window = WindowCall(function: .rowNumber, argument: nil, partition: partition, order: order, frame: frame, type: .integer)
        switch name {
        case "row_number", "rank", "dense_rank":
            guard arguments.isEmpty else {
                throw fail(.argumentCount(name, takes: "no", plural: true, given: arguments.count, usage: "\(name)() over (order by …)"), at: call.span)
            }
            if name != "row_number", order.isEmpty { throw fail(.windowNeedsOrder(name), at: call.span) }
            if specification.preceding != nil { throw fail(.windowFrameNeedsAggregate(name), at: call.span) }
            window.function = name == "rank" ? .rank : name == "dense_rank" ? .denseRank : .rowNumber
        case "lag", "lead":
            guard (1...2).contains(arguments.count) else {
                throw fail(
                    .argumentCount(name, takes: "1 or 2", plural: true, given: arguments.count, usage: "\(name)(x[, offset]) over (order by …)"),
                    at: call.span)
            }
            if specification.preceding != nil { throw fail(.windowFrameNeedsAggregate(name), at: call.span) }
            let value = try bind(arguments[0], in: schema)
            var offset = 1
            if arguments.count == 2 {
                guard case .integer(let count)? = try bind(arguments[1], in: schema).constant, count >= 0 else {
                    throw fail(.windowOffset(name), at: arguments[1].span)
                }
                offset = count
            }
            window.argument = value.expression
            window.type = value.type
            window.function = name == "lag" ? .lag(offset: offset) : .lead(offset: offset)
        case "first_value", "last_value":
            guard arguments.count == 1 else {
                throw fail(
                    .argumentCount(name, takes: "1", plural: false, given: arguments.count, usage: "\(name)(x) over (order by …)"),
                    at: call.span)
            }
            let value = try bind(arguments[0], in: schema)
            window.argument = value.expression
            window.type = value.type
            window.function = name == "first_value" ? .firstValue : .lastValue
        default:
            guard let kind = AggregateCall.Kind.named(name), BuiltinFunctions.windowAggregates.contains(name) else {
                throw fail(.notAWindowFunction(written, available: WindowCall.Function.names), at: call.span)
            }
            var aggregate = AggregateCall(kind: kind, argument: nil, argumentType: .null, place: Place(span: call.span))
            if kind == .count && arguments.isEmpty {
                aggregate.kind = .countRows
            } else {
                guard arguments.count == 1 else {
                    throw fail(.aggregateArgumentCount(name, given: arguments.count, isCount: kind == .count), at: call.span)
                }
                let argument = try bind(arguments[0], in: schema)
                aggregate.argument = argument.expression
                aggregate.argumentType = argument.type
                try checkAggregateArgument(kind, name: name, argument: arguments[0], type: argument.type)
            }
            window.function = .aggregate(aggregate)
            window.type = aggregate.resultType
        }
        return window
    }
}
