// The built-in scalar functions, each declared once: parameters, result type, what a row computes,
// the SQL each dialect writes (SQLite calls Byline's own code as a host function unless said
// otherwise), and help. Adding a function is adding a declaration here and to `all`, plus tests.

import BylineCore
import BylineStorage
import BylineSyntax

extension ScalarFunction {
    /// Every built-in scalar function, operators' included.
    package static let all: [ScalarFunction] = [
        lower, upper, trim, length, substr, coalesce, abs, round, year, month, day,
        contains, startsWith, endsWith, equalIgnoringCase, widenToFloat,
    ] + math + text + conversions + time

    /// Functions callable by name.
    package static let callable: [String: ScalarFunction] = Dictionary(
        uniqueKeysWithValues: all.filter(\.isCallable).map { ($0.name, $0) })

    // MARK: - Text

    package static let lower = ScalarFunction(
        "lower", [.required("string", .string)], summary: "the string in lower case (Unicode case mapping)",
        example: "leaders select lower(name)", result: always(.string),
        postgresql: .text { "lower(\($0.x) COLLATE \"default\") COLLATE \"C\"" },
        spark: .text { "lower(\($0.x))" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0] else { return .null }
        return .string(text.lowercased())
    }

    package static let upper = ScalarFunction(
        "upper", [.required("string", .string)], summary: "the string in upper case (Unicode case mapping)",
        example: "leaders select upper(name)", result: always(.string),
        postgresql: .text { "upper(\($0.x) COLLATE \"default\") COLLATE \"C\"" },
        spark: .text { "upper(\($0.x))" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0] else { return .null }
        return .string(text.uppercased())
    }

    package static let trim = ScalarFunction(
        "trim", [.required("string", .string)], summary: "the string without white space at either end",
        example: "leaders select trim(title)", result: always(.string),
        postgresql: .text { call in "btrim(\(call.x), \(call.bind(.string(ScalarFunction.whiteSpace), type: .string)))" },
        spark: .text { call in "trim(BOTH \(call.bind(.string(ScalarFunction.whiteSpace), type: .string)) FROM \(call.x))" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0] else { return .null }
        return .string(ScalarFunction.trimmed(text))
    }

