// What a database driver reports when a statement fails.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// What went wrong in the database, in its own words, with what to do.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var help: String?
    /// Whether the cancellation flag stopped the statement (rather than the database failing).
    public var isCancellation = false

    public init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }

    /// The statement was stopped by the cancellation flag (Ctrl-C).
    public static var cancelled: DatabaseError {
        var error = DatabaseError("cancelled")
        error.isCancellation = true
        return error
    }

    public var description: String { message }
}
