// One value of any type: what results hand out a cell at a time.

/// A single value. Tables store columns of unboxed values; `Value` is for results and literals.
///
/// Equality is Byline's one rule for `=`, `in`, `distinct`, `group by` and joins: numbers are equal
/// when they are the same number (an integer and a float compare exactly, never by rounding the
/// integer to a float), strings when they are the same sequence of Unicode scalars (no
/// normalisation: "é" written as one scalar differs from "e" with a combining accent, as in SQL
/// engines), and `null` equals only `null` here (grouping keeps nulls together; the `=` operator
/// itself is false for null, see `compare`).
public enum Value: Sendable, Hashable, CustomStringConvertible {
    /// No value.
    case null
    /// A 64-bit signed integer.
    case integer(Int)
    /// A 64-bit floating-point number.
    case float(Double)
    /// Unicode text.
    case string(String)
    /// True or false.
    case bool(Bool)
    /// A calendar date that may lack a year, month or day.
    case date(PartialDate)
    /// An instant to the microsecond, in UTC.
    case timestamp(Timestamp)
    /// A list of values.
    case list([Value])

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as text, the way the table format shows it (strings unquoted).
    public var description: String {
        switch self {
        case .null: return "null"
        case .integer(let value): return String(value)
        case .float(let value): return Value.format(value)
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .date(let value): return value.description
        case .timestamp(let value): return value.description
        case .list(let values): return "[" + values.map(\.literal).joined(separator: ", ") + "]"
        }
    }

    /// The value written as a Byline literal (strings quoted and escaped).
    public var literal: String {
        switch self {
        case .string(let value): return Value.quote(value)
        case .date(let value): return Value.quote(value.description)
        case .timestamp(let value): return Value.quote(value.description)
        default: return description
        }
    }

    /// The shortest text that reads back as the same double.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value)) + ".0"
        }
        return "\(value)"
    }

    /// A double-quoted string literal with escapes.
    package static func quote(_ text: String) -> String {
        TextEscaping.backslashQuoted(text) { code in "\\u{\(String(code, radix: 16))}" }
    }

    // MARK: - Equality

    /// Whether two values are the same as `=` in a query sees it (an integer equals the float of the same number).
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.integer(let a), .integer(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.integer(let a), .float(let b)), (.float(let b), .integer(let a)): return compareExactly(a, b) == 0
        case (.string(let a), .string(let b)): return ExactText.equal(a, b)
        case (.bool(let a), .bool(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        default: return false
        }
    }

    /// Hashes the value so that values `==` calls equal hash alike.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .integer(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .float(let value):
            // A float that is a whole number in integer range hashes as that integer, since they are equal.
            if let whole = Int(exactly: value) {
                hasher.combine(1 as UInt8)
                hasher.combine(whole)
            } else {
                hasher.combine(2 as UInt8)
                hasher.combine(value.isNaN ? .nan : value)
            }
        case .string(let value):
            hasher.combine(3 as UInt8)
            ExactText.hash(value, into: &hasher)
        case .bool(let value):
            hasher.combine(4 as UInt8)
            hasher.combine(value)
        case .date(let value):
            hasher.combine(5 as UInt8)
            hasher.combine(value)
        case .timestamp(let value):
            hasher.combine(7 as UInt8)
            hasher.combine(value)
        case .list(let values):
            hasher.combine(6 as UInt8)
            hasher.combine(values.count)
            for value in values { hasher.combine(value) }
        }
    }

    // MARK: - Comparison

    /// Three-way comparison for values of comparable types; nil when either is null or they don't compare.
    package static func compare(_ lhs: Value, _ rhs: Value) -> Int? {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.float(let a), .float(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.integer(let a), .float(let b)): return compareMixed(a, b)
        case (.float(let a), .integer(let b)): return compareMixed(b, a).map { -$0 }
        case (.string(let a), .string(let b)): return ExactText.compare(a, b)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (!a ? -1 : 1)
        case (.date(let a), .date(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.timestamp(let a), .timestamp(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.list(let a), .list(let b)):
            for (x, y) in zip(a, b) {
                guard let order = compare(x, y) else { return nil }
                if order != 0 { return order }
            }
            return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
        default: return nil
        }
    }

    private static func compareMixed(_ a: Int, _ b: Double) -> Int? {
        if b.isNaN { return nil }
        return compareExactly(a, b)
    }

    /// Compares an integer with a (non-NaN) float by their exact values, as SQLite does: converting
    /// the integer to a float would make 2^53 + 1 equal 2^53.
    package static func compareExactly(_ a: Int, _ b: Double) -> Int {
        if b.isNaN { return 1 }
        if b >= 9_223_372_036_854_775_808.0 { return -1 }
        if b < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = b.rounded(.towardZero)
        let integer = Int(whole)  // in range: checked above
        if a != integer { return a < integer ? -1 : 1 }
        let fraction = b - whole
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }
}

// Values written as Swift literals, for parameters and tests: `["c": "Congo", "y": 2000]`.
extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    /// A string value: `"Congo"`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer value: `2016`.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A float value: `2.5`.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A bool value: `true`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Null: `nil`.
    public init(nilLiteral: ()) { self = .null }
    /// A list value: `[1, 2]`.
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
}

extension Value {
    /// The type of a value (a list's by its first element's; null's is `.null`).
    package var dataType: DataType {
        switch self {
        case .null: return .null
        case .integer: return .integer
        case .float: return .float
        case .string: return .string
        case .bool: return .bool
        case .date: return .date
        case .timestamp: return .timestamp
        case .list(let items): return .list(items.first?.dataType ?? .null)
        }
    }
}

extension Value {
    /// The value as a double, for numbers.
    package var asDouble: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }
}
