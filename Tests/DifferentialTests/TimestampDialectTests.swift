// Timestamps over a table of edge instants (the first and last microsecond Byline keeps, before
// 1970, leap days, fractions) and of text that is or is not a timestamp (offsets, a T, no
// seconds, a 13th month, a seventh fractional digit), in Byline's engine and compiled for SQLite
// and PostgreSQL: one answer required, value for value. Also timestamptz and DATETIME columns of
// tables the databases made themselves.
import Byline
import BylineDatabases
import BylineSpark
import Foundation
import Testing
import TestSupport

@Suite struct TimestampDialectTests {
    static let texts = [
        "2009-01-01 00:00:00", "2009-01-01T10:00:00+02:00", "2008-12-31 19:00-05", "2009-01-01 00:00:00.5Z", "0001-01-01 00:00:00",
        "9999-12-31 23:59:59.999999", "2016-02-29", "2015-02-29 00:00:00", "2009-13-45 25:61:00", "2009-01-01 00:00:00.1234567",
        " 2009-06-30 23:59:59.000001 ", "0000-01-01 00:00:00", "0001-01-01 00:30:00+01:00", "9999-12-31 23:00:00-02", "x", "",
        "2009-01-01 00:00:00+15:59", "2009-01-01 00:00:00+1600", "1969-12-31 23:59:59.75", "2000-02-29 12:34:56-0130",
    ]

    static let expressions = [
        "t", "to_string(t)", "year(t)", "month(t)", "day(t)", "hour(t)", "minute(t)", "second(t)", "weekday(t)",
        "date_trunc(\"year\", t)", "date_trunc(\"month\", t)", "date_trunc(\"Day\", t)", "date_trunc(\"hour\", t)",
        "date_trunc(\"minute\", t)", "date_trunc(\"second\", t)", "seconds_between(t, u)", "seconds_between(u, t)",
        "to_date(t)", "to_timestamp(s)", "to_string(to_timestamp(s))", "to_timestamp(to_date(s))", "to_timestamp(t)",
        "t < u", "t = u", "t >= \"2009-01-01\"", "t between \"2000-01-01\" and \"2010-01-01 12:00\"", "coalesce(t, u)",
        "case when t > u then t else u end", "concat(to_string(t), \"|\")", "year(to_timestamp(s)) + month(to_date(s))",
        "strftime(t, \"%Y-%m-%d %H:%M:%S\")", "strftime(t, \"%a %d %b %Y, day %j, 100%%\")", "strftime(u, \"no directive\")",
        "strftime(t, \"\")", "strftime(to_timestamp(s), \"%j|%a|%b|%H\")", "strftime(t, \"%S%%%M\")", "strftime(t, null)",
        "strftime(date_trunc(\"month\", t), \"%b %Y\")",
    ]

    static let queries = [
        "e order by t, id select id, t", "e order by t desc select id, t", "e select year(t) as y, t group by y select y, min(t) as a, max(t) as b, count() as n order by y",
        "e select t distinct order by t", "e where t > u select id", "e join e as o on e.t = o.u select e.id as a, o.id as b",
        "e group by t select t, count() as n order by n desc, t", "e select t, row_number() over (order by t desc) as r order by r",
    ]

    static func table(in session: Session) throws {
        let instants = [
            "2009-01-01 00:00:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59.999999", "1969-12-31 23:59:59.5", "2016-02-29 13:14:15.25",
            "1970-01-01 00:00:00", "2009-03-14 15:09:26.535897", "2009-01-01 00:00:00",
        ].map { Timestamp($0).map(Value.timestamp) ?? .null }
        let count = texts.count + 1
        func column(_ values: [Value], shift: Int) -> [Value] { (0..<count).map { values[($0 + shift) % values.count] } }
        try session.register(
            table: "e",
            columns: [
                (name: "id", values: (0..<count).map { .integer($0) }),
                (name: "t", values: column(instants + [.null], shift: 0)),
                (name: "u", values: column([.null] + instants.reversed(), shift: 3)),
                (name: "s", values: texts.map(Value.string) + [.null]),
            ])
    }

    @Test func timestampsGiveOneAnswerInEveryEngine() throws {
        let postgres = try PostgresForTests.connect(schema: "timestamps") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        try compare(postgres: postgres)
    }

    /// The same in SQLite alone, which needs no server (so Scripts/mutate can run it).
    @Test func sqliteGivesBylinesTimestamps() throws {
        try compare(postgres: nil)
    }

