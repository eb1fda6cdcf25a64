// A prepared query's plan with `$name` slots: values put in before each run, without a new check.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension BoundExpression {
    /// The expression with each slot replaced by its value (folded where the check would have
    /// folded it: a name mapped to its canonical name).
    package func substituting(_ values: [String: Value]) -> BoundExpression {
        substituting { values[$0] }
    }

    /// The expression with each slot replaced by the value `value` gives for its name (null
    /// for none), folded as above.
    package func substituting(_ value: (String) -> Value?) -> BoundExpression {
        func each(_ items: [BoundExpression]) -> [BoundExpression] { items.map { $0.substituting(value) } }
        switch self {
        case .parameter(let name, _): return .literal(value(name) ?? .null)
        case .literal, .column: return self
        case .compare(let op, let a, let b): return .compare(op, a.substituting(value), b.substituting(value))
        case .and(let a, let b): return .and(a.substituting(value), b.substituting(value))
        case .or(let a, let b): return .or(a.substituting(value), b.substituting(value))
        case .not(let a): return .not(a.substituting(value))
        case .contains(let a, let b): return .contains(a.substituting(value), b.substituting(value))
        case .member(let a, let b): return .member(a.substituting(value), b.substituting(value))
        case .isNull(let a): return .isNull(a.substituting(value))
        case .makeList(let items): return .makeList(each(items))
        case .arithmetic(let op, let a, let b, let type, let place):
            return .arithmetic(op, a.substituting(value), b.substituting(value), type, place)
        case .negate(let a, let place): return .negate(a.substituting(value), place)
        case .canonical(let a, let index):
            let operand = a.substituting(value)
            // As `Binder.canonicalValue` does for a constant.
            if case .literal(.string(let text)) = operand { return .literal(.string(index[text.lowercased()] ?? text)) }
            return .canonical(operand, index)
        case .call(let function, let items, let place): return .call(function, each(items), place)
        case .userCall(let function, let items): return .userCall(function, each(items))
        case .matches(let a, let pattern): return .matches(a.substituting(value), pattern: pattern)
        case .conditional(let items, let otherwise): return .conditional(each(items), otherwise: otherwise.substituting(value))
        }
    }

    /// Calls `body` with each slot's name and type.
    package func forEachParameter(_ body: (String, DataType) -> Void) {
        switch self {
        case .parameter(let name, let type): body(name, type)
        case .literal, .column: break
        case .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .contains(let a, let b),
            .member(let a, let b), .arithmetic(_, let a, let b, _, _):
            a.forEachParameter(body)
            b.forEachParameter(body)
        case .not(let a), .isNull(let a), .negate(let a, _), .canonical(let a, _), .matches(let a, _):
            a.forEachParameter(body)
        case .makeList(let items), .call(_, let items, _), .userCall(_, let items):
            for item in items { item.forEachParameter(body) }
        case .conditional(let items, let otherwise):
            for item in items { item.forEachParameter(body) }
            otherwise.forEachParameter(body)
        }
    }
}

extension QueryPlan {
    /// Every expression of every step, and of joined plans, rewritten by `transform`.
    package func mapExpressions(_ transform: (BoundExpression) -> BoundExpression) -> QueryPlan {
        var plan = self
        for index in plan.steps.indices {
            plan.steps[index].stage = plan.steps[index].stage.mapExpressions(transform)
        }
        return plan
    }

    /// The plan with each slot replaced by its value.
    package func substituting(_ values: [String: Value]) -> QueryPlan {
        mapExpressions { $0.substituting(values) }
    }

    /// Calls `body` with each slot's name and type.
    package func forEachParameter(_ body: (String, DataType) -> Void) {
        _ = mapExpressions { expression in
            expression.forEachParameter(body)
            return expression
        }
    }

    /// Whether two plans do the same work: the same source, stages and expressions (steps'
    /// descriptions aside). Compared by their full reflection, which is slow; only `prepare` asks.
    package func sameWork(as other: QueryPlan) -> Bool {
        func work(_ plan: QueryPlan) -> String {
            var text = ""
            dump((plan.source, plan.steps.map(\.stage), plan.schema, plan.output, plan.cites), to: &text)
            return text
        }
        return work(self) == work(other)
    }
}

extension QueryPlan.Stage {
    package func mapExpressions(_ transform: (BoundExpression) -> BoundExpression) -> QueryPlan.Stage {
        switch self {
        case .filter(let condition): return .filter(transform(condition))
        case .project(let outputs): return .project(outputs.map(transform))
        case .sort(let keys): return .sort(keys.map { (transform($0.0), descending: $0.descending) })
        case .limit, .count, .distinct: return self
        case .aggregate(let keys, let aggregates, let outputs, let grouped):
            return .aggregate(
                keys: keys.map(transform),
                aggregates: aggregates.map { call in
                    var call = call
                    call.argument = call.argument.map(transform)
                    return call
                },
                outputs: outputs.map(transform), grouped: grouped)
        case .join(var join):
            join.right = join.right.mapExpressions(transform)
            join.leftKeys = join.leftKeys.map(transform)
            join.rightKeys = join.rightKeys.map(transform)
            join.residual = join.residual.map(transform)
            return .join(join)
        case .append(let other):
            return .append(other.mapExpressions(transform))
        case .intersect(let other, let keep):
            return .intersect(other.mapExpressions(transform), keep: keep)
        case .window(let calls):
            return .window(calls.map { $0.mapExpressions(transform) })
        }
    }
}
