// The seam between a session and a database engine: what a driver must do (run a statement with
// bound values, stream rows back, copy rows in fast), and what Byline does above any driver
// (reading the catalog, creating tables, keeping each table's Byline schema beside it).

/// A connection to a database that queries can be compiled for and run in. The drivers
/// (PostgreSQL through libpq, SQLite through the system library) are in the `BylineDatabases` module.
package protocol DatabaseConnection: AnyObject {
    /// The SQL the engine speaks.
    var dialect: SQLDialect { get }
    /// Where the connection goes, for messages (never a password).
    var location: String { get }
    /// Runs a statement with bound values, passing each row, its values decoded as `types`, to `row`.
    func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void
    ) throws(DatabaseError)
    /// Runs a statement as `query(_:bindings:types:cancellation:row:)` does, calling `batchEnded`
    /// after each part of the rows the engine handed over (Spark: each Arrow batch), so a caller
    /// can show the rows so far before the rest arrive. The default hands over one part, the
    /// whole result. An error `batchEnded` throws stops the statement (on the server too).
    func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void, batchEnded: () throws(DatabaseError) -> Void
    ) throws(DatabaseError)
    /// Runs a statement that returns no rows; `cancellation` stops it (on the server too) when set.
    func execute(_ sql: String, bindings: [Value], cancellation: CancellationFlag?) throws(DatabaseError)
    /// Appends every row of a table to the database table `target` (an SQL name, already quoted,
    /// perhaps qualified by its schema) whose columns match it, the fastest way the engine has
    /// (PostgreSQL's COPY; one prepared statement on SQLite); `cancellation` stops it.
    func copy(_ table: Table, into target: String, cancellation: CancellationFlag?) throws(DatabaseError)
    /// Runs `body` as one transaction (a savepoint within one already open): what it did is kept
    /// when it returns and undone, all of it, when it throws.
    func transaction(_ body: () throws(DatabaseError) -> Void) throws(DatabaseError)
    /// Ends the connection.
    func close()
    /// Every table and view of the database, with its fields' Byline types. The default reads
    /// the SQL catalog (`DatabaseCatalog.tables`); a driver whose engine keeps its catalog
    /// another way (Spark) reads it itself.
    func catalogTables() throws(DatabaseError) -> [DatabaseTable]
    /// Stores `table` as the database table `name`, as `DatabaseCatalog.store` does by default;
    /// a driver whose engine has no transactions or row-by-row deletes (Spark) stores it its own way.
    func storeTable(
        _ table: Table, as name: String, temporary: Bool, replacing: Bool, cancellation: CancellationFlag?
    ) throws(DatabaseError)
}

extension DatabaseConnection {
    /// The rows in one part: `batchEnded` once, after the last row.
    public func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
        row: ([Value]) throws(DatabaseError) -> Void, batchEnded: () throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        try query(sql, bindings: bindings, types: types, cancellation: cancellation, row: row)
        try batchEnded()
    }

    public func catalogTables() throws(DatabaseError) -> [DatabaseTable] {
        try DatabaseCatalog.tables(in: self)
    }

    public func storeTable(
        _ table: Table, as name: String, temporary: Bool = false, replacing: Bool = true, cancellation: CancellationFlag? = nil
    ) throws(DatabaseError) {
        try DatabaseCatalog.store(table, as: name, in: self, temporary: temporary, replacing: replacing, cancellation: cancellation)
    }

    /// Runs a statement that returns no rows and cannot be cancelled.
    public func execute(_ sql: String, bindings: [Value]) throws(DatabaseError) {
        try execute(sql, bindings: bindings, cancellation: nil)
    }
}

