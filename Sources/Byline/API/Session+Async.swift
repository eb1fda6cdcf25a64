// The asynchronous API: the engine runs on a thread of its own while the calling task suspends,
// and cancelling the task stops the query.
import Foundation

extension Session {
    /// Checks and runs a script without blocking the calling task's thread: the engine runs on a
    /// thread of its own (never one of Swift's cooperative pool) while the task suspends.
    /// Cancelling the task stops the query within one block of rows, with the diagnostic
    /// `cancelled`. Calls on one session run one at a time, in turn.
    ///
    /// From synchronous code, or to run on the current thread, use ``runSync(_:parameters:name:cancellation:)``.
    @discardableResult
    public func run(
        _ text: String, parameters: [String: any ValueConvertible] = [:], name: String = "<input>"
    ) async throws(BylineError) -> [ResultSet] {
        let parameters = bylineValues(parameters)
        return try await inBackground { flag throws(BylineError) in
            try self.withParameters(parameters) { () throws(BylineError) in
                try self.run(text, name: name, cancellation: flag)
            }
        }
    }

    /// Checks and runs a script on the current thread, returning each query's rows; the same as
    /// the synchronous `run`, under a name that async code can call too (where `run` means the
    /// `async` one). Calling ``CancellationFlag/cancel()`` on `cancellation` from another thread
    /// stops the query within one block of rows, with the diagnostic `cancelled`.
    @discardableResult
    public func runSync(
        _ text: String, parameters: [String: any ValueConvertible] = [:], name: String = "<input>",
        cancellation: CancellationFlag? = nil
    ) throws(BylineError) -> [ResultSet] {
        try withParameters(bylineValues(parameters)) { () throws(BylineError) in
            try run(text, name: name, cancellation: cancellation)
        }
    }

    /// Runs `work` on a new thread while the calling task suspends; cancelling the task sets the
    /// flag `work` is given.
    func inBackground<T: Sendable>(
        _ work: @escaping @Sendable (CancellationFlag) throws(BylineError) -> T
    ) async throws(BylineError) -> T {
        let flag = CancellationFlag()
        let outcome: Result<T, BylineError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    Thread.current.threadDictionary[Session.backgroundThreadKey] = true
                    continuation.resume(returning: Result { () throws(BylineError) -> T in
                        if flag.isCancelled { throw BylineError([Diagnostic(.cancelled, at: nil)], source: nil) }
                        return try work(flag)
                    })
                }
                // As much stack as the main thread: checking nests as deeply as the query does.
                thread.stackSize = Session.backgroundStackSize
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
        return try outcome.get()
    }

    /// The stack of a thread that runs a query for an `async` call.
    static let backgroundStackSize = 8 << 20
    /// Marks, in its thread dictionary, a thread that runs a query for an `async` call.
    static let backgroundThreadKey = "Byline.query"
}
