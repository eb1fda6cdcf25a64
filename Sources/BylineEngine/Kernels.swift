// Kernels: expressions evaluated a block of rows at a time, in tight typed loops, instead of a
// closure call per row. A filter kernel narrows a block to the rows that pass (its selection
// vector), so `a and b` runs `b` only on the rows `a` kept; numeric kernels fill a vector of
// integers or floats for a block. The rules are the row-at-a-time evaluators': null operands make
// comparisons false, division and remainder by zero give null, a NaN float is null. An integer
// overflow is never decided here: a numeric kernel that meets one gives up on the block (nil),
// and the block runs row by row, which raises the error at its place, in row order.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// Appends to `kept` the rows of `rows` for which the condition is true.
package typealias FilterKernel = (_ rows: ArraySlice<Int>, _ kept: inout [Int]) -> Void

/// Values of an expression for a block of rows, position by position; `nulls` nil when none is.
package struct NumericVector<Number> {
    package var values: [Number]
    package var nulls: [Bool]?

    @inline(__always) package func isNull(_ position: Int) -> Bool { nulls?[position] ?? false }

    /// Null where either is.
    package static func union(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        guard let a else { return b }
        guard let b else { return a }
        return zip(a, b).map { $0 || $1 }
    }
}

/// An integer expression over a block, or nil when the block must run row by row.
package typealias IntegerKernel = (_ rows: ArraySlice<Int>) -> NumericVector<Int>?
/// A float expression over a block.
package typealias FloatKernel = (_ rows: ArraySlice<Int>) -> NumericVector<Double>?

/// A comparison operator as a type, so each loop is compiled for it.
package protocol KernelComparison {
    static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool
}

package enum KernelEqual: KernelComparison { @inline(__always) package static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b } }
package enum KernelNotEqual: KernelComparison { @inline(__always) package static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a != b } }
package enum KernelLess: KernelComparison { @inline(__always) package static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b } }
package enum KernelLessEqual: KernelComparison { @inline(__always) package static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b } }
package enum KernelGreater: KernelComparison { @inline(__always) package static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b } }
package enum KernelGreaterEqual: KernelComparison { @inline(__always) package static func holds<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b } }

/// Makes a filter kernel for a comparison given as a type (so the loop is compiled for it).
package protocol FilterKernelMaker {
    func make<Op: KernelComparison>(_: Op.Type) -> FilterKernel
}

extension BinaryOperator {
    /// The maker's kernel for this comparison; nil for other operators.
    package func kernel<Maker: FilterKernelMaker>(_ maker: Maker) -> FilterKernel? {
        guard let comparison else { return nil }
        switch (comparison.acceptsBefore, comparison.acceptsSame, comparison.acceptsAfter) {
        case (false, true, false): return maker.make(KernelEqual.self)
        case (true, false, true): return maker.make(KernelNotEqual.self)
        case (true, false, false): return maker.make(KernelLess.self)
        case (true, true, false): return maker.make(KernelLessEqual.self)
        case (false, false, true): return maker.make(KernelGreater.self)
        case (false, true, true): return maker.make(KernelGreaterEqual.self)
        // No operator accepts every outcome or none.
        case (false, false, false), (true, true, true): return nil
        }
    }
}

/// A column's stored values against a constant.
package struct ColumnAgainstConstant<T: Comparable>: FilterKernelMaker {
    package let values: [T]
    package let nulls: [Bool]?
    package let target: T

    package func make<Op: KernelComparison>(_: Op.Type) -> FilterKernel {
        let (values, nulls, target) = (values, nulls, target)
        return { rows, kept in
            values.withUnsafeBufferPointer { KernelLoops.keep(Op.self, rows, $0, nulls, target, &kept) }
        }
    }
}

/// A numeric kernel's values against a constant; blocks the kernel gives up on run row by row.
package struct VectorAgainstConstant<T: Comparable>: FilterKernelMaker {
    package let vector: (ArraySlice<Int>) -> NumericVector<T>?
    package let target: T
    package let rowByRow: FilterKernel

    package func make<Op: KernelComparison>(_: Op.Type) -> FilterKernel {
        let (vector, target, rowByRow) = (vector, target, rowByRow)
        return { rows, kept in
            guard let values = vector(rows) else { return rowByRow(rows, &kept) }
            KernelLoops.keep(Op.self, rows, values, target, &kept)
        }
    }
}

