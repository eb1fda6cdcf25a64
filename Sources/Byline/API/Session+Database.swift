// A session with a database open: its tables join the session's names, and a query that reads
// one runs in the database as the SQL the generator makes, its rows streamed back.
//
// Names: a `let` result or a loaded file shadows a database table of the same name; a database
// table shadows one of the article's tables (so after `.push article`, `leaders` is read where
// it was pushed).

extension Session {
    /// Every table name: the session's, then the open database's that the session does not shadow.
    public var tableNames: [String] {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        let shadowing = localNames.filter { letNames.contains($0) || loadedNames.contains($0) }
        let fromDatabase = databaseTables.keys.sorted().filter { name in !shadowing.contains { $0.lowercased() == name.lowercased() } }
        return localNames.filter { name in !fromDatabase.contains { $0.lowercased() == name.lowercased() } } + fromDatabase
    }

    /// Whether a name is one of the open database's tables (and not shadowed by a session's).
    package func isDatabaseTable(_ name: String) -> Bool { serialised { databaseTable(named: name) != nil } }

    /// The database table a name reads, when it reads one.
    func databaseTable(named name: String) -> DatabaseTable? {
        guard !databaseTables.isEmpty else { return nil }
        // The exact name first; otherwise the one table whose name differs only in case. Several
        // such (`Foo`, `FOO`) are ambiguous, and none is chosen: the name is then unknown, and the
        // message suggests the exact names.
        guard let table = databaseTables.value(forNameIgnoringCase: name) else { return nil }
        let local = tables.key(forNameIgnoringCase: name)
        if let local, letNames.contains(local) || loadedNames.contains(local) { return nil }
        return table
    }

    /// What the binder sees: the session's tables, with database tables where they win.
    var scope: [String: TableSchema?] {
        var scope = Dictionary(uniqueKeysWithValues: tables.map { ($0.key, Optional.some($0.value.schema)) })
        for (name, table) in databaseTables where databaseTable(named: name) != nil {
            // The session's table of that name (whatever its case) gives way; another database
            // table whose name differs only in case stays.
            for local in tables.keys where local.lowercased() == name.lowercased() { scope[local] = nil }
            scope[name] = .some(table.schema)
        }
        return scope
    }

    /// Opens a database for this session's queries, closing any open before; its tables appear
    /// beside the session's.
    package func open(_ connection: DatabaseConnection) throws(BylineError) {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        closeDatabase()
        database = connection
        do {
            try refreshDatabaseTables()
        } catch {
            database = nil
            throw error
        }
    }

    /// Closes the open database, if any; its tables disappear from the session.
    package func closeDatabase() {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        database?.close()
        database = nil
        databaseTables = [:]
        clearNameIndexes()
    }

    /// Reads the database's catalog again (after tables were created there).
    package func refreshDatabaseTables() throws(BylineError) {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        guard let database else { return }
        do {
            let found = try database.catalogTables()
            databaseTables = Dictionary(found.map { ($0.schema.name, $0) }, uniquingKeysWith: { first, _ in first })
            clearNameIndexes()
        } catch {
            throw Session.failure(error, in: database, at: nil, source: nil)
        }
    }

    /// Stores session tables (the article's, loaded files, `let` results) in the open database under
    /// their own names, with their schemas, replacing tables of those names.
    ///
    /// All or nothing: every table is stored in one transaction, so a failure or a cancel
    /// (`cancellation`, Ctrl-C) leaves every table of the database as it was.
    package func push(_ names: [String], cancellation: CancellationFlag? = nil) throws(BylineError) {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        guard let database else { throw Session.noDatabase(at: nil, source: nil) }
        var tables: [Table] = []
        for name in names {
            guard let table = table(named: name) else {
                throw BylineError(
                    [Diagnostic(.noTableToPush(name, tables: localNames), at: nil)], source: nil)
            }
            tables.append(table)
        }
        do {
            try database.transaction { () throws(DatabaseError) in
                for table in tables {
                    try database.storeTable(table, as: table.schema.name, temporary: false, replacing: true, cancellation: cancellation)
                }
            }
        } catch {
            throw Session.failure(error, in: database, at: nil, source: nil)
        }
        try refreshDatabaseTables()
    }

    /// Stores a table (a file just read, say) in the open database under a name, replacing a
    /// table of that name only when the whole new one is stored.
    package func store(_ table: Table, as name: String, cancellation: CancellationFlag? = nil) throws(BylineError) {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        guard let database else { throw Session.noDatabase(at: nil, source: nil) }
        do {
            try database.storeTable(table, as: name, temporary: false, replacing: true, cancellation: cancellation)
        } catch {
            throw Session.failure(error, in: database, at: nil, source: nil)
        }
        try refreshDatabaseTables()
    }

