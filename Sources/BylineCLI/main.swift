// byline: the command-line entry point. Parses arguments, picks the input, maps outcomes to exit codes.
import ArgumentParser
import Byline
import BylineDatabases
import BylineShell
import CMemory
#if canImport(Glibc)
    import Glibc
#endif

/// Exit statuses scripts and CI can rely on.
enum ExitStatus {
    static let success: Int32 = 0
    static let statementFailed: Int32 = 1
    static let usage: Int32 = 2
}

/// `byline`: the command tree. Running statements is the default; `byline test` runs tests.
struct BylineRoot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "byline",
        abstract: "Query the facts of a news article, or your own tables, in a small English-like language.",
        discussion: """
            'byline [run] [OPTIONS] [FILE...]' runs statements from -c, script files or standard input, \
            or starts the interactive shell at a terminal. 'byline test FILE...' runs scripts as tests.

            Exit status: 0 when every statement succeeded, 1 when a statement failed, 2 for bad usage.
            """,
        version: BylineVersion.current,
        subcommands: [BylineCommand.self, TestCommand.self, CompileCommand.self],
        defaultSubcommand: BylineCommand.self
    )
}

struct BylineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run statements, or start the interactive shell (the default).",
        discussion: """
            With no FILE and no -c, byline reads statements from standard input, or starts the \
            interactive shell when standard input is a terminal.

            'byline test FILE...' runs scripts as tests: results are not shown, each \
            'assert (QUERY) = VALUE' counts as passed or failed, and the last line is \
            'N passed, N failed' (exit 1 if any failed).

            Exit status: 0 when every statement succeeded, 1 when a statement failed, 2 for bad usage.
            """,
        version: BylineVersion.current
    )

    // Unconditional, so statements that start with "-" are still statements.
    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("Run STATEMENTS and exit.", valueName: "STATEMENTS"))
    var command: String?

    @Option(name: .long, help: "Output format: table, box, json, jsonl, csv, tsv, markdown or line.")
    var format: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Load a CSV, TSV, JSON or JSON Lines file as a table named after it (repeatable).", valueName: "FILE"), completion: .file(extensions: ["csv", "tsv", "json", "jsonl", "ndjson"]))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("The format of --data files: csv, tsv, json or jsonl (default: by extension, or for - by content).", valueName: "FORMAT"))
    var dataFormat: DataFileFormat?

    @Option(name: .long, help: ArgumentHelp("Field delimiter for --data files (default: by extension; ',' or tab).", valueName: "CHAR"))
    var delimiter: String?

    @Flag(name: .long, help: "For untrusted scripts: no file, database or program beyond what the command line names (refuses load, save, .read, .output, .once, .import, .open; no pager, no start-up file).")
    var safe = false

    @Flag(name: .long, help: "Start without the article's tables (only --data and loaded files).")
    var noArticle = false

    @Flag(name: .long, help: "After a failed statement, run the rest (the exit status is still 1).")
    var keepGoing = false

    @Option(name: .customLong("arg"), help: ArgumentHelp("Give the parameter $NAME a string value (repeatable).", valueName: "NAME=VALUE"))
    var stringParameters: [String] = []

    @Option(name: .customLong("argjson"), help: ArgumentHelp("Give the parameter $NAME a typed value written in JSON (repeatable).", valueName: "NAME=JSON"))
    var jsonParameters: [String] = []

    @Flag(name: .customShort("i"), help: "After -c or the script files, stay in the interactive shell.")
    var interactive = false

    @Option(name: .customLong("init"), help: ArgumentHelp("Run FILE before the first prompt (default: $XDG_CONFIG_HOME/byline/init.byl).", valueName: "FILE"), completion: .file(extensions: ["byl"]))
    var initFile: String?

    @Flag(name: .long, help: "Do not run the start-up file.")
    var noInit = false

    @Option(name: .long, help: ArgumentHelp("Open a database: postgresql://USER@HOST/DB, postgres:///DB?host=/socket/dir (PG* variables fill in the rest), or an SQLite FILE. Queries over its tables run there.", valueName: "DATABASE"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Use up to N threads for a query (default: one per core).", valueName: "N"))
    var threads: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("Let a query's structures take up to SIZE bytes (512M, 2G; default: half the memory this process may use).", valueName: "SIZE"))
    var memory: String?

    @Argument(help: ArgumentHelp("Script files to run in order ('-' for standard input).", valueName: "FILE"), completion: .file(extensions: ["byl"]))
    var files: [String] = []

    /// The parameters --arg and --argjson give, by name.
    func parameters() throws -> [String: Value] {
        var values: [String: Value] = [:]
        for (item, typed) in stringParameters.map({ ($0, false) }) + jsonParameters.map({ ($0, true) }) {
            // Split by scalar: a value starting with a combining mark makes "=" and the mark one
            // Character, which a search by Character does not find.
            let scalars = item.unicodeScalars
            guard let equals = scalars.firstIndex(of: "="), scalars.startIndex != equals else {
                throw ValidationError("\(typed ? "--argjson" : "--arg") takes NAME=VALUE, not '\(item)'")
            }
            let name = String(scalars[..<equals])
            let text = String(scalars[scalars.index(after: equals)...])
            guard name.first.map({ $0.isLetter || $0 == "_" }) ?? false, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("'\(name)' is not a parameter name: use letters, digits and _")
            }
            if typed {
                guard let value = Value(json: text) else {
                    throw ValidationError("--argjson \(name): '\(text)' is not a JSON number, string, boolean, null or array")
                }
                // A JSON integer wider than 64 bits is read as its digits (text): as a parameter
                // that would change its type silently.
                if case .string = value, !text.trimmingCharacters(in: .whitespaces).hasPrefix("\"") {
                    throw ValidationError(
                        "--argjson \(name): \(text) is outside the integers Byline holds (\(Int.min) to \(Int.max)); write it as a string (\"\(text)\") or a float (\(text).0)")
                }
                values[name] = value
            } else {
                values[name] = .string(text)
            }
        }
        return values
    }

    mutating func validate() throws {
        _ = try parameters()
        if command != nil && !files.isEmpty {
            throw ValidationError("give either -c STATEMENTS or script files, not both")
        }
        if let threads, !(1...QueryLimits.maximumThreads).contains(threads) {
            throw ValidationError("--threads takes a whole number from 1 to \(QueryLimits.maximumThreads), not \(threads)")
        }
        if let memory, QueryLimits.memorySize(memory) == nil {
            throw ValidationError("--memory takes a size in bytes, or with K, M, G or T (such as 512M or 2G), not '\(memory)'")
        }
        if let delimiter, delimiterByte == nil {
            throw ValidationError("--delimiter takes one ASCII character, or \\t for a tab, not '\(delimiter)'")
        }
    }

    /// The --delimiter as a byte (`\t` means a tab).
    var delimiterByte: UInt8? {
        guard let delimiter else { return nil }
        if delimiter == "\\t" || delimiter == "\t" { return 9 }
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte >= 32, byte < 127, byte != UInt8(ascii: "\"") else { return nil }
        return byte
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// How `byline test` reports.
enum TestReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, tap
}

