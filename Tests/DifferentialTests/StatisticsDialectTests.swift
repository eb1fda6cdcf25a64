// The statistics aggregates over the table of edge values, in Byline's engine and in PostgreSQL
// (percentile_cont, var_samp, stddev_samp, corr): one answer, to 12 significant digits. SQLite
// has none of them, and refuses each before running.
import Byline
import BylineDatabases
import BylineSpark
import Foundation
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

    /// On Spark (beside a server: BYLINE_SPARK_URL), exactly Byline's answers, to the last bit:
    /// variance, stddev and corr folded in row order, float sums and averages, median and
    /// quantile, string_agg; over the
    /// table of edge values and over 4,000 random floats in 40 groups (whose rows Spark reads in
    /// several partitions, in no set order).
    @Test func sparkGivesBylinesStatistics() throws {
        let spark = try SparkForTests(database: "byline_statistics", test: "sparkGivesBylinesStatistics")
        defer { spark.close() }
        let native = Session(tables: [])
        try FunctionDialectTests.table(in: native)
        var random = SplitMix64(state: 20261204)
        let count = 4_000
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        try native.register(
            table: "r",
            columns: [
                (name: "id", values: (0..<count).map { .integer($0) }),
                (name: "g", values: (0..<count).map { _ in .integer(Int(random.next() % 40)) }),
                (name: "x", values: (0..<count).map { _ in random.next() % 17 == 0 ? .null : .float((uniform() - 0.3) * 1e6) }),
                (name: "y", values: (0..<count).map { _ in .float(uniform() * 3 - 1) }),
                (name: "s", values: (0..<count).map { _ in random.next() % 9 == 0 ? .null : .string("s\(random.next() % 1000)") }),
            ])
        try spark.store(["e", "r"], from: native)
        let session = spark.session
        let queries = Self.queries + [
            "e select string_agg(s, \"|\"), string_agg(to_string(i), \",\")", "e group by b select b, string_agg(s, \"\") order by b",
            "r group by g select g, variance(x), stddev(y), corr(x, y), corr(y, x), median(x), quantile(y, 0.37), quantile(x, 0.9) order by g",
            "r order by y desc group by g select g, variance(x), corr(x, y), string_agg(s, \",\") order by g",
            "r where x > 0 select variance(x), stddev(x), corr(x, id), median(y), string_agg(s, \" \")",
            // Float sums and averages add in row order, as Byline adds (a running sum, not Spark's SUM).
            "r group by g select g, sum(x), avg(y), sum(x * y), avg(id), count() order by g", "r select sum(x), avg(x), sum(y * 1e-3)",
            "r order by y desc group by g select g, sum(x), avg(x) order by g", "r where x < 0 group by g % 3 select sum(x), avg(y)",
        ]
        var differences: [String] = []
        for query in queries {
            let expected = DifferentialTests.exact(query, in: native)
            #expect(!expected.hasPrefix("error"), "\(query): \(expected)")
            let answer = DifferentialTests.exact(query, in: session)
            if answer != expected { differences.append("\(query)\n  byline: \(expected.prefix(900))\n  spark: \(answer.prefix(900))") }
        }
        print("sparkGivesBylinesStatistics: \(queries.count - differences.count) of \(queries.count) queries as Byline's to the last bit")
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
