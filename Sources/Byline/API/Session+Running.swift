// Running checked statements: one case per kind of statement, and the rows of a plan, in memory
// or in the open database.
import Foundation

extension Session {
    /// Runs one checked statement. Queries return their rows; `let` stores its result.
    /// Commands are returned untouched for the caller (the shell or the command-line tool) to handle.
    package func execute(
        _ statement: CheckedStatement, in script: CheckedScript, cancellation: CancellationFlag? = nil
    ) throws(BylineError) -> StatementResult {
        try serialised { () throws(BylineError) in try executeLocked(statement, in: script, cancellation: cancellation) }
    }

    /// Runs one checked statement as `execute(_:in:cancellation:)` does, except that a query
    /// that runs in the open database and is shown (not saved, charted, cited or bound to a name)
    /// hands its rows to `parts` as the database sends them, a part at a time, and returns
    /// `.streamed`: a caller prints the first rows while the rest are still coming. `parts`
    /// returning false stops the query (on the server too) and the statement ends quietly, with
    /// the rows handed over so far. Every other statement returns what `execute` returns.
    package func execute(
        _ statement: CheckedStatement, in script: CheckedScript, cancellation: CancellationFlag? = nil,
        parts: (ResultSet) -> Bool
    ) throws(BylineError) -> StatementResult {
        try serialised { () throws(BylineError) in
            if case .query = statement.kind, let plan = statement.plan, plan.output == nil, !plan.cites, runsInDatabase(plan) {
                return .streamed(rowCount: try streamDatabaseRows(of: plan, statement: statement, script: script, cancellation: cancellation, parts: parts))
            }
            return try executeLocked(statement, in: script, cancellation: cancellation)
        }
    }

    func executeLocked(
        _ statement: CheckedStatement, in script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) -> StatementResult {
        switch statement.kind {
        case .definition(let name):
            guard let definition = statement.definition else { return .defined(name: name) }
            storedDefinitions[definition.name] = definition
            return .defined(name: definition.name)
        case .load(let name):
            guard let table = statement.loaded else { return .loaded(name: name, rowCount: 0) }
            register(table)
            return .loaded(name: table.schema.name, rowCount: table.rowCount)
        case .command(let text):
            return .command(text)
        case .explain:
            guard let plan = statement.plan else { return .command("") }
            return .rows(PlanDescription.resultSet(for: plan, sql: sqlDescription(of: plan)))
        case .explainAnalyze:
            guard let plan = statement.plan else { return .command("") }
            return .rows(try analyze(plan, statement: statement, script: script, cancellation: cancellation))
        case .assertion:
            guard let plan = statement.plan, let check = statement.assertion else { return .command("") }
            let result = try rows(of: plan, statement: statement, script: script, cancellation: cancellation)
            return .assertion(check.evaluate(result.dropping(plan.hiddenFields), span: statement.span, file: script.source.name))
        case .query, .binding:
            guard let plan = statement.plan else { return .command("") }
            return try answer(plan, statement: statement, script: script, cancellation: cancellation)
        }
    }

    /// `explain analyze`: runs the query as it would run, keeping each step's rows and time; a
    /// plan that runs in a database is one step there, with its SQL.
    func analyze(
        _ plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) -> ResultSet {
        let profile = ExecutionProfile()
        let start = profile.now
        let result = try rows(of: plan, statement: statement, script: script, cancellation: cancellation, profile: profile)
        if let database, runsInDatabase(plan) {
            profile.record("ran in the \(database.location)", rows: result.rowCount, since: start)
        }
        let total = profile.now - start
        return profile.resultSet(total: total, rows: result.rowCount, extra: sqlDescription(of: plan) ?? [])
    }

