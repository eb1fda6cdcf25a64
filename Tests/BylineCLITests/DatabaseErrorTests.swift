// Database errors are values with a kind, the database's own code and the failing statement: the
// session acts on the kind (an integer overflow is a runtime failure as in memory), never on the
// words of a message.

import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct DatabaseErrorTests {
    /// The error `body` throws, or nil when it throws none.
    func failure(_ body: () throws(DatabaseError) -> Void) -> DatabaseError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func sqliteErrorsCarryTheExtendedResultCodeAndTheStatement() throws {
        let database = try SQLiteConnection(path: ":memory:")
        defer { database.close() }
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)", bindings: [])
        let insert = "INSERT INTO t VALUES (?1)"
        try database.execute(insert, bindings: [1])
        let duplicate = failure { () throws(DatabaseError) in try database.execute(insert, bindings: [1]) }
        #expect(duplicate?.kind == .failed)
        #expect(duplicate?.resultCode == 1555, "SQLITE_CONSTRAINT_PRIMARYKEY")
        #expect(duplicate?.statement == insert)
        let syntax = failure { () throws(DatabaseError) in
            try database.query("SELEC 1", bindings: [], types: [.integer], cancellation: nil) { _ in }
        }
        #expect(syntax?.resultCode == 1, "SQLITE_ERROR")
        #expect(syntax?.statement == "SELEC 1")
    }

    @Test func anOverflowInSQLiteIsAnOverflowWhereverItIsRaised() throws {
        let database = try SQLiteConnection(path: ":memory:")
        defer { database.close() }
        // In one of Byline's own functions (its text reaches SQLite, its kind stays with the connection) …
        let own = "SELECT byline_add(9223372036854775807, 1)"
        let inFunction = failure { () throws(DatabaseError) in
            try database.query(own, bindings: [], types: [.integer], cancellation: nil) { _ in }
        }
        #expect(inFunction?.kind == .integerOverflow)
        #expect(inFunction?.message == "integer overflow in 9223372036854775807 + 1")
        #expect(inFunction?.statement == own)
        // … and in SQLite's own sum.
        let inSum = failure { () throws(DatabaseError) in
            try database.query(
                "SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)", bindings: [], types: [.integer],
                cancellation: nil
            ) { _ in }
        }
        #expect(inSum?.kind == .integerOverflow)
        // The function's error is not left behind for the next, unrelated failure.
        let next = failure { () throws(DatabaseError) in try database.execute("SELECT * FROM missing", bindings: [1]) }
        #expect(next?.kind == .failed)
        #expect(next?.message.contains("no such table") == true)
    }

    @Test func postgresqlErrorsCarryTheSQLSTATE() throws {
        let postgres = try PostgresForTests.connect(schema: "errors") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let database = postgres.connection
        let divide = "SELECT 1 / 0"
        let byZero = failure { () throws(DatabaseError) in
            try database.query(divide, bindings: [], types: [.integer], cancellation: nil) { _ in }
        }
        #expect(byZero?.sqlState == "22012", "division_by_zero")
        #expect(byZero?.kind == .failed)
        #expect(byZero?.statement == divide)
        let overflow = failure { () throws(DatabaseError) in
            try database.query("SELECT 9223372036854775807::bigint + 1", bindings: [], types: [.integer], cancellation: nil) { _ in }
        }
        #expect(overflow?.sqlState == "22003")
        #expect(overflow?.kind == .integerOverflow)
        let missing = failure { () throws(DatabaseError) in try database.execute("SELECT * FROM missing", bindings: []) }
        #expect(missing?.sqlState == "42P01", "undefined_table")
    }

    @Test func aDatabaseThatCannotBeOpenedIsAConnectionError() {
        let error = failure { () throws(DatabaseError) in _ = try SQLiteConnection(path: "/nonexistent-folder/x.sqlite") }
        #expect(error?.kind == .connection)
        #expect(error?.resultCode == 14, "SQLITE_CANTOPEN")
    }
}
