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
        let threads = context.limits.threads
        let ranges = Parallel(context.limits).ranges(of: input.count)
        // Each range's positions' partitions and key words, and how many go to each partition.
        var surveys = Parallel.run(ranges.count, workers: threads) { part in
            Aggregation.survey(input, positions: ranges[part], shape: shape, partitions: partitions)
        }
        let width = Aggregation.keyWidth(shape)
        // Where each range's rows of each partition go: partition after partition, and inside
        // one the ranges in order, so a partition's rows are in row order.
        var starts = [[Int]](repeating: [Int](repeating: 0, count: partitions), count: ranges.count)
        var bounds: [Range<Int>] = []
        var total = 0
        for partition in 0..<partitions {
            let start = total
            for part in ranges.indices {
                starts[part][partition] = total
                total += surveys[part].counts[partition]
            }
            bounds.append(start..<total)
        }
        // The rows by partition, and their key words beside them: each range writes its own
        // places of the two arrays, which no other range writes.
        var ordered = [Int](repeating: 0, count: total)
        var keyWords = [UInt64](repeating: 0, count: total * width)
        ordered.withUnsafeMutableBufferPointer { ordered in
            keyWords.withUnsafeMutableBufferPointer { keyWords in
                _ = Parallel.run(ranges.count, workers: threads) { part in
                    var next = starts[part]
                    let survey = surveys[part]
                    let selection = input.selection
                    for (offset, position) in ranges[part].enumerated() {
                        let partition = Int(survey.partitionOf[offset])
                        let place = next[partition]
                        next[partition] = place + 1
                        ordered[place] = selection?[position] ?? position
                        for word in 0..<width { keyWords[place * width + word] = survey.words[offset * width + word] }
                    }
                }
            }
        }
        let partitionOf = surveys.flatMap(\.partitionOf)
        surveys = []  // their words are in `keyWords` now
        var partials: [Partial]
        do throws(Executor.Stop) {
            // The rows by partition and their words live only while the partitions are folded.
            var selected = input
            selected.selection = ordered
            ordered = []  // one reference: the selection
            let radixInput = selected
            let packedWords: [UInt64]? = width == 0 ? nil : keyWords
            keyWords = []
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
        return Aggregation.combine(&partials, partitionOf: partitionOf, input: input, shape: shape, typed: fresh)
    }

    /// One range's positions' partitions, their packed keys' words (`keyWidth` a position),
    /// in row order, and how many of its positions each partition has.
    struct Survey {
        var partitionOf: [UInt8] = []
        var words: [UInt64] = []
        var counts: [Int]
    }

    /// The words of a row's key a survey keeps: a packed key's, none for any other.
    static func keyWidth(_ shape: Shape) -> Int {
        if case .packed(let packed) = shape.key { return packed.words }
        return 0
    }

    /// The partition of each row at `positions`: the high bits of its key's hash (the low bits
    /// choose its slot in the partition's table). Nulls of an integer key go to partition 0.
    static func survey(_ input: Relation, positions: Range<Int>, shape: Shape, partitions: Int) -> Survey {
        var survey = Survey(counts: [Int](repeating: 0, count: partitions))
        survey.partitionOf.reserveCapacity(positions.count)
        let shift = UInt64(64 - (partitions - 1).nonzeroBitCount)
        var words: ([UInt64], [UInt64]) = ([], [])
        survey.words.reserveCapacity(positions.count * keyWidth(shape))
        var blocks = Executor.Blocks(input, positions: positions)
        while let block = blocks.next() {
            switch shape.key {
            case .integers(let values, let nulls):
                for row in block {
                    let isNull = nulls?[row] ?? false
                    let partition = isNull ? 0 : Int(PackedKeys.mix(UInt64(bitPattern: Int64(values[row]))) >> shift)
                    survey.counts[partition] += 1
                    survey.partitionOf.append(UInt8(truncatingIfNeeded: partition))
                }
            case .packed(let packed):
                packed.pack(block, first: &words.0, second: &words.1)
                let twoWords = packed.words == 2
                for position in 0..<block.count {
                    let first = words.0[position]
                    let hash = twoWords ? PackedKeys.mix(first ^ PackedKeys.mix(words.1[position])) : PackedKeys.mix(first)
                    let partition = Int(hash >> shift)
                    survey.counts[partition] += 1
                    survey.partitionOf.append(UInt8(truncatingIfNeeded: partition))
                    survey.words.append(first)
                    if twoWords { survey.words.append(words.1[position]) }
                }
            case .none, .codes, .values:
                survey.counts[0] += block.count
                survey.partitionOf.append(contentsOf: repeatElement(0, count: block.count))
            }
        }
        return survey
    }

    /// The partitions' groups as one, numbered in the order one pass meets them: walking the
    /// positions in order, a position is its group's first when its key is that of its
    /// partition's next group not yet numbered (a partition meets its rows in the same order).
    /// Each partition's groups and aggregates are let go as soon as they are in place.
    static func combine(
        _ partials: inout [Partial], partitionOf: [UInt8], input: Relation, shape: Shape, typed fresh: [TypedAggregate?]
    ) -> Partial {
        var merged = Partial(aggregates: shape.aggregates)
        merged.typed = fresh
        merged.keepsStates = partials.first?.keepsStates ?? false
        let groups = partials.reduce(0) { $0 + $1.groupCount }
        var groupOf = partials.map { [Int](repeating: 0, count: $0.groupCount) }
        var integers: [Int?] = []
        var rows: [Int] = []
        if case .integers = shape.key { integers.reserveCapacity(groups) } else { rows.reserveCapacity(groups) }
        var count = 0
        do {
            var next = [Int](repeating: 0, count: partials.count)
            let selection = input.selection
            // Each partition's groups' keys (integers) or first rows (packed keys), as it met them.
            let integerKeys = partials.map(\.groupIntegers)
            let firstRows = partials.map(\.groupRows)
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
        }
        merged.groupCount = count
        merged.groupIntegers = integers
        merged.groupRows = rows
        let width = shape.aggregates.count
        if merged.keepsStates { merged.states = Array(repeating: merged.fresh, count: merged.groupCount).flatMap { $0 } }
        for partition in partials.indices {
            let partial = partials[partition]
            partials[partition] = Partial(aggregates: [])
            for index in merged.typed.indices {
                merged.typed[index]?.place(partial.typed[index], groups: groupOf[partition], count: merged.groupCount)
            }
            if merged.keepsStates {
                // Every group's accumulators are those of the one partition that has it.
                for local in 0..<partial.groupCount {
                    let base = groupOf[partition][local] * width
                    for index in 0..<width { merged.states[base + index] = partial.states[local * width + index] }
                }
            }
            groupOf[partition] = []
        }
        return merged
    }
}
