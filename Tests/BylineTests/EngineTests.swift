// Engine: queries over the article dataset and small tables, end to end through the library.
import Testing

@testable import Byline

@Suite struct EngineTests {
    private func rows(_ text: String, session: Session = Session()) throws -> [[Value]] {
        try session.run(text).last?.rows ?? []
    }

    private func column(_ text: String) throws -> [Value] {
        try rows(text).map { $0[0] }
    }

    // MARK: - The issue's acceptance queries

    @Test func congoFindsTshisekedi() throws {
        let result = try rows(#"leaders where country = "Congo" select name, title"#)
        #expect(result == [[.string("Felix Tshisekedi"), .string("President")]])
    }

    @Test func kazakhLeadersInNameOrder() throws {
        #expect(
            try column(#"leaders where country = "Kazakhstan" select name order by name"#) == [
                .string("Askar Mamin"), .string("Kassym-Jomart Tokayev"), .string("Nursultan Nazarbayev"),
            ])
    }

    @Test func nazarbayevVisitedThreeTimes() throws {
        #expect(try rows(#"visits where visitor = "Nursultan Nazarbayev" count"#) == [[.integer(3)]])
    }

    // MARK: - Entity names

    @Test(arguments: [
        (#"leaders where country = "congo" count"#, 1),
        (#"leaders where country = "Democratic Republic of Congo" count"#, 1),
        (#"leaders where "Congo" = country count"#, 1),
        (#"leaders where country != "Congo" count"#, 4),
        (#"leaders where country in ["Congo", "israel"] count"#, 2),
        (#"countries where name = "Congo" count"#, 1),
        (#"visits where visitor = "Nazarbayev" count"#, 3),
        (#"visits where destination = "Israel" count"#, 5),
        (#"leaders where organization = "EAJC" count"#, 1),
        (#"events where "Tokayev" in people count"#, 3),
        (#"leaders where name = "Mamin" count"#, 1),
        (#"leaders where country = "Atlantis" count"#, 0),
    ])
    func namesMatchByKeyOrAlias(_ text: String, _ expected: Int) throws {
        #expect(try rows(text) == [[.integer(expected)]])
    }

    @Test func aliasMatchingDoesNotChangePlainStringFields() throws {
        #expect(try rows(#"leaders where title = "president" count"#) == [[.integer(0)]])
    }

    // MARK: - Clauses

    @Test func orderBySortsNullsLastBothWays() throws {
        #expect(
            try column("visits select year order by year")
                == [.integer(1995), .integer(2000), .integer(2013), .integer(2016), .null, .null, .null])
        #expect(
            try column("visits select year order by year desc")
                == [.integer(2016), .integer(2013), .integer(2000), .integer(1995), .null, .null, .null])
    }

    @Test func orderByIsStableAndUsesLaterKeys() throws {
        let result = try rows("visits order by destination, year desc select destination, year")
        #expect(result.map { $0[0] } == ["Azerbaijan", "Israel", "Israel", "Israel", "Israel", "Israel", "Kazakhstan"].map(Value.string))
        #expect(result[1...5].map { $0[1] } == [.integer(2013), .integer(2000), .integer(1995), .null, .null])
    }

    @Test func partialDatesOrderAndCompare() throws {
        #expect(
            try column(#"events where date is not null order by date select date"#).map(\.description) == [
                "--01", "--02", "--03", "--06-09", "--12-30",
            ])
        #expect(try rows(#"events where date >= "--06" count"#) == [[.integer(2)]])
    }

    @Test func limitAndCountCompose() throws {
        #expect(try rows("sentences limit 5 count") == [[.integer(5)]])
        #expect(try rows("sentences limit 0") == [])
        #expect(try rows("sentences where id > 15 limit 100 count") == [[.integer(2)]])
    }

    @Test func clausesApplyLeftToRight() throws {
        // limit before where is not where before limit.
        #expect(try rows("sentences limit 3 where paragraph = 3 count") == [[.integer(1)]])
        #expect(try rows("sentences where paragraph > 10 limit 3 count") == [[.integer(3)]])
    }

    @Test func nullsInConditions() throws {
        #expect(try rows("visits where year > 0 count") == [[.integer(4)]])
        #expect(try rows("visits where not (year > 0) count") == [[.integer(3)]])
        #expect(try rows("visits where year is null count") == [[.integer(3)]])
        #expect(try rows("leaders where organization != \"x\" count") == [[.integer(1)]])
    }

    @Test func containsIsCaseInsensitive() throws {
        #expect(try column(#"sentences where text contains "EBOLA" select id"#) == [.integer(17)])
        #expect(try rows(#"leaders where name contains "" count"#) == [[.integer(6)]])
    }

    @Test func arithmeticAndConcatenation() throws {
        #expect(
            try rows("visits where year = 2000 select year + 1 as a, year - 1 as b, year * 2 as c, year / 8 as d, year % 7 as e, -year as f")
                == [[.integer(2001), .integer(1999), .integer(4000), .float(250), .integer(5), .integer(-2000)]])
        #expect(try column(#"leaders where name = "Mamin" select title + ": " + name"#) == [.string("Prime Minister: Askar Mamin")])
        #expect(try column("visits where year = 2000 select year / 0") == [.null])
        #expect(try column("visits where year = 2000 select year % 0") == [.null])
    }

    @Test func integerOverflowIsAnErrorNotATrap() throws {
        #expect(throws: BylineError.self) {
            try Session().run("visits select year * 9223372036854775807")
        }
        do {
            _ = try Session().run("visits select year * 9223372036854775807")
        } catch {
            #expect(error.diagnostics.first?.message == "integer overflow in 2016 * 9223372036854775807")
        }
    }

    @Test func letStoresAResultForLaterStatements() throws {
        let session = Session()
        _ = try session.run(#"let kazakh = leaders where country = "Kazakhstan" select name, title"#)
        #expect(try rows("kazakh where title = \"President\" select name", session: session) == [[.string("Nursultan Nazarbayev")]])
        #expect(session.isBinding("kazakh"))
        _ = try session.run("let kazakh = kazakh limit 1")
        #expect(try rows("kazakh count", session: session) == [[.integer(1)]])
    }

    @Test func listsCompareAndPrint() throws {
        #expect(try rows("leaders where source = [1, 2, 11, 12] select name") == [[.string("Askar Mamin")]])
        #expect(try rows("leaders where name = \"Mamin\" select source").first?.first?.description == "[1, 2, 11, 12]")
        #expect(try rows("visits where year in [1995, 2013.0] count") == [[.integer(2)]])
    }

    @Test func cancellationStopsARun() {
        let session = Session()
        let script = session.check(SourceFile(name: "t", text: "sentences"))
        let flag = CancellationFlag()
        flag.cancel()
        #expect(throws: BylineError.self) {
            try session.execute(script.statements[0], in: script, cancellation: flag)
        }
    }

    // MARK: - Columnar storage

    @Test func columnsRoundTripEveryType() throws {
        let schema = TableSchema(
            name: "t",
            fields: [
                Field(name: "i", type: .integer), Field(name: "f", type: .float), Field(name: "s", type: .string),
                Field(name: "b", type: .bool), Field(name: "d", type: .date), Field(name: "l", type: .list(.integer)),
            ])
        let rows: [[Value]] = [
            [.integer(1), .float(1.5), .string("a"), .bool(true), .date(PartialDate(year: 2016)), .list([.integer(1)])],
            [.null, .null, .null, .null, .null, .null],
            [.integer(-3), .float(0), .string("a"), .bool(false), .date(PartialDate(month: 3)), .list([])],
        ]
        let table = Table(schema: schema, rows: rows)
        for (rowIndex, row) in rows.enumerated() {
            for (fieldIndex, value) in row.enumerated() {
                #expect(table.value(row: rowIndex, field: fieldIndex) == value)
            }
        }
        let session = Session(tables: [table])
        #expect(try rowsOf(session, "t where s = \"a\" and i < 0 select i") == [[.integer(-3)]])
        #expect(try rowsOf(session, "t where b select i") == [[.integer(1)]])
        #expect(try rowsOf(session, "t where f >= 0 count") == [[.integer(2)]])
        #expect(try rowsOf(session, "t where d = \"2016\" count") == [[.integer(1)]])
    }

    private func rowsOf(_ session: Session, _ text: String) throws -> [[Value]] {
        try session.run(text).last?.rows ?? []
    }
}

/// The engine's integer hash table against Swift's Dictionary on keys that collide, grow the
/// table, and sit at the ends of the integers.
@Suite struct IntegerMapTests {
    @Test func agreesWithADictionary() {
        var map = IntegerMap()
        var reference: [Int: Int] = [:]
        var keys = [Int.min, Int.max, 0, -1, 1] + (0..<5000).map { $0 * 1_048_576 } + (0..<5000).map { -$0 * 7 }
        keys += keys.prefix(100)  // repeats
        for (position, key) in keys.enumerated() {
            let stored = map.value(for: key) { position }
            let expected = reference[key] ?? position
            reference[key] = expected
            #expect(stored == expected)
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map.value(for: key) == value) }
        #expect(map.value(for: 123_456_789) == nil)
    }
}
