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
        // By physical row: 0 for a row not kept; every kept row's number is at least 1.
        let numbers = UnsafeMutableBufferPointer<Int>.allocate(capacity: input.physicalCount)
        numbers.initialize(repeating: 0)
        let unused = UnsafeMutableBufferPointer<Value>.allocate(capacity: 0)
        defer {
            numbers.deallocate()
            unused.deallocate()
        }
        if try streamedNumbers(call, limit: limit, columns: columns, positions: positions, orderKeys: orderKeys, shouldStop: shouldStop, into: numbers) {
            profile?.note("window group limit \(limit): streamed, a heap a partition")
        } else {
            // Rows by partition, each partition's rows in input order, which breaks the order keys'
            // ties as the whole window's sort does. The partitions' own order does not matter (the
            // rows come out in input order): found by hashing where the keys are stored strings and
            // integers, else by a stable sort on the keys.
            var order = positions
            var starts: [Int]
            if let hashed = try partitionsByHash(call.partition, columns: columns, positions: positions) {
                (order, starts) = hashed
            } else {
                if !partitionKeys.isEmpty {
                    let sorter = Sorter(keys: partitionKeys, threads: context.limits.threads, shouldStop: shouldStop)
                    order = sorter.sorted(positions)
                    try checkpoint()
                    if sorter.stopped { throw .cancelled }
                }
                try checkpoint()
                let samePartition = partitionKeys.map { $0.equality() }
                starts = try partitionStarts(order, samePartition: samePartition)
            }
            let parts = Executor.windowParts(count, starts: starts, limits: context.limits)
            profile?.note(
                "window group limit \(limit): \(starts.count) partition\(starts.count == 1 ? "" : "s") on \(parts.count) thread\(parts.count == 1 ? "" : "s")")
            _ = try inParallel(count, ranges: parts, columns: columns, prepare: { compiler, _ in compiler }) {
                compiler, part, executor throws(Stop) in
                // One sorter a part: a sorter counts its comparisons, so it is no thread's to share.
                let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
                var first = Executor.firstStart(atOrAfter: part.lowerBound, in: starts)
                while first < starts.count, starts[first] < part.upperBound {
                    let start = starts[first]
                    let end = first + 1 < starts.count ? starts[first + 1] : count
                    try executor.numberFirst(
                        call, limit: limit, of: order[start..<end], sorter: sorter, orderKeys: orderKeys,
                        compiler: compiler, into: numbers, unused: unused)
                    if executor.context.shouldStop || start / Executor.blockSize != end / Executor.blockSize { try executor.checkpoint() }
                    first += 1
                }
                if sorter.stopped { throw .cancelled }
            }
        }
        var kept: [Int] = []
        for row in positions where numbers[row] > 0 { kept.append(row) }
        var result = Relation(
            schema: output, columns: columns + [Column(type: .integer, storage: .integers(Array(numbers), .none))],
            count: input.physicalCount)
        result.selection = kept
        return result
    }

    /// The rows grouped by partition, each partition's rows in input order and the partitions in
    /// the order they first come, with where each starts: a counting sort by the number of each
    /// row's partition, found in a table of packed keys (as `group by` finds groups: two rows
    /// pack alike exactly when their keys are equal, nulls alike). Nil when a key is not a
    /// stored column of strings or integers, or the keys take more than two words.
    private func partitionsByHash(
        _ keys: [BoundExpression], columns: [Column], positions: [Int]
    ) throws(Stop) -> (order: [Int], starts: [Int])? {
        guard let (partitionOf, sizes) = try partitionNumbers(keys, columns: columns, positions: positions) else { return nil }
        var starts: [Int] = []
        starts.reserveCapacity(sizes.count)
        var total = 0
        for size in sizes {
            starts.append(total)
            total += size
        }
        var next = starts
        var order = [Int](repeating: 0, count: positions.count)
        // Each row to its partition's next place: through buffers, so the loop checks no
        // bounds and no array's uniqueness (every place is below the rows' count).
        next.withUnsafeMutableBufferPointer { next in
            order.withUnsafeMutableBufferPointer { order in
                partitionOf.withUnsafeBufferPointer { partitionOf in
                    positions.withUnsafeBufferPointer { positions in
                        for index in positions.indices {
                            let partition = Int(partitionOf[index])
                            order[next[partition]] = positions[index]
                            next[partition] += 1
                        }
                    }
                }
            }
        }
        try checkpoint()
        return (order, starts)
    }

    /// The number of each row's partition (by its offset in `positions`; partitions numbered in
    /// the order they first come) and each partition's size, found in a table of packed keys (as
    /// `group by` finds groups: two rows pack alike exactly when their keys are equal, nulls
    /// alike). Nil when a key is not a stored column of strings or integers, or the keys take
    /// more than two words.
    func partitionNumbers(
        _ keys: [BoundExpression], columns: [Column], positions: [Int]
    ) throws(Stop) -> (partitionOf: [Int32], sizes: [Int])? {
        var keyColumns: [Column] = []
        for key in keys {
            guard case .column(let index) = key else { return nil }
            keyColumns.append(columns[index])
        }
        guard !keyColumns.isEmpty, positions.count < Int(Int32.max), let packed = PackedKeys(keyColumns) else { return nil }
        var table = PackedKeyTable(packed, rows: positions.count)
        var partitionOf = [Int32](repeating: 0, count: positions.count)
        var sizes: [Int] = []
        var packedWords: ([UInt64], [UInt64]) = ([], [])
        try forEachBlock(of: positions) { block in
            packed.pack(block, first: &packedWords.0, second: &packedWords.1)
            for index in block.indices {
                let offset = index - block.startIndex
                let partition = table.value(for: packedWords.0[offset], packed.words == 2 ? packedWords.1[offset] : 0) {
                    sizes.append(0)
                    return sizes.count - 1
                }
                sizes[partition] += 1
                partitionOf[index] = Int32(truncatingIfNeeded: partition)
            }
        }
        try checkpoint()
        return (partitionOf, sizes)
    }

    /// A key's value at each of `rows` as a word in the key's order (flipped when descending),
    /// null as the largest word (nulls sort last either way); nil for a key without such words
    /// (computed values, strings compared as text, a NaN). Rows whose words differ are in the
    /// key's order; equal words (ties, or a null beside the largest value) leave the order to
    /// the comparison of every key.
    static func words(_ key: SortKey, of rows: ArraySlice<Int>) -> [UInt64]? {
        var words = [UInt64](repeating: .max, count: rows.count)
        switch key {
        case .integers(let values, let nulls, let descending):
            let flip: UInt64 = descending ? ~0 : 0
            for (index, row) in rows.enumerated() where nulls?[row] != true { words[index] = SortKey.form(values[row]) ^ flip }
        case .integers32(let values, let nulls, let descending):
            let flip: UInt64 = descending ? ~0 : 0
            for (index, row) in rows.enumerated() where nulls?[row] != true { words[index] = SortKey.form(Int(values[row])) ^ flip }
        case .floats(let values, let nulls, let descending):
            let flip: UInt64 = descending ? ~0 : 0
            for (index, row) in rows.enumerated() where nulls?[row] != true {
                if values[row].isNaN { return nil }
                words[index] = SortKey.form(values[row]) ^ flip
            }
        case .ranks(let codes, let rank, let descending):
            let flip: UInt64 = descending ? ~0 : 0
            for (index, row) in rows.enumerated() where codes[row] >= 0 { words[index] = UInt64(rank[Int(codes[row])]) ^ flip }
        case .strings, .values:
            return nil
        }
        return words
    }

    /// Numbers the first rows of one partition (its rows in input order) as the whole window
    /// would, leaving 0 at every row whose number is past `limit`. A bounded heap gives the
    /// first rows in order (keys, then input order); ties may carry a rank past the rows taken,
    /// so more are taken, sixteen times as many each time, until the last one's number is past
    /// `limit` or the partition is all taken.
    func numberFirst(
        _ call: WindowCall, limit: Int, of partition: ArraySlice<Int>, sorter: Sorter,
        orderKeys: [SortKey], compiler: ExpressionCompiler, into numbers: UnsafeMutableBufferPointer<Int>,
        unused: UnsafeMutableBufferPointer<Value>
    ) throws(Stop) {
        var wanted = min(partition.count, limit + 1)
        while true {
            let first = sorter.first(wanted, of: Array(partition))
            if sorter.stopped { return }
            try compute(call, first[...], orderKeys: orderKeys, compiler: compiler, into: unused, numbers: numbers)
            guard let last = first.last else { return }
            if wanted == partition.count || numbers[last] > limit {
                for row in first where numbers[row] > limit { numbers[row] = 0 }
                return
            }
            // Many ties: sixteen times as many rows, and past a quarter of the partition all of
            // them, sorted once (a heap of thousands over millions of rows costs more than that).
            wanted = wanted.saturatingTimes(16)
            if wanted >= partition.count / 4 { wanted = partition.count }
        }
    }
}
