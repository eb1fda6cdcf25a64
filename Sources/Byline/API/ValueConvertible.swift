// Swift values as Byline values: parameters written as plain Swift (`["y": year]`), and `Value`
// read back as Swift types or through Codable.
import Foundation

/// A Swift value that stands for a Byline ``Value``: what parameters accept
/// (`try session.run("visits where year = $y", parameters: ["y": year])`).
///
/// `Int`, `Double`, `String`, `Bool`, `Date` (its calendar day in UTC), ``PartialDate``,
/// ``Value`` itself, optionals (nil is null) and arrays of these conform.
public protocol ValueConvertible: Sendable {
    /// The value as Byline sees it.
    var bylineValue: Value { get }
}

extension Value: ValueConvertible {
    /// The value itself.
    public var bylineValue: Value { self }
}

extension Int: ValueConvertible {
    /// An integer.
    public var bylineValue: Value { .integer(self) }
}

extension Double: ValueConvertible {
    /// A float.
    public var bylineValue: Value { .float(self) }
}

extension String: ValueConvertible {
    /// A string.
    public var bylineValue: Value { .string(self) }
}

extension Bool: ValueConvertible {
    /// A boolean.
    public var bylineValue: Value { .bool(self) }
}

extension PartialDate: ValueConvertible {
    /// A date.
    public var bylineValue: Value { .date(self) }
}

extension Date: ValueConvertible {
    /// The calendar day (in UTC) the instant falls on, as `register(table:rows:)` stores dates.
    public var bylineValue: Value {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: self)
        return .date(PartialDate(year: parts.year, month: parts.month, day: parts.day))
    }
}

extension Optional: ValueConvertible where Wrapped: ValueConvertible {
    /// The wrapped value, or null.
    public var bylineValue: Value { map(\.bylineValue) ?? .null }
}

extension Array: ValueConvertible where Element: ValueConvertible {
    /// A list of the elements' values.
    public var bylineValue: Value { .list(map(\.bylineValue)) }
}

// MARK: - Reading values as Swift types

extension Value {
    /// The integer, or nil for any other value.
    public var intValue: Int? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The number as a `Double` (an integer converted), or nil for any other value.
    public var doubleValue: Double? {
        switch self {
        case .float(let number): return number
        case .integer(let number): return Double(number)
        default: return nil
        }
    }

    /// The string, or nil for any other value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The boolean, or nil for any other value.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The date, or nil for any other value.
    public var dateValue: PartialDate? {
        if case .date(let date) = self { return date }
        return nil
    }

    /// The elements of a list, or nil for any other value.
    public var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }
}

// MARK: - Codable

/// A value encodes as the plain JSON of its kind: null, a number, a string, a boolean, an array;
/// a date as its text (`"2016-05-01"`), so it decodes back as a string.
extension Value: Codable {
    /// Decodes null, a boolean, an integer, a float, a string or an array of these.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let number = try? container.decode(Double.self) {
            self = .float(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([Value].self) {
            self = .list(items)
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a value is null, a boolean, a number, a string or an array of them"))
        }
    }

    /// Encodes the value as the plain JSON of its kind.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let number): try container.encode(number)
        case .float(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .bool(let flag): try container.encode(flag)
        case .date(let date): try container.encode(date.description)
        case .timestamp(let time): try container.encode(time.description)
        case .list(let items): try container.encode(items)
        }
    }
}

/// Parameters given as Swift values, as the session's own are kept.
func bylineValues(_ parameters: [String: any ValueConvertible]) -> [String: Value] {
    parameters.mapValues(\.bylineValue)
}
