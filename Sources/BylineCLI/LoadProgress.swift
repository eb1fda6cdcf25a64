// The progress of a long --data load, on standard error.
import BylineShell

/// Shows `loading FILE… 42%` on standard error for loads that take more than a second.
///
/// `@unchecked Sendable` because the session's `loadProgress` must be a `@Sendable` closure, but
/// a load reports from the one thread that runs it, one call after another, so its state is never
/// touched by two threads at once.
final class LoadProgress: @unchecked Sendable {
    private var path = ""
    private var started = ContinuousClock.now
    private var shown = false

    func report(_ path: String, _ fraction: Double) {
        if path != self.path {
            self.path = path
            started = .now
            shown = false
        }
        guard shown || ContinuousClock.now - started > .seconds(1) else { return }
        shown = fraction < 1
        StandardStream.error.write(fraction >= 1 ? "\r\u{1B}[K" : "\rloading \(path)… \(Int(fraction * 100))%")
    }
}
