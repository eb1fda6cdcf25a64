// Text functions beyond the first set: trimming one end, replacing, splitting, the ends of a
// string, and joining many strings. Strings are sequences of Unicode scalars, as everywhere.

import BylineCore
import BylineStorage
import BylineSyntax

extension ScalarFunction {
    package static let text: [ScalarFunction] = [ltrim, rtrim, replace, split, splitPart, left, right, concat]

    package static let ltrim = ScalarFunction(
        "ltrim", [.required("string", .string)], summary: "the string without white space at its start",
        example: "leaders select ltrim(\"  \" + name)", result: always(.string),
        postgresql: .text { call in "ltrim(\(call.x), \(call.bind(.string(ScalarFunction.whiteSpace), type: .string)))" },
        spark: .text { call in "trim(LEADING \(call.bind(.string(ScalarFunction.whiteSpace), type: .string)) FROM \(call.x))" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0] else { return .null }
        return .string(trimmed(text, trailing: false))
    }

    package static let rtrim = ScalarFunction(
        "rtrim", [.required("string", .string)], summary: "the string without white space at its end",
        example: "leaders select rtrim(name + \"  \")", result: always(.string),
        postgresql: .text { call in "rtrim(\(call.x), \(call.bind(.string(ScalarFunction.whiteSpace), type: .string)))" },
        spark: .text { call in "trim(TRAILING \(call.bind(.string(ScalarFunction.whiteSpace), type: .string)) FROM \(call.x))" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0] else { return .null }
        return .string(trimmed(text, leading: false))
    }

