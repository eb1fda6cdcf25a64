// Per-run state the compiled closures share: the first runtime error and the cancellation flag.

/// Collects the first runtime error of a run. Closures return null after recording one, and the
/// executor checks between blocks, so the hot path carries no `throws`.
final class EvaluationContext {
    private(set) var failure: String?
    /// Where the first runtime error was raised, when the expression that raised it is known.
    private(set) var failurePlace: SourceSpan?
    /// What to do about the first runtime error.
    private(set) var failureHelp: String?
    let cancellation: CancellationFlag?
    /// When the run must stop, from the session's time limit.
    let deadline: ContinuousClock.Instant?
    let limits: QueryLimits

    init(cancellation: CancellationFlag?, limits: QueryLimits = QueryLimits()) {
        self.cancellation = cancellation
        self.limits = limits
        self.deadline = limits.timeout.map { ContinuousClock.now + $0 }
    }

    /// Whether the time limit has passed.
    var isPastDeadline: Bool {
        guard let deadline else { return false }
        return ContinuousClock.now >= deadline
    }

    /// Records a runtime error (the first one wins).
    func fail(_ error: EvaluationError) {
        guard failure == nil else { return }
        failure = error.message
        failureHelp = error.help
    }

    /// Records an error raised by the expression written at `place`.
    func fail(_ error: EvaluationError, at place: Place) {
        guard failure == nil else { return }
        failure = error.message
        failurePlace = place.span
        failureHelp = error.help
    }

    /// Whether the run should stop: an error happened or cancellation was asked for.
    var shouldStop: Bool {
        failure != nil || (cancellation?.isCancelled ?? false)
    }
}
