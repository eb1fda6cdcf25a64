// Aggregation over many groups on every core: rows scattered by their key's hash into partitions
// that share no group, each folded on its own (its table a fraction of the whole, nearer the
// caches), then put together in the order one pass first meets the groups. A group's rows stay in
// row order inside its partition, so its sums, floats included, are added as one pass adds them.

import BylineCore
import BylineStorage

extension Aggregation {
    /// How many partitions a radix-partitioned aggregation uses: a fixed number (never the
    /// threads), enough that each partition's table of a few million groups stays small.
    package static let radixPartitions = 64

    /// Whether the key goes by radix partitions: an integer key or a hashed packed key whose
    /// first block shows many groups, on more than one thread, over enough rows for a range each.
    static func isRadixPartitioned(_ shape: Shape, _ input: Relation, limits: QueryLimits) -> Bool {
        guard limits.threads > 1, Parallel(limits).ranges(of: input.count).count > 1 else { return false }
        switch shape.key {
        case .integers:
            return shape.hasManyGroups(input)
        case .packed(let packed):
            return !PackedKeyTable.isDirect(packed, rows: input.count) && shape.hasManyGroups(input)
        case .none, .codes, .values:
            return false
        }
    }

    /// The groups of `input`, folded partition by partition; nil when a partition failed (one
    /// pass in row order then decides the error, as for contiguous partitions).
    func radixFold(_ input: Relation, shape: Shape, executor: Executor) throws(Executor.Stop) -> Partial? {
        let partitions = Aggregation.radixPartitions
        let ranges = Parallel(context.limits).ranges(of: input.count)
        // Each range's rows by partition, in row order, and each position's partition.
        var scattered = Parallel.run(ranges.count, workers: context.limits.threads) { part in
            Aggregation.scatter(input, positions: ranges[part], shape: shape, partitions: partitions)
        }
        var ordered: [Int] = []
        ordered.reserveCapacity(input.count)
        var words: [UInt64] = []
        var bounds: [Range<Int>] = []
        for partition in 0..<partitions {
            let start = ordered.count
            for range in scattered {
                ordered.append(contentsOf: range.rows[partition])
                words.append(contentsOf: range.words[partition])
            }
            bounds.append(start..<ordered.count)
        }
        let partitionOf = scattered.flatMap(\.partitionOf)
        scattered = []  // its rows are in `ordered` now
        var selected = input
        selected.selection = ordered
        ordered = []  // one reference: the selection
        let radixInput = selected
        // A packed key's words, packed once here rather than again from scattered rows.
        let packedWords: [UInt64]? = words.isEmpty ? nil : words
        words = []
        let partials: [Partial]
        do throws(Executor.Stop) {
            partials = try executor.inParallel(
                input.count, ranges: bounds, columns: input.columns, prepare: { compiler, _ in shape.compile(compiler) }
            ) { (compiled, positions, executor) throws(Executor.Stop) in
                try shape.fold(radixInput, positions: positions, compiled, executor: executor, packedWords: packedWords)
            }
        } catch {
            guard case .failed = error else { throw error }
            context.forgetFailure()
            try executor.checkpoint()  // the time limit stays
            return nil
        }
        let fresh = shape.compile(ExpressionCompiler(columns: input.columns, context: context)).typed
        return Aggregation.combine(partials, partitionOf: partitionOf, input: input, shape: shape, typed: fresh)
    }

    /// One range's rows by partition (row numbers, in row order) and each of its positions' partition.
    struct Scattered {
        var rows: [[Int]]
        /// With a packed key, each row's words, in the order of `rows`.
        var words: [[UInt64]]
        var partitionOf: [UInt8]
    }

