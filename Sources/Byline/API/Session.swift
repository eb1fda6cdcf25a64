// The facade: a session holds tables and `let` results, checks scripts, and runs statements.
import Foundation

/// A Byline session: its tables (the article's, and whatever `let` adds) and the entry points
/// that check and run source text. Both the command line and the shell call the same `check`
/// then `execute`.
///
/// A session is safe to share between threads and tasks: it serialises its work, so one call
/// runs at a time and the others wait their turn (an `async` call waits on a thread of its own,
/// never on one of Swift's cooperative pool). Sessions share the article dataset read-only,
/// without copying it; to run queries side by side, give each task its own session. (The calls
/// that open and change a database — `open`, `closeDatabase`, `refreshDatabaseTables`, `push`,
/// `store` — do not take the session's turn yet: make them before sharing the session.)
public final class Session: @unchecked Sendable {
    // Sendable by hand: every public entry point holds `lock` while it reads or changes the
    // session's state; internal helpers run inside those calls.
    /// Serialises the session's work; recursive, since public entry points call one another.
    let lock = NSRecursiveLock()

    private(set) var tables: [String: Table] = [:]
    /// Table names in the order they were added, for listings.
    private(set) var localNames: [String] = []
    private(set) var letNames: Set<String> = []
    private var storedDefinitions: [String: Definition] = [:]
    /// Saved queries defined with `def`, by name.
    public var definitions: [String: Definition] { serialised { storedDefinitions } }
    private var nameIndexCache: [String: [String: String]] = [:]

    private var storedLimits = QueryLimits()
    private var storedFileAccess: FileAccess = .unrestricted
    private var storedLoadProgress: (@Sendable (String, Double) -> Void)?
    private var storedParameters: [String: Value] = [:]
    private var storedCitesEveryQuery = false
    private var storedCommandEffect: (@Sendable (String, inout CheckSettings) -> Void)?

    /// Bounds on every query this session runs.
    public var limits: QueryLimits {
        get { serialised { storedLimits } }
        set { serialised { storedLimits = newValue } }
    }
    /// Which files statements may read and write (`load`, `save`, and the shell's `.read`, `.output`).
    public var fileAccess: FileAccess {
        get { serialised { storedFileAccess } }
        set { serialised { storedFileAccess = newValue } }
    }
    /// Called while a `load` reads a large file, with the file and the fraction done.
    public var loadProgress: (@Sendable (String, Double) -> Void)? {
        get { serialised { storedLoadProgress } }
        set { serialised { storedLoadProgress = newValue } }
    }
    /// Values of the `$name` parameters queries use (`--arg`, `.param set`); a value is bound as a
    /// literal of its own type, never spliced into the text.
    public var parameters: [String: Value] {
        get { serialised { storedParameters } }
        set { serialised { storedParameters = newValue } }
    }

    /// Whether every query shows the sentences its rows come from, as if it ended in `cite` (the
    /// shell's `.cite on`); queries whose rows have no `source` are shown as they are.
    public var citesEveryQuery: Bool {
        get { serialised { storedCitesEveryQuery } }
        set { serialised { storedCitesEveryQuery = newValue } }
    }

    /// Runs `body` holding the session's lock: one call at a time changes or reads its state.
    func serialised<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
    /// Names of tables loaded from files, which a later `load` may replace.
    private(set) var loadedNames: Set<String> = []
    /// The open database, whose tables queries can read (see Session+Database.swift).
    public internal(set) var database: DatabaseConnection?
    /// The open database's tables, by name.
    var databaseTables: [String: DatabaseTable] = [:]

    /// Creates a session with the given tables (the article's by default).
    public init(tables: [Table] = ArticleDataset.tables) {
        for table in tables { add(table) }
    }

    private var storedFunctions: [String: UserFunction] = [:]
    /// Functions the host added, by lowercased name.
    public var functions: [String: UserFunction] { serialised { storedFunctions } }

    /// Adds a table (replacing a loaded table or `let` result of the same name).
    public func register(_ table: Table) {
        serialised {
            add(table)
            loadedNames.insert(table.schema.name)
        }
    }

    /// Adds a table built from Swift values: one row per element, one field per stored property
    /// (strings, integers, doubles, booleans, optionals of those, and arrays of them).
    public func register<Row: Encodable>(table name: String, rows: [Row]) throws(BylineError) {
        do {
            register(try RowEncoder.table(named: name, rows: rows))
        } catch {
            throw BylineError([Diagnostic(.cannotRegister(name, reason: "\(error)"), at: nil)], source: nil)
        }
    }

