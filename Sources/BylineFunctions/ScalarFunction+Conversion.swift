// Conversions between integer, float, string and date (to_timestamp is with the timestamps). Like DuckDB's TRY_CAST, a value that does
// not convert gives null rather than stopping the query: text that is not a number (or a date), a
// float beyond the integers. Text is read without the white space around it.

import BylineCore
import BylineStorage
import BylineSyntax

extension ScalarFunction {
    package static let conversions: [ScalarFunction] = [toInteger, toFloat, toString, toDate]

    package static let toInteger = ScalarFunction(
        "to_integer", [.required("value", .convertible)],
        summary: "the value as an integer: text of a whole number, a float rounded half away from zero, true as 1; null if it does not convert",
        example: "range(3) select to_integer(value * 1.5), to_integer(\" 42 \")", result: always(.integer),
        postgresql: .text { call in
            let x = call.x
            switch call.types[0] {
            case .bool: return "(CASE WHEN \(x) THEN CAST(1 AS bigint) WHEN NOT \(x) THEN CAST(0 AS bigint) END)"
            case .float:
                let rounded = roundedSQL(x, digits: "0")
                return "(CASE WHEN \(x) >= CAST(-9.223372036854775808e18 AS double precision) AND \(x) < CAST(9.223372036854775808e18 AS double precision) THEN CAST(\(rounded) AS bigint) END)"
            case .string:
                let text = "btrim(\(x), \(call.bind(.string(whiteSpace), type: .string)))"
                let pattern = call.bind(.string("^[+-]?[0-9]+$"), type: .string)
                // In CASEs, so the numeric cast never sees text it cannot read.
                return "(CASE WHEN \(text) ~ \(pattern) THEN (CASE WHEN CAST(\(text) AS numeric) BETWEEN -9223372036854775808 AND 9223372036854775807 THEN CAST(CAST(\(text) AS numeric) AS bigint) END) END)"
            default: return x
            }
        },
        // try_cast gives null beyond the integers, as Byline does.
        spark: .text { call in
            let x = call.x
            switch call.types[0] {
            case .bool: return "(CASE WHEN \(x) THEN CAST(1 AS BIGINT) WHEN NOT \(x) THEN CAST(0 AS BIGINT) END)"
            case .float:
                let rounded = sparkRounded(x, digits: "0")
                return "(CASE WHEN \(x) >= CAST(-9.223372036854775808e18 AS DOUBLE) AND \(x) < CAST(9.223372036854775808e18 AS DOUBLE) THEN CAST(\(rounded) AS BIGINT) END)"
            case .string:
                let text = "trim(BOTH \(call.bind(.string(whiteSpace), type: .string)) FROM \(x))"
                let pattern = call.bind(.string("^[+-]?[0-9]+$"), type: .string)
                return "(CASE WHEN \(text) RLIKE \(pattern) THEN try_cast(\(text) AS BIGINT) END)"
            default: return x
            }
        }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .integer: return arguments[0]
        case .bool(let flag): return .integer(flag ? 1 : 0)
        case .float(let number): return integer(rounding: number)
        case .string(let text): return Int(trimmed(text)).map(Value.integer) ?? .null
        default: return .null
        }
    }

    package static let toFloat = ScalarFunction(
        "to_float", [.required("value", .convertible)],
        summary: "the value as a float: text of a decimal number, an integer, true as 1.0; null if it does not convert",
        example: "range(3) select to_float(value), to_float(\"2.5e3\")", result: always(.float),
        postgresql: .text { call in
            let x = call.x
            switch call.types[0] {
            case .bool:
                return "(CASE WHEN \(x) THEN CAST(1 AS double precision) WHEN NOT \(x) THEN CAST(0 AS double precision) END)"
            case .string:
                let text = "btrim(\(x), \(call.bind(.string(whiteSpace), type: .string)))"
                let pattern = call.bind(.string("^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"), type: .string)
                return "(CASE WHEN \(text) ~ \(pattern) THEN (CASE WHEN abs(CAST(\(text) AS numeric)) > 1.7976931348623157e308 THEN NULL "
                    + "WHEN abs(CAST(\(text) AS numeric)) < 1e-323 THEN CAST(0 AS double precision) ELSE CAST(\(text) AS double precision) END) END)"
            default: return "CAST(\(x) AS double precision)"
            }
        },
        // Java's parseDouble rounds correctly, as Swift's Double(_:) does; past the largest
        // double it gives an infinity, which Byline's null replaces.
        spark: .text { call in
            let x = call.x
            switch call.types[0] {
            case .bool: return "(CASE WHEN \(x) THEN CAST(1 AS DOUBLE) WHEN NOT \(x) THEN CAST(0 AS DOUBLE) END)"
            case .string:
                let text = "trim(BOTH \(call.bind(.string(whiteSpace), type: .string)) FROM \(x))"
                let pattern = call.bind(.string("^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"), type: .string)
                return "(CASE WHEN \(text) RLIKE \(pattern) THEN (CASE WHEN abs(try_cast(\(text) AS DOUBLE)) = CAST('Infinity' AS DOUBLE) THEN NULL "
                    + "ELSE try_cast(\(text) AS DOUBLE) END) END)"
            default: return "CAST(\(x) AS DOUBLE)"
            }
        }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .integer(let number): return .float(Double(number))
        case .float: return arguments[0]
        case .bool(let flag): return .float(flag ? 1 : 0)
        case .string(let text):
            let number = trimmed(text)
            guard isDecimal(number), let value = Double(number), value.isFinite else { return .null }
            return .float(value)
        default: return .null
        }
    }

    package static let toString = ScalarFunction(
        "to_string", [.required("value", .scalar)],
        summary: "the value as text, written as Byline shows it (1.0, true, 2016-03)",
        example: "visits select to_string(year) + \"!\"", result: always(.string),
        postgresql: .text { call in
            let x = call.x
            switch call.types[0] {
            case .bool: return "(CASE WHEN \(x) THEN 'true' WHEN NOT \(x) THEN 'false' END)"
            case .integer: return "(CAST(\(x) AS text) COLLATE \"C\")"
            case .float: return floatText(x)
            case .timestamp: return "(CAST(\(x) AS text) COLLATE \"C\")"
            default: return x
            }
        },
        sqlite: .text { call in
            call.types[0] == .bool ? "(CASE WHEN \(call.x) THEN 'true' WHEN NOT \(call.x) THEN 'false' END)" : "byline_to_string(\(call.x))"
        },
        // Java writes floats otherwise than Byline (1.0E10): a float's text runs in Byline's engine.
        spark: .text { (call) throws(SQLUnsupported) in
            let x = call.x
            switch call.types[0] {
            case .bool: return "(CASE WHEN \(x) THEN 'true' WHEN NOT \(x) THEN 'false' END)"
            case .integer: return "CAST(\(x) AS STRING)"
            case .float: throw SQLUnsupported(reason: "Spark writes floats otherwise than Byline ('to_string' of a float runs only in Byline's own engine)")
            default: return x
            }
        }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .string: return arguments[0]
        case .float(let number): return .string(Value.format(number))
        default: return .string(arguments[0].description)
        }
    }

    package static let toDate = ScalarFunction(
        "to_date", [.required("value", .stringOrDate)],
        summary: "text as a date (2016, 2016-03, 2016-03-09, --03 or --06-09), or a timestamp's date; null if it is not one",
        example: "range(1) select to_date(\"2016-03-09\") as d, year(to_date(\"2016-03\")) as y", result: always(.date),
        postgresql: .text { call in
            if call.types[0] == .timestamp { return "CAST(CAST(\(call.x) AS date) AS text)" }
            guard call.types[0] == .string else { return call.x }
            let text = "btrim(\(call.x), \(call.bind(.string(whiteSpace), type: .string)))"
            let short = call.bind(.string("^([0-9]{4}(-(0[1-9]|1[0-2]))?|--(0[1-9]|1[0-2]))$"), type: .string)
            let full = call.bind(.string("^([0-9]{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"), type: .string)
            // Month and day are the last five characters of both forms with a day (MM-DD).
            let month = "CAST(substr(right(\(text), 5), 1, 2) AS integer)"
            let day = "CAST(right(\(text), 2) AS integer)"
            let year = "CAST(left(\(text), 4) AS integer)"
            let leap = "(CASE WHEN left(\(text), 1) = '-' THEN TRUE ELSE (\(year) % 4 = 0 AND (\(year) % 100 <> 0 OR \(year) % 400 = 0)) END)"
            return "(CASE WHEN \(text) ~ \(short) THEN \(text) WHEN \(text) ~ \(full) THEN (CASE WHEN \(day) <= 28 THEN \(text) "
                + "WHEN \(month) = 2 THEN (CASE WHEN \(day) = 29 AND \(leap) THEN \(text) END) WHEN \(day) <= 30 THEN \(text) "
                + "WHEN \(month) IN (1, 3, 5, 7, 8, 10, 12) THEN \(text) END) END)"
        },
        sqlite: .text { $0.types[0] == .timestamp ? "substr(\($0.x), 1, 10)" : "byline_to_date(\($0.x))" },
        // As PostgreSQL's, in Java's regular expressions (\\z: Java's $ also matches before a last
        // line break); Spark holds a date as its text too.
        spark: .text { (call) throws(SQLUnsupported) in
            if call.types[0] == .timestamp { return "substr(\(call.x), 1, 10)" }  // its text, as in SQLite
            guard call.types[0] == .string else { return call.x }
            let text = "trim(BOTH \(call.bind(.string(whiteSpace), type: .string)) FROM \(call.x))"
            let short = call.bind(.string("^([0-9]{4}(-(0[1-9]|1[0-2]))?|--(0[1-9]|1[0-2]))\\z"), type: .string)
            let full = call.bind(.string("^([0-9]{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\\z"), type: .string)
            let month = "CAST(substr(right(\(text), 5), 1, 2) AS INT)"
            let day = "CAST(right(\(text), 2) AS INT)"
            let year = "CAST(left(\(text), 4) AS INT)"
            let leap = "(CASE WHEN left(\(text), 1) = '-' THEN TRUE ELSE (\(year) % 4 = 0 AND (\(year) % 100 <> 0 OR \(year) % 400 = 0)) END)"
            return "(CASE WHEN \(text) RLIKE \(short) THEN \(text) WHEN \(text) RLIKE \(full) THEN (CASE WHEN \(day) <= 28 THEN \(text) "
                + "WHEN \(month) = 2 THEN (CASE WHEN \(day) = 29 AND \(leap) THEN \(text) END) WHEN \(day) <= 30 THEN \(text) "
                + "WHEN \(month) IN (1, 3, 5, 7, 8, 10, 12) THEN \(text) END) END)"
        }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .date: return arguments[0]
        case .timestamp(let time): return .date(time.date)
        case .string(let text): return PartialDate(trimmed(text)).map(Value.date) ?? .null
        default: return .null
        }
    }

    // MARK: - Helpers

    /// A float as Byline writes it (Value.format), in PostgreSQL: its shortest text is Byline's
    /// but for whole numbers below 10^15 (`3.0`, not `3`), zeros and infinities, and numbers from
    /// 10^15 to 2^53 inclusive, which PostgreSQL writes with an exponent and Byline (Swift) without.
    package static func floatText(_ value: String) -> String {
        let x = "CAST(\(value) AS double precision)"
        let text = "CAST(\(x) AS text)"
        let digits = "replace(split_part(ltrim(\(text), '-'), 'e', 1), '.', '')"
        let sign = "(CASE WHEN \(x) < 0 THEN '-' ELSE '' END)"
        return "(CASE WHEN \(x) = CAST('Infinity' AS double precision) THEN 'inf' WHEN \(x) = CAST('-Infinity' AS double precision) THEN '-inf' "
            + "WHEN \(x) = 0 THEN (CASE WHEN \(text) = '-0' THEN '-0.0' ELSE '0.0' END) "
            + "WHEN abs(\(x)) < 1e15 AND \(x) = trunc(\(x)) THEN CAST(CAST(\(x) AS bigint) AS text) || '.0' "
            + "WHEN abs(\(x)) >= 1e15 AND abs(\(x)) <= 9007199254740992 THEN \(sign) || left(rpad(\(digits), 16, '0'), 16) || '.' || COALESCE(NULLIF(substr(\(digits), 17), ''), '0') "
            + "ELSE \(text) END) COLLATE \"C\""
    }

    /// A float rounded half away from zero as an integer; null beyond the integers.
    package static func integer(rounding number: Double) -> Value {
        let whole = number.rounded()
        guard whole >= -9.223372036854775808e18, whole < 9.223372036854775808e18 else { return .null }
        return .integer(Int(whole))
    }

    /// Whether text is a decimal number: sign, digits with at most one point, an exponent.
    package static func isDecimal(_ text: String) -> Bool {
        var scalars = Array(text.unicodeScalars)[...]
        func digits() -> Int {
            let count = scalars.prefix { $0 >= "0" && $0 <= "9" }.count
            scalars = scalars.dropFirst(count)
            return count
        }
        if scalars.first == "+" || scalars.first == "-" { scalars = scalars.dropFirst() }
        var count = digits()
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            count += digits()
        }
        guard count > 0 else { return false }
        if scalars.first == "e" || scalars.first == "E" {
            scalars = scalars.dropFirst()
            if scalars.first == "+" || scalars.first == "-" { scalars = scalars.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return scalars.isEmpty
    }
}
