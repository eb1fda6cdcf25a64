// Reading the scripts a command names, standard input, and the exit status a run ends with.
import Byline
import BylineShell
#if canImport(Glibc)
    import Glibc
#endif

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
