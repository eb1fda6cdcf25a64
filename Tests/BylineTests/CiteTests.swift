// `cite`: each row with the sentences its sources name, through select, group by and every format.
import Testing

@testable import Byline

@Suite struct CiteTests {
    private func cited(_ text: String, session: Session = Session()) throws -> [[Int]] {
        try session.run(text).last?.citations?.map { $0.map(\.id) } ?? []
    }

    private func answer(_ text: String) throws -> [[Value]] {
        try Session().run(text).last?.rows ?? []
    }

    @Test func rowsCiteTheirSources() throws {
        #expect(try cited(#"leaders where country = "Congo" cite"#) == [[1, 13, 14, 15, 16]])
        #expect(try cited(#"leaders where country = "Congo" select name cite"#) == [[1, 13, 14, 15, 16]])
    }

    @Test func citingAddsNoField() throws {
        let result = try #require(try Session().run(#"leaders where country = "Congo" select name, title cite"#).last)
        #expect(result.fields.map(\.name) == ["name", "title"])
        let grouped = try #require(try Session().run("visits group by destination select destination cite").last)
        #expect(grouped.fields.map(\.name) == ["destination"])
    }

    @Test func groupsCiteTheUnionOfTheirRows() throws {
        #expect(try cited(#"visits where visitor = "Netanyahu" group by visitor select visitor, count() as trips cite"#) == [[2, 3]])
        #expect(try cited(#"visits where visitor = "Nazarbayev" group by visitor cite"#) == [[5]])
        #expect(try cited("visits select count() as n cite") == [[1, 2, 3, 5, 11, 12, 13, 15]])
    }

    @Test func distinctKeepsItsRowsAndCitesWhatItMerged() throws {
        let query = "visits select destination distinct"
        #expect(try answer(query + " cite") == answer(query))
        #expect(try answer(query).count == 3)
        #expect(try cited(query + " cite") == [[2, 3], [3], [1, 2, 5, 11, 12, 13, 15]])
        // `order by … limit` keeps each row's own sentences, all of them.
        #expect(try cited(query + " order by destination limit 2 cite") == [[3], [1, 2, 5, 11, 12, 13, 15]])
        #expect(try cited("visits select destination order by destination limit 2 cite") == [[3], [5]])
    }

    @Test func countsSentencesAndMentionsCite() throws {
        #expect(try cited(#"visits where visitor = "Nazarbayev" count cite"#) == [[5]])
        #expect(try answer(#"visits where visitor = "Nazarbayev" count cite"#) == [[.integer(3)]])
        #expect(try cited("sentences where id = 4 select text cite") == [[4]])
        #expect(try cited(#"mentions where entity = "Azerbaijan" cite"#) == [[3]])
        #expect(try cited(#"mentions where entity = "Azerbaijan" select kind cite"#) == [[3]])
    }

    @Test func aRenamedSourceIsStillTheSource() throws {
        #expect(try cited(#"leaders where name = "Mamin" select name, source as s cite"#) == [[1, 2, 11, 12]])
    }

    @Test func aDefThatCitesShowsNoEvidenceFieldsWhenJoined() throws {
        let session = Session()
        _ = try session.run("def g() = leaders select name cite")
        let joined = try #require(try session.run(#"visits where visitor = "Tshisekedi" join g() as g on visitor = g.name"#).last)
        #expect(joined.fields.map(\.name) == ["visitor", "destination", "city", "year", "status", "note", "source", "name"])
        #expect(joined.citations == nil)
        let cited = try #require(try session.run(#"visits where visitor = "Tshisekedi" join g() as g on visitor = g.name select destination cite"#).last)
        #expect(cited.fields.map(\.name) == ["destination"])
        #expect(cited.citations?.map { $0.map(\.id) } == [[1, 13, 14, 15, 16]])
    }

    @Test func everyFormatShowsTheSentences() throws {
        let result = try #require(try Session().run(#"organizations where acronym = "UN" cite"#).last)
        let sentence = "Despite the close economic, diplomatic and security ties, Kazakhstan almost always votes against Israel in UN forums."
        #expect(ResultFormatter.format(result, as: .json).contains(#""cited":[{"id":10,"text":"\#(sentence)"}]"#))
        #expect(ResultFormatter.format(result, as: .jsonl).contains(#""cited":[{"id":10,"#))
        for format in [OutputFormat.table, .box, .csv, .tsv, .markdown, .line] {
            #expect(ResultFormatter.format(result, as: format).contains("[10] Despite the close"), "\(format)")
        }
    }

    @Test func rowsWithoutSourcesCannotCite() {
        let script = Session().check(SourceFile(name: "t", text: "range(3) cite"))
        #expect(script.diagnostics.first?.message == "nothing to cite: these rows have no 'source' field")
        let misplaced = Session().check(SourceFile(name: "t", text: "leaders cite where name = \"x\""))
        #expect(misplaced.diagnostics.first?.message == "'cite' must be the last clause of a query")
    }

    @Test func theSwitchCitesEveryQueryThatCan() throws {
        let session = Session()
        session.citesEveryQuery = true
        #expect(try cited(#"leaders where name = "Mamin" select name"#, session: session) == [[1, 2, 11, 12]])
        #expect(try session.run(#"leaders where name = "Tokayev" count"#).last?.citations?.map { $0.map(\.id) } == [[6, 7]])
        #expect(try session.run("range(3)").last?.citations == nil)
    }
}
