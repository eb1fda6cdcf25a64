// Every example script again, with the article's tables pushed into a database: into an SQLite
// file and into PostgreSQL (BYLINE_POSTGRES, see Scripts/with-postgres). Queries over the article's
// tables then run in the database as SQL, and must print exactly what Byline's own engine prints
// (the same .out files). `explain` is the one difference: it also shows the SQL.
import BylineDatabases
import Foundation
import Testing
import TestSupport

@Suite struct DatabaseGoldenTests {
    enum Engine: String, CaseIterable, Sendable {
        case sqlite, postgresql
    }

    @Test(arguments: GoldenTests.scripts, Engine.allCases)
    func exampleGivesTheSameOutputInADatabase(_ script: String, _ engine: Engine) throws {
        let copy = try TemporaryFolder("example-db")
        defer { copy.remove() }
        for name in try FileManager.default.contentsOfDirectory(atPath: GoldenTests.examples.path) where name != "Embedding" {
            try FileManager.default.copyItem(at: GoldenTests.examples.appendingPathComponent(name), to: copy.url.appendingPathComponent(name))
        }
        var postgres: PostgresForTests?
        defer { postgres?.drop() }
        let location: String
        switch engine {
        case .sqlite:
            location = copy.url.appendingPathComponent("article.sqlite").path
        case .postgresql:
            postgres = try PostgresForTests.connect(schema: "golden") { try PostgreSQLConnection($0) }
            location = postgres!.uri
        }
        let push = try BylineBinary.run(["--db", location, "-c", ".push article"], in: copy.url)
        try #require(push.status == 0, "pushing the article failed: \(push.stderr)")

        let run = try BylineBinary.run(["--db", location, script], in: copy.url)
        let actual = GoldenTests.transcript(run)
        if script == "explain.byl" {
            #expect(run.status == 0 && actual.contains("as this SQL:"), "explain in \(engine) shows no SQL:\n\(actual)")
            return
        }
        let expected = try String(contentsOf: GoldenTests.examples.appendingPathComponent(script.replacingOccurrences(of: ".byl", with: ".out")), encoding: .utf8)
        #expect(actual == expected, "\(script) in \(engine) differs from its .out file")
    }
}
