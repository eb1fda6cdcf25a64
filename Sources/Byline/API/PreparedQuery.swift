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

    /// The query's text, to check again with other parameters.
    var text: String { script.source.text }

    /// Runs the query with `$name` parameters bound to these values; each run is checked with
    /// its values, so a value of the wrong type is an error with its place.
    public func run(parameters: [String: Value], cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        try session.withParameters(parameters) { () throws(BylineError) in
            try session.prepare(text).run(cancellation: cancellation)
        }
    }

    /// Runs the query over the session's tables as they are now.
    public func run(cancellation: CancellationFlag? = nil) throws(BylineError) -> ResultSet {
        switch try session.execute(statement, in: script, cancellation: cancellation) {
        case .rows(let result): return result
        default: return ResultSet(fields: fields, rows: [])
        }
    }
}
