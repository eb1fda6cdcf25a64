// A query checked once and run many times, with new values for its `$name` parameters.

/// A query checked once by `Session.prepare`, to run as often as needed.
///
/// Prepared with parameters (``Session/prepare(_:parameters:name:)``), each
/// ``run(parameters:cancellation:)`` puts the new values into the checked plan, as a database
/// binds values to a prepared statement: nothing is parsed or checked again, unless a value has
/// another type than the first one given. It belongs to its session, which serialises its runs.
public struct PreparedQuery: Sendable {
    let session: Session
    let script: CheckedScript
    let statement: CheckedStatement
    /// The plan with slots for the parameters, when they can take new values without a check.
    var slots: Slots?

    /// A plan with `$name` slots, the type each takes, and the values the check used.
    struct Slots: Sendable {
        var plan: QueryPlan
        var types: [String: DataType]
        /// Parameters whose value the check used (a `range` bound, a `limit`), with that value.
        var baked: [String: Value]
        /// The plan's steps (by index) that hold a slot: only they change from run to run.
        var slotted: [Int]

        /// The plan with these values in its slots. Only the steps that hold a slot are rewritten
        /// (the plan's other steps are the same whatever the values).
        func plan(with values: [String: Value]) -> QueryPlan {
            var plan = self.plan
            for index in slotted {
                plan.steps[index].stage = plan.steps[index].stage.mapExpressions { $0.substituting(values) }
            }
            return plan
        }

        /// Whether these values fit the slots as they are: every slot given a value of its type,
        /// and every baked value the same.
        func fit(_ values: [String: Value]) -> Bool {
            types.allSatisfy { name, type in values[name].map { $0.dataType == type } ?? false }
                && baked.allSatisfy { values[$0.key] == $0.value }
        }
    }

    init(session: Session, script: CheckedScript, statement: CheckedStatement) {
        self.session = session
        self.script = script
        self.statement = statement
    }

    /// The fields every run's result has.
    public var fields: [Field] { statement.resultFields }

    /// The query's text, to check again with other parameters.
    var text: String { script.source.text }

    /// Whether runs with new values of the same types skip the check (what `prepare` found).
    var bindsWithoutChecking: Bool { slots != nil }

    /// Runs the query with `$name` parameters bound to these values. Values of the types first
    /// given go straight into the checked plan; a value of another type is checked with the
    /// query again, so a wrong one is an error with its place.
    public func run(parameters: [String: any ValueConvertible], cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        let parameters = bylineValues(parameters)
        if let slots, slots.fit(parameters) {
            let bound = CheckedStatement(kind: statement.kind, plan: slots.plan(with: parameters), span: statement.span)
            return try rows(of: bound, cancellation: cancellation)
        }
        return try session.withParameters(parameters) { () throws(BylineError) in
            try session.prepare(text, name: script.source.name).run(cancellation: cancellation)
        }
    }

    /// Runs the query over the session's tables as they are now.
    public func run(cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        try rows(of: statement, cancellation: cancellation)
    }

    private func rows(of statement: CheckedStatement, cancellation: CancellationFlag?) throws(BylineError) -> ResultSet {
        switch try session.execute(statement, in: script, cancellation: cancellation) {
        case .rows(let result): return result
        default: return ResultSet(fields: fields, rows: [])
        }
    }

    /// Runs the query with these parameters and decodes its rows into `Row` values, field by
    /// field (see ``Session/rows(_:_:parameters:)``).
    public func rows<Row: Decodable>(
        _ type: Row.Type, parameters: [String: any ValueConvertible] = [:], cancellation: CancellationFlag? = nil
    ) throws(BylineError) -> [Row] {
        let result = try parameters.isEmpty ? run(cancellation: cancellation) : run(parameters: parameters, cancellation: cancellation)
        return try RowDecoder.decode(Row.self, from: result)
    }
}

