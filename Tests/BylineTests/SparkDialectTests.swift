// The Spark SQL dialect on its own (no server): values as named parameter markers, names in
// backquotes, Spark's INT limits, and what Spark cannot compute as Byline does refused before
// anything runs. What the SQL answers is checked on a real cluster by SparkGoldenTests and the
// differential test's sparkGivesBylinesAnswers (Scripts/test's Spark step).
import Byline
import Testing

@Suite struct SparkDialectTests {
    let session = Session()

    @Test func valuesAreNamedParameterMarkersCastToTheirType() throws {
        let query = try session.compile("visits where year > 2000 and visitor = \"Mamin\" count", dialect: .spark)
        #expect(query.text.contains("CAST(:p1 AS BIGINT)"), "\(query.text)")
        #expect(query.text.contains("CAST(:p2 AS STRING)"), "\(query.text)")
        #expect(query.bindings.first == .integer(2000))
        #expect(query.bindings.count == 2)
        #expect(SQLDialect.spark.parameterLabel(3) == ":p3")
    }

    @Test func namesAreBackquotedWithBackquotesDoubled() throws {
        let local = Session(tables: [])
        try local.register(table: "t", columns: [(name: "we\"ird name", values: [.integer(1)])])
        let query = try local.compile("t select `we\"ird name` as `a b`", dialect: .spark)
        #expect(query.text.contains("`we\"ird name`"), "\(query.text)")
        #expect(query.text.contains("AS `a b`"), "\(query.text)")
        #expect(SQLDialect.spark.identifier("a`b") == "`a``b`")
    }

    @Test func limitsAreIntegersOfThirtyTwoBits() throws {
        let query = try session.compile("visits order by year limit 2", dialect: .spark)
        #expect(query.text.contains("LIMIT CAST(CAST(:p1 AS BIGINT) AS INT)"), "\(query.text)")
        #expect(throws: BylineError.self) { try session.compile("visits order by year limit 3000000000", dialect: .spark) }
    }

    @Test func integersAndFloatsCompareExactly() throws {
        let query = try session.compile("visits where year > 2000.5 count", dialect: .spark)
        #expect(query.text.contains("CAST(c3 AS DOUBLE) <"), "\(query.text)")
        #expect(query.text.contains("sign("), "\(query.text)")
    }

    @Test func rangeIsSparksRangeWithItsExclusiveEnd() throws {
        let query = try session.compile("range(2, 5) select value", dialect: .spark)
        #expect(query.text.contains("FROM range(CAST(:p1 AS BIGINT), CAST(:p2 AS BIGINT))"), "\(query.text)")
        #expect(query.bindings == [.integer(2), .integer(5)])
    }

    @Test func listsAreReadAsJSONArraysAndGatheredInRowOrder() throws {
        let member = try session.compile("leaders where 3 in source count", dialect: .spark)
        #expect(member.text.contains("array_contains(from_json("), "\(member.text)")
        #expect(member.text.contains("'ARRAY<BIGINT>'"), "\(member.text)")
        let gathered = try session.compile("visits group by visitor select visitor, list(year) as years", dialect: .spark)
        #expect(gathered.text.contains("to_json(transform(array_sort(collect_list(named_struct("), "\(gathered.text)")
    }

    /// Each is refused with a reason that names Spark, before anything is sent.
    @Test(arguments: [
        "visits select exp(year) as e",
        "visits select ln(year) as l",
        "leaders where source = [1] count",
        "visits select pow(year * 1.5, 2) as p",
        "visits select pow(year, 0.5) as p",
        "visits select to_string(year * 1.5) as s",
    ])
    func whatSparkCannotComputeAsBylineDoesIsRefused(_ query: String) {
        do {
            _ = try session.compile(query, dialect: .spark)
            Issue.record("compiled for Spark: \(query)")
        } catch {
            #expect("\(error)".contains("Spark"), "\(query): \(error)")
        }
    }
}
