// Where a database would compute less than Byline's rule says, or in another order: a `where`
// moved into the step before it, merged with an earlier `where`, or its `and` tested cheapest
// part first. Found by the plan's values that can fail (an integer overflow, say); a plan with
// none keeps the plain SQL, so the database may move and merge as it likes.

import BylineSemantics

extension SQLGenerator {
    /// The clause that keeps a subquery whole (a fence): PostgreSQL neither merges a subquery
    /// with OFFSET into the query around it nor moves a condition into it; SQLite does neither
    /// with a subquery that has a LIMIT (`LIMIT -1` is none). Nil where no fence is written.
    var fence: String? {
        switch dialect {
        case .postgresql: return " OFFSET 0"
        case .sqlite: return " LIMIT -1"
        case .spark: return nil
        }
    }

    /// Whether computing the expression can fail for some row: integer arithmetic (overflow),
    /// `abs` and `div` of the smallest integer, a time unit that is none, a host's function.
    static func mayFail(_ expression: BoundExpression) -> Bool {
        switch expression {
        case .literal, .column, .parameter:
            return false
        case .arithmetic(_, let a, let b, let type, _):
            return type == .integer || mayFail(a) || mayFail(b)
        case .negate:
            return true
        case .call(let function, let arguments, _):
            return ["abs", "div", "date_trunc"].contains(function.name) || arguments.contains(where: mayFail)
        case .userCall:
            return true
        case .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .contains(let a, let b), .member(let a, let b):
            return mayFail(a) || mayFail(b)
        case .not(let a), .isNull(let a), .canonical(let a, _), .matches(let a, _):
            return mayFail(a)
        case .makeList(let items):
            return items.contains(where: mayFail)
        case .conditional(let items, let otherwise):
            return mayFail(otherwise) || items.contains(where: mayFail)
        }
    }

    /// Whether a step computes a value that can fail for some row.
    static func mayFail(_ stage: QueryPlan.Stage) -> Bool {
        switch stage {
        case .filter(let condition):
            return mayFail(condition)
        case .project(let expressions):
            return expressions.contains(where: mayFail)
        case .sort(let keys):
            return keys.contains { mayFail($0.0) }
        case .limit, .count, .distinct:
            return false
        case .aggregate(let keys, let aggregates, let outputs, _):
            // An integer sum overflows; the other aggregates cannot fail.
            return keys.contains(where: mayFail) || outputs.contains(where: mayFail)
                || aggregates.contains { ($0.kind == .sum && $0.argumentType != .float) || $0.argument.map(mayFail) == true }
        case .join(let join):
            return mayFail(join.right) || join.leftKeys.contains(where: mayFail) || join.rightKeys.contains(where: mayFail)
                || join.residual.map(mayFail) == true
        case .append(let other), .intersect(let other, _):
            return mayFail(other)
        case .window:
            return true
        }
    }

    /// Whether any step of the plan computes a value that can fail.
    static func mayFail(_ plan: QueryPlan) -> Bool {
        plan.steps.contains { mayFail($0.stage) }
    }
}

extension SQLGenerator {
    /// Whether a condition is a constant (`where false`): a database decides it before reading a
    /// row, fenced or not, so it needs no fence.
    static func isConstant(_ expression: BoundExpression) -> Bool {
        if case .literal = expression { return true }
        return false
    }
}

extension SQLGenerator {
    /// Byline's engine runs each step over the rows that reach it, in the order written, with one
    /// exception: a `where` right after a `select` filters first, with the select's values put in
    /// (Executor). A database moves a WHERE into the steps before it wherever it can, and merges
    /// it with earlier ones, testing the parts cheapest first. The two differ only where a value
    /// can fail, so fences go there:
    /// - before a `where` whose condition can fail (before the `select` right before it, if
    ///   any), so it is not merged with an earlier `where` and tested first;
    /// - after a step that computes a value that can fail (not a `select` right before a
    ///   `where`), and after a `where` right after such a `select`, so a later `where` is not
    ///   moved before it.
    /// Only where a later `where` reads the rows (one that is a constant is decided before any row).

    /// Whether the step at `index` reads its rows through a fence.
    static func fencesBefore(_ index: Int, in steps: [QueryPlan.Step]) -> Bool {
        func failingFilter(_ position: Int) -> Bool {
            guard steps.indices.contains(position), case .filter(let condition) = steps[position].stage else { return false }
            return !isConstant(condition) && mayFail(condition)
        }
        switch steps[index].stage {
        case .filter:
            guard failingFilter(index) else { return false }
            if index > 0, case .project = steps[index - 1].stage { return false }
            return true
        case .project:
            return failingFilter(index + 1)
        default:
            return false
        }
    }

    /// Whether the step at `index` passes its rows on through a fence.
    static func fencesAfter(_ index: Int, in steps: [QueryPlan.Step]) -> Bool {
        let laterFilter = steps[(index + 1)...].contains { step in
            if case .filter(let condition) = step.stage { return !isConstant(condition) }
            return false
        }
        guard laterFilter else { return false }
        if case .project = steps[index].stage, case .filter = steps[index + 1].stage { return false }
        if mayFail(steps[index].stage) { return true }
        if case .filter = steps[index].stage, index > 0, case .project = steps[index - 1].stage {
            return mayFail(steps[index - 1].stage)
        }
        return false
    }
}

extension SQLGenerator {
    /// Whether the constants of an expression are written so PostgreSQL's planner cannot fold
    /// them: where a part can fail. The planner folds a strict operator with a constant null
    /// (`id / NULLIF(0, 0)` is null) and then an AND with a constant false side, dropping a part
    /// that fails (an overflow) that Byline's engine computes; a constant Byline folds itself
    /// (a comparison of constants, a `case` of constant conditions) is already gone.
    func shieldsConstants(in expression: BoundExpression) -> Bool {
        guard dialect == .postgresql else { return false }
        switch expression {
        case .literal, .column, .parameter: return false
        default: return SQLGenerator.mayFail(expression)
        }
    }
}
