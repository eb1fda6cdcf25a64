// Built-in scalar functions: their names, argument counts, type rules and what they compute.

/// A built-in function applied to each row's values.
enum ScalarFunction: String, Sendable, CaseIterable {
    case lower, upper, length, trim, substr, coalesce, abs, round, year, month, day
    case contains, startsWith = "starts_with", endsWith = "ends_with"
    /// `=~`: equality ignoring case (an operator, not callable by name).
    case equalIgnoringCase = "=~"

    /// Functions callable by name.
    static let callable: [String: ScalarFunction] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .equalIgnoringCase }.map { ($0.rawValue, $0) })

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

    /// Applies the function to one row's arguments. Null in, null out (except `coalesce`).
    func apply(_ arguments: [Value]) -> Value {
        if self == .coalesce { return arguments.first { !$0.isNull } ?? .null }
        if arguments.contains(where: \.isNull) { return self == .equalIgnoringCase ? .bool(false) : .null }
        switch (self, arguments[0]) {
        case (.lower, .string(let text)): return .string(text.lowercased())
        case (.upper, .string(let text)): return .string(text.uppercased())
        case (.trim, .string(let text)):
            return .string(String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()))
        case (.length, .string(let text)): return .integer(text.count)
        case (.length, .list(let values)): return .integer(values.count)
        case (.substr, .string(let text)):
            guard case .integer(let start) = arguments[1] else { return .null }
            let characters = Array(text)
            let first = max(0, start - 1)
            var last = characters.count
            if arguments.count == 3, case .integer(let length) = arguments[2] {
                last = min(characters.count, first + max(0, length))
            }
            return first >= last ? .string("") : .string(String(characters[first..<last]))
        case (.abs, .integer(let number)):
            return number == Int.min ? .null : .integer(Swift.abs(number))
        case (.abs, .float(let number)): return .float(Swift.abs(number))
        case (.round, let number):
            guard let value = number.asDouble else { return .null }
            var digits = 0
            if arguments.count == 2, case .integer(let places) = arguments[1] { digits = Swift.max(-15, Swift.min(15, places)) }
            if case .integer = number, arguments.count == 1 { return number }
            var scale = 1.0
            for _ in 0..<Swift.abs(digits) { scale *= 10 }
            let rounded = digits >= 0 ? (value * scale).rounded() / scale : (value / scale).rounded() * scale
            return .float(rounded)
        case (.year, .date(let date)): return date.year.map(Value.integer) ?? .null
        case (.month, .date(let date)): return date.month.map(Value.integer) ?? .null
        case (.day, .date(let date)): return date.day.map(Value.integer) ?? .null
        case (.contains, .string(let text)):
            guard case .string(let part) = arguments[1] else { return .null }
            return .bool(text.containsIgnoringCase(part))
        case (.startsWith, .string(let text)):
            guard case .string(let prefix) = arguments[1] else { return .null }
            return .bool(text.hasPrefix(prefix))
        case (.endsWith, .string(let text)):
            guard case .string(let suffix) = arguments[1] else { return .null }
            return .bool(text.hasSuffix(suffix))
        case (.equalIgnoringCase, .string(let text)):
            guard case .string(let other) = arguments[1] else { return .bool(false) }
            return .bool(text.lowercased() == other.lowercased())
        default:
            return .null
        }
    }
}

extension String {
    /// Case-insensitive substring test; every string contains the empty string. (Foundation's
    /// `contains`, visible once any file imports it, says no for an empty needle.)
    func containsIgnoringCase(_ part: String) -> Bool {
        part.isEmpty || lowercased().firstRange(of: part.lowercased()) != nil
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
