// Typed accumulators: `count()`, and count, sum, avg, min and max of integer or float arithmetic,
// folded a block at a time into flat arrays indexed by group, from a kernel's vector (see
// Kernels.swift). The statistics (median, quantile, variance, stddev, corr) keep each number
// beside its group, unboxed, and put them in group order once at the end: each group's numbers in
// row order, as `Accumulator` keeps them, so the answers are the same to the bit. The rules are Accumulator's, row for row: nulls are skipped, an integer sum that
// overflows is an error at the call, floats are added in row order, a NaN sum or average is null.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// One aggregate over numbers, for every group.
package struct TypedAggregate {
    package enum Input {
        case rows
        case integers(IntegerKernel)
        case floats(FloatKernel)
        /// A statistic's numbers: one kernel, or for `corr` two (y, then x).
        case numbers(FloatKernel, FloatKernel?)
        /// `variance` and `stddev` (one kernel) or `corr` (y, then x): each group's Youngs–Cramer
        /// sums, folded as the rows come, which must be in row order for each group: one pass,
        /// or partitions that own their groups (`place`), never ranges of rows merged.
        case moments(FloatKernel, FloatKernel?)
    }

    package let call: AggregateCall
    package let input: Input
    /// Computes the argument at one row, for blocks a kernel gives up on (an overflow, raised there).
    package let fallback: RowEvaluator?
    private var counts: [Int] = []
    private var integerSums: [Int] = []
    private var floatSums: [Double] = []
    private var integerExtremes: [Int] = []
    private var floatExtremes: [Double] = []
    /// A statistic's numbers in row order (for `corr`, y then x), each with its group.
    private var statisticGroups: [Int] = []
    private var statisticNumbers: [Double] = []
    /// `variance` and `stddev`'s sums by group, or `corr`'s.
    private var moments: [Moments] = []
    private var pairMoments: [PairMoments] = []
    /// For an integer `sum`: the sum of the magnitudes of every value added (all groups), while
    /// it fits; below `Int.max` no group's sum overflows in any order of adding.
    private var magnitude: UInt = 0
    private var magnitudeOverflowed = false

    /// Whether merged partitions' sums are the sums of one pass: no integer `sum` could have
    /// overflowed (that error depends on the order of adding).
    package var sumsCannotOverflow: Bool { !magnitudeOverflowed && magnitude <= UInt(Int.max) }

    /// Adds another partition's aggregates, whose group `g` is this one's `groups[g]` (this
    /// one's groups now number `count`); its rows came after this one's.
    package mutating func merge(_ other: TypedAggregate?, groups: [Int], count: Int) {
        guard let other else { return }
        grow(to: count)
        let (total, overflow) = magnitude.addingReportingOverflow(other.magnitude)
        magnitude = total
        magnitudeOverflowed = magnitudeOverflowed || overflow || other.magnitudeOverflowed
        for (group, into) in groups.enumerated() where group < other.counts.count && other.counts[group] > 0 {
            let earlier = counts[into]
            counts[into] = earlier + other.counts[group]
            switch input {
            case .rows, .numbers:
                continue
            case .moments:
                // Never reached: `needsRowOrder` keeps these from ranges of rows. A group met
                // in one partition only is still exact.
                if earlier == 0 {
                    if group < other.moments.count { moments[into] = other.moments[group] }
                    if group < other.pairMoments.count { pairMoments[into] = other.pairMoments[group] }
                }
            case .integers:
                if keepsSums {
                    integerSums[into] = integerSums[into] &+ other.integerSums[group]
                    floatSums[into] += other.floatSums[group]
                } else if keepsExtremes {
                    let value = other.integerExtremes[group]
                    if earlier == 0 || (call.kind == .min && value < integerExtremes[into]) || (call.kind == .max && value > integerExtremes[into]) {
                        integerExtremes[into] = value
                    }
                }
            case .floats:
                if keepsSums {
                    floatSums[into] += other.floatSums[group]
                } else if keepsExtremes {
                    let value = other.floatExtremes[group]
                    if earlier == 0 || (call.kind == .min && value < floatExtremes[into]) || (call.kind == .max && value > floatExtremes[into]) {
                        floatExtremes[into] = value
                    }
                }
            }
        }
        appendStatistics(of: other, groups: groups)
    }

    /// Appends another partition's statistic numbers, renumbering their groups; its rows came
    /// after this one's, or its groups are its own, so each group's numbers stay in row order.
    private mutating func appendStatistics(of other: TypedAggregate, groups: [Int]) {
        guard case .numbers = input else { return }
        statisticGroups.reserveCapacity(statisticGroups.count + other.statisticGroups.count)
        for group in other.statisticGroups { statisticGroups.append(groups[group]) }
        statisticNumbers.append(contentsOf: other.statisticNumbers)
    }

    /// Puts another partition's aggregates, whose group `g` is this one's `groups[g]`, in place:
    /// no other partition has those groups (this one's groups now number `count`).
    mutating func place(_ other: TypedAggregate?, groups: [Int], count: Int) {
        guard let other else { return }
        grow(to: count)
        let (total, overflow) = magnitude.addingReportingOverflow(other.magnitude)
        magnitude = total
        magnitudeOverflowed = magnitudeOverflowed || overflow || other.magnitudeOverflowed
        TypedAggregate.scatter(other.counts, into: &counts, at: groups)
        appendStatistics(of: other, groups: groups)
        switch input {
        case .rows, .numbers:
            break
        case .moments:
            TypedAggregate.scatter(other.moments, into: &moments, at: groups)
            TypedAggregate.scatter(other.pairMoments, into: &pairMoments, at: groups)
        case .integers:
            TypedAggregate.scatter(other.integerSums, into: &integerSums, at: groups)
            TypedAggregate.scatter(other.floatSums, into: &floatSums, at: groups)
            TypedAggregate.scatter(other.integerExtremes, into: &integerExtremes, at: groups)
        case .floats:
            TypedAggregate.scatter(other.floatSums, into: &floatSums, at: groups)
            TypedAggregate.scatter(other.floatExtremes, into: &floatExtremes, at: groups)
        }
    }

    /// `target[groups[i]] = source[i]` for every `i` both have.
    private static func scatter<T>(_ source: [T], into target: inout [T], at groups: [Int]) {
        let count = Swift.min(source.count, groups.count)
        target.withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { source in
                groups.withUnsafeBufferPointer { groups in
                    for index in 0..<count where groups[index] < target.count { target[groups[index]] = source[index] }
                }
            }
        }
    }

    /// The typed form of `call`, or nil when it needs `Accumulator` (lists, distinct counts, text,
    /// dates, and expressions without a kernel); `fallback` computes its argument at one row.
    package init?(_ call: AggregateCall, compiler: ExpressionCompiler, fallback: RowEvaluator?) {
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
        case .median, .quantile:
            guard let argument = call.argument, let kernel = compiler.floatKernel(argument) else { return nil }
            input = .numbers(kernel, nil)
        case .stddev, .variance:
            guard let argument = call.argument, let kernel = compiler.floatKernel(argument) else { return nil }
            input = .moments(kernel, nil)
        case .corr:
            guard case .makeList(let pair)? = call.argument, pair.count == 2,
                let y = compiler.floatKernel(pair[0]), let x = compiler.floatKernel(pair[1])
            else { return nil }
            input = .moments(y, x)
        case .countDistinct, .list, .stringAgg:
            return nil
        }
    }

    /// Whether this is a statistic, whose values come from `statistics(groups:)`.
    package var isStatistic: Bool {
        switch input {
        case .numbers, .moments: return true
        default: return false
        }
    }

    /// Whether each group's rows must be folded in row order by one fold (`variance`, `stddev`
    /// and `corr`): partitions may own groups, not share them.
    package static func needsRowOrder(_ call: AggregateCall) -> Bool {
        call.kind == .variance || call.kind == .stddev || call.kind == .corr
    }

    /// Whether the call keeps sums by group (`sum`, `avg`) or extremes (`min`, `max`): a group
    /// takes room only for what its call keeps (with ten million groups, 80 MB an array).
    private var keepsSums: Bool { call.kind == .sum || call.kind == .avg }
    private var keepsExtremes: Bool { call.kind == .min || call.kind == .max }

    /// Makes room for groups up to `count`.
    package mutating func grow(to count: Int) {
        guard counts.count < count else { return }
        let more = count - counts.count
        counts.append(contentsOf: repeatElement(0, count: more))
        switch input {
        case .rows, .numbers: break
        case .moments(_, let second):
            if second == nil {
                moments.append(contentsOf: repeatElement(Moments(), count: more))
            } else {
                pairMoments.append(contentsOf: repeatElement(PairMoments(), count: more))
            }
        case .integers:
            if keepsSums {
                integerSums.append(contentsOf: repeatElement(0, count: more))
                floatSums.append(contentsOf: repeatElement(0, count: more))
            }
            if keepsExtremes { integerExtremes.append(contentsOf: repeatElement(0, count: more)) }
        case .floats:
            if keepsSums { floatSums.append(contentsOf: repeatElement(0, count: more)) }
            if keepsExtremes { floatExtremes.append(contentsOf: repeatElement(0, count: more)) }
        }
    }

    /// Folds a block: `groups[i]` is the group of `rows[i]`.
    package mutating func fold(_ rows: ArraySlice<Int>, groups: [Int], context: EvaluationContext) {
        switch input {
        case .rows:
            for group in groups { counts[group] += 1 }
        case .integers(let kernel):
            guard let vector = kernel(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
            if call.kind == .sum, vector.nulls == nil {
                return sumIntegers(vector.values, groups: groups, context: context)
            }
            if call.kind == .avg {
                // An average of integers is their float sum over their count (no sum to overflow).
                return addFloats(vector, groups: groups, as: Double.init)
            }
            for position in groups.indices where !vector.isNull(position) {
                add(vector.values[position], to: groups[position], context: context)
            }
        case .floats(let kernel):
            guard let vector = kernel(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
            if call.kind == .sum || call.kind == .avg { return addFloats(vector, groups: groups, as: { $0 }) }
            for position in groups.indices where !vector.isNull(position) {
                add(vector.values[position], to: groups[position])
            }
        case .numbers(let first, let second):
            guard let ys = first(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
            let before = statisticGroups.count
            if let second {
                // A pair counts when both of its numbers are there.
                guard let xs = second(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
                for position in groups.indices where !ys.isNull(position) && !xs.isNull(position) {
                    keep(ys.values[position], xs.values[position], group: groups[position])
                }
            } else {
                for position in groups.indices where !ys.isNull(position) { keep(ys.values[position], group: groups[position]) }
            }
            chargeStatistics(since: before, context: context)
        case .moments(let first, let second):
            guard let ys = first(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
            if let second {
                guard let xs = second(rows) else { return foldRowByRow(rows, groups: groups, context: context) }
                counts.withUnsafeMutableBufferPointer { counts in
                    pairMoments.withUnsafeMutableBufferPointer { moments in
                        for position in groups.indices where !ys.isNull(position) && !xs.isNull(position) {
                            let group = groups[position]
                            counts[group] += 1
                            moments[group].add(ys.values[position], xs.values[position])
                        }
                    }
                }
            } else {
                counts.withUnsafeMutableBufferPointer { counts in
                    moments.withUnsafeMutableBufferPointer { moments in
                        for position in groups.indices where !ys.isNull(position) {
                            let group = groups[position]
                            counts[group] += 1
                            moments[group].add(ys.values[position])
                        }
                    }
                }
            }
        }
    }

    /// A statistic's number (and for `corr` the pair's second) for a group.
    @inline(__always)
    private mutating func keep(_ number: Double, _ second: Double? = nil, group: Int) {
        counts[group] += 1
        statisticGroups.append(group)
        statisticNumbers.append(number)
        if let second { statisticNumbers.append(second) }
    }

    /// Charges the numbers a block kept to the memory budget: they are held until the end.
    private func chargeStatistics(since before: Int, context: EvaluationContext) {
        let pairs = second(of: input) ? 2 : 1
        _ = context.charge(
            MemoryBudget.bytes(statisticGroups.count - before, each: Executor.wordBytes * (1 + pairs)),
            for: "the numbers of \(call.kind.rawValue)()")
    }

    private func second(of input: Input) -> Bool {
        if case .numbers(_, let second) = input { return second != nil } else { return false }
    }

    /// `sum` of a block without nulls: one loop, the operator decided outside it, and the
    /// float sums `avg` needs not kept. The same sums, counts and error as `add`, row by row.
    private mutating func sumIntegers(_ values: [Int], groups: [Int], context: EvaluationContext) {
        var overflowed = false
        var magnitude = self.magnitude
        var tooLarge = false
        counts.withUnsafeMutableBufferPointer { counts in
            integerSums.withUnsafeMutableBufferPointer { sums in
                for position in values.indices {
                    let (group, number) = (groups[position], values[position])
                    counts[group] += 1
                    let (sum, overflow) = sums[group].addingReportingOverflow(number)
                    sums[group] = sum
                    overflowed = overflowed || overflow
                    let (total, past) = magnitude.addingReportingOverflow(number.magnitude)
                    magnitude = total
                    tooLarge = tooLarge || past
                }
            }
        }
        self.magnitude = magnitude
        magnitudeOverflowed = magnitudeOverflowed || tooLarge
        if overflowed { context.fail(.integerOverflowInSum, at: call.place) }
    }

    /// `sum` or `avg` as floats: each value counted and added to its group's float sum in row
    /// order, as `add` does row by row, in one loop without a switch on the call at each row.
    @inline(__always)
    private mutating func addFloats<Number>(_ vector: NumericVector<Number>, groups: [Int], as float: (Number) -> Double) {
        counts.withUnsafeMutableBufferPointer { counts in
            floatSums.withUnsafeMutableBufferPointer { sums in
                vector.values.withUnsafeBufferPointer { values in
                    if let nulls = vector.nulls {
                        for position in groups.indices where !nulls[position] {
                            counts[groups[position]] += 1
                            sums[groups[position]] += float(values[position])
                        }
                    } else {
                        for position in groups.indices {
                            counts[groups[position]] += 1
                            sums[groups[position]] += float(values[position])
                        }
                    }
                }
            }
        }
    }

    private mutating func foldRowByRow(_ rows: ArraySlice<Int>, groups: [Int], context: EvaluationContext) {
        guard let fallback else { return }
        if case .moments(_, let second) = input {
            for (position, row) in rows.enumerated() {
                let value = fallback(row)
                let group = groups[position]
                if second != nil {
                    if case .list(let pair) = value, pair.count == 2, let y = Statistics.number(pair[0]), let x = Statistics.number(pair[1]) {
                        counts[group] += 1
                        pairMoments[group].add(y, x)
                    }
                } else if let number = Statistics.number(value) {
                    counts[group] += 1
                    moments[group].add(number)
                }
            }
            return
        }
        if case .numbers = input {
            let before = statisticGroups.count
            for (position, row) in rows.enumerated() {
                let value = fallback(row)
                if case .list(let pair) = value {
                    if pair.count == 2, let y = Statistics.number(pair[0]), let x = Statistics.number(pair[1]) {
                        keep(y, x, group: groups[position])
                    }
                } else if let number = Statistics.number(value) {
                    keep(number, group: groups[position])
                }
            }
            return chargeStatistics(since: before, context: context)
        }
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
            if call.kind == .sum {
                if overflow { context.fail(.integerOverflowInSum, at: call.place) }
                let (total, tooLarge) = magnitude.addingReportingOverflow(number.magnitude)
                magnitude = total
                magnitudeOverflowed = magnitudeOverflowed || tooLarge
            }
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

    /// Every group's value as a column, unboxed; nil when every value is null (such a column
    /// takes its type from its values, which have none).
    package func column(groups: Int) -> Column? {
        let counts = self.counts.count >= groups ? self.counts : self.counts + repeatElement(0, count: groups - self.counts.count)
        func nulls(_ isNull: (Int) -> Bool) -> NullMask {
            counts.indices.contains(where: isNull) ? NullMask(flags: counts.indices.map(isNull)) : .none
        }
        switch call.kind {
        case .countRows, .count:
            return Column(type: .integer, storage: .integers(counts, .none))
        case .countDistinct, .list, .stringAgg, .median, .quantile, .stddev, .variance, .corr:
            // Statistics give their values through `statistics(groups:)`.
            return nil
        default:
            guard counts.contains(where: { $0 > 0 }) else { return nil }
        }
        let isFloat: Bool
        if case .floats = input { isFloat = true } else { isFloat = false }
        switch call.kind {
        case .sum where isFloat:
            let sums = floatSums
            return Column(type: .float, storage: .floats(sums, nulls { counts[$0] == 0 || sums[$0].isNaN }))
        case .sum:
            return Column(type: .integer, storage: .integers(integerSums, nulls { counts[$0] == 0 }))
        case .avg:
            let averages = counts.indices.map { counts[$0] == 0 ? 0 : floatSums[$0] / Double(counts[$0]) }
            return Column(type: .float, storage: .floats(averages, nulls { counts[$0] == 0 || averages[$0].isNaN }))
        default:
            if isFloat { return Column(type: .float, storage: .floats(floatExtremes, nulls { counts[$0] == 0 })) }
            return Column(type: .integer, storage: .integers(integerExtremes, nulls { counts[$0] == 0 }))
        }
    }

    /// A statistic's value for every group: its numbers put in group order by one counting pass
    /// (stable, so each group's stay in row order), then each group's computed as `Accumulator`
    /// computes it, a share of the groups on each of `parallel`'s threads. Nil for an aggregate
    /// that is not a statistic.
    package func statistics(groups: Int, parallel: Parallel? = nil) -> [Value]? {
        if case .moments(_, let second) = input {
            return (0..<groups).map { group in
                if second != nil { return group < pairMoments.count ? pairMoments[group].correlation : .null }
                guard group < moments.count else { return .null }
                return self.call.kind == .stddev ? moments[group].standardDeviation : moments[group].variance
            }
        }
        guard case .numbers(_, let second) = input else { return nil }
        let width = second == nil ? 1 : 2
        var starts = [Int](repeating: 0, count: groups + 1)
        for group in statisticGroups where group < groups { starts[group + 1] += 1 }
        for group in 0..<groups { starts[group + 1] += starts[group] }
        var next = starts
        var ordered = [Double](repeating: 0, count: statisticNumbers.count)
        for (index, group) in statisticGroups.enumerated() where group < groups {
            let place = next[group] * width
            next[group] += 1
            for offset in 0..<width { ordered[place + offset] = statisticNumbers[index * width + offset] }
        }
        let call = self.call
        func results(_ groups: Range<Int>) -> [Value] {
            groups.map { group in
                Statistics.result(call.kind, of: ordered[(starts[group] * width)..<(starts[group + 1] * width)], fraction: call.fraction)
            }
        }
        // Each group's value is its own numbers' alone: shares of the groups give the same values.
        let shares = parallel.map { max(1, min($0.threads, statisticNumbers.count / $0.minimumRows, groups)) } ?? 1
        guard shares > 1 else { return results(0..<groups) }
        return Parallel.run(shares, workers: shares) { share in
            results((groups * share / shares)..<(groups * (share + 1) / shares))
        }.flatMap { $0 }
    }

    /// The aggregate's value for a group, as `Accumulator.result` gives it.
    package func result(_ group: Int) -> Value {
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
        case .median, .quantile, .stddev, .variance, .corr:
            return statistics(groups: group + 1)?[group] ?? .null
        case .countDistinct, .list, .stringAgg:
            return .null
        }
    }
}
