// Statistics aggregates: median, quantile, sample variance and standard deviation, correlation.
// Computed from the values kept in row order, the way PostgreSQL computes them (its
// percentile_cont, and the Youngs–Cramer sums of var_samp, stddev_samp and corr), so the
// answers agree value for value.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

enum Statistics {
    /// The value a fraction `p` of the way through the sorted values, interpolated between the
    /// two around it (SQL's percentile_cont); null for no values. NaN sorts last, as PostgreSQL
    /// sorts it. The two values are found by selection, not a sort (linear in the values; the
    /// H2O benchmark's median by 10,000 groups spent its time sorting each group), and are the
    /// ones a stable sort would put at those places (which of 0.0 and -0.0, equal as they are).
    static func quantile(_ values: ArraySlice<Double>, _ p: Double) -> Value {
        guard !values.isEmpty else { return .null }
        let position = p * Double(values.count - 1)
        let below = Int(position.rounded(.down))
        let above = Int(position.rounded(.up))
        var work = Array(values)
        select(below, in: &work)
        let first = stableZero(work[below], rank: below, in: values)
        guard above != below else { return .float(first) }
        // Everything after `below` is at or after it in the order: the next value is their least.
        var next = work[below + 1]
        for value in work[(below + 2)...] where precedes(value, next) { next = value }
        let second = stableZero(next, rank: above, in: values)
        return .float(first + (position - Double(below)) * (second - first))
    }

    /// The order quantiles sort by: numbers ascending, NaN last (all NaNs alike, 0.0 and -0.0 alike).
    @inline(__always) static func precedes(_ a: Double, _ b: Double) -> Bool { a < b || (!a.isNaN && b.isNaN) }

    /// Puts the value of rank `k` in the order at `values[k]`, lesser ones before it and the rest
    /// after (a three-way quickselect; past its budget of rounds, the rest is sorted).
    static func select(_ k: Int, in values: inout [Double]) {
        var (low, high) = (0, values.count - 1)
        var budget = 2 * (Int.bitWidth - values.count.leadingZeroBitCount) + 8
        while high > low {
            if budget == 0 {
                values[low...high].sort(by: precedes)
                return
            }
            budget -= 1
            let (a, b, c) = (values[low], values[low + (high - low) / 2], values[high])
            let pivot = precedes(a, b) ? (precedes(b, c) ? b : (precedes(a, c) ? c : a)) : (precedes(a, c) ? a : (precedes(b, c) ? c : b))
            // [low, less) before the pivot, [less, index) alike, (greater, high] after it.
            var (less, index, greater) = (low, low, high)
            while index <= greater {
                if precedes(values[index], pivot) {
                    values.swapAt(less, index)
                    less += 1
                    index += 1
                } else if precedes(pivot, values[index]) {
                    values.swapAt(index, greater)
                    greater -= 1
                } else {
                    index += 1
                }
            }
            if k < less {
                high = less - 1
            } else if k > greater {
                low = greater + 1
            } else {
                return
            }
        }
    }

    /// `value`, found at rank `rank`; when it is a zero, the zero a stable sort puts there: the
    /// zeros keep their order among `values`, after every negative number.
    static func stableZero(_ value: Double, rank: Int, in values: ArraySlice<Double>) -> Double {
        guard value == 0 else { return value }
        var negatives = 0
        for other in values where other < 0 { negatives += 1 }
        var zeros = rank - negatives
        for other in values where other == 0 {
            if zeros == 0 { return other }
            zeros -= 1
        }
        return value
    }

    /// The sample variance (divided by n - 1); null for fewer than two values.
    static func variance(_ values: ArraySlice<Double>) -> Value {
        var moments = Moments()
        for value in values { moments.add(value) }
        return moments.variance
    }

    /// The correlation of pairs (y, x), flattened; null for no pairs or when either varies not at all.
    static func correlation(_ pairs: ArraySlice<Double>) -> Value {
        var moments = PairMoments()
        var index = pairs.startIndex
        while index + 1 < pairs.endIndex {
            moments.add(pairs[index], pairs[index + 1])
            index += 2
        }
        return moments.correlation
    }

    /// A statistic of one group's numbers in row order (for `corr`, each pair as y then x).
    static func result(_ kind: AggregateCall.Kind, of numbers: ArraySlice<Double>, fraction: Double?) -> Value {
        switch kind {
        case .median: return quantile(numbers, 0.5)
        case .quantile: return quantile(numbers, fraction ?? 0.5)
        case .variance: return variance(numbers)
        case .stddev:
            var moments = Moments()
            for value in numbers { moments.add(value) }
            return moments.standardDeviation
        case .corr: return correlation(numbers)
        default: return .null
        }
    }

    /// A number as a float; nil for anything else (null).
    static func number(_ value: Value) -> Double? {
        switch value {
        case .integer(let number): return Double(number)
        case .float(let number): return number
        default: return nil
        }
    }
}

/// The Youngs–Cramer sums of one group's numbers, added in row order: what `variance` and
/// `stddev` are computed from, whether the numbers are kept first or folded as they come (the
/// same operations in the same order, so the same bits).
struct Moments {
    private var count = 0.0
    private var sum = 0.0
    private var squares = 0.0

    @inline(__always)
    mutating func add(_ value: Double) {
        count += 1
        sum += value
        if count > 1 {
            let deviation = value * count - sum
            squares += deviation * deviation / (count * (count - 1))
        }
    }

    /// The sample variance (divided by n - 1); null for fewer than two values.
    var variance: Value {
        guard count > 1 else { return .null }
        return .float(squares / (count - 1))
    }

    /// The sample standard deviation: the variance's square root.
    var standardDeviation: Value {
        guard case .float(let variance) = variance else { return .null }
        return .float(variance.squareRoot())
    }
}

/// The Youngs–Cramer sums of one group's pairs (y, x), added in row order, for `corr`.
struct PairMoments {
    private var count = 0.0
    private var sumX = 0.0
    private var sumY = 0.0
    private var squaresX = 0.0
    private var squaresY = 0.0
    private var products = 0.0

    @inline(__always)
    mutating func add(_ y: Double, _ x: Double) {
        count += 1
        sumX += x
        sumY += y
        if count > 1 {
            let deviationX = x * count - sumX
            let deviationY = y * count - sumY
            let scale = 1 / (count * (count - 1))
            squaresX += deviationX * deviationX * scale
            squaresY += deviationY * deviationY * scale
            products += deviationX * deviationY * scale
        }
    }

    /// The correlation; null for no pairs or when either side varies not at all.
    var correlation: Value {
        guard count >= 1, squaresX != 0, squaresY != 0 else { return .null }
        let result = products / (squaresX * squaresY).squareRoot()
        return result.isNaN ? .null : .float(result)
    }
}
