// Functions a host program adds to the language, with their types, so queries using them are
// checked like any other.

/// A scalar function registered by the host with `Session.register(function:)`.
public final class UserFunction: Sendable, Equatable, CustomStringConvertible {
    /// Functions are the same only when they are the same registration.
    public static func == (lhs: UserFunction, rhs: UserFunction) -> Bool { lhs === rhs }

    /// The name queries call it by (case-insensitive).
    public let name: String
    /// The type of each argument, in order (an integer is accepted where a float is expected).
    public let argumentTypes: [DataType]
    /// The type of the result.
    public let returnType: DataType
    private let body: @Sendable ([Value]) -> Value

    /// Creates a function. `body` receives one value per argument (any of them may be null) and
    /// must return null or a value of `returnType`; anything else is stored as null.
    public init(
        name: String, arguments: [DataType], returns: DataType, body: @escaping @Sendable ([Value]) -> Value
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

    public var description: String { signature }

    func call(_ arguments: [Value]) -> Value {
        let converted = zip(arguments, argumentTypes).map { value, type -> Value in
            if type == .float, case .integer(let number) = value { return .float(Double(number)) }
            return value
        }
        let result = body(converted)
        return result.fits(returnType) ? result : .null
    }
}

extension Value {
    /// Whether the value is null or of the given type.
    func fits(_ type: DataType) -> Bool {
        switch (self, type) {
        case (.null, _), (.integer, .integer), (.float, .float), (.string, .string), (.bool, .bool), (.date, .date):
            return true
        case (.list(let values), .list(let element)):
            return values.allSatisfy { $0.fits(element) }
        default:
            return false
        }
    }
}
