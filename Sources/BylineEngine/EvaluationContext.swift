// Per-run state the compiled closures share: the first runtime error and the cancellation flag.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// Collects the first runtime error of a run. Closures return null after recording one, and the
/// executor checks between blocks, so the hot path carries no `throws`.
package final class EvaluationContext {
    package private(set) var failure: String?
    /// Where the first runtime error was raised, when the expression that raised it is known.
    package private(set) var failurePlace: SourceSpan?
    /// What to do about the first runtime error.
    package private(set) var failureHelp: String?
    package let cancellation: CancellationFlag?
    /// When the run must stop, from the session's time limit.
    package let deadline: ContinuousClock.Instant?
    package let limits: QueryLimits
    /// The memory this run has built, shared by every range of its parallel steps.
    package let memory: MemoryBudget

    /// With `part`, this context runs one range of a parallel step: it gives up when an earlier
    /// range has failed.
    private let part: (number: Int, stop: PartStop)?

    /// `held`: the bytes the session's tables already take, counted against the memory limit.
    package init(cancellation: CancellationFlag?, limits: QueryLimits = QueryLimits(), held: Int = 0) {
        self.cancellation = cancellation
        self.limits = limits
        self.deadline = limits.timeout.map { ContinuousClock.now + $0 }
        memory = MemoryBudget(maximum: limits.maximumMemory, held: held)
        part = nil
    }

    private init(parent: EvaluationContext, part: Int, stop: PartStop) {
        cancellation = parent.cancellation
        limits = parent.limits
        deadline = parent.deadline
        memory = parent.memory
        self.part = (part, stop)
    }

    /// Where the run says how far it has got: the cancellation flag's meter, read by the one
    /// who waits (and may stop the run).
    package var progress: RunProgress? { cancellation?.progress }

    /// A context for range `part` of a parallel step: the same cancellation, deadline and limits.
    package func forPart(_ part: Int, of stop: PartStop) -> EvaluationContext {
        EvaluationContext(parent: self, part: part, stop: stop)
    }

    /// Whether an earlier range of this context's parallel step has failed.
    package var isAbandoned: Bool { part.map { $0.stop.isAbandoned($0.number) } ?? false }

    /// Clears a runtime error a parallel step will decide again in one pass.
    package func forgetFailure() {
        failure = nil
        failurePlace = nil
        failureHelp = nil
    }

    /// Takes a range's first runtime error as this context's (unless it has one).
    package func adopt(_ other: EvaluationContext) {
        guard failure == nil, let message = other.failure else { return }
        failure = message
        failurePlace = other.failurePlace
        failureHelp = other.failureHelp
    }

    /// Whether the time limit has passed.
    package var isPastDeadline: Bool {
        guard let deadline else { return false }
        return ContinuousClock.now >= deadline
    }

    /// Records a runtime error (the first one wins).
    package func fail(_ error: EvaluationError) {
        guard failure == nil else { return }
        failure = error.message
        failureHelp = error.help
    }

    /// Records an error raised by the expression written at `place`.
    package func fail(_ error: EvaluationError, at place: Place) {
        guard failure == nil else { return }
        failure = error.message
        failurePlace = place.span
        failureHelp = error.help
    }

    /// Charges `bytes` to the run's memory budget; past it, records the error naming `step` and
    /// returns false.
    @discardableResult
    package func charge(_ bytes: Int, for step: @autoclosure () -> String) -> Bool {
        if memory.charge(bytes) { return true }
        fail(.memoryLimit(maximum: memory.maximum, step: step(), held: memory.held))
        return false
    }

    /// Whether the run should stop: an error happened or cancellation was asked for.
    package var shouldStop: Bool {
        failure != nil || (cancellation?.isCancelled ?? false)
    }
}
