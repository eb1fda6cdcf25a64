// The shell campaign: ShellFuzzer's scripts through the built binary, each in a folder of data
// files, with the command line's options and a memory bound. A finding is a signal, a run past
// the time limit, an exit status other than 0 or 1, an error line without a place, a line of
// stderr too long to be windowed, a raw escape on stderr (or on stdout in a terminal format), a
// file changed under --safe, or output lost without an error on /dev/full.
// Usage: GrammarFuzz SECONDS SEED --shell PATH-TO-BYLINE [LIMIT-SECONDS]

import Byline
import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

struct ShellCampaign {
    let binary: String
    let seconds: Int
    let firstSeed: UInt64
    /// The longest one script may take; the machine is shared, so this allows for load.
    let limit: Double
    let root: String

    init(binary: String, seconds: Int, firstSeed: UInt64, limit: Double) {
        self.binary = binary
        self.seconds = seconds
        self.firstSeed = firstSeed
        self.limit = limit
        var template = Array("/tmp/byline-shellfuzz-XXXXXX".utf8CString)
        root = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return "/tmp/byline-shellfuzz" }
            return String(cString: made)
        }
    }

    var work: String { root + "/work" }
    var io: String { root + "/io" }

    /// Makes the folder a batch of scripts runs in, afresh.
    func prepare() {
        let files = FileManager.default
        try? files.removeItem(atPath: root + "/outside.csv")
        try? files.removeItem(atPath: work)
        try? files.createDirectory(atPath: work + "/dir", withIntermediateDirectories: true)
        try? files.createDirectory(atPath: io, withIntermediateDirectories: true)
        try? files.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        for (name, text) in ShellFuzzer.files { try? text.write(toFile: work + "/" + name, atomically: false, encoding: .utf8) }
        try? ShellFuzzer.bigFile(rows: 50_000).write(toFile: work + "/big.csv", atomically: false, encoding: .utf8)
    }

    /// Every file under the run's folder but `io`, with its size and change time.
    func snapshot() -> [String: String] {
        var entries: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return entries }
        while let path = walker.nextObject() as? String {
            if path == "io" || path.hasPrefix("io/") { continue }
            var status = stat()
            if lstat(root + "/" + path, &status) == 0 {
                // A folder's own time changes when a file in it does; the file is what counts.
                if status.st_mode & S_IFMT == S_IFDIR {
                    entries[path] = "folder"
                    continue
                }
                entries[path] = "\(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_mode)"
            }
        }
        return entries
    }

    struct Run {
        var status: Int32 = 0
        var signal: Int32?
        var timedOut = false
        var elapsed = 0.0
        var standardOutput: [UInt8] = []
        var standardError: [UInt8] = []
    }

    /// Runs a script with the options, standard output to a file or /dev/full.
    func run(_ script: String, _ invocation: ShellFuzzer.Invocation, outputFull: Bool) -> Run {
        let scriptPath = io + "/script.byl"
        try? script.write(toFile: scriptPath, atomically: false, encoding: .utf8)
        let outPath = outputFull ? "/dev/full" : io + "/stdout"
        let errPath = io + "/stderr"
        FileManager.default.createFile(atPath: io + "/stdout", contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let ulimit = invocation.addressSpaceKiB.map { "ulimit -v \($0); " } ?? ""
        process.arguments = ["-c", ulimit + "exec \"$0\" \"$@\"", binary] + invocation.options + [scriptPath]
        process.currentDirectoryURL = URL(fileURLWithPath: work)
        process.environment = [
            "PATH": "/usr/bin:/bin", "HOME": root, "XDG_CONFIG_HOME": root + "/config", "LC_ALL": "C.UTF-8", "PAGER": "false",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        var outcome = Run()
        let start = monotonicSeconds()
        do { try process.run() } catch {
            outcome.status = -1
            return outcome
        }
        while process.isRunning {
            if monotonicSeconds() - start > limit {
                outcome.timedOut = true
                kill(process.processIdentifier, SIGKILL)
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        outcome.elapsed = monotonicSeconds() - start
        if process.terminationReason == .uncaughtSignal, !outcome.timedOut { outcome.signal = process.terminationStatus }
        outcome.status = process.terminationStatus
        outcome.standardOutput = Array((try? Data(contentsOf: URL(fileURLWithPath: io + "/stdout"))) ?? Data())
        outcome.standardError = Array((try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data())
        return outcome
    }

    /// What is wrong with a run, or nil.
    func finding(_ run: Run, _ script: String, _ invocation: ShellFuzzer.Invocation, before: [String: String]?) -> String? {
        if let signal = run.signal { return "signal \(signal)" }
        if run.timedOut { return "hang: past \(Int(limit)) s" }
        // 2 is a usage error: a --data file that does not load.
        let usage = run.status == 2 && invocation.options.contains("--data")
        if run.status != 0, run.status != 1, !usage, !script.contains(".exit") { return "exit status \(run.status)" }
        if run.standardError.contains(0x1B) { return "a raw escape on stderr" }
        let dataFormat = ["csv", "tsv"].contains { script.contains(".mode \($0)") || invocation.options.contains($0) }
        if run.standardOutput.contains(0x1B), !dataFormat { return "a raw escape on stdout" }
        let errors = String(decoding: run.standardError, as: UTF8.self)
        for line in errors.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("error:") || line.hasPrefix("warning:") { return "a message without a place: \(line.prefix(200))" }
            if line.contains("Fatal error") || line.contains("fatal error") { return "a fatal error: \(line.prefix(200))" }
            if line.utf8.count > 4000 { return "a stderr line of \(line.utf8.count) bytes" }
        }
        if let before {
            let after = snapshot()
            let database = invocation.database
            let changed = Set(before.keys).union(after.keys).filter { path in
                before[path] != after[path] && !(database.map { path.hasPrefix("work/" + $0) } ?? false)
            }
            if !changed.isEmpty { return "--safe changed \(changed.sorted().prefix(5).joined(separator: ", "))" }
        }
        return nil
    }

    func report(_ kind: String, _ script: String, _ invocation: ShellFuzzer.Invocation, _ run: Run) {
        let folder = "Fuzz/findings"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = UInt64(monotonicSeconds() * 1000)
        let path = "\(folder)/shell-\(stamp).byl"
        let limitText = invocation.addressSpaceKiB.map { "ulimit -v \($0); " } ?? ""
        let command = "# \(kind)\n# \(limitText)byline \(invocation.options.joined(separator: " "))\(invocation.standardOutputFull ? " > /dev/full" : "")\n"
        try? (command + script).write(toFile: path, atomically: true, encoding: .utf8)
        let errors = String(decoding: run.standardError.prefix(1500), as: UTF8.self)
        print("FINDING (\(kind)): \(path)\n\(command)\(script.prefix(1500))\n--- stderr:\n\(errors)")
    }

    func start() -> Int32 {
        let articleTables = GrammarFuzzer.tables(in: Session())
        let deadline = monotonicSeconds() + Double(seconds)
        var seed = firstSeed
        var scripts = 0
        var findings = 0
        var statuses: [Int32: Int] = [:]
        var times: [Double] = []
        while monotonicSeconds() < deadline {
            prepare()
            var fuzzer = ShellFuzzer(seed: seed)
            for _ in 0..<20 where monotonicSeconds() < deadline {
                let invocation = fuzzer.invocation()
                let tables = invocation.options.contains("--no-article") ? [:] : articleTables
                let script = fuzzer.script(tables: tables)
                let before = invocation.safe ? snapshot() : nil
                let outcome = run(script, invocation, outputFull: invocation.standardOutputFull)
                scripts += 1
                times.append(outcome.elapsed)
                statuses[outcome.status, default: 0] += 1
                var kind = finding(outcome, script, invocation, before: before)
                if kind == nil, invocation.standardOutputFull, outcome.status == 0, !script.contains(".exit") {
                    // Exit 0 with standard output on a full device: the same script must print nothing.
                    prepare()
                    let again = run(script, invocation, outputFull: false)
                    if !again.standardOutput.isEmpty { kind = "exit 0 with \(again.standardOutput.count) bytes lost on /dev/full" }
                    prepare()
                }
                if let kind {
                    findings += 1
                    report(kind, script, invocation, outcome)
                }
            }
            seed += 1
        }
        try? FileManager.default.removeItem(atPath: root)
        times.sort()
        let median = times.isEmpty ? 0 : times[times.count / 2]
        let slowest = times.last ?? 0
        let described = statuses.sorted { $0.key < $1.key }.map { "exit \($0.key): \($0.value)" }.joined(separator: ", ")
        print(
            "shell fuzzer: \(scripts) scripts from seeds \(firstSeed)..<\(seed) in \(seconds) s (\(described)); "
                + "median \(String(format: "%.2f", median)) s, slowest \(String(format: "%.1f", slowest)) s; \(findings) findings")
        return findings == 0 ? 0 : 1
    }
}
