// `byline test FILE...`: scripts as tests, each in a fresh session, ending with the tally.
import ArgumentParser
import Byline
import BylineShell

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

extension TestCommand {
    /// Runs each test file in a fresh session and prints failures and the tally.
    func execute() -> Int32 {
        let read = readScripts(files)
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
        switch format {
        case .text:
            for failure in tally.failures { StandardStream.output.write(failure + "\n") }
            StandardStream.output.write(tally.summary + "\n")
        case .tap:
            StandardStream.output.write(tally.tap)
        }
        if let path = junit {
            do {
                try ResultWriter.writeAtomically(tally.junit, to: path)
            } catch {
                StandardStream.error.write("byline: cannot write '\(path)': \(error.reason)\n")
                return ExitStatus.statementFailed
            }
        }
        return tally.failed > 0 ? ExitStatus.statementFailed : ExitStatus.success
    }
}
