// Bounds: what a host may set for the queries it runs, and the fixed limits every stage checks.
import Foundation

/// Bounds on one query, for hosts that run queries they did not write.
public struct QueryLimits: Sendable, Equatable {
    /// The most rows a result may have; a larger one is an error, not a truncation.
    public var maximumRows: Int?
    /// The longest a query may run before it stops with an error.
    public var timeout: Duration?
    /// The most pairs of rows a join may consider (without an equality) or produce (with one).
    public var maximumJoinPairs = 50_000_000
    /// How many threads a query may use (filters, joins, aggregation and dictionary work run in
    /// ranges of rows at once); answers and errors are the same for any number. Starts at the
    /// number of cores this process may run on.
    public var threads = QueryLimits.processorCount
    /// Fewest rows a thread takes on; smaller steps run on one thread (tests lower it to split
    /// small tables).
    public var minimumRowsPerThread = 65_536

    /// The most threads a query may be given.
    public static let maximumThreads = 256

    /// The cores this process may run on (its CPU affinity), at least 1.
    public static let processorCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// No limits.
    public init(maximumRows: Int? = nil, timeout: Duration? = nil) {
        self.maximumRows = maximumRows
        self.timeout = timeout
    }
}

/// Limits of the language itself, shared by the stages that enforce them.
package enum Limits {
    /// How many fields a table or result may have (select items, file headers, JSON keys).
    package static let maximumFields = 4096
}
