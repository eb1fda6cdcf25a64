// Dot-commands through the script runner, without a terminal.
import Byline
import Foundation
import Testing
import Synchronization
import TestSupport

@testable import BylineShell

@Suite struct DotCommandTests {
    private func run(_ text: String) -> (output: String, errors: String, outcome: RunOutcome) {
        let output = BufferSink()
        let errors = BufferSink()
        let runner = ScriptRunner(session: Session(), output: output, errors: errors)
        let outcome = runner.run(SourceFile(name: "t", text: text))
        return (output.text, errors.text, outcome)
    }

    @Test(arguments: [("sch", "schema"), ("ta", "tables"), ("mo", "mode"), ("q", "quit"), ("READ", "read")])
    func uniquePrefixesResolve(_ prefix: String, _ name: String) throws {
        guard case .success(let spec) = DotCommands.resolve(prefix) else {
            Issue.record("\(prefix) did not resolve")
            return
        }
        #expect(spec.name == name)
    }

    @Test func ambiguousAndUnknownCommandsSaySo() {
        let ambiguous = run(".h")
        #expect(ambiguous.outcome == .failure)
        #expect(ambiguous.errors.contains("error: '.h' could mean .headers, .help"))
        let unknown = run(".frob")
        #expect(unknown.errors == "t:1:1: error: unknown command '.frob'\n.frob\n^~~~~\nhelp: type .help to list the commands\n")
    }

    @Test func helpListsEveryCommandAndExplainsOne() {
        let all = run(".help").output
        for spec in DotCommands.all { #expect(all.contains("." + spec.name)) }
        #expect(run(".help mode").output == ".mode table|box|json|jsonl|csv|tsv|markdown|line\n    choose the output format\n    e.g. .mode json\n")
        // Functions, from their one declaration.
        #expect(all.contains("Functions: abs, acos, asin, atan, atan2, ceil, coalesce, concat, contains, cos, date_trunc, day, degrees, div, "))
        #expect(
            run(".help replace").output
                == "replace(string, from, to)\n    the string with every occurrence of from replaced by to (case-sensitive; an empty from changes nothing)\n    e.g. leaders select replace(name, \" \", \"_\")\n")
        #expect(run(".help nonesuch").errors.contains("no help for 'nonesuch'"))
        #expect(run(".help wher").errors.contains("help: did you mean 'where'? help alone lists every topic"))
    }

    @Test func schemaShowsFieldsTypesAndReferences() {
        #expect(
            run(".schema leaders").output
                == "leaders(name string, aliases list<string>, title string, country string -> countries, organization string -> organizations, status string, source list<integer>)  -- 6 rows; Every named person who leads or led a country, government or organization.\n")
        #expect(run(".schema nope").errors.contains("help: available tables: sentences, countries"))
    }

    @Test func modeHeadersNullvalueAndTimerChangeOutput() {
        #expect(run(".mode csv\n.headers off\nvisits where year = 2000 select year").output == "2000\n")
        #expect(run(".nullvalue -\nleaders where name = 'Mamin' select organization").output.contains(" -\n"))
        #expect(run(".timer on\nleaders count").output.contains("time: "))
        #expect(run(".mode xml").errors.contains("help: modes: table, box, json, jsonl, csv, tsv, markdown, line"))
        #expect(run(".timer maybe").errors.contains(".timer takes on or off"))
    }

    @Test func threadsShowsAndSetsHowManyThreadsAQueryUses() {
        #expect(run(".threads").output == "threads: \(QueryLimits.processorCount)\n")
        #expect(run(".threads 3\n.threads\nrange(100000) where value % 7 = 0 count").output.hasPrefix("threads: 3\n"))
        for wrong in ["0", "257", "two", "-1"] {
            let refused = run(".threads \(wrong)")
            #expect(refused.outcome == .failure)
            #expect(refused.errors.contains(".threads takes a whole number from 1 to 256"), "\(wrong): \(refused.errors)")
        }
    }

    @Test func readRunsAFileAndRefusesEndlessNesting() throws {
        let folder = try TemporaryFolder.forProcess("read")
        let script = folder.appendingPathComponent("a.byl")
        try ".mode csv\nleaders count\n".write(to: script, atomically: true, encoding: .utf8)
        #expect(run(".read \(script.path)").output == "count\n6\n")
        let loop = folder.appendingPathComponent("loop.byl")
        try ".read \(loop.path)\n".write(to: loop, atomically: true, encoding: .utf8)
        let looped = run(".read \(loop.path)")
        #expect(looped.outcome == .failure)
        #expect(looped.errors.contains("'.read' nests more than 16 files deep"))
    }

    @Test func quitStopsTheScript() {
        let result = run("leaders count\n.quit\nvisits count")
        #expect(result.outcome == .quit)
        #expect(!result.output.contains("7"))
    }
}

