// Random window functions and `distinct by` over random tables: Byline's engine against SQLite's
// own window functions (the SQL written by QueryGenerator.windowQuery and distinctByQuery, not by
// Byline), and the same Byline query compiled by Byline for SQLite (and PostgreSQL, under
// Scripts/with-postgres).

import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct WindowDifferentialTests {
    @Test func windowsAgreeWithSQLite() throws {
        var settings = DifferentialTests.Settings.fromEnvironment()
        settings.firstSeed &+= 500_000
        settings.seeds = max(1, settings.seeds / 3)
        try compare(settings, postgres: nil)
    }

    /// The same, with PostgreSQL as a third engine (BYLINE_POSTGRES, which `Scripts/with-postgres` sets).
    @Test func windowsAgreeInEveryBackend() throws {
        let postgres = try PostgresForTests.connect(schema: "window_differential") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        var settings = DifferentialTests.Settings.fromEnvironment()
        settings.firstSeed &+= 600_000
        settings.seeds = max(1, settings.seeds / 3)
        try compare(settings, postgres: postgres)
    }

    func compare(_ settings: DifferentialTests.Settings, postgres: PostgresForTests?) throws {
        var compared = 0
        var overflows = 0
        var refused = 0
        var floatRange = 0
        var movedDifferently = 0
        var mismatches: [String] = []
        for seed in settings.firstSeed..<(settings.firstSeed + UInt64(settings.seeds)) {
            var random = SplitMix64(state: seed)
            let tables = RandomTables(random: &random)
            let native = Session(tables: [])
            tables.register(in: native)
            let database = try SQLiteDatabase()
            try tables.create(in: database)
            var backends: [(String, Session)] = []
            var connections: [(String, DatabaseConnection)] = [("byline's sqlite", try SQLiteConnection(path: ":memory:"))]
            if let postgres { connections.append(("byline's postgresql", postgres.connection)) }
            for (name, connection) in connections {
                let session = Session(tables: [])
                try session.open(connection)
                for table in tables.tables { try session.store(table, as: table.schema.name) }
                backends.append((name, session))
            }
            var generator = QueryGenerator(seed: seed &* 6271)
            // Window functions, then a quarter as many `distinct by` queries.
            for number in 0..<(settings.queries + settings.queries / 4) {
                let query = number < settings.queries ? generator.windowQuery() : generator.distinctByQuery()
                let byline = DifferentialTests.run(query.byline, in: native)
                if query.expectsError {
                    // A string that is no date, compared with a date: refused before running.
                    refused += 1
                    if case .failure(let message) = byline, message.contains("is not a date") { continue }
                    mismatches.append("seed \(seed), query \(number):\n  byline: \(query.byline)\n  must fail with 'is not a date', gave \(byline)")
                    continue
                }
                if case .overflow = byline {
                    overflows += 1
                    continue
                }
                compared += 1
                let sqlite = DifferentialTests.run(query.sql, in: database)
                // A moving sum or average: Byline adds each frame's values afresh, SQLite adds the
                // row entering and subtracts the row leaving, so where huge values cancel (1e300,
                // integers past 2^53 averaged as floats, a sum that overflows only on the way) the
                // two differ in that field alone (about 1 query in 20; at most 1 in 10).
                let moving = query.byline.contains(" preceding)") && (query.byline.contains("sum(") || query.byline.contains("avg("))
                // PostgreSQL adds each frame afresh, as Byline does: it is compared exactly.
                func addedDifferently(_ answer: DifferentialTests.Outcome) -> Bool {
                    moving && (DifferentialTests.differOnlyIn([1], byline, answer, ordered: true) || isOverflow(answer))
                }
                if addedDifferently(sqlite) {
                    movedDifferently += 1
                } else if let difference = DifferentialTests.difference(byline, sqlite, ordered: true) {
                    mismatches.append("seed \(seed), query \(number):\n  byline: \(query.byline)\n  sql:    \(query.sql)\n  \(difference)")
                }
                for (name, session) in backends {
                    let answer = DifferentialTests.run(query.byline, in: session)
                    if name.hasSuffix("sqlite"), addedDifferently(answer) { continue }
                    // PostgreSQL stops a float result past ±1.8e308 (or below the smallest double)
                    // with an error, where Byline gives infinity or 0 (README, "SQL backends").
                    if name.hasSuffix("postgresql"), case .failure(let message) = answer,
                        message.contains("value out of range: overflow") || message.contains("value out of range: underflow")
                    {
                        floatRange += 1
                        continue
                    }
                    // A window function reads only some rows' values (`last_value` the frame's last),
                    // which a database may compute for every row: an overflow in a value the answer
                    // does not need may be raised there alone (README, "When a value is computed").
                    if DifferentialTests.oneOverflowed(byline, answer) { continue }
                    if let difference = DifferentialTests.difference(byline, answer, ordered: true) {
                        mismatches.append("seed \(seed), query \(number), \(name):\n  byline: \(query.byline)\n  \(difference)")
                    }
                }
            }
            backends.first?.1.closeDatabase()
        }
        let report = "\(mismatches.count) of \(compared) window queries differ:\n" + mismatches.prefix(12).joined(separator: "\n")
        #expect(mismatches.isEmpty, Comment(rawValue: report))
        #expect(overflows * 5 < compared, "\(overflows) of \(compared) queries overflowed")
        #expect(floatRange * 10 < compared, "\(floatRange) of \(compared) queries stopped by PostgreSQL's float range")
        #expect(refused * 5 < compared, "\(refused) of \(compared) queries compared a date with a string that is no date")
        #expect(movedDifferently * 10 <= compared, "\(movedDifferently) of \(compared) moving sums differ")
        print(
            "windows: \(compared) queries compared with SQLite\(postgres == nil ? "" : " and PostgreSQL"), \(overflows) stopped by integer overflow, \(refused) refused for a date that is none, \(movedDifferently) moving sums added differently, \(floatRange) stopped by PostgreSQL's float range, \(mismatches.count) differ")
    }

    func isOverflow(_ outcome: DifferentialTests.Outcome) -> Bool {
        if case .overflow = outcome { return true }
        return false
    }
}
