// What a built-in scalar function is: one declaration holding its name, parameters, result type,
// how a row computes it, how each SQL dialect spells it, and its help. The declarations
// themselves are in ScalarFunction+Catalogue.swift; the binder, the engine, the SQL generator,
// the SQLite host functions and the shell's completion and help all read them from there.

import BylineCore
import BylineStorage
import BylineSyntax

/// A built-in function applied to each row's values, declared once.
package struct ScalarFunction: Sendable {
    /// How the function is called (`lower`), or the operator it stands for (`=~`).
    package let name: String
    /// A unique identifier: the name, or a word for an operator (`equal_ignoring_case`); the SQLite
    /// host function is `byline_` + key.
    package let key: String
    /// The parameters in order; the last one may repeat, later ones may be optional.
    package let parameters: [Parameter]
    /// Whether the function can be called by name (an operator's function cannot).
    package let isCallable: Bool
    /// What the function does, in a line, for help.
    package let summary: String
    /// A query that uses it, for help (checked by a test).
    package let example: String
    /// How nulls among the arguments are treated.
    package let nulls: NullRule
    /// The result type for argument types that fit the parameters (after they were checked).
    package let result: @Sendable ([DataType]) -> Result<DataType, ArgumentMismatch>
    /// The value for one row's arguments (none null, unless `nulls` is `.handledByFunction`).
    package let evaluate: @Sendable ([Value]) throws(EvaluationError) -> Value
    /// How PostgreSQL spells it.
    package let postgresql: SQLSpelling
    /// How SQLite spells it.
    package let sqlite: SQLSpelling
    /// How Spark SQL spells it (ANSI mode).
    package let spark: SQLSpelling

    package init(
        _ name: String, key: String? = nil, _ parameters: [Parameter], callable: Bool = true, nulls: NullRule = .nullInNullOut,
        summary: String, example: String = "",
        result: @escaping @Sendable ([DataType]) -> Result<DataType, ArgumentMismatch>,
        postgresql: SQLSpelling, sqlite: SQLSpelling = .hostFunction,
        spark: SQLSpelling = .unsupported("cannot yet compute it exactly as Byline does"),
        evaluate: @escaping @Sendable ([Value]) throws(EvaluationError) -> Value
    ) {
        self.name = name
        self.key = key ?? name
        self.parameters = parameters
        self.isCallable = callable
        self.nulls = nulls
        self.summary = summary
        self.example = example
        self.result = result
        self.evaluate = evaluate
        self.postgresql = postgresql
        self.sqlite = sqlite
        self.spark = spark
    }

    /// A result of one type, whatever the arguments.
    package static func always(_ type: DataType) -> @Sendable ([DataType]) -> Result<DataType, ArgumentMismatch> {
        { _ in .success(type) }
    }

    /// The first argument's type (an integer for a null literal): `abs`, `floor`.
    package static let sameAsFirst: @Sendable ([DataType]) -> Result<DataType, ArgumentMismatch> = { types in
        .success(types[0] == .null ? .integer : types[0])
    }

    // MARK: - Parameters

    /// What an argument may be.
    package enum ArgumentKind: Sendable {
        case string, integer, number, bool, date, timestamp, stringOrList
        /// A date or a timestamp (`year`, `month`, `day`).
        case dateOrTimestamp
        /// A string, number, bool, date or timestamp (not a list).
        case scalar
        /// A value of any type.
        case any
        /// A string, number or bool (what converts to a number).
        case convertible
        /// A string, a date or a timestamp (what converts to a date or a timestamp).
        case stringOrDate

        package func accepts(_ type: DataType) -> Bool {
            switch self {
            case .string: return type == .string
            case .integer: return type == .integer
            case .number: return type.isNumeric
            case .bool: return type == .bool
            case .date: return type == .date
            case .timestamp: return type == .timestamp
            case .dateOrTimestamp: return type == .date || type == .timestamp
            case .stringOrList: return type == .string || type.isList
            case .scalar: return !type.isList
            case .any: return true
            case .convertible: return type == .string || type == .bool || type.isNumeric
            case .stringOrDate: return type == .string || type == .date || type == .timestamp
            }
        }

        /// How the kind is named in "must be …".
        package var expected: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .number: return "a number"
            case .bool: return "a bool"
            case .date: return "a date"
            case .timestamp: return "a timestamp"
            case .dateOrTimestamp: return "a date or a timestamp"
            case .stringOrList: return "a string or a list"
            case .scalar: return "a string, number, bool, date or timestamp"
            case .any: return "a value"
            case .convertible: return "a string, number or bool"
            case .stringOrDate: return "a string, a date or a timestamp"
            }
        }
    }

    /// A parameter: its name in the signature, what it accepts, and whether it may be left out
    /// or repeated.
    package struct Parameter: Sendable {
        package var name: String
        package var kind: ArgumentKind
        package var isOptional = false
        package var repeats = false

        package static func required(_ name: String, _ kind: ArgumentKind) -> Parameter { Parameter(name: name, kind: kind) }
        package static func optional(_ name: String, _ kind: ArgumentKind) -> Parameter { Parameter(name: name, kind: kind, isOptional: true) }
        /// One or more values (at most 64).
        package static func repeated(_ name: String, _ kind: ArgumentKind) -> Parameter { Parameter(name: name, kind: kind, repeats: true) }
    }

    /// How a function treats null arguments.
    package enum NullRule: Sendable, Equatable {
        /// Any null argument makes the result null.
        case nullInNullOut
        /// A test: any null argument makes it false, like every comparison.
        case falseForNull
        /// The function looks at nulls itself (`coalesce`, `concat`).
        case handledByFunction
    }

    /// Which argument did not fit, and what was expected there.
    package struct ArgumentMismatch: Error {
        package var index: Int
        package var expected: String
    }

    /// How many arguments the function takes.
    package var arity: ClosedRange<Int> {
        let least = parameters.filter { !$0.isOptional }.count
        return least...(parameters.last?.repeats == true ? 64 : parameters.count)
    }

    /// How the function is written in help text: `substr(string, start[, length])`.
    package var signature: String {
        if !isCallable, parameters.count == 2 { return "\(parameters[0].name) \(name) \(parameters[1].name)" }
        var text = ""
        for (index, parameter) in parameters.enumerated() {
            let separator = index == 0 ? "" : ", "
            if parameter.isOptional {
                text += "[\(separator)\(parameter.name)]"
            } else {
                text += separator + parameter.name + (parameter.repeats ? ", ..." : "")
            }
        }
        return "\(name)(\(text))"
    }

    /// Whether the function is a test (true or false, never null).
    package var isTest: Bool { nulls == .falseForNull }

    /// The parameter an argument at `index` is given for (the last one repeats).
    package func parameter(at index: Int) -> Parameter? {
        if parameters.indices.contains(index) { return parameters[index] }
        return parameters.last?.repeats == true ? parameters.last : nil
    }

    /// The result type for the given argument types, or the position and reason of the first misfit.
    package func resultType(for types: [DataType]) -> Result<DataType, ArgumentMismatch> {
        for (index, type) in types.enumerated() where type != .null {
            guard let parameter = parameter(at: index) else { continue }
            if !parameter.kind.accepts(type) { return .failure(ArgumentMismatch(index: index, expected: parameter.kind.expected)) }
        }
        return result(types)
    }

    /// Applies the function to one row's arguments. Null in, null out, except where the function
    /// handles nulls itself, and the tests (false). Throws where the answer is out of range.
    package func apply(_ arguments: [Value]) throws(EvaluationError) -> Value {
        if nulls != .handledByFunction, arguments.contains(where: \.isNull) { return nulls == .falseForNull ? .bool(false) : .null }
        return try evaluate(arguments)
    }

    // MARK: - SQL

    /// How a dialect writes a call.
    package enum SQLSpelling: Sendable {
        /// Byline's own `evaluate`, registered on the connection as `byline_` + key (SQLite only).
        case hostFunction
        /// SQL text made from the arguments' SQL.
        case text(@Sendable (inout SQLCall) throws(SQLUnsupported) -> String)
        /// The dialect cannot compute it as Byline does: the query runs only in Byline's own engine.
        case unsupported(String)
    }

    /// The SQL a dialect writes for a call of this function.
    package func sql(_ call: inout SQLCall) throws(SQLUnsupported) -> String {
        let spelling: SQLSpelling
        switch call.dialect {
        case .postgresql: spelling = postgresql
        case .sqlite: spelling = sqlite
        case .spark: spelling = spark
        }
        switch spelling {
        case .text(let spell):
            return try spell(&call)
        case .unsupported(let reason):
            throw SQLUnsupported(reason: "\(call.dialect.displayName) \(reason) ('\(name)' runs only in Byline's own engine)")
        case .hostFunction:
            guard call.dialect == .sqlite else {
                throw SQLUnsupported(reason: "'\(name)' runs only in Byline's own engine")
            }
            let text = "byline_\(key)(\(call.arguments.joined(separator: ", ")))"
            return isTest ? "COALESCE(\(text), 0)" : text
        }
    }
}