@Suite struct SettingsAndEnvironmentTests {
    private func run(_ text: String) -> (output: String, errors: String) {
        let output = BufferSink()
        let errors = BufferSink()
        _ = ScriptRunner(session: Session(), output: output, errors: errors).run(SourceFile(name: "t", text: text))
        return (output.text, errors.text)
    }

    @Test func onOffCommandsAloneShowTheCurrentSetting() {
        #expect(run(".headers\n.timer\n.cite\n.pager").output == "headers: on\ntimer: off\ncite: off\npager: off\n")
        #expect(run(".headers off\n.headers\n.cite on\n.cite").output == "headers: off\ncite: on\n")
    }

    @Test func aMissingParameterIsExplainedWithoutTheSwiftAPI() {
        let errors = run("visits where year = $since").errors
        #expect(errors.contains("parameter '$since' has no value"))
        #expect(errors.contains("help: give it with --arg since=VALUE, --argjson since=JSON or .param set since VALUE"))
        #expect(!errors.contains("run(_:"))
    }

    @Test func colourIsOffForNoColorAndForADumbTerminal() {
        #expect(TerminalEnvironment.allowsColour(noColour: nil, term: "xterm-256color"))
        #expect(TerminalEnvironment.allowsColour(noColour: "", term: nil))
        #expect(!TerminalEnvironment.allowsColour(noColour: "1", term: "xterm"))
        #expect(!TerminalEnvironment.allowsColour(noColour: nil, term: "dumb"))
    }

    @Test func aPagerThatIsNotThereIsNotUsed() {
        #expect(TerminalEnvironment.canRun("cat", path: "/usr/bin:/bin"))
        #expect(TerminalEnvironment.canRun("less -SRFX", path: "/nonexistent:/bin:/usr/bin") == TerminalEnvironment.canRun("less", path: "/bin:/usr/bin"))
        #expect(!TerminalEnvironment.canRun("no-such-pager-here -R", path: "/usr/bin:/bin"))
        #expect(!TerminalEnvironment.canRun("/nonexistent/less", path: nil))
        #expect(TerminalEnvironment.canRun("/bin/sh -c cat", path: nil))
    }
}

@Suite struct TimerTests {
    @Test func theTimerCountsTheTimeLoadSpendsReadingItsFile() throws {
        // Found in review: a 9 s load printed "time: 0.01 ms" (files are read when checked).
        let folder = try TemporaryFolder.forProcess("timer")
        let file = folder.appendingPathComponent("big.csv")
        var text = "id,name\n"
        for row in 0..<50_000 { text += "\(row),name \(row)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        let output = BufferSink()
        let runner = ScriptRunner(session: Session(), output: output, errors: BufferSink())
        let clock = ContinuousClock()
        let start = clock.now
        _ = runner.run(SourceFile(name: "t", text: ".timer on\nload \"\(file.path)\" as big"))
        let wall = clock.now - start
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let shown = try #require(output.text.split(separator: "\n").first { $0.hasPrefix("time: ") })
        let words = shown.split(separator: " ")
        let number = try #require(Double(words[1]))
        let seconds = words[2] == "s" ? number : number / 1000
        // Most of the wall time is the load's, and the timer says so.
        #expect(seconds > 0.5 * wallSeconds, "\(shown), wall \(wall)")
    }
}

@Suite struct ProgressTests {
    /// What a terminal was sent, from any thread.
    final class Written: Sendable {
        let text = Mutex("")
        var value: String { text.withLock { $0 } }
        func append(_ more: String) { text.withLock { $0 += more } }
    }

