// The name a query's source qualifies its fields by: `as` on the source (a self-join), and a
// `let` name for its own fields.
import Testing
import TestSupport

@testable import Byline

@Suite struct SourceNameTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    static let staff = "let staff = [{id: 1, name: \"Ada\", manager: null}, {id: 2, name: \"Bo\", manager: 1}, {id: 3, name: \"Cy\", manager: 1}, {id: 4, name: \"Di\", manager: 2}]\n"

    @Test func aSourceTakesAnAsName() throws {
        let result = try Session().run(Self.staff + "staff as e join staff as m on e.manager = m.id select e.name, m.name as boss").last
        #expect(result?.rows == [["Bo", "Ada"], ["Cy", "Ada"], ["Di", "Bo"]].map { $0.map(Value.string) })
        #expect(result?.fields.map(\.name) == ["e.name", "boss"])
        // A left self-join keeps the rows without a manager.
        let left = try Session().run(Self.staff + "staff as e left join staff as m on e.manager = m.id select e.name, m.name as boss limit 1").last
        #expect(left?.rows == [[.string("Ada"), .null]])
        // The table's own name no longer qualifies its fields once it has another.
        #expect(message("leaders as l where leaders.name = \"x\"").hasPrefix("no table named 'leaders' in this query"))
        #expect(try Session().run("range(3) as r where r.value > 0 select r.value").last?.rows == [[.integer(1)], [.integer(2)]])
        #expect(try Session().run("[{a: 1}] as one select one.a").last?.rows == [[.integer(1)]])
    }

    @Test func aLetNameQualifiesItsOwnFields() throws {
        let session = Session()
        let result = try session.run(
            """
            let kz = leaders where country = "Kazakhstan"
            kz join leaders on kz.title = leaders.title where kz.name != leaders.name select kz.name, leaders.name as other order by kz.name, other
            """).last
        #expect(result?.rows.first?.count == 2)
        #expect(try session.run("let kz = leaders where country = \"Kazakhstan\"; kz select kz.name order by name limit 1").last?.rows == [[.string("Askar Mamin")]])
        // A let of a join keeps its tables' names, which tell its fields apart; `as` renames the rest.
        let joined = "let j = visits join leaders on visitor = leaders.name\n"
        #expect(try Session().run(joined + "j select visits.year, leaders.name limit 1").last?.rows.count == 1)
        #expect(try Session().run(joined + "j as v select v.year, v.visitor limit 1").last?.rows.count == 1)
    }

    @Test func aLetNameQualifiesTheFieldsItRenamedOrComputed() throws {
        // Found by an outside trial: once a let renamed a field, grouped, or was an inline table's,
        // its own name no longer qualified any of its fields ("unknown field 't.year' in 't'").
        let session = Session()
        #expect(try session.run("let t = visits select visitor as v, year where year > 2000 order by year; t select t.v, t.year limit 1").last?.rows
            == [[.string("Nursultan Nazarbayev"), .integer(2013)]])
        #expect(try session.run("let g = visits group by visitor select visitor, count() as n; g where g.n > 1 select g.visitor").last?.rows
            == [[.string("Benjamin Netanyahu")], [.string("Nursultan Nazarbayev")]])
        #expect(try session.run("let t = [{a: 1, b: 2}] select a as x, b; t select t.x, t.b").last?.rows == [[.integer(1), .integer(2)]])
        // A let of a join that kept one table's fields and renamed the rest: its own name, as
        // its help says.
        #expect(message("let j = leaders join visits on leaders.name = visits.visitor select leaders.name as n, visits.year\nj select visits.year")
            .contains("write 'j.year'"))
    }

    @Test func printedAliasesParseAgain() throws {
        let text = "leaders as l join leaders as m on (l.country = m.country) select l.name"
        guard case .query(let query)? = Parser.parse(SourceFile(name: "p", text: text)).script.statements.first?.kind else {
            Issue.record("no query")
            return
        }
        #expect(SyntaxPrinter.print(query) == text)
    }
}

/// The naming rule's other half (README, "Names"): a bare name that two fields answer to is
/// ambiguous, even when one is a field a select named (which belongs to no table). Found in
/// review: `albums select artist_id as artist_id … join artists on artist_id = artists.artist_id`
/// silently took the left side.
@Suite struct SharedNameTests {
    private func message(_ text: String) -> String { Session.messages(running: text) }

