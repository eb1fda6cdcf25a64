// Typed accumulators: `count()`, and count, sum, avg, min and max of integer or float arithmetic,
// folded a block at a time into flat arrays indexed by group, from a kernel's vector (see
// Kernels.swift). The rules are Accumulator's, row for row: nulls are skipped, an integer sum that
// overflows is an error at the call, floats are added in row order, a NaN sum or average is null.

/// One aggregate over numbers, for every group.
struct TypedAggregate {
    enum Input {
        case rows
        case integers(IntegerKernel)
        case floats(FloatKernel)
    }

    let call: AggregateCall
    let input: Input
    /// Computes the argument at one row, for blocks a kernel gives up on (an overflow, raised there).
    let fallback: RowEvaluator?
    private var counts: [Int] = []
    private var integerSums: [Int] = []
    private var floatSums: [Double] = []
    private var integerExtremes: [Int] = []
    private var floatExtremes: [Double] = []

    /// The typed form of `call`, or nil when it needs `Accumulator` (lists, distinct counts, text,
    /// dates, and expressions without a kernel); `fallback` computes its argument at one row.
    init?(_ call: AggregateCall, compiler: ExpressionCompiler, fallback: RowEvaluator?) {
        self.call = call
        self.fallback = fallback
        switch call.kind {
        case .countRows:
            input = .rows
        case .count, .sum, .avg, .min, .max:
            guard let argument = call.argument else { return nil }
            if call.argumentType == .integer, let kernel = compiler.integerKernel(argument) {
                input = .integers(kernel)
            } else if call.argumentType == .float, let kernel = compiler.floatKernel(argument) {
                input = .floats(kernel)
            } else {
                return nil
            }
        case .countDistinct, .list:
            return nil
        }
    }

    /// Makes room for groups up to `count`.
    mutating func grow(to count: Int) {
        guard counts.count < count else { return }
        let more = count - counts.count
        counts.append(contentsOf: repeatElement(0, count: more))
        switch input {
        case .rows: break
        case .integers:
            integerSums.append(contentsOf: repeatElement(0, count: more))
            floatSums.append(contentsOf: repeatElement(0, count: more))
            integerExtremes.append(contentsOf: repeatElement(0, count: more))
        case .floats:
            floatSums.append(contentsOf: repeatElement(0, count: more))
            floatExtremes.append(contentsOf: repeatElement(0, count: more))
        }
    }

    /// Folds a block: `groups[i]` is the group of `rows[i]`.
    mutating func fold(_ rows: ArraySlice<Int>, groups: [Int], context: EvaluationContext) {
        switch input {
        case .rows:
            for group in groups { counts[group] += 1 }
        case .integers(let kernel):
            guard let vector = kernel(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
            for position in groups.indices where !vector.isNull(position) {
                add(vector.values[position], to: groups[position], context: context)
            }
        case .floats(let kernel):
            guard let vector = kernel(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
            for position in groups.indices where !vector.isNull(position) {
                add(vector.values[position], to: groups[position])
            }
        }
    }

    private mutating func foldRowByRow(_ rows: ArraySlice<Int>, groups: [Int], context: EvaluationContext) {
        guard let fallback else { return }
        for (position, row) in rows.enumerated() {
            switch fallback(row) {
            case .integer(let number): add(number, to: groups[position], context: context)
            case .float(let number): add(number, to: groups[position])
            default: continue
            }
        }
    }

    @inline(__always)
    private mutating func add(_ number: Int, to group: Int, context: EvaluationContext) {
        let count = counts[group]
        counts[group] = count + 1
        switch call.kind {
        case .sum, .avg:
            let (sum, overflow) = integerSums[group].addingReportingOverflow(number)
            if overflow && call.kind == .sum { context.fail(.integerOverflowInSum, at: call.place) }
            integerSums[group] = sum
            floatSums[group] += Double(number)
        case .min:
            if count == 0 || number < integerExtremes[group] { integerExtremes[group] = number }
        case .max:
            if count == 0 || number > integerExtremes[group] { integerExtremes[group] = number }
        default:
            break
        }
    }

    @inline(__always)
    private mutating func add(_ number: Double, to group: Int) {
        let count = counts[group]
        counts[group] = count + 1
        switch call.kind {
        case .sum, .avg: floatSums[group] += number
        case .min: if count == 0 || number < floatExtremes[group] { floatExtremes[group] = number }
        case .max: if count == 0 || number > floatExtremes[group] { floatExtremes[group] = number }
        default: break
        }
    }

    /// The aggregate's value for a group, as `Accumulator.result` gives it.
    func result(_ group: Int) -> Value {
        let count = group < counts.count ? counts[group] : 0
        switch call.kind {
        case .countRows, .count:
            return .integer(count)
        case .sum:
            if count == 0 { return .null }
            if case .floats = input { return floatSums[group].isNaN ? .null : .float(floatSums[group]) }
            return .integer(integerSums[group])
        case .avg:
            if count == 0 { return .null }
            let average = floatSums[group] / Double(count)
            return average.isNaN ? .null : .float(average)
        case .min, .max:
            if count == 0 { return .null }
            if case .floats = input { return .float(floatExtremes[group]) }
            return .integer(integerExtremes[group])
        case .countDistinct, .list:
            return .null
        }
    }
}