    func compare(postgres: PostgresForTests?) throws {
        let engines = try DialectEngines(postgres: postgres, table: Self.table(in:))
        defer { engines.close() }
        let table = try #require(engines.native.table(named: "e"))
        #expect(table.schema.fields.map(\.type) == [.integer, .timestamp, .timestamp, .string])
        let compared = engines.expectOneAnswer(to: Self.expressions.map({ "e select id, \($0) as x" }) + Self.queries)
        #expect(compared == engines.databases.count * (Self.expressions.count + Self.queries.count))
        let native = engines.native
        for (name, session) in engines.databases {
            // strftime's unknown directive fails where a row needs it, and only there; a format
            // computed from the rows is SQLite's through Byline's own function, refused by PostgreSQL.
            for (query, fails) in [
                ("e select id, strftime(t, \"%Y %q\") as x", true), ("e where t is null select id, strftime(t, \"%q\") as x", false),
                ("e where id < 0 select strftime(t, \"%q\") as x", false), ("e select id, strftime(t, s) as x", name == "postgresql"),
            ] {
                let (expected, answer) = (DifferentialTests.exact(query, in: native), DifferentialTests.exact(query, in: session))
                #expect(expected.hasPrefix("error") == (fails && !query.contains(", s)")), "\(query): \(expected)")
                #expect(answer.hasPrefix("error") == fails, "\(name): \(query): \(answer)")
                if !fails { #expect(answer == expected, "\(name): \(query)") }
            }
        }
    }

    /// Timestamps on Spark (beside a server: BYLINE_SPARK_URL): the table stored there (as its
    /// text, as in SQLite), every expression and query answered as Byline's or refused before it
    /// runs with a reason naming Spark; the parts, truncation, formats, comparison and order must run.
    @Test func sparkGivesBylinesTimestamps() throws {
        let spark = try SparkForTests(database: "byline_timestamps", test: "sparkGivesBylinesTimestamps")
        defer { spark.close() }
        let native = Session(tables: [])
        try Self.table(in: native)
        try spark.store(["e"], from: native)
        let session = spark.session
        let refusable: [String] = []
        var refused: [String] = []
        var differences: [String] = []
        for query in Self.expressions.map({ "e select id, \($0) as x" }) + Self.queries + [
            "e select id, date_trunc(\"week\", t) as x", "e select id, strftime(t, \"%Y %q\") as x", "e where t is null select id, strftime(t, \"%q\") as x",
        ] {
            let (expected, answer) = (DifferentialTests.exact(query, in: native), DifferentialTests.exact(query, in: session))
            if answer.hasPrefix("error"), answer.contains("Spark"), refusable.contains(where: query.contains) {
                refused.append(query)
                continue
            }
            // An error is the same error (Spark's raise_error carries Byline's message).
            let same = expected.hasPrefix("error") ? answer.hasPrefix("error") && expected.contains(answer.dropFirst(6).prefix(40)) : answer == expected
            if !same { differences.append("\(query)\n  byline: \(expected.prefix(600))\n  spark: \(answer.prefix(600))") }
        }
        print("sparkGivesBylinesTimestamps: \(Self.expressions.count + Self.queries.count + 3 - refused.count) as Byline's, \(refused.count) refused: \(refused)")
        #expect(differences.isEmpty, Comment(rawValue: "\(differences.count) differ:\n" + differences.joined(separator: "\n")))
    }

    /// A unit date_trunc does not know stops the query in every engine.
    @Test func anUnknownUnitIsAnErrorEverywhere() throws {
        let native = Session(tables: [])
        try Self.table(in: native)
        let table = try #require(native.table(named: "e"))
        let session = Session(tables: [])
        try session.open(try SQLiteConnection(path: ":memory:"))
        defer { session.closeDatabase() }
        try session.store(table, as: "e")
        for engine in [native, session] {
            #expect(DifferentialTests.exact("e select date_trunc(\"week\", t) as x", in: engine).contains("date_trunc does not know the unit \"week\""))
        }
    }

    /// Tables the databases made: PostgreSQL's timestamptz is the instant in UTC whatever the
    /// session's zone, its timestamp as written; SQLite's DATETIME text in any ISO form, and text
    /// that is no timestamp is null.
    @Test func databaseTimestampColumnsReadAsTimestamps() throws {
        let postgres = try PostgresForTests.connect(schema: "foreign_timestamps") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        try postgres.connection.execute(
            """
            SET TimeZone TO 'America/New_York';
            CREATE TABLE stamps (id bigint PRIMARY KEY, z timestamptz, n timestamp);
            INSERT INTO stamps VALUES (1, '2009-01-01 10:00:00+02', '2009-01-01 10:00:00'), (2, '2009-06-01 00:00:00', '2009-06-01 00:00:00.25'), (3, NULL, NULL)
            """, bindings: [], cancellation: nil)
        let session = Session(tables: [])
        try session.open(postgres.connection)
        let rows = try session.run("stamps order by id select to_string(z) as z, to_string(n) as n, hour(z) as h").last?.rows
        // 2009-06-01 00:00 in New York (EDT, UTC-4) is 04:00 UTC.
        #expect(
            rows == [
                [.string("2009-01-01 08:00:00"), .string("2009-01-01 10:00:00"), .integer(8)],
                [.string("2009-06-01 04:00:00"), .string("2009-06-01 00:00:00.25"), .integer(4)], [.null, .null, .null],
            ])

        let sqlite = try SQLiteConnection(path: ":memory:")
        try sqlite.execute(
            """
            CREATE TABLE stamps (id INTEGER PRIMARY KEY, at DATETIME, ts TIMESTAMP);
            INSERT INTO stamps VALUES (1, '2009-01-01T10:00:00+02:00', '2009-01-01 10:00'), (2, 'not a time', '2009-01-01 00:00:00.500'), (3, NULL, '2009-13-45 25:61:00')
            """, bindings: [], cancellation: nil)
        let local = Session(tables: [])
        try local.open(sqlite)
        defer { local.closeDatabase() }
        #expect(try local.run("stamps").last?.fields.map(\.type) == [.integer, .timestamp, .timestamp])
        let read = try local.run("stamps order by id select to_string(at) as a, to_string(ts) as b").last?.rows
        #expect(read == [[.string("2009-01-01 08:00:00"), .string("2009-01-01 10:00:00")], [.null, .string("2009-01-01 00:00:00.5")], [.null, .null]])
    }
}
