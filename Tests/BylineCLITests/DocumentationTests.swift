// Documentation that is tested: every `$ byline …` example in README.md and the DocC articles is
// run through the built binary, and what it prints must be what the page shows.
import BylineDatabases
import Foundation
import Testing
import TestSupport

@Suite struct DocumentationTests {
    /// A command as a page shows it, and the output shown under it.
    struct Example: CustomStringConvertible {
        var page: String
        var line: Int
        var command: String
        var output: String
        var description: String { "\(page):\(line): \(command)" }
    }

    static let pages = ["README.md"] + ((try? FileManager.default.contentsOfDirectory(
        atPath: BylineBinary.packageRoot.appendingPathComponent("Sources/Byline/Byline.docc").path)) ?? [])
        .filter { $0.hasSuffix(".md") }.sorted().map { "Sources/Byline/Byline.docc/" + $0 }

    /// Files the examples read, made in the folder they run in.
    static let fixtures = ["bad.csv": "a,b\n1,2\n3\n"]

    /// Every `$ byline` line inside a fenced block, with the lines after it up to the next `$` line
    /// or the end of the block.
    static func examples(in page: String) -> [Example] {
        guard let text = try? String(contentsOf: BylineBinary.packageRoot.appendingPathComponent(page), encoding: .utf8) else { return [] }
        var examples: [Example] = []
        var inBlock = false
        var current: Example?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") {
                if let example = current { examples.append(example) }
                current = nil
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            if trimmed.hasPrefix("$ byline") {
                if let example = current { examples.append(example) }
                current = Example(page: page, line: index + 1, command: String(trimmed.dropFirst(2)), output: "")
            } else if trimmed.hasPrefix("$ ") {
                if let example = current { examples.append(example) }
                current = nil
            } else if current != nil {
                // Drop the indentation the DocC page adds to its code blocks.
                current?.output += String(line.dropFirst(line.count - trimmed.count == 4 && page.hasSuffix(".docc") ? 4 : 0)) + "\n"
            }
        }
        return examples
    }

    static var all: [Example] { pages.flatMap(examples(in:)) }

    @Test func thereAreExamplesToCheck() {
        #expect(Self.all.count >= 12)
    }

    @Test(arguments: all)
    func exampleShowsWhatItPrints(_ example: Example) throws {
        try check(example)
    }

    /// The README's queries again, with the article's tables pushed into SQLite and into
    /// PostgreSQL: the same rows, printed the same (`explain`, which also shows the SQL, and
    /// commands other than running statements are left out).
    @Test(arguments: all.filter { ($0.command.hasPrefix("byline -c") || $0.command.hasPrefix("byline --")) && !$0.command.contains("explain") })
    func exampleShowsTheSameInDatabases(_ example: Example) throws {
        try TemporaryFolder.with("docs-db") { folder in
            let sqlite = folder.path("article.sqlite")
            let postgres = try PostgresForTests.connect(schema: "docs") { try PostgreSQLConnection($0) }
            defer { postgres.drop() }
            for location in [sqlite, postgres.uri] {
                let push = try BylineBinary.run(["--db", location, "-c", ".push article"])
                try #require(push.status == 0, "pushing the article failed: \(push.stderr)")
                try check(example, database: location)
            }
        }
    }

    func check(_ example: Example, database: String? = nil) throws {
        try TemporaryFolder.with("docs") { folder in
            for (name, text) in Self.fixtures { try folder.write(name, text) }
            try FileManager.default.createSymbolicLink(
                atPath: folder.path("Tests"), withDestinationPath: BylineBinary.packageRoot.appendingPathComponent("Tests").path)
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            // `byline` in the command is the built binary.
            let open = database == nil ? "" : "--db \"$BYLINE_DB\" "
            shell.arguments = ["-c", "byline() { \"$BYLINE\" \(open)\"$@\"; }; " + example.command + " 2>&1"]
            var environment = ProcessInfo.processInfo.environment
            environment["BYLINE_DB"] = database
            environment["BYLINE"] = BylineBinary.url.path
            environment["NO_COLOR"] = "1"
            shell.environment = environment
            shell.currentDirectoryURL = folder.url
            let output = Pipe()
            shell.standardOutput = output
            shell.standardInput = FileHandle.nullDevice
            try shell.run()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            shell.waitUntilExit()
            let shown = example.output.trimmingCharacters(in: .newlines)
            #expect(printed.trimmingCharacters(in: .newlines) == shown, "\(example)\(database.map { " in \($0)" } ?? "")")
        }
    }
}
