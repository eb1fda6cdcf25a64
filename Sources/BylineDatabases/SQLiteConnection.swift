// SQLite through the system library: a database file (or memory), with Byline's own functions
// registered so generated SQL keeps Byline's meaning (see HostFunction).

import Byline
import CSQLite

/// A connection to an SQLite database file.
///
/// Not thread-safe: one session uses it from one thread at a time.
package final class SQLiteConnection: DatabaseConnection {
    package let dialect = SQLDialect.sqlite
    package let location: String
    private var database: OpaquePointer?
    private let transactions = TransactionNesting()

    /// Opens (or creates) a database file; ":memory:" for one in memory.
    package init(path: String) throws(DatabaseError) {
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard status == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw DatabaseError(
                "cannot open SQLite database '\(path)': \(reason)", help: "check the path and that you may write to its folder",
                kind: .connection, resultCode: status)
        }
        database = handle
        location = path == ":memory:" ? "SQLite database in memory" : "SQLite database \(path)"
        for function in HostFunction.sqlite {
            let box = Unmanaged.passRetained(FunctionBox(function, failures: functionFailure)).toOpaque()
            let registered = sqlite3_create_function_v2(
                handle, function.name, Int32(function.arity), SQLITE_UTF8 | SQLITE_DETERMINISTIC, box,
                { context, count, arguments in
                    guard let context, let data = sqlite3_user_data(context) else { return }
                    let box = Unmanaged<FunctionBox>.fromOpaque(data).takeUnretainedValue()
                    var values: [Value] = []
                    for index in 0..<Int(count) {
                        values.append(SQLiteConnection.value(of: arguments?[index]))
                    }
                    switch box.function.apply(values) {
                    case .success(let result): SQLiteConnection.setResult(result, in: context)
                    case .failure(let error):
                        // SQLite keeps only the text; the connection keeps the whole error.
                        box.failures.error = error
                        sqlite3_result_error(context, error.message, -1)
                    }
                }, nil, nil,
                { data in
                    if let data { Unmanaged<FunctionBox>.fromOpaque(data).release() }
                })
            guard registered == SQLITE_OK else {
                let reason = String(cString: sqlite3_errmsg(handle))
                sqlite3_close_v2(handle)
                database = nil
                throw DatabaseError(
                    "cannot register Byline's function \(function.name) in SQLite: \(reason)",
                    help: "the system SQLite library may be too old; Byline needs 3.35 or later", kind: .connection,
                    resultCode: registered)
            }
        }
        // Verify the file is a database now, with a clear message, rather than at the first query.
        do {
            try query("SELECT count(*) FROM sqlite_schema", bindings: [], types: [.integer], cancellation: nil) { _ in }
        } catch {
            sqlite3_close(handle)
            database = nil
            throw DatabaseError(
                "cannot open SQLite database '\(path)': \(error.message)", help: "is it an SQLite database file?", kind: .connection,
                resultCode: error.resultCode)
        }
    }

    private final class FunctionBox {
        let function: HostFunction
        let failures: FailureSlot
        init(_ function: HostFunction, failures: FailureSlot) {
            self.function = function
            self.failures = failures
        }
    }

    /// The last error one of Byline's functions raised inside a statement (SQLite passes on only
    /// its text), so the statement's error keeps its kind.
    private final class FailureSlot {
        var error: DatabaseError?
    }

    private let functionFailure = FailureSlot()

    deinit { close() }

    package func close() {
        if let database { sqlite3_close_v2(database) }
        database = nil
    }

    private func handle() throws(DatabaseError) -> OpaquePointer {
        guard let database else { throw DatabaseError("the SQLite database is closed", help: "open it again with .open", kind: .connection) }
        return database
    }

    /// The error of the statement that just failed: the error one of Byline's functions raised in
    /// it, else SQLite's, with its extended result code.
    private func lastError(_ sql: String) -> DatabaseError {
        if var raised = functionFailure.error {
            functionFailure.error = nil
            raised.statement = sql
            return raised
        }
        let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
        let code = database.map { sqlite3_extended_errcode($0) }
        if code == SQLITE_INTERRUPT { return .cancelled }
        // SQLite's own sum() reports overflow only as this text, with the generic SQLITE_ERROR;
        // this is the one place its words decide the kind.
        if code == SQLITE_ERROR, message == "integer overflow" {
            return .integerOverflow(message, resultCode: code)
        }
        return DatabaseError("SQLite: \(message)", resultCode: code, statement: sql)
    }

    private func prepare(_ sql: String) throws(DatabaseError) -> OpaquePointer {
        let database = try handle()
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            let failure = lastError(sql)
            sqlite3_finalize(statement)
            throw failure
        }
        return statement
    }

    private func bind(_ values: [Value], to statement: OpaquePointer) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .integer(let number): sqlite3_bind_int64(statement, index, Int64(number))
            case .float(let number): sqlite3_bind_double(statement, index, number)
            case .bool(let flag): sqlite3_bind_int64(statement, index, flag ? 1 : 0)
            default:
                let text = DatabaseCatalog.text(of: value) ?? ""
                _ = text.withCString { byline_sqlite3_bind_text(statement, index, $0, Int32(text.utf8.count)) }
            }
        }
    }

    /// Runs `body` with SQLite asking the flag every 1,000 steps of its virtual machine, so a
    /// statement still computing before its first row (a count over a large join) stops at
    /// Ctrl-C too, with SQLITE_INTERRUPT, as `sqlite3_interrupt` would stop it.
    private func interruptible<T>(
        _ cancellation: CancellationFlag?, _ body: () throws(DatabaseError) -> T
    ) throws(DatabaseError) -> T {
        guard let cancellation, let database else { return try body() }
        let flag = Unmanaged.passUnretained(cancellation).toOpaque()
        sqlite3_progress_handler(
            database, 1000,
            { flag in
                guard let flag else { return 0 }
                return Unmanaged<CancellationFlag>.fromOpaque(flag).takeUnretainedValue().isCancelled ? 1 : 0
            }, flag)
        defer { sqlite3_progress_handler(database, 0, nil, nil) }
        return try withExtendedLifetime(cancellation) { () throws(DatabaseError) -> T in try body() }
    }

    package func execute(_ sql: String, bindings: [Value], cancellation: CancellationFlag?) throws(DatabaseError) {
        if cancellation?.isCancelled == true { throw DatabaseError.cancelled }
        try interruptible(cancellation) { () throws(DatabaseError) in try run(sql, bindings: bindings) }
    }

    private func run(_ sql: String, bindings: [Value]) throws(DatabaseError) {
        let database = try handle()
        if bindings.isEmpty {
            var message: UnsafeMutablePointer<CChar>?
            let status = sqlite3_exec(database, sql, nil, nil, &message)
            if status == SQLITE_INTERRUPT {
                sqlite3_free(message)
                throw DatabaseError.cancelled
            }
            guard status == SQLITE_OK else {
                let text = message.map { String(cString: $0) } ?? "unknown error"
                sqlite3_free(message)
                throw DatabaseError("SQLite: \(text)", resultCode: sqlite3_extended_errcode(database), statement: sql)
            }
            return
        }
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        bind(bindings, to: statement)
        var status = sqlite3_step(statement)
        while status == SQLITE_ROW { status = sqlite3_step(statement) }
        guard status == SQLITE_DONE else { throw lastError(sql) }
    }

    package func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        try interruptible(cancellation) { () throws(DatabaseError) in
            try stream(sql, bindings: bindings, types: types, cancellation: cancellation, row: row)
        }
    }

    private func stream(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        bind(bindings, to: statement)
        var values: [Value] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw lastError(sql) }
            if cancellation?.isCancelled == true { throw DatabaseError.cancelled }
            values.removeAll(keepingCapacity: true)
            for (column, type) in types.enumerated() {
                let raw = SQLiteConnection.value(of: sqlite3_column_value(statement, Int32(column)))
                guard let value = DatabaseCatalog.coerce(raw, to: type) else {
                    throw DatabaseError("SQLite returned \(raw.literal) for field \(column + 1), which is not \(type == .integer ? "an" : "a") \(type)")
                }
                values.append(value)
            }
            try row(values)
        }
    }

    package func copy(_ table: Table, into target: String, cancellation: CancellationFlag?) throws(DatabaseError) {
        let fields = table.schema.fields.count
        let marks = (1...max(fields, 1)).map { "?\($0)" }.joined(separator: ", ")
        try transaction { () throws(DatabaseError) in
            let insert = "INSERT INTO \(target) VALUES (\(marks))"
            let statement = try prepare(insert)
            defer { sqlite3_finalize(statement) }
            var values: [Value] = []
            for row in 0..<table.rowCount {
                if row & 1023 == 0, cancellation?.isCancelled == true { throw DatabaseError.cancelled }
                values.removeAll(keepingCapacity: true)
                for field in 0..<fields { values.append(table.value(row: row, field: field)) }
                sqlite3_reset(statement)
                bind(values, to: statement)
                guard sqlite3_step(statement) == SQLITE_DONE else { throw lastError(insert) }
            }
        }
    }

    package func transaction(_ body: () throws(DatabaseError) -> Void) throws(DatabaseError) {
        try transactions.run(on: self, body)
    }

    /// A value as SQLite holds it.
    static func value(of handle: OpaquePointer?) -> Value {
        switch sqlite3_value_type(handle) {
        case SQLITE_INTEGER: return .integer(Int(sqlite3_value_int64(handle)))
        case SQLITE_FLOAT:
            let number = sqlite3_value_double(handle)
            return number.isNaN ? .null : .float(number)
        case SQLITE_NULL: return .null
        default:
            let length = Int(sqlite3_value_bytes(handle))
            guard let text = sqlite3_value_text(handle) else { return .string("") }
            return .string(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        }
    }

    static func setResult(_ value: Value, in context: OpaquePointer) {
        switch value {
        case .null: sqlite3_result_null(context)
        case .integer(let number): sqlite3_result_int64(context, Int64(number))
        case .float(let number): sqlite3_result_double(context, number)
        case .bool(let flag): sqlite3_result_int64(context, flag ? 1 : 0)
        default:
            let text = DatabaseCatalog.text(of: value) ?? ""
            text.withCString { byline_sqlite3_result_text(context, $0, Int32(text.utf8.count)) }
        }
    }
}

/// Opens a database by how it is written: a `postgresql://` or `postgres://` URI or a libpq
/// connection string (`dbname=…`) for PostgreSQL, anything else a path of an SQLite file.
package func openDatabase(_ location: String) throws(DatabaseError) -> DatabaseConnection {
    if FileAccess.isServerAddress(location) { return try PostgreSQLConnection(location) }
    return try SQLiteConnection(path: FileAccess.sqlitePath(location))
}
