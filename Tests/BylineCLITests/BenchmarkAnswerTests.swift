// The benchmark's correctness check: on generated data, Byline and sqlite3 give the same answers
// to every benchmark query (Benchmarks/queries.tsv). Timings stay out of tests.
import Foundation
import Testing
import TestSupport

@Suite struct BenchmarkAnswerTests {
    static let queriesFile = BylineBinary.packageRoot.appendingPathComponent("Benchmarks/queries.tsv")

    static func queries() throws -> [(name: String, byline: String, sql: String)] {
        try String(contentsOf: queriesFile, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { line in
                let parts = line.split(separator: "\t").map(String.init)
                return (parts[0], parts[1], parts[2])
            }
    }

    /// CSV rows with quotes removed and numbers rounded, so both engines' output compares exactly.
    static func normalise(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { line in
            var cells: [String] = []
            var cell = ""
            var quoted = false
            for character in line {
                if character == "\"" {
                    quoted.toggle()
                } else if character == "," && !quoted {
                    cells.append(cell)
                    cell = ""
                } else {
                    cell.append(character)
                }
            }
            cells.append(cell)
            return cells.map { cell in Double(cell).map { String(format: "%.6g", $0) } ?? cell }
        }
    }

    static func shell(_ command: String, arguments: [String], stdin: String? = nil, in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func bylineAndSqliteAgreeOnEveryBenchmarkQuery() throws {
        let sqlite = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let sqlitePath = try #require(sqlite, "sqlite3 is needed (.ci/run installs it)")
        let folder = try TemporaryFolder.forProcess("bench")
        let generator = BylineBinary.url.deletingLastPathComponent().appendingPathComponent("BenchmarkData").path
        let rows = 20000
        _ = try Self.shell(generator, arguments: [String(rows), "events.csv", "countries.csv", "sources.csv", "2000"], in: folder)
        let queries = try Self.queries()
        #expect(queries.count == 15)
        for query in queries {
            let half = String(rows / 2)
            let byline = try BylineBinary.run(
                ["--no-article", "--data", "events.csv", "-c",
                    "load \"countries.csv\" as places\nload \"sources.csv\" as sources\n" + query.byline.replacingOccurrences(of: "{half}", with: half),
                    "--format", "csv"],
                in: folder)
            #expect(byline.status == 0, "\(query.name): \(byline.stderr)")
            let sql = """
                CREATE TABLE events(id INTEGER, year INTEGER, month INTEGER, actor TEXT, actor_country TEXT, target_country TEXT, kind TEXT, mentions INTEGER, tone REAL, source_id INTEGER, url TEXT);
                CREATE TABLE places(name TEXT, region TEXT);
                CREATE TABLE sources(id INTEGER, name TEXT, country TEXT);
                .mode csv
                .import --skip 1 events.csv events
                .import --skip 1 countries.csv places
                .import --skip 1 sources.csv sources
                .headers on
                \(query.sql.replacingOccurrences(of: "{half}", with: half))
                """
            let expected = try Self.shell(sqlitePath, arguments: [":memory:"], stdin: sql, in: folder)
            #expect(!expected.isEmpty, "\(query.name): sqlite3 gave nothing")
            #expect(Self.normalise(byline.stdout) == Self.normalise(expected), "\(query.name)")
        }
    }
}