/// The formats `--data-format` names.
enum DataFileFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, tsv, json, jsonl

    var format: DataFormat {
        switch self {
        case .csv: return .delimited(UInt8(ascii: ","))
        case .tsv: return .delimited(UInt8(ascii: "\t"))
        case .json: return .json
        case .jsonl: return .jsonLines
        }
    }
}

/// Runs byline and returns its exit status.
func runByline(_ options: BylineCommand) -> Int32 {
    if let error = ArticleDataset.loadError {
        StandardStream.error.write("byline: the built-in article dataset is damaged: \(error)\n")
        return ExitStatus.statementFailed
    }
    var settings = ShellSettings()
    settings.format = options.format
    settings.options.colour = environmentAllowsColour()
    let session = options.noArticle ? Session(tables: []) : Session()
    if options.safe { session.fileAccess = .none }
    if let threads = options.threads { session.limits.threads = threads }
    if let memory = options.memory.flatMap(QueryLimits.memorySize) { session.limits.maximumMemory = memory }
    session.parameters = (try? options.parameters()) ?? [:]  // validate() has checked them
    if StandardStream.error.isTerminal { session.loadProgress = LoadProgress().report }
    if let location = options.db {
        do {
            try session.open(try openDatabase(location))
        } catch let error as DatabaseError {
            StandardStream.error.write("byline: \(error.message)\n" + (error.help.map { "help: \($0)\n" } ?? ""))
            return ExitStatus.usage
        } catch {
            StandardStream.error.write("\(error)\n")
            return ExitStatus.usage
        }
    }
    let runner = ScriptRunner(session: session, settings: settings, output: StandardStream.output, errors: StandardStream.error)
    runner.keepGoing = options.keepGoing
    for path in options.data {
        // --delimiter is for delimited files; a .json or .jsonl file keeps its own format. Standard
        // input ("-") is read by its content unless --data-format says.
        var format: DataFormat? = options.dataFormat?.format ?? (path == "-" ? nil : DataFormat.forPath(path))
        if case .delimited? = format ?? .delimited(44), let delimiter = options.delimiterByte { format = .delimited(delimiter) }
        do {
            let loaded = try TableLoader.load(
                path: path, format: format, progress: session.loadProgress.map { report in { report(path, $0) } },
                maximumBytes: session.limits.maximumMemory)
            for warning in loaded.warnings { StandardStream.error.write("\(warning)\n") }
            if session.table(named: loaded.table.schema.name) != nil && !options.data.isEmpty
                && ArticleDataset.tables.contains(where: { $0.schema.name == loaded.table.schema.name })
            {
                StandardStream.error.write("byline: '\(path)' would replace the article's table '\(loaded.table.schema.name)'; rename the file\n")
                return ExitStatus.usage
            }
            session.register(loaded.table)
        } catch {
            StandardStream.error.write("\(error)\n")
            return error.line == nil ? ExitStatus.usage : ExitStatus.statementFailed
        }
    }
    let status = run(options, runner)
    // A `.output` file still open at the end is written now.
    if !runner.closeRedirection() { return ExitStatus.statementFailed }
    // Output that was lost (a full disk, `ulimit -f`) fails the run, as in cat, jq and sqlite3,
    // even where no statement said so (a dot-command's listing).
    if let failure = StandardStream.output.writeFailure {
        if status == ExitStatus.success { StandardStream.error.write("byline: error: cannot write to standard output: \(failure)\n") }
        return ExitStatus.statementFailed
    }
    return status
}

