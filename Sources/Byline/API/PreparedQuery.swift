// A query checked once and run many times, with new values for its `$name` parameters.

/// A query checked once by `Session.prepare`, to run as often as needed.
///
/// Prepared with parameters (``Session/prepare(_:parameters:name:)``), each
/// ``run(parameters:cancellation:)`` puts the new values into the checked plan, as a database
/// binds values to a prepared statement: nothing is parsed or checked again, unless a value has
/// another type than the first one given, or the session's tables (or `def`s, functions,
/// parameters) have changed since the check: then the query is checked again, once, against
/// them. It belongs to its session, which serialises its runs.
public struct PreparedQuery: Sendable {
    let session: Session
    /// The query's text and name, to check again.
    let source: SourceFile
    /// The values `prepare` was given (checked again with these when the session changes).
    let values: [String: Value]
    /// The check and the plan its runs bind values into: read and changed only under the
    /// session's lock (`Session.serialised`), which every run holds.
    let state: State

    /// A prepared query's changing part: its check, and the plan its runs bind values into.
    final class State: @unchecked Sendable {
        var checked: Checked
        /// The slotted plan with the last run's values in its slotted steps: each run writes its
        /// values into those steps in place (the other steps, the source and the schemas are
        /// the same whatever the values, so they are neither copied nor rewritten). A run takes
        /// it out while it runs and puts it back after.
        var bound: QueryPlan?

        init(_ checked: Checked) {
            self.checked = checked
            bound = checked.slots?.plan
        }
    }

    /// What the check made, as of the session's `generation` it was made at; never changed.
    final class Checked: Sendable {
        let script: CheckedScript
        let statement: CheckedStatement
        /// The plan with slots for the parameters, when they can take new values without a check.
        let slots: Slots?
        /// The session's `generation` when the query was checked.
        let generation: Int

        init(script: CheckedScript, statement: CheckedStatement, slots: Slots?, generation: Int) {
            self.script = script
            self.statement = statement
            self.slots = slots
            self.generation = generation
        }

        /// Runs `plan` (this statement's, or its slotted plan with values) in `session`, to its rows.
        func rows(_ plan: QueryPlan, in session: Session, cancellation: CancellationFlag?) throws(BylineError) -> ResultSet {
            switch try session.answer(plan, statement: statement, script: script, cancellation: cancellation) {
            case .rows(let result): return result
            default: return ResultSet(fields: statement.resultFields, rows: [])
            }
        }
    }

    /// A plan with `$name` slots, the type each takes, and the values the check used.
    final class Slots: Sendable {
        let plan: QueryPlan
        /// Each slot's name and type, in name order.
        let slots: [(name: String, type: DataType)]
        /// Parameters whose value the check used (a `range` bound, a `limit`), with that value.
        let baked: [(name: String, value: Value)]
        /// The plan's steps (by index) that hold a slot: only they change from run to run.
        let slotted: [Int]

        init(plan: QueryPlan, types: [String: DataType], baked: [String: Value], slotted: [Int]) {
            self.plan = plan
            slots = types.sorted { $0.key < $1.key }.map { (name: $0.key, type: $0.value) }
            self.baked = baked.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
            self.slotted = slotted
        }

        /// Each slot's value, in `slots`' order, when these values fit the slots as they are:
        /// every slot given a value of its type, and every baked value the same; nil otherwise.
        func values(from parameters: [String: any ValueConvertible]) -> [Value]? {
            var values: [Value] = []
            values.reserveCapacity(slots.count)
            for (name, type) in slots {
                guard let value = parameters[name]?.bylineValue, value.dataType == type else { return nil }
                values.append(value)
            }
            for (name, value) in baked where parameters[name]?.bylineValue != value { return nil }
            return values
        }

        /// The slotted step `index` of the plan with these values (in `slots`' order) in its slots.
        func stage(_ index: Int, with values: [Value]) -> QueryPlan.Stage {
            plan.steps[index].stage.mapExpressions { expression in
                expression.substituting { name in
                    slots.firstIndex { $0.name == name }.map { values[$0] }
                }
            }
        }
    }

    init(session: Session, source: SourceFile, values: [String: Value], checked: Checked) {
        self.session = session
        self.source = source
        self.values = values
        self.state = State(checked)
    }

    /// The fields every run's result has.
    public var fields: [Field] {
        session.serialised { ((try? current()) ?? state.checked).statement.resultFields }
    }

    /// The query's text, to check again with other parameters.
    var text: String { source.text }

    /// Whether runs with new values of the same types skip the check (what `prepare` found).
    var bindsWithoutChecking: Bool { session.serialised { state.checked.slots != nil } }

    /// The check, made again, with the values `prepare` was given, when the session's tables (or
    /// anything else a check reads) changed since it was made. Runs under the session's lock.
    private func current() throws(BylineError) -> Checked {
        let checked = state.checked
        guard checked.generation != session.generation else { return checked }
        let fresh = try session.preparedCheck(source, parameters: values)
        state.checked = fresh
        state.bound = fresh.slots?.plan
        return fresh
    }

    /// Runs the query with `$name` parameters bound to these values. Values of the types first
    /// given go straight into the checked plan; a value of another type is checked with the
    /// query again, so a wrong one is an error with its place.
    public func run(parameters: [String: any ValueConvertible], cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        try session.serialised { () throws(BylineError) -> ResultSet in
            let checked = try current()
            if let slots = checked.slots, let values = slots.values(from: parameters) {
                // Taken out of the state while it runs, so this run holds its only reference and
                // the slotted steps are written in place (a run inside this one, from a user
                // function, finds none and binds a copy of its own).
                var plan = state.bound.take() ?? slots.plan
                for index in slots.slotted {
                    plan.steps[index].stage = slots.stage(index, with: values)
                }
                let outcome = Result { () throws(BylineError) in try checked.rows(plan, in: session, cancellation: cancellation) }
                if state.checked === checked { state.bound = consume plan }
                return try outcome.get()
            }
            return try session.withParameters(bylineValues(parameters)) { () throws(BylineError) in
                let fresh = try session.preparedCheck(source, parameters: [:])
                return try run(fresh, cancellation: cancellation)
            }
        }
    }

    /// Runs the query over the session's tables as they are now.
    public func run(cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        try session.serialised { () throws(BylineError) -> ResultSet in try run(current(), cancellation: cancellation) }
    }

    private func run(_ checked: Checked, cancellation: CancellationFlag?) throws(BylineError) -> ResultSet {
        guard let plan = checked.statement.plan else { return ResultSet(fields: checked.statement.resultFields, rows: []) }
        return try checked.rows(plan, in: session, cancellation: cancellation)
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
