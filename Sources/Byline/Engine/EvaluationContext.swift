// Per-run state the compiled closures share: the first runtime error and the cancellation flag.

/// Collects the first runtime error of a run. Closures return null after recording one, and the
/// executor checks between blocks, so the hot path carries no `throws`.
final class EvaluationContext {
    private(set) var failure: String?
    let cancellation: CancellationFlag?

    init(cancellation: CancellationFlag?) {
        self.cancellation = cancellation
    }

    /// Records a runtime error (the first one wins).
    func fail(_ message: String) {
        if failure == nil { failure = message }
    }

    /// Whether the run should stop: an error happened or cancellation was asked for.
    var shouldStop: Bool {
        failure != nil || (cancellation?.isCancelled ?? false)
    }
}
