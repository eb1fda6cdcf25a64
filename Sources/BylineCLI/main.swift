// byline: the command-line entry point. Parses arguments, picks the input, maps outcomes to exit codes;
// each command is a file of its own (RunCommand, TestCommand, CompileCommand).
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
if let document = GeneratedDocument(arguments: Array(CommandLine.arguments.dropFirst())) {
    StandardStream.output.write(document.text)
    exit(ExitStatus.success)
}
switch parseOrExit() {
case let test as TestCommand: exit(test.execute())
case let run as RunCommand: exit(run.execute())
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
