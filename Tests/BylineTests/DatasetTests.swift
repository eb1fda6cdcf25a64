// The article dataset is evidence: every row cites sentences that exist and state it.
import Foundation
import Testing

@testable import Byline

@Suite struct DatasetTests {
    /// The article as published. A copy is kept beside the tests so any clone can check the dataset;
    /// `theFixtureIsTheSharedArticle` checks the copy against ../shared/article.txt where it exists.
    private static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/article.txt")
    private static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/article.txt")

    private static let articleLines: [String] = {
        guard let text = try? String(contentsOf: fixture, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }()

    @Test func theFixtureIsTheSharedArticle() throws {
        let copy = try String(contentsOf: Self.fixture, encoding: .utf8)
        #expect(copy.contains("Kassym-Jomart Tokayev"))
        if let original = try? String(contentsOf: Self.shared, encoding: .utf8) {
            #expect(copy == original)
        }
    }

    private let session = Session()

    private func table(_ name: String) throws -> Table {
        try #require(session.table(named: name))
    }

    private func strings(_ value: Value) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .list(let values): return values.flatMap(strings)
        default: return []
        }
    }

    @Test func theEmbeddedDatasetLoads() {
        #expect(ArticleDataset.loadError == nil)
        #expect(
            session.tableNames
                == [
                    "sentences", "countries", "organizations", "leaders", "visits", "events", "relations", "figures", "places",
                    "attributions", "mentions",
                ])
    }

    @Test func sentencesAreTheArticleInOrderWithoutBoilerplate() throws {
        let lines = Self.articleLines
        try #require(lines.count >= 12, "article.txt not found")
        let sentences = try table("sentences")
        #expect(sentences.value(row: 0, field: 2) == .string(lines[0]))
        // Joining each paragraph's sentences gives the paragraph back, for every article line.
        var paragraphs: [Int: [String]] = [:]
        for row in 0..<sentences.rowCount {
            #expect(sentences.value(row: row, field: 0) == .integer(row + 1))
            guard case .integer(let paragraph) = sentences.value(row: row, field: 1),
                case .string(let text) = sentences.value(row: row, field: 2)
            else { continue }
            paragraphs[paragraph, default: []].append(text)
        }
        let articleParagraphs = lines.prefix { !$0.hasPrefix("Join Jerusalem Post") }.filter { !$0.isEmpty }
        #expect(paragraphs.count == articleParagraphs.count)
        for (index, line) in articleParagraphs.enumerated() {
            #expect(paragraphs[index + 1]?.joined(separator: " ") == line)
        }
    }

    @Test func noTableQuotesTheSitesBoilerplate() throws {
        for name in session.tableNames {
            let table = try table(name)
            for row in 0..<table.rowCount {
                for field in table.schema.fields.indices {
                    for text in strings(table.value(row: row, field: field)) {
                        #expect(!text.contains("Jerusalem Post"))
                        #expect(!text.contains("Comments are closed"))
                    }
                }
            }
        }
    }

    @Test func everyRowCitesSentencesThatExist() throws {
        let sentenceCount = try table("sentences").rowCount
        // `mentions` is derived from the sentences themselves; every other table cites them.
        for name in session.tableNames where name != "sentences" && name != "mentions" {
            let table = try table(name)
            let sourceIndex = try #require(table.schema.index(of: "source"), "\(name) has no source field")
            for row in 0..<table.rowCount {
                guard case .list(let ids) = table.value(row: row, field: sourceIndex), !ids.isEmpty else {
                    Issue.record("\(name) row \(row + 1) cites no sentence")
                    continue
                }
                for case .integer(let id) in ids {
                    #expect((1...sentenceCount).contains(id), "\(name) row \(row + 1) cites sentence \(id)")
                }
            }
        }
    }

    /// Each leader's surname, each country's name (or an alias), and each visit's visitor must be
    /// stated in a sentence the row cites.
    @Test func citedSentencesStateTheRowsNames() throws {
        let sentences = try table("sentences")
        func cited(_ table: Table, _ row: Int) -> String {
            guard let index = table.schema.index(of: "source"), case .list(let ids) = table.value(row: row, field: index)
            else { return "" }
            return ids.compactMap { id -> String? in
                guard case .integer(let number) = id, case .string(let text) = sentences.value(row: number - 1, field: 2)
                else { return nil }
                return text
            }.joined(separator: " ")
        }
        let leaders = try table("leaders")
        for row in 0..<leaders.rowCount {
            guard case .string(let name) = leaders.value(row: row, field: 0) else { continue }
            let surname = String(name.split(separator: " ").last ?? "")
            #expect(cited(leaders, row).contains(surname), "\(name) is not named in its cited sentences")
            #expect(Self.articleLines.joined().contains(name), "\(name) is not spelt as the article spells it")
        }
        let countries = try table("countries")
        for row in 0..<countries.rowCount {
            let names = strings(countries.value(row: row, field: 0)) + strings(countries.value(row: row, field: 1))
            #expect(names.contains { cited(countries, row).contains($0) }, "\(names) not in cited sentences")
        }
        let visits = try table("visits")
        for row in 0..<visits.rowCount {
            guard case .string(let visitor) = visits.value(row: row, field: 0) else { continue }
            let surname = String(visitor.split(separator: " ").last ?? "")
            #expect(cited(visits, row).contains(surname))
            if case .integer(let year) = visits.value(row: row, field: 3) {
                #expect(cited(visits, row).contains(String(year)), "visit year \(year) is not in its cited sentences")
            }
        }
    }

    /// The citation rule: a row cites every sentence that states or refers to it. Mechanically, every
    /// sentence that names an entity (by name or alias, as `mentions` finds them) is cited by it.
    @Test func everySentenceThatNamesAnEntityIsCitedByIt() throws {
        let mentions = try table("mentions")
        #expect(mentions.rowCount > 20)
        for (tableName, _) in ArticleDataset.entityKinds {
            let entities = try table(tableName)
            guard let sourceIndex = entities.schema.index(of: "source") else { continue }
            for row in 0..<entities.rowCount {
                guard case .string(let name) = entities.value(row: row, field: 0),
                    case .list(let cited) = entities.value(row: row, field: sourceIndex)
                else { continue }
                for mention in 0..<mentions.rowCount where mentions.value(row: mention, field: 1) == .string(name) {
                    let sentence = mentions.value(row: mention, field: 0)
                    #expect(cited.contains(sentence), "\(name) is named in sentence \(sentence) but does not cite it")
                }
            }
        }
    }

    /// The names and aliases a reference field matches, lowercased, mapped to the row's name.
    private func nameIndex(of target: String) throws -> [String: String] {
        guard target == ArticleDataset.anyEntity else { return try table(target).nameIndex() }
        var index: [String: String] = [:]
        for (entityTable, _) in ArticleDataset.entityKinds {
            index.merge(try table(entityTable).nameIndex()) { first, _ in first }
        }
        return index
    }

    @Test func referencesPointAtRowsThatExist() throws {
        for name in session.tableNames {
            let table = try table(name)
            for (fieldIndex, field) in table.schema.fields.enumerated() {
                guard let target = field.references, target != name else { continue }
                let index = try nameIndex(of: target)
                let names = Set(index.values)
                for row in 0..<table.rowCount {
                    for value in strings(table.value(row: row, field: fieldIndex)) {
                        if target == ArticleDataset.anyEntity {
                            // A party that is no entity ("Kazakh forces") may stand as it is, but an
                            // entity is always written by its name, never by an alias.
                            #expect(index[value.lowercased()].map { $0 == value } ?? true, "\(name).\(field.name) writes '\(value)' for \(index[value.lowercased()] ?? "")")
                        } else {
                            #expect(names.contains(value), "\(name).\(field.name) names '\(value)', which \(target) lacks")
                        }
                    }
                }
            }
        }
    }

    /// The rule for reference fields: every field that names a country, organization, leader or
    /// place matches each of that row's aliases as it matches its name.
    @Test func everyReferenceFieldMatchesAliases() throws {
        var checked = 0
        for name in session.tableNames {
            let table = try table(name)
            for (fieldIndex, field) in table.schema.fields.enumerated() {
                guard let target = field.references, target != "sentences" else { continue }
                let index = try nameIndex(of: target)
                let values = Set((0..<table.rowCount).flatMap { strings(table.value(row: $0, field: fieldIndex)) })
                for value in values.sorted() {
                    for alias in index.filter({ $0.value == value && $0.key != value.lowercased() }).keys.sorted() {
                        let test = field.type.isList ? "\"\(alias)\" in \(field.name)" : "\(field.name) = \"\(alias)\""
                        let byAlias = try Session().run("\(name) where \(test) count").first?.rows
                        let byName = try Session().run("\(name) where \(field.type.isList ? "\"\(value)\" in \(field.name)" : "\(field.name) = \"\(value)\"") count").first?.rows
                        #expect(byAlias == byName, "\(name) where \(test)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 20)
        #expect(try Session().run(#"relations where subject = "Mamin" count"#).first?.rows != [[.integer(0)]])
        #expect(try Session().run(#"figures where subject = "Congo" count"#).first?.rows == [[.integer(1)]])
        #expect(try Session().run(#"mentions where entity = "Tokayev" select sentence"#).first?.rows == [[.integer(6)], [.integer(7)]])
        #expect(try Session().run(#"relations where object = "Netanyahu" count"#).first?.rows != [[.integer(0)]])
    }

    @Test func theSchemaMarksEveryReferenceField() throws {
        // Fields that name entities: each refers to its table (or to any entity table).
        let expected: [String: String] = [
            "leaders.country": "countries", "leaders.organization": "organizations", "visits.visitor": "leaders",
            "visits.destination": "countries", "visits.city": "places", "countries.capital": "places",
            "events.country": "countries", "events.people": "leaders", "places.country": "countries",
            "relations.subject": "entities", "relations.object": "entities", "figures.subject": "entities",
            "mentions.entity": "entities", "mentions.sentence": "sentences", "attributions.speaker": "entities",
        ]
        for (path, target) in expected {
            let parts = path.split(separator: ".").map(String.init)
            let schema = try table(parts[0]).schema
            let field = try #require(schema.index(of: parts[1]).map { schema.fields[$0] }, "\(path)")
            #expect(field.references == target, "\(path)")
        }
    }

    @Test func statusesUseTheDocumentedWords() throws {
        #expect(Set(try Session().run("leaders select status").first!.rows.map { $0[0] }) == [.string("current"), .string("former")])
        #expect(Set(try Session().run("visits select status").first!.rows.map { $0[0] }) == [.string("completed"), .string("planned")])
    }

    @Test func valuesTheArticleDoesNotStateAreNull() throws {
        // The article never names Israel's capital, nor gives the year of Mamin's or Tshisekedi's trips.
        #expect(try Session().run(#"countries where name = "Israel" select capital"#).first?.rows == [[.null]])
        #expect(try Session().run(#"visits where status = "planned" select year"#).first?.rows == [[.null], [.null]])
    }
}
