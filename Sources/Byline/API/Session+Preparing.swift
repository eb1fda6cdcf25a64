// Prepared queries: checked once, run many times with new parameter values.

extension Session {
    /// Checks a single query with these `$name` parameters, to run many times with other values
    /// (``PreparedQuery/run(parameters:cancellation:)``). The query is checked once: a run with
    /// values of the same types puts them into the checked plan; only a value of another type
    /// (or null), or one the check itself used (a `range` bound, a `limit`), is checked again.
    public func prepare(
        _ query: String, parameters: [String: any ValueConvertible], name: String = "<prepared>"
    ) throws(BylineError) -> PreparedQuery {
        let parameters = bylineValues(parameters)
        return try withParameters(parameters) { () throws(BylineError) in
            var prepared = try prepareLocked(query, name: name)
            prepared.slots = slotPlan(for: prepared, parameters: parameters)
            return prepared
        }
    }

    /// The query checked again with its parameters as slots, when that plan, given the first
    /// values, is the very plan the ordinary check made; nil otherwise (each run then checks).
    func slotPlan(for prepared: PreparedQuery, parameters: [String: Value]) -> PreparedQuery.Slots? {
        guard !parameters.isEmpty, let plan = prepared.statement.plan else { return nil }
        let script = checkLocked(prepared.script.source, cancellation: nil, slots: Set(parameters.keys))
        guard !script.hasErrors, script.statements.count == 1, let slotted = script.statements[0].plan else { return nil }
        var types: [String: DataType] = [:]
        slotted.forEachParameter { types[$0] = $1 }
        guard !types.isEmpty, slotted.substituting(parameters).sameWork(as: plan) else { return nil }
        let steps = slotted.steps.indices.filter { index in
            var holdsSlot = false
            _ = slotted.steps[index].stage.mapExpressions { expression in
                expression.forEachParameter { _, _ in holdsSlot = true }
                return expression
            }
            return holdsSlot
        }
        return PreparedQuery.Slots(
            plan: slotted, types: types,
            baked: parameters.filter { script.bakedParameters.contains($0.key) }, slotted: steps)
    }

    /// Runs `body` with these parameters over the session's own, which are restored afterwards.
    func withParameters<T>(_ values: [String: Value], _ body: () throws(BylineError) -> T) throws(BylineError) -> T {
        try serialised { () throws(BylineError) -> T in
            let saved = storedParameters
            defer { storedParameters = saved }
            storedParameters.merge(values) { $1 }
            return try body()
        }
    }

    /// Checks a single query once, so it can be run many times (over tables as they are then).
    public func prepare(_ query: String, name: String = "<prepared>") throws(BylineError) -> PreparedQuery {
        try serialised { () throws(BylineError) in try prepareLocked(query, name: name) }
    }

    func prepareLocked(_ query: String, name: String) throws(BylineError) -> PreparedQuery {
        let script = checkLocked(SourceFile(name: name, text: query), cancellation: nil)
        let errors = script.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw BylineError(errors, source: script.source) }
        guard script.statements.count == 1, let statement = script.statements.first,
            statement.kind == .query
        else {
            throw BylineError(
                [Diagnostic(.oneQueryOnly("prepare"), at: nil)], source: script.source)
        }
        return PreparedQuery(session: self, script: script, statement: statement)
    }
}
