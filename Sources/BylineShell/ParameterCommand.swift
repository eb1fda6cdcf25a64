// `.param set NAME VALUE`, `.param unset NAME`, `.param list`, `.param clear`: read once here, for
// the shell that runs them and for checking the lines after them (DotCommands.checkTimeEffect).
import Byline

/// What a `.param` command asks for.
public enum ParameterCommand: Equatable, Sendable {
    case set(String, Value)
    case unset(String)
    case list
    case clear

    /// Reads the words after `.param`; nil when they are not one of the four forms. VALUE is read
    /// as JSON (5, true, "text", [1, 2]) or else taken as text, without surrounding quotes.
    public init?(_ argument: String) {
        let words = argument.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        func name(_ word: String) -> String { word.hasPrefix("$") ? String(word.dropFirst()) : word }
        switch words.first?.lowercased() ?? "list" {
        case "set" where words.count == 3:
            var text = words[2]
            if let value = Value(json: text) {
                self = .set(name(words[1]), value)
                return
            }
            if text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first {
                text = String(text.dropFirst().dropLast())
            }
            self = .set(name(words[1]), .string(text))
        case "unset" where words.count == 2: self = .unset(name(words[1]))
        case "clear" where words.count == 1: self = .clear
        case "list" where words.count <= 1: self = .list
        default: return nil
        }
    }

    /// The parameters after the command (`list` leaves them as they are).
    public func applied(to parameters: [String: Value]) -> [String: Value] {
        var result = parameters
        switch self {
        case .set(let name, let value): result[name] = value
        case .unset(let name): result[name] = nil
        case .clear: result = [:]
        case .list: break
        }
        return result
    }
}
