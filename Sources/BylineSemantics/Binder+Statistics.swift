// Binding the aggregates that take two arguments: quantile(x, p), corr(y, x) and string_agg(text, separator).

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension Binder {
    /// `quantile(x, p)`: x numbers, p a constant from 0 to 1; `corr(y, x)`: two numbers, carried as
    /// one pair (`[y, x]`) so the aggregation reads one value per row.
    mutating func bindStatistic(
        _ call: AggregateCall, name: String, arguments: [Expression], distinct: Bool, span: SourceSpan, input: TableSchema
    ) throws(Failure) -> AggregateCall {
        var call = call
        let usage = call.kind == .quantile ? "quantile(x, p), p from 0 to 1" : "corr(y, x)"
        let bound = try bindTwoArguments(arguments, of: name.lowercased(), usage: usage, distinct: distinct, span: span, input: input)
        let numbers = call.kind == .quantile ? [0] : [0, 1]
        for index in numbers where !bound[index].type.isNumeric {
            throw fail(
                .aggregateNeedsNumbers(
                    name.lowercased(), described: describe(arguments[index]), is: article(bound[index].type), source: text(of: arguments[index].span)),
                at: arguments[index].span)
        }
        if call.kind == .quantile {
            var fraction: Double?
            switch bound[1].constant {
            case .integer(let number)?: fraction = Double(number)
            case .float(let number)?: fraction = number
            default: fraction = nil
            }
            guard let fraction, fraction >= 0, fraction <= 1 else {
                throw fail(.quantileFraction(text(of: arguments[1].span)), at: arguments[1].span)
            }
            call.argument = bound[0].expression
            call.argumentType = bound[0].type
            call.fraction = fraction
        } else {
            call.argument = .makeList([bound[0].expression, bound[1].expression])
            call.argumentType = .float
        }
        return call
    }

    /// `string_agg(text, separator)`: the separator is a constant string.
    mutating func bindStringAggregate(
        _ call: AggregateCall, arguments: [Expression], distinct: Bool, span: SourceSpan, input: TableSchema
    ) throws(Failure) -> AggregateCall {
        var call = call
        let bound = try bindTwoArguments(
            arguments, of: "string_agg", usage: "string_agg(text, separator)", distinct: distinct, span: span, input: input)
        let text = bound[0]
        guard text.type == .string || text.type == .null else {
            throw fail(
                .aggregateNeedsStrings("string_agg", described: describe(arguments[0]), is: article(text.type), source: self.text(of: arguments[0].span)),
                at: arguments[0].span)
        }
        let separator = bound[1]
        guard case .string(let value)? = separator.constant else {
            throw fail(.separatorNotConstant(self.text(of: arguments[1].span)), at: arguments[1].span)
        }
        call.argument = text.expression
        call.argumentType = .string
        call.separator = value
        return call
    }

    /// The two arguments of an aggregate that takes two (`quantile`, `corr`, `string_agg`), bound
    /// over the input rows, not the groups: exactly two, no `distinct`, no aggregate inside.
    private mutating func bindTwoArguments(
        _ arguments: [Expression], of name: String, usage: String, distinct: Bool, span: SourceSpan, input: TableSchema
    ) throws(Failure) -> [TypedExpression] {
        guard arguments.count == 2 else {
            throw fail(.argumentCount(name, takes: "2", plural: true, given: arguments.count, usage: usage), at: span)
        }
        if distinct { throw fail(.distinctOutsideCount, at: span) }
        for argument in arguments where containsAggregate(argument) {
            throw fail(.nestedAggregate, at: argument.span)
        }
        let saved = aggregation
        aggregation = nil
        defer { aggregation = saved }
        var bound: [TypedExpression] = []
        for argument in arguments { bound.append(try bind(argument, in: input)) }
        return bound
    }
}
