// Window group limit: a ranking window whose `where` keeps only each partition's first few
// numbers (top N per group), so the engine may select those rows instead of numbering them all
// (Spark's WindowGroupLimit, DuckDB's top-n per group). Found here, with the plan; run by the engine.

import BylineCore
import BylineSyntax

extension QueryPlan {
    /// The largest number a window group limit is used for; past it the whole window is computed.
    package static let maximumGroupLimit = 1000

    /// For the window step at `index`: the largest number (`row_number`, `rank` or `dense_rank`)
    /// a row may have for the `where` after it to keep the row, when the step computes that one
    /// function alone and the `where` (right after it, or after a `select` that passes the number
    /// on unchanged) is exactly `number <= k`, `number < k` or `number = k` of an integer
    /// constant (either side) and the bound is `0...maximumGroupLimit`. Nil for anything else,
    /// which runs the whole window.
    package func groupLimit(at index: Int) -> Int? {
        guard steps.indices.contains(index), case .window(let calls) = steps[index].stage, calls.count == 1 else { return nil }
        switch calls[0].function {
        case .rowNumber, .rank, .denseRank: break
        default: return nil
        }
        let number = steps[index].output.fields.count - 1
        let next = index + 1
        guard next < steps.count else { return nil }
        let condition: BoundExpression
        switch steps[next].stage {
        case .filter(let filter):
            condition = filter
        case .project(let expressions):
            // The executor runs a `where` after a `select` first, with the select's values put in.
            guard next + 1 < steps.count, case .filter(let filter) = steps[next + 1].stage else { return nil }
            condition = filter.inlined(expressions)
        default:
            return nil
        }
        return QueryPlan.numberBound(condition, number: number)
    }

    /// The largest value of column `number` that `condition` keeps, when it is a comparison of
    /// that column with an integer constant that keeps exactly the numbers `1...bound`, or the
    /// one number `bound`; numbers start at 1, so `= k` is found among the numbers up to k.
    static func numberBound(_ condition: BoundExpression, number: Int) -> Int? {
        guard case .compare(let written, let left, let right) = condition else { return nil }
        let comparison: BinaryOperator
        let constant: Int
        switch (left, right) {
        case (.column(let column), .literal(.integer(let value))) where column == number:
            (comparison, constant) = (written, value)
        case (.literal(.integer(let value)), .column(let column)) where column == number:
            // `k >= number` read as `number <= k`.
            switch written {
            case .greaterEqual: comparison = .lessEqual
            case .greater: comparison = .less
            case .equal: comparison = .equal
            default: return nil
            }
            constant = value
        default:
            return nil
        }
        let bound: Int
        switch comparison {
        case .lessEqual, .equal:
            bound = constant
        case .less:
            let (below, overflow) = constant.subtractingReportingOverflow(1)
            guard !overflow else { return nil }
            bound = below
        default:
            return nil
        }
        guard (0...maximumGroupLimit).contains(bound) else { return nil }
        return bound
    }
}