/// Two numeric kernels' values against each other.
package struct VectorAgainstVector<T: Comparable>: FilterKernelMaker {
    package let left: (ArraySlice<Int>) -> NumericVector<T>?
    package let right: (ArraySlice<Int>) -> NumericVector<T>?
    package let rowByRow: FilterKernel

    package func make<Op: KernelComparison>(_: Op.Type) -> FilterKernel {
        let (left, right, rowByRow) = (left, right, rowByRow)
        return { rows, kept in
            guard let a = left(rows), let b = right(rows) else { return rowByRow(rows, &kept) }
            KernelLoops.keep(Op.self, rows, a, b, &kept)
        }
    }
}

/// An integer operator that can overflow, as a type, so each loop is compiled for it.
package protocol KernelArithmetic {
    static func apply(_ a: Int, _ b: Int) -> (partialValue: Int, overflow: Bool)
}

package enum KernelAdd: KernelArithmetic {
    @inline(__always) package static func apply(_ a: Int, _ b: Int) -> (partialValue: Int, overflow: Bool) { a.addingReportingOverflow(b) }
}
package enum KernelSubtract: KernelArithmetic {
    @inline(__always) package static func apply(_ a: Int, _ b: Int) -> (partialValue: Int, overflow: Bool) { a.subtractingReportingOverflow(b) }
}
package enum KernelMultiply: KernelArithmetic {
    @inline(__always) package static func apply(_ a: Int, _ b: Int) -> (partialValue: Int, overflow: Bool) { a.multipliedReportingOverflow(by: b) }
}

/// The loops, generic over the comparison and the number type so each is compiled on its own.
package enum KernelLoops {
    /// `values[i] = values[i] op (constant ?? others[i])`; false when any overflowed.
    @inline(__always)
    package static func combine<Op: KernelArithmetic>(
        _: Op.Type, _ values: UnsafeMutableBufferPointer<Int>, _ others: UnsafeBufferPointer<Int>, _ constant: Int?
    ) -> Bool {
        var overflowed = 0
        if let constant {
            for position in 0..<values.count {
                let (result, overflow) = Op.apply(values[position], constant)
                values[position] = result
                overflowed |= one(overflow)
            }
        } else {
            for position in 0..<values.count {
                let (result, overflow) = Op.apply(values[position], others[position])
                values[position] = result
                overflowed |= one(overflow)
            }
        }
        return overflowed == 0
    }

    /// The values of a column at the rows of a block.
    @inline(__always)
    package static func gather<Stored, Number>(_ rows: ArraySlice<Int>, _ stored: [Stored], _ convert: (Stored) -> Number) -> [Number] {
        stored.withUnsafeBufferPointer { stored in
            rows.withUnsafeBufferPointer { rows in
                [Number](unsafeUninitializedCapacity: rows.count) { buffer, count in
                    for position in 0..<rows.count { buffer.initializeElement(at: position, to: convert(stored[rows[position]])) }
                    count = rows.count
                }
            }
        }
    }

    /// Appends the rows for which `passes(position, row)` is 1 (else 0), without a branch per
    /// row: every row is written, and the end moves on only past those that pass, so a condition
    /// that holds for half the rows at random costs no mispredicted jumps.
    @inline(__always)
    package static func select(_ rows: ArraySlice<Int>, _ kept: inout [Int], _ passes: (Int, Int) -> Int) {
        let start = kept.count
        kept.append(contentsOf: repeatElement(0, count: rows.count))
        var end = start
        kept.withUnsafeMutableBufferPointer { out in
            rows.withUnsafeBufferPointer { input in
                for position in 0..<input.count {
                    let row = input[position]
                    out[end] = row
                    end &+= passes(position, row)
                }
            }
        }
        kept.removeLast(kept.count - end)
    }

    @inline(__always) package static func one(_ condition: Bool) -> Int { Int(unsafeBitCast(condition, to: UInt8.self)) }

    /// Rows whose stored value (read by row number) compares with `target`.
    @inline(__always)
    package static func keep<Op: KernelComparison, T: Comparable>(
        _: Op.Type, _ rows: ArraySlice<Int>, _ values: UnsafeBufferPointer<T>, _ nulls: [Bool]?, _ target: T,
        _ kept: inout [Int]
    ) {
        if let nulls {
            nulls.withUnsafeBufferPointer { nulls in
                select(rows, &kept) { _, row in one(Op.holds(values[row], target)) & one(!nulls[row]) }
            }
        } else {
            select(rows, &kept) { _, row in one(Op.holds(values[row], target)) }
        }
    }

    /// Rows whose value in a block vector compares with `target`.
    @inline(__always)
    package static func keep<Op: KernelComparison, T: Comparable>(
        _: Op.Type, _ rows: ArraySlice<Int>, _ vector: NumericVector<T>, _ target: T, _ kept: inout [Int]
    ) {
        vector.values.withUnsafeBufferPointer { values in
            if let nulls = vector.nulls {
                select(rows, &kept) { position, _ in one(Op.holds(values[position], target)) & one(!nulls[position]) }
            } else {
                select(rows, &kept) { position, _ in one(Op.holds(values[position], target)) }
            }
        }
    }

    /// Rows whose values in two block vectors compare.
    @inline(__always)
    package static func keep<Op: KernelComparison, T: Comparable>(
        _: Op.Type, _ rows: ArraySlice<Int>, _ a: NumericVector<T>, _ b: NumericVector<T>, _ kept: inout [Int]
    ) {
        let nulls = NumericVector<T>.union(a.nulls, b.nulls)
        a.values.withUnsafeBufferPointer { left in
            b.values.withUnsafeBufferPointer { right in
                if let nulls {
                    select(rows, &kept) { position, _ in one(Op.holds(left[position], right[position])) & one(!nulls[position]) }
                } else {
                    select(rows, &kept) { position, _ in one(Op.holds(left[position], right[position])) }
                }
            }
        }
    }
}