    @Test func aStatementPastTheDelaySaysHowFarItHasGotThenClearsTheLine() throws {
        // A loaded machine can keep the ticker's thread off both cores for longer than a
        // statement lasts (CI, once: nothing drawn, when it ticked on the global queue the
        // engine's threads fill; see the test below). So the statement is run again, larger each
        // time, until a line was drawn while it ran; whatever was drawn must be cleared before
        // the result, every time.
        var written = Written()
        for attempt in 0..<12 where written.value.isEmpty {
            written = Written()
            let runner = ScriptRunner(session: Session(), output: BufferSink(), errors: BufferSink())
            runner.cancellation = CancellationFlag()
            runner.progressDelay = .milliseconds(1)
            runner.progressWriter = { [written] in written.append($0) }
            let rows = 3_000_000 * min(attempt + 1, 4)
            let outcome = runner.run(SourceFile(name: "t", text: "range(\(rows)) order by value desc limit 1"))
            #expect(outcome == .success)
            #expect(written.value.isEmpty || written.value.hasSuffix("\r\u{1B}[K"), "attempt \(attempt)")
        }
        try #require(!written.value.isEmpty, "no line was drawn in 12 statements")
        // The step under way, counted: making the range, then the top-1 over its rows.
        #expect(written.value.contains("working… "))
        #expect(written.value.contains("%"))
        #expect(written.value.contains("step 1 of 2: read range(0, ") || written.value.contains("step 2 of 2: order by value desc limit 1"))
        #expect(written.value.hasSuffix("\r\u{1B}[K"))  // cleared before the result
    }

    /// The engine's parallel steps run on Dispatch's global pool (concurrentPerform), as do
    /// Swift's tasks on Linux, one thread per core; a ticker on that pool drew nothing until its
    /// work ended (a 0.3 s timer fired at 3.0 s beside two 3-second parallel loops on 2 cores;
    /// in CI a line once never came). Its own queue draws while the pool is full.
    @Test func theLineIsDrawnWhileTheGlobalPoolIsFull() {
        final class State: Sendable {
            let busy = Atomic<Int>(0)
            let drawnWhileBusy = Atomic<Bool>(false)
            let stop = Atomic<Bool>(false)
        }
        let state = State()
        let written = Written()
        // Four spinning blocks a core, each until told to stop or for 5 s at most: the pool's
        // threads are all taken and more blocks wait than it will add threads for in the test.
        for _ in 0..<(4 * ProcessInfo.processInfo.activeProcessorCount) {
            DispatchQueue.global().async {
                state.busy.add(1, ordering: .relaxed)
                let deadline = ContinuousClock.now + .seconds(5)
                var spins = 0
                while !state.stop.load(ordering: .relaxed) && ContinuousClock.now < deadline { spins &+= 1 }
                state.busy.subtract(1, ordering: .relaxed)
            }
        }
        let started = ContinuousClock.now + .seconds(2)
        while state.busy.load(ordering: .relaxed) == 0 && ContinuousClock.now < started { usleep(1_000) }
        let ticker = ProgressTicker(delay: .milliseconds(1), every: .milliseconds(10), progress: nil) { text in
            if state.busy.load(ordering: .relaxed) > 0 { state.drawnWhileBusy.store(true, ordering: .relaxed) }
            written.append(text)
        }
        let deadline = ContinuousClock.now + .seconds(2)
        while !state.drawnWhileBusy.load(ordering: .relaxed) && ContinuousClock.now < deadline { usleep(1_000) }
        state.stop.store(true, ordering: .relaxed)
        ticker.stop()
        let drawn = state.drawnWhileBusy.load(ordering: .relaxed)
        #expect(drawn, "drawn: \(written.value.debugDescription)")
    }

