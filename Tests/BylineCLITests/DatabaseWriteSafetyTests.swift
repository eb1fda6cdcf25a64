// Writes to SQLite and PostgreSQL tried as an attacker would: a write that fails or is cancelled
// half-way leaves every table as it was; no file, field name or alias changes the SQL sent;
// Byline's own bookkeeping cannot be replaced or confused with a user's table; names the server
// would shorten are refused; names that differ only in case are never chosen at random.
import Byline
import BylineDatabases
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real connection whose next copies fail after they have written their rows, as a full disk,
/// a dropped connection or a bad value half-way through would.
final class FailingCopies: DatabaseConnection {
    let base: DatabaseConnection
    /// How many copies succeed before each later one fails (nil: none fails).
    var succeeding: Int?
    private var copies = 0

    init(_ base: DatabaseConnection) { self.base = base }

    var dialect: SQLDialect { base.dialect }
    var location: String { base.location }

    func query(
        _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?, row: ([Value]) throws(DatabaseError) -> Void
    ) throws(DatabaseError) {
        try base.query(sql, bindings: bindings, types: types, cancellation: cancellation, row: row)
    }

    func execute(_ sql: String, bindings: [Value], cancellation: CancellationFlag?) throws(DatabaseError) {
        try base.execute(sql, bindings: bindings, cancellation: cancellation)
    }

    func copy(_ table: Table, into target: String, cancellation: CancellationFlag?) throws(DatabaseError) {
        try base.copy(table, into: target, cancellation: cancellation)
        copies += 1
        if let succeeding, copies > succeeding { throw DatabaseError("the disk is full (a failure the test planted)") }
    }

    func transaction(_ body: () throws(DatabaseError) -> Void) throws(DatabaseError) {
        try base.transaction(body)
    }

    func close() { base.close() }
}

@Suite struct DatabaseWriteSafetyTests {
    /// Runs `body` with a new SQLite file, then a new PostgreSQL schema: the location for a
    /// `byline` process, and a way to open another connection to it.
    static func withDatabases(_ body: (String, TemporaryFolder, () throws -> DatabaseConnection) throws -> Void) throws {
        try TemporaryFolder.with("db-safety") { folder in
            let path = folder.path("test.sqlite")
            try body(path, folder, { try SQLiteConnection(path: path) })
            let postgres = try PostgresForTests.connect(schema: "safety") { try PostgreSQLConnection($0) }
            defer { postgres.drop() }
            try body(postgres.uri, folder, { try PostgreSQLConnection(postgres.uri) })
        }
    }

    /// The number `query` (one row, one integer) gives in a session on `connection`.
    static func count(_ query: String, _ session: Session) throws -> Value {
        let results = try session.run(query)
        return results.first?[0, 0] ?? .null
    }

    // MARK: - All or nothing

    @Test func aWriteThatFailsHalfWayLeavesTheOldTable() throws {
        try Self.withDatabases { location, _, open in
            let failing = FailingCopies(try open())
            let session = Session()
            try session.open(failing)
            _ = try session.run("range(3) save table t")
            failing.succeeding = 0
            // save table: the new rows were copied, then the write failed.
            #expect(throws: BylineError.self) { try session.run("range(5) save table t") }
            #expect(try Self.count("t count", session) == .integer(3), "\(location)")
            // store (what .import does) and push of several tables: the same.
            #expect(throws: BylineError.self) { try session.store(Table(schema: TableSchema(name: "x", fields: []), rows: []), as: "t") }
            failing.succeeding = 1
            _ = try session.run("let u = range(7)")
            #expect(throws: BylineError.self) { try session.push(["leaders", "u"]) }
            // The first table of the push was stored, then undone with the second.
            #expect(try Self.count("t count", session) == .integer(3), "\(location)")
            let fresh = Session(tables: [])
            try fresh.open(try open())
            #expect(!fresh.tableNames.contains("leaders"), "\(location): \(fresh.tableNames)")
            #expect(!fresh.tableNames.contains("u"))
            #expect(try Self.count("t count", fresh) == .integer(3))
            // Byline's record of schemas was rolled back with the tables: t is still integers named value.
            #expect(fresh.schema(of: "t")?.fields.map(\.name) == ["value"])
        }
    }

    @Test func aValueTheServerRefusesLeavesTheOldTable() throws {
        // PostgreSQL's COPY refuses a NUL in text after the table was dropped and made again.
        let postgres = try PostgresForTests.connect(schema: "safety_nul") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        try TemporaryFolder.with("db-safety") { folder in
            let first = try BylineBinary.run(["--db", postgres.uri, "--no-article", "-c", "range(2) select value, \"ok\" as s save table t"], in: folder.url)
            #expect(first.status == 0, "\(first.stderr)")
            let second = try BylineBinary.run(
                ["--db", postgres.uri, "--no-article", "-c", "range(3) select value, \"a\\u{0}b\" as s save table t"], in: folder.url)
            #expect(second.status == 1)
            let back = try BylineBinary.run(["--db", postgres.uri, "--no-article", "--format", "csv", "-c", "t"], in: folder.url)
            #expect(back.stdout == "value,s\n0,ok\n1,ok\n", "\(back.stdout)\(back.stderr)")
        }
    }