    package static let length = ScalarFunction(
        "length", [.required("string or list", .stringOrList)], summary: "the number of characters of a string, or of elements of a list",
        example: "leaders select name, length(name), length(source)", result: always(.integer),
        postgresql: .text { call in
            if case .list = call.types[0] { return "CAST(jsonb_array_length(\(call.x)) AS bigint)" }
            return "CAST(char_length(\(call.x)) AS bigint)"
        },
        sqlite: .text { call in
            if case .list = call.types[0] { return "json_array_length(\(call.x))" }
            return "byline_length(\(call.x))"
        },
        // Spark counts a string's code points, as Byline does; lists are JSON text there.
        spark: .text { call in
            // A list is JSON text there, read as an array to count it.
            if case .list = call.types[0] { return "(CASE WHEN \(call.x) IS NULL THEN NULL ELSE CAST(size(from_json(\(call.x), 'ARRAY<STRING>')) AS BIGINT) END)" }
            return "CAST(char_length(\(call.x)) AS BIGINT)"
        }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .string(let text): return .integer(text.unicodeScalars.count)
        case .list(let values): return .integer(values.count)
        default: return .null
        }
    }

    package static let substr = ScalarFunction(
        "substr", [.required("string", .string), .required("start", .integer), .optional("length", .integer)],
        summary: "the characters from position start (1-based), all or length of them, as SQL's SUBSTRING",
        example: "leaders select substr(name, 1, 3)", result: always(.string),
        postgresql: .text { call in
            let (x, start) = (call.x, call.arguments[1])
            // Null in, null out (GREATEST and LEAST would pass over a null).
            let first = "GREATEST(\(start), 1)"
            guard call.arguments.count == 3 else {
                return "(CASE WHEN \(start) IS NULL THEN NULL ELSE substr(\(x), CAST(LEAST(\(first), 2147483647) AS integer)) END)"
            }
            let length = call.arguments[2]
            // Byline's substr is SQL's SUBSTRING on scalars: characters from start to start + length,
            // counted without overflow (in numeric) and clamped to what a string can hold.
            let count = "LEAST(GREATEST(CAST(\(start) AS numeric) + \(length) - \(first), 0), 2147483647)"
            return "(CASE WHEN \(x) IS NULL OR \(start) IS NULL OR \(length) IS NULL THEN NULL WHEN \(length) <= 0 THEN '' ELSE substr(\(x), CAST(LEAST(\(first), 2147483647) AS integer), CAST(\(count) AS integer)) END)"
        },
        // As PostgreSQL's, with Spark's types (its substr counts from the end for a start below 1).
        spark: .text { call in
            let (x, start) = (call.x, call.arguments[1])
            let first = "GREATEST(\(start), 1)"
            guard call.arguments.count == 3 else {
                return "(CASE WHEN \(start) IS NULL THEN NULL ELSE substr(\(x), CAST(LEAST(\(first), 2147483647) AS INT)) END)"
            }
            let length = call.arguments[2]
            let count = "LEAST(GREATEST(CAST(\(start) AS DECIMAL(20, 0)) + \(length) - \(first), 0), 2147483647)"
            return "(CASE WHEN \(x) IS NULL OR \(start) IS NULL OR \(length) IS NULL THEN NULL WHEN \(length) <= 0 THEN '' ELSE substr(\(x), CAST(LEAST(\(first), 2147483647) AS INT), CAST(\(count) AS INT)) END)"
        }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .integer(let start) = arguments[1] else { return .null }
        var length: Int?
        if arguments.count == 3, case .integer(let given) = arguments[2] { length = given }
        return .string(ScalarFunction.substring(text, start: start, length: length))
    }

    // MARK: - Tests on strings

    package static let contains = ScalarFunction(
        "contains", [.required("string", .string), .required("string", .string)], nulls: .falseForNull,
        summary: "whether the first string contains the second, ignoring case (as the operator 'contains')",
        example: "leaders where contains(name, \"kay\")", result: always(.bool),
        postgresql: .text { call in
            "COALESCE(strpos(lower(\(call.x) COLLATE \"default\"), lower(\(call.arguments[1]) COLLATE \"default\")) > 0, FALSE)"
        },
        spark: .text { "COALESCE(instr(lower(\($0.x)), lower(\($0.arguments[1]))) > 0, FALSE)" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let part) = arguments[1] else { return .bool(false) }
        return .bool(text.containsIgnoringCase(part))
    }

    package static let startsWith = ScalarFunction(
        "starts_with", [.required("string", .string), .required("string", .string)], nulls: .falseForNull,
        summary: "whether the first string starts with the second (as 'starts with')",
        example: "leaders where starts_with(name, \"F\")", result: always(.bool),
        postgresql: .text { "COALESCE(starts_with(\($0.x), \($0.arguments[1])), FALSE)" },
        spark: .text { "COALESCE(startswith(\($0.x), \($0.arguments[1])), FALSE)" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let prefix) = arguments[1] else { return .bool(false) }
        return .bool(ExactText.hasPrefix(text, prefix))
    }

    package static let endsWith = ScalarFunction(
        "ends_with", [.required("string", .string), .required("string", .string)], nulls: .falseForNull,
        summary: "whether the first string ends with the second (as 'ends with')",
        example: "leaders where ends_with(name, \"i\")", result: always(.bool),
        postgresql: .text { "COALESCE(right(\($0.x), char_length(\($0.arguments[1]))) = \($0.arguments[1]), FALSE)" },
        spark: .text { "COALESCE(endswith(\($0.x), \($0.arguments[1])), FALSE)" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let suffix) = arguments[1] else { return .bool(false) }
        return .bool(ExactText.hasSuffix(text, suffix))
    }

    /// `=~`: equality ignoring case (an operator, not callable by name).
    package static let equalIgnoringCase = ScalarFunction(
        "=~", key: "equal_ignoring_case", [.required("string", .string), .required("string", .string)], callable: false,
        nulls: .falseForNull, summary: "whether two strings are equal ignoring case", result: always(.bool),
        postgresql: .text { "COALESCE(lower(\($0.x) COLLATE \"default\") = lower(\($0.arguments[1]) COLLATE \"default\"), FALSE)" },
        spark: .text { "COALESCE(lower(\($0.x)) = lower(\($0.arguments[1])), FALSE)" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let other) = arguments[1] else { return .bool(false) }
        return .bool(ExactText.equalIgnoringCase(text, other))
    }

    // MARK: - Values

    package static let coalesce = ScalarFunction(
        "coalesce", [.repeated("value", .any)], nulls: .handledByFunction,
        summary: "the first argument that is not null (later ones are not computed)",
        example: "leaders select coalesce(country, organization)",
        result: { types in
            var result = DataType.null
            for (index, type) in types.enumerated() {
                guard let unified = result.unified(with: type) else {
                    return .failure(ArgumentMismatch(index: index, expected: "\(result), like the arguments before it"))
                }
                result = unified
            }
            return .success(result)
        },
        postgresql: .text { "COALESCE(\($0.arguments.joined(separator: ", ")))" },
        sqlite: .text { "COALESCE(\($0.arguments.joined(separator: ", ")))" },
        spark: .text { "COALESCE(\($0.arguments.joined(separator: ", ")))" }
    ) { arguments throws(EvaluationError) in
        arguments.first { !$0.isNull } ?? .null
    }

    /// An integer as a float, where a float is expected (`coalesce(f, i)` is a float); not callable.
    package static let widenToFloat = ScalarFunction(
        "float", key: "widen_to_float", [.required("number", .number)], callable: false, summary: "an integer as a float",
        result: always(.float),
        postgresql: .text { "CAST(\($0.x) AS double precision)" },
        sqlite: .text { "CAST(\($0.x) AS REAL)" },
        spark: .text { "CAST(\($0.x) AS DOUBLE)" }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .integer(let number): return .float(Double(number))
        case .float: return arguments[0]
        default: return .null
        }
    }

    // MARK: - Numbers

    package static let abs = ScalarFunction(
        "abs", [.required("number", .number)], summary: "the number without its sign (overflow for the smallest integer is an error)",
        example: "range(-2, 3) select abs(value)", result: sameAsFirst,
        postgresql: .text { "abs(\($0.x))" },
        // SQLite's abs raises "integer overflow" for the smallest integer, as Byline does.
        sqlite: .text { "abs(\($0.x))" },
        // In ANSI mode Spark's abs raises an overflow for the smallest integer.
        spark: .text { "abs(\($0.x))" }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .integer(let number):
            guard number != Int.min else { throw EvaluationError.integerOverflowInAbs(number) }
            return .integer(Swift.abs(number))
        case .float(let number): return .float(Swift.abs(number))
        default: return .null
        }
    }

    package static let round = ScalarFunction(
        "round", [.required("number", .number), .optional("digits", .integer)],
        summary: "the number rounded half away from zero, to digits after the point (negative: to tens, hundreds, …)",
        example: "range(3) select round(value / 7.0, 2)",
        result: { types in .success(types[0] == .integer && types.count == 1 ? .integer : .float) },
        postgresql: .text { call in
            if call.arguments.count == 1 {
                if call.types[0] == .integer { return call.x }
                return ScalarFunction.roundedSQL(call.x, digits: "0")
            }
            let digits = call.arguments[1]
            return "(CASE WHEN \(digits) IS NULL THEN NULL ELSE \(ScalarFunction.roundedSQL(call.x, digits: "LEAST(GREATEST(\(digits), -30), 30)")) END)"
        },
        spark: .text { call in
            if call.arguments.count == 1 {
                if call.types[0] == .integer { return call.x }
                return ScalarFunction.sparkRounded(call.x, digits: "0")
            }
            let digits = call.arguments[1]
            return "(CASE WHEN \(digits) IS NULL THEN NULL ELSE \(ScalarFunction.sparkRounded(call.x, digits: "LEAST(GREATEST(\(digits), -30), 30)")) END)"
        }
    ) { arguments throws(EvaluationError) in
        let number = arguments[0]
        if case .integer = number, arguments.count == 1 { return number }
        guard let value = number.asDouble else { return .null }
        var digits = 0
        if arguments.count == 2, case .integer(let places) = arguments[1] { digits = places }
        return .float(ScalarFunction.rounded(value, digits: digits))
    }

    // MARK: - Dates

    package static let year = ScalarFunction(
        "year", [.required("date", .dateOrTimestamp)], summary: "the year of a date or timestamp, or null when a date has none",
        example: "events select date, year(date)", result: always(.integer),
        postgresql: .text { call in
            if call.types[0] == .timestamp { return timestampPart("YEAR", call) }
            return "(CASE WHEN left(\(call.x), 1) = '-' THEN NULL ELSE CAST(substr(\(call.x), 1, 4) AS bigint) END)"
        },
        sqlite: .text { $0.types[0] == .timestamp ? timestampPart("YEAR", $0) : "byline_year(\($0.x))" },
        spark: .text { call throws(SQLUnsupported) in
            if call.types[0] == .timestamp { return timestampPart("YEAR", call) }
            return "(CASE WHEN left(\(call.x), 1) = '-' THEN NULL ELSE CAST(substr(\(call.x), 1, 4) AS BIGINT) END)"
        }
    ) { arguments throws(EvaluationError) in
        if case .timestamp(let time) = arguments[0] { return .integer(time.parts.year) }
        guard case .date(let date) = arguments[0] else { return .null }
        return date.year.map(Value.integer) ?? .null
    }

    package static let month = ScalarFunction(
        "month", [.required("date", .dateOrTimestamp)], summary: "the month (1-12) of a date or timestamp, or null when a date has none",
        example: "events select date, month(date)", result: always(.integer),
        postgresql: .text { call in
            if call.types[0] == .timestamp { return timestampPart("MONTH", call) }
            let x = call.x
            return "(CASE WHEN left(\(x), 2) = '--' THEN CAST(substr(\(x), 3, 2) AS bigint) WHEN char_length(\(x)) >= 7 THEN CAST(substr(\(x), 6, 2) AS bigint) END)"
        },
        sqlite: .text { $0.types[0] == .timestamp ? timestampPart("MONTH", $0) : "byline_month(\($0.x))" },
        spark: .text { call throws(SQLUnsupported) in
            if call.types[0] == .timestamp { return timestampPart("MONTH", call) }
            let x = call.x
            return "(CASE WHEN left(\(x), 2) = '--' THEN CAST(substr(\(x), 3, 2) AS BIGINT) WHEN char_length(\(x)) >= 7 THEN CAST(substr(\(x), 6, 2) AS BIGINT) END)"
        }
    ) { arguments throws(EvaluationError) in
        if case .timestamp(let time) = arguments[0] { return .integer(time.parts.month) }
        guard case .date(let date) = arguments[0] else { return .null }
        return date.month.map(Value.integer) ?? .null
    }

    package static let day = ScalarFunction(
        "day", [.required("date", .dateOrTimestamp)], summary: "the day of the month of a date or timestamp, or null when a date has none",
        example: "events select date, day(date)", result: always(.integer),
        postgresql: .text { call in
            if call.types[0] == .timestamp { return timestampPart("DAY", call) }
            let x = call.x
            return "(CASE WHEN left(\(x), 2) = '--' AND char_length(\(x)) = 7 THEN CAST(substr(\(x), 6, 2) AS bigint) WHEN char_length(\(x)) = 10 THEN CAST(substr(\(x), 9, 2) AS bigint) END)"
        },
        sqlite: .text { $0.types[0] == .timestamp ? timestampPart("DAY", $0) : "byline_day(\($0.x))" },
        spark: .text { call throws(SQLUnsupported) in
            if call.types[0] == .timestamp { return timestampPart("DAY", call) }
            let x = call.x
            return "(CASE WHEN left(\(x), 2) = '--' AND char_length(\(x)) = 7 THEN CAST(substr(\(x), 6, 2) AS BIGINT) WHEN char_length(\(x)) = 10 THEN CAST(substr(\(x), 9, 2) AS BIGINT) END)"
        }
    ) { arguments throws(EvaluationError) in
        if case .timestamp(let time) = arguments[0] { return .integer(time.parts.day) }
        guard case .date(let date) = arguments[0] else { return .null }
        return date.day.map(Value.integer) ?? .null
    }
}

