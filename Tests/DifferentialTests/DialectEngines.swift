// The engines every dialect test compares: a table in Byline's own engine, and the same table
// stored in SQLite (in memory) and PostgreSQL (a throwaway schema), where each query is compiled
// to the database's SQL. One answer is required of all of them, value for value.
import Byline
import BylineDatabases
import BylineSpark
import Foundation
import Testing
import TestSupport

struct DialectEngines {
    /// Byline's own engine, holding the table as it was made.
    let native: Session
    /// The same table stored in each database, by name: SQLite, then PostgreSQL when given.
    let databases: [(name: String, session: Session)]

    /// Makes table `e` with `table` (the table of edge values unless told) in Byline's engine and
    /// stores it in SQLite in memory and, when given, in PostgreSQL's schema (its owner drops it).
    init(postgres: PostgresForTests?, table: (Session) throws -> Void = FunctionDialectTests.table(in:)) throws {
        native = Session(tables: [])
        try table(native)
        guard let made = native.table(named: "e") else { throw FunctionDialectTests.Missing(description: "table e") }
        var connections: [(String, DatabaseConnection)] = [("sqlite", try SQLiteConnection(path: ":memory:"))]
        if let postgres { connections.append(("postgresql", postgres.connection)) }
        var databases: [(name: String, session: Session)] = []
        for (name, connection) in connections {
            let session = Session(tables: [])
            try session.open(connection)
            databases.append((name, session))
            do {
                try session.store(made, as: "e")
            } catch {
                databases.forEach { if $0.name == "sqlite" { $0.session.closeDatabase() } }
                throw error
            }
        }
        self.databases = databases
    }

    /// Closes SQLite's in-memory database.
    func close() {
        for (name, session) in databases where name == "sqlite" { session.closeDatabase() }
    }

    /// Runs each query in Byline's engine (where it must not be an error) and in every database,
    /// and requires the same answer of each; returns how many answers were compared.
    @discardableResult
    func expectOneAnswer(to queries: [String], shown: Int = 900, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
        var differences: [String] = []
        var compared = 0
        for query in queries {
            let expected = DifferentialTests.exact(query, in: native)
            #expect(!expected.hasPrefix("error"), "\(query): \(expected)", sourceLocation: sourceLocation)
            for (name, session) in databases {
                let answer = DifferentialTests.exact(query, in: session)
                compared += 1
                if answer != expected { differences.append("\(name): \(query)\n  byline: \(expected.prefix(shown))\n  \(name): \(answer.prefix(shown))") }
            }
        }
        #expect(
            differences.isEmpty, Comment(rawValue: "\(differences.count) differ:\n" + differences.joined(separator: "\n")),
            sourceLocation: sourceLocation)
        return compared
    }
}

/// A session on the Spark Connect server at BYLINE_SPARK_URL (which `Scripts/with-spark` sets), in
/// a database of its own so the tests running beside it do not touch each other's tables. Without
/// the variable it throws, naming how to run `test` beside a server: a Spark test fails, never skips.
struct SparkForTests {
    let connection: SparkConnection
    let session: Session

    init(database: String, test: String) throws {
        guard let url = ProcessInfo.processInfo.environment["BYLINE_SPARK_URL"] else {
            throw FunctionDialectTests.Missing(
                description: "BYLINE_SPARK_URL is not set: run beside a server with Scripts/with-spark swift test --skip-build --filter \(test)")
        }
        connection = try SparkConnection(url)
        do {
            try connection.execute("CREATE DATABASE IF NOT EXISTS \(database)", bindings: [])
            try connection.execute("USE \(database)", bindings: [])
            session = Session(tables: [])
            try session.open(connection)
        } catch {
            connection.close()
            throw error
        }
    }

    /// Stores `native`'s tables of these names on Spark, under the same names.
    func store(_ names: [String], from native: Session) throws {
        for name in names {
            guard let table = native.table(named: name) else { throw FunctionDialectTests.Missing(description: "table \(name)") }
            try session.store(table, as: name)
        }
    }

    func close() { connection.close() }
}
