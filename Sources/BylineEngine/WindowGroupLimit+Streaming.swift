// Window group limit, streamed: where partitions are found from stored strings and integers and
// the order's first key has 64-bit words, the rows are read once in input order, each partition
// keeping its first rows so far in a bounded heap of its own (a few words a partition, which stay
// in the caches), as DuckDB and Spark keep a top N per group, instead of every row moving to its
// partition first.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

extension Executor {
    /// How the streamed path finds each row's partition.
    private enum StreamedPartitions {
        /// The packed key itself, where one word's keys take few values (as `group by` indexes a
        /// table by it): computed a block at a time on every thread, nothing numbered first.
        case direct(PackedKeys, count: Int)
        /// Numbered in a table of packed keys first, on one thread (keys of many values).
        case numbered([Int32], sizes: [Int])

        var count: Int {
            switch self {
            case .direct(_, let count): return count
            case .numbered(_, let sizes): return sizes.count
            }
        }
    }

    /// Writes into `numbers` (by physical row) the number of each row the window group limit
    /// keeps, as `windowGroupLimit` does, reading the rows in ranges on every thread, each range
    /// with its own heaps, then merging the ranges' heaps a share of the partitions on each
    /// thread. A partition whose ties carry numbers past the rows kept (rank, dense_rank) is
    /// numbered afterwards from all its rows. False, with nothing written, when a partition key
    /// is no stored column of strings or integers, the first order key has no words, or the
    /// heaps would take more room than the rows.
    func streamedNumbers(
        _ call: WindowCall, limit: Int, columns: [Column], positions: [Int], orderKeys: [SortKey],
        shouldStop: @escaping () -> Bool, into numbers: UnsafeMutableBufferPointer<Int>
    ) throws(Stop) -> Bool {
        let capacity = limit + 1
        let room = max(positions.count, 1 << 16)
        var keyColumns: [Column] = []
        for key in call.partition {
            guard case .column(let index) = key else { return false }
            keyColumns.append(columns[index])
        }
        guard !keyColumns.isEmpty, positions.count < Int(Int32.max), let packed = PackedKeys(keyColumns) else { return false }
        let source: StreamedPartitions
        if PackedKeyTable.isDirect(packed, rows: positions.count), let domain = packed.domain,
            Int(domain).saturatingTimes(capacity) <= room
        {
            source = .direct(packed, count: Int(domain))
        } else {
            guard let (partitionOf, sizes) = try partitionNumbers(call.partition, columns: columns, positions: positions),
                sizes.count.saturatingTimes(capacity) <= room
            else { return false }
            source = .numbered(partitionOf, sizes: sizes)
        }
        let leading = orderKeys.first
        let partitions = source.count
        let ranges = Parallel(context.limits).ranges(of: positions.count)
        // Each range's heaps, or nil when a word could not be made (a NaN): then nothing is kept.
        let found = try inParallel(positions.count, ranges: ranges, columns: columns, prepare: { _, _ in () }) {
            _, range, executor throws(Stop) -> PartitionHeaps? in
            // One sorter a range: a sorter counts its comparisons, so it is no thread's to share.
            let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
            let heaps = PartitionHeaps(partitions: partitions, capacity: capacity)
            var keys: ([UInt64], [UInt64]) = ([], [])
            var start = range.lowerBound
            while start < range.upperBound {
                let block = start..<min(range.upperBound, start + Executor.blockSize)
                let rows = positions[block]
                let words: [UInt64]
                if let leading {
                    guard let made = Executor.words(leading, of: rows) else { return nil }
                    words = made
                } else {
                    words = [UInt64](repeating: 0, count: rows.count)
                }
                func offer(_ offset: Int, partition: Int) {
                    heaps.offer(Int32(truncatingIfNeeded: offset), word: words[offset - block.lowerBound], partition: partition) {
                        sorter.precedes(positions[$0], positions[$1], positionA: $0, positionB: $1)
                    }
                }
                switch source {
                case .direct(let packed, _):
                    packed.pack(rows, first: &keys.0, second: &keys.1)
                    for offset in block { offer(offset, partition: Int(truncatingIfNeeded: keys.0[offset - block.lowerBound])) }
                case .numbered(let partitionOf, _):
                    for offset in block { offer(offset, partition: Int(partitionOf[offset])) }
                }
                try executor.checkpoint()
                start = block.upperBound
            }
            if sorter.stopped { throw .cancelled }
            return heaps
        }
        try checkpoint()
        var heaps: [PartitionHeaps] = []
        for range in found {
            guard let range else { return false }
            heaps.append(range)
        }
        noteThreads(heaps.count)
        // The ranges' heaps merged, a share of the partitions on each thread: each partition's
        // first rows in order, numbered; the partitions whose ties run past them, listed.
        let shares = Parallel(context.limits).ranges(of: partitions)
        let spilledByShare = try inParallel(partitions, ranges: shares, columns: columns, prepare: { compiler, _ in compiler }) {
            compiler, share, executor throws(Stop) -> [Int] in
            let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
            func precedes(_ a: (Int32, UInt64), _ b: (Int32, UInt64)) -> Bool {
                if a.1 != b.1 { return a.1 < b.1 }
                return sorter.precedes(positions[Int(a.0)], positions[Int(b.0)], positionA: Int(a.0), positionB: Int(b.0))
            }
            let unused = UnsafeMutableBufferPointer<Value>.allocate(capacity: 0)
            defer { unused.deallocate() }
            var spilled: [Int] = []
            var candidates: [(Int32, UInt64)] = []
            var rows: [Int] = []
            for partition in share {
                candidates.removeAll(keepingCapacity: true)
                var size = 0
                for range in heaps.indices { size += heaps[range].append(partition, to: &candidates) }
                guard !candidates.isEmpty else { continue }
                // Insertion sort for a few rows a partition (most limits are small).
                if candidates.count > 16 { candidates.sort(by: precedes) }
                for next in candidates.indices.dropFirst() where candidates.count <= 16 {
                    let moving = candidates[next]
                    var place = next
                    while place > 0, precedes(moving, candidates[place - 1]) {
                        candidates[place] = candidates[place - 1]
                        place -= 1
                    }
                    candidates[place] = moving
                }
                rows.removeAll(keepingCapacity: true)
                for candidate in candidates.prefix(capacity) { rows.append(positions[Int(candidate.0)]) }
                if call.function == .rowNumber {
                    for (index, row) in rows.enumerated() { numbers[row] = index + 1 }
                } else {
                    try executor.compute(call, rows[...], orderKeys: orderKeys, compiler: compiler, into: unused, numbers: numbers)
                }
                if rows.count == size || numbers[rows[rows.count - 1]] > limit {
                    for row in rows where numbers[row] > limit { numbers[row] = 0 }
                } else {
                    spilled.append(partition)
                }
                if partition & (Executor.blockSize - 1) == 0 { try executor.checkpoint() }
            }
            if sorter.stopped { throw .cancelled }
            return spilled
        }
        let spilled = spilledByShare.flatMap { $0 }
        guard !spilled.isEmpty else { return true }
        // Ties past the rows kept: those partitions' rows, in input order, numbered as the
        // other way numbers a partition.
        var member = [Int](repeating: -1, count: partitions)
        for (index, partition) in spilled.enumerated() { member[partition] = index }
        var rowsOf = [[Int]](repeating: [], count: spilled.count)
        switch source {
        case .direct(let packed, _):
            var keys: ([UInt64], [UInt64]) = ([], [])
            try forEachBlock(of: positions) { block in
                packed.pack(block, first: &keys.0, second: &keys.1)
                for (index, row) in block.enumerated() {
                    let slot = member[Int(truncatingIfNeeded: keys.0[index])]
                    if slot >= 0 { rowsOf[slot].append(row) }
                }
            }
        case .numbered(let partitionOf, _):
            for (offset, partition) in partitionOf.enumerated() where member[Int(partition)] >= 0 {
                rowsOf[member[Int(partition)]].append(positions[offset])
            }
        }
        let sorter = Sorter(keys: orderKeys, shouldStop: shouldStop)
        let compiler = ExpressionCompiler(columns: columns, context: context)
        let unused = UnsafeMutableBufferPointer<Value>.allocate(capacity: 0)
        defer { unused.deallocate() }
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
/// One range's, filled by one thread and then only read; its memory is its own (no array's
/// uniqueness checked at each row).
final class PartitionHeaps: @unchecked Sendable {
    let capacity: Int
    private let partitions: Int
    /// How many rows each partition's heap holds.
    private let counts: UnsafeMutablePointer<Int>
    /// How many rows each partition was offered.
    private let seen: UnsafeMutablePointer<Int>
    /// Partition after partition, `capacity` slots each.
    private let offsets: UnsafeMutablePointer<Int32>
    private let words: UnsafeMutablePointer<UInt64>

    init(partitions: Int, capacity: Int) {
        self.capacity = capacity
        self.partitions = partitions
        counts = .allocate(capacity: partitions)
        counts.initialize(repeating: 0, count: partitions)
        seen = .allocate(capacity: partitions)
        seen.initialize(repeating: 0, count: partitions)
        offsets = .allocate(capacity: partitions * capacity)
        words = .allocate(capacity: partitions * capacity)
    }

    deinit {
        counts.deallocate()
        seen.deallocate()
        offsets.deallocate()
        words.deallocate()
    }

    /// Keeps the row at `offset` in its partition's heap if it is among the first so far.
    /// Words that differ order rows; equal words leave it to `tied(a, b)`: whether the row at
    /// offset a comes before the row at offset b.
    @inline(__always)
    func offer(_ offset: Int32, word: UInt64, partition: Int, tied: (Int, Int) -> Bool) {
        assert(partition >= 0 && partition < partitions, "a partition past the heaps")
        let offsets = self.offsets + partition * capacity
        let words = self.words + partition * capacity
        func before(_ a: Int32, _ aWord: UInt64, _ b: Int32, _ bWord: UInt64) -> Bool {
            aWord != bWord ? aWord < bWord : tied(Int(a), Int(b))
        }
        seen[partition] += 1
        let size = counts[partition]
        if size < capacity {
            // Up from the end while the parent comes before the new row (is better).
            var child = size
            while child > 0 {
                let parent = (child - 1) / 2
                guard before(offsets[parent], words[parent], offset, word) else { break }
                offsets[child] = offsets[parent]
                words[child] = words[parent]
                child = parent
            }
            offsets[child] = offset
            words[child] = word
            counts[partition] = size + 1
        } else if before(offset, word, offsets[0], words[0]) {
            // Down from the root while a child comes after the new row (is worse).
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < capacity else { break }
                var worse = left
                let right = left + 1
                if right < capacity, before(offsets[left], words[left], offsets[right], words[right]) {
                    worse = right
                }
                guard before(offset, word, offsets[worse], words[worse]) else { break }
                offsets[parent] = offsets[worse]
                words[parent] = words[worse]
                parent = worse
            }
            offsets[parent] = offset
            words[parent] = word
        }
    }

    /// Appends a partition's rows kept, in no order; returns how many rows it was offered.
    func append(_ partition: Int, to candidates: inout [(Int32, UInt64)]) -> Int {
        let base = partition * capacity
        for slot in 0..<counts[partition] { candidates.append((offsets[base + slot], words[base + slot])) }
        return seen[partition]
    }
}
