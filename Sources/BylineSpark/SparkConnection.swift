// Spark through Spark Connect (the SparkConnect client), as a third SQL backend: statements in
// the Spark dialect with their values as named parameters, results read Arrow batch by batch,
// Ctrl-C as Spark Connect's Interrupt. A target of its own, so only the command line links NIO.
//
// Tables Byline stores are Spark tables (parquet in the cluster's warehouse), made from the rows
// sent as one Arrow batch into a temporary view: a table, not a view, because it must outlive the
// session (the next `byline --db sc://…` reads it, as it reads a PostgreSQL table), and because
// the executors then read it in parallel from the warehouse rather than from the driver's memory.
// The table's Byline schema (dates, lists, key, aliases) is a table property, `byline.schema`,
// since Spark's tables take no row-by-row DELETE that a table of schemas would need.

import Byline
import BylineDatabases
import Foundation
import SparkConnect

/// A session on a Spark Connect server, as a database Byline queries run in.
///
/// Not thread-safe: one session uses it from one thread at a time.
package final class SparkConnection: DatabaseConnection {
    package let dialect = SQLDialect.spark
    package let location: String
    private var client: SparkConnectClient?
    /// How many Arrow batches of results this connection has read, over all its statements.
    package private(set) var batchesRead = 0

    /// The table property holding a stored table's Byline schema.
    static let schemaProperty = "byline.schema"

    /// Connects to `sc://HOST:PORT` and sets ANSI mode (overflow and bad casts raise errors),
    /// double-quoted identifiers, and adaptive query execution off (so an interrupt stops every job).
    package init(_ address: String) throws(DatabaseError) {
        guard let parsed = SparkConnectAddress(address) else {
            throw DatabaseError(
                "cannot connect to Spark: \(Value.string(address).literal) is not a Spark Connect address",
                help: "write it as sc://HOST:PORT (the port is 15002 when left out)", kind: .connection)
        }
        location = "Spark cluster at \(parsed.host):\(parsed.port)"
        do {
            do {
                client = try SparkConnectClient(parsed)
            } catch where !error.isConnectionFailure && error.errorClass == nil {
                // Seen on a loaded machine: the first call's stream closed before any answer, not
                // an error of Spark's (the flake noted in Scripts/test). Asking again is harmless.
                client = try SparkConnectClient(parsed)
            }
        } catch {
            throw DatabaseError(
                "cannot connect to Spark: \(error.message)",
                help: "check the address (sc://HOST:PORT) and that Spark Connect runs there (sbin/start-connect-server.sh)", kind: .connection)
        }
        // Adaptive execution off: with it on, a query's stages are submitted as jobs of their own by
        // another thread, and one submitted just after an interrupt ran on to its end (hours, holding
        // the executors' cores) although Spark reported the operation cancelled.
        // The parser's cache flushed past a tenth of the driver's memory (Spark 4.1 and later; an
        // older Spark keeps the setting unread): it keeps states for every statement parsed, and
        // Byline's statements are long and varied; unmanaged, a few thousand filled a 512 MiB driver.
        for setting in [
            "spark.sql.ansi.enabled=true", "spark.sql.ansi.doubleQuotedIdentifiers=true", "spark.sql.adaptive.enabled=false",
            "spark.sql.parser.manageParserCaches=true", "spark.sql.parser.parserDfaCacheFlushRatio=10",
        ] {
            try execute("SET \(setting)", bindings: [])
        }
    }

    deinit { close() }

    package func close() {
        client?.close()
        client = nil
    }

    private func session() throws(DatabaseError) -> SparkConnectClient {
        guard let client else { throw DatabaseError("the connection to Spark is closed", help: "open it again with .open", kind: .connection) }
        return client
    }

    // MARK: - Statements

    /// Spark's error in Byline's terms: an overflow is Byline's overflow, an interrupt a cancel.
    static func error(_ error: SparkError, statement: String?) -> DatabaseError {
        if error.isInterrupted { return DatabaseError.cancelled }
        if error.isConnectionFailure {
            return DatabaseError(
                "the connection to Spark failed: \(error.message)", help: "check that Spark Connect still runs, then .open it again",
                kind: .connection, statement: statement)
        }
        if let errorClass = error.errorClass, errorClass.hasPrefix("ARITHMETIC_OVERFLOW") || errorClass.hasPrefix("BINARY_ARITHMETIC_OVERFLOW") {
            var overflow = DatabaseError.integerOverflow("integer overflow (Spark: \(error.message))")
            overflow.statement = statement
            return overflow
        }
        if error.errorClass == "USER_RAISED_EXCEPTION" {  // the generated SQL's raise_error: Byline's own words
            var message = error.message
            if message.hasPrefix("[USER_RAISED_EXCEPTION] ") { message.removeFirst("[USER_RAISED_EXCEPTION] ".count) }
            if let state = message.range(of: " SQLSTATE: ", options: .backwards) { message = String(message[..<state.lowerBound]) }
            return DatabaseError(message, statement: statement)
        }
        return DatabaseError("Spark: \(error.message)", statement: statement)
    }

    /// The statement's values, by their markers' names (`p1`, `p2`, …).
    static func parameters(_ bindings: [Value]) -> [String: SparkParameter] {
        var parameters: [String: SparkParameter] = [:]
        for (index, value) in bindings.enumerated() {
            let parameter: SparkParameter
            switch value {
            case .null: parameter = .null
            case .integer(let number): parameter = .long(Int64(number))
            case .float(let number): parameter = number.isNaN ? .null : .double(number)
            case .bool(let flag): parameter = .bool(flag)
            default: parameter = DatabaseCatalog.text(of: value).map(SparkParameter.string) ?? .null
            }
            parameters[SQLDialect.parameterName(index + 1)] = parameter
        }
        return parameters
    }

    package func execute(_ sql: String, bindings: [Value], cancellation: CancellationFlag?) throws(DatabaseError) {
        try query(sql, bindings: bindings, types: [], cancellation: cancellation) { _ in }
    }

    package func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        try query(sql, bindings: bindings, types: types, cancellation: cancellation, row: row, batchEnded: {})
    }

    /// Hands the rows over an Arrow batch at a time: `batchEnded` follows each batch's rows.
    package func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void, batchEnded: () throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        let client = try session()
        if cancellation?.isCancelled == true { throw DatabaseError.cancelled }
        let execution: SparkExecution
        do {
            execution = try client.execute(sql, parameters: SparkConnection.parameters(bindings))
        } catch {
            throw SparkConnection.error(error, statement: sql)
        }
        while true {
            let batch: ArrowBatch?
            do {
                batch = try execution.nextBatch(isCancelled: { cancellation?.isCancelled == true })
            } catch {
                throw SparkConnection.error(error, statement: sql)
            }
            guard let batch else { return }
            batchesRead += 1
            let columns: [[Value]]
            do {
                columns = try SparkConnection.values(of: batch, as: types)
            } catch {
                execution.cancel()
                throw error
            }
            var values: [Value] = []
            do {
                for index in 0..<batch.rowCount {
                    values.removeAll(keepingCapacity: true)
                    for column in columns { values.append(column[index]) }
                    try row(values)
                }
                try batchEnded()
            } catch {
                execution.cancel()  // stops the operation on the cluster too
                throw error
            }
        }
    }

    /// A batch's columns as Byline values of `types` (as many columns as there are types).
    static func values(of batch: ArrowBatch, as types: [DataType]) throws(DatabaseError) -> [[Value]] {
        guard batch.columns.count >= types.count else {
            throw DatabaseError("Spark returned \(batch.columns.count) fields where \(types.count) were expected")
        }
        var result: [[Value]] = []
        for (index, type) in types.enumerated() {
            var column: [Value] = []
            column.reserveCapacity(batch.rowCount)
            for row in 0..<batch.rowCount {
                guard let value = value(in: batch.columns[index], at: row, as: type) else {
                    throw DatabaseError(
                        "Spark returned a value for field \(index + 1) (\(batch.fields[index].name)) that is not \(type == .integer ? "an" : "a") \(type)")
                }
                column.append(value)
            }
            result.append(column)
        }
        return result
    }

    /// One value of an Arrow column as the Byline type, nil when it is not one.
    static func value(in column: ArrowColumn, at row: Int, as type: DataType) -> Value? {
        let value: Value
        switch column {
        case .null: return .null
        case .bool(let values): value = values[row].map(Value.bool) ?? .null
        case .integer(let values): value = values[row].map { Value.integer(Int($0)) } ?? .null
        case .unsignedInteger(let values):
            guard let number = values[row] else { return .null }
            guard let exact = Int(exactly: number) else { return nil }
            value = .integer(exact)
        case .float(let values): value = values[row].map(Value.float) ?? .null
        case .string(let values): value = values[row].map(Value.string) ?? .null
        case .date(let values):
            guard let days = values[row] else { return .null }
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
            value = .string(String(format: "%04d-%02d-%02d", year, month, day))
        case .decimal(let values):
            guard let number = values[row] else { return .null }
            value = number.scale == 0 ? (Int(exactly: number.units).map(Value.integer) ?? .string(number.description)) : .string(number.description)
        case .timestamp:
            return nil
        }
        if case .float(let number) = value, number.isNaN { return .null }  // not a number is null, as in Byline
        return DatabaseCatalog.coerce(value, to: type)
    }

    // MARK: - Catalog

    package func catalogTables() throws(DatabaseError) -> [DatabaseTable] {
        var names: [String] = []
        try query("SHOW TABLES", bindings: [], types: [.string, .string, .bool], cancellation: nil) { (row) throws(DatabaseError) in
            // Byline's own temporary views (the rows of a query's session tables) are not the user's.
            if case .string(let name) = row[1], !(row[2] == .bool(true) && name.hasPrefix("byline_")) { names.append(name) }
        }
        var tables: [DatabaseTable] = []
        // A table another session is storing is made under a byline_new_ name first: not one yet.
        for name in names.sorted() where !name.hasPrefix("byline_new_") {
            var columns: [(name: String, type: String)] = []
            // The columns, then (after an empty row or a "# …" heading) partitioning and details.
            var ended = false
            do {
                try query("DESCRIBE TABLE \(dialect.identifier(name))", bindings: [], types: [.string, .string, .string], cancellation: nil) {
                    (row) throws(DatabaseError) in
                    guard !ended else { return }
                    guard case .string(let column) = row[0], !column.isEmpty, !column.hasPrefix("#") else {
                        ended = true
                        return
                    }
                    var type = ""
                    if case .string(let declared) = row[1] { type = declared }
                    columns.append((column, type))
                }
            } catch {
                // Dropped since SHOW TABLES listed it (another session replacing it): not there now.
                if error.message.contains("TABLE_OR_VIEW_NOT_FOUND") { continue }
                throw error
            }
            var record: TableSchema?
            // A temporary view has no properties; a missing property is a row saying so.
            try? query("SHOW TBLPROPERTIES \(dialect.identifier(name))", bindings: [], types: [.string, .string], cancellation: nil) {
                (row) throws(DatabaseError) in
                if row[0] == .string(SparkConnection.schemaProperty), case .string(let text) = row[1] { record = SchemaRecord.decode(text) }
            }
            var visible = columns
            var ordinal: String?
            if record != nil, visible.last?.name == DatabaseTable.ordinalName {
                ordinal = DatabaseTable.ordinalName
                visible.removeLast()
            }
            var schema = TableSchema(name: name, fields: visible.map { Field(name: $0.name, type: dialect.bylineType(ofDeclared: $0.type)) })
            if let record, record.fields.map({ $0.name.lowercased() }) == visible.map({ $0.name.lowercased() }) {
                schema = record
                schema.name = name
            } else {
                ordinal = nil  // a table Byline did not make is read in Spark's order
            }
            tables.append(
                DatabaseTable(schema: schema, sqlName: name, columnNames: visible.map(\.name), declaredTypes: visible.map(\.type), ordinalColumn: ordinal))
        }
        return tables
    }

    /// A table's rows, numbered in the last column when `numbered`, as Arrow columns of the
    /// dialect's types (dates and lists as their text).
    static func arrowColumns(of table: Table) -> [ArrowColumnToWrite] {
        var columns: [ArrowColumnToWrite] = []
        for (field, column) in zip(table.schema.fields, table.columns) {
            let rows = 0..<table.rowCount
            let values: ArrowColumn
            switch field.type {
            case .integer:
                values = .integer(rows.map { row -> Int64? in if case .integer(let number) = column.value(at: row) { return Int64(number) } else { return nil } })
            case .float:
                values = .float(rows.map { row -> Double? in
                    switch column.value(at: row) {
                    case .float(let number): return number
                    case .integer(let number): return Double(number)
                    default: return nil
                    }
                })
            case .bool:
                values = .bool(rows.map { row -> Bool? in if case .bool(let flag) = column.value(at: row) { return flag } else { return nil } })
            default:
                values = .string(rows.map { DatabaseCatalog.text(of: column.value(at: $0)) })
            }
            columns.append(ArrowColumnToWrite(name: field.name, values: values))
        }
        return columns
    }

    /// `text` as a Spark string literal (backslash escapes).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    package func storeTable(
        _ table: Table, as name: String, temporary: Bool, replacing: Bool, cancellation: CancellationFlag?
    ) throws(DatabaseError) {
        try DatabaseCatalog.checkStorable(table.schema, as: name, dialect: dialect, temporary: temporary)
        let client = try session()
        let numbered = Table(
            schema: TableSchema(name: name, fields: table.schema.fields + [Field(name: DatabaseTable.ordinalName, type: .integer)]),
            columns: table.columns + [Column(type: .integer, storage: .integers(Array(0..<table.rowCount), .none))],
            rowCount: table.rowCount)
        let view = temporary ? name : "byline_push_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        do {
            try client.createTemporaryView(view, columns: SparkConnection.arrowColumns(of: numbered), isCancelled: { cancellation?.isCancelled == true })
        } catch {
            throw SparkConnection.error(error, statement: nil)
        }
        guard !temporary else { return }
        defer { try? execute("DROP VIEW IF EXISTS \(dialect.identifier(view))", bindings: []) }
        // Made under a new name, then put in place: a failure leaves the old table as it was.
        let fresh = view.replacingOccurrences(of: "byline_push_", with: "byline_new_")
        var record = table.schema
        record.name = name
        let columns = numbered.schema.fields.map { "CAST(\(dialect.identifier($0.name)) AS \(dialect.columnType($0.type))) AS \(dialect.identifier($0.name))" }
        try execute(
            "CREATE TABLE \(dialect.identifier(fresh)) USING parquet TBLPROPERTIES (\(SparkConnection.literal(SparkConnection.schemaProperty)) = "
                + "\(SparkConnection.literal(SchemaRecord.encode(record)))) AS SELECT \(columns.joined(separator: ", ")) FROM \(dialect.identifier(view))",
            bindings: [], cancellation: cancellation)
        do {
            if replacing { try execute("DROP TABLE IF EXISTS \(dialect.identifier(name))", bindings: [], cancellation: nil) }
            try execute("ALTER TABLE \(dialect.identifier(fresh)) RENAME TO \(dialect.identifier(name))", bindings: [], cancellation: nil)
        } catch {
            try? execute("DROP TABLE IF EXISTS \(dialect.identifier(fresh))", bindings: [])
            throw error
        }
    }

    package func copy(_ table: Table, into target: String, cancellation: CancellationFlag?) throws(DatabaseError) {
        let client = try session()
        let view = "byline_copy_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        do {
            try client.createTemporaryView(view, columns: SparkConnection.arrowColumns(of: table), isCancelled: { cancellation?.isCancelled == true })
        } catch {
            throw SparkConnection.error(error, statement: nil)
        }
        defer { try? execute("DROP VIEW IF EXISTS \(dialect.identifier(view))", bindings: []) }
        try execute("INSERT INTO \(target) SELECT * FROM \(dialect.identifier(view))", bindings: [], cancellation: cancellation)
    }

    /// Spark has no transactions: `body` runs as it is, and what it did before a failure stays.
    /// (A table Byline stores is still put in place only once it is whole; see `storeTable`.)
    package func transaction(_ body: () throws(DatabaseError) -> Void) throws(DatabaseError) {
        try body()
    }
}

/// Opens a database by how it is written: an `sc://` address for Spark Connect, otherwise as
/// `openDatabase` does (a PostgreSQL address, or an SQLite file).
package func openDatabase(at location: String) throws(DatabaseError) -> DatabaseConnection {
    if FileAccess.isSparkAddress(location) { return try SparkConnection(location) }
    return try BylineDatabases.openDatabase(location)
}
