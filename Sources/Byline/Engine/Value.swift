// One value of any type: what results hand out a cell at a time.

/// A single value. Tables store columns of unboxed values; `Value` is for results and literals.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case date(PartialDate)
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
        case .list(let values): return "[" + values.map(\.literal).joined(separator: ", ") + "]"
        }
    }

    /// The value written as a Byline literal (strings quoted and escaped).
    public var literal: String {
        switch self {
        case .string(let value): return Value.quote(value)
        case .date(let value): return Value.quote(value.description)
        default: return description
        }
    }

    /// The shortest text that reads back as the same double.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value)) + ".0"
        }
        return "\(value)"
    }

    /// A double-quoted string literal with escapes.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: - Comparison

    /// Three-way comparison for values of comparable types; nil when either is null or they don't compare.
    static func compare(_ lhs: Value, _ rhs: Value) -> Int? {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.float(let a), .float(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.integer(let a), .float(let b)): return compareMixed(a, b)
        case (.float(let a), .integer(let b)): return compareMixed(b, a).map { -$0 }
        case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (!a ? -1 : 1)
        case (.date(let a), .date(let b)): return a < b ? -1 : (a == b ? 0 : 1)
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
        let converted = Double(a)
        return converted < b ? -1 : (converted == b ? 0 : 1)
    }
}