// MARK: - Helpers the declarations share

extension ScalarFunction {
    /// `substr`: the scalars at 1-based positions `start ..< start + length` that exist, as SQL's
    /// SUBSTRING defines it (a start before 1 still counts toward the length). Never traps: the
    /// end is computed with saturating arithmetic.
    package static func substring(_ text: String, start: Int, length: Int?) -> String {
        let scalars = text.unicodeScalars
        let count = scalars.count
        var end = count + 1  // exclusive, 1-based
        if let length {
            if length <= 0 { return "" }
            let (sum, overflow) = start.addingReportingOverflow(length)
            end = Swift.min(end, overflow ? Int.max : sum)
        }
        let first = Swift.max(start, 1)
        guard first < end, first <= count else { return "" }
        let lower = scalars.index(scalars.startIndex, offsetBy: first - 1)
        let upper = scalars.index(lower, offsetBy: end - first)
        return String(scalars[lower..<upper])
    }

    /// `trim`: drops Unicode white-space scalars from both ends (a combining mark after a space
    /// keeps that space, since the mark needs it).
    package static func trimmed(_ text: String, leading: Bool = true, trailing: Bool = true) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[(leading ? first : scalars.startIndex)...(trailing ? last : scalars.index(before: scalars.endIndex))])
    }

    /// `round(x, digits)`: the decimal digits Byline shows for the value (the shortest that read
    /// back as it), rounded half away from zero at the given place, so `round(2.675, 2)` is 2.68
    /// and `round(1.005, 2)` 1.01, as SQLite's and PostgreSQL's numeric rounding give (the
    /// binary value of 1.005 lies just below it, which rounding `x * 100` would follow). Digits
    /// past ±30 are taken as ±30, as SQLite does; a zero keeps the value's sign.
    package static func rounded(_ value: Double, digits: Int) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let places = Swift.max(-30, Swift.min(30, digits))
        // "2.675", "1e-05", "1.2345e+20": the digits and where the decimal point falls among them.
        let text = "\(value.magnitude)"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var digitsText = Array(mantissa[0] + (mantissa.count == 2 ? mantissa[1] : ""))
        var point = mantissa[0].count + exponent
        while let first = digitsText.first, first == "0" {
            digitsText.removeFirst()
            point -= 1
        }
        let kept = point + places  // digits before the rounding place
        if kept >= digitsText.count { return value }
        var whole = 0
        if kept > 0 {
            guard let prefix = Int(String(digitsText[0..<kept])) else { return value }
            whole = prefix
        }
        if kept >= 0, let next = digitsText[kept].wholeNumberValue, next >= 5 { whole += 1 }
        let result = Double("\(whole)e\(-places)") ?? value
        return value < 0 ? -result : result
    }

    /// Byline's `round(x, digits)` in PostgreSQL: the double's shortest text (PostgreSQL prints
    /// the same digits Byline shows) as numeric, whose `round` goes half away from zero, back to
    /// a double; a zero keeps the value's sign, as in Byline.
    package static func roundedSQL(_ x: String, digits: String) -> String {
        let value = "CAST(\(x) AS double precision)"
        let rounded = "CAST(round(CAST(CAST(\(value) AS text) AS numeric), CAST(\(digits) AS integer)) AS double precision)"
        return "(CASE WHEN \(rounded) = 0 THEN \(value) * 0 ELSE \(rounded) END)"
    }

    /// Byline's `round(x, digits)` in Spark, step for step: Spark's `round(y, 0)` of a double is
    /// half away from zero on its exact value, as Swift's `rounded()`; the scale is multiplied up
    /// by tens, as Byline does (exact to 10^22); an infinite result keeps the value.
    package static func sparkRounded(_ x: String, digits: String) -> String {
        let value = "CAST(\(x) AS DOUBLE)"
        var scale = "CAST(1 AS DOUBLE)"
        var cases = ""
        for power in 1...30 {
            scale = "(\(scale) * 10)"
            cases += " WHEN \(power) THEN \(scale)"
        }
        let factor = "(CASE abs(\(digits))\(cases) ELSE CAST(1 AS DOUBLE) END)"
        let result = "(CASE WHEN \(digits) >= 0 THEN round(\(value) * \(factor), 0) / \(factor) ELSE round(\(value) / \(factor), 0) * \(factor) END)"
        return "(CASE WHEN \(value) IS NULL THEN NULL WHEN \(digits) >= 0 AND abs(\(value)) >= 4503599627370496 THEN \(value) "
            + "WHEN abs(\(result)) = CAST('Infinity' AS DOUBLE) THEN \(value) ELSE \(result) END)"
    }

    /// The white space Byline's `trim` removes (Unicode's White_Space property), for SQL.
    package static let whiteSpace: String = {
        var text = ""
        for value in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
            0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000] as [UInt32]
        {
            if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
        }
        return text
    }()
}
