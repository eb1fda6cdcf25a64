// Nothing a user had is lost or changed: files replaced only by complete writes, links written
// through, special files written in place, modes kept, no temporary file left behind.
import Foundation
import Testing
import TestSupport

@Suite struct FileSafetyTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    private func names(in folder: TemporaryFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? []).sorted()
    }

    @Test func aFailedStatementAfterOnceLeavesTheFileAlone() throws {
        try TemporaryFolder.with("once") { folder in
            try folder.write("keep.txt", "precious\n")
            let run = try BylineBinary.run([], stdin: ".once keep.txt\nleaders where nope = 1\n", in: folder.url)
            #expect(run.status == 1)
            #expect(try String(contentsOfFile: folder.path("keep.txt"), encoding: .utf8) == "precious\n")
            let output = try BylineBinary.run([], stdin: ".output keep.txt\n.output\n", in: folder.url)
            #expect(output.status == 0)
            #expect(try String(contentsOfFile: folder.path("keep.txt"), encoding: .utf8) == "precious\n")
            #expect(names(in: folder) == ["keep.txt"])
        }
    }

    @Test func outputToABadPathFailsAtOnce() throws {
        let run = try BylineBinary.run([], stdin: ".output /nonexistent-byline-folder/x.txt\nleaders count\n")
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: cannot write '/nonexistent-byline-folder/x.txt': no such folder"))
    }

    @Test func aSymbolicLinkIsWrittenThrough() throws {
        try TemporaryFolder.with("link") { folder in
            try folder.write("real.csv", "old\n")
            try FileManager.default.createSymbolicLink(atPath: folder.path("link.csv"), withDestinationPath: "real.csv")
            let run = try BylineBinary.run(["-c", "range(2) save \"link.csv\""], in: folder.url)
            #expect(run.status == 0)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.path("link.csv")) == "real.csv")
            #expect(try String(contentsOfFile: folder.path("real.csv"), encoding: .utf8) == "value\n0\n1\n")
            #expect(names(in: folder) == ["link.csv", "real.csv"])
        }
    }

    @Test func aSpecialFileIsWrittenInPlace() throws {
        try TemporaryFolder.with("fifo") { folder in
            let path = folder.path("pipe.csv")
            #expect(mkfifo(path, 0o600) == 0)
            // A reader on the FIFO, so the write does not block; it collects what arrives.
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/bin/cat")
            reader.arguments = [path]
            let pipe = Pipe()
            reader.standardOutput = pipe
            try reader.run()
            let run = try BylineBinary.run(["-c", "range(3) save \"pipe.csv\""], in: folder.url)
            reader.waitUntilExit()
            #expect(run.status == 0)
            #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "value\n0\n1\n2\n")
            var status = stat()
            #expect(lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
            #expect(names(in: folder) == ["pipe.csv"])
        }
        if access("/dev/null", W_OK) == 0 {
            let run = try BylineBinary.run([], stdin: ".output /dev/null\nleaders count\n.output\n")
            #expect(run.status == 0)
            var status = stat()
            #expect(stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
        }
    }

    @Test func replacingAFileKeepsItsMode() throws {
        try TemporaryFolder.with("mode") { folder in
            try folder.write("private.csv", "old\n")
            chmod(folder.path("private.csv"), 0o600)
            let run = try BylineBinary.run(["-c", "range(1) save \"private.csv\""], in: folder.url)
            #expect(run.status == 0)
            #expect(try mode(folder.path("private.csv")) == 0o600)
            try folder.write("shared.csv", "old\n")
            chmod(folder.path("shared.csv"), 0o664)
            _ = try BylineBinary.run([], stdin: ".once shared.csv\nrange(1)\n", in: folder.url)
            #expect(try mode(folder.path("shared.csv")) == 0o664)
        }
    }

    @Test func aFileSizeLimitIsAClearErrorAndLeavesNothing() throws {
        try TemporaryFolder.with("ulimit") { folder in
            try folder.write("big.csv", "old\n")
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", "ulimit -f 1; exec \"$0\" -c 'range(100000) save \"big.csv\"'", BylineBinary.url.path]
            shell.currentDirectoryURL = folder.url
            let errors = Pipe()
            shell.standardError = errors
            shell.standardOutput = FileHandle.nullDevice
            try shell.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            shell.waitUntilExit()
            #expect(shell.terminationReason == .exit && shell.terminationStatus == 1)
            #expect(text.contains("cannot save to 'big.csv': the file is larger than this process may write (ulimit -f)"))
            #expect(try String(contentsOfFile: folder.path("big.csv"), encoding: .utf8) == "old\n")
            #expect(names(in: folder) == ["big.csv"])
        }
    }

    /// The same guarantees for a user who is not root (run as `nobody` through setpriv when the
    /// tests run as root, as CI's do; as the user itself otherwise).
    @Test func anUnprivilegedUserKeepsModesAndLinks() throws {
        try TemporaryFolder.with("nobody") { folder in
            chmod(folder.url.path, 0o777)
            let asRoot = getuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0
            func byline(_ arguments: [String]) throws -> Int32 {
                let process = Process()
                if asRoot {
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                    process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", BylineBinary.url.path] + arguments
                } else {
                    process.executableURL = BylineBinary.url
                    process.arguments = arguments
                }
                process.currentDirectoryURL = folder.url
                process.environment = ["HOME": folder.url.path, "BYLINE_HISTORY": folder.path("history")]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus
            }
            try folder.write("private.csv", "old\n")
            try folder.write("real.csv", "old\n")
            try FileManager.default.createSymbolicLink(atPath: folder.path("link.csv"), withDestinationPath: "real.csv")
            for name in ["private.csv", "real.csv"] where asRoot {
                chown(folder.path(name), 65534, 65534)
            }
            chmod(folder.path("private.csv"), 0o600)
            #expect(try byline(["-c", "range(2) save \"private.csv\""]) == 0)
            #expect(try mode(folder.path("private.csv")) == 0o600)
            #expect(try String(contentsOfFile: folder.path("private.csv"), encoding: .utf8) == "value\n0\n1\n")
            #expect(try byline(["-c", "range(1) save \"link.csv\""]) == 0)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.path("link.csv")) == "real.csv")
            #expect(try String(contentsOfFile: folder.path("real.csv"), encoding: .utf8) == "value\n0\n")
            // A file the user may not write is left as it was, with a message and no temporary file.
            try folder.write("root.csv", "old\n")
            if asRoot {
                chmod(folder.path("root.csv"), 0o644)
                #expect(try byline(["-c", "range(1) save \"root.csv\""]) == 1)
                #expect(try String(contentsOfFile: folder.path("root.csv"), encoding: .utf8) == "old\n")
            }
            #expect(!names(in: folder).contains { $0.contains(".byline-") })
        }
    }

    @Test func theDelimiterOptionLeavesJSONAlone() throws {
        try TemporaryFolder.with("delimiter") { folder in
            try folder.write("d.json", #"[{"a": 1}, {"a": 2}]"#)
            try folder.write("e.csv", "a;b\n1;2\n")
            let run = try BylineBinary.run(["--delimiter", ";", "--data", "d.json", "--data", "e.csv", "-c", "d count; e select b"], in: folder.url)
            #expect(run.stdout.contains("2"))
            #expect(run.status == 0, Comment(rawValue: run.stderr))
        }
    }

    @Test func aLongFileNameCanBeSaved() throws {
        try TemporaryFolder.with("name") { folder in
            let name = String(repeating: "n", count: 244) + ".csv"
            let run = try BylineBinary.run(["-c", "range(1) save \"\(name)\""], in: folder.url)
            #expect(run.status == 0)
            #expect(names(in: folder) == [name])
        }
    }

    @Test func aTerminatedWriteLeavesNoTemporaryFile() throws {
        try TemporaryFolder.with("sigterm") { folder in
            try folder.write("big.txt", "old\n")
            var caught = false
            for rows in [1_000_000, 3_000_000, 9_000_000] where !caught {
                let process = Process()
                process.executableURL = BylineBinary.url
                process.currentDirectoryURL = folder.url
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                let input = Pipe()
                process.standardInput = input
                try process.run()
                input.fileHandleForWriting.write(Data(".output big.txt\nrange(\(rows))\nrange(\(rows))\n".utf8))
                try input.fileHandleForWriting.close()
                let deadline = Date().addingTimeInterval(60)
                while process.isRunning && Date() < deadline {
                    if names(in: folder).contains(where: { $0.hasPrefix(".big.txt.byline-") }) {
                        usleep(50_000)
                        kill(process.processIdentifier, SIGTERM)
                        caught = true
                        break
                    }
                    usleep(1000)
                }
                process.waitUntilExit()
                if caught { #expect(process.terminationReason == .uncaughtSignal) }
            }
            #expect(caught, "the write finished before it could be interrupted")
            #expect(names(in: folder) == ["big.txt"])
            #expect(try String(contentsOfFile: folder.path("big.txt"), encoding: .utf8) == "old\n")
        }
    }
}