/// The start-up file: --init FILE, else $XDG_CONFIG_HOME/byline/init.byl (~/.config/byline/init.byl).
/// Under --safe only a file the command line names runs. A relative XDG_CONFIG_HOME is ignored,
/// as the XDG specification says (it would run a file of whatever folder byline starts in).
func initFilePath(_ options: BylineCommand) -> String? {
    if options.noInit { return nil }
    if let path = options.initFile { return path }
    if options.safe { return nil }
    func variable(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
    let configured = variable("XDG_CONFIG_HOME").flatMap { $0.hasPrefix("/") ? $0 : nil }
    guard let folder = configured ?? variable("HOME").map({ $0 + "/.config" }) else { return nil }
    let path = folder + "/byline/init.byl"
    return access(path, F_OK) == 0 ? path : nil
}

/// Runs the statements from -c, the files, standard input or the shell. The start-up file runs
/// before the first prompt (interactive use only: scripts and -c stay reproducible).
func run(_ options: BylineCommand, _ runner: ScriptRunner) -> Int32 {
    let shellFollows = isatty(0) == 1 && (options.interactive || (options.command == nil && options.files.isEmpty))
    if shellFollows, let path = initFilePath(options) {
        let outcome = runner.runFile(path)
        if outcome == .quit { return runner.requestedExitStatus }
    }
    if options.interactive, options.command != nil || !options.files.isEmpty {
        // Run what was given, then stay: -i as sqlite3 and python have it.
        if let command = options.command {
            _ = runner.run(SourceFile(name: "<command>", text: command))
        } else if case .success(let sources) = readScripts(options.files) {
            for source in sources where runner.run(source) == .quit { return runner.requestedExitStatus }
        }
        guard isatty(0) == 1 else { return ExitStatus.success }
        runner.verbose = true
        return InteractiveShell(runner: runner).run()
    }
    if let command = options.command {
        return status(runner.run(SourceFile(name: "<command>", text: command)), runner)
    }
    if !options.files.isEmpty {
        let read = readScripts(options.files)
        guard case .success(let sources) = read else { return read.failureStatus }
        var worst = ExitStatus.success
        for source in sources {
            switch runner.run(source) {
            case .success: continue
            case .quit: return max(worst, runner.requestedExitStatus)
            case .failure:
                worst = ExitStatus.statementFailed
                if !options.keepGoing { return worst }
            }
        }
        return worst
    }
    if isatty(0) == 1 {
        runner.verbose = true
        return InteractiveShell(runner: runner).run()
    }
    do {
        let input = readStandardInput()
        if input.count > SourceReader.maximumSize {
            StandardStream.error.write("<stdin>: error: script is larger than \(SourceReader.maximumSize >> 20) MiB\n")
            return ExitStatus.statementFailed
        }
        return status(runner.run(try SourceReader.decode(input, name: "<stdin>")), runner)
    } catch {
        StandardStream.error.write("\(error)\n")
        return ExitStatus.statementFailed
    }
}

/// Shows `loading FILE… 42%` on standard error for loads that take more than a second.
///
/// `@unchecked Sendable` because the session's `loadProgress` must be a `@Sendable` closure, but
/// a load reports from the one thread that runs it, one call after another, so its state is never
/// touched by two threads at once.
final class LoadProgress: @unchecked Sendable {
    private var path = ""
    private var started = ContinuousClock.now
    private var shown = false

    func report(_ path: String, _ fraction: Double) {
        if path != self.path {
            self.path = path
            started = .now
            shown = false
        }
        guard shown || ContinuousClock.now - started > .seconds(1) else { return }
        shown = fraction < 1
        StandardStream.error.write(fraction >= 1 ? "\r\u{1B}[K" : "\rloading \(path)… \(Int(fraction * 100))%")
    }
}

/// A script that could not be read, as the exit status to end with (its message is already shown).
struct UnreadableScript: Error {
    let status: Int32
}

/// Reads every script before any runs, so a typo in the last name runs nothing.
func readScripts(_ paths: [String]) -> Result<[SourceFile], UnreadableScript> {
    var sources: [SourceFile] = []
    for path in paths {
        do {
            if path == "-" {
                // `byline -`: the script is standard input, as the named file.
                let input = readStandardInput()
                guard input.count <= SourceReader.maximumSize else {
                    StandardStream.error.write("<stdin>: error: script is larger than \(SourceReader.maximumSize >> 20) MiB\n")
                    return .failure(UnreadableScript(status: ExitStatus.statementFailed))
                }
                sources.append(try SourceReader.decode(input, name: "<stdin>"))
                continue
            }
            sources.append(try SourceReader.read(path: path))
        } catch {
            StandardStream.error.write(error.isUsageError ? "byline: \(error)\n" : "\(error)\n")
            return .failure(UnreadableScript(status: error.isUsageError ? ExitStatus.usage : ExitStatus.statementFailed))
        }
    }
    return .success(sources)
}

extension Result where Failure == UnreadableScript {
    /// The exit status of a failed read (0 when the read succeeded).
    var failureStatus: Int32 {
        if case .failure(let failure) = self { return failure.status }
        return ExitStatus.success
    }
}

func status(_ outcome: RunOutcome, _ runner: ScriptRunner) -> Int32 {
    switch outcome {
    case .failure: return ExitStatus.statementFailed
    case .quit: return runner.requestedExitStatus  // `.exit N`
    case .success: return ExitStatus.success
    }
}

/// Colour only when NO_COLOR is unset and TERM is not dumb (each sink also checks it is a terminal).
func environmentAllowsColour() -> Bool {
    TerminalEnvironment.allowsColour()
}

func readStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(0, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
        if bytes.count > SourceReader.maximumSize { break }  // decode() below reports it
    }
    return bytes
}

