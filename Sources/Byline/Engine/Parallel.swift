// Every core: a step's rows split into contiguous ranges of whole blocks, one per thread, run at
// once on Dispatch's bounded pool and put back together in range order. Each range has its own
// compiled closures and its own EvaluationContext, so its blocks run exactly as on one thread;
// the first runtime error reported is the earliest range's, which is the one a single thread
// meets first. Results are therefore identical for any number of threads.
import Dispatch
import Synchronization

/// How a step is split across threads.
struct Parallel {
    let threads: Int
    /// Fewest rows worth a thread of their own.
    let minimumRows: Int

    init(_ limits: QueryLimits) {
        threads = max(1, limits.threads)
        minimumRows = max(Executor.blockSize, limits.minimumRowsPerThread)
    }

    /// `0..<count` as at most `threads` contiguous ranges whose bounds fall between blocks.
    func ranges(of count: Int) -> [Range<Int>] {
        let blocks = (count + Executor.blockSize - 1) / Executor.blockSize
        let parts = max(1, min(threads, count / minimumRows, blocks))
        guard parts > 1 else { return [0..<count] }
        return (0..<parts).map { part in
            let low = blocks * part / parts * Executor.blockSize
            let high = min(count, blocks * (part + 1) / parts * Executor.blockSize)
            return low..<high
        }
    }

    /// `body(part)` for every part, on `workers` threads at once (each takes every
    /// `workers`-th part, in order), the results in part order.
    static func run<Result>(_ parts: Int, workers: Int? = nil, _ body: (Int) -> Result) -> [Result] {
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

    /// `transform` of every element, computed in ranges on every thread (for work per distinct
    /// string of a dictionary, done once and shared by the ranges of a step).
    static func map<Element, Mapped>(_ elements: [Element], threads: Int, _ transform: (Element) -> Mapped) -> [Mapped] {
        let parts = elements.count < 65_536 ? 1 : max(1, threads)
        guard parts > 1 else { return elements.map(transform) }
        let pieces = run(parts) { part in
            elements[(elements.count * part / parts)..<(elements.count * (part + 1) / parts)].map(transform)
        }
        return Array(pieces.joined())
    }
}

/// Holds a value until it is taken, once: how a value made on one thread reaches the one that
/// fills it without a second reference (which would make its first change a copy).
final class Handover<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: Value) { self.value = value }

    /// The value, leaving nothing behind (each handover is taken by one thread).
    func take() -> Value? {
        defer { value = nil }
        return value
    }
}

/// Lets the ranges of a parallel step give up once an earlier range has failed: that failure is
/// the one reported, so later ranges' work is wasted.
final class PartStop: Sendable {
    private let earliestFailed = Atomic<Int>(Int.max)

    func failed(_ part: Int) { _ = earliestFailed.min(part, ordering: .relaxed) }

    func isAbandoned(_ part: Int) -> Bool { earliestFailed.load(ordering: .relaxed) < part }
}

extension Executor {
    /// Runs `body` over `0..<count` split into ranges (positions in the relation's row order),
    /// one per thread. `prepare` runs first, here and in part order, to compile each range's
    /// closures against its own context (and to allocate large outputs here, from this thread's
    /// heap, which keeps freed memory for the next query; a worker thread's is given back) (work shared between ranges, such as a dictionary's
    /// matches, is done once through the compiler's shared facts). Throws the earliest range's
    /// stop, after copying its error into this executor's context. `ranges`, when given, are the
    /// parts instead (more than the threads, perhaps); they run on at most `threads` at once.
    func inParallel<Prepared, Result>(
        _ count: Int, ranges: [Range<Int>]? = nil, columns: [Column], prepare: (ExpressionCompiler, Range<Int>) -> Prepared,
        _ body: (Prepared, Range<Int>, Executor) throws(Stop) -> Result
    ) throws(Stop) -> [Result] {
        let ranges = ranges ?? Parallel(context.limits).ranges(of: count)
        let facts = SharedFacts(threads: context.limits.threads)
        if ranges.count == 1 {
            let compiler = ExpressionCompiler(columns: columns, context: context, facts: facts)
            return [try body(prepare(compiler, ranges[0]), ranges[0], self)]
        }
        let stop = PartStop()
        let executors = ranges.indices.map { part in
            Executor(context: context.forPart(part, of: stop), tables: tables)
        }
        let prepared = ranges.indices.map {
            prepare(ExpressionCompiler(columns: columns, context: executors[$0].context, facts: facts), ranges[$0])
        }
        let outcomes = Parallel.run(ranges.count, workers: context.limits.threads) { part -> Swift.Result<Result, Stop> in
            do throws(Stop) {
                return .success(try body(prepared[part], ranges[part], executors[part]))
            } catch {
                if case .failed = error { stop.failed(part) }
                return .failure(error)
            }
        }
        var results: [Result] = []
        results.reserveCapacity(outcomes.count)
        for (part, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let result):
                results.append(result)
            case .failure(let error):
                context.adopt(executors[part].context)
                // A range that gave up for an earlier range's error never comes first; one that
                // saw cancellation or the time limit: this context sees it too.
                try checkpoint()
                throw error
            }
        }
        return results
    }
}
