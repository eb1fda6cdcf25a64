// The SQL engines a query can be compiled for, and how each spells what Byline means.
import BylineCore
import BylineStorage
import BylineSyntax
import Foundation

/// A database engine Byline compiles queries for.
package enum SQLDialect: String, Sendable, CaseIterable {
    case postgresql
    case sqlite
    /// Spark SQL through Spark Connect, in ANSI mode (overflow and bad casts raise errors).
    case spark

    /// The engine's name in messages.
    public var displayName: String {
        switch self {
        case .postgresql: return "PostgreSQL"
        case .sqlite: return "SQLite"
        case .spark: return "Spark"
        }
    }

    /// The schema where a connection's temporary tables live; naming it keeps a statement on a
    /// temporary table off a user's table of the same name.
    public var temporarySchema: String {
        switch self {
        case .postgresql: return "pg_temp"
        case .sqlite: return "temp"
        // Spark's temporary views are the session's own and take no schema.
        case .spark: return ""
        }
    }

    /// A bind parameter's placeholder, with the cast PostgreSQL needs to know its type. Text
    /// compares by code points whatever the server's default collation (`COLLATE "C"`), so two
    /// bound strings compare as in Byline's engine.
    package func placeholder(_ number: Int, type: DataType) -> String {
        switch self {
        case .postgresql:
            let column = columnType(type)
            return "CAST($\(number) AS \(column))" + (column == "text" ? " COLLATE \"C\"" : "")
        case .sqlite: return "?\(number)"
        // A named parameter marker, its value sent beside the statement (see `parameterName`);
        // Spark's strings compare by code points (UTF8_BINARY) without a collation.
        case .spark: return "CAST(:\(SQLDialect.parameterName(number)) AS \(columnType(type)))"
        }
    }

    /// The name of the `number`th value of a Spark statement (`p1`, `p2`, …).
    public static func parameterName(_ number: Int) -> String { "p\(number)" }

    /// How `explain` names the `number`th bound value (`$1`, `?1`, `:p1`).
    public func parameterLabel(_ number: Int) -> String {
        switch self {
        case .postgresql: return "$\(number)"
        case .sqlite: return "?\(number)"
        case .spark: return ":" + SQLDialect.parameterName(number)
        }
    }

    /// The literal false, as a test's value.
    package var falseLiteral: String { self == .sqlite ? "0" : "FALSE" }

    /// The type name of a double, for casts.
    package var doubleType: String {
        switch self {
        case .postgresql: return "double precision"
        case .sqlite: return "REAL"
        case .spark: return "DOUBLE"
        }
    }

    /// The name `VALUES` gives its `index`th column (from 0): `column1` in PostgreSQL and
    /// SQLite, `col1` in Spark.
    package func valuesColumn(_ index: Int) -> String { (self == .spark ? "col" : "column") + "\(index + 1)" }

    /// Whether the engine compares arrays element by element (so the least array of row numbers
    /// is the first row); PostgreSQL only.
    package var ordersArrays: Bool { self == .postgresql }

    /// A count of rows for LIMIT or OFFSET, from its placeholder: Spark takes an INT there.
    package func rowCount(_ placeholder: String) -> String { self == .spark ? "CAST(\(placeholder) AS INT)" : placeholder }

    /// Whether the engine compares a bigint with a double as doubles (2^53 + 1 equals 2^53), so
    /// the generator writes an exact comparison instead; SQLite compares them exactly.
    package var comparesNumbersAsDoubles: Bool { self != .sqlite }

    /// Whether integer `+ - * %` and unary minus raise an error on overflow in the engine itself
    /// (PostgreSQL's bigint operators; Spark in ANSI mode); SQLite's turn to floats, so Byline's
    /// own functions run there.
    package var checksIntegerOverflow: Bool { self != .sqlite }

    /// The column type a Byline type is stored as. Dates are their ISO-like text (whose byte order
    /// is their order); lists are JSON arrays; timestamps are PostgreSQL's `timestamp` (holding
    /// UTC) and, in SQLite, their text (`2009-01-01 00:00:00.25`, whose byte order is time order).
    public func columnType(_ type: DataType) -> String {
        switch (self, type) {
        case (.postgresql, .integer): return "bigint"
        case (.postgresql, .timestamp): return "timestamp"
        case (.postgresql, .float): return "double precision"
        case (.postgresql, .bool): return "boolean"
        case (.postgresql, .list): return "jsonb"
        case (.postgresql, _): return "text"
        case (.sqlite, .integer), (.sqlite, .bool): return "INTEGER"
        case (.sqlite, .float): return "REAL"
        case (.sqlite, _): return "TEXT"
        case (.spark, .integer): return "BIGINT"
        case (.spark, .float): return "DOUBLE"
        case (.spark, .bool): return "BOOLEAN"
        // Dates as their text, lists as JSON text, as in SQLite.
        case (.spark, _): return "STRING"
        }
    }

    /// Quotes a name as an SQL identifier. Quotes are doubled by Unicode scalar, not by
    /// character: a quote followed by a combining mark is one Swift `Character` but two scalars to
    /// the database, and must not end the identifier.
    /// Spark takes backquotes, whose only escape is a doubled backquote (a double-quoted name
    /// would read backslashes as escapes).
    public func identifier(_ name: String) -> String {
        let quote: Unicode.Scalar = self == .spark ? "`" : "\""
        var quoted = String.UnicodeScalarView()
        quoted.append(quote)
        for scalar in name.unicodeScalars {
            quoted.append(scalar)
            if scalar == quote { quoted.append(scalar) }
        }
        quoted.append(quote)
        return String(quoted)
    }

    /// The most bytes of UTF-8 a name may have: PostgreSQL cuts longer identifiers to 63 bytes
    /// (NAMEDATALEN - 1), which would make two different names one table; SQLite has no limit.
    public var maximumIdentifierBytes: Int? {
        switch self {
        case .postgresql: return 63
        case .sqlite, .spark: return nil
        }
    }

    /// Why a name cannot be a table or column name in this engine, or nil when it can: empty,
    /// holding a NUL (which ends a C string, so the engine would see a shorter name), or longer
    /// than the engine keeps.
    public func problem(withName name: String) -> String? {
        if name.isEmpty { return "an empty name cannot name a table or column" }
        if name.unicodeScalars.contains("\u{0}") { return "a name holding a NUL character cannot name a table or column" }
        if let maximum = maximumIdentifierBytes, name.utf8.count > maximum {
            return "\(displayName) keeps only the first \(maximum) bytes of a name, and \(Value.string(String(name.prefix(16))).literal)… has \(name.utf8.count)"
        }
        return nil
    }

    /// The Byline type of a column declared with an SQL type, and the expression that reads it as
    /// that type (a type Byline has no counterpart for is read as its text).
    public func bylineType(ofDeclared declared: String) -> DataType {
        let type = declared.lowercased()
        switch self {
        case .postgresql:
            switch type {
            case "bigint", "integer", "smallint", "int8", "int4", "int2": return .integer
            case "double precision", "real", "float8", "float4", "numeric": return .float
            case "boolean", "bool": return .bool
            case "date": return .date
            case "timestamp", "timestamp without time zone", "timestamptz", "timestamp with time zone": return .timestamp
            default: return type.hasPrefix("timestamp(") ? .timestamp : .string
            }
        case .sqlite:
            // SQLite's affinity rules (https://sqlite.org/datatype3.html#determination_of_column_affinity).
            if type.contains("int") { return .integer }
            if type.contains("bool") { return .bool }
            if type == "date" { return .date }
            if type == "datetime" || type.hasPrefix("timestamp") { return .timestamp }
            if type.contains("char") || type.contains("clob") || type.contains("text") { return .string }
            if type.contains("real") || type.contains("floa") || type.contains("doub") { return .float }
            // NUMERIC affinity (NUMERIC, DECIMAL(10,2) for money, and BOOLEAN above): SQLite keeps
            // such values as integers or reals when they look like numbers, so they are numbers.
            if type.contains("numeric") || type.contains("decimal") { return .float }
            return .string
        case .spark:
            switch type {
            case "bigint", "int", "integer", "smallint", "tinyint", "long", "short", "byte": return .integer
            case "double", "float", "real": return .float
            case "boolean": return .bool
            case "date": return .date
            default: return type.hasPrefix("decimal") ? .float : .string
            }
        }
    }

    /// How a column of a database table is read so its values have the Byline type: PostgreSQL's
    /// narrower numbers are widened (so arithmetic overflows at 64 bits, as Byline's does) and
    /// text compares by code points (`COLLATE "C"`, Byline's order); timestamps become UTC in
    /// PostgreSQL and Byline's own text in SQLite; anything else is read as text.
    package func readExpression(column: String, declared: String, as type: DataType) -> String {
        let name = identifier(column)
        switch (self, type) {
        case (.postgresql, .integer): return "CAST(\(name) AS bigint)"
        case (.postgresql, .float): return "CAST(\(name) AS double precision)"
        case (.postgresql, .bool): return name
        case (.postgresql, .list): return declared.lowercased() == "jsonb" ? name : "CAST(\(name) AS jsonb)"
        case (.postgresql, .timestamp):
            // A timestamptz is an instant: Byline's timestamp is that instant in UTC.
            let lowered = declared.lowercased()
            return lowered == "timestamptz" || lowered.hasSuffix("with time zone") ? "(\(name) AT TIME ZONE 'UTC')" : name
        case (.sqlite, .timestamp):
            // Text in any of the forms Byline reads (a T, an offset, no seconds) becomes its own.
            return "byline_to_timestamp(\(name))"
        case (.postgresql, _): return "CAST(\(name) AS text) COLLATE \"C\""
        case (.sqlite, .string), (.sqlite, .date):
            // A column of another declared type (or none) may hold numbers: read as text. A DATE
            // column has NUMERIC affinity, which would make a text it is compared with a number
            // (`d < "0042"` would compare with 42, and every date would be past it).
            let lowered = declared.lowercased()
            let isText = lowered.contains("char") || lowered.contains("clob") || lowered.contains("text")
            return isText ? name : "CAST(\(name) AS TEXT)"
        case (.sqlite, .float):
            // A NUMERIC or DECIMAL column keeps a whole number as an integer, which Byline's
            // arithmetic would then treat as one (and overflow where floats do not).
            let lowered = declared.lowercased()
            let isFloat = lowered.contains("real") || lowered.contains("floa") || lowered.contains("doub")
            return isFloat ? name : "CAST(\(name) AS REAL)"
        case (.sqlite, _): return name
        case (.spark, .integer): return "CAST(\(name) AS BIGINT)"
        case (.spark, .float): return "CAST(\(name) AS DOUBLE)"
        case (.spark, .bool): return name
        case (.spark, _): return declared.lowercased() == "string" ? name : "CAST(\(name) AS STRING)"
        }
    }
}

