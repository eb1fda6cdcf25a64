// The SQL generator on its own (no database): one statement, values bound and never in the
// text, and constructs a dialect cannot express refused before anything runs. What the SQL
// answers is checked against Byline's engine by the differential test in both databases.
import Byline
import Testing

@Suite struct SQLGeneratorTests {
    let session = Session()

    @Test(arguments: SQLDialect.allCases)
    func valuesAreBoundNeverSpliced(_ dialect: SQLDialect) throws {
        let hostile = "x'); DROP TABLE leaders; --"
        session.parameters = ["v": .string(hostile)]
        defer { session.parameters = [:] }
        let query = try session.compile("leaders where title = $v or name contains \"O'Brien\" select name", dialect: dialect)
        #expect(!query.text.contains("DROP TABLE"))
        #expect(!query.text.contains("O'Brien"))
        #expect(query.bindings.contains(.string(hostile)))
        #expect(query.bindings.contains(.string("O'Brien")))
        #expect(query.text.hasPrefix("WITH "))
        #expect(query.text.components(separatedBy: "\nSELECT ").count == 2, "one statement: \(query.text)")
    }

    @Test func namesOfFieldsAreQuotedIdentifiers() throws {
        let local = Session(tables: [])
        try local.register(table: "t", columns: [(name: "we\"ird name", values: [.integer(1)])])
        let query = try local.compile("t select `we\"ird name` as `a\"b`", dialect: .postgresql)
        #expect(query.text.contains("\"we\"\"ird name\""))
        #expect(query.text.contains("AS \"a\"\"b\""))
    }

    @Test func placeholdersFollowTheDialect() throws {
        let postgres = try session.compile("visits where year > 2000 count", dialect: .postgresql)
        #expect(postgres.text.contains("CAST($1 AS bigint)"))
        let sqlite = try session.compile("visits where year > 2000 count", dialect: .sqlite)
        #expect(sqlite.text.contains("?1"))
        #expect(sqlite.bindings == [.integer(2000)])
    }

    @Test func whatADialectCannotExpressIsAnErrorBeforeRunning() throws {
        try session.register(UserFunction(name: "twice", arguments: [.integer], returns: .integer) { values in
            if case .integer(let number) = values[0] { return .integer(number &* 2) }
            return .null
        })
        #expect(throws: BylineError.self) { try session.compile("visits select twice(year)", dialect: .postgresql) }
        #expect(throws: BylineError.self) { try session.compile("visits select year % 2.5", dialect: .postgresql) }
        do {
            _ = try session.compile("visits select year % 2.5", dialect: .postgresql)
        } catch {
            #expect(error.diagnostics.first?.id == .unsupportedInDatabase)
            #expect(error.description.contains("cannot run in PostgreSQL"))
        }
        // SQLite runs Byline's own arithmetic, so the same query compiles there.
        _ = try session.compile("visits select year % 2.5", dialect: .sqlite)
    }

    @Test func ordersAreCarriedToTheLastSelect() throws {
        let query = try session.compile("visits order by year desc select visitor limit 2", dialect: .postgresql)
        let last = query.text.components(separatedBy: "\nSELECT ").last ?? ""
        #expect(last.contains("ORDER BY"), "\(query.text)")
        #expect(query.text.contains("DESC NULLS LAST"))
        #expect(query.text.contains("byline_row"), "stable: ties keep the stored order")
    }
}
