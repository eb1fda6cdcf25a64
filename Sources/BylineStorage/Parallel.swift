// Every core: a step's rows split into contiguous ranges of whole blocks, one per thread, run at
// once on Dispatch's bounded pool and put back together in range order. Each range has its own
// compiled closures and its own EvaluationContext, so its blocks run exactly as on one thread;
// the first runtime error reported is the earliest range's, which is the one a single thread
// meets first. Results are therefore identical for any number of threads.
import BylineCore
import Dispatch
import Synchronization

/// How a step is split across threads.
package struct Parallel {
    /// How many rows are processed between checks of the cancellation flag, and the unit ranges
    /// are made of.
    package static let blockSize = 4096
    package let threads: Int
    /// Fewest rows worth a thread of their own.
    package let minimumRows: Int

    package init(_ limits: QueryLimits) {
        threads = max(1, limits.threads)
        minimumRows = max(Parallel.blockSize, limits.minimumRowsPerThread)
    }

    /// `0..<count` as at most `threads` contiguous ranges whose bounds fall between blocks.
    package func ranges(of count: Int) -> [Range<Int>] {
        let blocks = (count + Parallel.blockSize - 1) / Parallel.blockSize
        let parts = max(1, min(threads, count / minimumRows, blocks))
        guard parts > 1 else { return [0..<count] }
        return (0..<parts).map { part in
            let low = blocks * part / parts * Parallel.blockSize
            let high = min(count, blocks * (part + 1) / parts * Parallel.blockSize)
            return low..<high
        }
    }

    /// `body(part)` for every part, on `workers` threads at once (each takes every
    /// `workers`-th part, in order), the results in part order.
    package static func run<Result>(_ parts: Int, workers: Int? = nil, _ body: (Int) -> Result) -> [Result] {
        let workers = max(1, min(workers ?? parts, parts))
        guard workers > 1 else { return (0..<parts).map(body) }
        return withoutActuallyEscaping(body) { body in
            let slots = Slots<Result>(parts, body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for part in stride(from: worker, to: parts, by: workers) { slots.fill(part) }
            }
            return slots.results()
        }
    }

    /// One result slot per part, each written by one thread only, read after all have finished
    /// (concurrentPerform returns after every iteration). That discipline, not the compiler,
    /// makes it safe to share, hence `@unchecked`.
    private final class Slots<Result>: @unchecked Sendable {
        /// Raw memory rather than an array property: threads writing their own elements of an
        /// array property would each be a modifying access to the whole property.
        private let values: UnsafeMutableBufferPointer<Result?>
        private let body: (Int) -> Result

        init(_ count: Int, _ body: @escaping (Int) -> Result) {
            values = .allocate(capacity: count)
            values.initialize(repeating: nil)
            self.body = body
        }

        deinit {
            values.deinitialize()
            values.deallocate()
        }

        func fill(_ part: Int) { values[part] = body(part) }

        func results() -> [Result] { values.compactMap { $0 } }
    }
}

/// Holds a value until it is taken, once: how a value made on one thread reaches the one that
/// fills it without a second reference (which would make its first change a copy).
package final class Handover<Value>: @unchecked Sendable {
    private var value: Value?
    package init(_ value: Value) { self.value = value }

    /// The value, leaving nothing behind (each handover is taken by one thread).
    package func take() -> Value? {
        defer { value = nil }
        return value
    }
}

/// Lets the ranges of a parallel step give up once an earlier range has failed: that failure is
/// the one reported, so later ranges' work is wasted.
package final class PartStop: Sendable {
    private let earliestFailed = Atomic<Int>(Int.max)

    package init() {}

    package func failed(_ part: Int) { _ = earliestFailed.min(part, ordering: .relaxed) }

    package func isAbandoned(_ part: Int) -> Bool { earliestFailed.load(ordering: .relaxed) < part }
}
