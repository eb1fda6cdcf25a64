// Window group limit: `row_number`, `rank` or `dense_rank` when a `where` keeps only numbers up
// to a small bound. Each partition's first rows are selected by a bounded heap, in the order the
// whole window would give them, instead of sorting every partition through (top N per group).

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

extension Executor {
    /// The input's fields, then the call's number, for the rows whose number is at most `limit`
    /// (`QueryPlan.groupLimit`), in the input's order: the rows, numbers and order the whole
    /// window gives, less the rows the `where` after it drops (which still runs).
    func windowGroupLimit(_ input: Relation, _ call: WindowCall, limit: Int, output: TableSchema) throws(Stop) -> Relation {
        // The input's rows where they are (its selection, if any, in its order): no column is
        // gathered, and the rows kept are a selection of the input's columns.
        let positions = try rowNumbers(of: input)
        let count = positions.count
        let columns = input.columns
        let compiler = ExpressionCompiler(columns: columns, context: context)
        let context = self.context
        let shouldStop = { context.shouldStop || context.isPastDeadline }
        let partitionKeys = call.partition.map {
            SortKey.make($0, descending: false, columns: columns, rows: positions, compiler: compiler, shouldStop: shouldStop)
        }
        let orderKeys = call.order.map {
            SortKey.make($0.0, descending: $0.descending, columns: columns, rows: positions, compiler: compiler, shouldStop: shouldStop)
        }
        // Rows by partition alone, stably: each partition's rows in input order, which breaks
        // the order keys' ties as the whole window's sort does.
        var order = positions
        if !partitionKeys.isEmpty {
            let sorter = Sorter(keys: partitionKeys, threads: context.limits.threads, shouldStop: shouldStop)
            order = sorter.sorted(positions)
            try checkpoint()
            if sorter.stopped { throw .cancelled }
        }
        try checkpoint()
        let samePartition = partitionKeys.map { $0.equality() }
        let starts = try partitionStarts(order, samePartition: samePartition)
        let parts = Executor.windowParts(count, starts: starts, limits: context.limits)
        profile?.note(
            "window group limit \(limit): \(starts.count) partition\(starts.count == 1 ? "" : "s") on \(parts.count) thread\(parts.count == 1 ? "" : "s")")
        // By physical row: 0 for a row not kept; every kept row's number is at least 1.
        let numbers = UnsafeMutableBufferPointer<Int>.allocate(capacity: input.physicalCount)
        numbers.initialize(repeating: 0)
        let unused = UnsafeMutableBufferPointer<Value>.allocate(capacity: 0)
        defer {
            numbers.deallocate()
            unused.deallocate()
        }
        _ = try inParallel(count, ranges: parts, columns: columns, prepare: { compiler, _ in compiler }) {
            compiler, part, executor throws(Stop) in
            // One sorter a part: a sorter counts its comparisons, so it is no thread's to share.
            let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
            var first = Executor.firstStart(atOrAfter: part.lowerBound, in: starts)
            while first < starts.count, starts[first] < part.upperBound {
                let start = starts[first]
                let end = first + 1 < starts.count ? starts[first + 1] : count
                try executor.numberFirst(
                    call, limit: limit, of: Array(order[start..<end]), sorter: sorter, orderKeys: orderKeys, compiler: compiler,
                    into: numbers, unused: unused)
                if executor.context.shouldStop || start / Executor.blockSize != end / Executor.blockSize { try executor.checkpoint() }
                first += 1
            }
            if sorter.stopped { throw .cancelled }
        }
        var kept: [Int] = []
        kept.reserveCapacity(min(count, starts.count.saturatingTimes(limit + 1)))
        for row in positions where numbers[row] > 0 { kept.append(row) }
        var result = Relation(
            schema: output, columns: columns + [Column(type: .integer, storage: .integers(Array(numbers), .none))],
            count: input.physicalCount)
        result.selection = kept
        return result
    }

    /// Numbers the first rows of one partition (its rows in input order) as the whole window
    /// would, leaving 0 at every row whose number is past `limit`. A bounded heap gives the
    /// first rows in order (keys, then input order); ties may carry a rank past the rows taken,
    /// so more are taken, twice as many each time, until the last one's number is past `limit`
    /// or the partition is all taken.
    private func numberFirst(
        _ call: WindowCall, limit: Int, of partition: [Int], sorter: Sorter, orderKeys: [SortKey], compiler: ExpressionCompiler,
        into numbers: UnsafeMutableBufferPointer<Int>, unused: UnsafeMutableBufferPointer<Value>
    ) throws(Stop) {
        var wanted = min(partition.count, limit + 1)
        while true {
            let first = sorter.first(wanted, of: partition)
            if sorter.stopped { return }
            try compute(call, first[...], orderKeys: orderKeys, compiler: compiler, into: unused, numbers: numbers)
            guard let last = first.last else { return }
            if wanted == partition.count || numbers[last] > limit {
                for row in first where numbers[row] > limit { numbers[row] = 0 }
                return
            }
            wanted = min(partition.count, wanted.saturatingTimes(2))
        }
    }
}
