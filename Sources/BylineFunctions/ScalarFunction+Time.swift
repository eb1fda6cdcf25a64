// Timestamps: their parts, truncation, the time between two, and the conversion from text. In
// PostgreSQL a timestamp is a `timestamp` (without time zone, holding UTC); in SQLite it is its
// text (`2009-01-01 00:00:00.25`), whose byte order is time order, so its parts are substrings.

import BylineCore
import BylineStorage
import BylineSyntax

extension ScalarFunction {
    package static let time: [ScalarFunction] = [hour, minute, second, weekday, dateTrunc, secondsBetween, toTimestamp, strftime]

    package static let hour = ScalarFunction(
        "hour", [.required("timestamp", .timestamp)], summary: "the timestamp's hour (0-23, UTC)",
        example: "range(1) select hour(to_timestamp(\"2009-01-01 17:30:00\"))", result: always(.integer),
        postgresql: .text { timestampPart("HOUR", $0) }, sqlite: .text { timestampPart("HOUR", $0) },
        spark: .text { timestampPart("HOUR", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.parts.hour)
    }

    package static let minute = ScalarFunction(
        "minute", [.required("timestamp", .timestamp)], summary: "the timestamp's minute (0-59)",
        example: "range(1) select minute(to_timestamp(\"2009-01-01 17:30:00\"))", result: always(.integer),
        postgresql: .text { timestampPart("MINUTE", $0) }, sqlite: .text { timestampPart("MINUTE", $0) },
        spark: .text { timestampPart("MINUTE", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.parts.minute)
    }

    package static let second = ScalarFunction(
        "second", [.required("timestamp", .timestamp)], summary: "the timestamp's whole seconds (0-59), without the fraction",
        example: "range(1) select second(to_timestamp(\"2009-01-01 17:30:05.5\"))", result: always(.integer),
        postgresql: .text { timestampPart("SECOND", $0) }, sqlite: .text { timestampPart("SECOND", $0) },
        spark: .text { timestampPart("SECOND", $0) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0] else { return .null }
        return .integer(time.parts.second)
    }

    package static let weekday = ScalarFunction(
        "weekday", [.required("timestamp", .timestamp)], summary: "the day of the week, 0 for Sunday to 6 for Saturday",
        example: "range(1) select weekday(to_timestamp(\"2009-01-01 00:00:00\"))", result: always(.integer),
        postgresql: .text { timestampPart("DOW", $0) }, sqlite: .text { timestampPart("DOW", $0) },
        spark: .text { timestampPart("DOW", $0) }
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
        },
        // The timestamp's text (`YYYY-MM-DD HH:MM:SS[.ffffff]`, as SQLite holds it) cut and filled.
        spark: .text { call in
            let (unit, x) = (call.arguments[0], call.arguments[1])
            let cuts = [("year", 4, "-01-01 00:00:00"), ("month", 7, "-01 00:00:00"), ("day", 10, " 00:00:00"), ("hour", 13, ":00:00"), ("minute", 16, ":00"), ("second", 19, "")]
            let known = Timestamp.Unit.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            let unknown = "concat('date_trunc does not know the unit \"', \(unit), '\" (write one of ', \(call.bind(.string(known), type: .string)), ')')"
            return "(CASE WHEN \(unit) IS NULL OR \(x) IS NULL THEN NULL "
                + cuts.map { "WHEN lower(\(unit)) = '\($0.0)' THEN concat(substr(\(x), 1, \($0.1)), '\($0.2)')" }.joined(separator: " ")
                + " ELSE CAST(raise_error(\(unknown)) AS STRING) END)"
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
        postgresql: .text { "CAST(EXTRACT(EPOCH FROM (\($0.arguments[1]) - \($0.arguments[0]))) AS double precision)" },
        // From the timestamps' text: each as microseconds (its date's days, as Spark's DATE
        // counts them, and its time), the difference written out in decimal and read back as
        // `seconds(start:end:)` does (Java's parseDouble rounds once, as Swift's Double(_:)).
        spark: .text { call in
            func micros(_ x: String) -> String {
                "(CAST(unix_date(CAST(substr(\(x), 1, 10) AS DATE)) AS BIGINT) * 86400000000 + CAST(substr(\(x), 12, 2) AS BIGINT) * 3600000000 "
                    + "+ CAST(substr(\(x), 15, 2) AS BIGINT) * 60000000 + CAST(substr(\(x), 18, 2) AS BIGINT) * 1000000 "
                    + "+ CAST(rpad(concat(substr(\(x), 21), '000000'), 6, '0') AS BIGINT))"
            }
            let difference = "(\(micros(call.arguments[1])) - \(micros(call.arguments[0])))"
            let magnitude = "abs(\(difference))"
            let text = "concat(CASE WHEN \(difference) < 0 THEN '-' ELSE '' END, CAST(\(magnitude) div 1000000 AS STRING), '.', "
                + "lpad(CAST(\(magnitude) % 1000000 AS STRING), 6, '0'))"
            return "(CASE WHEN \(call.arguments[0]) IS NULL OR \(call.arguments[1]) IS NULL THEN CAST(NULL AS DOUBLE) ELSE CAST(\(text) AS DOUBLE) END)"
        }
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
        },
        // A date's midnight, as its text; text is read only in Byline's engine and SQLite for now.
        spark: .text { (call) throws(SQLUnsupported) in
            switch call.types[0] {
            case .timestamp: return call.x
            case .date:
                let pattern = call.bind(.string("^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z"), type: .string)
                return "(CASE WHEN \(call.x) RLIKE \(pattern) AND left(\(call.x), 4) <> '0000' THEN concat(\(call.x), ' 00:00:00') END)"
            default:
                return sparkTimestampFromText(&call)
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

    package static let strftime = ScalarFunction(
        "strftime", [.required("timestamp", .timestamp), .required("format", .string)],
        summary: "the timestamp as text in a format, as DuckDB's: %Y year, %m month, %d day, %H hour, %M minute, %S second, %j day of the year, %a weekday (Sun), %b month (Jan), %% a percent sign",
        example: "range(1) select strftime(to_timestamp(\"2009-03-14 15:09:26\"), \"%a %d %b %Y, %H:%M\") as shown",
        result: always(.string),
        postgresql: .text { call throws(SQLUnsupported) in try TimestampFormat.sql(&call) },
        sqlite: .text { call throws(SQLUnsupported) in
            // A constant format is written out of SQLite's own parts; any other runs as Byline's.
            guard case .string? = call.constants[1] else { return "byline_strftime(\(call.arguments.joined(separator: ", ")))" }
            return try TimestampFormat.sql(&call)
        },
        spark: .text { call throws(SQLUnsupported) in try TimestampFormat.sql(&call) }
    ) { arguments throws(EvaluationError) in
        guard case .timestamp(let time) = arguments[0], case .string(let format) = arguments[1] else { return .null }
        return .string(try TimestampFormat(format).text(of: time))
    }

    // MARK: - Helpers

    /// Where each part is in a timestamp held as text, `YYYY-MM-DD HH:MM:SS[.ffffff]` (SQLite's
    /// and Spark's): its first character (from 1) and its length.
    private static let textTimestampParts = [
        "YEAR": (1, 4), "MONTH": (6, 2), "DAY": (9, 2), "HOUR": (12, 2), "MINUTE": (15, 2), "SECOND": (18, 2),
    ]

    /// A part of a timestamp as an integer: `YEAR` … `SECOND` (whole seconds) or `DOW` (0 for Sunday).
    package static func timestampPart(_ part: String, _ call: SQLCall) -> String {
        let x = call.x
        switch call.dialect {
        case .postgresql:
            return part == "SECOND" ? "CAST(floor(EXTRACT(SECOND FROM \(x))) AS bigint)" : "CAST(EXTRACT(\(part) FROM \(x)) AS bigint)"
        case .sqlite:
            guard let (start, length) = textTimestampParts[part] else { return "CAST(strftime('%w', substr(\(x), 1, 10)) AS INTEGER)" }
            return "CAST(substr(\(x), \(start), \(length)) AS INTEGER)"
        case .spark:
            // Spark holds a timestamp as SQLite does, its text `YYYY-MM-DD HH:MM:SS[.ffffff]`;
            // dayofweek counts from 1 for Sunday (the proleptic Gregorian calendar, as Byline's).
            guard let (start, length) = textTimestampParts[part] else { return "CAST(dayofweek(CAST(substr(\(x), 1, 10) AS DATE)) - 1 AS BIGINT)" }
            return "CAST(substr(\(x), \(start), \(length)) AS BIGINT)"
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

    /// Spark: text read as Byline's `Timestamp(_, dateAlone: true)` reads it, or null, written as
    /// Byline writes a timestamp (Spark holds timestamps as that text). The text is checked by
    /// pattern and calendar; its instant is counted in microseconds from its parts (the date's
    /// days by unix_date, the offset taken away) and written back from them, so no zone of the
    /// session is involved.
    package static func sparkTimestampFromText(_ call: inout SQLCall) -> String {
        let shape = call.bind(
            .string(
                "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                    + "([ Tt]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?)?\\z"),
            type: .string)
        let tail = call.bind(.string("^.{16}(:[0-9]{2}([.][0-9]+)?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?\\z"), type: .string)
        let secondsPattern = call.bind(.string("^.{16}:([0-9]{2})"), type: .string)
        let fractionPattern = call.bind(.string("^.{19}[.]([0-9]{1,6})"), type: .string)
        // Each value is named once (a lambda's variable) and read by name: written out in place,
        // the text's SQL would be repeated hundreds of times (a statement that filled the driver).
        let t = "bt_text"
        let (year, month, day) = ("CAST(left(\(t), 4) AS INT)", "CAST(substr(\(t), 6, 2) AS INT)", "CAST(substr(\(t), 9, 2) AS INT)")
        let leap = "(\(year) % 4 = 0 AND (\(year) % 100 <> 0 OR \(year) % 400 = 0))"
        let validDay = "(\(day) <= 28 OR (\(month) = 2 AND \(day) = 29 AND \(leap)) OR (\(month) <> 2 AND \(day) <= 30) "
            + "OR \(month) IN (1, 3, 5, 7, 8, 10, 12))"
        let hasTime = "(length(\(t)) > 10)"
        let hour = "(CASE WHEN \(hasTime) THEN CAST(substr(\(t), 12, 2) AS BIGINT) ELSE 0 END)"
        let minute = "(CASE WHEN \(hasTime) THEN CAST(substr(\(t), 15, 2) AS BIGINT) ELSE 0 END)"
        let second = "COALESCE(CAST(NULLIF(regexp_extract(\(t), \(secondsPattern), 1), '') AS BIGINT), 0)"
        let fraction = "CAST(rpad(regexp_extract(\(t), \(fractionPattern), 1), 6, '0') AS BIGINT)"
        let o = "bt_offset"
        let offsetMinutes = bound(
            "regexp_extract(\(t), \(tail), 3)", o,
            "(CASE WHEN length(\(o)) < 3 THEN CAST(0 AS BIGINT) ELSE (CASE WHEN left(\(o), 1) = '-' THEN -1 ELSE 1 END) * "
                + "(CAST(substr(\(o), 2, 2) AS BIGINT) * 60 + (CASE WHEN length(\(o)) > 3 THEN CAST(right(\(o), 2) AS BIGINT) ELSE 0 END)) END)")
        let micros = "(CAST(unix_date(CAST(substr(\(t), 1, 10) AS DATE)) AS BIGINT) * 86400000000 + \(hour) * 3600000000 + \(minute) * 60000000 "
            + "+ \(second) * 1000000 + \(fraction) - \(offsetMinutes) * 60000000)"
        // Nested, as PostgreSQL's: each part is read only from text of the right shape.
        let checked = "(CASE WHEN \(t) RLIKE \(shape) THEN (CASE WHEN left(\(t), 4) <> '0000' AND \(validDay) THEN \(micros) END) END)"
        let m = "bt_micros"
        let written = bound(
            checked, m,
            "(CASE WHEN \(m) BETWEEN \(Timestamp.range.lowerBound) AND \(Timestamp.range.upperBound) THEN \(sparkTimestampText(m)) END)")
        return bound("trim(BOTH \(call.bind(.string(whiteSpace), type: .string)) FROM \(call.x))", t, written)
    }

    /// Spark: `body` with `value` computed once and read as `name` (a lambda's variable).
    static func bound(_ value: String, _ name: String, _ body: String) -> String {
        "element_at(transform(array(\(value)), \(name) -> \(body)), 1)"
    }

    /// Spark: microseconds since 1970 (a name, not null, in Byline's range) as Byline writes the
    /// timestamp.
    static func sparkTimestampText(_ micros: String) -> String {
        let days = "(CASE WHEN \(micros) >= 0 THEN \(micros) div 86400000000 ELSE -((-\(micros) - 1) div 86400000000) - 1 END)"
        let (d, r) = ("bt_date", "bt_rest")
        func padded(_ value: String, _ width: Int) -> String { "lpad(CAST(\(value) AS STRING), \(width), '0')" }
        let microsecond = "(\(r) % 1000000)"
        let fraction = "(CASE WHEN \(microsecond) = 0 THEN '' ELSE concat('.', regexp_replace(\(padded(microsecond, 6)), '0+$', '')) END)"
        let text = "concat(\(padded("year(\(d))", 4)), '-', \(padded("month(\(d))", 2)), '-', \(padded("day(\(d))", 2)), ' ', "
            + "\(padded("\(r) div 3600000000", 2)), ':', \(padded("(\(r) div 60000000) % 60", 2)), ':', \(padded("(\(r) div 1000000) % 60", 2)), "
            + "\(fraction))"
        return bound(
            days, "bt_days",
            bound("date_from_unix_date(CAST(bt_days AS INT))", d, bound("(\(micros) - bt_days * 86400000000)", r, text)))
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

/// A `strftime` format: text and directives (`%Y`), read once, then applied to timestamps here
/// or written as SQL that makes the same text from the database's own parts.
package struct TimestampFormat: Sendable {
    /// A run of text, or a directive's letter.
    package enum Piece: Sendable, Equatable {
        case text(String)
        case directive(Character)
    }

    /// The directives, in the order help lists them.
    package static let directives: [Character] = ["Y", "m", "d", "H", "M", "S", "j", "a", "b"]
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    package let pieces: [Piece]

    /// Reads a format; an unknown directive (or a `%` at the end) is an error naming it.
    package init(_ format: String) throws(EvaluationError) {
        var pieces: [Piece] = []
        var text = ""
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%" else {
                text.append(character)
                continue
            }
            guard let directive = characters.next() else {
                throw EvaluationError.unknownFormatDirective("'%' at the end of the format", known: Self.known)
            }
            if directive == "%" {
                text.append("%")
            } else if Self.directives.contains(directive) {
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                pieces.append(.directive(directive))
            } else {
                throw EvaluationError.unknownFormatDirective("%" + String(directive), known: Self.known)
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
    }

    static var known: [String] { directives.map { "%" + String($0) } }

    /// The timestamp written in this format (UTC).
    package func text(of time: Timestamp) -> String {
        let parts = time.parts
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var result = ""
        for piece in pieces {
            switch piece {
            case .text(let text): result += text
            case .directive("Y"): result += pad(parts.year, 4)
            case .directive("m"): result += pad(parts.month, 2)
            case .directive("d"): result += pad(parts.day, 2)
            case .directive("H"): result += pad(parts.hour, 2)
            case .directive("M"): result += pad(parts.minute, 2)
            case .directive("S"): result += pad(parts.second, 2)
            case .directive("j"):
                // Both truncations stay in years 1–9999, so the difference is small.
                let day = time.truncated(to: .day).microseconds - time.truncated(to: .year).microseconds
                result += pad(day / Timestamp.perDay + 1, 3)
            case .directive("a"): result += Self.weekdays[time.weekday]
            case .directive("b"): result += Self.months[parts.month - 1]
            case .directive: break  // only the directives above are read
            }
        }
        return result
    }

    /// The SQL of `strftime(timestamp, format)` for a constant format, built from the dialect's
    /// own parts so the text is byte for byte Byline's. PostgreSQL refuses a format that is not a
    /// constant; an unknown directive fails where a row needs it, as in Byline's engine.
    package static func sql(_ call: inout SQLCall) throws(SQLUnsupported) -> String {
        let x = call.x
        guard let constant = call.constants[1] else {
            throw SQLUnsupported(reason: "\(call.dialect.displayName) writes strftime only for a constant format ('strftime' with a computed format runs only in Byline's own engine)")
        }
        // The format's own SQL stays in the statement (a value bound for it must be used there).
        let written = call.arguments[1]
        guard case .string(let text) = constant else { return "CAST(\(written) AS \(call.dialect == .spark ? "STRING" : "TEXT"))" }
        let format: TimestampFormat
        do {
            format = try TimestampFormat(text)
        } catch {
            // The database's own error, raised only for a row that is not null (the text depends
            // on the row, so PostgreSQL cannot compute it, and fail, while planning).
            let message = call.bind(.string(error.message), type: .string)
            switch call.dialect {
            case .postgresql: return "(CASE WHEN \(x) IS NOT NULL AND \(written) IS NOT NULL THEN CAST(CAST(\(message) || left(CAST(\(x) AS text), 0) AS integer) AS text) END)"
            case .spark: return "(CASE WHEN \(x) IS NOT NULL AND \(written) IS NOT NULL THEN CAST(raise_error(\(message)) AS STRING) END)"
            case .sqlite: return "byline_strftime(\(call.arguments.joined(separator: ", ")))"
            }
        }
        var parts: [String] = []
        for piece in format.pieces {
            switch piece {
            case .text(let text):
                parts.append(call.bind(.string(text), type: .string))
            case .directive(let letter):
                parts.append(directive(letter, of: x, dialect: call.dialect))
            }
        }
        let joined = parts.isEmpty ? "''" : parts.joined(separator: " || ")
        return "(CASE WHEN \(x) IS NOT NULL AND \(written) IS NOT NULL THEN \(joined) END)"
    }

    /// One directive's text from a timestamp's SQL: PostgreSQL's `to_char` (whose `Dy` and `Mon`
    /// are English without `TM`), SQLite's and Spark's substrings of the timestamp's text.
    static func directive(_ letter: Character, of x: String, dialect: SQLDialect) -> String {
        switch dialect {
        case .postgresql:
            let pattern = ["Y": "YYYY", "m": "MM", "d": "DD", "H": "HH24", "M": "MI", "S": "SS", "j": "DDD", "a": "Dy", "b": "Mon"][letter] ?? "YYYY"
            return "to_char(\(x), '\(pattern)')"
        default:
            // The text is `YYYY-MM-DD HH:MM:SS[.ffffff]`.
            let date = "substr(\(x), 1, 10)"
            switch letter {
            case "m": return "substr(\(x), 6, 2)"
            case "d": return "substr(\(x), 9, 2)"
            case "H": return "substr(\(x), 12, 2)"
            case "M": return "substr(\(x), 15, 2)"
            case "S": return "substr(\(x), 18, 2)"
            case "j": return dialect == .spark ? "date_format(CAST(\(date) AS DATE), 'DDD')" : "strftime('%j', \(date))"
            case "a":
                let weekday = dialect == .spark ? "(dayofweek(CAST(\(date) AS DATE)) - 1)" : "CAST(strftime('%w', \(date)) AS INTEGER)"
                return "substr('\(weekdays.joined())', 1 + 3 * \(weekday), 3)"
            case "b": return "substr('\(months.joined())', 3 * CAST(substr(\(x), 6, 2) AS INTEGER) - 2, 3)"
            default: return "substr(\(x), 1, 4)"
            }
        }
    }
}
