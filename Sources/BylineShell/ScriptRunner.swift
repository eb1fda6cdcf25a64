// Runs checked scripts against a session and writes results and diagnostics: the one path that
// `-c`, script files, stdin, `.read` and the interactive shell all share.
import Byline

/// Settings the dot-commands change.
public struct ShellSettings: Sendable {
    /// The format results are written in.
    package var format: OutputFormat = .table
    /// Options every format shares.
    package var options = OutputOptions()
    /// Whether to print each statement's wall time.
    public var timer = false
    /// In the table format at a terminal, show at most this many rows (nil for all).
    public var maximumRows: Int?
    /// One field per line instead of a table: always (`on`), never, or when a table would not fit
    /// the terminal (`auto`), as psql's `\x`.
    public var expanded: Expanded = .off
    /// Long results at a terminal go through a pager (`$PAGER`, else `less -SRFX --tilde`); the
    /// interactive shell turns this on.
    public var pager = false

    /// The choices of `.expanded`.
    public enum Expanded: String, Sendable {
        case on, off, auto
    }

    /// Default settings.
    public init() {}
}

/// How a run ended.
public enum RunOutcome: Equatable, Sendable {
    /// Every statement succeeded.
    case success
    /// A statement failed (its diagnostics have been written).
    case failure
    /// `.quit` or `.exit` was run.
    case quit
}

/// Runs scripts statement by statement, writing results to one sink and diagnostics to another.
public final class ScriptRunner {
    /// The session statements run in.
    public let session: Session
    /// Output settings, changed by `.mode`, `.timer` and the like.
    public var settings: ShellSettings
    /// After a failed statement, whether to go on with the rest (`--keep-going`).
    public var keepGoing = false
    /// Set by the interactive shell so a long query can be stopped with Ctrl-C.
    public var cancellation: CancellationFlag?
    /// Where results go: standard output, or a file chosen with `.output` / `.once`.
    var output: TextSink { redirection ?? standardOutput }
    private let standardOutput: TextSink
    let errors: TextSink
    /// A file that `.output` or `.once` sends results to until it is closed.
    var redirection: FileSink?
    /// Whether `.once` chose the redirection (closed after the next statement).
    var redirectionIsOnce = false
    /// The status `.exit N` asked for (`.quit` and `.exit` alone ask for 0).
    public var requestedExitStatus: Int32 = 0
    /// Say what load, save, let and def did (the interactive shell does; scripts stay quiet).
    public var verbose = false
    /// Under `byline test`: results are not printed, and assertions are counted, not fatal.
    public var testing: TestTally?
    private var readDepth = 0
    /// How long a statement runs before a terminal is told that it is working (nil: never).
    var progressDelay: Duration? = .seconds(2)
    /// Where that is said: the interactive shell gives standard error when it is a terminal;
    /// scripts, `-c` and pipes give nothing, so they never show it (tests give their own).
    var progressWriter: (@Sendable (String) -> Void)?
    /// The width of the line that says it, and whether it is plain text (`TERM=dumb`).
    var progressStyle = ProgressTicker.Style()
    /// Time spent checking the script, not yet shown by `.timer` (see `run`).
    private var uncountedCheckTime = Duration.zero

    /// How deeply `.read` may nest (a file that reads itself stops here).
    static let maximumReadDepth = 16

    /// Creates a runner.
    public init(session: Session, settings: ShellSettings = ShellSettings(), output: TextSink, errors: TextSink) {
        self.session = session
        self.settings = settings
        self.standardOutput = output
        self.errors = errors
        session.commandEffect = DotCommands.checkTimeEffect
    }

    /// Commands after which a script may name other tables: `.read` runs a file that may `load`,
    /// `let` or `def`; `.open`, `.close` and `.import` change the database's tables.
    static let catalogueCommands: Set<String> = ["read", "open", "close", "import"]

    /// Checks the whole source, then runs its statements in order.
    ///
    /// Every syntax and type error of the script is reported before anything runs; with errors,
    /// nothing runs unless `keepGoing` is set, in which case the statements that checked run. When
    /// every error comes after a command that changes which tables exist (`.read`, `.open`,
    /// `.import`, `.close`), the script runs up to that command and the rest is checked again
    /// after it, as sqlite3 reads a script: a table the command brings is then known.
    public func run(_ source: SourceFile) -> RunOutcome {
        cancellation?.reset()
        let clock = ContinuousClock()
        let checkStart = clock.now
        let script = session.check(source, cancellation: cancellation)
        // Checking reads the files `load` names: that time belongs to the first statement's timer.
        uncountedCheckTime = clock.now - checkStart
        if script.diagnostics.contains(where: { $0.id == .cancelled }) {
            errors.write(errors.isTerminal ? "\ncancelled\n" : "cancelled\n")
            return .failure
        }
        if script.hasErrors, let command = firstCatalogueCommand(in: script),
            !script.diagnostics.contains(where: { $0.severity == .error && ($0.span?.start.offset ?? 0) < command.span.end.offset })
        {
            return runInParts(source, script, through: command)
        }
        report(script.diagnostics, in: source)
        if script.hasErrors && !keepGoing { return .failure }
        let outcome = execute(script.statements, in: script)
        return script.hasErrors && outcome == .success ? .failure : outcome
    }

