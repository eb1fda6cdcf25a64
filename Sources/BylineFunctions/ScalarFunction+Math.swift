// Math functions: rounding to whole numbers, roots, powers, logarithms, sign, pi and integer
// division. A float result that is not a number (sqrt(-1)) is null, as everywhere in Byline.
import BylineCore
import BylineStorage
import BylineSyntax
import Foundation

extension ScalarFunction {
    package static let math: [ScalarFunction] = [floor, ceil, trunc, sqrt, pow, exp, ln, log10, sign, pi, div] + trigonometry

    /// A float result, null where it is not a number.
    package static func float(_ value: Double) -> Value { value.isNaN ? .null : .float(value) }

    /// A whole-number function: an integer stays itself, a float is rounded as `rule` says.
    private static func whole(
        _ name: String, _ rule: FloatingPointRoundingRule, postgres: String, summary: String, example: String
    ) -> ScalarFunction {
        ScalarFunction(
            name, [.required("number", .number)], summary: summary, example: example, result: sameAsFirst,
            postgresql: .text { call in call.types[0] == .float ? "\(postgres)(\(call.x))" : call.x },
            // Spark's floor and ceil of a double are bigints (and lose -0.0): floats run in Byline.
            spark: .text { (call) throws(SQLUnsupported) in
                guard call.types[0] == .float else { return call.x }
                throw SQLUnsupported(reason: "Spark rounds a float to a bigint ('\(name)' of a float runs only in Byline's own engine)")
            }
        ) { arguments throws(EvaluationError) in
            switch arguments[0] {
            case .float(let number): return .float(number.rounded(rule))
            default: return arguments[0]
            }
        }
    }

    package static let floor = whole(
        "floor", .down, postgres: "floor", summary: "the greatest whole number not above the number (an integer stays itself)",
        example: "range(3) select floor(value / 2.0)")
    package static let ceil = whole(
        "ceil", .up, postgres: "ceil", summary: "the least whole number not below the number (an integer stays itself)",
        example: "range(3) select ceil(value / 2.0)")
    package static let trunc = whole(
        "trunc", .towardZero, postgres: "trunc", summary: "the number without its fraction, toward zero (an integer stays itself)",
        example: "range(-2, 3) select trunc(value / 2.0)")

    package static let sqrt = ScalarFunction(
        "sqrt", [.required("number", .number)], summary: "the square root; null for a negative number",
        example: "range(5) select sqrt(value)", result: always(.float),
        postgresql: .text { call in
            let x = "CAST(\(call.x) AS double precision)"
            return "(CASE WHEN \(x) < 0 THEN NULL ELSE sqrt(\(x)) END)"
        },
        // Java's Math.sqrt is correctly rounded, as Swift's squareRoot is.
        spark: .text { call in
            let x = "CAST(\(call.x) AS DOUBLE)"
            return "(CASE WHEN \(x) < 0 THEN NULL ELSE sqrt(\(x)) END)"
        }
    ) { arguments throws(EvaluationError) in
        guard let number = arguments[0].asDouble else { return .null }
        return number < 0 ? .null : float(number.squareRoot())
    }