/// `byline test FILE...`: scripts as tests.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run Byline scripts as tests: count their assertions, and end with 'N passed, N failed'.")

    @Option(name: .long, help: "How to report: 'text' (failures, then 'N passed, N failed') or 'tap' (the Test Anything Protocol).")
    var format: TestReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Also write a JUnit XML report to FILE, for CI systems.", valueName: "FILE"))
    var junit: String?

    @Argument(help: ArgumentHelp("Test scripts to run, each in a fresh session.", valueName: "FILE"), completion: .file(extensions: ["byl"]))
    var files: [String]

    mutating func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one test script") }
    }
}

/// Runs each test file in a fresh session and prints failures and the tally.
func runTests(_ options: TestCommand) -> Int32 {
    let read = readScripts(options.files)
    guard case .success(let sources) = read else { return read.failureStatus }
    var tally = TestTally()
    for source in sources {
        var settings = ShellSettings()
        settings.options.colour = environmentAllowsColour()
        let runner = ScriptRunner(session: Session(), settings: settings, output: BufferSink(), errors: StandardStream.error)
        runner.testing = tally
        let outcome = runner.run(source)
        tally = runner.testing ?? tally
        if outcome == .failure { tally.recordBrokenScript(source.name) }
    }
    switch options.format {
    case .text:
        for failure in tally.failures { StandardStream.output.write(failure + "\n") }
        StandardStream.output.write(tally.summary + "\n")
    case .tap:
        StandardStream.output.write(tally.tap)
    }
    if let path = options.junit {
        do {
            try ResultWriter.writeAtomically(tally.junit, to: path)
        } catch {
            StandardStream.error.write("byline: cannot write '\(path)': \(error.reason)\n")
            return ExitStatus.statementFailed
        }
    }
    return tally.failed > 0 ? ExitStatus.statementFailed : ExitStatus.success
}