    /// Runs statements in order: `.quit` at once, a failure at once unless `keepGoing`.
    private func execute(_ statements: some Sequence<CheckedStatement>, in script: CheckedScript) -> RunOutcome {
        var failed = false
        for statement in statements {
            switch execute(statement, in: script) {
            case .success: continue
            case .quit: return .quit
            case .failure:
                failed = true
                if !keepGoing { return .failure }
            }
        }
        return failed ? .failure : .success
    }

    /// The first command of the script that changes which tables exist.
    private func firstCatalogueCommand(in script: CheckedScript) -> CheckedStatement? {
        script.statements.first { statement in
            guard case .command(let text) = statement.kind,
                let word = text.split(separator: " ", maxSplits: 1).first,
                case .success(let spec) = DotCommands.resolve(String(word))
            else { return false }
            return Self.catalogueCommands.contains(spec.name)
        }
    }

    /// Runs the statements through `command` (all of which checked cleanly), then checks and runs
    /// the rest of the source, with the lines before it blank so places keep their line numbers.
    private func runInParts(_ source: SourceFile, _ script: CheckedScript, through command: CheckedStatement) -> RunOutcome {
        let before = script.diagnostics.filter { ($0.span?.start.offset ?? 0) < command.span.end.offset }
        report(before, in: source)
        let first = execute(script.statements.filter { $0.span.start.offset <= command.span.start.offset }, in: script)
        if first == .quit || (first == .failure && !keepGoing) { return first }
        let bytes = Array(source.text.utf8)
        var end = min(command.span.end.offset, bytes.count)
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let lines = bytes[..<min(end, bytes.count)].filter { $0 == UInt8(ascii: "\n") }.count
        let rest = end < bytes.count ? String(decoding: bytes[(end + 1)...], as: UTF8.self) : ""
        let outcome = run(SourceFile(name: source.name, text: String(repeating: "\n", count: lines + 1) + rest))
        return first == .failure && outcome == .success ? .failure : outcome
    }

    private func execute(_ statement: CheckedStatement, in script: CheckedScript) -> RunOutcome {
        if case .command(let text) = statement.kind {
            return DotCommands(runner: self).run(text, span: statement.span, source: script.source)
        }
        let outcome = executeQuery(statement, in: script)
        if redirectionIsOnce, redirection != nil {
            // `.once FILE` then a failed statement leaves FILE as it was.
            return closeRedirection(keep: outcome == .success) && outcome == .success ? .success : .failure
        }
        return outcome
    }

    /// Closes a `.output` / `.once` file, putting it in place when `keep` and output was produced;
    /// false (with a message) if it could not be written.
    @discardableResult
    public func closeRedirection(keep: Bool = true) -> Bool {
        guard let file = redirection else { return true }
        redirection = nil
        redirectionIsOnce = false
        do {
            try file.close(keep: keep)
            return true
        } catch {
            errors.write("error: cannot write '\(file.path)': \(error.reason); the file was left as it was\n")
            return false
        }
    }

