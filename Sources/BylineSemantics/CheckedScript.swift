// A script after checking: what the session runs, statement by statement.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// A script after checking: the statements that can run, and every diagnostic found.
package struct CheckedScript: Sendable {
    /// The text that was checked.
    public let source: SourceFile
    /// Statements that checked cleanly, in source order.
    public let statements: [CheckedStatement]
    /// Errors and warnings, in source order.
    public let diagnostics: [Diagnostic]
    /// Whether the text stopped in the middle of a statement (the shell then reads another line).
    public let isIncomplete: Bool
    /// Slot parameters whose values the check used (see `Binder.bakedParameters`).
    package var bakedParameters: Set<String> = []

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// One statement that checked cleanly and can be run.
package struct CheckedStatement: Sendable {
    /// What the statement does.
    public enum Kind: Sendable, Equatable {
        case query
        case binding(String)
        /// `def NAME(...) = QUERY`
        case definition(String)
        /// `explain QUERY`
        case explain
        /// `explain analyze QUERY`
        case explainAnalyze
        /// `load "FILE" [as NAME]`, with the table's name
        case load(String)
        /// `assert (QUERY) OP VALUE`
        case assertion
        /// A dot-command line, for the caller to handle.
        case command(String)
    }

    /// What the statement does.
    public let kind: Kind
    package let plan: QueryPlan?
    /// Where the statement was written.
    public let span: SourceSpan
    /// What only some statements carry, kept out of line: a script of a million queries should
    /// not pay for the room a `def`, a `load` or an `assert` needs.
    private final class Extras: Sendable {
        let definition: Definition?
        let loaded: Table?
        let assertion: AssertionCheck?

        init(definition: Definition?, loaded: Table?, assertion: AssertionCheck?) {
            self.definition = definition
            self.loaded = loaded
            self.assertion = assertion
        }
    }

    private let extras: Extras?

    /// The saved query a `def` statement defines.
    package var definition: Definition? { extras?.definition }
    /// The table a `load` statement read (files are read when checked, to know their fields).
    package var loaded: Table? { extras?.loaded }
    /// What an `assert` statement checks.
    package var assertion: AssertionCheck? { extras?.assertion }

    package init(
        kind: Kind, plan: QueryPlan?, span: SourceSpan, definition: Definition? = nil, loaded: Table? = nil,
        assertion: AssertionCheck? = nil
    ) {
        self.kind = kind
        self.plan = plan
        self.span = span
        extras = definition == nil && loaded == nil && assertion == nil
            ? nil : Extras(definition: definition, loaded: loaded, assertion: assertion)
    }

    /// The fields the statement's result will have (empty for commands).
    public var resultFields: [Field] { plan?.resultSchema.fields ?? [] }
}