    /// Adds a table from named columns of values; each column's type is the first non-null value's.
    public func register(table name: String, columns: [(name: String, values: [Value])]) throws(BylineError) {
        let count = columns.first?.values.count ?? 0
        guard columns.allSatisfy({ $0.values.count == count }) else {
            throw BylineError([Diagnostic(.cannotRegister(name, reason: "columns differ in length"), at: nil)], source: nil)
        }
        let fields = columns.map { column in
            Field(name: column.name, type: JSONTableLoader.commonType(column.values))
        }
        let rows = (0..<count).map { row in
            columns.indices.map { JSONTableLoader.widen(columns[$0].values[row], to: fields[$0].type) }
        }
        register(Table(schema: TableSchema(name: name, fields: fields), rows: rows))
    }

    /// Adds a scalar function queries can call; its types are checked like a built-in's.
    /// A name already taken (by a built-in function, an aggregate or a function registered
    /// before) is an error unless `replacing` is true.
    public func register(_ function: UserFunction, replacing: Bool = false) throws(BylineError) {
        try serialised { () throws(BylineError) in
            let name = function.name.lowercased()
            if !replacing {
                let taken =
                    storedFunctions[name] != nil ? "a function registered before"
                    : ScalarFunction.callable[name] != nil || AggregateCall.Kind.named(name) != nil ? "a built-in function" : nil
                if let taken {
                    throw BylineError([Diagnostic(.functionNameTaken(function.name, by: taken), at: nil)], source: nil)
                }
            }
            storedFunctions[name] = function
        }
    }

