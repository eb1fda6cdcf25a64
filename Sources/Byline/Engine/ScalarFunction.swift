// Built-in scalar functions: their names, argument counts, type rules and what they compute.

/// A built-in function applied to each row's values.
enum ScalarFunction: String, Sendable, CaseIterable {
    case lower, upper, length, trim, substr, coalesce, abs, round, year, month, day
    case contains, startsWith = "starts_with", endsWith = "ends_with"
    /// `=~`: equality ignoring case (an operator, not callable by name).
    case equalIgnoringCase = "=~"
    /// An integer as a float, where a float is expected (`coalesce(f, i)` is a float); not callable.
    case widenToFloat = "float"

    /// Functions callable by name.
    static let callable: [String: ScalarFunction] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .equalIgnoringCase && $0 != .widenToFloat }.map { ($0.rawValue, $0) })

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .substr: return 2...3
        case .round: return 1...2
        case .coalesce: return 1...64
        case .contains, .startsWith, .endsWith, .equalIgnoringCase: return 2...2
        default: return 1...1
        }
    }

    /// How the function is written in help text.
    var signature: String {
        switch self {
        case .lower, .upper, .trim: return "\(rawValue)(string)"
        case .length: return "length(string or list)"
        case .substr: return "substr(string, start[, length])"
        case .coalesce: return "coalesce(value, ...)"
        case .abs: return "abs(number)"
        case .round: return "round(number[, digits])"
        case .year, .month, .day: return "\(rawValue)(date)"
        case .contains, .startsWith, .endsWith: return "\(rawValue)(string, string)"
        case .equalIgnoringCase: return "string =~ string"
        case .widenToFloat: return "float(number)"
        }
    }

    /// The result type for the given argument types, or the position and reason of the first misfit.
    func resultType(for types: [DataType]) -> Result<DataType, ArgumentMismatch> {
        func require(_ index: Int, _ allowed: (DataType) -> Bool, _ expected: String) -> ArgumentMismatch? {
            allowed(types[index]) || types[index] == .null ? nil : ArgumentMismatch(index: index, expected: expected)
        }
        let isString: (DataType) -> Bool = { $0 == .string }
        switch self {
        case .lower, .upper, .trim:
            if let misfit = require(0, isString, "a string") { return .failure(misfit) }
            return .success(.string)
        case .length:
            if let misfit = require(0, { $0 == .string || $0.isList }, "a string or a list") { return .failure(misfit) }
            return .success(.integer)
        case .substr:
            if let misfit = require(0, isString, "a string") { return .failure(misfit) }
            for index in 1..<types.count {
                if let misfit = require(index, { $0 == .integer }, "an integer") { return .failure(misfit) }
            }
            return .success(.string)
        case .coalesce:
            var result = DataType.null
            for (index, type) in types.enumerated() {
                guard let unified = result.unified(with: type) else {
                    return .failure(ArgumentMismatch(index: index, expected: "\(result), like the arguments before it"))
                }
                result = unified
            }
            return .success(result)
        case .abs:
            if let misfit = require(0, { $0.isNumeric }, "a number") { return .failure(misfit) }
            return .success(types[0] == .null ? .integer : types[0])
        case .round:
            if let misfit = require(0, { $0.isNumeric }, "a number") { return .failure(misfit) }
            if types.count == 2, let misfit = require(1, { $0 == .integer }, "an integer") { return .failure(misfit) }
            return .success(types[0] == .integer && types.count == 1 ? .integer : .float)
        case .year, .month, .day:
            if let misfit = require(0, { $0 == .date }, "a date") { return .failure(misfit) }
            return .success(.integer)
        case .widenToFloat:
            return .success(.float)
        case .contains, .startsWith, .endsWith, .equalIgnoringCase:
            for index in 0..<2 {
                if let misfit = require(index, isString, "a string") { return .failure(misfit) }
            }
            return .success(.bool)
        }
    }

    /// Which argument did not fit, and what was expected there.
    struct ArgumentMismatch: Error {
        var index: Int
        var expected: String
    }

    /// Whether the function is a test (true or false); a test with a null operand is false, like
    /// every comparison, rather than null.
    var isTest: Bool {
        switch self {
        case .contains, .startsWith, .endsWith, .equalIgnoringCase: return true
        default: return false
        }
    }

    /// Applies the function to one row's arguments. Null in, null out, except `coalesce` (the first
    /// value that is not null) and the tests (false). Throws where the answer is out of range.
    func apply(_ arguments: [Value]) throws(EvaluationError) -> Value {
        if self == .coalesce { return arguments.first { !$0.isNull } ?? .null }
        if arguments.contains(where: \.isNull) { return isTest ? .bool(false) : .null }
        switch (self, arguments[0]) {
        case (.lower, .string(let text)): return .string(text.lowercased())
        case (.upper, .string(let text)): return .string(text.uppercased())
        case (.trim, .string(let text)): return .string(ScalarFunction.trimmed(text))
        case (.length, .string(let text)): return .integer(text.unicodeScalars.count)
        case (.length, .list(let values)): return .integer(values.count)
        case (.substr, .string(let text)):
            guard case .integer(let start) = arguments[1] else { return .null }
            var length: Int?
            if arguments.count == 3, case .integer(let given) = arguments[2] { length = given }
            return .string(ScalarFunction.substring(text, start: start, length: length))
        case (.abs, .integer(let number)):
            guard number != Int.min else {
                throw EvaluationError.integerOverflowInAbs(number)
            }
            return .integer(Swift.abs(number))
        case (.abs, .float(let number)): return .float(Swift.abs(number))
        case (.widenToFloat, .integer(let number)): return .float(Double(number))
        case (.widenToFloat, .float): return arguments[0]
        case (.round, let number):
            if case .integer = number, arguments.count == 1 { return number }
            guard let value = number.asDouble else { return .null }
            var digits = 0
            if arguments.count == 2, case .integer(let places) = arguments[1] { digits = places }
            return .float(ScalarFunction.rounded(value, digits: digits))
        case (.year, .date(let date)): return date.year.map(Value.integer) ?? .null
        case (.month, .date(let date)): return date.month.map(Value.integer) ?? .null
        case (.day, .date(let date)): return date.day.map(Value.integer) ?? .null
        case (.contains, .string(let text)):
            guard case .string(let part) = arguments[1] else { return .bool(false) }
            return .bool(text.containsIgnoringCase(part))
        case (.startsWith, .string(let text)):
            guard case .string(let prefix) = arguments[1] else { return .bool(false) }
            return .bool(ExactText.hasPrefix(text, prefix))
        case (.endsWith, .string(let text)):
            guard case .string(let suffix) = arguments[1] else { return .bool(false) }
            return .bool(ExactText.hasSuffix(text, suffix))
        case (.equalIgnoringCase, .string(let text)):
            guard case .string(let other) = arguments[1] else { return .bool(false) }
            return .bool(ExactText.equalIgnoringCase(text, other))
        default:
            return .null
        }
    }

    /// `substr`: the scalars at 1-based positions `start ..< start + length` that exist, as SQL's
    /// SUBSTRING defines it (a start before 1 still counts toward the length). Never traps: the
    /// end is computed with saturating arithmetic.
    static func substring(_ text: String, start: Int, length: Int?) -> String {
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
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `round(x, digits)`: half away from zero at the given decimal place. A value too large to
    /// have a fraction, or a scale that would overflow, leaves the value as it is; digits past 30
    /// are taken as 30, as SQLite does.
    static func rounded(_ value: Double, digits: Int) -> Double {
        guard value.isFinite else { return value }
        let places = Swift.max(-30, Swift.min(30, digits))
        if places >= 0 && Swift.abs(value) >= 4_503_599_627_370_496 { return value }  // 2^52: already whole
        var scale = 1.0
        for _ in 0..<Swift.abs(places) { scale *= 10 }
        let result = places >= 0 ? (value * scale).rounded() / scale : (value / scale).rounded() * scale
        return result.isFinite ? result : value
    }
}

/// A value a function or operator cannot compute (an overflow, a bad argument).
struct EvaluationError: Error, Sendable {
    var message: String
    var help: String?

    init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }
}


extension AggregateCall.Kind {
    /// Aggregate functions by name.
    static func named(_ name: String) -> AggregateCall.Kind? {
        switch name.lowercased() {
        case "count": return .count
        case "sum": return .sum
        case "avg": return .avg
        case "min": return .min
        case "max": return .max
        case "list": return .list
        default: return nil
        }
    }
}

/// The names of the built-in functions, for completion and help: one list, from the enums.
public enum BuiltinFunctions {
    /// Scalar functions callable by name, sorted.
    public static let scalar: [String] = ScalarFunction.callable.keys.sorted()
    /// Aggregates, in the order the language documents them.
    public static let aggregates = ["count", "sum", "avg", "min", "max", "list"]
}