extension ExpressionCompiler {
    /// The condition as a kernel: typed loops where it is an `and` of numeric comparisons (or has
    /// such parts), a row-at-a-time predicate for the rest.
    package func filterKernel(_ expression: BoundExpression) -> FilterKernel {
        switch expression {
        case .and(let lhs, let rhs):
            let left = filterKernel(lhs)
            let right = filterKernel(rhs)
            return { rows, kept in
                var passed: [Int] = []
                passed.reserveCapacity(rows.count)
                left(rows, &passed)
                right(passed[...], &kept)
            }
        case .compare(let op, let lhs, let rhs):
            if let kernel = comparisonKernel(op, lhs, rhs) { return kernel }
        case .isNull(.column(let index)):
            if let kernel = nullKernel(columns[index], keepingNulls: true) { return kernel }
        case .not(.isNull(.column(let index))):
            if let kernel = nullKernel(columns[index], keepingNulls: false) { return kernel }
        default:
            break
        }
        let test = predicate(expression)
        return { rows, kept in
            for row in rows where test(row) { kept.append(row) }
        }
    }

    /// `is null` (or `is not null`) of a stored column as a kernel: a loop over its null flags or
    /// codes, and no loop at all for a column without nulls; nil for boxed values.
    private func nullKernel(_ column: Column, keepingNulls: Bool) -> FilterKernel? {
        switch column.storage {
        case .strings(let codes, _):
            return { rows, kept in
                codes.withUnsafeBufferPointer { codes in
                    for row in rows where (codes[row] < 0) == keepingNulls { kept.append(row) }
                }
            }
        case .integers(_, let nulls), .integers32(_, let nulls), .floats(_, let nulls), .bools(_, let nulls),
            .dates(_, let nulls):
            guard let flags = nulls.flags else {
                if keepingNulls { return { _, _ in } }
                return { rows, kept in kept.append(contentsOf: rows) }
            }
            return { rows, kept in
                flags.withUnsafeBufferPointer { flags in
                    for row in rows where flags[row] == keepingNulls { kept.append(row) }
                }
            }
        case .values, .unread:
            return nil
        }
    }

