// The statistics aggregates over the table of edge values, in Byline's engine and in PostgreSQL
// (percentile_cont, var_samp, stddev_samp, corr): one answer, to 12 significant digits. SQLite
// has none of them, and refuses each before running.
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct StatisticsDialectTests {
    static let queries = [
        "e select median(i), median(f), quantile(i, 0.9), quantile(f, 0.25), quantile(f, 0), quantile(i, 1), quantile(f, 0.333)",
        "e select variance(i), variance(f), stddev(i), stddev(f), corr(i, f), corr(f, id), corr(id, id * 2)",
        "e group by b select b, median(f), quantile(i, 0.75), variance(i), stddev(f), corr(i, f) order by b",
        "e group by i % 3 select median(id), variance(id), corr(id, f)",
        "e where id < 2 select median(f), variance(f), stddev(i), corr(i, f)",
        "e where id < 0 select median(f), variance(f), stddev(i), corr(i, f)",
    ]

    @Test func statisticsGiveOneAnswerInPostgreSQL() throws {
        let postgres = try PostgresForTests.connect(schema: "statistics") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let native = Session(tables: [])
        try FunctionDialectTests.table(in: native)
        guard let table = native.table(named: "e") else { throw FunctionDialectTests.Missing(description: "table e") }
        let session = Session(tables: [])
        try session.open(postgres.connection)
        try session.store(table, as: "e")
        var differences: [String] = []
        for query in Self.queries {
            // To 12 significant digits (as the differential test compares floats): the database
            // may read a group's rows in another order, and variance and corr add in that order.
            let expected = "\(DifferentialTests.run(query, in: native))"
            #expect(expected.hasPrefix("rows"), "\(query): \(expected)")
            let answer = "\(DifferentialTests.run(query, in: session))"
            if answer != expected { differences.append("\(query)\n  byline: \(expected.prefix(900))\n  postgresql: \(answer.prefix(900))") }
        }
        #expect(differences.isEmpty, Comment(rawValue: "\(differences.count) differ:\n" + differences.joined(separator: "\n")))
    }

    @Test func sqliteRefusesThemBeforeRunning() throws {
        let native = Session(tables: [])
        try FunctionDialectTests.table(in: native)
        guard let table = native.table(named: "e") else { throw FunctionDialectTests.Missing(description: "table e") }
        let session = Session(tables: [])
        try session.open(SQLiteConnection(path: ":memory:"))
        defer { session.closeDatabase() }
        try session.store(table, as: "e")
        for name in ["median(i)", "quantile(f, 0.5)", "variance(i)", "stddev(f)", "corr(i, f)"] {
            let answer = DifferentialTests.exact("e select \(name)", in: session)
            #expect(answer.hasPrefix("error") && answer.contains("SQLite has no"), "\(name): \(answer)")
        }
    }
}