/// Parses the command line into `run` or `test`; usage errors exit 2 (ArgumentParser's default
/// is 64), help, --version and --generate-completion-script exit 0.
func parseOrExit() -> ParsableCommand {
    do {
        return try BylineRoot.parseAsRoot()
    } catch {
        if BylineRoot.exitCode(for: error) == .success {
            StandardStream.output.write(BylineRoot.fullMessage(for: error) + "\n")
            exit(ExitStatus.success)
        }
        StandardStream.error.write("byline: " + BylineRoot.fullMessage(for: error).replacingFirstErrorPrefix() + "\n")
        exit(ExitStatus.usage)
    }
}

/// Writes fail with a clear error past `ulimit -f` instead of killing the process, and a
/// terminating signal cancels the database statement running on a server (as psql does) and
/// removes any half-written temporary file before the process ends. A write to a database was
/// one transaction, which the database then undoes.
func installSignalHandlers() {
    signal(SIGXFSZ, SIG_IGN)
    TemporaryFiles.prepare()
    PostgreSQLConnection.prepareForSignals()
    for terminating in [SIGTERM, SIGHUP, SIGINT] {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            PostgreSQLConnection.cancelRunningStatement()
            TemporaryFiles.removeAll()
            signal(number, SIG_DFL)
            raise(number)
        }
        sigaction(terminating, &action, nil)
    }
    // A parent may have blocked these (some test runners do); the mask is inherited.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for terminating in [SIGTERM, SIGHUP, SIGINT] { sigaddset(&unblock, terminating) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

installSignalHandlers()
byline_keep_freed_memory()
switch parseOrExit() {
case let test as TestCommand: exit(runTests(test))
case let run as BylineCommand: exit(runByline(run))
case var other:
    // ArgumentParser's own commands (`byline help test`) print and exit.
    do {
        try other.run()
        exit(ExitStatus.success)
    } catch {
        BylineRoot.exit(withError: error)
    }
}

extension String {
    /// ArgumentParser starts messages with "Error: "; ours say "byline: ".
    func replacingFirstErrorPrefix() -> String {
        hasPrefix("Error: ") ? String(dropFirst(7)) : self
    }
}

/// `byline compile QUERY`: the SQL a query compiles to, without running it.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Print the SQL a query compiles to, without running it.",
        discussion: """
            The query is checked against the article's tables (and --db's, when given) and compiled \
            for --dialect (default: the database's, else postgresql), as if every table it reads \
            were in such a database (after '.push article'). Values are bind parameters, listed \
            after the statement.
            """
    )

    @Argument(help: ArgumentHelp("The query.", valueName: "QUERY"))
    var query: String

    @Option(name: .long, help: "postgresql or sqlite.")
    var dialect: SQLDialect?

    @Option(name: .long, help: ArgumentHelp("Compile against this database's tables.", valueName: "DATABASE"))
    var db: String?

    func run() throws {
        let session = Session()
        if let db {
            do {
                try session.open(try openDatabase(db))
            } catch let error as DatabaseError {
                throw ValidationError(error.message)
            }
        }
        do {
            let compiled = try session.compile(query, dialect: dialect)
            var out = compiled.text + ";\n"
            let mark = (dialect ?? session.database?.dialect ?? .postgresql) == .postgresql ? "$" : "?"
            for (index, value) in compiled.bindings.enumerated() {
                out += "-- \(mark)\(index + 1) = \(value.literal)\n"
            }
            StandardStream.output.write(out)
        } catch {
            StandardStream.error.write(error.description)
            throw ExitCode(ExitStatus.statementFailed)
        }
    }
}

extension SQLDialect: ExpressibleByArgument {}
