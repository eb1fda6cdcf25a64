// Loading data files: type inference, every malformed-input error with its exact message, and
// round trips through save.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct LoaderTests {
    private func folder() throws -> URL {
        try TemporaryFolder.forProcess("test")
    }

    private func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = try folder().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func file(_ name: String, _ text: String) throws -> String {
        try file(name, Array(text.utf8))
    }

    private func load(_ path: String, format: DataFormat? = nil) throws -> LoadedTable {
        try TableLoader.load(path: path, format: format)
    }

    private func loadError(_ name: String, _ text: String) throws -> String {
        let path = try file(name, text)
        do {
            _ = try load(path)
            return "loaded"
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: name)
        }
    }

    // MARK: - Types

    /// The loader's fast path for short decimals gives the double `Double(text)` gives, bit for bit.
    @Test func shortDecimalsLoadAsTheSameDoubles() {
        var random = SplitMix64(state: 2026)
        for _ in 0..<200_000 {
            var text = ["", "-", "+"][random.below(3)]
            let digits = 1 + random.below(17)
            let point = random.below(digits + 2) - 1  // -1: no point
            for index in 0..<digits {
                if index == point { text += "." }
                text += String(random.below(10))
            }
            if point == digits { text += ".5" }
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { DelimitedLoader.parseShortDecimal($0, 0, $0.count) }
            guard let fast else { continue }  // not a short decimal: the general path reads it
            #expect(fast.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func typesAreInferredOverTheWholeFile() throws {
        let loaded = try load(try file("t.csv", "i,f,b,d,s,n,m\n1,1,true,2016-03-09,x,,1\n2,2.5,FALSE,2016-03,y,,true\n"))
        #expect(loaded.table.schema.fields.map(\.type) == [.integer, .float, .bool, .date, .string, .string, .string])
        #expect(loaded.table.value(row: 1, field: 1) == .float(2.5))
        #expect(loaded.table.value(row: 0, field: 1) == .float(1))
        #expect(loaded.table.value(row: 1, field: 2) == .bool(false))
        #expect(loaded.table.value(row: 0, field: 5) == .null)
        #expect(loaded.table.value(row: 1, field: 6) == .string("true"))
    }

    @Test func integersTooBigFor32BitsAreKeptWhole() throws {
        let loaded = try load(try file("big.csv", "small,big\n1,1\n-2147483648,3000000000\n"))
        #expect(loaded.table.value(row: 1, field: 0) == .integer(-2_147_483_648))
        #expect(loaded.table.value(row: 1, field: 1) == .integer(3_000_000_000))
        let session = Session(tables: [loaded.table])
        #expect(try session.run("big where big > 2 and small < 0 select big + small as sum").first?.rows == [[.integer(852_516_352)]])
        #expect(try session.run("big order by small select small limit 1").first?.rows == [[.integer(-2_147_483_648)]])
    }

    @Test func csvFollowsRFC4180() throws {
        let loaded = try load(try file("q.csv", "\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\"\"\r\n\r\n"))
        #expect(loaded.table.rowCount == 2)
        #expect(loaded.table.value(row: 0, field: 0) == .string("x, y"))
        #expect(loaded.table.value(row: 0, field: 1) == .string("say \"hi\""))
        #expect(loaded.table.value(row: 1, field: 0) == .string("line\nbreak"))
        #expect(loaded.table.value(row: 1, field: 1) == .string(""))  // quoted empty is text, not null
    }

    @Test func tsvByExtensionAndOtherDelimitersByOption() throws {
        #expect(try load(try file("t.tsv", "a\tb\n1\tx,y\n")).table.value(row: 0, field: 1) == .string("x,y"))
        #expect(try load(try file("t.txt", "a;b\n1;2\n"), format: .delimited(UInt8(ascii: ";"))).table.value(row: 0, field: 1) == .integer(2))
    }

    @Test func headerNamesAreMadeUniqueWithWarnings() throws {
        let path = try file("h.csv", "a,,a,A\n1,2,3,4\n")
        let loaded = try load(path)
        #expect(loaded.table.schema.fields.map(\.name) == ["a", "column_2", "a_2", "A_3"])
        #expect(
            loaded.warnings.map { $0.description.replacingOccurrences(of: path, with: "h.csv") } == [
                "h.csv:1: warning: column 2 has no name; calling it 'column_2'",
                "h.csv:1: warning: column name 'a' appears twice; calling the second 'a_2'",
                "h.csv:1: warning: column name 'A' appears twice; calling the second 'A_3'",
            ])
    }

    @Test func jsonArraysAndJSONLines() throws {
        let json = try load(try file("j.json", #"[{"a": 1, "b": [1, 2]}, {"a": 2.5, "c": {"x": true}}]"#))
        #expect(json.table.schema.fields.map(\.name) == ["a", "b", "c"])
        #expect(json.table.schema.fields.map(\.type) == [.float, .list(.integer), .string])
        #expect(json.table.value(row: 1, field: 2) == .string(#"{"x":true}"#))
        #expect(json.table.value(row: 1, field: 1) == .null)
        let lines = try load(try file("j.jsonl", "{\"a\": \"x\"}\n\n{\"a\": 1}\n"))
        #expect(lines.table.schema.fields.map(\.type) == [.string])
        #expect(lines.table.value(row: 1, field: 0) == .string("1"))
    }

    // MARK: - Malformed files

    @Test(arguments: [
        ("a.csv", "a,b\n1,2\n3\n", "a.csv:3: error: row has 1 field, but the header has 2"),
        ("b.csv", "a,b\n1,2,3\n", "b.csv:2: error: row has 3 fields, but the header has 2"),
        ("c.csv", "a,b\n1,\"open\n2,3\n", "c.csv:2: error: unclosed quote: a field starting on this line never ends"),
        ("d.csv", "a,b\n\"x\"y,2\n", "d.csv:2: error: unexpected text after a closing quote in field 1; double a quote inside a quoted field (\"\")"),
        ("e.csv", "", "e.csv: error: the file is empty; a data file needs a header row or JSON"),
        ("f.json", "[{\"a\": 1},\n {\"a\": }]", "f.json:2: error: invalid JSON at column 8: unexpected character '}', expected a value"),
        ("g.json", "{\"a\": 1}", "g.json:1: error: expected a JSON array of objects, like [{\"a\": 1}]"),
        ("h.json", "[{\"a\": 1},\n 2]", "h.json:2: error: element 2 of the array is not an object"),
        ("i.jsonl", "{\"a\": 1}\n[1]\n", "i.jsonl:2: error: each line of a JSON Lines file must be an object"),
        ("j.json", "[{\"a\": 1}] x", "j.json:1: error: invalid JSON at column 12: unexpected text after the JSON array"),
    ])
    func malformedFilesSayWhereAndLoadNothing(_ name: String, _ text: String, _ expected: String) throws {
        #expect(try loadError(name, text) == expected)
    }

    @Test func invalidUTF8AndNULNameTheirLine() throws {
        let utf8 = try file("u.csv", [0x61, 0x0A, 0x62, 0x0A, 0xC3, 0x28, 0x0A])
        #expect(throws: LoadError(file: utf8, line: 3, message: "invalid UTF-8; save the file as UTF-8")) { try load(utf8) }
        let nul = try file("n.csv", [0x61, 0x0A, 0x00])
        #expect(throws: LoadError(file: nul, line: 2, message: "NUL byte; is this a binary file?")) { try load(nul) }
    }

    @Test func missingFilesAndDirectories() throws {
        #expect(throws: LoadError(file: "/nonexistent/x.csv", line: nil, message: "no such file", kind: .missing)) { try load("/nonexistent/x.csv") }
        let directory = try folder().path
        #expect(throws: LoadError(file: directory, line: nil, message: "is a directory, not a data file")) { try load(directory) }
    }

    @Test func aFailedLoadLeavesTheSessionAsItWas() throws {
        let good = try file("good.csv", "a\n1\n")
        let bad = try file("good2.csv", "a\n1,2\n")
        let session = Session()
        _ = try session.run("load \"\(good)\" as t")
        #expect(throws: BylineError.self) { try session.run("load \"\(bad)\" as t") }
        #expect(try session.run("t").first?.rows == [[.integer(1)]])
    }

    // MARK: - Round trips

    @Test(arguments: ["csv", "json", "jsonl", "tsv"])
    func savedResultsLoadBackTheSame(_ format: String) throws {
        let target = try folder().appendingPathComponent("out.\(format)").path
        let session = Session()
        let query = "visits select visitor, destination, year, status order by year"
        let original = try #require(try session.run(query).first)
        _ = try session.run(query + " save \"\(target)\"")
        let back = try #require(try session.run("load \"\(target)\" as back\nback").last)
        #expect(back.fields.map(\.name) == original.fields.map(\.name))
        #expect(back.rows == original.rows)
    }

    @Test func tricksSurviveACSVRoundTrip() throws {
        let source = try file("t.csv", "name,note\n\"a, \"\"b\"\"\",\"x\ny\"\n日本,\n")
        let target = try folder().appendingPathComponent("again.csv").path
        let session = Session()
        _ = try session.run("load \"\(source)\" as t\nt save \"\(target)\"")
        #expect(try session.run("load \"\(target)\" as u\nu").last?.rows == session.run("t").first?.rows)
    }

    @Test func aFailedSaveLeavesTheOldFileUntouched() throws {
        let directory = try folder()
        let target = directory.appendingPathComponent("keep.csv").path
        try "old contents\n".write(toFile: target, atomically: true, encoding: .utf8)
        #expect(throws: BylineError.self) { try Session().run("leaders save \"\(directory.path)/missing/keep.csv\"") }
        #expect(throws: BylineError.self) { try Session().run("leaders save \"\(directory.path)/keep.xyz\"") }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old contents\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["keep.csv"])
    }

    @Test func fileAccessCanBeTurnedOffOrConfined() throws {
        let directory = try folder()
        let inside = directory.appendingPathComponent("in.csv").path
        try "a\n1\n".write(toFile: inside, atomically: true, encoding: .utf8)
        let session = Session()
        session.fileAccess = .none
        for statement in ["load \"\(inside)\"", "leaders save \"\(directory.path)/x.csv\""] {
            do {
                _ = try session.run(statement)
                Issue.record("\(statement) ran with file access off")
            } catch {
                #expect(error.diagnostics.first?.id == .fileAccessDenied)
            }
        }
        let confined = Session()
        confined.fileAccess = .confined(to: directory.path)
        #expect(try confined.run("load \"in.csv\" as t\nt count").last?.rows == [[.integer(1)]])
        #expect(throws: BylineError.self) { try confined.run("load \"/etc/passwd\" as p") }
        #expect(throws: BylineError.self) { try confined.run("leaders save \"../escape.csv\"") }
    }
}
