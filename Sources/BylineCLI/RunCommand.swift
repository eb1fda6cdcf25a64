// `byline run` (the default command): statements from -c, script files or standard input, or the
// interactive shell; --data files loaded and --db opened first.
import ArgumentParser
import Byline
import BylineDatabases
import BylineShell
#if canImport(Glibc)
    import Glibc
#endif

/// `byline [run]`: runs statements, or starts the interactive shell.
struct RunCommand: ParsableCommand {
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

    @OptionGroup var options: RunOptions

    @Argument(help: ArgumentHelp("Script files to run in order ('-' for standard input).", valueName: "FILE"), completion: .file(extensions: ["byl"]))
    var files: [String] = []

    mutating func validate() throws {
        _ = try options.parameters()
        if options.command != nil && !files.isEmpty {
            throw ValidationError("give either -c STATEMENTS or script files, not both")
        }
        if let threads = options.threads, !(1...QueryLimits.maximumThreads).contains(threads) {
            throw ValidationError("--threads takes a whole number from 1 to \(QueryLimits.maximumThreads), not \(threads)")
        }
        if let memory = options.memory, QueryLimits.memorySize(memory) == nil {
            throw ValidationError("--memory takes a size in bytes, or with K, M, G or T (such as 512M or 2G), not '\(memory)'")
        }
        if let delimiter = options.delimiter, options.delimiterByte == nil {
            throw ValidationError("--delimiter takes one ASCII character, or \\t for a tab, not '\(delimiter)'")
        }
    }
}

extension RunCommand {
    /// Runs byline and returns its exit status.
    func execute() -> Int32 {
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
        // Progress is for the person at the shell; scripts, -c and pipes stay quiet.
        if StandardStream.error.isTerminal, shellFollows { session.loadProgress = LoadProgress().report }
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
        let status = runStatements(runner)
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
    func initFilePath() -> String? {
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
    /// Whether the interactive shell runs (at once, or after -c or the files with -i).
    var shellFollows: Bool { isatty(0) == 1 && (options.interactive || (options.command == nil && files.isEmpty)) }

    func runStatements(_ runner: ScriptRunner) -> Int32 {
        if shellFollows, let path = initFilePath() {
            let outcome = runner.runFile(path)
            if outcome == .quit { return runner.requestedExitStatus }
        }
        if options.interactive, options.command != nil || !files.isEmpty {
            // Run what was given, then stay: -i as sqlite3 and python have it.
            if let command = options.command {
                _ = runner.run(SourceFile(name: "<command>", text: command))
            } else if case .success(let sources) = readScripts(files) {
                for source in sources where runner.run(source) == .quit { return runner.requestedExitStatus }
            }
            guard isatty(0) == 1 else { return ExitStatus.success }
            runner.verbose = true
            return InteractiveShell(runner: runner).run()
        }
        if let command = options.command {
            return status(runner.run(SourceFile(name: "<command>", text: command)), runner)
        }
        if !files.isEmpty {
            let read = readScripts(files)
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
}
