// Typed embedding: rows decoded into Swift types, rows by field name, parameters, errors that read
// as their diagnostics, task cancellation, and Swift values registered as tables.
import Foundation
import Testing

@testable import Byline

@Suite struct TypedEmbeddingTests {
    struct Leader: Decodable, Equatable {
        var name: String
        var title: String
        var country: String?
        var source: [Int]
    }

    @Test func rowsDecodeIntoSwiftTypes() throws {
        let session = Session()
        let leaders = try session.rows(Leader.self, "leaders where country = $c", parameters: ["c": "Congo"])
        #expect(leaders == [Leader(name: "Felix Tshisekedi", title: "President", country: "Democratic Republic of the Congo", source: [1, 13, 14, 15, 16])])
        do {
            _ = try session.rows(Leader.self, "leaders select name")
            Issue.record("rows without 'title' decoded")
        } catch {
            #expect(error.diagnostics.first?.message == "cannot decode the rows as Leader: no field 'title'")
        }
    }

    @Test func rowsByFieldName() throws {
        let result = try #require(try Session().run("visits join leaders on visitor = leaders.name select leaders.name, year limit 1").last)
        #expect(result[0, "name"] == "Benjamin Netanyahu")
        #expect(result[0, "YEAR"] == 2016)
        #expect(result[0, "nope"] == nil)
    }

    @Test func errorsReadAsTheirDiagnostics() {
        do {
            _ = try Session().run("leaders where contry = 1")
        } catch {
            #expect(error.description.hasPrefix("<input>:1:15: error: unknown field 'contry' in 'leaders'"))
            #expect((error as any Error).localizedDescription == error.description)
        }
    }

    @Test func cancellingTheTaskStopsTheQuery() async throws {
        let session = Session()
        let task = Task { () async throws(BylineError) -> Int in
            try await session.run("range(100000000) select value * 2 as v order by v desc limit 1").count
        }
        // At once: the run sees it before it starts, or its cancellation handler stops the engine.
        task.cancel()
        let outcome = await task.result
        guard case .failure(let error) = outcome else {
            Issue.record("the query finished instead of stopping")
            return
        }
        #expect((error as? BylineError)?.diagnostics.first?.id == .cancelled)
    }

    enum Status: String, Encodable { case active, retired }

    struct Person: Encodable {
        var name: String
        var born: Date
        var homepage: URL
        var status: Status
        var nickname: String?
        var score: Int?
    }

    @Test func swiftValuesBecomeTablesWithoutLosingColumns() throws {
        let session = Session(tables: [])
        try session.register(table: "people", rows: [
            Person(name: "A", born: Date(timeIntervalSince1970: 86_400 * 365), homepage: URL(string: "https://example.org/a")!,
                status: .active, nickname: nil, score: nil),
        ])
        let schema = try #require(session.schema(of: "people"))
        #expect(schema.fields.map(\.name) == ["name", "born", "homepage", "status", "nickname", "score"])
        #expect(schema.fields.map(\.type) == [.string, .date, .string, .string, .string, .integer])
        let row = try #require(try session.run("people").last).row(0)
        #expect(row == [.string("A"), .date(PartialDate(year: 1971, month: 1, day: 1)), "https://example.org/a", "active", nil, nil])
    }
}