    /// A string holding NUL is refused, not cut at the NUL, when it is sent to PostgreSQL.
    @Test func aNULInAValueSentToPostgreSQLIsAnError() throws {
        let postgres = try PostgresForTests.connect(schema: "safety_nulparam") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let session = Session()
        try session.open(postgres.connection)
        try session.push(["leaders"])
        do {
            _ = try session.run("leaders where name = \"a\\u{0}b\" count")
            Issue.record("a NUL in a bound value was sent (PostgreSQL would compare only \"a\")")
        } catch {
            #expect(error.description.contains("NUL"), "\(error)")
        }
    }

    // MARK: - Names

    @Test func hostileNamesReachTheDatabaseAsNames() throws {
        // A quote followed by a combining mark is one Swift character but two Unicode scalars: it
        // must be doubled as a quote, or the rest of the header becomes SQL.
        let header = "id,\"x\"\"\u{301} INTEGER, evil INTEGER) --\""
        try Self.withDatabases { location, folder, open in
            _ = try folder.write("hostile.csv", header + "\n1,2\n")
            let load = try BylineBinary.run(["--db", location, "--no-article", "-c", ".import hostile.csv h"], in: folder.url)
            #expect(load.status == 0, "\(location): \(load.stderr)")
            let session = Session(tables: [])
            try session.open(try open())
            #expect(session.schema(of: "h")?.fields.map(\.name) == ["id", "x\"\u{301} INTEGER, evil INTEGER) --"], "\(location)")
            // Aliases and saved names take the same path.
            let alias = "a\"\u{301}b"
            let saved = try BylineBinary.run(
                ["--db", location, "--no-article", "--format", "csv", "-c", "range(2) select value as `\(alias)` save table `t\"\u{301}x`\n`t\"\u{301}x` select `\(alias)` as y"],
                in: folder.url)
            #expect(saved.status == 0, "\(location): \(saved.stderr)")
            #expect(saved.stdout == "y\n0\n1\n", "\(location): \(saved.stdout)")
            // .push of a let whose field is hostile.
            let pushed = try BylineBinary.run(
                ["--db", location, "--no-article", "--format", "csv", "-c", "let p = range(1) select value as `\(alias)`\n.push p\np"], in: folder.url)
            #expect(pushed.status == 0, "\(location): \(pushed.stderr)")
            #expect(pushed.stdout.hasSuffix("\"a\"\"\u{301}b\"\n0\n"), "\(location): \(pushed.stdout)")
        }
    }

    @Test func bylinesBookkeepingCannotBeReplacedOrConfused() throws {
        try Self.withDatabases { location, folder, open in
            // Byline's record of schemas cannot be the target of a write.
            let brick = try BylineBinary.run(["--db", location, "--no-article", "-c", "range(3) save table byline_schemas"], in: folder.url)
            #expect(brick.status == 1)
            #expect(brick.stderr.contains("byline_schemas"), "\(brick.stderr)")
            let after = try BylineBinary.run(["--db", location, "--no-article", "-c", "range(1) save table ok\nok count"], in: folder.url)
            #expect(after.status == 0, "\(location): \(after.stderr)")
            // A user's table named as Byline's temporary tables survives a query that sends a
            // session table to the database.
            let connection = try open()
            try connection.execute("CREATE TABLE byline_session_1 (v integer)", bindings: [])
            try connection.execute("INSERT INTO byline_session_1 VALUES (41)", bindings: [])
            connection.close()
            let mixed = try BylineBinary.run(
                ["--db", location, "--no-article", "--format", "csv", "-c", "let k = range(3)\nok join k on ok.value = k.value count"], in: folder.url)
            #expect(mixed.stdout == "count\n1\n", "\(location): \(mixed.stdout)\(mixed.stderr)")
            let kept = try BylineBinary.run(["--db", location, "--no-article", "--format", "csv", "-c", "byline_session_1"], in: folder.url)
            #expect(kept.stdout == "v\n41\n", "\(location): \(kept.stdout)\(kept.stderr)")
        }
    }

    @Test func aTableOfBylineSchemasThatBylineDidNotMakeDoesNotStopTheDatabaseOpening() throws {
        try Self.withDatabases { location, folder, open in
            let connection = try open()
            try connection.execute("CREATE TABLE byline_schemas (x integer)", bindings: [])
            try connection.execute("CREATE TABLE mine (y integer)", bindings: [])
            connection.close()
            let run = try BylineBinary.run(["--db", location, "--no-article", "-c", "mine count"], in: folder.url)
            #expect(run.status == 0, "\(location): \(run.stderr)")
        }
    }

