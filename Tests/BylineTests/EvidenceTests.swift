// The article as evidence, read as a fact-checker would: phrases that refer to a row are cited by
// it, values are the article's own, and every attribution points at a fact that exists.
import Testing

@testable import Byline

@Suite struct EvidenceTests {
    private let session = Session()

    private func rows(_ query: String) throws -> [[Value]] {
        try session.run(query).last?.rows ?? []
    }

    private func sources(_ query: String) throws -> [[Int]] {
        try rows(query + " select source").map { row in
            guard case .list(let ids) = row[0] else { return [] }
            return ids.compactMap { if case .integer(let id) = $0 { return id } else { return nil } }
        }
    }

    /// The citation rule beyond names: the headline and the phrases whose referent the article
    /// makes plain. Each query's rows must all cite the sentence, and there must be some.
    static let phrases: [(query: String, sentence: Int, phrase: String)] = [
        (#"visits where status = "planned""#, 1, "Leaders of Kazakhstan, Democratic Republic of Congo keen on Israel trip"),
        (#"leaders where name in ["Mamin", "Tshisekedi"]"#, 1, "Leaders of Kazakhstan, Democratic Republic of Congo"),
        (#"relations where relation = "is an economic and security partner of""#, 10, "the close economic, diplomatic and security ties"),
        (#"relations where relation contains "diplomatic""#, 10, "diplomatic ... ties"),
        (#"relations where subject = "EAJC" and object = "Tokayev""#, 6, "a delegation of Jewish leaders headed [by] EAJC President"),
        (#"relations where subject = "EAJC" and object = "Tokayev""#, 7, "the group ... urged Tokayev ... thanked the head of state"),
        (#"organizations where acronym = "EAJC""#, 7, "The group"),
        (#"leaders where name = "Tokayev""#, 7, "the head of state"),
        (#"countries where name in ["Kazakhstan", "Israel"]"#, 9, "The two countries"),
        (#"countries where name in ["Kazakhstan", "Israel"]"#, 11, "between the two countries"),
        (#"countries where name in ["Congo", "Israel"]"#, 14, "between the two countries"),
        (#"countries where name = "Congo""#, 16, "in the country"),
        (#"countries where name = "Congo""#, 17, "The country"),
        (#"visits where visitor = "Mamin""#, 12, "a planned visit by Mamin"),
        (#"events where "Mamin" in people and when = "earlier this week""#, 12, "this was the first they have heard"),
        (#"events where when = "Tuesday night""#, 15, "During the conversation"),
        (#"relations where subject = "Nazarbayev" and object = "Kazakhstan""#, 4, "the only president the country has ever known"),
        (#"events where description contains "epidemic""#, 17, "in the throes of an Ebola epidemic"),
        (#"relations where subject = "Mamin" and object = "EAJC""#, 11, "told the EAJC delegation"),
    ]

    @Test func phrasesThatReferToARowAreCitedByIt() throws {
        for (query, sentence, phrase) in Self.phrases {
            let cited = try sources(query)
            #expect(!cited.isEmpty, "\(query) finds no row")
            for ids in cited {
                #expect(ids.contains(sentence), "\(query): sentence \(sentence) (\"\(phrase)\") is not cited, only \(ids)")
            }
        }
    }

    @Test func valuesAreTheArticles() throws {
        // "ties between the two countries" (14) is kept.
        #expect(try rows(#"relations where subject = "Tshisekedi" and relation contains "between the two countries" count"#) == [[.integer(1)]])
        // The Ebola figure says what 17 says, and invents no "exactly".
        #expect(try rows(#"figures where subject = "Congo" select value, qualifier"#) == [[.integer(27), .string("a one-day record")]])
        #expect(try rows(#"figures where qualifier contains "exact" count"#) == [[.integer(0)]])
        // Whole counts are integers.
        #expect(try rows("figures select value").allSatisfy { if case .integer = $0[0] { return true } else { return false } })
        // Nur-Sultan is the announced new name of Astana, not a second city.
        #expect(try rows(#"places where name = "Nur-Sultan" select name"#) == [[.string("Astana")]])
        #expect(try rows(#"places where kind = "city" and country = "Kazakhstan" count"#) == [[.integer(1)]])
        #expect(try rows(#"visits where city = "Nur-Sultan" select visitor"#) == [[.string("Benjamin Netanyahu")]])
    }

    @Test func eventsTheArticleDoesNotOrderShareASequence() throws {
        let sequences = try rows(#"events where when in ["Tuesday night", "earlier this week", "Sunday"] select sequence"#)
        #expect(sequences.count == 3)
        #expect(Set(sequences.map { $0[0] }).count == 1)
        // What the article does order stays ordered: the win (16) before January, the victory before the call (14).
        let order = try rows(#"events where "Tshisekedi" in people order by sequence select description"#).map { $0[0] }
        let win: Value = .string("Felix Tshisekedi wins elections")
        let power: Value = .string("Felix Tshisekedi assumes power")
        #expect((order.firstIndex(of: win) ?? 99) < (order.firstIndex(of: power) ?? -1))
    }

    @Test func everyAttributionSupportsAFactThatExistsAndCitesItsSentence() throws {
        let attributions = try rows("attributions select fact_table, fact, source")
        #expect(attributions.count >= 15)
        for row in attributions {
            guard case .string(let table) = row[0], case .string(let fact) = row[1], case .list(let cited) = row[2] else { continue }
            let field = ["relations": "relation", "events": "description", "visits": "note", "figures": "measure"][table]
            let name = try #require(field, "attributions names the table '\(table)'")
            let supported = try session.run("\(table) where \(name) = $f select source", parameters: ["f": fact]).last?.rows ?? []
            #expect(supported.count == 1, "\(table) has \(supported.count) rows whose \(name) is '\(fact)'")
            // The fact cites the sentence that attributes it.
            if case .list(let factSources)? = supported.first?.first {
                for id in cited { #expect(factSources.contains(id), "'\(fact)' does not cite \(id), which attributes it") }
            }
        }
        // Who said what: the PMO, the Foreign Ministry's sources, the EAJC's statement, Mamin.
        let speakers = Set(try rows("attributions where speaker is not null select speaker").map { $0[0] })
        for speaker in ["PMO", "Foreign Ministry", "Euro-Asian Jewish Congress", "Askar Mamin"] {
            #expect(speakers.contains(.string(speaker)), "\(speaker) says nothing")
        }
        #expect(try rows(#"attributions where speaker = "EAJC" count"#) == [[.integer(2)]])
    }
}