/// A table in a database, as a query reads it.
package struct DatabaseTable: Sendable {
    /// The table's Byline schema (from Byline's own record of it, or mapped from its SQL types).
    public var schema: TableSchema
    /// The table's name in the database.
    public var sqlName: String
    /// Each field's SQL type as declared, in the order of the schema's fields.
    public var declaredTypes: [String]
    /// Each field's name in the database.
    public var columnNames: [String]
    /// The column that gives the table's row order, which breaks ties in sorts: the hidden row
    /// numbers of a table Byline stored (`byline_row`); for a table the database already had,
    /// its primary key when that is one column, or SQLite's rowid; nil when there is none (a
    /// view, a PostgreSQL table without a one-column key).
    public var ordinalColumn: String?

    public init(schema: TableSchema, sqlName: String, columnNames: [String], declaredTypes: [String], ordinalColumn: String? = nil) {
        self.schema = schema
        self.sqlName = sqlName
        self.columnNames = columnNames
        self.declaredTypes = declaredTypes
        self.ordinalColumn = ordinalColumn
    }

    /// A session table as Byline stores it in a database of `dialect` under `sqlName`: a column
    /// per field, of the field's type, and the row numbers.
    package init(storing schema: TableSchema, as sqlName: String, dialect: SQLDialect) {
        self.init(
            schema: schema, sqlName: sqlName, columnNames: schema.fields.map(\.name),
            declaredTypes: schema.fields.map { dialect.columnType($0.type) }, ordinalColumn: DatabaseTable.ordinalName)
    }

    /// The name of the hidden row-number column of tables Byline stores.
    public static let ordinalName = "byline_row"
}

/// Why a query cannot run in a database.
package struct SQLUnsupported: Error, Sendable {
    /// What cannot be expressed, and where it should run instead.
    public var reason: String

    package init(reason: String) { self.reason = reason }
}