    @Test func aQuickStatementAndAPipeShowNothing() {
        let written = Written()
        let runner = ScriptRunner(session: Session(), output: BufferSink(), errors: BufferSink())
        runner.progressWriter = { written.append($0) }
        _ = runner.run(SourceFile(name: "t", text: "leaders count"))
        #expect(written.value.isEmpty)
        // Errors to a buffer (not a terminal): no writer at all, even when the shell asks.
        let piped = ScriptRunner(session: Session(), output: BufferSink(), errors: BufferSink())
        piped.showProgressAtTerminal()
        #expect(piped.progressWriter == nil)
    }

    @Test func theLineShowsAPercentageWhereCountedElseASpinnerAndFitsTheWidth() {
        let counted = RunProgress.Snapshot(step: 2, steps: 3, name: "filter value > 3", fraction: 0.42)
        #expect(
            ProgressTicker.line(seconds: 5, progress: counted, frame: 0, style: .init(columns: 200))
                == "working… 42% [████      ] step 2 of 3: filter value > 3 · 5 s (Ctrl-C stops)")
        // TERM=dumb: plain text only.
        #expect(
            ProgressTicker.line(seconds: 5, progress: counted, frame: 0, style: .init(columns: 200, plain: true))
                == "working… 42% [####......] step 2 of 3: filter value > 3 · 5 s (Ctrl-C stops)")
        let uncounted = RunProgress.Snapshot(step: 1, steps: 1, name: "save to 'out.csv'", fraction: nil)
        #expect(ProgressTicker.line(seconds: 3, progress: uncounted, frame: 1, style: .init()) == "working… / save to 'out.csv' · 3 s (Ctrl-C stops)")
        #expect(ProgressTicker.line(seconds: 3, progress: nil, frame: 2, style: .init()) == "working… - 3 s (Ctrl-C stops)")
        // Narrow terminals: the note goes first, then the bar, then the name is cut; never wider
        // than the width less one.
        #expect(
            ProgressTicker.line(seconds: 2, progress: RunProgress.Snapshot(step: 1, steps: 3, name: "read range(0, 100000000)", fraction: 0.02), frame: 0, style: .init(columns: 60))
                == "working…  2% step 1 of 3: read range(0, 100000000) · 2 s")
        let long = RunProgress.Snapshot(step: 2, steps: 3, name: "filter " + String(repeating: "name = \"x\" or ", count: 20), fraction: 0.5)
        for columns in [25, 40, 60, 100] {
            let line = ProgressTicker.line(seconds: 12, progress: long, frame: 0, style: .init(columns: columns))
            #expect(line.count <= columns - 1, "\(columns): \(line)")
            #expect(line.contains("50%"), "\(columns): \(line)")
        }
        #expect(ProgressTicker.line(seconds: 12, progress: long, frame: 0, style: .init(columns: 60)).contains("12 s"))
    }

    @Test func theEngineSaysWhichStepItIsAtAndCountsTheRowsOfEach() throws {
        let session = Session()
        let flag = CancellationFlag()
        let script = session.check(SourceFile(name: "t", text: "range(100000) where value % 2 = 0 select value * 2 as v"))
        _ = try session.execute(script.statements[0], in: script, cancellation: flag)
        // After the run: the last step, all of its rows done.
        #expect(flag.progress.snapshot == RunProgress.Snapshot(step: 3, steps: 3, name: "select value * 2 as v", fraction: 1))
        flag.reset()
        #expect(flag.progress.snapshot == nil)
    }
}
