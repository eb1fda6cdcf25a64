// The types a field or expression can have.

/// The type of a field or an expression, known before any row is read.
public indirect enum DataType: Sendable, Hashable, CustomStringConvertible {
    /// A 64-bit signed integer.
    case integer
    /// A 64-bit floating-point number.
    case float
    /// Unicode text.
    case string
    /// True or false.
    case bool
    /// A calendar date that may lack a year, month or day, as the article gives it.
    case date
    /// A date and time to the microsecond, in UTC (see `Timestamp`).
    case timestamp
    /// A list whose elements have the given type.
    case list(DataType)
    /// The type of the literal `null`, which fits anywhere.
    case null

    /// The type's name in `.schema`, `explain` and messages.
    public var description: String {
        switch self {
        case .integer: return "integer"
        case .float: return "float"
        case .string: return "string"
        case .bool: return "bool"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .list(let element): return "list<\(element)>"
        case .null: return "null"
        }
    }

    /// Parses `integer`, `list<string>` and so on, as the dataset file writes types.
    package init?(name: String) {
        switch name {
        case "integer": self = .integer
        case "float": self = .float
        case "string": self = .string
        case "bool": self = .bool
        case "date": self = .date
        case "timestamp": self = .timestamp
        default:
            guard name.hasPrefix("list<"), name.hasSuffix(">"),
                let element = DataType(name: String(name.dropFirst(5).dropLast()))
            else { return nil }
            self = .list(element)
        }
    }

    /// Whether values of this type are numbers.
    package var isNumeric: Bool { self == .integer || self == .float || self == .null }

    /// Whether values of the two types can be compared with `=` and `<`.
    package func isComparable(with other: DataType) -> Bool {
        if self == .null || other == .null { return true }
        if isNumeric && other.isNumeric { return true }
        if case .list(let a) = self, case .list(let b) = other { return a.isComparable(with: b) }
        return self == other
    }

    /// The common type of two branches (for lists of literals): nil when they do not mix.
    package func unified(with other: DataType) -> DataType? {
        if self == other { return self }
        if self == .null { return other }
        if other == .null { return self }
        if isNumeric && other.isNumeric { return .float }
        if case .list(let a) = self, case .list(let b) = other { return a.unified(with: b).map(DataType.list) }
        return nil
    }
}

extension DataType {
    /// Whether this is a list type.
    package var isList: Bool {
        if case .list = self { return true }
        return false
    }
}

extension Int {
    /// The product, or the largest integer when it would overflow.
    package func saturatingTimes(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? Int.max : product
    }
}
