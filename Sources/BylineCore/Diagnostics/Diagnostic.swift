// Diagnostics are values: what went wrong, where, and what to do about it.

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable {
    /// The script cannot run, or stopped.
    case error
    /// Worth knowing; the script still runs.
    case warning
    /// More about the diagnostic before it.
    case note
}

/// One problem found in a script or while running it.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    /// Error or warning.
    public var severity: Severity
    /// Which kind of problem this is, stable across releases.
    public var id: DiagnosticID
    /// A lowercase sentence without a final period, like swiftc's.
    public var message: String
    /// What the problem covers; rendered as a caret and tildes.
    public var span: SourceSpan?
    /// Extra facts that help, such as where an opening bracket was.
    public var notes: [String]
    /// What to do, such as "did you mean 'country'?".
    public var help: String?
    /// A place outside the script, such as `data.csv:3` for a bad row in a data file; shown
    /// instead of the script's `file:line:col`.
    public var location: String?

    /// Creates an error.
    public init(
        _ id: DiagnosticID, _ message: String, at span: SourceSpan?, notes: [String] = [], help: String? = nil
    ) {
        self.init(.error, id, message, at: span, notes: notes, help: help)
    }

    /// Creates a diagnostic of any severity.
    public init(
        _ severity: Severity, _ id: DiagnosticID, _ message: String, at span: SourceSpan?,
        notes: [String] = [], help: String? = nil
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.span = span
        self.notes = notes
        self.help = help
    }

    /// `line:col: error: message`, without the source line.
    public var description: String {
        let place = span.map { "\($0.start): " } ?? ""
        return "\(place)\(severity.rawValue): \(message)"
    }
}

/// A stable name for each kind of diagnostic, so tests and tools need not match on message text.
public enum DiagnosticID: String, Sendable, Hashable, CaseIterable {
    // Lexing
    /// A character that starts no token.
    case unexpectedCharacter
    /// A string with no closing quote.
    case unterminatedString
    /// A backslash escape the language does not know.
    case invalidEscape
    /// A number that cannot be read, or does not fit.
    case invalidNumber
    // Parsing
    /// A token the grammar needs here is missing.
    case expectedToken
    /// An expression is needed here.
    case expectedExpression
    /// A bracket opened and never closed.
    case unclosedBracket
    /// A token the grammar does not allow here.
    case unexpectedToken
    /// Brackets or definitions nested deeper than the parser allows.
    case nestingTooDeep
    // Checking
    /// A name that is no table, `let` result or definition.
    case unknownTable
    /// A name that is no field of the rows at that point.
    case unknownField
    /// A value of the wrong type for an operator, function or clause.
    case typeMismatch
    /// An argument the function or clause cannot take.
    case invalidArgument
    /// A name given twice where it must be unique.
    case duplicateName
    /// A call of a function no catalogue has.
    case unknownFunction
    /// A `$name` the query uses that was given no value.
    case missingParameter
    // Data files
    /// A file that could not be read as a table.
    case loadFailure
    /// A file outside what the session's ``FileAccess`` allows.
    case fileAccessDenied
    /// A file that could not be written.
    case saveFailure
    // Databases
    /// An error from the open database.
    case databaseFailure
    /// A query the open database cannot run.
    case unsupportedInDatabase
    // Running
    /// An error while rows were computed (an overflow, a function's own error).
    case runtimeFailure
    /// An `assert` whose two sides differ.
    case assertionFailed
    /// A query past the session's ``QueryLimits``.
    case limitExceeded
    /// A query stopped by its ``CancellationFlag`` or its task's cancellation.
    case cancelled
    /// A dot-command that does not exist.
    case unknownCommand
    /// A known dot-command given arguments it does not take.
    case invalidCommandArgument
}

/// Several diagnostics at once; what the library throws when a script fails to check or run.
public struct BylineError: Error, Sendable, CustomStringConvertible {
    /// Every diagnostic found, in source order.
    public var diagnostics: [Diagnostic]
    /// The text the diagnostics point into.
    public var source: SourceFile?

    /// Wraps diagnostics with the source they refer to.
    public init(_ diagnostics: [Diagnostic], source: SourceFile?) {
        self.diagnostics = diagnostics
        self.source = source
    }

    /// The diagnostics rendered without colour.
    public var description: String {
        DiagnosticRenderer(colour: false).render(diagnostics, in: source)
    }
}

#if canImport(Foundation)
    import Foundation

    extension BylineError: LocalizedError {
        /// The rendered diagnostics, as `localizedDescription` shows them.
        public var errorDescription: String? { description }
    }
#endif
