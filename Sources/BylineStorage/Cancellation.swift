// A flag another thread (or a signal handler's poller) sets to stop a running query.
import BylineCore
import Synchronization

/// Set it to stop a running query; the engine checks it between blocks of rows.
///
/// The one who may stop a query is the one who waits for it, so the flag also carries back how
/// far the query has got (`progress`), which the engine updates as it checks the flag.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// How far the running statement has got (the shell's progress line reads it).
    public let progress = RunProgress()

    /// Creates a flag that is not set.
    public init() {}

    /// Asks the running query to stop.
    public func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    /// Clears the flag, and the progress, before the next query.
    public func reset() {
        flag.store(false, ordering: .relaxed)
        progress.reset()
    }

    /// Whether cancellation was asked for.
    public var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
