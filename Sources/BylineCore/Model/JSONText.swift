// JSON as a value and as text: what the JSON loader reads, the JSON formats write, and the
// database schema records and list columns hold. Below every stage, so each uses it alike.

/// A parsed JSON value. Objects keep their keys in source order.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The member of an object with the given key.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// Values and parsed JSON written as compact JSON text.
package enum JSONText {
    /// A value as JSON text.
    package static func encode(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .integer(let number): return String(number)
        case .float(let number): return number.isFinite ? Value.format(number) : "null"
        case .string(let text): return quote(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .date(let date): return quote(date.description)
        case .timestamp(let timestamp): return quote(timestamp.description)
        case .list(let values): return "[" + values.map { encode($0) }.joined(separator: ",") + "]"
        }
    }

    /// A parsed JSON value written back as compact JSON text.
    package static func encode(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .float(let number): return Value.format(number)
        case .string(let text): return quote(text)
        case .array(let elements): return "[" + elements.map { encode($0) }.joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { quote($0.key) + ":" + encode($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal.
    package static func quote(_ text: String) -> String {
        TextEscaping.backslashQuoted(text) { code in
            let hex = String(code, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
