// Floats added in the rows' order in every engine: a sum or average of floats depends on the
// order they are added in, and Byline adds in the rows' order. PostgreSQL reads a group's rows in
// the order its plan gives them: a count(distinct …) beside an average made it sort the rows by
// group, which moved rows within a group, and an outside trial's average of money values came
// back as 6.4122499999999985 instead of 6.41225 (round(…, 4): 6.4122 against 6.4123).
import Byline
import BylineDatabases
import Testing
import TestSupport

@Suite struct FloatOrderDialectTests {
    /// Table `e`: groups whose floats give another total in another order (a huge value, many
    /// small ones, then the huge value's negation), and a field for count(distinct …).
    static func table(in session: Session) throws {
        var g: [Value] = []
        var x: [Value] = []
        var c: [Value] = []
        for group in 0..<40 {
            let rows = 300 + group * 7
            for row in 0..<rows {
                g.append(.integer((group * 7919) % 40))
                let value: Double
                switch row {
                case 0: value = 1e16 + Double(group)
                case rows - 1: value = -1e16
                default: value = row % 3 == 0 ? 1.0 : 0.1 * Double(row % 11)
                }
                x.append(.float(value))
                c.append(.integer(row % 13))
            }
        }
        try session.register(table: "e", columns: [(name: "g", values: g), (name: "x", values: x), (name: "c", values: c)])
    }

    static let queries = [
        "e group by g select g, sum(x) as s, avg(x) as a, count(distinct c) as n order by g",
        "e group by g select g, avg(x) as a, count(distinct c) as n",
        "e group by g select g, sum(x) as s, count(distinct c) as n, min(x) as m",
        "e select sum(x) as s, avg(x) as a, count(distinct c) as n",
        "e order by c desc group by g select g, sum(x) as s, avg(x) as a, count(distinct c) as n",
    ]

    @Test func floatsAreAddedInTheRowsOrderInEveryEngine() throws {
        let postgres = try PostgresForTests.connect(schema: "float_order") { try PostgreSQLConnection($0) }
        defer { postgres.drop() }
        let dialects = try DialectEngines(postgres: postgres, table: Self.table(in:))
        defer { dialects.close() }
        let compared = dialects.expectOneAnswer(to: Self.queries)
        #expect(compared == Self.queries.count * 2)
        // The order matters for these totals: added in another order they differ.
        let inOrder = DifferentialTests.exact("e where g = 0 select sum(x) as s", in: dialects.native)
        let sorted = DifferentialTests.exact("e where g = 0 order by c select sum(x) as s", in: dialects.native)
        #expect(inOrder != sorted, "\(inOrder) \(sorted)")
    }

    /// The SQL itself says the order (the test server's plan may happen to keep the rows' order).
    @Test func postgresqlIsToldTheOrderOfAFloatSumOrAverage() throws {
        let session = Session()
        let text = try session.compile("visits group by visitor select visitor, avg(year) as a, sum(year * 1.5) as s, count(distinct destination) as n", dialect: .postgresql).text
        #expect(text.contains("AVG(CAST(") && text.contains("AS double precision) ORDER BY "), "\(text)")
        #expect(text.contains("SUM(CAST(") && text.split(separator: "AS double precision) ORDER BY ").count == 3, "\(text)")
        // An integer sum is exact in any order: no ORDER BY needed.
        let integers = try session.compile("visits group by visitor select visitor, sum(year) as s", dialect: .postgresql).text
        let sum = integers.split(separator: "SUM(").dropFirst().first?.prefix { $0 != ")" } ?? ""
        #expect(!sum.isEmpty && !sum.contains("ORDER BY"), "\(integers)")
    }
}
