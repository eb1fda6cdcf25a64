// The rule of when a value is computed (README, "When a value is computed"), one case per class,
// in Byline's engine and compiled for SQLite and PostgreSQL: each answer is written here by hand
// from the rule, and every engine must give it, rows or error alike.
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct EvaluationRuleTests {
    /// `n`: a null beside the smallest integer, whose `- 1` overflows; `z`: no rows.
    static let tables = [
        "n": "[{id: 1, a: null, b: -9223372036854775808, s: \"a\\u{A0}b\", f: 0.30000000000000004}, {id: 2, a: 5, b: 3, s: \"a\\tb\", f: 1.7976931348623157e308}]",
        "z": "range(0) select value as k",
    ]

    /// A query and its answer: rows as `value value; value value`, or `overflow`.
    static let cases: [(String, String)] = [
        // Operators compute both operands: a null does not hide an overflow on either side.
        ("n order by id select a + (b - 1) as x", "overflow"),
        ("n order by id select (b - 1) + a as x", "overflow"),
        ("n where a < b - 1 count", "overflow"),
        ("n where a is null and b - 1 < 0 count", "overflow"),
        // Choices compute only what they choose, in a value as in a condition.
        ("n order by id select a is not null and b - 1 < 0 as x", "false; false"),
        ("n order by id select a is null or b - 1 < 0 as x", "true; false"),
        ("n where a is not null and b - 1 < 0 count", "0"),
        ("n order by id select coalesce(a, b - 1) as x", "overflow"),
        ("n order by id select coalesce(b, b - 1) as x", "-9223372036854775808; 3"),
        ("n order by id select case when id > 5 then b - 1 else 0 end as x", "0; 0"),
        // Constants too: an error where no row needs the value is none.
        ("n order by id select coalesce(1, abs(-9223372036854775808)) as x", "1; 1"),
        ("n order by id select case when id > 5 then abs(-9223372036854775808) else 0 end as x", "0; 0"),
        ("n order by id select case when id > 5 then -(-9223372036854775808) else 0 end as x", "0; 0"),
        ("n order by id select case when id > 5 then 9223372036854775807 + 1 else 0 end as x", "0; 0"),
        ("z select abs(-9223372036854775808) as x", ""),
        ("z select 9223372036854775807 + 1 as x", ""),
        ("n order by id select abs(-9223372036854775808) as x", "overflow"),
        // Work a later step throws away whole is not done; other work is.
        ("n select b * b as x limit 0", ""),
        ("n select sum(b * b) as s where false", ""),
        ("n select sum(b * b) as s where 1 > 2", ""),
        ("n select sum(b * b) as s where s > 0", "overflow"),
        ("n where false select abs(b) as x count", "0"),
        ("z select count() as c, sum(k) as s", "0 null"),
        // A constant side decides a comparison, `and`, `or` or `between` without the other side.
        ("n where b - 1 < 0 and 0.1 < -7.0 count", "0"),
        ("n where (b - 1) <= round(ln(-0.0), 9) count", "0"),
        ("n where 0 between 2 and b - 1 count", "0"),
        ("n where b - 1 < 0 or 1 = 1 count", "2"),
        // A value no later step reads is not computed; a where after a select filters first.
        ("n order by id select b - 1 as x, id as y select y", "1; 2"),
        ("n order by id select abs(b) as x, id as y where y > 1 select x", "3"),
        ("n order by id select abs(b) as x, id as y where x > 0", "overflow"),
        // A database moves a where before the step it follows and tests the parts of an `and` in
        // the order it likes; Byline's rule holds there too: a group's aggregates, a sort key and
        // a select's values are computed for every row that reaches them, an `and` stops at a
        // false left side, and an earlier where filters first.
        ("n group by id select id, sum(b * b) as s where id > 1", "overflow"),
        ("n where id * 2 + 0 > 2 and b - 1 < 0 count", "0"),
        ("n where id * 2 + 0 > 2 where b - 1 < 0 count", "0"),
        ("n where id * 2 + 0 > 2 select b - 1 as x, id as y where x < 0 count", "0"),
        ("n order by b - 1 where id > 1 select id", "overflow"),
        ("n select abs(b) as x, id as y order by y where y > 1 select x", "overflow"),
        ("n select abs(b) as x, id as y order by y where y > 1 select y", "2"),
        // Both sides of an append are computed whole, also a value no later step reads.
        ("n select id as y, b * b as x append [{y: 0, x: 0}] select y", "overflow"),
        // Arithmetic of constants folds as a database folds it: a comparison with a constant
        // null is false, and a constant false side decides an `and` or a `between`.
        ("n where -1 not between b - 1 and 0 % 0 count", "2"),
        ("n where b - 1 < 0 and 1 + 2 > 5 count", "0"),
        ("n where -id = case when 1 > 2 then 1 end or b - 1 < 0 count", "overflow"),
        ("n where -(b - 1) = case when 1 > 2 then 1 end count", "0"),
        // PostgreSQL would fold `id / NULLIF(0, 0)` to null and drop the `and`'s other side.
        ("n order by id select (b - 1 < 0 and div(id, 0) > 0) as x", "overflow"),
        // Numbers: division by zero is null; round works on the digits shown, ties away from zero.
        ("n order by id select 1.0 / 0.0 as x, div(b, 0) as y limit 1", "null null"),
        ("n where id = 1 select round(2.675, 2) as x, round(1.005, 2) as y, round(-2.5) as z, round(1234.5, -2) as w", "2.68 1.01 -3.0 1200.0"),
        ("n where id = 1 select round(0.285, 2) as x, round(-0.125, 2) as y, round(1e-7, 3) as z, round(5e-324, 30) as w", "0.29 -0.13 0.0 0.0"),
        ("n where id = 1 select round(1.7976931348623157e308, 2) as x, round(0.5) as y, round(0.05, 1) as z", "1.7976931348623157e+308 1.0 0.1"),
        // An integer compared with a float beyond the integers.
        ("n where id > -1e19 and id < 1e19 count", "2"),
        // Regular expressions: \s, \w and \d are ASCII's.
        ("n order by id select s matches \"a\\\\sb\" as x", "false; true"),
        ("n order by id select s matches \"a\\\\Sb\" as x", "true; false"),
        // A list keeps every digit of its floats.
        ("n order by id select list(f) as l", "[0.30000000000000004, 1.7976931348623157e+308]"),
        // Dates before the year 1000 keep four digits.
        ("n where id = 1 select to_date(\"0999-05-06\") as d", "0999-05-06"),
    ]

    static func answer(_ query: String, in session: Session) -> String {
        do {
            guard let result = try session.run(query).last else { return "no result" }
            return result.rows.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "; ")
        } catch {
            let messages = error.diagnostics.map(\.message).joined(separator: "; ")
            return messages.contains("integer overflow") ? "overflow" : "error: " + messages
        }
    }

    /// Byline's engine and SQLite (no server needed, so the mutation test can run it).
    @Test func memoryAndSQLiteFollowTheRule() throws {
        try Self.check(postgres: nil)
    }

    /// The SQL that keeps the rule where the answer alone cannot show it without a server:
    /// SQLite tests an `and`'s parts in the written order anyway, PostgreSQL need not, so the
    /// generated SQL guards the later part with CASE when an earlier one can fail, in both.
    @Test func anAndWhosePartCanFailIsTestedInTheWrittenOrder() throws {
        for dialect in [SQLDialect.postgresql, .sqlite] {
            let guarded = try Session().compile("visits where year * 1000000 > 0 and visitor = \"x\" select visitor", dialect: dialect).text
            #expect(guarded.contains("(CASE WHEN ") && guarded.contains(" ELSE "), "\(dialect): \(guarded)")
            // Nothing that can fail: the plain AND, which the database may reorder.
            let plain = try Session().compile("visits where year > 0 and visitor = \"x\" select visitor", dialect: dialect).text
            #expect(!plain.contains("CASE WHEN") && plain.contains(" AND "), "\(dialect): \(plain)")
        }
    }

    @Test func postgresqlFollowsTheRule() throws {
        let postgres = try PostgresForTests.connect(schema: "evaluation_rule") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        try Self.check(postgres: postgres)
    }

    /// Every case in memory, and in SQLite or (given) PostgreSQL, the tables stored there.
    static func check(postgres: PostgresForTests?) throws {
        let native = Session(tables: [])
        for (name, rows) in Self.tables { _ = try native.run("let \(name) = \(rows)") }
        let connection: DatabaseConnection = try postgres?.connection ?? SQLiteConnection(path: ":memory:")
        let database = Session(tables: [])
        try database.open(connection)
        defer { if postgres == nil { database.closeDatabase() } }
        for table in Self.tables.keys.sorted() {
            guard let stored = native.table(named: table) else { throw FunctionDialectTests.Missing(description: "table \(table)") }
            try database.store(stored, as: table)
        }
        for (query, expected) in Self.cases {
            for (name, session) in [("memory", native), (postgres == nil ? "sqlite" : "postgresql", database)] {
                let answer = Self.answer(query, in: session)
                #expect(answer == expected, "\(name): \(query)")
            }
        }
    }
}
