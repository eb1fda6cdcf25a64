// Limits and hostile input through the binary: every one a clear error, never a crash.
import Foundation
import Testing
import TestSupport

@Suite struct LimitTests {

    @Test func aTenMegabyteLineIsAClearError() throws {
        let temporary = try TemporaryFolder("limits")
        defer { temporary.remove() }
        let directory = temporary.url
        let script = "leaders where name = \"" + String(repeating: "x", count: 10_000_000) + "\"\n"
        try script.write(to: directory.appendingPathComponent("long.byl"), atomically: true, encoding: .utf8)
        let run = try BylineBinary.run(["long.byl"], in: directory)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("long.byl:1:22: error: string literal is longer than 1048576 bytes"))
    }

    @Test func aLongChainOfOperatorsIsRefusedNotOverflowed() throws {
        let chain = "leaders where " + Array(repeating: "name = \"x\"", count: 100_000).joined(separator: " or ")
        let run = try BylineBinary.run([], stdin: chain)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: expression is more than 256 operators deep"))
        #expect(run.stderr.contains("help: use 'in [...]' for many alternatives"))
    }

    @Test func deepNestingIsRefused() throws {
        let run = try BylineBinary.run([], stdin: "leaders where " + String(repeating: "(", count: 100_000) + "true")
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: expression nests more than 128 levels deep"))
    }

    @Test func tooManyColumnsAreRefused() throws {
        let select = "range(1) select " + (0..<5000).map { "value as c\($0)" }.joined(separator: ", ")
        let run = try BylineBinary.run([], stdin: select)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: 'select' has 5000 fields; at most 4096 are allowed"))
        let temporary = try TemporaryFolder("limits")
        defer { temporary.remove() }
        let directory = temporary.url
        try ((0..<5000).map { "c\($0)" }.joined(separator: ",") + "\n").write(
            to: directory.appendingPathComponent("wide.csv"), atomically: true, encoding: .utf8)
        let wide = try BylineBinary.run(["--data", "wide.csv", "-c", "wide"], in: directory)
        #expect(wide.status == 1)
        #expect(wide.stderr == "wide.csv:1: error: the header has 5000 columns; at most 4096 are allowed\n")
    }

    @Test func binaryJunkOnStandardInputIsAClearError() throws {
        let junk = String(decoding: (0..<4096).map { UInt8(($0 * 37 + 11) % 256) }, as: UTF8.self)
        let run = try BylineBinary.run([], stdin: junk)
        #expect(run.status == 1)
        #expect(!run.stderr.isEmpty)
    }

    @Test func aKilledSaveLeavesTheOldFileWhole() throws {
        // Kill byline with SIGKILL while it writes its temporary file; the target must keep its old contents.
        let temporary = try TemporaryFolder("limits")
        defer { temporary.remove() }
        let directory = temporary.url
        let target = directory.appendingPathComponent("big.csv")
        try "old\n".write(to: target, atomically: true, encoding: .utf8)
        var caught = false
        for rows in [2_000_000, 4_000_000, 8_000_000] where !caught {
            let process = Process()
            process.executableURL = BylineBinary.url
            process.arguments = ["-c", "range(\(rows)) select value, value * 2 as twice save \"big.csv\""]
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                if names.contains(where: { $0.hasPrefix(".big.csv.byline-") }) {
                    kill(process.processIdentifier, SIGKILL)
                    caught = true
                    break
                }
                usleep(200)
            }
            process.waitUntilExit()
            if !caught {
                try "old\n".write(to: target, atomically: true, encoding: .utf8)
            }
        }
        #expect(caught, "the write finished before it could be interrupted")
        #expect(try String(contentsOf: target, encoding: .utf8) == "old\n")
    }
}
