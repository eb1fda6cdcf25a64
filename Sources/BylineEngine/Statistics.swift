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
    /// two around it (SQL's percentile_cont); null for no values.
    static func quantile(_ values: ArraySlice<Double>, _ p: Double) -> Value {
        guard !values.isEmpty else { return .null }
        // NaN sorts last, as PostgreSQL sorts it.
        let sorted = values.sorted { $0 < $1 || (!$0.isNaN && $1.isNaN) }
        let position = p * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = Int(position.rounded(.up))
        let first = sorted[below]
        guard above != below else { return .float(first) }
        return .float(first + (position - Double(below)) * (sorted[above] - first))
    }

    /// The sample variance (divided by n - 1); null for fewer than two values.
    static func variance(_ values: ArraySlice<Double>) -> Value {
        guard values.count > 1 else { return .null }
        var count = 0.0
        var sum = 0.0
        var squares = 0.0
        for value in values {
            count += 1
            sum += value
            if count > 1 {
                let deviation = value * count - sum
                squares += deviation * deviation / (count * (count - 1))
            }
        }
        return .float(squares / (count - 1))
    }

    /// The correlation of pairs (y, x), flattened; null for no pairs or when either varies not at all.
    static func correlation(_ pairs: ArraySlice<Double>) -> Value {
        var count = 0.0
        var (sumX, sumY, squaresX, squaresY, products) = (0.0, 0.0, 0.0, 0.0, 0.0)
        var index = pairs.startIndex
        while index + 1 < pairs.endIndex {
            let (y, x) = (pairs[index], pairs[index + 1])
            index += 2
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
        guard count >= 1, squaresX != 0, squaresY != 0 else { return .null }
        let result = products / (squaresX * squaresY).squareRoot()
        return result.isNaN ? .null : .float(result)
    }

    /// A statistic of one group's numbers in row order (for `corr`, each pair as y then x).
    static func result(_ kind: AggregateCall.Kind, of numbers: ArraySlice<Double>, fraction: Double?) -> Value {
        switch kind {
        case .median: return quantile(numbers, 0.5)
        case .quantile: return quantile(numbers, fraction ?? 0.5)
        case .variance: return variance(numbers)
        case .stddev:
            guard case .float(let variance) = variance(numbers) else { return .null }
            return .float(variance.squareRoot())
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
