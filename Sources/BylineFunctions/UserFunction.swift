// Functions a host program adds to the language, with their types, so queries using them are
// checked like any other.

import BylineCore
import BylineStorage
import BylineSyntax

/// A scalar function registered by the host with `Session.register(_:replacing:)`.
public final class UserFunction: Sendable, Equatable, CustomStringConvertible {
    /// Functions are the same only when they are the same registration.
    public static func == (lhs: UserFunction, rhs: UserFunction) -> Bool { lhs === rhs }

    /// The name queries call it by (case-insensitive).
    public let name: String
    /// The type of each argument, in order (an integer is accepted where a float is expected).
    public let argumentTypes: [DataType]
    /// The type of the result.
    public let returnType: DataType
    private let body: @Sendable ([Value]) throws -> Value

    /// Creates a function. `body` receives one value per argument (any of them may be null) and
    /// returns null or a value of `returnType`. A value of another type, or an error `body`
    /// throws, stops the query with an error that names the function.
    public init(
        name: String, arguments: [DataType], returns: DataType, body: @escaping @Sendable ([Value]) throws -> Value
    ) {
        self.name = name
        self.argumentTypes = arguments
        self.returnType = returns
        self.body = body
    }

    /// `name(type, ...) -> type`.
    public var signature: String {
        "\(name)(\(argumentTypes.map(\.description).joined(separator: ", "))) -> \(returnType)"
    }

    /// The function's ``signature``.
    public var description: String { signature }

    /// Calls the body; what it throws, or a result of the wrong type, is an error of the query.
    package func call(_ arguments: [Value]) throws(EvaluationError) -> Value {
        let converted = zip(arguments, argumentTypes).map { value, type -> Value in
            if type == .float, case .integer(let number) = value { return .float(Double(number)) }
            return value
        }
        let result: Value
        do {
            result = try body(converted)
        } catch {
            throw .userFunctionFailed(name, reason: "\(error)")
        }
        guard result.fits(returnType) else {
            throw .userFunctionReturned(name, result, declared: returnType)
        }
        // An integer where a float is declared is the same number.
        if returnType == .float, case .integer(let number) = result { return .float(Double(number)) }
        return result
    }
}

extension Value {
    /// Whether the value is null or of the given type.
    package func fits(_ type: DataType) -> Bool {
        switch (self, type) {
        case (.null, _), (.integer, .integer), (.float, .float), (.integer, .float), (.string, .string), (.bool, .bool), (.date, .date):
            return true
        case (.list(let values), .list(let element)):
            return values.allSatisfy { $0.fits(element) }
        default:
            return false
        }
    }
}
