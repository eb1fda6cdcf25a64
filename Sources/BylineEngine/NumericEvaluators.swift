// Unboxed numeric evaluation: an arithmetic tree over integer or float columns and literals
// compiled into closures that return `Int?` or `Double?` (nil for null), so `where a * 3 + b > c`
// and `sum(a * 2 + b)` run without making a `Value` per operation. The rules are Arithmetic's:
// integer overflow is an error at the operator's place (Arithmetic raises it, so the message is
// the same), division and remainder by zero are null, a NaN float is null.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// An integer at a row, or nil for null.
package typealias IntegerEvaluator = (Int) -> Int?
/// A float at a row, or nil for null.
package typealias FloatEvaluator = (Int) -> Double?

extension BinaryOperator {
    /// The operator on floats, with Byline's rule that division and remainder by zero are null
    /// (nil); nil for operators that are not arithmetic.
    package var floatOperation: ((Double, Double) -> Double?)? {
        switch arithmetic {
        case .add?: return { $0 + $1 }
        case .subtract?: return { $0 - $1 }
        case .multiply?: return { $0 * $1 }
        case .divide?: return { $1 == 0 ? nil : $0 / $1 }
        case .remainder?: return { $1 == 0 ? nil : $0.truncatingRemainder(dividingBy: $1) }
        case nil: return nil
        }
    }
}

extension ExpressionCompiler {
    /// The expression as unboxed integers, when it is integer arithmetic over integer columns and
    /// literals (`+`, `-`, `*`, `%`, negation); nil otherwise.
    package func integerEvaluator(_ expression: BoundExpression) -> IntegerEvaluator? {
        switch expression {
        case .literal(.integer(let number)):
            return { _ in number }
        case .column(let index):
            switch columns[index].storage {
            case .integers(let values, let nulls):
                if nulls.flags == nil { return { values[$0] } }
                return { nulls.isNull($0) ? nil : values[$0] }
            case .integers32(let values, let nulls):
                if nulls.flags == nil { return { Int(values[$0]) } }
                return { nulls.isNull($0) ? nil : Int(values[$0]) }
            default:
                return nil
            }
        case .negate(let operand, let place):
            guard let inner = integerEvaluator(operand) else { return nil }
            let context = self.context
            return { row in
                guard let value = inner(row) else { return nil }
                let (result, overflow) = (0).subtractingReportingOverflow(value)
                if overflow { ExpressionCompiler.report({ () throws(EvaluationError) in _ = try Arithmetic.negate(.integer(value)) }, context, place) }
                return overflow ? nil : result
            }
        case .arithmetic(let op, let lhs, let rhs, .integer, let place):
            guard let arithmetic = op.arithmetic, let left = integerEvaluator(lhs), let right = integerEvaluator(rhs) else { return nil }
            let context = self.context
            let apply: (Int, Int) -> (partialValue: Int, overflow: Bool)
            switch arithmetic {
            case .add: apply = { $0.addingReportingOverflow($1) }
            case .subtract: apply = { $0.subtractingReportingOverflow($1) }
            case .multiply: apply = { $0.multipliedReportingOverflow(by: $1) }
            case .remainder:
                apply = { a, b in b == -1 ? (0, false) : a.remainderReportingOverflow(dividingBy: b) }
            case .divide: return nil  // an integer division's answer is a float
            }
            return { row in
                // Both sides are computed, as SQL does: a null on one side does not hide an
                // overflow on the other (README, "When a value is computed").
                let (x, y) = (left(row), right(row))
                guard let a = x, let b = y else { return nil }
                if op == .remainder && b == 0 { return nil }
                let (result, overflow) = apply(a, b)
                if overflow {
                    ExpressionCompiler.report(
                        { () throws(EvaluationError) in _ = try Arithmetic.apply(op, .integer(a), .integer(b), type: .integer) }, context, place)
                    return nil
                }
                return result
            }
        default:
            return nil
        }
    }

    /// The expression as unboxed floats, when it is float arithmetic over numeric columns, literals
    /// and unboxed integer expressions; nil otherwise.
    package func floatEvaluator(_ expression: BoundExpression) -> FloatEvaluator? {
        if let integers = integerEvaluator(expression) {
            return { integers($0).map(Double.init) }
        }
        switch expression {
        case .literal(.float(let number)):
            return { _ in number }
        case .column(let index):
            guard case .floats(let values, let nulls) = columns[index].storage else { return nil }
            if nulls.flags == nil { return { values[$0] } }
            return { nulls.isNull($0) ? nil : values[$0] }
        case .negate(let operand, _):
            guard let inner = floatEvaluator(operand) else { return nil }
            return { inner($0).map { -$0 } }
        case .call(.widenToFloat, let arguments, _) where arguments.count == 1:
            return floatEvaluator(arguments[0])
        case .arithmetic(let op, let lhs, let rhs, let type, _) where type == .float:
            guard let left = floatEvaluator(lhs), let right = floatEvaluator(rhs), let apply = op.floatOperation else { return nil }
            return { row in
                let (x, y) = (left(row), right(row))
                guard let a = x, let b = y, let result = apply(a, b), !result.isNaN else { return nil }
                return result
            }
        default:
            return nil
        }
    }

    /// Runs the boxed operation that overflowed, to raise its error (and message) at its place.
    package static func report(_ operation: () throws(EvaluationError) -> Void, _ context: EvaluationContext, _ place: Place) {
        do throws(EvaluationError) {
            try operation()
        } catch {
            context.fail(error, at: place)
        }
    }

    /// A comparison of two numeric expressions, unboxed; nil when either side is not one. Null
    /// operands make it false; integers and floats compare exactly.
    package func numericComparison(_ op: BinaryOperator, _ lhs: BoundExpression, _ rhs: BoundExpression) -> RowPredicate? {
        guard op.isComparison else { return nil }
        if let left = integerEvaluator(lhs), let right = integerEvaluator(rhs) {
            return { row in
                let (x, y) = (left(row), right(row))
                guard let a = x, let b = y else { return false }
                return op.holds(a < b ? -1 : (a == b ? 0 : 1))
            }
        }
        // A float on either side (integer sides compare exactly with it, as Value.compare does).
        guard isFloat(lhs) || isFloat(rhs), let left = floatEvaluator(lhs), let right = floatEvaluator(rhs) else { return nil }
        if let integers = integerEvaluator(lhs) {
            return { row in
                let (x, y) = (integers(row), right(row))
                guard let a = x, let b = y, !b.isNaN else { return false }
                return op.holds(Value.compareExactly(a, b))
            }
        }
        if let integers = integerEvaluator(rhs) {
            return { row in
                let (x, y) = (left(row), integers(row))
                guard let a = x, let b = y, !a.isNaN else { return false }
                return op.holds(-Value.compareExactly(b, a))
            }
        }
        return { row in
            let (x, y) = (left(row), right(row))
            guard let a = x, let b = y, !a.isNaN, !b.isNaN else { return false }
            return op.holds(a < b ? -1 : (a == b ? 0 : 1))
        }
    }

    private func isFloat(_ expression: BoundExpression) -> Bool {
        floatEvaluator(expression) != nil && integerEvaluator(expression) == nil
    }
}
