// The grammar-aware fuzzer's long runs: generated statements through the library, with limits on,
// until the time is up. A trap (caught by a signal handler that prints the statement being run),
// a statement that runs past twice its time limit, or an error without a place is a finding,
// written to Fuzz/findings/. Usage: swift run -c release GrammarFuzz [SECONDS] [SEED]
// With `--shell PATH [LIMIT]`, scripts with files, dot-commands and options run through the
// binary at PATH instead (ShellCampaign.swift), each allowed LIMIT seconds (default 60).

import Byline
import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Int(arguments[1]) ?? 60 : 60
let firstSeed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : UInt64(time(nil))

if let flag = arguments.firstIndex(of: "--shell"), flag + 1 < arguments.count {
    let limit = flag + 2 < arguments.count ? Double(arguments[flag + 2]) ?? 60 : 60
    let campaign = ShellCampaign(binary: arguments[flag + 1], seconds: seconds, firstSeed: firstSeed, limit: limit)
    exit(campaign.start())
}

/// The script being run, kept where a signal handler can write it out without allocating.
/// Global because a C signal handler cannot capture context.
nonisolated(unsafe) let currentScript = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
nonisolated(unsafe) var currentLength = 0
/// When the current script started (seconds of the monotonic clock), for the watchdog.
nonisolated(unsafe) var currentStart = 0.0

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func remember(_ script: String) {
    let bytes = Array(script.utf8.prefix((1 << 20) - 1))
    bytes.withUnsafeBufferPointer { currentScript.update(from: $0.baseAddress!, count: bytes.count) }
    currentLength = bytes.count
    currentStart = monotonicSeconds()
}

func report(_ kind: String, _ script: String) {
    let folder = "Fuzz/findings"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = "\(folder)/grammar-\(kind)-\(UInt64(monotonicSeconds() * 1000)).byl"
    try? script.write(toFile: path, atomically: true, encoding: .utf8)
    print("FINDING (\(kind)): \(path)\n\(script.prefix(2000))")
}

// A trap prints the script being run, then dies of the same signal.
for trapSignal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { number in
        let header = "\nFINDING (trap, signal \(number)); the script was:\n"
        _ = header.withCString { write(2, $0, strlen($0)) }
        _ = write(2, currentScript, currentLength)
        _ = write(2, "\n", 1)
        signal(number, SIG_DFL)
        raise(number)
    }
    sigaction(trapSignal, &action, nil)
}

// The watchdog: a statement may run past its 2 s limit only by the time one block takes.
let watchdog = Thread {
    while true {
        sleep(1)
        if currentStart > 0, monotonicSeconds() - currentStart > 20 {
            let script = String(decoding: UnsafeBufferPointer(start: currentScript, count: currentLength), as: UTF8.self)
            report("hang", script)
            exit(3)
        }
    }
}
watchdog.start()

let deadline = monotonicSeconds() + Double(seconds)
var runs = 0
var findings = 0
var checkedScripts = 0
var statements = 0
var seed = firstSeed
while monotonicSeconds() < deadline {
    var fuzzer = GrammarFuzzer(seed: seed)
    let session = GrammarFuzzer.session()
    let tables = GrammarFuzzer.tables(in: session)
    for _ in 0..<50 {
        let script = fuzzer.script(tables: tables)
        remember(script)
        let outcome = GrammarFuzzer.run(script, session: session)
        if let finding = outcome.finding {
            findings += 1
            report("error", "# \(finding)\n" + script)
        }
        if outcome.checked { checkedScripts += 1 }
        statements += outcome.succeeded
        runs += 1
    }
    seed += 1
}
currentStart = 0
print("grammar fuzzer: \(runs) scripts from seeds \(firstSeed)..<\(seed) in \(seconds) s; \(checkedScripts) checked cleanly, \(statements) statements ran to a result; \(findings) findings")
exit(findings == 0 ? 0 : 1)
