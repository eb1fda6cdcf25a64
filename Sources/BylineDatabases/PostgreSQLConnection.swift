// PostgreSQL through libpq, the server's own C client: connection strings and URIs, the PG*
// environment variables, rows streamed one at a time (single-row mode) and COPY for loading.

import Byline
import CPostgreSQL
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A connection to a PostgreSQL server.
///
/// Not thread-safe: one session uses it from one thread at a time, as libpq requires.
package final class PostgreSQLConnection: DatabaseConnection {
    package let dialect = SQLDialect.postgresql
    package let location: String
    private var connection: OpaquePointer?
    private let transactions = TransactionNesting()
    /// The cancel request of this connection (PQgetCancel), registered for the signal handler.
    private var cancelRequest: OpaquePointer?

    /// Connects with a libpq connection string or URI (`postgresql://user@host/db`,
    /// `postgres:///db?host=/socket/dir`, `dbname=x host=y`); what it leaves out comes from the
    /// PG* environment variables, as for psql.
    package init(_ conninfo: String) throws(DatabaseError) {
        // libpq is loaded now, not at start-up (see CPostgreSQL/shim.h).
        guard byline_libpq_available() != 0 else {
            connection = nil
            throw DatabaseError(
                "cannot connect to PostgreSQL: its client library, libpq (libpq.so.5), is not installed",
                help: "install it (Debian and Ubuntu: apt-get install libpq5) and try again", kind: .connection)
        }
        connection = byline_PQconnectdb(conninfo)
        guard let connection, byline_PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { PostgreSQLConnection.firstLine(String(cString: byline_PQerrorMessage($0))) } ?? "out of memory"
            byline_PQfinish(connection)
            self.connection = nil
            throw DatabaseError(
                "cannot connect to PostgreSQL: \(reason)",
                help: "check the address (postgresql://USER@HOST:PORT/DATABASE or postgres:///DATABASE?host=/socket/dir) and that the server is running",
                kind: .connection)
        }
        let database = String(cString: byline_PQdb(connection))
        let host = String(cString: byline_PQhost(connection))
        location = "PostgreSQL database \(database) on \(host.hasPrefix("/") ? "the socket in \(host)" : host)"
        byline_PQsetClientEncoding(connection, "UTF8")
        // Dates in ISO form, floats printed so they read back exactly.
        try execute("SET DateStyle TO ISO; SET extra_float_digits TO 1; SET client_min_messages TO warning", bindings: [])
        cancelRequest = byline_PQgetCancel(connection)
        PostgreSQLConnection.register(cancelRequest)
    }

    deinit { close() }

    package func close() {
        if let cancelRequest {
            PostgreSQLConnection.unregister(cancelRequest)
            byline_PQfreeCancel(cancelRequest)
        }
        cancelRequest = nil
        if let connection { byline_PQfinish(connection) }
        connection = nil
    }

    // MARK: - Cancelling from a signal handler

    /// The cancel request of the connection opened last, as the bits of its pointer (0: none).
    /// A global because a signal handler can capture nothing; an atomic so reading it there is safe.
    private static let registeredCancel = Atomic<UInt>(0)

    private static func register(_ request: OpaquePointer?) {
        guard let request else { return }
        // Finds PQcancel now (a NULL request is refused at once), so the signal handler never
        // has to look it up.
        var buffer = [CChar](repeating: 0, count: 64)
        _ = byline_PQcancel(nil, &buffer, 64)
        registeredCancel.store(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(request))), ordering: .sequentiallyConsistent)
    }

    private static func unregister(_ request: OpaquePointer) {
        let bits = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(request)))
        _ = registeredCancel.compareExchange(expected: bits, desired: 0, ordering: .sequentiallyConsistent)
    }

    /// Makes the registry ready before any signal handler can read it.
    package static func prepareForSignals() {
        _ = registeredCancel.load(ordering: .relaxed)
    }

    /// Asks the server to stop the statement the open connection is running, if any. Safe in a
    /// signal handler (libpq documents PQcancel as such, with the buffer on the stack): a
    /// terminating signal calls it so the server does not go on with a statement nobody waits for.
    package static func cancelRunningStatement() {
        let bits = registeredCancel.load(ordering: .sequentiallyConsistent)
        guard bits != 0, let request = OpaquePointer(bitPattern: bits) else { return }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            _ = byline_PQcancel(request, buffer.baseAddress, 256)
        }
    }

    private func handle() throws(DatabaseError) -> OpaquePointer {
        guard let connection else { throw DatabaseError("the connection to PostgreSQL is closed", help: "open it again with .open", kind: .connection) }
        return connection
    }

    /// Runs `body` with the values as C strings (null for SQL null), as libpq's text format takes them.
    private func withParameters<T>(_ values: [Value], _ body: ([UnsafePointer<CChar>?]) throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        // PostgreSQL's text cannot hold NUL, and libpq would cut the value there (so "a\u{0}b"
        // would be sent as "a"): refused rather than changed.
        for value in values {
            if let text = DatabaseCatalog.text(of: value), text.utf8.contains(0) {
                throw DatabaseError(
                    "PostgreSQL text cannot hold the NUL character, and the value \(value.literal) has one",
                    help: "remove it first, e.g. with replace(…, \"\\u{0}\", \"\")")
            }
        }
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { value in DatabaseCatalog.text(of: value).flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return try body(copies.map { $0.map { UnsafePointer($0) } })
    }

    package func execute(_ sql: String, bindings: [Value], cancellation: CancellationFlag?) throws(DatabaseError) {
        if let cancellation {
            // Sent without waiting, so the flag can cancel it on the server (a lock wait, say).
            if cancellation.isCancelled { throw DatabaseError.cancelled }
            try query(sql, bindings: bindings, types: [], cancellation: cancellation) { _ in }
            return
        }
        let connection = try handle()
        // Without values, PQexec (which takes several statements at once); with them, PQexecParams.
        let result = bindings.isEmpty ? byline_PQexec(connection, sql) : try withParameters(bindings) { (parameters) throws(DatabaseError) -> OpaquePointer? in
            byline_PQexecParams(connection, sql, Int32(parameters.count), nil, parameters, nil, nil, 0)
        }
        defer { byline_PQclear(result) }
        let status = byline_PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw error(of: result, statement: sql) }
    }

    package func query(
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
        var cancels = CancelRequests()
        while true {
            // Wait for the server without blocking in libpq, so Ctrl-C (the flag) can cancel a
            // query that is still computing before its first row.
            if let cancellation, waitForResult(connection, cancellation: cancellation, cancels: &cancels), failure == nil {
                failure = DatabaseError.cancelled
            }
            guard let result = byline_PQgetResult(connection) else { break }
            defer { byline_PQclear(result) }
            guard failure == nil else { continue }  // drain what is left, so the connection is ready again
            let status = byline_PQresultStatus(result)
            if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK { continue }
            guard status == PGRES_SINGLE_TUPLE else {
                failure = error(of: result, statement: sql)
                continue
            }
            if cancellation?.isCancelled == true {
                failure = DatabaseError.cancelled
                cancels.send(connection)
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
    /// true when the flag was set while the statement was still running. From then on it asks
    /// the server to stop the statement, and asks again while the statement goes on.
    private func waitForResult(_ connection: OpaquePointer, cancellation: CancellationFlag, cancels: inout CancelRequests) -> Bool {
        var cancelled = false
        while byline_PQisBusy(connection) == 1 {
            if cancellation.isCancelled {
                cancelled = true
                cancels.sendIfDue(connection)
            }
            var descriptor = pollfd(fd: byline_PQsocket(connection), events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 50) < 0, errno != EINTR { break }
            if byline_PQconsumeInput(connection) == 0 { break }  // the error shows in PQgetResult
        }
        return cancelled
    }

    /// The cancel requests sent for one statement. PostgreSQL drops a cancel that reaches the
    /// server before the statement runs: before it has read the statement, or between the
    /// messages that make it up (Parse, Bind, Execute: a backend checks for a cancel as it reads
    /// each message, and discards one that came while no statement was running, postgres.c).
    /// On a new connection the first statement's Parse and Bind read the catalogues, which can
    /// take a tenth of a second on a busy machine, and a Ctrl-C then was lost: the statement ran
    /// to its end. So the request is sent again, after 0.1 s, 0.2 s, 0.4 s, … (at most a second
    /// apart) for as long as the statement runs. A repeat cannot stop a later statement: PQcancel
    /// returns only after the server has signalled the backend, and the next statement is sent
    /// only after this one's end has come back.
    private struct CancelRequests {
        private var last: ContinuousClock.Instant?
        private var interval = Duration.milliseconds(100)

        /// Sends a request now.
        mutating func send(_ connection: OpaquePointer) {
            guard let cancel = byline_PQgetCancel(connection) else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            byline_PQcancel(cancel, &buffer, 256)
            byline_PQfreeCancel(cancel)
            if last != nil { interval = min(interval * 2, .seconds(1)) }
            last = .now
        }

        /// Sends a request if none was sent yet, or the last one was sent long enough ago.
        mutating func sendIfDue(_ connection: OpaquePointer) {
            if let last, ContinuousClock.now - last < interval { return }
            send(connection)
        }
    }

    package func copy(_ table: Table, into target: String, cancellation: CancellationFlag?) throws(DatabaseError) {
        let connection = try handle()
        let start = byline_PQexec(connection, "COPY \(target) FROM STDIN")
        let status = byline_PQresultStatus(start)
        defer { byline_PQclear(start) }
        guard status == PGRES_COPY_IN else { throw error(of: start, statement: "COPY \(target) FROM STDIN") }
        let sent = DatabaseCatalog.copyText(of: table) { chunk in
            if cancellation?.isCancelled == true { return false }
            return chunk.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { byline_PQputCopyData(connection, $0.baseAddress, Int32(bytes.count)) == 1 }
            }
        }
        let failed = !sent
        byline_PQputCopyEnd(connection, failed ? "the copy was interrupted" : nil)
        var failure: DatabaseError?
        while let result = byline_PQgetResult(connection) {
            if byline_PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil { failure = error(of: result, statement: "COPY \(target) FROM STDIN") }
            byline_PQclear(result)
        }
        if cancellation?.isCancelled == true { throw DatabaseError.cancelled }
        if let failure { throw failure }
    }

    package func transaction(_ body: () throws(DatabaseError) -> Void) throws(DatabaseError) {
        try transactions.run(on: self, body)
    }

    /// The server's message for a failed result; an integer overflow is said in Byline's words.
    private func error(of result: OpaquePointer?, statement: String) -> DatabaseError {
        let state = byline_PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let primary = byline_PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? PostgreSQLConnection.firstLine(String(cString: byline_PQresultErrorMessage(result)))
        // 22003 is any number out of range; the integer types are the ones Byline says as overflow.
        if state == "22003", primary.contains("bigint") || primary.contains("integer") {
            var overflow = DatabaseError.integerOverflow("integer overflow (PostgreSQL: \(primary))", sqlState: state)
            overflow.statement = statement
            return overflow
        }
        if state == "57014" { return DatabaseError.cancelled }
        return DatabaseError("PostgreSQL: \(primary)", sqlState: state.isEmpty ? nil : state, statement: statement)
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).first ?? "")
    }
}
