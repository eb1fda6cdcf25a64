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

    static func noHelp(_ topic: String, guess: String? = nil) -> Self {
        Self(
            .unknownCommand, "no help for '\(topic)'",
            help: (guess.map { "did you mean '\($0)'? " } ?? "") + "help alone lists every topic")
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
        .databaseFailure, "no database is open to import into", help: "open one first: .open postgresql://…, .open sc://HOST:PORT (Spark) or .open FILE.sqlite")

    static let noDatabaseToClose = Self(.databaseFailure, "no database is open")

    static func cannotOpen(_ reason: String, help: String?) -> Self { Self(.databaseFailure, reason, help: help) }

    static func assertionFailed(_ detail: String) -> Self { Self(.assertionFailed, "assertion failed: \(detail)") }

    static func readTooDeep(maximum: Int) -> Self {
        Self(.invalidArgument, "'.read' nests more than \(maximum) files deep", help: "does a file read itself?")
    }

    static func cannotRead(_ reason: String) -> Self { Self(.invalidArgument, reason) }

    // MARK: - Refining and habits from SQL

    /// A clause line after a query that ended in `count`, which leaves only the field `count`.
    static func countEndedTheQuery(_ query: String) -> Self {
        Self(
            .unknownField, "'count' ended the last query, so only its field 'count' is left to refine",
            help: "to refine the rows, type the query again without count: \(String(query.dropLast(5)).trimmingTrailingSpaces()) …")
    }

    /// SQL's `select … from TABLE …`; `instead` is the same query in Byline, when it could be read.
    static func sqlSelectFrom(_ instead: String?) -> Self {
        Self(
            .unexpectedToken, "there is no 'select … from' in Byline: a query starts with its table, then its clauses in order",
            help: instead.map { "write: \($0)" } ?? "for example: leaders where country = \"Congo\" select name, title")
    }

    /// SQL's `select EXPR` without a table.
    static let sqlSelectWithoutTable = Self(
        .unexpectedToken, "a Byline query starts with a table, not with 'select'",
        help: "to compute a value, select it from one row: range(1) select 1 + 1 as answer")

    /// A psql backslash command; `instead` is Byline's, when there is one.
    static func psqlCommand(_ command: String, instead: String?) -> Self {
        Self(
            .unknownCommand, "'\(command)' is psql's; Byline's commands start with a dot",
            help: instead.map { "write: \($0)" } ?? seeHelp)
    }
}
