// The shell's part of the catalogue of messages (the library's is Byline/Diagnostics/
// DiagnosticMessages.swift): what dot-commands and script files say when they cannot do what was
// asked. Same style: a lowercase sentence without a final period; help says what to do.

import Byline

extension DiagnosticMessage {
    static let seeHelp = "type .help to list the commands"

    static func unknownCommand(_ word: String) -> Self {
        Self(.unknownCommand, "unknown command '.\(word)'", help: seeHelp)
    }

    static func ambiguousCommand(_ word: String, candidates: [String]) -> Self {
        Self(.unknownCommand, "'.\(word)' could mean \(candidates.joined(separator: ", "))", help: "type more of the name")
    }

    static func noHelp(_ topic: String) -> Self {
        Self(.unknownCommand, "no help for '\(topic)'", help: seeHelp)
    }

    /// A command given arguments it does not take: `takes` says what it does take.
    static func commandTakes(_ command: String, _ takes: String, help: String? = nil) -> Self {
        Self(.invalidCommandArgument, ".\(command) \(takes)", help: help)
    }

    static func unknownMode(_ name: String, modes: [String]) -> Self {
        Self(.invalidCommandArgument, "unknown output mode '\(name)'", help: "modes: " + modes.joined(separator: ", "))
    }

    static let parameterUsage = Self(
        .invalidCommandArgument, "usage: .param set NAME VALUE, .param unset NAME, .param list or .param clear",
        help: "VALUE is read as JSON (5, true, \"text\", [1, 2]) or else taken as text")

    static func cannotWrite(_ path: String, reason: String) -> Self {
        Self(.saveFailure, "cannot write '\(path)': \(reason)", help: "nothing was written; choose a folder that exists and that you may write")
    }

    /// Writing a result failed part-way (a full disk, `ulimit -f`): what was written is cut short.
    static func outputFailed(_ target: String, reason: String) -> Self {
        Self(.saveFailure, "cannot write the result to \(target): \(reason)", help: "the output is incomplete; free space or raise the limit, then run the statement again")
    }

    static func cannotImport(_ path: String, reason: String) -> Self {
        Self(.loadFailure, "cannot import '\(path)': \(reason)", help: "nothing was imported")
    }

    static let noDatabaseToImportInto = Self(
        .databaseFailure, "no database is open to import into", help: "open one first: .open postgresql://… or .open FILE.sqlite")

    static let noDatabaseToClose = Self(.databaseFailure, "no database is open")

    static func cannotOpen(_ reason: String, help: String?) -> Self { Self(.databaseFailure, reason, help: help) }

    static func assertionFailed(_ detail: String) -> Self { Self(.assertionFailed, "assertion failed: \(detail)") }

    static func readTooDeep(maximum: Int) -> Self {
        Self(.invalidArgument, "'.read' nests more than \(maximum) files deep", help: "does a file read itself?")
    }

    static func cannotRead(_ reason: String) -> Self { Self(.invalidArgument, reason) }
}