    /// Adds a scalar function, replacing any of the same name (a built-in too).
    @available(*, deprecated, message: "use register(_:replacing:), which refuses a name already taken unless asked")
    public func register(function: UserFunction) {
        serialised { storedFunctions[function.name.lowercased()] = function }
    }

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
    private func slotPlan(for prepared: PreparedQuery, parameters: [String: Value]) -> PreparedQuery.Slots? {
        guard !parameters.isEmpty, let plan = prepared.statement.plan else { return nil }
        let script = checkLocked(prepared.script.source, cancellation: nil, slots: Set(parameters.keys))
        guard !script.hasErrors, script.statements.count == 1, let slotted = script.statements[0].plan else { return nil }
        var types: [String: DataType] = [:]
        slotted.forEachParameter { types[$0] = $1 }
        guard !types.isEmpty, slotted.substituting(parameters).sameWork(as: plan) else { return nil }
        return PreparedQuery.Slots(
            plan: slotted, types: types,
            baked: parameters.filter { script.bakedParameters.contains($0.key) })
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

    private func prepareLocked(_ query: String, name: String) throws(BylineError) -> PreparedQuery {
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

    /// The schema of a table or `let` result, found case-insensitively.
    public func schema(of name: String) -> TableSchema? {
        serialised {
            if let table = databaseTable(named: name) { return table.schema }
            return table(named: name)?.schema
        }
    }

    /// A table or `let` result by name.
    public func table(named name: String) -> Table? {
        serialised { tables.value(forNameIgnoringCase: name) }
    }

    /// Whether a name was defined by `let` (as opposed to a dataset table).
    public func isBinding(_ name: String) -> Bool { serialised { letNames.contains(name) } }

    private func add(_ table: Table) {
        if tables[table.schema.name] == nil { localNames.append(table.schema.name) }
        tables[table.schema.name] = table
        nameIndexCache[table.schema.name] = nil
    }

    // MARK: - Checking

    /// Parses and checks a whole script against this session's tables, without running anything.
    /// `let` names defined earlier in the script are visible to later statements.
    /// `cancellation` stops a `load` that is reading a large file.
    public func check(_ source: SourceFile, cancellation: CancellationFlag? = nil) -> CheckedScript {
        serialised { checkLocked(source, cancellation: cancellation) }
    }

    func checkLocked(_ source: SourceFile, cancellation: CancellationFlag?, slots: Set<String> = []) -> CheckedScript {
        var binder = Binder(
            scope: scope,
            definitions: storedDefinitions.mapValues { .some($0) },
            source: source, nameIndexes: { [unowned self] name in self.nameIndex(of: name) })
        binder.userFunctions = storedFunctions
        binder.citesEveryQuery = storedCitesEveryQuery
        binder.parameterValues = storedParameters
        binder.parameterSlots = slots
        var checker = ScriptChecker(
            binder: binder, source: source, files: storedFileAccess, lets: letNames, loadedNames: loadedNames,
            definitionNames: Set(storedDefinitions.keys), commandEffect: storedCommandEffect)
        checker.cancellation = cancellation
        checker.loadProgress = storedLoadProgress
        return checker.check()
    }

    /// How a command line between statements (the shell's `.param`, `.cite`) changes the checking
    /// of the statements after it; the shell sets it, since commands are the shell's.
    public var commandEffect: (@Sendable (String, inout CheckSettings) -> Void)? {
        get { serialised { storedCommandEffect } }
        set { serialised { storedCommandEffect = newValue } }
    }

    func clearNameIndexes() { nameIndexCache = [:] }

    private func nameIndex(of table: String) -> [String: String] {
        if let cached = nameIndexCache[table] { return cached }
        var index: [String: String]
        if table == ArticleDataset.anyEntity, databaseTable(named: table) == nil, tables[table] == nil {
            // A field that may name a country, organization, leader or place matches by the names
            // of all four; a name that is some row's key keeps meaning that row.
            index = [:]
            for (entityTable, _) in ArticleDataset.entityKinds {
                index.merge(nameIndex(of: entityTable)) { first, _ in first }
            }
        } else {
            index = (databaseTable(named: table) != nil ? databaseNameIndex(of: table) : tables[table]?.nameIndex()) ?? [:]
        }
        nameIndexCache[table] = index
        return index
    }

    // MARK: - Running

    /// Runs one checked statement. Queries return their rows; `let` stores its result.
    /// Commands are returned untouched for the caller (the shell or the command-line tool) to handle.
    public func execute(
        _ statement: CheckedStatement, in script: CheckedScript, cancellation: CancellationFlag? = nil
    ) throws(BylineError) -> StatementResult {
        try serialised { () throws(BylineError) in try executeLocked(statement, in: script, cancellation: cancellation) }
    }

    private func executeLocked(
        _ statement: CheckedStatement, in script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) -> StatementResult {
        if let definition = statement.definition {
            storedDefinitions[definition.name] = definition
            return .defined(name: definition.name)
        }
        if let table = statement.loaded {
            register(table)
            return .loaded(name: table.schema.name, rowCount: table.rowCount)
        }
        guard let plan = statement.plan else {
            if case .command(let text) = statement.kind { return .command(text) }
            return .command("")
        }
        if statement.kind == .explain {
            return .rows(PlanDescription.resultSet(for: plan, sql: sqlDescription(of: plan)))
        }
        if statement.kind == .explainAnalyze {
            // Runs the query as it would run, keeping each step's rows and time; a plan that runs in
            // a database is one step there, with its SQL.
            let profile = ExecutionProfile()
            let start = profile.now
            let result = try rows(of: plan, statement: statement, script: script, cancellation: cancellation, profile: profile)
            if let database, runsInDatabase(plan) {
                profile.record("ran in the \(database.location)", rows: result.rowCount, since: start)
            }
            let total = profile.now - start
            return .rows(profile.resultSet(total: total, rows: result.rowCount, extra: sqlDescription(of: plan) ?? []))
        }
        if let check = statement.assertion {
            let result = try rows(of: plan, statement: statement, script: script, cancellation: cancellation)
            return .assertion(check.evaluate(result.dropping(plan.hiddenFields), span: statement.span, file: script.source.name))
        }
        var result = try rows(of: plan, statement: statement, script: script, cancellation: cancellation)
        if plan.cites { result.citations = citations(of: result, fields: plan.citedFields) }
        // The fields carried for `cite` are never part of the answer.
        result = result.dropping(plan.hiddenFields)
        switch plan.output {
        case .chart(let kind)?:
            result.chart = kind
        case .save(let path)?:
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
    private func citations(of result: ResultSet, fields: [Int]) -> [[Citation]] {
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
    private func rows(
        of plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?,
        profile: ExecutionProfile? = nil
    ) throws(BylineError) -> ResultSet {
        if runsInDatabase(plan) {
            return try databaseRows(of: plan, statement: statement, script: script, cancellation: cancellation)
        }
        let context = EvaluationContext(cancellation: cancellation, limits: limits)
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
        case .typeMismatch(let type, let context): return "'\(path(context))' is not a \(type)"
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

    private func runLocked(_ text: String, name: String, cancellation: CancellationFlag?) throws(BylineError) -> [ResultSet] {
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

/// What running a statement produced.
public enum StatementResult: Sendable {
    /// A query's rows.
    case rows(ResultSet)
    /// A `let` stored a result under a name.
    case bound(name: String, rowCount: Int)
    /// A `def` saved a query under a name.
    case defined(name: String)
    /// A `load` read a file into a table.
    case loaded(name: String, rowCount: Int)
    /// A query ending in `save` wrote its rows to a file.
    case saved(path: String, rowCount: Int)
    /// A query ending in `save table` stored its rows as a table of the open database.
    case storedTable(name: String, rowCount: Int)
    /// An `assert` passed or failed.
    case assertion(AssertionOutcome)
    /// A dot-command for the caller to handle.
    case command(String)
}
