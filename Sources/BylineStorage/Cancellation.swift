// A flag another thread (or a signal handler's poller) sets to stop a running query.
import BylineCore
import Synchronization

/// Set it to stop a running query; the engine checks it between blocks of rows.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a flag that is not set.
    public init() {}

    /// Asks the running query to stop.
    public func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    /// Clears the flag before the next query.
    public func reset() {
        flag.store(false, ordering: .relaxed)
    }

    /// Whether cancellation was asked for.
    public var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