    private func executeQuery(_ statement: CheckedStatement, in script: CheckedScript) -> RunOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        // The script's checking (the files `load` reads) is the first statement's time: shown
        // with it when the timer is on then, and never with a later one.
        let checkTime = uncountedCheckTime
        uncountedCheckTime = .zero
        /// When the result was ready: time a reader spends in the pager is not the statement's.
        var end: ContinuousClock.Instant?
        cancellation?.reset()
        let ticker = startProgress()
        // Rows a database hands over in parts are written as they come, in the formats that allow it.
        var stream: ResultStream?
        do throws(BylineError) {
            let running = Result { () throws(BylineError) in
                guard testing == nil, ResultStreamWriter.streams(settings.format) else {
                    return try session.execute(statement, in: script, cancellation: cancellation)
                }
                return try session.execute(statement, in: script, cancellation: cancellation) { part in
                    ticker?.stop()  // before any result is written
                    if stream == nil { stream = ResultStream(runner: self, fields: part.fields) }
                    return stream?.write(part) ?? false
                }
            }
            ticker?.stop()  // before any result is written
            let result: StatementResult
            do {
                result = try running.get()
            } catch {
                // A query that failed part-way has printed its earlier rows: what is held goes out first.
                stream?.pager?.finish()
                throw error
            }
            switch result {
            case .assertion(let outcome):
                if var tally = testing {
                    tally.record(outcome, in: script.source)
                    testing = tally
                    return .success
                }
                if !outcome.passed {
                    report(
                        [Diagnostic(.assertionFailed(outcome.message), at: outcome.span)],
                        in: script.source)
                    return .failure
                }
            case .rows where testing != nil:
                break
            case .streamed:
                // No part came when the query had no rows: the header (or `[]`) is written now.
                let written = stream ?? ResultStream(runner: self, fields: statement.plan?.resultSchema.fields ?? [])
                let finished = written.finish()
                end = written.pager?.startedAt ?? clock.now
                if let outcome = finishPrinting(finished, pager: written.pager, statement: statement, in: script) { return outcome }
            case .rows(let rows):
                let options = printOptions()
                var format = settings.format
                if format == .table || format == .box {
                    switch settings.expanded {
                    case .on: format = .line
                    case .auto where !ResultFormatter.fits(rows, as: format, options: options): format = .line
                    default: break
                    }
                }
                // Written as it is formatted; Ctrl-C (the cancellation flag) stops the printing.
                // Taller than the screen, at a terminal, it goes through the pager.
                let (pager, sink) = resultSink()
                let finished = ResultFormatter.write(rows, as: format, options: options, to: sink)
                end = pager?.startedAt ?? clock.now
                if let outcome = finishPrinting(finished, pager: pager, statement: statement, in: script) { return outcome }
            case .loaded(let name, let count) where verbose:
                errors.write("loaded '\(name)': \(count) row\(count == 1 ? "" : "s")\n")
            case .saved(let path, let count) where verbose:
                errors.write("saved \(count) row\(count == 1 ? "" : "s") to '\(path)'\n")
            case .storedTable(let name, let count) where verbose:
                errors.write("stored \(count) row\(count == 1 ? "" : "s") in the table '\(name)' of the \(session.database?.location ?? "database")\n")
            case .bound(let name, let count) where verbose:
                errors.write("'\(name)' holds \(count) row\(count == 1 ? "" : "s")\n")
            default:
                break
            }
            if settings.timer {
                output.write("time: \(Self.describe((end ?? clock.now) - start + checkTime))\n")
            }
            return .success
        } catch {
            if error.diagnostics.first?.id == .cancelled {
                // At a terminal the driver has echoed ^C on the current line.
                errors.write(errors.isTerminal ? "\ncancelled\n" : "cancelled\n")
            } else {
                report(error.diagnostics, in: error.source)
            }
            return .failure
        }
    }

    /// The options results are printed with: at a terminal, cut to its width, coloured if asked.
    fileprivate func printOptions() -> OutputOptions {
        var options = settings.options
        options.colour = options.colour && output.isTerminal
        if output.isTerminal {
            options.maximumWidth = options.maximumWidth ?? output.columns
            options.maximumRows = settings.maximumRows
        }
        return options
    }

    /// Where a result's text goes: the output, or at a terminal the pager once it is taller than
    /// the screen. The sink says stop (false) on Ctrl-C, a quit pager, a closed reader or a failed write.
    fileprivate func resultSink() -> (PagerSink?, (String) -> Bool) {
        let cancellation = self.cancellation
        let output = self.output
        let pager = redirection == nil ? PagerSink.make(for: output, enabled: settings.pager && session.fileAccess.allowsPrograms) : nil
        return (pager, { text in
            if cancellation?.isCancelled ?? false { return false }
            if let pager { return pager.write(text) }
            output.write(text)
            return output.writeFailure == nil && !((output as? StandardStream)?.readerClosed ?? false)
        })
    }

    /// After a result is printed (`finished` when all of it was): the pager's end, then a failed
    /// write, a closed reader or Ctrl-C as the statement's failure; nil when all went well.
    private func finishPrinting(
        _ finished: Bool, pager: PagerSink?, statement: CheckedStatement, in script: CheckedScript
    ) -> RunOutcome? {
        pager?.finish()
        if let failure = output.writeFailure {
            let target = (redirection?.path).map { "'\($0)'" } ?? "standard output"
            report([Diagnostic(.outputFailed(target, reason: failure), at: statement.span)], in: script.source)
            return .failure
        }
        if (output as? StandardStream)?.readerClosed ?? false { return .failure }
        // Quitting the pager stops the printing quietly; Ctrl-C says so.
        if !finished, (cancellation?.isCancelled ?? false) || !(pager?.closed ?? false) {
            errors.write(errors.isTerminal ? "\ninterrupted\n" : "interrupted\n")
            return .failure
        }
        return nil
    }

    /// A ticker on the error stream when the interactive shell asked for one (never in a pipe, a
    /// file or a script), so a statement that runs past `progressDelay` says how far it has got.
    private func startProgress() -> ProgressTicker? {
        guard testing == nil, let delay = progressDelay, let write = progressWriter else { return nil }
        var style = progressStyle
        style.columns = errors.columns ?? style.columns
        return ProgressTicker(delay: delay, progress: cancellation?.progress, style: style, write: write)
    }

    /// Shows progress on standard error while statements run, when it is a terminal: the
    /// interactive shell's choice; `TERM=dumb` gets plain text.
    public func showProgressAtTerminal() {
        guard let stream = errors as? StandardStream, stream.isTerminal else { return }
        progressWriter = { stream.write($0) }
        progressStyle.plain = TerminalEnvironment.variable("TERM") == "dumb"
    }

    /// Runs a script file named on its own (the start-up file); its errors name the file.
    public func runFile(_ path: String) -> RunOutcome {
        runFile(path, span: nil, from: SourceFile(name: path, text: ""))
    }

    /// Runs a script file (for `.read`), refusing to nest without end.
    func runFile(_ path: String, span: SourceSpan?, from source: SourceFile) -> RunOutcome {
        if let denial = session.fileAccess.denial(for: path, writing: false) {
            report([Diagnostic(.accessDenied(denial), at: span)], in: source)
            return .failure
        }
        let path = session.fileAccess.resolve(path)
        guard readDepth < ScriptRunner.maximumReadDepth else {
            report(
                [Diagnostic(.readTooDeep(maximum: ScriptRunner.maximumReadDepth), at: span)], in: source)
            return .failure
        }
        let file: SourceFile
        do {
            file = try SourceReader.read(path: path)
        } catch {
            if error.isUsageError {
                report([Diagnostic(.cannotRead(error.description), at: span)], in: source)
            } else {
                errors.write(error.description + "\n")
            }
            return .failure
        }
        readDepth += 1
        defer { readDepth -= 1 }
        return run(file)
    }

    /// Writes diagnostics to the error sink.
    public func report(_ diagnostics: [Diagnostic], in source: SourceFile?) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(colour: settings.options.colour && errors.isTerminal)
        errors.write(renderer.render(diagnostics.map(Self.withoutLibraryAdvice), in: source))
    }

    /// The library's help for a parameter without a value names its Swift API too
    /// (`run(_:parameters:)`); at the shell and in scripts only the ways given here apply.
    static func withoutLibraryAdvice(_ diagnostic: Diagnostic) -> Diagnostic {
        guard let help = diagnostic.help, let api = help.range(of: ", or run(_:parameters:)") else { return diagnostic }
        var text = help
        text.replaceSubrange(api, with: "")
        if let last = text.range(of: ", .param set") { text.replaceSubrange(last, with: " or .param set") }
        var shown = diagnostic
        shown.help = text
        return shown
    }

    /// A duration as people read it: `0.42 ms`, `12.3 ms`, `1.20 s`.
    static func describe(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        if seconds >= 1 { return String(format2(seconds)) + " s" }
        return format2(seconds * 1000) + " ms"
    }

    private static func format2(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        var text = String(scaled)
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) == 2 { text += "0" }
        return text
    }
}

/// A result being printed as its parts arrive (see `ResultStreamWriter`): the sink chosen once,
/// when the first part comes, so a pager starts only for rows.
private final class ResultStream {
    private var writer: ResultStreamWriter
    let pager: PagerSink?
    private let sink: (String) -> Bool
    /// Whether the sink said stop (then nothing more is written, and the query stops).
    private var stopped = false

    init(runner: ScriptRunner, fields: [Field]) {
        writer = ResultStreamWriter(fields: fields, format: runner.settings.format, options: runner.printOptions())
        (pager, sink) = runner.resultSink()
    }

    func write(_ part: ResultSet) -> Bool {
        guard !stopped else { return false }
        stopped = !writer.write(part, to: sink)
        return !stopped
    }

    /// Ends the result; false when it was cut short.
    func finish() -> Bool {
        guard !stopped else { return false }
        stopped = !writer.finish(to: sink)
        return !stopped
    }
}
