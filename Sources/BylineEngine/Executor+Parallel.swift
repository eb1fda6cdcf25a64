// Running one step over ranges of rows on several threads.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

extension Executor {
    /// Runs `body` over `0..<count` split into ranges (positions in the relation's row order),
    /// one per thread. `prepare` runs first, here and in part order, to compile each range's
    /// closures against its own context (and to allocate large outputs here, from this thread's
    /// heap, which keeps freed memory for the next query; a worker thread's is given back) (work shared between ranges, such as a dictionary's
    /// matches, is done once through the compiler's shared facts). Throws the earliest range's
    /// stop, after copying its error into this executor's context. `ranges`, when given, are the
    /// parts instead (more than the threads, perhaps); they run on at most `threads` at once.
    package func inParallel<Prepared, Result>(
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

/// Holds a value until it is taken, once: how a buffer made in a parallel step's `prepare` (on
/// the calling thread) reaches the range that fills it without a second reference (which would
/// make its first change a copy). As `Handover` does, but in this module, so it is compiled
/// for the buffer's type: `Handover`, from another module, ran as generic code, and taking a
/// buffer through it cost more than a `where` over a few dozen rows.
final class RangeBuffer<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: Value) { self.value = value }

    /// The value, leaving nothing behind (each buffer is taken by one range).
    func take() -> Value? {
        var taken: Value? = nil
        swap(&taken, &value)
        return taken
    }
}
