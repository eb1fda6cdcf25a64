// string_agg, every and any over the table of edge values, in Byline's engine and compiled for
// SQLite (group_concat, MIN/MAX of 0 and 1) and PostgreSQL (string_agg, bool_and/bool_or): one
// answer required, value for value, including the order the strings are joined in.
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct TextAndBoolAggregateDialectTests {
    static let queries = [
        "e select string_agg(s, \",\"), every(b), any(b), every(i > -10), any(f < -1)",
        "e order by id desc select string_agg(s, \" | \")",
        "e order by s, id select string_agg(s, \"\")",
        "e group by b select b, string_agg(s, \"'\"), every(i > 0), any(i > 0) order by b",
        "e where id < 0 select string_agg(s, \",\"), every(b), any(b)",
        "e where s = \"x\" select string_agg(s, \",\"), every(b), any(not b)",
        "e group by i % 3 select string_agg(to_string(id), \"-\") as ids, count() as n order by ids",
        "e order by f desc, id group by b select b, string_agg(s, \"/\") as joined order by b",
    ]

    @Test func theyGiveOneAnswerInEveryEngine() throws {
        let postgres = try PostgresForTests.connect(schema: "textbool") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let engines = try DialectEngines(postgres: postgres)
        defer { engines.close() }
        engines.expectOneAnswer(to: Self.queries)
    }

    @Test func theirArgumentsAreChecked() throws {
        let session = Session(tables: [])
        try FunctionDialectTests.table(in: session)
        for (query, message) in [
            ("e select every(s)", "'every' needs bools, but 's' is a string"),
            ("e select any(i)", "'any' needs bools, but 'i' is an integer"),
            ("e select string_agg(i, \",\")", "'string_agg' needs strings, but 'i' is an integer"),
            ("e select string_agg(s, s)", "the separator of 'string_agg' must be a string written in the query"),
            ("e select string_agg(s)", "'string_agg' takes 2 arguments"),
        ] {
            let answer = DifferentialTests.exact(query, in: session)
            #expect(answer.contains(message), "\(query): \(answer)")
        }
    }
}
