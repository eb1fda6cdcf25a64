// Dates as precise as the source gives them: a year alone, a month without a day, a day without a year.

/// A calendar date whose year, month and day may each be unknown.
///
/// Written like ISO 8601: `2016`, `2016-03`, `2016-03-09`, and without a year `--03` or `--06-09`.
public struct PartialDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, if known.
    public var year: Int?
    /// The month, 1–12, if known.
    public var month: Int?
    /// The day of the month, if known.
    public var day: Int?

    /// Creates a date from whatever parts are known.
    public init(year: Int? = nil, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses the ISO-like forms above; nil for anything else.
    public init?(_ text: String) {
        var rest = Substring(text)
        var year: Int?
        if rest.hasPrefix("--") {
            rest = rest.dropFirst(2)
        } else {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard digits.count == 4, let value = Int(digits) else { return nil }
            year = value
            rest = rest.dropFirst(4)
            if rest.isEmpty {
                self.init(year: year)
                return
            }
            guard rest.first == "-" else { return nil }
            rest = rest.dropFirst()
        }
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
            parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let month = Int(parts[0]), (1...12).contains(month)
        else { return nil }
        var day: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]), (1...PartialDate.daysIn(month: month, year: year)).contains(value) else {
                return nil
            }
            day = value
        }
        self.init(year: year, month: month, day: day)
    }

    /// The ISO-like text form.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        // Four digits, as the parser requires: year 999 is `0999`, which reads back as a date.
        func four(_ value: Int) -> String {
            let digits = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
        var text = year.map(four) ?? "-"
        if let month {
            text += "-" + two(month)
            if let day { text += "-" + two(day) }
        }
        return text
    }

    /// Orders by year, then month, then day; an unknown part sorts before any known one.
    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        func key(_ date: PartialDate) -> (Int, Int, Int) {
            (date.year ?? Int.min, date.month ?? 0, date.day ?? 0)
        }
        return key(lhs) < key(rhs)
    }

    private static func daysIn(month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            guard let year else { return 29 }
            return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
