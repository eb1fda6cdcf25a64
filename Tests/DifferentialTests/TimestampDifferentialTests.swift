// Random queries over timestamps (QueryGenerator.timestampQuery) on the random tables: Byline's
// engine against SQLite running the generator's own SQL, and against Byline's SQL for SQLite and
// PostgreSQL (where a timestamp is PostgreSQL's own type, computed by its own calendar).
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct TimestampDifferentialTests {
    @Test func timestampsAgreeWithSQLite() throws {
        var settings = DifferentialTests.Settings.fromEnvironment()
        settings.firstSeed &+= 500_000
        var compared = 0
        var mismatches: [String] = []
        for seed in settings.firstSeed..<(settings.firstSeed + UInt64(settings.seeds)) {
            var random = SplitMix64(state: seed)
            let tables = RandomTables(random: &random, blocks: seed % 5 == 0 ? 1 : 0)
            let session = Session(tables: [])
            session.limits.threads = 2
            session.limits.minimumRowsPerThread = 1024
            tables.register(in: session)
            let database = try SQLiteDatabase()
            try tables.create(in: database)
            var generator = QueryGenerator(seed: seed &* 6_151)
            for number in 0..<max(1, settings.queries / 2) {
                let query = generator.timestampQuery()
                let byline = DifferentialTests.run(query.byline, in: session)
                let sqlite = DifferentialTests.run(query.sql, in: database)
                compared += 1
                if let difference = DifferentialTests.difference(byline, sqlite, ordered: query.ordered) {
                    mismatches.append("seed \(seed), query \(number):\n  byline: \(query.byline)\n  sql:    \(query.sql)\n  \(difference)")
                }
            }
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) of \(compared) differ:\n" + mismatches.prefix(10).joined(separator: "\n")))
        print("timestamps: \(compared) queries compared with SQLite, \(mismatches.count) differ")
    }

    @Test func databasesGiveBylinesTimestamps() throws {
        let postgres = try PostgresForTests.connect(schema: "timestamp_differential") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        var settings = DifferentialTests.Settings.fromEnvironment()
        settings.firstSeed &+= 600_000
        var compared = 0
        var mismatches: [String] = []
        for seed in settings.firstSeed..<(settings.firstSeed + UInt64(settings.seeds)) {
            var random = SplitMix64(state: seed)
            let tables = RandomTables(random: &random)
            let native = Session(tables: [])
            tables.register(in: native)
            var engines: [(String, Session)] = []
            for (name, connection) in [("sqlite", try SQLiteConnection(path: ":memory:") as DatabaseConnection), ("postgresql", postgres.connection)] {
                let session = Session(tables: [])
                try session.open(connection)
                for table in tables.tables { try session.store(table, as: table.schema.name) }
                engines.append((name, session))
            }
            var generator = QueryGenerator(seed: seed &* 6_151)
            for number in 0..<max(1, settings.queries / 2) {
                let query = generator.timestampQuery()
                let expected = DifferentialTests.run(query.byline, in: native)
                for (name, session) in engines {
                    compared += 1
                    // Rows come in Byline's order from the databases too, ordered or not.
                    if let difference = DifferentialTests.difference(expected, DifferentialTests.run(query.byline, in: session), ordered: true) {
                        mismatches.append("seed \(seed), query \(number), \(name):\n  byline: \(query.byline)\n  \(difference)")
                    }
                }
            }
            engines[0].1.closeDatabase()
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) of \(compared) differ:\n" + mismatches.prefix(10).joined(separator: "\n")))
        print("timestamps: \(compared) answers compared in SQLite and PostgreSQL, \(mismatches.count) differ")
    }
}