    /// A numeric comparison as a kernel, or nil when it is not one this file handles.
    private func comparisonKernel(_ op: BinaryOperator, _ lhs: BoundExpression, _ rhs: BoundExpression) -> FilterKernel? {
        if case .column(let index) = lhs, case .literal(let constant) = rhs, let kernel = columnKernel(op, columns[index], constant) {
            return kernel
        }
        if case .literal(let constant) = lhs, case .column(let index) = rhs, let kernel = columnKernel(op.mirrored, columns[index], constant) {
            return kernel
        }
        let fallback = predicate(.compare(op, lhs, rhs))
        let rowByRow: FilterKernel = { rows, kept in
            for row in rows where fallback(row) { kept.append(row) }
        }
        if let left = integerKernel(lhs) {
            if case .literal(.integer(let target)) = rhs {
                return op.kernel(VectorAgainstConstant(vector: left, target: target, rowByRow: rowByRow))
            }
            guard let right = integerKernel(rhs) else { return nil }
            return op.kernel(VectorAgainstVector(left: left, right: right, rowByRow: rowByRow))
        }
        // Floats on both sides (an integer side would need the exact comparison of mixed types).
        guard integerKernel(rhs) == nil, let left = floatKernel(lhs), let right = floatKernel(rhs) else { return nil }
        if case .literal(.float(let target)) = rhs {
            return op.kernel(VectorAgainstConstant(vector: left, target: target, rowByRow: rowByRow))
        }
        return op.kernel(VectorAgainstVector(left: left, right: right, rowByRow: rowByRow))
    }

    /// A column compared with a constant of its own type, read straight from storage.
    private func columnKernel(_ op: BinaryOperator, _ column: Column, _ constant: Value) -> FilterKernel? {
        func make<T: Comparable>(_ values: [T], _ nulls: [Bool]?, _ target: T) -> FilterKernel? {
            op.kernel(ColumnAgainstConstant(values: values, nulls: nulls, target: target))
        }
        switch (column.storage, constant) {
        case (.integers(let values, let nulls), .integer(let target)):
            return make(values, nulls.flags, target)
        case (.integers32(let values, let nulls), .integer(let target)):
            // A target outside 32 bits compares the same as the nearest 32-bit bound past every value.
            guard let narrow = Int32(exactly: target) else { return nil }
            return make(values, nulls.flags, narrow)
        case (.floats(let values, let nulls), .float(let target)) where !target.isNaN:
            return make(values, nulls.flags, target)
        case (.floats(let values, let nulls), .integer(let target)) where target.magnitude <= 1 << 53:
            // Exactly representable: comparing as doubles is the exact comparison.
            return make(values, nulls.flags, Double(target))
        default:
            return nil
        }
    }

    // MARK: - Numbers

