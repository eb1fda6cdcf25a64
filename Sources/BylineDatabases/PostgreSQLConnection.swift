// PostgreSQL through libpq, the server's own C client: connection strings and URIs, the PG*
// environment variables, rows streamed one at a time (single-row mode) and COPY for loading.

import Byline
import CPostgreSQL

#if canImport(Glibc)
    import Glibc
#endif

/// A connection to a PostgreSQL server.
///
/// Not thread-safe: one session uses it from one thread at a time, as libpq requires.
public final class PostgreSQLConnection: DatabaseConnection {
    public let dialect = SQLDialect.postgresql
    public let location: String
    private var connection: OpaquePointer?

    /// Connects with a libpq connection string or URI (`postgresql://user@host/db`,
    /// `postgres:///db?host=/socket/dir`, `dbname=x host=y`); what it leaves out comes from the
    /// PG* environment variables, as for psql.
    public init(_ conninfo: String) throws(DatabaseError) {
        // libpq is loaded now, not at start-up (see CPostgreSQL/shim.h).
        guard byline_libpq_available() != 0 else {
            connection = nil
            throw DatabaseError(
                "cannot connect to PostgreSQL: its client library, libpq (libpq.so.5), is not installed",
                help: "install it (Debian and Ubuntu: apt-get install libpq5) and try again")
        }
        connection = byline_PQconnectdb(conninfo)
        guard let connection, byline_PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { PostgreSQLConnection.firstLine(String(cString: byline_PQerrorMessage($0))) } ?? "out of memory"
            byline_PQfinish(connection)
            self.connection = nil
            throw DatabaseError(
                "cannot connect to PostgreSQL: \(reason)",
                help: "check the address (postgresql://USER@HOST:PORT/DATABASE or postgres:///DATABASE?host=/socket/dir) and that the server is running")
        }
        let database = String(cString: byline_PQdb(connection))
        let host = String(cString: byline_PQhost(connection))
        location = "PostgreSQL database \(database) on \(host.hasPrefix("/") ? "the socket in \(host)" : host)"
        byline_PQsetClientEncoding(connection, "UTF8")
        // Dates in ISO form, floats printed so they read back exactly.
        try execute("SET DateStyle TO ISO; SET extra_float_digits TO 1; SET client_min_messages TO warning", bindings: [])
    }

    deinit { close() }

    public func close() {
        if let connection { byline_PQfinish(connection) }
        connection = nil
    }

    private func handle() throws(DatabaseError) -> OpaquePointer {
        guard let connection else { throw DatabaseError("the connection to PostgreSQL is closed", help: "open it again with .open") }
        return connection
    }

    /// Runs `body` with the values as C strings (null for SQL null), as libpq's text format takes them.
    private func withParameters<T>(_ values: [Value], _ body: ([UnsafePointer<CChar>?]) throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { value in DatabaseCatalog.text(of: value).flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return try body(copies.map { $0.map { UnsafePointer($0) } })
    }

    public func execute(_ sql: String, bindings: [Value]) throws(DatabaseError) {
        let connection = try handle()
        // Without values, PQexec (which takes several statements at once); with them, PQexecParams.
        let result = bindings.isEmpty ? byline_PQexec(connection, sql) : try withParameters(bindings) { (parameters) throws(DatabaseError) -> OpaquePointer? in
            byline_PQexecParams(connection, sql, Int32(parameters.count), nil, parameters, nil, nil, 0)
        }
        defer { byline_PQclear(result) }
        let status = byline_PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw error(of: result) }
    }

    public func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        let connection = try handle()
        let sent = try withParameters(bindings) { (parameters) throws(DatabaseError) -> Int32 in
            byline_PQsendQueryParams(connection, sql, Int32(parameters.count), nil, parameters, nil, nil, 0)
        }
        guard sent == 1 else { throw DatabaseError("PostgreSQL: " + PostgreSQLConnection.firstLine(String(cString: byline_PQerrorMessage(connection)))) }
        byline_PQsetSingleRowMode(connection)
        var failure: DatabaseError?
        var values: [Value] = []
        var cancelled = false
        while true {
            // Wait for the server without blocking in libpq, so Ctrl-C (the flag) can cancel a
            // query that is still computing before its first row.
            if !cancelled, let cancellation, !waitForResult(connection, cancellation: cancellation) {
                cancelled = true
                failure = DatabaseError.cancelled
                cancel(connection)
            }
            guard let result = byline_PQgetResult(connection) else { break }
            defer { byline_PQclear(result) }
            guard failure == nil else { continue }  // drain what is left, so the connection is ready again
            let status = byline_PQresultStatus(result)
            if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK { continue }
            guard status == PGRES_SINGLE_TUPLE else {
                failure = error(of: result)
                continue
            }
            if cancellation?.isCancelled == true {
                failure = DatabaseError.cancelled
                cancelled = true
                cancel(connection)
                continue
            }
            values.removeAll(keepingCapacity: true)
            for (column, type) in types.enumerated() {
                if byline_PQgetisnull(result, 0, Int32(column)) == 1 {
                    values.append(.null)
                    continue
                }
                let text = String(cString: byline_PQgetvalue(result, 0, Int32(column)))
                guard let value = DatabaseCatalog.decode(text: text, as: type) else {
                    failure = DatabaseError(
                        "PostgreSQL returned \(Value.string(text).literal) for field \(column + 1), which is not \(type == .integer ? "an" : "a") \(type)")
                    break
                }
                values.append(value)
            }
            if failure == nil {
                do {
                    try row(values)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
    }

    /// Waits until libpq has a result to give without blocking, checking the flag every 50 ms;
    /// false when the flag was set first.
    private func waitForResult(_ connection: OpaquePointer, cancellation: CancellationFlag) -> Bool {
        while byline_PQisBusy(connection) == 1 {
            if cancellation.isCancelled { return false }
            var descriptor = pollfd(fd: byline_PQsocket(connection), events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 50) < 0, errno != EINTR { return true }
            if byline_PQconsumeInput(connection) == 0 { return true }  // the error shows in PQgetResult
        }
        return true
    }

    /// Asks the server to stop the running statement.
    private func cancel(_ connection: OpaquePointer) {
        guard let cancel = byline_PQgetCancel(connection) else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        byline_PQcancel(cancel, &buffer, 256)
        byline_PQfreeCancel(cancel)
    }

    public func copy(_ table: Table, into name: String) throws(DatabaseError) {
        let connection = try handle()
        let start = byline_PQexec(connection, "COPY \(dialect.identifier(name)) FROM STDIN")
        let status = byline_PQresultStatus(start)
        defer { byline_PQclear(start) }
        guard status == PGRES_COPY_IN else { throw error(of: start) }
        let sent = DatabaseCatalog.copyText(of: table) { chunk in
            chunk.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { byline_PQputCopyData(connection, $0.baseAddress, Int32(bytes.count)) == 1 }
            }
        }
        let failed = !sent
        byline_PQputCopyEnd(connection, failed ? "the copy was interrupted" : nil)
        var failure: DatabaseError?
        while let result = byline_PQgetResult(connection) {
            if byline_PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil { failure = error(of: result) }
            byline_PQclear(result)
        }
        if let failure { throw failure }
    }

    /// The server's message for a failed result; an integer overflow is said in Byline's words.
    private func error(of result: OpaquePointer?) -> DatabaseError {
        let state = byline_PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let primary = byline_PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? PostgreSQLConnection.firstLine(String(cString: byline_PQresultErrorMessage(result)))
        if state == "22003", primary.contains("bigint") || primary.contains("integer") {
            return DatabaseError(
                "integer overflow (PostgreSQL: \(primary))",
                help: "integers range from \(Int.min) to \(Int.max); multiply by 1.0 to compute with floats")
        }
        if state == "57014" { return DatabaseError.cancelled }
        return DatabaseError("PostgreSQL: \(primary)")
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).first ?? "")
    }
}
