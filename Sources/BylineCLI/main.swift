// byline: the command-line entry point. Parses arguments, picks the input, maps outcomes to exit codes.
import ArgumentParser
import Byline
import BylineShell
#if canImport(Glibc)
    import Glibc
#endif

/// Exit statuses scripts and CI can rely on.
enum ExitStatus {
    static let success: Int32 = 0
    static let statementFailed: Int32 = 1
    static let usage: Int32 = 2
}

struct BylineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "byline",
        abstract: "Query the facts of a news article, or your own tables, in a small English-like language.",
        discussion: """
            With no FILE and no -c, byline reads statements from standard input, or starts the \
            interactive shell when standard input is a terminal.

            Exit status: 0 when every statement succeeded, 1 when a statement failed, 2 for bad usage.
            """,
        version: BylineVersion.current
    )

    // Unconditional, so statements that start with "-" are still statements.
    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("Run STATEMENTS and exit.", valueName: "STATEMENTS"))
    var command: String?

    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "After a failed statement, run the rest (the exit status is still 1).")
    var keepGoing = false

    @Argument(help: ArgumentHelp("Script files to run in order.", valueName: "FILE"))
    var files: [String] = []

    mutating func validate() throws {
        if command != nil && !files.isEmpty {
            throw ValidationError("give either -c STATEMENTS or script files, not both")
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// Runs byline and returns its exit status.
func runByline(_ options: BylineCommand) -> Int32 {
    if let error = ArticleDataset.loadError {
        StandardStream.error.write("byline: the built-in article dataset is damaged: \(error)\n")
        return ExitStatus.statementFailed
    }
    var settings = ShellSettings()
    settings.format = options.format
    settings.options.colour = environmentAllowsColour()
    let runner = ScriptRunner(
        session: Session(), settings: settings, output: StandardStream.output, errors: StandardStream.error)
    runner.keepGoing = options.keepGoing

    if let command = options.command {
        return status(runner.run(SourceFile(name: "<command>", text: command)))
    }
    if !options.files.isEmpty {
        // Every file must be readable before any runs, so a typo in the last name runs nothing.
        var sources: [SourceFile] = []
        for path in options.files {
            do {
                sources.append(try SourceReader.read(path: path))
            } catch {
                StandardStream.error.write(error.isUsageError ? "byline: \(error)\n" : "\(error)\n")
                return error.isUsageError ? ExitStatus.usage : ExitStatus.statementFailed
            }
        }
        var worst = ExitStatus.success
        for source in sources {
            switch runner.run(source) {
            case .success: continue
            case .quit: return worst
            case .failure:
                worst = ExitStatus.statementFailed
                if !options.keepGoing { return worst }
            }
        }
        return worst
    }
    if isatty(0) == 1 {
        return InteractiveShell(runner: runner).run()
    }
    do {
        return status(runner.run(try SourceReader.decode(readStandardInput(), name: "<stdin>")))
    } catch {
        StandardStream.error.write("\(error)\n")
        return ExitStatus.statementFailed
    }
}

func status(_ outcome: RunOutcome) -> Int32 {
    outcome == .failure ? ExitStatus.statementFailed : ExitStatus.success
}

/// Colour only when NO_COLOR is unset (each sink also checks it is a terminal).
func environmentAllowsColour() -> Bool {
    guard let value = getenv("NO_COLOR") else { return true }
    return String(cString: value).isEmpty
}

func readStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(0, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

// Usage errors exit 2 (ArgumentParser's default is 64); help and --version exit 0.
do {
    let options = try BylineCommand.parse()
    exit(runByline(options))
} catch {
    let code = BylineCommand.exitCode(for: error)
    if code == .success {
        StandardStream.output.write(BylineCommand.fullMessage(for: error) + "\n")
        exit(ExitStatus.success)
    }
    StandardStream.error.write("byline: " + BylineCommand.fullMessage(for: error).replacingFirstErrorPrefix() + "\n")
    exit(ExitStatus.usage)
}

extension String {
    /// ArgumentParser starts messages with "Error: "; ours say "byline: ".
    func replacingFirstErrorPrefix() -> String {
        hasPrefix("Error: ") ? String(dropFirst(7)) : self
    }
}
