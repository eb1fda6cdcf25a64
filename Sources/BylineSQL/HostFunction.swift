// Byline's own functions, for engines that can call back into the program (SQLite): where the
// engine's operators mean something else (integer overflow turning into a float, ASCII-only case
// mapping, no regular expressions), the generated SQL calls these instead, so the answer is Byline's.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// A function a database connection registers so generated SQL can call it.
package struct HostFunction: Sendable {
    /// The name SQL calls it by (`byline_add`).
    public let name: String
    /// How many arguments it takes.
    public let arity: Int
    /// Whether the same arguments always give the same answer (all of them do).
    public let isDeterministic = true
    package let body: @Sendable ([Value]) throws(EvaluationError) -> Value

    /// Applies the function; the error's text is what the engine reports.
    public func apply(_ arguments: [Value]) -> Result<Value, DatabaseError> {
        do {
            return .success(try body(arguments))
        } catch {
            return .failure(DatabaseError(error.message, help: error.help, kind: error.isIntegerOverflow ? .integerOverflow : .failed))
        }
    }

    /// The functions the SQLite dialect calls.
    public static let sqlite: [HostFunction] = {
        var functions: [HostFunction] = []
        let operators: [(String, BinaryOperator)] = [
            ("add", .add), ("subtract", .subtract), ("multiply", .multiply), ("divide", .divide), ("remainder", .remainder),
        ]
        for (name, op) in operators {
            functions.append(
                HostFunction(name: "byline_" + name, arity: 2) { (arguments) throws(EvaluationError) in
                    var type: DataType = .float
                    if op != .divide, case .integer = arguments[0], case .integer = arguments[1] { type = .integer }
                    return try Arithmetic.apply(op, arguments[0], arguments[1], type: type)
                })
        }
        functions.append(HostFunction(name: "byline_negate", arity: 1) { (arguments) throws(EvaluationError) in try Arithmetic.negate(arguments[0]) })
        // Every function, for SQLite spellings that call Byline's own (see ScalarFunction.SQLSpelling);
        // dates and timestamps arrive as their text. Those of any number of arguments (coalesce, concat) are
        // spelled in SQLite's own SQL.
        for function in ScalarFunction.all where function.parameters.last?.repeats != true {
            // A parameter that takes a date or a timestamp gets only dates here: SQLite spells
            // those functions on a timestamp without calling Byline (see timestampPart).
            let dates = Set(function.parameters.indices.filter { [.date, .dateOrTimestamp].contains(function.parameters[$0].kind) })
            let timestamps = Set(function.parameters.indices.filter { function.parameters[$0].kind == .timestamp })
            for arity in function.arity {
                functions.append(
                    HostFunction(name: "byline_" + function.key, arity: arity) { (arguments) throws(EvaluationError) in
                        var values = arguments
                        for index in dates where index < values.count {
                            if case .string(let text) = values[index] { values[index] = PartialDate(text).map(Value.date) ?? .null }
                        }
                        for index in timestamps where index < values.count {
                            if case .string(let text) = values[index] { values[index] = Timestamp(text).map(Value.timestamp) ?? .null }
                        }
                        return try function.apply(values)
                    })
            }
        }
        // A float as the JSON number of its shortest digits, for `list()` of floats: SQLite's own
        // JSON writes 15 digits (0.30000000000000004 would read back as 0.3).
        functions.append(
            HostFunction(name: "byline_json_float", arity: 1) { (arguments) throws(EvaluationError) in
                guard case .float(let number) = arguments[0] else { return arguments[0] }
                return .string(number.isFinite ? "\(number)" : number > 0 ? "9e999" : "-9e999")
            })
        functions.append(
            HostFunction(name: "byline_matches", arity: 2) { (arguments) throws(EvaluationError) in
                guard case .string(let text) = arguments[0], case .string(let source) = arguments[1] else { return .bool(false) }
                guard let pattern = try? Pattern(source) else { throw EvaluationError.invalidPattern(Value.quote(source)) }
                return .bool(pattern.matches(text, shouldStop: { false }))
            })
        return functions
    }()
}