    package static let replace = ScalarFunction(
        "replace", [.required("string", .string), .required("from", .string), .required("to", .string)],
        summary: "the string with every occurrence of from replaced by to (case-sensitive; an empty from changes nothing)",
        example: "leaders select replace(name, \" \", \"_\")", result: always(.string),
        postgresql: .text { "replace(\($0.x), \($0.arguments[1]), \($0.arguments[2]))" },
        spark: .text { "replace(\($0.x), \($0.arguments[1]), \($0.arguments[2]))" }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let target) = arguments[1], case .string(let replacement) = arguments[2]
        else { return .null }
        return .string(replacing(target, with: replacement, in: text))
    }

    package static let split = ScalarFunction(
        "split", [.required("string", .string), .required("separator", .string)],
        summary: "the parts of the string between separators, as a list (an empty separator splits into characters)",
        example: "leaders select split(name, \" \")", result: always(.list(.string)),
        postgresql: .text { call in
            let (x, separator) = (call.x, call.arguments[1])
            let characters = "(SELECT COALESCE(jsonb_agg(substr(\(x), i, 1) ORDER BY i), '[]'::jsonb) FROM generate_series(1, char_length(\(x))) AS i)"
            return "(CASE WHEN \(x) IS NULL OR \(separator) IS NULL THEN NULL WHEN \(separator) = '' THEN \(characters) "
                + "WHEN \(x) = '' THEN '[\"\"]'::jsonb ELSE to_jsonb(string_to_array(\(x), \(separator))) END)"
        },
        // Spark's split takes a regular expression: the separator is quoted as Java's
        // Pattern.quote does (\Q…\E, each \E inside written \E\\E\Q); `(?s).` matches one code point.
        spark: .text { call in
            let (x, separator) = (call.x, call.arguments[1])
            return "(CASE WHEN \(x) IS NULL OR \(separator) IS NULL THEN NULL ELSE to_json(\(sparkParts(&call))) END)"
        }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let separator) = arguments[1] else { return .null }
        return .list(splitting(text, by: separator).map(Value.string))
    }

    package static let splitPart = ScalarFunction(
        "split_part", [.required("string", .string), .required("separator", .string), .required("n", .integer)],
        summary: "the nth part of split(string, separator): 1 is the first, -1 the last; \"\" when there is no nth part",
        example: "leaders select split_part(name, \" \", -1)", result: always(.string),
        // PostgreSQL's split_part (negative n since 14) gives "" past the parts, as Byline does;
        // an empty separator splits into characters here, so it is written out.
        postgresql: .text { call in
            let (x, separator, n) = (call.x, call.arguments[1], call.arguments[2])
            let clamped = "CAST(GREATEST(LEAST(\(n), 2147483647), -2147483647) AS integer)"
            let character = "(CASE WHEN \(n) BETWEEN 1 AND char_length(\(x)) THEN substr(\(x), \(clamped), 1) "
                + "WHEN \(n) < 0 AND \(n) >= -char_length(\(x)) THEN substr(\(x), char_length(\(x)) + \(clamped) + 1, 1) ELSE '' END)"
            return "((CASE WHEN \(x) IS NULL OR \(separator) IS NULL OR \(n) IS NULL THEN NULL WHEN \(n) = 0 THEN '' "
                + "WHEN \(separator) = '' THEN \(character) ELSE split_part(\(x), \(separator), \(clamped)) END) COLLATE \"C\")"
        },
        // The part of split's array; try_element_at counts from the end for a negative n.
        spark: .text { call in
            let (x, separator, n) = (call.x, call.arguments[1], call.arguments[2])
            let parts = sparkParts(&call)
            let clamped = "CAST(GREATEST(LEAST(\(n), 2147483647), -2147483647) AS INT)"
            return "(CASE WHEN \(x) IS NULL OR \(separator) IS NULL OR \(n) IS NULL THEN NULL "
                + "WHEN (\(n) >= 1 AND \(n) <= size(\(parts))) OR (\(n) <= -1 AND \(n) >= -size(\(parts))) THEN try_element_at(\(parts), \(clamped)) ELSE '' END)"
        }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .string(let separator) = arguments[1], case .integer(let n) = arguments[2]
        else { return .null }
        let parts = splitting(text, by: separator)
        // Compared without arithmetic on n, which may be any whole number.
        if n > 0, n <= parts.count { return .string(parts[n - 1]) }
        if n < 0, n >= -parts.count { return .string(parts[parts.count + n]) }
        return .string("")
    }

    package static let left = ScalarFunction(
        "left", [.required("string", .string), .required("count", .integer)],
        summary: "the first count characters (a negative count: all but the last -count)",
        example: "leaders select left(name, 3)", result: always(.string),
        postgresql: .text { "left(\($0.x), \(clampedCount($0.arguments[1])))" },
        // Spark's left gives '' for a negative count: the kept count is written out.
        spark: .text { call in
            let (x, count) = (call.x, call.arguments[1])
            return "(CASE WHEN \(x) IS NULL OR \(count) IS NULL THEN NULL ELSE substr(\(x), 1, CAST(\(sparkKept(x, count)) AS INT)) END)"
        }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .integer(let count) = arguments[1] else { return .null }
        let scalars = Array(text.unicodeScalars)
        return .string(String(String.UnicodeScalarView(scalars[..<keptCount(count, of: scalars.count)])))
    }

    package static let right = ScalarFunction(
        "right", [.required("string", .string), .required("count", .integer)],
        summary: "the last count characters (a negative count: all but the first -count)",
        example: "leaders select right(name, 3)", result: always(.string),
        postgresql: .text { "right(\($0.x), \(clampedCount($0.arguments[1])))" },
        spark: .text { call in
            let (x, count) = (call.x, call.arguments[1])
            return "(CASE WHEN \(x) IS NULL OR \(count) IS NULL THEN NULL ELSE substr(\(x), CAST(char_length(\(x)) - \(sparkKept(x, count)) + 1 AS INT)) END)"
        }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .integer(let count) = arguments[1] else { return .null }
        let scalars = Array(text.unicodeScalars)
        return .string(String(String.UnicodeScalarView(scalars[(scalars.count - keptCount(count, of: scalars.count))...])))
    }

    package static let concat = ScalarFunction(
        "concat", [.repeated("string", .string)], nulls: .handledByFunction,
        summary: "the strings joined, leaving out nulls (never null; to_string(x) turns other values into text)",
        example: "leaders select concat(name, \", \", title)", result: always(.string),
        postgresql: .text { "(concat(\($0.arguments.joined(separator: ", "))) COLLATE \"C\")" },
        sqlite: .text { "(" + $0.arguments.map { "COALESCE(\($0), '')" }.joined(separator: " || ") + ")" },
        spark: .text { "(" + $0.arguments.map { "COALESCE(\($0), '')" }.joined(separator: " || ") + ")" }
    ) { arguments throws(EvaluationError) in
        var text = ""
        for case .string(let part) in arguments { text += part }
        return .string(text)
    }

    // MARK: - Helpers

    /// How many characters `left` or `right` keep of `total`: `count`, or all but `-count`.
    package static func keptCount(_ count: Int, of total: Int) -> Int {
        if count >= 0 { return Swift.min(count, total) }
        return total - (count == Int.min ? total : Swift.min(total, -count))
    }

    /// How many characters `left` or `right` keep, in Spark SQL (as `keptCount`).
    package static func sparkKept(_ x: String, _ count: String) -> String {
        "(CASE WHEN \(count) >= 0 THEN LEAST(\(count), char_length(\(x))) ELSE GREATEST(char_length(\(x)) + GREATEST(\(count), -2147483647), 0) END)"
    }

    /// A count of characters as PostgreSQL's `left` and `right` take it (a 32-bit integer); null
    /// stays null (GREATEST and LEAST would pass over it).
    package static func clampedCount(_ count: String) -> String {
        "CAST((CASE WHEN \(count) IS NULL THEN NULL ELSE GREATEST(LEAST(\(count), 2147483647), -2147483647) END) AS integer)"
    }

    /// Every occurrence of `target` in `text` replaced, by Unicode scalars, left to right.
    package static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let needle = Array(target.unicodeScalars)
        guard !needle.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == needle[0], index + needle.count <= scalars.count, Array(scalars[index..<(index + needle.count)]) == needle {
                out.append(contentsOf: replacement.unicodeScalars)
                index += needle.count
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    /// The parts between separators (by Unicode scalars); an empty separator gives each scalar.
    /// Spark: the parts of the call's string between its separators (its first two arguments, not
    /// null), as `splitting` makes them: an array of strings. Spark's split takes a regular
    /// expression: the separator is quoted as Java's Pattern.quote does (\\Q…\\E, each \\E inside
    /// written \\E\\\\E\\Q); an empty separator gives the code points (`(?s).` matches one).
    static func sparkParts(_ call: inout SQLCall) -> String {
        let (x, separator) = (call.x, call.arguments[1])
        let quoted = "concat(\(call.bind(.string("\\Q"), type: .string)), replace(\(separator), \(call.bind(.string("\\E"), type: .string)), "
            + "\(call.bind(.string("\\E\\\\E\\Q"), type: .string))), \(call.bind(.string("\\E"), type: .string)))"
        let characters = "regexp_extract_all(\(x), \(call.bind(.string("(?s)(.)"), type: .string)), 1)"
        return "(CASE WHEN \(separator) = '' THEN \(characters) ELSE split(\(x), \(quoted), -1) END)"
    }

    package static func splitting(_ text: String, by separator: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let needle = Array(separator.unicodeScalars)
        guard !needle.isEmpty else { return scalars.map { String($0) } }
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == needle[0], index + needle.count <= scalars.count, Array(scalars[index..<(index + needle.count)]) == needle {
                parts.append(String(current))
                current = String.UnicodeScalarView()
                index += needle.count
            } else {
                current.append(scalars[index])
                index += 1
            }
        }
        parts.append(String(current))
        return parts
    }
}
