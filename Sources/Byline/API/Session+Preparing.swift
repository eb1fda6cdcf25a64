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
        let source = SourceFile(name: name, text: query)
        return try serialised { () throws(BylineError) in
            PreparedQuery(session: self, source: source, values: parameters, checked: try preparedCheck(source, parameters: parameters))
        }
    }

    /// The query checked with these parameters (over the session's own), and, given any, checked
    /// again with them as slots for `slotPlan`; an error when it is not one query that checks.
    func preparedCheck(_ source: SourceFile, parameters: [String: Value]) throws(BylineError) -> PreparedQuery.Checked {
        try withParameters(parameters) { () throws(BylineError) in
            let generation = self.generation
            let script = checkLocked(source, cancellation: nil)
            let errors = script.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty { throw BylineError(errors, source: script.source) }
            guard script.statements.count == 1, let statement = script.statements.first,
                statement.kind == .query
            else {
                throw BylineError(
                    [Diagnostic(.oneQueryOnly("prepare"), at: nil)], source: script.source)
            }
            let slots = parameters.isEmpty ? nil : slotPlan(for: statement, in: script, parameters: parameters)
            return PreparedQuery.Checked(script: script, statement: statement, slots: slots, generation: generation)
        }
    }

    /// The query checked again with its parameters as slots, when that plan, given the first
    /// values, is the very plan the ordinary check made; nil otherwise (each run then checks).
    func slotPlan(for statement: CheckedStatement, in checked: CheckedScript, parameters: [String: Value]) -> PreparedQuery.Slots? {
        guard !parameters.isEmpty, let plan = statement.plan else { return nil }
        let script = checkLocked(checked.source, cancellation: nil, slots: Set(parameters.keys))
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

    /// Checks a single query once, so it can be run many times, over the session's tables as
    /// they are when it runs (a change to them since the check makes the next run check it again).
    public func prepare(_ query: String, name: String = "<prepared>") throws(BylineError) -> PreparedQuery {
        let source = SourceFile(name: name, text: query)
        return try serialised { () throws(BylineError) in
            PreparedQuery(session: self, source: source, values: [:], checked: try preparedCheck(source, parameters: [:]))
        }
    }
}
