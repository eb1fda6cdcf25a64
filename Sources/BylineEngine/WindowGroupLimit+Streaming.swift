// Window group limit, streamed: where partitions are found by hashing and the order's first key
// has 64-bit words, the rows are read once in input order, each partition keeping its first rows
// so far in a bounded heap of its own (a few words a partition, which stay in the caches), as
// DuckDB and Spark keep a top N per group, instead of every row moving to its partition first.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

extension Executor {
    /// Writes into `numbers` (by physical row) the number of each row the window group limit
    /// keeps, as `windowGroupLimit` does, reading the rows in ranges on every thread, each range
    /// with its own heaps, then merging the ranges' heaps a partition at a time. A partition
    /// whose ties carry numbers past the rows kept (rank, dense_rank) is numbered afterwards
    /// from all its rows. False, with nothing written, when a partition key is no stored column
    /// of strings or integers, the first order key has no words, or the heaps would take more
    /// room than the rows.
    func streamedNumbers(
        _ call: WindowCall, limit: Int, columns: [Column], positions: [Int], orderKeys: [SortKey],
        shouldStop: @escaping () -> Bool, into numbers: UnsafeMutableBufferPointer<Int>
    ) throws(Stop) -> Bool {
        let capacity = limit + 1
        guard let (partitionOf, sizes) = try partitionNumbers(call.partition, columns: columns, positions: positions),
            sizes.count.saturatingTimes(capacity) <= max(positions.count, 1 << 16)
        else { return false }
        let words: [UInt64]
        if let leading = orderKeys.first {
            guard let found = Executor.words(leading, of: positions) else { return false }
            words = found
        } else {
            words = [UInt64](repeating: 0, count: positions.count)
        }
        let partitions = sizes.count
        let ranges = Parallel(context.limits).ranges(of: positions.count)
        let heaps = try inParallel(positions.count, ranges: ranges, columns: columns, prepare: { _, _ in () }) {
            _, range, executor throws(Stop) -> PartitionHeaps in
            // One sorter a range: a sorter counts its comparisons, so it is no thread's to share.
            let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
            var heaps = PartitionHeaps(partitions: partitions, capacity: capacity)
            for offset in range {
                heaps.offer(Int32(truncatingIfNeeded: offset), word: words[offset], partition: Int(partitionOf[offset])) {
                    sorter.precedes(positions[$0], positions[$1], positionA: $0, positionB: $1)
                }
                if offset & (Executor.blockSize - 1) == 0 { try executor.checkpoint() }
            }
            if sorter.stopped { throw .cancelled }
            return heaps
        }
        try checkpoint()
        noteThreads(heaps.count)
        // The ranges' heaps merged: each partition's first rows in order, numbered.
        let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
        func precedes(_ a: (Int32, UInt64), _ b: (Int32, UInt64)) -> Bool {
            if a.1 != b.1 { return a.1 < b.1 }
            return sorter.precedes(positions[Int(a.0)], positions[Int(b.0)], positionA: Int(a.0), positionB: Int(b.0))
        }
        let compiler = ExpressionCompiler(columns: columns, context: context)
        let unused = UnsafeMutableBufferPointer<Value>.allocate(capacity: 0)
        defer { unused.deallocate() }
        var spilled: [Int] = []
        var candidates: [(Int32, UInt64)] = []
        for partition in 0..<partitions {
            candidates.removeAll(keepingCapacity: true)
            for part in heaps { part.append(partition, to: &candidates) }
            candidates.sort(by: precedes)
            let rows = candidates.prefix(capacity).map { positions[Int($0.0)] }
            try compute(call, rows[...], orderKeys: orderKeys, compiler: compiler, into: unused, numbers: numbers)
            guard let last = rows.last else { continue }
            if rows.count == sizes[partition] || numbers[last] > limit {
                for row in rows where numbers[row] > limit { numbers[row] = 0 }
            } else {
                spilled.append(partition)
            }
            if partition & (Executor.blockSize - 1) == 0 { try checkpoint() }
        }
        if sorter.stopped { throw .cancelled }
        guard !spilled.isEmpty else { return true }
        // Ties past the rows kept: those partitions' rows, in input order, numbered as the
        // other way numbers a partition.
        var member = [Int](repeating: -1, count: partitions)
        for (index, partition) in spilled.enumerated() { member[partition] = index }
        var rowsOf = [[Int]](repeating: [], count: spilled.count)
        for (offset, partition) in partitionOf.enumerated() where member[Int(partition)] >= 0 {
            rowsOf[member[Int(partition)]].append(positions[offset])
        }
        for rows in rowsOf {
            try numberFirst(
                call, limit: limit, of: rows[...], sorter: sorter, orderKeys: orderKeys, compiler: compiler, into: numbers,
                unused: unused)
            try checkpoint()
        }
        if sorter.stopped { throw .cancelled }
        return true
    }
}

/// For each partition, its first rows so far (offsets into the rows, with their first key's
/// word) in a bounded max-heap: the root is the worst row kept, replaced by a row before it.
struct PartitionHeaps {
    let capacity: Int
    /// How many rows each partition's heap holds.
    private var counts: [Int]
    /// Partition after partition, `capacity` slots each.
    private var offsets: [Int32]
    private var words: [UInt64]

    init(partitions: Int, capacity: Int) {
        self.capacity = capacity
        counts = [Int](repeating: 0, count: partitions)
        offsets = [Int32](repeating: 0, count: partitions * capacity)
        words = [UInt64](repeating: 0, count: partitions * capacity)
    }

    /// Keeps the row at `offset` in its partition's heap if it is among the first so far.
    /// Words that differ order rows; equal words leave it to `tied(a, b)`: whether the row at
    /// offset a comes before the row at offset b.
    @inline(__always)
    mutating func offer(_ offset: Int32, word: UInt64, partition: Int, tied: (Int, Int) -> Bool) {
        let base = partition * capacity
        func before(_ a: Int32, _ aWord: UInt64, _ b: Int32, _ bWord: UInt64) -> Bool {
            aWord != bWord ? aWord < bWord : tied(Int(a), Int(b))
        }
        let size = counts[partition]
        if size < capacity {
            // Up from the end while the parent comes before the new row (is better).
            var child = size
            while child > 0 {
                let parent = (child - 1) / 2
                guard before(offsets[base + parent], words[base + parent], offset, word) else { break }
                offsets[base + child] = offsets[base + parent]
                words[base + child] = words[base + parent]
                child = parent
            }
            offsets[base + child] = offset
            words[base + child] = word
            counts[partition] = size + 1
        } else if before(offset, word, offsets[base], words[base]) {
            // Down from the root while a child comes after the new row (is worse).
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < capacity else { break }
                var worse = left
                let right = left + 1
                if right < capacity, before(offsets[base + left], words[base + left], offsets[base + right], words[base + right]) {
                    worse = right
                }
                guard before(offset, word, offsets[base + worse], words[base + worse]) else { break }
                offsets[base + parent] = offsets[base + worse]
                words[base + parent] = words[base + worse]
                parent = worse
            }
            offsets[base + parent] = offset
            words[base + parent] = word
        }
    }

    /// A partition's rows kept, in no order.
    func append(_ partition: Int, to candidates: inout [(Int32, UInt64)]) {
        let base = partition * capacity
        for slot in 0..<counts[partition] { candidates.append((offsets[base + slot], words[base + slot])) }
    }
}
