// What running one statement gives back.

/// What running a statement produced.
package enum StatementResult: Sendable {
    /// A query's rows.
    case rows(ResultSet)
    /// A query's rows, handed over part by part as the database sent them (see
    /// `Session.execute(_:in:cancellation:parts:)`); `rowCount` rows in all.
    case streamed(rowCount: Int)
    /// A `let` stored a result under a name.
    case bound(name: String, rowCount: Int)
    /// A `def` saved a query under a name.
    case defined(name: String)
    /// A `load` read a file into a table.
    case loaded(name: String, rowCount: Int)
    /// A query ending in `save` wrote its rows to a file.
    case saved(path: String, rowCount: Int)
    /// A query ending in `save table` stored its rows as a table of the open database.
    case storedTable(name: String, rowCount: Int)
    /// An `assert` passed or failed.
    case assertion(AssertionOutcome)
    /// A dot-command for the caller to handle.
    case command(String)
}