    /// The SQL a query compiles to, for the open database's dialect, or for `dialect` as if every
    /// table of the session were in such a database (what `byline compile` prints).
    package func compile(_ text: String, dialect: SQLDialect? = nil) throws(BylineError) -> SQLQuery {
        lock.lock()
        defer { lock.unlock() }  // one call at a time, as every entry point (see `serialised`)
        let script = check(SourceFile(name: "<query>", text: text))
        if script.diagnostics.contains(where: { $0.severity == .error }) {
            throw BylineError(script.diagnostics, source: script.source)
        }
        guard script.statements.count == 1, let statement = script.statements.first, let plan = statement.plan else {
            throw BylineError([Diagnostic(.oneQueryOnly("compile"), at: nil)], source: script.source)
        }
        let target = dialect ?? database?.dialect ?? .postgresql
        var generator = SQLGenerator(dialect: target, tables: { [self] name in
            if target == database?.dialect, let table = databaseTable(named: name) { return table }
            guard let schema = schema(of: name) else { return nil }
            return DatabaseTable(storing: schema, as: schema.name, dialect: target)
        })
        do {
            return try generator.generate(plan)
        } catch {
            throw BylineError(
                [Diagnostic(.cannotCompile(for: target.displayName, reason: error.reason), at: statement.span)],
                source: script.source)
        }
    }

    // MARK: - Running in the database

    /// The names of the tables a plan reads, its joins' included.
    static func sources(of plan: QueryPlan) -> [String] {
        var names: [String] = []
        if case .table(let name) = plan.source { names.append(name) }
        for step in plan.steps {
            if case .join(let join) = step.stage { names += sources(of: join.right) }
            if case .append(let other) = step.stage { names += sources(of: other) }
            if case .intersect(let other, _) = step.stage { names += sources(of: other) }
        }
        return names
    }

    /// Whether a plan reads a database table, and so runs in the database.
    func runsInDatabase(_ plan: QueryPlan) -> Bool {
        database != nil && Session.sources(of: plan).contains { databaseTable(named: $0) != nil }
    }

    /// The most rows of a session table a query sends to the database beside its tables.
    static let maximumSentRows = 1_000_000

    /// The generator for the open database, with session tables the plan reads named as the
    /// temporary tables they are sent as.
    private func generator(for plan: QueryPlan, sending: inout [(Table, String)]) -> SQLGenerator? {
        guard let database else { return nil }
        var sent: [String: DatabaseTable] = [:]
        for name in Session.sources(of: plan) where databaseTable(named: name) == nil {
            if let table = table(named: name), sent[name] == nil {
                // Numbered, not named after the table: short whatever the name's length (a
                // server that cuts long names would make two tables one), and in the
                // connection's temporary schema, apart from a user's tables.
                let temporary = "byline_session_\(sent.count + 1)"
                sent[name] = DatabaseTable(storing: table.schema, as: temporary, dialect: database.dialect)
                sending.append((table, temporary))
            }
        }
        return SQLGenerator(dialect: database.dialect, tables: { [self] in databaseTable(named: $0) ?? sent[$0] })
    }

    /// What `explain` adds for a plan that runs in the database: the SQL, line by line, and its values.
    func sqlDescription(of plan: QueryPlan) -> [String]? {
        guard let database, runsInDatabase(plan) else { return nil }
        var sending: [(Table, String)] = []
        guard var generator = generator(for: plan, sending: &sending) else { return nil }
        var lines = ["runs in the \(database.location) as this SQL:"]
        for (table, temporary) in sending {
            lines.append("(after sending '\(table.schema.name)', \(table.rowCount) rows, as the temporary table \(temporary))")
        }
        do {
            let query = try generator.generate(plan)
            lines += query.text.split(separator: "\n").map(String.init)
            for (index, value) in query.bindings.enumerated() {
                lines.append("-- \(database.dialect.parameterLabel(index + 1)) = \(value.literal)")
            }
        } catch {
            lines = ["cannot run in the \(database.location): \(error.reason)"]
        }
        return lines
    }

    /// The SQL a plan runs as in the open database, once the session tables it reads are sent there.
    private func databaseQuery(
        of plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) -> (DatabaseConnection, SQLQuery) {
        guard let database else { throw Session.noDatabase(at: statement.span, source: script.source) }
        var sending: [(Table, String)] = []
        guard var generator = generator(for: plan, sending: &sending) else { throw Session.noDatabase(at: statement.span, source: script.source) }
        let query: SQLQuery
        do {
            query = try generator.generate(plan)
        } catch {
            throw BylineError(
                [Diagnostic(.cannotMix(database: database.location, reason: error.reason), at: statement.span)],
                source: script.source)
        }
        for (table, temporary) in sending {
            guard table.rowCount <= Session.maximumSentRows else {
                throw BylineError(
                    [Diagnostic(
                        .tooLargeToSend(
                            table.schema.name, rows: table.rowCount, database: database.location, maximum: Session.maximumSentRows),
                        at: statement.span)],
                    source: script.source)
            }
            do {
                try database.storeTable(table, as: temporary, temporary: true, replacing: true, cancellation: cancellation)
            } catch {
                throw Session.failure(error, in: database, at: statement.span, source: script.source)
            }
        }
        return (database, query)
    }