    package static let pow = ScalarFunction(
        "pow", [.required("base", .number), .required("exponent", .number)],
        summary: "base raised to the exponent, as a float; null for a negative base and a fractional exponent",
        example: "range(4) select pow(2, value)", result: always(.float),
        postgresql: .text { call in
            let (a, b) = ("CAST(\(call.x) AS double precision)", "CAST(\(call.arguments[1]) AS double precision)")
            // PostgreSQL raises errors where C's pow gives an infinity (0 to a negative power) or
            // a NaN (a negative base, a fractional exponent): those cases are written out.
            let odd = "(\(b) = floor(\(b)) AND \(b) - 2 * floor(\(b) / 2) = 1)"
            return "(CASE WHEN \(a) = 0 AND \(b) < 0 THEN (CASE WHEN CAST(\(a) AS text) = '-0' AND \(odd) THEN CAST('-Infinity' AS double precision) ELSE CAST('Infinity' AS double precision) END) "
                + "WHEN \(a) < 0 AND \(a) <> CAST('-Infinity' AS double precision) AND \(b) <> floor(\(b)) THEN NULL ELSE power(\(a), \(b)) END)"
        },
        // Spark's pow is Java's StrictMath.pow, not glibc's: the two differ in the last bit for
        // about one float argument in a thousand (even pow(x, 2)). Both are exact where the power
        // is an integer below 2^53 (each returns the correct integer when it is representable), so
        // an integer to a power of 0 or more runs there, and any other fails on Spark, not wrongly.
        spark: .text { (call) throws(SQLUnsupported) in
            guard call.types.allSatisfy({ $0 == .integer || $0 == .null }) else {
                throw SQLUnsupported(
                    reason: "Spark's pow (Java's) is not Byline's to the last bit but for integers ('pow' of a float runs only in Byline's own engine)")
            }
            let (a, b) = (call.x, call.arguments[1])
            let power = "pow(CAST(\(a) AS DOUBLE), CAST(\(b) AS DOUBLE))"
            let refusal = call.bind(
                .string("pow on Spark is exact only for an integer to a power of 0 or more below 2^53: run it in Byline's own engine (let the rows first)"),
                type: .string)
            return "(CASE WHEN \(a) IS NULL OR \(b) IS NULL THEN CAST(NULL AS DOUBLE) WHEN \(b) >= 0 AND abs(\(power)) < 9007199254740992 THEN \(power) "
                + "ELSE CAST(raise_error(\(refusal)) AS DOUBLE) END)"
        }
    ) { arguments throws(EvaluationError) in
        guard let base = arguments[0].asDouble, let exponent = arguments[1].asDouble else { return .null }
        return float(Foundation.pow(base, exponent))
    }

    package static let exp = ScalarFunction(
        "exp", [.required("number", .number)], summary: "e raised to the number", example: "range(3) select exp(value)",
        result: always(.float), postgresql: .text { "exp(CAST(\($0.x) AS double precision))" }
    ) { arguments throws(EvaluationError) in
        guard let number = arguments[0].asDouble else { return .null }
        return float(Foundation.exp(number))
    }

    /// A logarithm: null for zero and negative numbers.
    private static func logarithm(_ name: String, postgres: String, summary: String, _ body: @escaping @Sendable (Double) -> Double) -> ScalarFunction {
        ScalarFunction(
            name, [.required("number", .number)], summary: summary, example: "range(1, 4) select \(name)(value)", result: always(.float),
            postgresql: .text { call in
                let x = "CAST(\(call.x) AS double precision)"
                return "(CASE WHEN \(x) <= 0 THEN NULL ELSE \(postgres)(\(x)) END)"
            }
        ) { arguments throws(EvaluationError) in
            guard let number = arguments[0].asDouble else { return .null }
            return number <= 0 ? .null : float(body(number))
        }
    }

    package static let ln = logarithm("ln", postgres: "ln", summary: "the natural logarithm; null for 0 and negative numbers") { Foundation.log($0) }
    package static let log10 = logarithm("log10", postgres: "log", summary: "the logarithm to base 10; null for 0 and negative numbers") {
        Foundation.log10($0)
    }

