// Hostile and careless input (issue 12): every run ends within its bounds with a clear message, and
// no value changes between a file and its loaded table without an error.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct HostileInputTests {
    private func failure(_ text: String, session: Session = Session()) -> String? {
        do {
            _ = try session.run(text)
            return nil
        } catch {
            return error.diagnostics.first.map { $0.message + ($0.help.map { " | " + $0 } ?? "") }
        }
    }

    private func load(_ folder: TemporaryFolder, _ name: String, _ text: String) throws -> Table {
        let path = try folder.write(name, text)
        return try TableLoader.load(path: path).table
    }

    @Test func anExplodingEqualityJoinStops() {
        let session = Session()
        session.limits.maximumJoinPairs = 100_000
        let message = failure("range(1000) select value % 1 as k join range(1000) as r on k = r.value % 1 count", session: session)
        #expect(message?.hasPrefix("this join gives more than 100000 pairs of rows") ?? false)
        #expect(failure("range(1000) join range(1000) as r on range.value < r.value count", session: session)?
            .hasPrefix("this join would consider 1000 × 1000 pairs") ?? false)
    }

    @Test func aRecursiveDefIsAnError() {
        #expect(failure("def f(x) = f(x); f(1)")?.hasPrefix("'f' calls itself; a 'def' cannot be recursive") ?? false)
        #expect(failure("def f(x) = leaders join f(1) as g on name = g.name; f(1)")?.hasPrefix("'f' calls itself") ?? false)
    }

    @Test func checkingWorkIsBounded() {
        var lines = ["def d0(x) = leaders where name != x select name"]
        for index in 1..<30 {
            lines.append("def d\(index)(x) = d\(index - 1)(x) select name as n join d\(index - 1)(x) as a on n = a.name join d\(index - 1)(x) as b on n = b.name select n as name")
        }
        lines.append("d29(\"a\") count")
        let script = Session().check(SourceFile(name: "chain", text: lines.joined(separator: "\n")))
        #expect(script.diagnostics.contains { $0.message.hasSuffix("this statement expands 'def's more than 10000 times") })
    }

    @Test func valuesThatWouldChangeStayText() throws {
        try TemporaryFolder.with("values") { folder in
            let table = try load(folder, "v.csv", "zip,wide,huge,quoted,mixed\n02134,9223372036854775808,1e400,\"5\",9007199254740993\n10001,1,2.5,\"6\",1.5\n")
            #expect(table.schema.fields.map(\.type) == [.string, .string, .string, .string, .string])
            #expect(table.value(row: 0, field: 0) == .string("02134"))
            #expect(table.value(row: 0, field: 1) == .string("9223372036854775808"))
            #expect(table.value(row: 0, field: 2) == .string("1e400"))
            #expect(table.value(row: 0, field: 4) == .string("9007199254740993"))
            let json = try load(folder, "w.json", #"[{"a": 123456789012345678901234567890}, {"a": 1}]"#)
            #expect(json.value(row: 0, field: 0) == .string("123456789012345678901234567890"))
        }
    }

    @Test func oldMacLineEndingsLoad() throws {
        try TemporaryFolder.with("cr") { folder in
            let table = try load(folder, "mac.csv", "a,b\r1,x\r2,y\r")
            #expect(table.rowCount == 2)
            #expect(table.value(row: 1, field: 1) == .string("y"))
        }
    }

    @Test func badBytesAreFoundWhereverTheyAre() throws {
        try TemporaryFolder.with("bytes") { folder in
            // A bad byte just before, at and after the loader's chunk boundary, and in a line longer
            // than a chunk: each is reported, never loaded.
            let chunk = DelimitedLoader.chunkSize
            for offset in [chunk - 2, chunk - 1, chunk, chunk + 1, 3 * chunk + 5] {
                var bytes = Array("a\n".utf8)
                while bytes.count < offset + 10 {
                    bytes += Array((offset > 2 * chunk ? "x" : "x\n").utf8)
                }
                bytes[offset] = 0xFF
                let path = folder.path("bad\(offset).csv")
                #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "could not write \(path)")
                #expect(throws: LoadError.self, "offset \(offset)") { try TableLoader.load(path: path) }
            }
        }
    }

    @Test func endlessAndUnreadableFilesStop() {
        #expect(failure(#"load "/dev/zero" as z"#) != nil)
        if FileManager.default.fileExists(atPath: "/proc/self/mem") {
            let message = failure(#"load "/proc/self/mem" as m"#) ?? ""
            #expect(message.hasPrefix("cannot read:"))
            #expect(!message.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func aHugeUnquotedFieldLoadsInLinearTime() throws {
        try TemporaryFolder.with("field") { folder in
            let path = folder.path("wide.csv")
            let field = String(repeating: "y", count: 24 << 20)
            try Data(("a\n" + field + "\n").utf8).write(to: URL(fileURLWithPath: path))
            let table = try TableLoader.load(path: path).table
            #expect(table.rowCount == 1)
        }
    }
}
