// Timestamps: an instant to the microsecond, as PostgreSQL and DuckDB keep them, always in UTC.

/// A date and time of day to the microsecond, in UTC, from 0001-01-01 to 9999-12-31.
///
/// Read from ISO 8601 text: `2009-01-01 00:00:00` or `2009-01-01T00:00:00`, minutes with or
/// without seconds, seconds with up to six fractional digits, and an optional offset (`Z`, `+02`,
/// `+02:00`, `-0530`). A text with an offset is the instant it names, kept in UTC (as PostgreSQL's
/// and DuckDB's `timestamptz` keep it; their `timestamp` drops the offset unread); a text without
/// one is taken as UTC already. So a timestamp is one instant whatever zone wrote it, and `=` and
/// `<` compare instants.
///
/// Written back as `2009-01-01 00:00:00`, with the fraction's trailing zeros dropped
/// (`2009-01-01 00:00:00.25`) and no offset, as PostgreSQL writes a `timestamp` in its ISO style.
/// That text reads back as the same timestamp, and byte order of the text is time order.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01 00:00:00 UTC (negative before it).
    public let microseconds: Int

    /// The first and last microsecond Byline keeps: years 1 to 9999, written with four digits.
    public static let range: ClosedRange<Int> = -62_135_596_800_000_000...253_402_300_799_999_999

    /// Microseconds in a second, a minute, an hour and a day.
    public static let perSecond = 1_000_000
    /// Microseconds in a minute.
    public static let perMinute = 60_000_000
    /// Microseconds in an hour.
    public static let perHour = 3_600_000_000
    /// Microseconds in a day.
    public static let perDay = 86_400_000_000

    /// A timestamp from microseconds since the epoch; nil outside years 1–9999.
    public init?(microseconds: Int) {
        guard Timestamp.range.contains(microseconds) else { return nil }
        self.microseconds = microseconds
    }

    /// A timestamp from its parts in UTC; nil when a part is out of its range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second), (0...999_999).contains(microsecond)
        else { return nil }
        // In range: at most 10^4 years of days, far below Int's limits.
        let days = Timestamp.days(year: year, month: month, day: day)
        self.init(microseconds: days * Timestamp.perDay + hour * Timestamp.perHour + minute * Timestamp.perMinute
            + second * Timestamp.perSecond + microsecond)
    }

    /// Midnight (UTC) of a full date; nil for a date that lacks its year, month or day.
    public init?(date: PartialDate) {
        guard let year = date.year, let month = date.month, let day = date.day else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses the ISO forms above (and a full date alone, as its midnight, when `dateAlone` is
    /// true); nil for anything else, never a trap: `2009-13-45 25:61:00` is not a timestamp.
    public init?(_ text: String, dateAlone: Bool = false) {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2)
        else { return nil }
        if scanner.atEnd {
            guard dateAlone else { return nil }
            self.init(year: year, month: month, day: day)
            return
        }
        guard scanner.skip(" ") || scanner.skip("T") || scanner.skip("t"), let hour = scanner.digits(2), scanner.skip(":"),
            let minute = scanner.digits(2)
        else { return nil }
        var second = 0
        var microsecond = 0
        if scanner.skip(":") {
            guard let whole = scanner.digits(2) else { return nil }
            second = whole
            if scanner.skip(".") {
                var places = 0
                while let digit = scanner.digit() {
                    places += 1
                    guard places <= 6 else { return nil }
                    microsecond = microsecond * 10 + digit
                }
                guard places > 0 else { return nil }
                for _ in places..<6 { microsecond *= 10 }
            }
        }
        var offset = 0  // minutes east of UTC
        if scanner.skip("Z") || scanner.skip("z") {
        } else if let sign = scanner.sign() {
            guard let hours = scanner.digits(2), hours <= 15 else { return nil }
            var minutes = 0
            if scanner.skip(":") {
                guard let value = scanner.digits(2) else { return nil }
                minutes = value
            } else if let value = scanner.digits(2) {
                minutes = value
            }
            guard minutes < 60 else { return nil }
            offset = sign * (hours * 60 + minutes)
        }
        guard scanner.atEnd,
            let local = Timestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond)
        else { return nil }
        // Local time minus its offset is UTC; at most 16 hours, so no overflow, but maybe out of range.
        self.init(microseconds: local.microseconds - offset * Timestamp.perMinute)
    }

    // MARK: - Parts

    /// The calendar parts in UTC: year, month, day, hour, minute, second, microsecond.
    public var parts: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int) {
        let days = Timestamp.floorDivide(microseconds, Timestamp.perDay)
        var rest = microseconds - days * Timestamp.perDay
        let hour = rest / Timestamp.perHour
        rest -= hour * Timestamp.perHour
        let minute = rest / Timestamp.perMinute
        rest -= minute * Timestamp.perMinute
        let second = rest / Timestamp.perSecond
        let (year, month, day) = Timestamp.civil(days: days)
        return (year, month, day, hour, minute, second, rest - second * Timestamp.perSecond)
    }

    /// The day of the week, 0 for Sunday to 6 for Saturday (PostgreSQL's `dow`, DuckDB's `dayofweek`).
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let days = Timestamp.floorDivide(microseconds, Timestamp.perDay)
        return ((days % 7) + 11) % 7
    }

    /// The calendar date of the timestamp.
    public var date: PartialDate {
        let parts = self.parts
        return PartialDate(year: parts.year, month: parts.month, day: parts.day)
    }

    /// The units `truncated(to:)` knows, as `date_trunc` names them.
    public enum Unit: String, Sendable, CaseIterable {
        /// The start of the year.
        case year
        /// The start of the month.
        case month
        /// Midnight.
        case day
        /// The start of the hour.
        case hour
        /// The start of the minute.
        case minute
        /// The whole second.
        case second
    }

    /// The timestamp with every part smaller than `unit` set to its start (`date_trunc`).
    public func truncated(to unit: Unit) -> Timestamp {
        let parts = self.parts
        let result: Timestamp?
        switch unit {
        case .year: result = Timestamp(year: parts.year, month: 1, day: 1)
        case .month: result = Timestamp(year: parts.year, month: parts.month, day: 1)
        case .day: result = Timestamp(year: parts.year, month: parts.month, day: parts.day)
        case .hour: result = Timestamp(year: parts.year, month: parts.month, day: parts.day, hour: parts.hour)
        case .minute:
            result = Timestamp(year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute)
        case .second:
            result = Timestamp(
                year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second)
        }
        // Truncating never leaves the range it started in.
        return result ?? self
    }

    // MARK: - Text

    /// `2009-01-01 00:00:00`, with a fraction when there is one (trailing zeros dropped).
    public var description: String {
        let parts = self.parts
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))"
        if parts.microsecond != 0 {
            var fraction = pad(parts.microsecond, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text
    }

    /// Whether the first instant is earlier.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    // MARK: - Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a date.
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a number of days since 1970-01-01.
    private static func civil(days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads ASCII digits and marks from UTF-8 bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ mark: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: mark) else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
            index += 1
            return Int(bytes[index - 1] - 0x30)
        }

        /// Exactly `count` digits as a number.
        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let next = digit() else { return nil }
                value = value * 10 + next
            }
            return value
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