    @Test func namesPostgreSQLWouldShortenAreRefused() throws {
        let postgres = try PostgresForTests.connect(schema: "safety_long") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        try TemporaryFolder.with("db-safety") { folder in
            let sixtyThree = String(repeating: "a", count: 63)
            let first = try BylineBinary.run(["--db", postgres.uri, "--no-article", "-c", "range(2) save table \(sixtyThree)"], in: folder.url)
            #expect(first.status == 0, "\(first.stderr)")
            // 64 bytes would be cut to the 63 above and replace that other table.
            let long = try BylineBinary.run(["--db", postgres.uri, "--no-article", "-c", "range(5) save table \(sixtyThree)b"], in: folder.url)
            #expect(long.status == 1)
            #expect(long.stderr.contains("63 bytes"), "\(long.stderr)")
            let field = try BylineBinary.run(
                ["--db", postgres.uri, "--no-article", "-c", "range(1) select value as \(sixtyThree)bc save table t"], in: folder.url)
            #expect(field.status == 1)
            #expect(field.stderr.contains("63 bytes"), "\(field.stderr)")
            let back = try BylineBinary.run(["--db", postgres.uri, "--no-article", "--format", "csv", "-c", "\(sixtyThree) count"], in: folder.url)
            #expect(back.stdout == "count\n2\n", "\(back.stdout)\(back.stderr)")
            // Two long names of session tables sent with one query do not share a temporary table.
            let prefix = String(repeating: "l", count: 70)
            let lets = try BylineBinary.run(
                ["--db", postgres.uri, "--no-article", "--format", "csv", "-c",
                 "let \(prefix)1 = range(2)\nlet \(prefix)2 = range(5)\n\(sixtyThree) join \(prefix)1 on \(sixtyThree).value = \(prefix)1.value join \(prefix)2 on \(sixtyThree).value = \(prefix)2.value count"],
                in: folder.url)
            #expect(lets.stdout == "count\n2\n", "\(lets.stdout)\(lets.stderr)")
        }
    }

    @Test func tablesWhoseNamesDifferOnlyInCaseAreNeverChosenAtRandom() throws {
        let postgres = try PostgresForTests.connect(schema: "safety_case") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        for (name, rows) in [("Foo", 1), ("FOO", 2), ("fOo", 3)] {
            try postgres.connection.execute("CREATE TABLE \"\(name)\" (v integer)", bindings: [])
            for row in 0..<rows { try postgres.connection.execute("INSERT INTO \"\(name)\" VALUES (\(row))", bindings: []) }
        }
        try TemporaryFolder.with("db-safety") { folder in
            for _ in 0..<3 {
                let exact = try BylineBinary.run(["--db", postgres.uri, "--no-article", "--format", "csv", "-c", "FOO count"], in: folder.url)
                #expect(exact.stdout == "count\n2\n", "\(exact.stdout)\(exact.stderr)")
                let ambiguous = try BylineBinary.run(["--db", postgres.uri, "--no-article", "--format", "csv", "-c", "foo count"], in: folder.url)
                #expect(ambiguous.status == 1, "\(ambiguous.stdout)")
            }
        }
    }

    // MARK: - Cancelling

    /// SIGINT to a batch byline waiting on a lock cancels its statement on the server (as psql
    /// does), and the table it meant to replace is unchanged.
    @Test func anInterruptedWriteIsCancelledOnTheServerAndChangesNothing() throws {
        let postgres = try PostgresForTests.connect(schema: "safety_cancel") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        try TemporaryFolder.with("db-safety") { folder in
            let first = try BylineBinary.run(["--db", postgres.uri, "--no-article", "-c", "range(4) save table t"], in: folder.url)
            #expect(first.status == 0, "\(first.stderr)")
            let locker = try PostgreSQLConnection(postgres.uri)
            defer { locker.close() }
            try locker.execute("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE", bindings: [])
            let process = Process()
            process.executableURL = BylineBinary.url
            process.arguments = ["--db", postgres.uri, "--no-article", "-c", "range(9) save table t"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait (up to 20 s) until its DROP waits for the lock on the server. Watched from a
            // connection of its own: pg_stat_activity stays as it was for the rest of a transaction.
            let observer = try PostgreSQLConnection(postgres.uri)
            defer { observer.close() }
            func waiting() throws -> Int {
                var count = 0
                try observer.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DROP TABLE%'",
                    bindings: [], types: [.integer], cancellation: nil
                ) { row in if case .integer(let number) = row[0] { count = number } }
                return count
            }
            var tries = 0
            while try waiting() == 0, tries < 400 {
                tries += 1
                usleep(50_000)
            }
            #expect(try waiting() == 1, "byline's write never waited for the lock")
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            // The cancel reached the server: nothing waits for the lock any more.
            tries = 0
            while try waiting() > 0, tries < 100 {
                tries += 1
                usleep(50_000)
            }
            #expect(try waiting() == 0, "the statement went on on the server after byline was interrupted")
            try locker.execute("COMMIT", bindings: [])
            let back = try BylineBinary.run(["--db", postgres.uri, "--no-article", "--format", "csv", "-c", "t count"], in: folder.url)
            #expect(back.stdout == "count\n4\n", "\(back.stdout)\(back.stderr)")
        }
    }
}