    /// Runs a plan in the database: sends the session tables it reads, then gathers the rows.
    func databaseRows(
        of plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) -> ResultSet {
        var result: ResultSet?
        _ = try databaseRows(of: plan, statement: statement, script: script, cancellation: cancellation, inParts: false) { whole in
            result = whole
            return true
        }
        return result ?? ResultSet(fields: plan.schema.fields, rows: [])
    }

    /// Runs a plan in the database, handing its rows to `parts` as the database hands them over
    /// (Spark: an Arrow batch at a time), without the fields carried for `cite`; `parts` returning
    /// false stops the query there, quietly. Returns how many rows were handed over.
    func streamDatabaseRows(
        of plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?,
        parts: (ResultSet) -> Bool
    ) throws(BylineError) -> Int {
        try databaseRows(of: plan, statement: statement, script: script, cancellation: cancellation, inParts: true) { part in
            parts(part.dropping(plan.hiddenFields))
        }
    }

    /// Runs a plan in the database and hands `part` its rows: in the database's parts when
    /// `inParts`, else all of them at once (none when the query fails).
    private func databaseRows(
        of plan: QueryPlan, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?,
        inParts: Bool, part: (ResultSet) -> Bool
    ) throws(BylineError) -> Int {
        let (database, query) = try databaseQuery(of: plan, statement: statement, script: script, cancellation: cancellation)
        let types = query.fields.map(\.type)
        let schema = TableSchema(name: plan.schema.name, fields: plan.schema.fields)
        var builders = types.map { ColumnBuilder(type: $0, capacity: 0) }
        var count = 0
        var held = 0
        var stopped = false
        let maximum = limits.maximumRows
        // The rows gathered so far, handed on; false when the receiver said stop.
        func handOver() -> Bool {
            let rows = ResultSet(Relation(table: Table(schema: schema, columns: builders.map { $0.build() }, rowCount: held)))
            builders = types.map { ColumnBuilder(type: $0, capacity: 0) }
            held = 0
            return part(rows)
        }
        do {
            try database.query(
                query.text, bindings: query.bindings, types: types, cancellation: cancellation,
                row: { (row) throws(DatabaseError) in
                    count += 1
                    if let maximum, count > maximum { throw DatabaseError.cancelled }  // stops the rows; reported below
                    for index in builders.indices { builders[index].append(row[index]) }
                    held += 1
                },
                batchEnded: { () throws(DatabaseError) in
                    // An empty part (Spark sends a batch of no rows for an empty partition) is not handed on.
                    guard inParts, held > 0 else { return }
                    if !handOver() {
                        stopped = true
                        throw DatabaseError.cancelled  // stops the query, on the server too; not an error here
                    }
                })
        } catch {
            if stopped { return count - held }
            if let maximum, count > maximum {
                throw BylineError([Diagnostic(.tooManyRows(moreThan: maximum), at: statement.span)], source: script.source)
            }
            throw Session.failure(error, in: database, at: statement.span, source: script.source)  // a cancel too
        }
        if !inParts || held > 0 { _ = handOver() }
        return count
    }

    /// Stores a result as a database table (`save table NAME`).
    func store(
        _ result: ResultSet, as name: String, statement: CheckedStatement, script: CheckedScript, cancellation: CancellationFlag?
    ) throws(BylineError) {
        guard let database else {
            throw Session.noDatabase(at: statement.span, source: script.source)
        }
        let table = Table(schema: TableSchema.stored(result.fields, as: name), columns: result.columns, rowCount: result.rowCount)
        do {
            try database.storeTable(table, as: name, temporary: false, replacing: true, cancellation: cancellation)
        } catch {
            throw Session.failure(error, in: database, at: statement.span, source: script.source)
        }
        try refreshDatabaseTables()
    }

    /// Every name of each row of a database table with a key, read from the database.
    func databaseNameIndex(of name: String) -> [String: String] {
        guard let database, let table = databaseTable(named: name), table.schema.key != nil else { return [:] }
        var generator = SQLGenerator(dialect: database.dialect, tables: { [self] in databaseTable(named: $0) })
        let plan = QueryPlan(source: .table(name), sourceDescription: name, sourceSchema: table.schema, steps: [], schema: table.schema)
        guard let query = try? generator.generate(plan) else { return [:] }
        var rows: [[Value]] = []
        do {
            try database.query(query.text, bindings: query.bindings, types: query.fields.map(\.type), cancellation: nil) { (row) throws(DatabaseError) in
                rows.append(row)
            }
        } catch {
            return [:]
        }
        return Table(schema: table.schema, rows: rows).nameIndex()
    }

    static func noDatabase(at span: SourceSpan?, source: SourceFile?) -> BylineError {
        BylineError(
            [Diagnostic(.noDatabase, at: span)],
            source: source)
    }

    static func failure(_ error: DatabaseError, in database: DatabaseConnection, at span: SourceSpan?, source: SourceFile?) -> BylineError {
        if error.isCancellation { return BylineError([Diagnostic(.cancelled, at: nil)], source: nil) }
        let overflow = error.kind == .integerOverflow
        return BylineError(
            [Diagnostic(.databaseFailed(error.message, help: error.help ?? "in the \(database.location)", overflow: overflow), at: span)],
            source: source)
    }
}