    /// Integer arithmetic over integer columns and literals (`+`, `-`, `*`, `%`, negation) as a
    /// kernel; nil for anything else.
    package func integerKernel(_ expression: BoundExpression) -> IntegerKernel? {
        switch expression {
        case .literal(.integer(let number)):
            return { rows in NumericVector(values: [Int](repeating: number, count: rows.count), nulls: nil) }
        case .column(let index):
            switch columns[index].storage {
            case .integers(let values, let nulls):
                let flags = nulls.flags
                return { rows in
                    NumericVector(
                        values: KernelLoops.gather(rows, values) { $0 }, nulls: flags.map { KernelLoops.gather(rows, $0) { $0 } })
                }
            case .integers32(let values, let nulls):
                let flags = nulls.flags
                return { rows in
                    NumericVector(
                        values: KernelLoops.gather(rows, values) { Int($0) }, nulls: flags.map { KernelLoops.gather(rows, $0) { $0 } })
                }
            default:
                return nil
            }
        case .negate(let operand, _):
            guard let inner = integerKernel(operand) else { return nil }
            return { rows in
                guard var vector = inner(rows) else { return nil }
                for position in vector.values.indices {
                    let (result, overflow) = (0).subtractingReportingOverflow(vector.values[position])
                    if overflow && !vector.isNull(position) { return nil }
                    vector.values[position] = result
                }
                return vector
            }
        case .arithmetic(let op, let lhs, let rhs, .integer, _):
            guard let arithmetic = op.arithmetic, let left = integerKernel(lhs), let right = integerKernel(rhs) else { return nil }
            var constant: Int?
            if case .literal(.integer(let number)) = rhs { constant = number }
            /// `a[i] op b[i]` (or `op constant`) in place, for the three operators that can overflow;
            /// false on any overflow, even at a null row: the block then runs row by row, which
            /// raises it or not.
            func combine(_ a: inout NumericVector<Int>, _ b: NumericVector<Int>?) -> Bool {
                a.values.withUnsafeMutableBufferPointer { values in
                    (b?.values ?? []).withUnsafeBufferPointer { others in
                        switch arithmetic {
                        case .add: return KernelLoops.combine(KernelAdd.self, values, others, constant)
                        case .subtract: return KernelLoops.combine(KernelSubtract.self, values, others, constant)
                        case .multiply: return KernelLoops.combine(KernelMultiply.self, values, others, constant)
                        case .divide, .remainder: return false  // not combined in place (below)
                        }
                    }
                }
            }
            switch arithmetic {
            case .add, .subtract, .multiply:
                return { rows in
                    guard var a = left(rows) else { return nil }
                    let b = constant == nil ? right(rows) : nil
                    if constant == nil, b == nil { return nil }
                    a.nulls = NumericVector<Int>.union(a.nulls, b?.nulls)
                    return combine(&a, b) ? a : nil
                }
            case .remainder:
                return { rows in
                    guard var a = left(rows), let b = right(rows) else { return nil }
                    var nulls = NumericVector<Int>.union(a.nulls, b.nulls)
                    for position in a.values.indices {
                        let divisor = b.values[position]
                        if divisor == 0 {
                            // By zero: null, as row by row.
                            if nulls == nil { nulls = [Bool](repeating: false, count: a.values.count) }
                            nulls?[position] = true
                            a.values[position] = 0
                        } else {
                            a.values[position] = divisor == -1 ? 0 : a.values[position] % divisor
                        }
                    }
                    a.nulls = nulls
                    return a
                }
            case .divide:
                return nil  // an integer division's answer is a float
            }
        default:
            return nil
        }
    }

    /// Float arithmetic over numeric columns, literals and integer kernels; nil for anything else.
    package func floatKernel(_ expression: BoundExpression) -> FloatKernel? {
        if let integers = integerKernel(expression) {
            return { rows in integers(rows).map { NumericVector(values: $0.values.map(Double.init), nulls: $0.nulls) } }
        }
        switch expression {
        case .literal(.float(let number)):
            return { rows in NumericVector(values: [Double](repeating: number, count: rows.count), nulls: nil) }
        case .column(let index):
            guard case .floats(let values, let nulls) = columns[index].storage else { return nil }
            let flags = nulls.flags
            return { rows in
                NumericVector(values: KernelLoops.gather(rows, values) { $0 }, nulls: flags.map { KernelLoops.gather(rows, $0) { $0 } })
            }
        case .negate(let operand, _):
            guard let inner = floatKernel(operand) else { return nil }
            return { rows in inner(rows).map { NumericVector(values: $0.values.map { -$0 }, nulls: $0.nulls) } }
        case .call(.widenToFloat, let arguments, _) where arguments.count == 1:
            return floatKernel(arguments[0])
        case .arithmetic(let op, let lhs, let rhs, .float, _):
            guard let left = floatKernel(lhs), let right = floatKernel(rhs), let apply = op.floatOperation else { return nil }
            return { rows in
                guard var a = left(rows), let b = right(rows) else { return nil }
                var nulls = NumericVector<Double>.union(a.nulls, b.nulls)
                for position in a.values.indices {
                    if let result = apply(a.values[position], b.values[position]), !result.isNaN {
                        a.values[position] = result
                    } else {
                        if nulls == nil { nulls = [Bool](repeating: false, count: a.values.count) }
                        nulls?[position] = true
                    }
                }
                a.nulls = nulls
                return a
            }
        default:
            return nil
        }
    }
}