    /// A query or `let`: its rows with their citations, then where they go (shown, charted,
    /// saved to a file or a database table, or kept under the `let` name).
    func answer(
        _ plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) -> StatementResult {
        var result = try rows(of: plan, statement: statement, script: script, cancellation: cancellation)
        if plan.cites { result.citations = citations(of: result, fields: plan.citedFields) }
        // The fields carried for `cite` are never part of the answer.
        result = result.dropping(plan.hiddenFields)
        switch plan.output {
        case .chart(let kind)?:
            // A chart is drawn whole, a line per row: its text is charged to the memory budget.
            let budget = MemoryBudget(maximum: limits.maximumMemory, held: heldBytes.values.reduce(0, &+))
            guard budget.charge(MemoryBudget.bytes(result.rowCount, each: ChartRenderer.bytesPerRow)) else {
                let error = EvaluationError.memoryLimit(maximum: budget.maximum, step: "a chart of \(result.rowCount) rows", held: budget.held)
                throw BylineError([Diagnostic(.runtime(error.message, help: error.help), at: statement.span)], source: script.source)
            }
            result.chart = kind
        case .save(let path)?:
            cancellation?.progress.begin(step: 1, of: 1, name: "save to '\(path)'")
            if let denial = fileAccess.denial(for: path, writing: true) {
                throw BylineError([Diagnostic(.accessDenied(denial), at: statement.span)], source: script.source)
            }
            do {
                try ResultWriter.write(result, to: fileAccess.resolve(path))
            } catch {
                throw BylineError(
                    [Diagnostic(.cannotSave(path, reason: error.reason), at: statement.span)],
                    source: script.source)
            }
            return .saved(path: path, rowCount: result.rowCount)
        case .saveTable(let name)?:
            cancellation?.progress.begin(step: 1, of: 1, name: "save table '\(name)'")
            try store(result, as: name, statement: statement, script: script, cancellation: cancellation)
            return .storedTable(name: name, rowCount: result.rowCount)
        case nil:
            break
        }
        if case .binding(let name) = statement.kind {
            add(result.table(named: name))
            letNames.insert(name)
            return .bound(name: name, rowCount: result.rowCount)
        }
        return .rows(result)
    }

    /// The sentences each row of a result cites, from the session's `sentences` table.
    func citations(of result: ResultSet, fields: [Int]) -> [[Citation]] {
        var texts: [Int: String] = [:]
        if let sentences = table(named: "sentences"), let id = sentences.schema.index(of: "id"),
            let text = sentences.schema.index(of: "text")
        {
            for row in 0..<sentences.rowCount {
                if case .integer(let number) = sentences.value(row: row, field: id), case .string(let words) = sentences.value(row: row, field: text) {
                    texts[number] = words
                }
            }
        }
        return result.citedIDs(sourceFields: fields).map { ids in
            ids.map { Citation(id: $0, text: texts[$0] ?? "(no sentence \($0))") }
        }
    }

    /// Runs a plan to its rows, turning a stop into diagnostics.
    func rows(
        of plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?,
        profile: ExecutionProfile? = nil
    ) throws(BylineError) -> ResultSet {
        if runsInDatabase(plan) {
            return try databaseRows(of: plan, statement: statement, script: script, cancellation: cancellation)
        }
        let context = EvaluationContext(cancellation: cancellation, limits: limits, held: heldBytes.values.reduce(0, &+))
        let relation: Relation
        do {
            relation = try Executor(context: context, profile: profile) { self.tables[$0] }.run(plan)
        } catch {
            switch error {
            case .cancelled:
                throw BylineError([Diagnostic(.cancelled, at: nil)], source: nil)
            case .failed(let message):
                // Point at the expression that failed when it was written in this statement (a
                // `def`'s body is elsewhere, so its errors point at the statement that called it).
                var span = statement.span
                if let place = context.failurePlace, place.start.offset >= statement.span.start.offset,
                    place.end.offset <= statement.span.end.offset
                {
                    span = place
                }
                throw BylineError(
                    [Diagnostic(.runtime(message, help: context.failureHelp), at: span)], source: script.source)
            }
        }
        if let maximum = limits.maximumRows, relation.count > maximum {
            throw BylineError(
                [Diagnostic(.tooManyRows(relation.count, maximum: maximum), at: statement.span)],
                source: script.source)
        }
        return ResultSet(relation)
    }

