// What a database driver reports when a statement fails: its kind (what Byline acts on), the
// database's own code (SQLite's extended result code, PostgreSQL's SQLSTATE), its message, and the
// statement that failed — as GRDB's DatabaseError carries them. Callers act on `kind`, never on
// the words of the message.

import BylineCore

/// What went wrong in the database, in its own words, with what to do.
package struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is, for callers that act on it.
    public enum Kind: Sendable, Equatable {
        /// The database refused or failed the statement.
        case failed
        /// An integer left the 64-bit range (Byline's own rule, kept in the database).
        case integerOverflow
        /// The cancellation flag stopped the statement (Ctrl-C).
        case cancelled
        /// The database could not be opened or reached.
        case connection
    }

    /// What is wrong, in the database's words (with Byline's where they help).
    public var message: String
    /// What to do about it.
    public var help: String?
    /// What kind of failure it is.
    public var kind: Kind
    /// SQLite's extended result code (`SQLITE_CONSTRAINT_UNIQUE` is 2067), when SQLite reported it.
    public var resultCode: Int32?
    /// PostgreSQL's SQLSTATE (`22003` numeric value out of range), when the server reported one.
    public var sqlState: String?
    /// The SQL statement that failed, when one did.
    public var statement: String?

    /// A failure of `kind`, with the database's codes when it gave any.
    public init(
        _ message: String, help: String? = nil, kind: Kind = .failed, resultCode: Int32? = nil, sqlState: String? = nil,
        statement: String? = nil
    ) {
        self.message = message
        self.help = help
        self.kind = kind
        self.resultCode = resultCode
        self.sqlState = sqlState
        self.statement = statement
    }

    /// Whether the cancellation flag stopped the statement (rather than the database failing).
    public var isCancellation: Bool { kind == .cancelled }

    /// The statement was stopped by the cancellation flag (Ctrl-C).
    public static var cancelled: DatabaseError { DatabaseError("cancelled", kind: .cancelled) }

    /// An integer overflow, in Byline's words, with the help its own engine gives.
    public static func integerOverflow(_ message: String, resultCode: Int32? = nil, sqlState: String? = nil) -> DatabaseError {
        DatabaseError(
            message, help: "integers range from \(Int.min) to \(Int.max); multiply by 1.0 to compute with floats",
            kind: .integerOverflow, resultCode: resultCode, sqlState: sqlState)
    }

    public var description: String { message }
}