/// Transactions that nest: the outermost is BEGIN … COMMIT, an inner one a savepoint, and a
/// failure undoes exactly what its own body did. Each driver keeps one per connection.
package final class TransactionNesting {
    private var depth = 0

    public init() {}

    /// Runs `body` inside a transaction or savepoint of `connection`.
    public func run(
        on connection: DatabaseConnection, _ body: () throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        let savepoint = "byline_savepoint_\(depth)"
        try connection.execute(depth == 0 ? "BEGIN" : "SAVEPOINT \(savepoint)", bindings: [])
        depth += 1
        defer { depth -= 1 }
        do {
            try body()
        } catch {
            // The connection may be gone (a killed server); the database undoes an unfinished
            // transaction by itself then, so a failed rollback changes nothing here.
            if depth == 1 {
                try? connection.execute("ROLLBACK", bindings: [])
            } else {
                try? connection.execute("ROLLBACK TO SAVEPOINT \(savepoint)", bindings: [])
                try? connection.execute("RELEASE SAVEPOINT \(savepoint)", bindings: [])
            }
            throw error
        }
        do {
            try connection.execute(depth == 1 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)", bindings: [])
        } catch {
            if depth == 1 { try? connection.execute("ROLLBACK", bindings: []) }
            throw error
        }
    }
}