extension ScalarFunction: Equatable, Hashable {
    package static func == (lhs: ScalarFunction, rhs: ScalarFunction) -> Bool { lhs.key == rhs.key }
    package func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

/// A call being written in SQL: its arguments' SQL and Byline types, and the values it binds.
package struct SQLCall {
    package let dialect: SQLDialect
    /// Each argument's SQL.
    package let arguments: [String]
    /// Each argument's Byline type.
    package let types: [DataType]
    /// The number of the statement's first new binding.
    package let firstBinding: Int
    /// Each argument's value where it is a constant written in the query (not a parameter of a
    /// prepared query, whose value changes between runs); nil elsewhere.
    package var constants: [Value?] = []
    /// Values bound by the call, in order (the generator appends them to the statement's).
    package private(set) var bindings: [Value] = []

    package init(dialect: SQLDialect, arguments: [String], types: [DataType], firstBinding: Int, constants: [Value?] = []) {
        self.dialect = dialect
        self.arguments = arguments
        self.types = types
        self.firstBinding = firstBinding
        self.constants = constants + Array(repeating: nil, count: max(0, arguments.count - constants.count))
    }

    /// The first argument's SQL.
    package var x: String { arguments[0] }

    /// A placeholder for a value sent with the statement.
    package mutating func bind(_ value: Value, type: DataType) -> String {
        bindings.append(value)
        return dialect.placeholder(firstBinding + bindings.count - 1, type: type)
    }
}

/// The names of the built-in functions, for completion and help: one list, from the catalogue.
package enum BuiltinFunctions {
    /// Scalar functions callable by name, sorted.
    public static let scalar: [String] = ScalarFunction.callable.keys.sorted()
    /// Aggregates, in the order the language documents them.
    public static let aggregates = [
        "count", "sum", "avg", "min", "max", "every", "any", "list", "string_agg", "median", "quantile", "stddev", "variance", "corr",
    ]
    /// The aggregates that may also be window functions.
    public static let windowAggregates = ["count", "sum", "avg", "min", "max"]
    /// Functions that are only window functions (`rank() over (order by x)`); the aggregates
    /// but `list` are window functions too.
    public static let window = ["row_number", "rank", "dense_rank", "lag", "lead", "first_value", "last_value"]

    /// A function's help: its signature, what it does and an example; nil for a name that is no
    /// built-in scalar function.
    public static func help(for name: String) -> (signature: String, summary: String, example: String)? {
        guard let function = ScalarFunction.callable[name.lowercased()] else { return nil }
        return (function.signature, function.summary, function.example)
    }
}
