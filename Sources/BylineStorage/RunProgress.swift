// How far a running statement has got, for a shell that shows it: the step of its plan, and the
// rows that step has gone through where the step counts them. The engine's threads write it; a
// timer on another thread reads it now and then.
import Synchronization

/// How far a running statement has got: which step of its plan, and, for a step that goes through
/// its rows in blocks, how many of them it has done. Written by the engine as it works, from any
/// of its threads; read by whoever waits for the answer (the shell's progress line).
public final class RunProgress: Sendable {
    /// The step under way; `rows` is nil until the step says how many rows it goes through.
    private let step = Mutex((number: 0, of: 0, name: "", rows: Int?.none))
    /// Rows of the current step done so far, added to by every thread of a parallel step.
    private let done = Atomic<Int>(0)

    /// What the progress line shows.
    public struct Snapshot: Equatable, Sendable {
        /// The step under way, from 1.
        public let step: Int
        /// How many steps the plan has.
        public let steps: Int
        /// The step as `explain` names it: `filter value > 3`, `sort by value desc`.
        public let name: String
        /// The share of the step's rows done, 0…1; nil when the step does not count them.
        public let fraction: Double?

        /// A snapshot as the meter gives it (tests and other shells make their own).
        public init(step: Int, steps: Int, name: String, fraction: Double?) {
            self.step = step
            self.steps = steps
            self.name = name
            self.fraction = fraction
        }
    }

    /// Creates a meter with no step under way.
    public init() {}

    /// Nothing under way (before the next statement).
    public func reset() {
        step.withLock { $0 = (0, 0, "", nil) }
        done.store(0, ordering: .relaxed)
    }

    /// Step `number` of `steps` has started; it counts nothing until `expect(rows:)`.
    package func begin(step number: Int, of steps: Int, name: String) {
        step.withLock { $0 = (number, steps, name, nil) }
        done.store(0, ordering: .relaxed)
    }

    /// The current step goes through `rows` rows, counted with `advance(_:)`.
    package func expect(rows: Int) {
        done.store(0, ordering: .relaxed)
        step.withLock { $0.rows = max(0, rows) }
    }

    /// The rest of the current step is not counted (a spinner, not a percentage stuck at 100).
    package func stopCounting() {
        step.withLock { $0.rows = nil }
    }

    /// `rows` more rows of the current step are done.
    package func advance(_ rows: Int) {
        done.wrappingAdd(rows, ordering: .relaxed)
    }

    /// The step under way and how far it has got; nil when no step has started.
    public var snapshot: Snapshot? {
        let current = step.withLock { $0 }
        guard current.number > 0 else { return nil }
        let fraction = current.rows.map { rows in rows == 0 ? 1 : min(1, max(0, Double(done.load(ordering: .relaxed)) / Double(rows))) }
        return Snapshot(step: current.number, steps: current.of, name: current.name, fraction: fraction)
    }
}