/// Reading and writing tables of a database, for any driver.
package enum DatabaseCatalog {
    /// The table where Byline keeps the schema of each table it stored (types SQL does not have,
    /// such as partial dates and lists, a table's key, aliases and references).
    public static let schemaTable = "byline_schemas"

    /// Every table and view of the database, with its fields' Byline types.
    public static func tables(in database: DatabaseConnection) throws(DatabaseError) -> [DatabaseTable] {
        let sql: String
        switch database.dialect {
        case .postgresql:
            sql = """
                SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
                WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position
                """
        case .sqlite:
            sql = """
                SELECT m.name, p.name, p.type FROM sqlite_schema m JOIN pragma_table_info(m.name) p
                WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid
                """
        case .spark:
            throw DatabaseError("Spark's catalog is read by its driver (catalogTables), not as SQL tables")
        }
        let keys = try primaryKeys(in: database)
        var columns: [(table: String, column: String, type: String)] = []
        try database.query(sql, bindings: [], types: [.string, .string, .string], cancellation: nil) { (row) throws(DatabaseError) in
            if case .string(let table) = row[0], case .string(let column) = row[1] {
                var type = ""
                if case .string(let declared) = row[2] { type = declared }
                columns.append((table, column, type))
            }
        }
        var recorded: [String: TableSchema] = [:]
        // A table of that name Byline did not make (other columns) is read as holding no
        // records, so it cannot keep the database from opening.
        let recordColumns = columns.filter { $0.table == schemaTable }.map(\.column)
        if recordColumns.contains("name"), recordColumns.contains("definition") {
            try? database.query(
                "SELECT name, definition FROM \(database.dialect.identifier(schemaTable))", bindings: [], types: [.string, .string],
                cancellation: nil
            ) { (row) throws(DatabaseError) in
                if case .string(let name) = row[0], case .string(let text) = row[1], let schema = SchemaRecord.decode(text) {
                    recorded[name] = schema
                }
            }
        }
        var tables: [DatabaseTable] = []
        var index = 0
        while index < columns.count {
            let name = columns[index].table
            var end = index
            while end < columns.count, columns[end].table == name { end += 1 }
            let own = columns[index..<end]
            defer { index = end }
            if name == schemaTable { continue }
            var visible = Array(own)
            var ordinal: String?
            if recorded[name] != nil, visible.last?.column == DatabaseTable.ordinalName {
                ordinal = DatabaseTable.ordinalName
                visible.removeLast()
            }
            let names = visible.map(\.column)
            let declared = visible.map(\.type)
            var schema = TableSchema(
                name: name, fields: visible.map { Field(name: $0.column, type: database.dialect.bylineType(ofDeclared: $0.type)) })
            if let record = recorded[name], record.fields.map(\.name) == names {
                schema = record
                schema.name = name
            } else {
                // A table Byline did not make is read in the order of its primary key, when that
                // is one column (SQLite: else its rowid), which also breaks ties in sorts.
                ordinal = nil
                if let key = keys[name] { ordinal = key }
            }
            tables.append(DatabaseTable(schema: schema, sqlName: name, columnNames: names, declaredTypes: declared, ordinalColumn: ordinal))
        }
        return tables
    }

    /// The column that orders each table: its primary key where that is one column, and on SQLite
    /// the rowid of a table without one (a view has neither).
    static func primaryKeys(in database: DatabaseConnection) throws(DatabaseError) -> [String: String] {
        let sql: String
        switch database.dialect {
        case .postgresql:
            sql = """
                SELECT k.table_name, k.column_name FROM information_schema.table_constraints t
                JOIN information_schema.key_column_usage k
                  ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema AND k.table_name = t.table_name
                WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = current_schema()
                """
        case .sqlite:
            sql = """
                SELECT m.name, CASE WHEN max(p.pk) = 0 AND m.sql NOT LIKE '%WITHOUT ROWID%'
                  AND sum(lower(p.name) IN ('rowid', '_rowid_', 'oid')) = 0 THEN 'rowid' ELSE max(CASE WHEN p.pk = 1 THEN p.name END) END
                FROM sqlite_schema m JOIN pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' GROUP BY m.name HAVING max(p.pk) <= 1
                """
        case .spark:
            return [:]  // Spark tables have no primary keys
        }
        var columns: [String: [String]] = [:]
        try database.query(sql, bindings: [], types: [.string, .string], cancellation: nil) { (row) throws(DatabaseError) in
            if case .string(let table) = row[0], case .string(let column) = row[1] { columns[table, default: []].append(column) }
        }
        return columns.compactMapValues { $0.count == 1 ? $0[0] : nil }
    }

    /// Creates a table holding `table`'s rows (replacing one of that name when `replacing`), and
    /// records its Byline schema. Temporary tables last as long as the connection, live in the
    /// connection's own schema (so a user's table of the same name is never touched), and are
    /// not recorded.
    ///
    /// All or nothing: the old table is dropped, the new one made and filled and its schema
    /// recorded in one transaction, so a failure or a cancel (`cancellation`) leaves the database
    /// exactly as it was.
    public static func store(
        _ table: Table, as name: String, in database: DatabaseConnection, temporary: Bool = false, replacing: Bool = true,
        cancellation: CancellationFlag? = nil
    ) throws(DatabaseError) {
        let dialect = database.dialect
        try checkStorable(table.schema, as: name, dialect: dialect, temporary: temporary)
        let names = table.schema.fields.map { dialect.identifier($0.name) }
        // The last column numbers the rows, so queries read them in this order.
        let definitions = zip(names, table.schema.fields).map { name, field in name + " " + dialect.columnType(field.type) }
            + [dialect.identifier(DatabaseTable.ordinalName) + " " + dialect.columnType(.integer)]
        let target = temporary ? dialect.temporarySchema + "." + dialect.identifier(name) : dialect.identifier(name)
        let numbered = Table(
            schema: TableSchema(name: name, fields: table.schema.fields + [Field(name: DatabaseTable.ordinalName, type: .integer)]),
            columns: table.columns + [Column(type: .integer, storage: .integers(Array(0..<table.rowCount), .none))],
            rowCount: table.rowCount)
        try database.transaction { () throws(DatabaseError) in
            if replacing { try database.execute("DROP TABLE IF EXISTS \(target)", bindings: [], cancellation: cancellation) }
            try database.execute(
                "CREATE \(temporary ? "TEMPORARY " : "")TABLE \(target) (\(definitions.joined(separator: ", ")))",
                bindings: [], cancellation: cancellation)
            try database.copy(numbered, into: target, cancellation: cancellation)
            guard !temporary else { return }
            try database.execute(
                "CREATE TABLE IF NOT EXISTS \(dialect.identifier(schemaTable)) (name text PRIMARY KEY, definition text NOT NULL)",
                bindings: [], cancellation: cancellation)
            try database.execute(
                "DELETE FROM \(dialect.identifier(schemaTable)) WHERE name = \(dialect.placeholder(1, type: .string))", bindings: [.string(name)],
                cancellation: cancellation)
            var schema = table.schema
            schema.name = name
            try database.execute(
                "INSERT INTO \(dialect.identifier(schemaTable)) (name, definition) VALUES (\(dialect.placeholder(1, type: .string)), \(dialect.placeholder(2, type: .string)))",
                bindings: [.string(name), .string(SchemaRecord.encode(schema))], cancellation: cancellation)
            if cancellation?.isCancelled == true { throw DatabaseError.cancelled }
        }
    }

    /// Refuses, before anything is sent, a table the database could not hold under these names
    /// exactly: an empty, NUL-holding or over-long name (which the engine would shorten, making
    /// it another table's), two fields SQL cannot tell apart, a field named as Byline's row
    /// numbers, or the name of Byline's own record of schemas.
    package static func checkStorable(_ schema: TableSchema, as name: String, dialect: SQLDialect, temporary: Bool) throws(DatabaseError) {
        if let problem = dialect.problem(withName: name) {
            throw DatabaseError("cannot store the table: \(problem)", help: "choose another table name")
        }
        if !temporary, name.lowercased() == schemaTable {
            throw DatabaseError(
                "'\(schemaTable)' is where Byline keeps the schemas of the tables it stores, and cannot be replaced",
                help: "choose another table name")
        }
        for field in schema.fields {
            if let problem = dialect.problem(withName: field.name) {
                throw DatabaseError("cannot store the field \(Value.string(field.name).literal): \(problem)", help: "rename the field with 'select … as …' first")
            }
        }
        if Set(schema.fields.map { $0.name.lowercased() }).count != schema.fields.count {
            throw DatabaseError(
                "the table has two fields whose names differ only in case (or not at all), which SQL cannot tell apart",
                help: "rename one with 'select … as …' first")
        }
        if schema.fields.contains(where: { $0.name.lowercased() == DatabaseTable.ordinalName }) {
            throw DatabaseError("'\(DatabaseTable.ordinalName)' is the name of the column where Byline keeps row order", help: "rename the field with 'select … as …'")
        }
    }

    /// A table's rows in the text format of PostgreSQL's COPY (tab between fields, `\N` for null,
    /// backslash escapes), handed to `send` about a megabyte at a time; false when `send` said stop.
    /// Written from the columns as they are stored: each distinct string is escaped once.
    public static func copyText(of table: Table, send: ([UInt8]) -> Bool) -> Bool {
        // COPY's text format escapes as TSV does (\\, \t, \n, \r).
        func escaped(_ text: String, into buffer: inout [UInt8]) {
            buffer.append(contentsOf: CSVFormatter.tabField(text).utf8)
        }
        let null: [UInt8] = [0x5C, 0x4E]
        func integer(_ number: Int, into buffer: inout [UInt8]) {
            if number == 0 { buffer.append(0x30); return }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            var magnitude = number.magnitude
            withUnsafeMutableBytes(of: &digits) { bytes in
                while magnitude > 0 {
                    bytes[count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                    magnitude /= 10
                    count += 1
                }
            }
            if number < 0 { buffer.append(0x2D) }
            withUnsafeBytes(of: &digits) { bytes in
                for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(bytes[index]) }
            }
        }
        // One writer per column, chosen once from how the column is stored.
        var writers: [(Int, inout [UInt8]) -> Void] = []
        for column in table.columns {
            switch column.storage {
            case .strings(let codes, let dictionary):
                let texts = dictionary.strings.map { text -> [UInt8] in
                    var bytes: [UInt8] = []
                    escaped(text, into: &bytes)
                    return bytes
                }
                writers.append { row, buffer in
                    let code = codes[row]
                    buffer.append(contentsOf: code < 0 ? null : texts[Int(code)])
                }
            case .integers(let values, let nulls):
                writers.append { row, buffer in
                    if nulls.isNull(row) { buffer.append(contentsOf: null) } else { integer(values[row], into: &buffer) }
                }
            case .integers32(let values, let nulls):
                writers.append { row, buffer in
                    if nulls.isNull(row) { buffer.append(contentsOf: null) } else { integer(Int(values[row]), into: &buffer) }
                }
            default:
                writers.append { row, buffer in
                    if let text = DatabaseCatalog.text(of: column.value(at: row)) { escaped(text, into: &buffer) } else { buffer.append(contentsOf: null) }
                }
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        for row in 0..<table.rowCount {
            for (index, write) in writers.enumerated() {
                if index > 0 { buffer.append(0x09) }
                write(row, &buffer)
            }
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                guard send(buffer) else { return false }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        return buffer.isEmpty || send(buffer)
    }

    /// A value read from a database as text (PostgreSQL's text format), as the Byline type.
    public static func decode(text: String, as type: DataType) -> Value? {
        switch type {
        case .null: return .null
        case .integer: return Int(text).map(Value.integer)
        case .float:
            switch text {
            case "Infinity": return .float(.infinity)
            case "-Infinity": return .float(-.infinity)
            case "NaN": return .null  // not a number is null, as in Byline's arithmetic
            default: return Double(text).map(Value.float)
            }
        case .string: return .string(text)
        case .bool:
            switch text {
            case "t", "true", "1": return .bool(true)
            case "f", "false", "0": return .bool(false)
            default: return nil
            }
        case .date: return PartialDate(text).map(Value.date)
        case .timestamp: return Timestamp(text).map(Value.timestamp)
        case .list(let element):
            guard let parsed = try? JSONReader.parse(Array(text.utf8)), case .list(let items) = JSONTableLoader.convert(parsed) else {
                return nil
            }
            var values: [Value] = []
            for item in items {
                guard let value = coerce(item, to: element) else { return nil }
                values.append(value)
            }
            return .list(values)
        }
    }

    /// A value from JSON or an engine's own types, made the Byline type (integers widen to floats,
    /// text becomes dates, 0 and 1 become bools); nil when it cannot be.
    public static func coerce(_ value: Value, to type: DataType) -> Value? {
        switch (value, type) {
        case (.null, _), (_, .null): return value
        case (.integer, .integer), (.float, .float), (.string, .string), (.bool, .bool), (.date, .date), (.timestamp, .timestamp): return value
        case (.integer(let number), .float): return .float(Double(number))
        case (.float(let number), .integer):
            guard number.rounded() == number, let whole = Int(exactly: number) else { return nil }
            return .integer(whole)
        case (.integer(let number), .bool) where number == 0 || number == 1: return .bool(number == 1)
        case (.string(let text), _): return decode(text: text, as: type)
        case (.list(let items), .list(let element)):
            var values: [Value] = []
            for item in items {
                guard let coerced = coerce(item, to: element) else { return nil }
                values.append(coerced)
            }
            return .list(values)
        default: return nil
        }
    }

    /// A value as text a database reads back as the same value (PostgreSQL's text format, COPY).
    public static func text(of value: Value) -> String? {
        switch value {
        case .null: return nil
        case .integer(let number): return String(number)
        case .float(let number):
            if number.isNaN { return nil }
            if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
            return "\(number)"
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .date(let date): return date.description
        case .timestamp(let time): return time.description
        case .list: return JSONText.encode(value)
        }
    }
}

/// A table's Byline schema as JSON, kept in the database beside the table.
package enum SchemaRecord {
    package static func encode(_ schema: TableSchema) -> String {
        var parts: [String] = []
        for field in schema.fields {
            var item = "{\"name\": \(JSONText.quote(field.name)), \"type\": \(JSONText.quote(field.type.description))"
            if let references = field.references { item += ", \"references\": \(JSONText.quote(references))" }
            parts.append(item + "}")
        }
        var text = "{\"fields\": [" + parts.joined(separator: ", ") + "]"
        if let key = schema.key { text += ", \"key\": \(JSONText.quote(key))" }
        if let aliases = schema.aliases { text += ", \"aliases\": \(JSONText.quote(aliases))" }
        if let summary = schema.summary { text += ", \"summary\": \(JSONText.quote(summary))" }
        return text + "}"
    }

    package static func decode(_ text: String) -> TableSchema? {
        guard let parsed = try? JSONReader.parse(Array(text.utf8)), case .object(let members) = parsed else { return nil }
        func string(_ value: JSONValue?) -> String? {
            if case .string(let text)? = value { return text }
            return nil
        }
        let object = Dictionary(members, uniquingKeysWith: { first, _ in first })
        guard case .array(let items)? = object["fields"] else { return nil }
        var fields: [Field] = []
        for item in items {
            guard case .object(let pairs) = item else { return nil }
            let field = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            guard let name = string(field["name"]), let typeName = string(field["type"]), let type = DataType(name: typeName) else {
                return nil
            }
            fields.append(Field(name: name, type: type, references: string(field["references"])))
        }
        return TableSchema(
            name: "", fields: fields, key: string(object["key"]), aliases: string(object["aliases"]), summary: string(object["summary"]))
    }
}
