// Window functions over the table of edge values (ties, nulls, negative numbers, odd text), in
// Byline's engine and compiled for SQLite and PostgreSQL: one answer, value for value, rows in
// the same order. Ties in a partition's order keep the rows' own order in every engine.
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct WindowDialectTests {
    static let queries = [
        "e select id, row_number() over (order by i)",
        "e select id, row_number() over (partition by b order by f desc)",
        "e select id, rank() over (order by i), dense_rank() over (order by i desc)",
        "e select id, rank() over (partition by i % 2 order by b, s)",
        "e select id, lag(s) over (order by f), lead(f, 3) over (partition by b order by i desc)",
        "e select id, lag(i, 0) over (), lead(b, 100) over (order by id)",
        "e select id, first_value(s) over (partition by b order by f), last_value(i) over (order by f desc), last_value(s) over ()",
        "e select id, first_value(f) over (order by i rows 2 preceding), last_value(b) over (partition by i > 0), first_value(i) over ()",
        "e select id, sum(i) over (), sum(f) over (partition by b), avg(i) over (partition by b), count() over (partition by i), count(s) over ()",
        "e select id, sum(i) over (order by f), sum(f) over (order by i desc), avg(f) over (partition by b order by s)",
        "e select id, avg(i) over (order by id rows 2 preceding), sum(f) over (partition by b order by i rows 1 preceding), max(s) over (order by i rows 0 preceding)",
        "e select id, min(s) over (partition by b), max(b) over (order by id), min(b) over (partition by i > 0 order by f)",
        "e select id, i, row_number() over (partition by b order by i desc) as n where n <= 2 order by id",
        "e where i is not null select i * 10 / sum(i) over (partition by b) as share, rank() over (order by i) - 1 as below",
        "e group by b select b, sum(i) as total select b, rank() over (order by total desc) as r order by b",
        "e order by s select id, s, row_number() over () as n, sum(id) over (order by b) as running",
        "[{k: 1, v: 2.5}, {k: 1, v: null}, {k: 2, v: 1}] select k, sum(v) over (partition by k), avg(v) over (order by k)",
    ]

    @Test func windowsGiveOneAnswerInEveryEngine() throws {
        let postgres = try PostgresForTests.connect(schema: "windows") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let engines = try DialectEngines(postgres: postgres)
        defer { engines.close() }
        engines.expectOneAnswer(to: Self.queries)
    }
}