    /// Runs a query and decodes its rows into `Row` values, field by field (by name, as
    /// `JSONDecoder` reads keys): `let leaders = try session.rows(Leader.self, "leaders")`.
    public func rows<Row: Decodable>(
        _ type: Row.Type, _ query: String, parameters: [String: any ValueConvertible] = [:]
    ) throws(BylineError) -> [Row] {
        let results = try run(query, parameters: parameters)
        // Rows of one query only: the last of several would hide the others.
        guard results.count == 1 else {
            throw BylineError([Diagnostic(.oneQueryOnly("rows"), at: nil)], source: SourceFile(name: "<input>", text: query))
        }
        return try RowDecoder.decode(Row.self, from: results[0])
    }

    /// Runs a query of one row and one field and returns its value:
    /// `let leaders = try session.value("leaders count")`.
    public func value(_ query: String, parameters: [String: any ValueConvertible] = [:]) throws(BylineError) -> Value {
        let results = try run(query, parameters: parameters)
        let source = SourceFile(name: "<input>", text: query)
        guard results.count == 1 else { throw BylineError([Diagnostic(.oneQueryOnly("value"), at: nil)], source: source) }
        guard let value = results[0].value else {
            throw BylineError([Diagnostic(.notOneValue(rows: results[0].rowCount, fields: results[0].fields.count), at: nil)], source: source)
        }
        return value
    }

    /// A decoding error as one line: what was missing or mistyped, and where.
    static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, _): return "no field '\(key.stringValue)'"
        case .typeMismatch(let type, let context): return "'\(path(context))' is not \(Help.article("\(type)"))"
        case .valueNotFound(let type, let context): return "'\(path(context))' is null, but \(type) is not optional"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(decoding)"
        }
    }

    /// Checks and runs a script with `$name` parameters bound to these values (and the session's
    /// own for the rest), returning each query's rows:
    /// `try session.run("leaders where country = $c", parameters: ["c": "Congo"])`.
    @discardableResult
    public func run(_ text: String, parameters: [String: any ValueConvertible], name: String = "<input>") throws(BylineError) -> [ResultSet] {
        try withParameters(bylineValues(parameters)) { () throws(BylineError) in try run(text, name: name) }
    }

    /// Checks and runs a script, returning each query's rows. Stops at the first error.
    /// Dot-commands are not run here; use the command-line tool or shell for those.
    @discardableResult
    public func run(_ text: String, name: String = "<input>") throws(BylineError) -> [ResultSet] {
        try run(text, name: name, cancellation: nil)
    }

    /// Runs a script (checked as a whole first) holding the session's lock throughout, so no other
    /// call changes its tables between the check and the run.
    func run(_ text: String, name: String, cancellation: CancellationFlag?) throws(BylineError) -> [ResultSet] {
        try serialised { () throws(BylineError) in try runLocked(text, name: name, cancellation: cancellation) }
    }

    func runLocked(_ text: String, name: String, cancellation: CancellationFlag?) throws(BylineError) -> [ResultSet] {
        // A run that waited for the lock may have been cancelled meanwhile.
        if cancellation?.isCancelled == true { throw BylineError([Diagnostic(.cancelled, at: nil)], source: nil) }
        let script = check(SourceFile(name: name, text: text), cancellation: cancellation)
        let errors = script.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw BylineError(errors, source: script.source) }
        var results: [ResultSet] = []
        for statement in script.statements {
            switch try execute(statement, in: script, cancellation: cancellation) {
            case .rows(let result):
                results.append(result)
            case .assertion(let outcome) where !outcome.passed:
                // As in a script the command line runs: a failed assertion stops it with an error.
                throw BylineError([Diagnostic(.assertionFailed(outcome.message), at: outcome.span)], source: script.source)
            default:
                break
            }
        }
        return results
    }
}
