// The full language through the library: grouping, joins, functions, distinct, offset, def, explain.
import Testing

@testable import Byline

@Suite struct LanguageTests {
    private func rows(_ text: String, session: Session = Session()) throws -> [[Value]] {
        try session.run(text).last?.rows ?? []
    }

    private func fields(_ text: String) throws -> [String] {
        try Session().run(text).last?.fields.map(\.name) ?? []
    }

    // MARK: - Grouping

    @Test func groupByCountsTrips() throws {
        #expect(
            try rows("visits group by destination select destination, count() as trips order by trips desc, destination")
                == [
                    [.string("Israel"), .integer(5)], [.string("Azerbaijan"), .integer(1)], [.string("Kazakhstan"), .integer(1)],
                ])
    }

    @Test func aggregatesSkipNulls() throws {
        #expect(
            try rows("visits select count(), count(year), count(distinct visitor), sum(year), min(year), max(year), avg(year)")
                == [[.integer(7), .integer(4), .integer(4), .integer(8024), .integer(1995), .integer(2016), .float(2006)]])
        #expect(try rows("visits where visitor = 'Mamin' select list(year), sum(year), min(year)") == [[.list([]), .null, .null]])
    }

    @Test func emptyInputGivesOneRowWithoutGroupByAndNoneWithIt() throws {
        #expect(try rows("visits where year > 3000 select count(), sum(year)") == [[.integer(0), .null]])
        #expect(try rows("visits where year > 3000 group by visitor select visitor, count()") == [])
    }

    @Test func listCollectsValuesInOrder() throws {
        #expect(
            try rows("visits where year is not null group by visitor select visitor, list(year) as years order by visitor")
                == [
                    [.string("Benjamin Netanyahu"), .list([.integer(2016)])],
                    [.string("Nursultan Nazarbayev"), .list([.integer(1995), .integer(2000), .integer(2013)])],
                ])
    }

    @Test func groupKeysMayBeExpressionsAndSeveral() throws {
        #expect(
            try rows("visits where year is not null group by year / 10 >= 200.0 select year / 10 >= 200.0 as recent, count()")
                == [[.bool(true), .integer(3)], [.bool(false), .integer(1)]])  // groups in order of first appearance
        #expect(try rows("visits group by visitor, status select visitor, status count") == [[.integer(4)]])
    }

    @Test func groupByAloneGivesTheDistinctKeys() throws {
        #expect(try rows("visits group by status order by status") == [[.string("completed")], [.string("planned")]])
    }

    @Test func sumOverflowIsAnError() {
        #expect(throws: BylineError.self) {
            try Session().run("range(3) select value * 4611686018427387904 as big select sum(big)")
        }
    }

    // MARK: - Distinct, offset, order by

    @Test func distinctKeepsFirstOccurrences() throws {
        #expect(try rows("visits select destination distinct") == [["Kazakhstan"], ["Azerbaijan"], ["Israel"]].map { $0.map(Value.string) })
    }

    @Test func limitWithOffset() throws {
        #expect(try rows("range(10) limit 3 offset 4") == [[.integer(4)], [.integer(5)], [.integer(6)]])
        #expect(try rows("range(10) limit 3 offset 20") == [])
    }

    @Test func orderByExpressionsAndAliases() throws {
        #expect(try rows("range(5) order by value % 2, value desc") == [4, 2, 0, 3, 1].map { [.integer($0)] })
        #expect(try rows("leaders select name, length(name) as n order by n limit 1") == [[.string("Askar Mamin"), .integer(11)]])
    }

    // MARK: - Joins

    @Test func joinPairsVisitsWithLeaders() throws {
        let result = try rows(
            "visits join leaders on visitor = leaders.name select leaders.name, leaders.country, year order by year limit 2")
        #expect(
            result == [
                [.string("Nursultan Nazarbayev"), .string("Kazakhstan"), .integer(1995)],
                [.string("Nursultan Nazarbayev"), .string("Kazakhstan"), .integer(2000)],
            ])
    }

    @Test func leftJoinKeepsUnmatchedRowsWithNulls() throws {
        let inner = try rows("countries join leaders on countries.name = leaders.country select countries.name")
        let left = try rows("countries left join leaders on countries.name = leaders.country select countries.name, leaders.name as leader")
        #expect(inner.count == 5)
        #expect(left.count == 6)
        #expect(left.contains([.string("Azerbaijan"), .null]))
    }

    @Test func clashingNamesAreQualifiedAndBareOnesAmbiguous() throws {
        #expect(try fields("visits join leaders on visitor = leaders.name limit 1").contains("visits.status"))
        #expect(try fields("visits join leaders on visitor = leaders.name limit 1").contains("leaders.status"))
        #expect(try fields("visits join leaders on visitor = leaders.name limit 1").contains("title"))
        let diagnostic = Session().check(SourceFile(name: "t", text: "visits join leaders on visitor = leaders.name select status")).diagnostics.first
        #expect(diagnostic?.help == "write one of 'visits.status' and 'leaders.status'")
    }

    @Test func joinConditionsBeyondEqualityAndAliases() throws {
        #expect(
            try rows("events join leaders as l on l.name in people and l.status = 'former' select description order by description")
                .count == 3)
        #expect(try rows("leaders join leaders as other on leaders.country = other.country and leaders.name != other.name count") == [[.integer(6)]])
    }

    @Test func joinWithARangeAndAJoinWithoutKeys() throws {
        #expect(try rows("range(3) join range(2) as r on range.value < r.value count") == [[.integer(1)]])
    }

    // MARK: - Functions and operators

    @Test(arguments: [
        ("lower('AbC')", Value.string("abc")), ("upper('abc')", .string("ABC")), ("length('héllo')", .integer(5)),
        ("trim('  a b  ')", .string("a b")), ("substr('Nur-Sultan', 5)", .string("Sultan")),
        ("substr('Nur-Sultan', 1, 3)", .string("Nur")), ("substr('abc', 10)", .string("")),
        ("coalesce(null, 'x')", .string("x")), ("abs(-3)", .integer(3)), ("abs(-2.5)", .float(2.5)),
        ("round(2.567, 2)", .float(2.57)), ("round(7)", .integer(7)), ("round(1234.5, -2)", .float(1200)),
        ("contains('Tokayev', 'KAY')", .bool(true)), ("starts_with('Astana', 'Ast')", .bool(true)),
        ("ends_with('Astana', 'na')", .bool(true)), ("'Astana' starts with 'ast'", .bool(false)),
        ("'Nur-Sultan' matches 'Nur-.*'", .bool(true)), ("'Nur-Sultan' matches 'Sultan'", .bool(false)),
        ("'CONGO' =~ 'congo'", .bool(true)), ("length([1, 2, 3])", .integer(3)), ("upper(null)", .null),
    ])
    func functions(_ expression: String, _ expected: Value) throws {
        #expect(try rows("range(1) select \(expression) as x") == [[expected]])
    }

    @Test func dateParts() throws {
        #expect(
            try rows("events where date is not null order by date select month(date), day(date), year(date) limit 2")
                == [[.integer(1), .null, .null], [.integer(2), .null, .null]])
    }

    @Test func caseInsensitiveEqualityMatchesEntityNames() throws {
        #expect(try rows("leaders where country =~ 'CONGO' count") == [[.integer(1)]])
    }

    // MARK: - def and explain

    @Test func defSavesAParameterisedQuery() throws {
        let session = Session()
        _ = try session.run("def by_country(c) = leaders where country = c select name order by name")
        #expect(try rows(#"by_country("Israel")"#, session: session) == [[.string("Benjamin Netanyahu")]])
        #expect(try rows(#"by_country("Congo") count"#, session: session) == [[.integer(1)]])
        // Nazarbayev's three trips and Mamin's planned one.
        #expect(try rows(#"visits join by_country("Kazakhstan") as k on visitor = k.name count"#, session: session) == [[.integer(4)]])
        #expect(session.definitions["by_country"]?.parameters == ["c"])
    }

    @Test func defErrorsAtTheCallNameTheBody() {
        let script = Session().check(SourceFile(name: "t", text: "def since(y) = visits where year > y\nsince(\"x\")"))
        #expect(script.diagnostics.first?.message == "in 'since': cannot compare 'year' (integer) with 'y' (string)")
        #expect(script.diagnostics.first?.span?.start.line == 2)
    }

    @Test func explainShowsEveryStepWithTypes() throws {
        let result = try rows("explain visits where year > 2000 group by visitor select visitor, count() as n")
        #expect(result.count == 3)
        #expect(result[0] == [.string("1"), .string("read visits"), .string("visitor string, destination string, city string, year integer, status string, note string, source list<integer>")])
        #expect(result[2][1] == .string("group by visitor select visitor, count() as n [hash group; count()]"))
        #expect(result[2][2] == .string("visitor string, n integer"))
    }
}
