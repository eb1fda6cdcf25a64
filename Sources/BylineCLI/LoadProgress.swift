// The progress of a long --data load, on standard error.
import BylineShell

#if canImport(Glibc)
    import Glibc
#endif

/// Shows `loading FILE… 42%` on standard error for loads that take more than a second.
///
/// `@unchecked Sendable` because the session's `loadProgress` must be a `@Sendable` closure, but
/// a load reports from the one thread that runs it, one call after another, so its state is never
/// touched by two threads at once.
final class LoadProgress: @unchecked Sendable {
    private var path = ""
    private var started = ContinuousClock.now
    private var shown = false
    private let plain = getenv("TERM").map { String(cString: $0) } == "dumb"

    func report(_ path: String, _ fraction: Double) {
        if path != self.path {
            self.path = path
            started = .now
            shown = false
        }
        guard shown || ContinuousClock.now - started > .seconds(1) else { return }
        shown = fraction < 1
        let line = "loading \(path)… \(Int(fraction * 100))%"
        // A terminal that draws escape codes as text (TERM=dumb) is cleared with spaces.
        let erase = plain ? "\r" + String(repeating: " ", count: line.count) + "\r" : "\r\u{1B}[K"
        StandardStream.error.write(fraction >= 1 ? erase : "\r" + line)
    }
}