    package static let sign = ScalarFunction(
        "sign", [.required("number", .number)], summary: "-1, 0 or 1 as the number is negative, zero or positive (an integer)",
        example: "range(-1, 2) select sign(value)", result: always(.integer),
        postgresql: .text { "CAST(sign(CAST(\($0.x) AS double precision)) AS bigint)" },
        spark: .text { "CAST(sign(CAST(\($0.x) AS DOUBLE)) AS BIGINT)" }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .integer(let number): return .integer(number.signum())
        case .float(let number): return .integer(number > 0 ? 1 : (number < 0 ? -1 : 0))
        default: return .null
        }
    }

    package static let pi = ScalarFunction(
        "pi", [], summary: "the number π", example: "range(1, 3) select value * value * pi() as area", result: always(.float),
        postgresql: .text { _ in "pi()" },
        spark: .text { _ in "pi()" }
    ) { _ throws(EvaluationError) in .float(Double.pi) }

    package static let div = ScalarFunction(
        "div", [.required("integer", .integer), .required("divisor", .integer)],
        summary: "integer division, toward zero (div(-7, 2) is -3, as -7 % 2 is -1); null when dividing by zero",
        example: "range(10) select value, div(value, 3)", result: always(.integer),
        postgresql: .text { "(\($0.x) / NULLIF(\($0.arguments[1]), 0))" },
        // Spark's div truncates toward zero, and raises an overflow in ANSI mode.
        spark: .text { "(\($0.x) div NULLIF(\($0.arguments[1]), 0))" }
    ) { arguments throws(EvaluationError) in
        guard case .integer(let a) = arguments[0], case .integer(let b) = arguments[1], b != 0 else { return .null }
        let (quotient, overflow) = a.dividedReportingOverflow(by: b)
        if overflow { throw EvaluationError.integerOverflow(a, "div", b) }
        return .integer(quotient)
    }

    // Trigonometry, in radians. A result that is not a number (the sine of an infinity, the
    // arc cosine of 2) is null, where PostgreSQL raises "input is out of range": the SQL says so.
    package static let trigonometry: [ScalarFunction] = [
        trigonometric("sin", summary: "the sine of an angle in radians", domain: .finite) { Foundation.sin($0) },
        trigonometric("cos", summary: "the cosine of an angle in radians", domain: .finite) { Foundation.cos($0) },
        trigonometric("tan", summary: "the tangent of an angle in radians", domain: .finite) { Foundation.tan($0) },
        trigonometric("asin", summary: "the angle in radians whose sine is the number; null outside -1 to 1", domain: .unit) {
            Foundation.asin($0)
        },
        trigonometric("acos", summary: "the angle in radians whose cosine is the number; null outside -1 to 1", domain: .unit) {
            Foundation.acos($0)
        },
        trigonometric("atan", summary: "the angle in radians whose tangent is the number", domain: .any) { Foundation.atan($0) },
        trigonometric("degrees", summary: "radians converted to degrees", domain: .any, sql: "(%@ * 180 / pi())") { $0 * 180 / Double.pi },
        trigonometric("radians", summary: "degrees converted to radians", domain: .any, sql: "(%@ * pi() / 180)") { $0 * Double.pi / 180 },
        atan2,
    ]

    /// Where a trigonometric function gives a number; outside it, null.
    package enum TrigonometricDomain: Sendable {
        case any, finite, unit
    }

    private static func trigonometric(
        _ name: String, summary: String, domain: TrigonometricDomain, sql: String? = nil,
        _ body: @escaping @Sendable (Double) -> Double
    ) -> ScalarFunction {
        // The formula is written out where PostgreSQL's own function rounds differently from it.
        let spell: @Sendable (String) -> String = { (x: String) in sql.map { $0.replacingOccurrences(of: "%@", with: x) } ?? "\(name)(\(x))" }
        return ScalarFunction(
            name, [.required("number", .number)], summary: summary, example: "range(-1, 2) select \(name)(value)",
            result: always(.float),
            postgresql: .text { call in
                let x = "CAST(\(call.x) AS double precision)"
                switch domain {
                case .any: return spell(x)
                case .finite: return "(CASE WHEN abs(\(x)) = CAST('Infinity' AS double precision) THEN NULL ELSE \(spell(x)) END)"
                case .unit: return "(CASE WHEN \(x) < -1 OR \(x) > 1 THEN NULL ELSE \(spell(x)) END)"
                }
            }
        ) { arguments throws(EvaluationError) in
            guard let number = arguments[0].asDouble else { return .null }
            return float(body(number))
        }
    }

    package static let atan2 = ScalarFunction(
        "atan2", [.required("y", .number), .required("x", .number)],
        summary: "the angle in radians from the x axis to the point (x, y)", example: "range(-1, 2) select atan2(value, 1)",
        result: always(.float),
        postgresql: .text { "atan2(CAST(\($0.x) AS double precision), CAST(\($0.arguments[1]) AS double precision))" }
    ) { arguments throws(EvaluationError) in
        guard let y = arguments[0].asDouble, let x = arguments[1].asDouble else { return .null }
        return float(Foundation.atan2(y, x))
    }
}
