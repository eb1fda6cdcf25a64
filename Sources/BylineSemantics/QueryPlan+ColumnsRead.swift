// Plan analysis: which columns later steps of a plan read, so a join or the SQL generator can
// drop the rest early.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension QueryPlan {
    /// The columns of step `index`'s output that later steps read, or nil when all may be read
    /// (the result itself, `distinct`, another join).
    package func columnsRead(after index: Int) -> Set<Int>? {
        var read = Set<Int>()
        for step in steps[(index + 1)...] {
            switch step.stage {
            case .filter(let condition):
                read.formUnion(condition.columnsUsed)
            case .sort(let keys):
                for key in keys { read.formUnion(key.0.columnsUsed) }
            case .limit:
                continue
            case .project(let expressions):
                for expression in expressions { read.formUnion(expression.columnsUsed) }
                return read
            case .aggregate(let keys, let aggregates, _, _):
                for key in keys { read.formUnion(key.columnsUsed) }
                for aggregate in aggregates { read.formUnion(aggregate.argument?.columnsUsed ?? []) }
                return read
            case .count:
                return read
            case .window(let calls):
                for call in calls { read.formUnion(call.columnsUsed) }
            case .distinct, .join, .append, .intersect:
                return nil
            }
        }
        return nil
    }
}
