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
    ]

    @Test func distinctByGivesOneAnswerInEveryEngine() throws {
        let postgres = try PostgresForTests.connect(schema: "distinct_by") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let engines = try DialectEngines(postgres: postgres)
        defer { engines.close() }
        engines.expectOneAnswer(to: Self.queries)
    }
}