    static let tables = """
        let albums = [{album_id: 1, artist_id: 10, title: "A"}, {album_id: 2, artist_id: 20, title: "B"}]
        let artists = [{artist_id: 10, name: "X"}, {artist_id: 30, name: "Z"}]

        """

    @Test func aSelectsNameAndAJoinedTablesAreAmbiguous() {
        for join in ["join", "left join"] {
            for condition in ["artist_id = artists.artist_id", "artists.artist_id = artist_id", "artist_id = artists.artist_id and title != \"\""] {
                let text = Self.tables + "albums select artist_id as artist_id, title \(join) artists on \(condition)"
                let answer = message(text)
                #expect(answer.contains("'artist_id' is ambiguous here: a select named a field 'artist_id', and this query also has 'artists.artist_id'"), "\(text)\n\(answer)")
                #expect(answer.contains("give the select's 'artist_id' a name of its own with 'as'"), "\(answer)")
            }
        }
        // Computed, not only renamed; and after the join, in a later clause.
        #expect(message(Self.tables + "albums select artist_id * 1 as artist_id join artists on artists.artist_id = 10 where artist_id > 0").contains("'artist_id' is ambiguous here"))
        #expect(message(Self.tables + "albums select artist_id + 0 as artist_id join artists on artists.artist_id = 10 select artist_id").contains("'artist_id' is ambiguous here"))
        // An inline table joined, and a let of computed rows (qualified by its own name: no ambiguity).
        #expect(message(Self.tables + "albums select artist_id as k join [{k: 10}] as r on k = r.k").contains("'k' is ambiguous here"))
        // Two fields of one select: a renamed one and a table's.
        #expect(message(Self.tables + "albums join artists on albums.artist_id = artists.artist_id select albums.artist_id as artist_id, artists.artist_id select artist_id").contains("'artist_id' is ambiguous here"))
    }

    @Test func theWaysOutWork() throws {
        // Renamed apart, the query runs; qualified, the joined table's field is found.
        let renamed = try Session().run(Self.tables + "albums select artist_id as aid, title left join artists on aid = artists.artist_id select title, name order by title").last
        #expect(renamed?.rows == [[.string("A"), .string("X")], [.string("B"), .null]])
        // A let of one table's rows qualifies its own fields, so the bare name is the let's and the join's both: still ambiguous, and each qualified works.
        let session = Session()
        _ = try session.run(Self.tables)
        #expect(message(Self.tables + "let a = albums select artist_id, title\na join artists on artist_id = artists.artist_id").contains("'artist_id' is ambiguous here"))
        let qualified = try session.run("let a = albums select artist_id, title\na join artists on a.artist_id = artists.artist_id select title, name").last
        #expect(qualified?.rows == [[.string("A"), .string("X")]])
        // A self-join with `as` on both sides, and a using-like shape: each side qualified.
        let selfJoin = try session.run("albums as x join albums as y on x.artist_id = y.artist_id select x.title, y.title order by x.title").last
        #expect(selfJoin?.rows == [[.string("A"), .string("A")], [.string("B"), .string("B")]])
        #expect(message(Self.tables + "albums as x join albums as y on x.artist_id = y.artist_id select artist_id").contains("write one of 'x.artist_id' and 'y.artist_id'"))
        // A name only one side has stays bare.
        #expect(try session.run("albums join artists on albums.artist_id = artists.artist_id select title, name").last?.rows == [[.string("A"), .string("X")]])
    }

    @Test func aGroupsFieldThatIsAmbiguousOrUnknownSaysSoBeforeAskingForAnAggregate() {
        // Not "'artist_id' is neither a group key nor aggregated": the name itself is the trouble.
        let ambiguous = message(Self.tables + "albums as x join albums as y on x.artist_id = y.artist_id group by x.title select artist_id")
        #expect(ambiguous.contains("'artist_id' is ambiguous here"), "\(ambiguous)")
        #expect(ambiguous.contains("write one of 'x.artist_id' and 'y.artist_id'"), "\(ambiguous)")
        let unknown = message(Self.tables + "albums group by title select artst_id")
        #expect(unknown.contains("unknown field 'artst_id'"), "\(unknown)")
        #expect(unknown.contains("artist_id"), "\(unknown)")
        let qualified = message(Self.tables + "albums group by title select z.artist_id")
        #expect(qualified.contains("no table named 'z'"), "\(qualified)")
        // A name the rows have, neither grouped nor aggregated, still says that.
        #expect(message(Self.tables + "albums group by title select artist_id").contains("group"))
    }
}
