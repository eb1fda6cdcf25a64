// Timestamps: their parts, truncation, the time between two, and the conversion from text. In
// PostgreSQL a timestamp is a `timestamp` (without time zone, holding UTC); in SQLite it is its
// text (`2009-01-01 00:00:00.25`), whose byte order is time order, so its parts are substrings.

import BylineCore
import BylineStorage
import BylineSyntax

extension ScalarFunction {
    package static let time: [ScalarFunction] = [hour, minute, second, weekday, dateTrunc, secondsBetween, toTimestamp]

    package static let hour = ScalarFunction(
        "hour", [.required("timestamp", .timestamp)], summary: "the timestamp's hour (0-23, UTC)",
        example: "range(1) select hour(to_timestamp(\"2009-01-01 17:30:00\"))", result: always(.integer),
        postgresql: .text { timestampPart("HOUR", $0) }, sqlite: .text { timestampPart("HOUR", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.parts.hour)
    }

    package static let minute = ScalarFunction(
        "minute", [.required("timestamp", .timestamp)], summary: "the timestamp's minute (0-59)",
        example: "range(1) select minute(to_timestamp(\"2009-01-01 17:30:00\"))", result: always(.integer),
        postgresql: .text { timestampPart("MINUTE", $0) }, sqlite: .text { timestampPart("MINUTE", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.parts.minute)
    }

    package static let second = ScalarFunction(
        "second", [.required("timestamp", .timestamp)], summary: "the timestamp's whole seconds (0-59), without the fraction",
        example: "range(1) select second(to_timestamp(\"2009-01-01 17:30:05.5\"))", result: always(.integer),
        postgresql: .text { timestampPart("SECOND", $0) }, sqlite: .text { timestampPart("SECOND", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.parts.second)
    }

    package static let weekday = ScalarFunction(
        "weekday", [.required("timestamp", .timestamp)], summary: "the day of the week, 0 for Sunday to 6 for Saturday",
        example: "range(1) select weekday(to_timestamp(\"2009-01-01 00:00:00\"))", result: always(.integer),
        postgresql: .text { timestampPart("DOW", $0) }, sqlite: .text { timestampPart("DOW", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.weekday)
    }

    package static let dateTrunc = ScalarFunction(
        "date_trunc", [.required("unit", .string), .required("timestamp", .timestamp)],
        summary: "the timestamp cut down to the start of its year, month, day, hour, minute or second",
        example: "range(1) select date_trunc(\"month\", to_timestamp(\"2009-03-14 15:09:26\"))", result: always(.timestamp),
        postgresql: .text { call in
            // PostgreSQL knows more units (week, quarter): those are errors there too, as here.
            let units = Timestamp.Unit.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let unit = call.arguments[0]
            return "date_trunc(CASE WHEN lower(\(unit)) IN (\(units)) THEN \(unit) ELSE 'unknown unit ' || \(unit) END, \(call.arguments[1]))"
        }
    ) { arguments throws(EvaluationError) in
        guard case .string(let text) = arguments[0], case .timestamp(let time) = arguments[1] else { return .null }
        guard let unit = Timestamp.Unit(rawValue: text.lowercased()) else {
            throw EvaluationError.unknownTimeUnit(Value.quote(text), known: Timestamp.Unit.allCases.map(\.rawValue))
        }
        return .timestamp(time.truncated(to: unit))
    }

    package static let secondsBetween = ScalarFunction(
        "seconds_between", [.required("start", .timestamp), .required("end", .timestamp)],
        summary: "the seconds from start to end, with the fraction (negative when end is earlier)",
        example: "range(1) select seconds_between(to_timestamp(\"2009-01-01 00:00:00\"), to_timestamp(\"2009-01-02 00:00:01.5\"))",
        result: always(.float),
        postgresql: .text { "CAST(EXTRACT(EPOCH FROM (\($0.arguments[1]) - \($0.arguments[0]))) AS double precision)" }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let start) = arguments[0], case .timestamp(let end) = arguments[1] else { return .null }
        return .float(seconds(start: start, end: end))
    }

    package static let toTimestamp = ScalarFunction(
        "to_timestamp", [.required("value", .stringOrDate)],
        summary: "text as a timestamp (2009-01-01 00:00:00, a T, a fraction, an offset, or a whole date for its midnight); null if it is not one",
        example: "range(1) select to_timestamp(\"2009-01-01T10:00:00+02:00\") as t",
        result: always(.timestamp),
        postgresql: .text { call in
            switch call.types[0] {
            case .timestamp: return call.x
            case .date:
                let pattern = call.bind(.string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), type: .string)
                return "(CASE WHEN \(call.x) ~ \(pattern) AND left(\(call.x), 4) <> '0000' THEN CAST(\(call.x) AS timestamp) END)"
            default: return timestampFromText(&call)
            }
        },
        sqlite: .text { call in
            switch call.types[0] {
            case .timestamp: return call.x
            default: return "byline_to_timestamp(\(call.x))"
            }
        }
    ) { arguments throws(EvaluationError) in
        switch arguments[0] {
        case .timestamp: return arguments[0]
        case .date(let date): return Timestamp(date: date).map(Value.timestamp) ?? .null
        case .string(let text): return Timestamp(trimmed(text), dateAlone: true).map(Value.timestamp) ?? .null
        default: return .null
        }
    }

    // MARK: - Helpers

    /// A part of a timestamp as an integer: `YEAR` … `SECOND` (whole seconds) or `DOW` (0 for Sunday).
    package static func timestampPart(_ part: String, _ call: SQLCall) -> String {
        let x = call.x
        switch call.dialect {
        case .postgresql:
            return part == "SECOND" ? "CAST(floor(EXTRACT(SECOND FROM \(x))) AS bigint)" : "CAST(EXTRACT(\(part) FROM \(x)) AS bigint)"
        case .sqlite:
            // The text is `YYYY-MM-DD HH:MM:SS[.ffffff]`.
            let positions = ["YEAR": (1, 4), "MONTH": (6, 2), "DAY": (9, 2), "HOUR": (12, 2), "MINUTE": (15, 2), "SECOND": (18, 2)]
            guard let (start, length) = positions[part] else { return "CAST(strftime('%w', substr(\(x), 1, 10)) AS INTEGER)" }
            return "CAST(substr(\(x), \(start), \(length)) AS INTEGER)"
        case .spark:
            // Not reached: Spark refuses timestamps' functions before any SQL is written.
            return "CAST(EXTRACT(\(part) FROM \(x)) AS BIGINT)"
        }
    }

    /// The seconds from one timestamp to another as the double nearest the exact difference
    /// (written out in decimal and read back, which rounds once; dividing a large count of
    /// microseconds as a double would round twice).
    package static func seconds(start: Timestamp, end: Timestamp) -> Double {
        // Both in years 1–9999, so the difference fits easily.
        let difference = end.microseconds - start.microseconds
        let magnitude = difference.magnitude
        let fraction = String(magnitude % 1_000_000)
        let text = (difference < 0 ? "-" : "") + String(magnitude / 1_000_000) + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
        return Double(text) ?? Double(difference) / 1e6
    }

    /// PostgreSQL: text read as Byline's `Timestamp(_, dateAlone: true)` reads it, or null. The
    /// text is checked by pattern and calendar before any cast, so no cast can fail; a text with
    /// an offset is that instant in UTC, one without is UTC already.
    package static func timestampFromText(_ call: inout SQLCall) -> String {
        let text = "btrim(\(call.x), \(call.bind(.string(whiteSpace), type: .string)))"
        let shape = call.bind(
            .string(
                "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                    + "([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?)?$"),
            type: .string)
        let offset = call.bind(.string(":[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"), type: .string)
        let year = "CAST(left(\(text), 4) AS integer)"
        let month = "CAST(substr(\(text), 6, 2) AS integer)"
        let day = "CAST(substr(\(text), 9, 2) AS integer)"
        let leap = "(\(year) % 4 = 0 AND (\(year) % 100 <> 0 OR \(year) % 400 = 0))"
        let validDay = "(\(day) <= 28 OR (\(month) = 2 AND \(day) = 29 AND \(leap)) OR (\(month) <> 2 AND \(day) <= 30) "
            + "OR \(month) IN (1, 3, 5, 7, 8, 10, 12))"
        let cast = "(CASE WHEN \(text) ~ \(offset) THEN CAST(\(text) AS timestamptz) AT TIME ZONE 'UTC' ELSE CAST(\(text) AS timestamp) END)"
        // Nested, since PostgreSQL may test the parts of an AND in any order.
        let checked = "(CASE WHEN \(text) ~ \(shape) THEN (CASE WHEN left(\(text), 4) <> '0000' AND \(validDay) THEN \(cast) END) END)"
        return "(CASE WHEN \(checked) BETWEEN CAST('0001-01-01 00:00:00' AS timestamp) AND CAST('9999-12-31 23:59:59.999999' AS timestamp) THEN \(checked) END)"
    }
}
