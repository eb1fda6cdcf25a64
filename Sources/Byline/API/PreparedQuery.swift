// A query checked once and run many times.

/// A query checked once by `Session.prepare`, to run as often as needed.
///
/// It belongs to its session and, like the session, is used from one thread at a time.
public struct PreparedQuery {
    let session: Session
    let script: CheckedScript
    let statement: CheckedStatement

    /// The fields every run's result has.
    public var fields: [Field] { statement.resultFields }

    /// Runs the query over the session's tables as they are now.
    public func run(cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        switch try session.execute(statement, in: script, cancellation: cancellation) {
        case .rows(let result): return result
        default: return ResultSet(fields: fields, rows: [])
        }
    }
}
