// Arithmetic on values: integer overflow is an error, division by zero gives null.

import BylineCore
import BylineStorage
import BylineSyntax

package enum Arithmetic {
    /// Applies an arithmetic operator. `type` is the checked result type (`/` is always float).
    /// A float result that is not a number (infinity minus infinity) is null, as in SQLite.
    package static func apply(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, type: DataType) throws(EvaluationError) -> Value {
        guard let arithmetic = op.arithmetic else { return .null }
        switch (lhs, rhs) {
        case (.null, _), (_, .null):
            return .null
        case (.string(let a), .string(let b)):
            return .string(a + b)
        case (.integer(let a), .integer(let b)) where type == .integer:
            let result: (partialValue: Int, overflow: Bool)
            switch arithmetic {
            case .add: result = a.addingReportingOverflow(b)
            case .subtract: result = a.subtractingReportingOverflow(b)
            case .multiply: result = a.multipliedReportingOverflow(by: b)
            case .remainder:
                if b == 0 { return .null }
                if b == -1 { return .integer(0) }  // Int.min % -1 is 0, not an overflow
                result = a.remainderReportingOverflow(dividingBy: b)
            case .divide:
                return b == 0 ? .null : float(Double(a) / Double(b))
            }
            if result.overflow {
                throw EvaluationError.integerOverflow(a, op.rawValue, b)
            }
            return .integer(result.partialValue)
        default:
            guard let a = lhs.asDouble, let b = rhs.asDouble else { return .null }
            switch arithmetic {
            case .add: return float(a + b)
            case .subtract: return float(a - b)
            case .multiply: return float(a * b)
            case .divide: return b == 0 ? .null : float(a / b)
            case .remainder: return b == 0 ? .null : float(a.truncatingRemainder(dividingBy: b))
            }
        }
    }

    /// Negation; the smallest integer has no positive counterpart.
    package static func negate(_ operand: Value) throws(EvaluationError) -> Value {
        switch operand {
        case .integer(let number):
            let (result, overflow) = (0).subtractingReportingOverflow(number)
            if overflow {
                throw EvaluationError.integerOverflowInNegation(number)
            }
            return .integer(result)
        case .float(let number): return .float(-number)
        default: return .null
        }
    }

    private static func float(_ value: Double) -> Value {
        value.isNaN ? .null : .float(value)
    }
}
