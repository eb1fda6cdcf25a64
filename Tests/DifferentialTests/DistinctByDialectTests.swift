// `distinct by` (and a source's `as` name) over the table of edge values, in Byline's engine and
// compiled for SQLite and PostgreSQL: one answer, value for value, rows in the same order.
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct DistinctByDialectTests {
    static let queries = [
        "e distinct by b select id, b",
        "e order by f desc distinct by b select id, b, f",
        "e order by s distinct by i % 3, b select id, s",
        "e where i is not null order by i desc distinct by b count",
        "e as x join e as y on x.id = y.i select x.id, y.id as other",
        "e as x order by x.id desc distinct by x.b select x.id",
        // A join after a distinct (or a group) that followed a join: each row's place is several
        // row numbers, which PostgreSQL once gathered into an array and then that array into
        // another ("ARRAY types bigint[] and bigint cannot be matched").
        "e as x join e as y on x.b = y.b distinct join e as w on x.i = w.i distinct select x.id, y.id as other, w.id as third",
        "e as x join e as y on x.b = y.b group by x.i select x.i, count() as n join e as w on x.i = w.i distinct",
        "e as x join e as y on x.b = y.b distinct join e as w on x.i = w.i distinct join e as v on x.id = v.id distinct count",
    ]

    @Test func distinctByGivesOneAnswerInEveryEngine() throws {
        let postgres = try PostgresForTests.connect(schema: "distinct_by") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let engines = try DialectEngines(postgres: postgres)
        defer { engines.close() }
        engines.expectOneAnswer(to: Self.queries)
    }
}