    /// The partition of each row at `positions`: the high bits of its key's hash (the low bits
    /// choose its slot in the partition's table). Nulls of an integer key go to partition 0.
    static func scatter(_ input: Relation, positions: Range<Int>, shape: Shape, partitions: Int) -> Scattered {
        var scattered = Scattered(rows: Array(repeating: [], count: partitions), words: Array(repeating: [], count: partitions), partitionOf: [])
        scattered.partitionOf.reserveCapacity(positions.count)
        let shift = UInt64(64 - (partitions - 1).nonzeroBitCount)
        var words: ([UInt64], [UInt64]) = ([], [])
        var blocks = Executor.Blocks(input, positions: positions)
        while let block = blocks.next() {
            switch shape.key {
            case .integers(let values, let nulls):
                for row in block {
                    let isNull = nulls?[row] ?? false
                    let partition = isNull ? 0 : Int(PackedKeys.mix(UInt64(bitPattern: Int64(values[row]))) >> shift)
                    scattered.rows[partition].append(row)
                    scattered.partitionOf.append(UInt8(truncatingIfNeeded: partition))
                }
            case .packed(let packed):
                packed.pack(block, first: &words.0, second: &words.1)
                let twoWords = packed.words == 2
                for (position, row) in block.enumerated() {
                    let first = words.0[position]
                    let hash = twoWords ? PackedKeys.mix(first ^ PackedKeys.mix(words.1[position])) : PackedKeys.mix(first)
                    let partition = Int(hash >> shift)
                    scattered.rows[partition].append(row)
                    scattered.words[partition].append(first)
                    if twoWords { scattered.words[partition].append(words.1[position]) }
                    scattered.partitionOf.append(UInt8(truncatingIfNeeded: partition))
                }
            case .none, .codes, .values:
                for row in block {
                    scattered.rows[0].append(row)
                    scattered.partitionOf.append(0)
                }
            }
        }
        return scattered
    }

    /// The partitions' groups as one, numbered in the order one pass meets them: walking the
    /// positions in order, a position is its group's first when its key is that of its
    /// partition's next group not yet numbered (a partition meets its rows in the same order).
    static func combine(
        _ partials: [Partial], partitionOf: [UInt8], input: Relation, shape: Shape, typed fresh: [TypedAggregate?]
    ) -> Partial {
        var merged = Partial(aggregates: shape.aggregates)
        merged.typed = fresh
        merged.keepsStates = partials.first?.keepsStates ?? false
        var next = [Int](repeating: 0, count: partials.count)
        var groupOf = partials.map { [Int](repeating: 0, count: $0.groupCount) }
        let selection = input.selection
        // Each partition's groups' keys (integers) or first rows (packed keys), as it met them.
        let integerKeys = partials.map(\.groupIntegers)
        let firstRows = partials.map(\.groupRows)
        var integers: [Int?] = []
        var rows: [Int] = []
        var count = 0
        for (position, partition) in partitionOf.enumerated() {
            let partition = Int(partition)
            let local = next[partition]
            guard local < groupOf[partition].count else { continue }
            let row = selection?[position] ?? position
            switch shape.key {
            case .integers(let values, let nulls):
                let key: Int? = (nulls?[row] ?? false) ? nil : values[row]
                guard integerKeys[partition][local] == key else { continue }
                integers.append(key)
            case .packed:
                guard firstRows[partition][local] == row else { continue }
                rows.append(row)
            case .none, .codes, .values:
                continue
            }
            groupOf[partition][local] = count
            count += 1
            next[partition] = local + 1
        }
        merged.groupCount = count
        merged.groupIntegers = integers
        merged.groupRows = rows
        for (partition, partial) in partials.enumerated() {
            for index in merged.typed.indices {
                merged.typed[index]?.place(partial.typed[index], groups: groupOf[partition], count: merged.groupCount)
            }
        }
        if merged.keepsStates {
            // Every group's accumulators are those of the one partition that has it.
            let count = shape.aggregates.count
            merged.states = Array(repeating: merged.fresh, count: merged.groupCount).flatMap { $0 }
            for (partition, partial) in partials.enumerated() {
                for local in 0..<partial.groupCount {
                    let base = groupOf[partition][local] * count
                    for index in 0..<count { merged.states[base + index] = partial.states[local * count + index] }
                }
            }
        }
        return merged
    }
}
