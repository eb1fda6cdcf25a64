// A statement that runs for a while says that it is working: after a delay (2 s) one line on the
// terminal shows the step of the plan under way, its percentage where the step counts its rows
// (else a spinner), and the time so far; it is redrawn four times a second and erased before the
// result. Only in the interactive shell at a terminal, never in a pipe, a file, a script or -c
// (the shell decides by giving the runner a writer).
import Byline
import Dispatch
import Synchronization

/// Shows `working… 42% [████      ] step 2 of 3: filter … · 5 s` while a statement runs past a delay.
final class ProgressTicker {
    private let shared: Shared
    private let timer: DispatchSourceTimer

    /// What the timer's handler (on another thread) and `stop()` share.
    private final class Shared: Sendable {
        let write: @Sendable (String) -> Void
        let style: Style
        /// Whether the line was drawn, how many cells it took, and how many times.
        let state = Mutex((stopped: false, cells: 0, frames: 0))
        init(write: @escaping @Sendable (String) -> Void, style: Style) {
            self.write = write
            self.style = style
        }

        /// Erases the line: erase-to-end where the terminal knows escape codes, else spaces.
        func erase(cells: Int) -> String {
            style.plain ? "\r" + String(repeating: " ", count: cells) + "\r" : "\r\u{1B}[K"
        }
    }

    /// How the line is drawn: its width, and whether the terminal draws only plain text
    /// (`TERM=dumb`: no escape codes, an ASCII bar).
    struct Style: Sendable {
        var columns: Int?
        var plain = false
    }

    /// Starts counting; nothing is written before `delay`. Call `stop()` before writing results.
    init(
        delay: Duration, every interval: Duration = .milliseconds(250), progress: RunProgress?, style: Style = Style(),
        write: @escaping @Sendable (String) -> Void
    ) {
        let shared = Shared(write: write, style: style)
        self.shared = shared
        // A queue of its own, not the global one: the engine's threads (concurrentPerform) fill
        // Dispatch's global pool, one per core, and a timer there waits for whole parallel steps
        // (a 0.3 s timer fired at 3.0 s beside two 3-second parallel loops on 2 cores).
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "byline.progress"))
        let start = ContinuousClock.now
        timer.schedule(deadline: .now() + Self.interval(delay), repeating: Self.interval(interval))
        timer.setEventHandler {
            shared.state.withLock { current in
                guard !current.stopped else { return }
                let seconds = Int((ContinuousClock.now - start).components.seconds)
                let text = Self.line(seconds: seconds, progress: progress?.snapshot, frame: current.frames, style: shared.style)
                let cells = TerminalCells.width(of: text)
                // The same line is rewritten: from its start, then whatever the longer last one left.
                shared.write(shared.style.plain ? "\r" + text + String(repeating: " ", count: max(0, current.cells - cells)) : "\r" + text + "\u{1B}[K")
                current.cells = max(current.cells, cells)
                current.frames += 1
            }
        }
        timer.resume()
    }

    /// Stops the ticker and erases its line, if it drew one. Safe to call more than once.
    func stop() {
        shared.state.withLock { current in
            guard !current.stopped else { return }
            current.stopped = true
            if current.frames > 0 { shared.write(shared.erase(cells: current.cells)) }
        }
        timer.cancel()
    }

    deinit { stop() }

    /// The line shown after `seconds`: a percentage and bar when the step counts its rows, else a
    /// spinner (`frame` turns it); the step; the time. Cut to the terminal's width: the note on
    /// Ctrl-C goes first, then the bar, then the step's name is shortened.
    static func line(seconds: Int, progress: RunProgress.Snapshot?, frame: Int, style: Style) -> String {
        let spinner = ["|", "/", "-", "\\"][frame % 4]
        var gauge = spinner
        var bar = ""
        if let fraction = progress?.fraction {
            let percent = Int(fraction * 100)
            gauge = (percent < 10 ? " " : "") + "\(percent)%"
            let width = 10
            let filled = min(width, Int(fraction * Double(width)))
            bar = " [" + String(repeating: style.plain ? "#" : "█", count: filled) + String(repeating: style.plain ? "." : " ", count: width - filled) + "]"
        }
        var step = ""
        if let progress {
            step = progress.steps > 1 ? "step \(progress.step) of \(progress.steps): \(progress.name)" : progress.name
        }
        let time = "\(seconds) s"
        let note = " (Ctrl-C stops)"
        func assemble(_ bar: String, _ step: String, _ note: String) -> String {
            "working… " + gauge + bar + (step.isEmpty ? " " : " " + step + " · ") + time + note
        }
        // One cell short of the width: a line that fills the last column wraps on some terminals.
        guard let columns = style.columns, columns > 1 else { return assemble(bar, step, note) }
        let room = columns - 1
        for text in [assemble(bar, step, note), assemble(bar, step, ""), assemble("", step, "")] where TerminalCells.width(of: text) <= room {
            return text
        }
        // The step's name shortened with …, down to a few cells.
        let others = TerminalCells.width(of: assemble("", "", "")) + 3
        let text = assemble("", step.isEmpty ? "" : cut(step, to: max(8, room - others)), "")
        return TerminalCells.width(of: text) <= room ? text : cut(assemble("", "", ""), to: room)
    }

    /// `text` in at most `cells` cells, ending in … when cut.
    static func cut(_ text: String, to cells: Int) -> String {
        guard TerminalCells.width(of: text) > cells else { return text }
        var result = ""
        var used = 0
        for character in text {
            let width = TerminalCells.width(of: character)
            if used + width > cells - 1 { break }
            result.append(character)
            used += width
        }
        return result + "…"
    }

    private static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .milliseconds(max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)))
    }
}
