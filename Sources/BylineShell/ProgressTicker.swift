// A statement that runs for a while says that it is working: after a delay (2 s) a line on the
// terminal shows the time so far, rewritten each second and cleared when the statement ends.
// Only at a terminal, never in a pipe or a file (the script runner decides).
import Dispatch
import Synchronization

/// Shows `working… N s` on a terminal while a statement runs past a delay.
final class ProgressTicker {
    private let shared: Shared
    private let timer: DispatchSourceTimer

    /// What the timer's handler (on another thread) and `stop()` share.
    private final class Shared: Sendable {
        let write: @Sendable (String) -> Void
        let state = Mutex((stopped: false, shown: false))
        init(write: @escaping @Sendable (String) -> Void) { self.write = write }
    }

    /// Starts counting; nothing is written before `delay`. Call `stop()` before writing results.
    init(delay: Duration, every interval: Duration = .seconds(1), write: @escaping @Sendable (String) -> Void) {
        let shared = Shared(write: write)
        self.shared = shared
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let start = ContinuousClock.now
        timer.schedule(deadline: .now() + Self.interval(delay), repeating: Self.interval(interval))
        timer.setEventHandler {
            shared.state.withLock { current in
                guard !current.stopped else { return }
                let seconds = (ContinuousClock.now - start).components.seconds
                // \r and erase-line: the same line is rewritten, and cleared at the end.
                shared.write("\r\u{1B}[Kworking… \(seconds) s (Ctrl-C stops)")
                current.shown = true
            }
        }
        timer.resume()
    }

    /// Stops the ticker and clears its line, if it showed one. Safe to call more than once.
    func stop() {
        shared.state.withLock { current in
            guard !current.stopped else { return }
            current.stopped = true
            if current.shown { shared.write("\r\u{1B}[K") }
        }
        timer.cancel()
    }

    deinit { stop() }

    private static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .milliseconds(max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)))
    }
}
