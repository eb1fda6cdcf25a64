// Long strings and lists that functions build, charged to the run's memory budget.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage

extension ExpressionCompiler {
    /// Strings and lists shorter than this are not charged here: the column they go into counts
    /// them as it is built (`ColumnBuilder.heldBytes`), and the hot path stays a comparison.
    static let chargedFrom = ColumnBuilder.chargedWhereMade

    /// A function's result, its memory charged to the run when it is a long string or list (a
    /// string doubled again and again); null, with the run failed, past the budget.
    @inline(__always)
    static func charged(_ value: Value, to context: EvaluationContext) -> Value {
        switch value {
        case .string(let text) where text.utf8.count >= chargedFrom:
            return context.charge(text.utf8.count, for: "a string of \(text.utf8.count) bytes") ? value : .null
        case .list(let items) where items.count >= chargedFrom / 16:
            let bytes = MemoryBudget.bytes(items.count, each: MemoryLayout<Value>.stride)
            return context.charge(bytes, for: "a list of \(items.count) values") ? value : .null
        default:
            return value
        }
    }
}
