// Hash aggregation: rows grouped by key values, each group folding its aggregates as rows arrive.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Groups rows and computes aggregates, giving a relation of (keys ++ aggregates).
///
/// Large inputs are split into contiguous partitions, folded at once on every thread, each into
/// its own groups, then merged in partition order: groups are numbered in the order a single
/// pass first meets them. With a float sum or average the partitions are a fixed number (how
/// many depends on the rows, never on the threads), so floats are added in the same order
/// whatever the number of threads; without, a partition per thread. An error in any
/// partition, or integer sums large enough that the order of adding could decide an overflow,
/// sends the whole aggregation through one pass in row order, which raises what one thread raises.
package struct Aggregation {
    package let context: EvaluationContext
    /// Whether several key columns of strings and integers are packed into words (false: they
    /// go by boxed values, the path the packed one is tested against).
    package var packsKeys = true
    /// At most this many partitions, so merging stays small beside folding.
    package static let partitions = 8

    /// How many partitions fold float sums: a number the data decides, never the threads (so
    /// floats are added in the same order on any machine). `partitions`, or 2 where the key
    /// can take a group for every 256 rows or fewer: each partition builds a table and
    /// accumulators for nearly every group, and merging them cost more than the threads saved
    /// (100,000 groups of 10M rows, three sums: 150-210 ms in 8 partitions, 90-120 in 2).
    static func floatPartitions(_ shape: Shape, rows: Int) -> Int {
        if case .packed(let packed) = shape.key, let domain = packed.domain, domain > UInt64(rows / 256) { return 2 }
        return partitions
    }

    /// The groups, and how they were found, for `explain analyze`.
    package struct Outcome {
        package let relation: Relation
        /// How rows found their group ("string codes", "a packed key of 2 columns in one word", …).
        package let method: String
        /// How many partitions were folded (1: one pass).
        package let partitions: Int
    }

    package func run(
        _ input: Relation, keys: [BoundExpression], aggregates written: [AggregateCall], grouped: Bool,
        compiler: ExpressionCompiler
    ) throws(Executor.Stop) -> Outcome {
        // An aggregate written more than once (r² written with sums names `sum(v1)` four times)
        // is computed once; its first place is the one an error of all of them would name.
        var aggregates: [AggregateCall] = []
        let computed = written.map { call in
            if let index = aggregates.firstIndex(of: call) { return index }
            aggregates.append(call)
            return aggregates.count - 1
        }
        let executor = Executor(context: context, tables: { _ in nil })
        let shape = Shape(input: input, keys: keys, aggregates: aggregates, grouped: grouped, packsKeys: packsKeys)
        context.progress?.expect(rows: input.count)
        // Float sums depend on the order of adding: their partitions must not depend on the
        // threads. Other aggregates merge exactly, so they take a partition per thread. Many
        // groups (a key of many strings or integers) do not go by contiguous partitions: each
        // would build a table of nearly every key and the merge would look each up again, which
        // on two cores cost more than it saved (1M rows, 100k integer keys: 17.7 ms in one pass,
        // 21.6 in two partitions; by key ownership, each thread folding its keys' rows, 19.3);
        // they go by radix partitions, or, integers sixteen rows or more a group over a million
        // rows, by contiguous ones after all (`hasManyGroups`).
        var limits = context.limits
        if aggregates.contains(where: { $0.kind == .avg || ($0.kind == .sum && $0.argumentType != .integer) }) {
            limits.threads = Aggregation.floatPartitions(shape, rows: input.count)
        }
        // Many groups on several threads: partitions by the key's hash (RadixAggregation.swift).
        let radix = Aggregation.isRadixPartitioned(shape, input, limits: context.limits)
        var merged = radix ? try radixFold(input, shape: shape, executor: executor) : nil
        // Variance, stddev and corr fold each group's rows in row order: ranges of rows, whose
        // sums would be merged, are not theirs (radix partitions own their groups).
        let inRowOrder = aggregates.contains(where: TypedAggregate.needsRowOrder)
        let partitions = radix || inRowOrder || shape.hasManyGroups(input) ? [0..<input.count] : Parallel(limits).ranges(of: input.count)
        if partitions.count > 1 {
            do throws(Executor.Stop) {
                let partials = try executor.inParallel(input.count, ranges: partitions, columns: input.columns, prepare: { compiler, _ in shape.compile(compiler) }) {
                    (compiled, positions, executor) throws(Executor.Stop) in
                    try shape.fold(input, positions: positions, compiled, executor: executor)
                }
                merged = shape.merge(partials)
            } catch {
                guard case .failed = error else { throw error }
                // One pass in row order decides the error (or finds none: an overflow of a sum
                // in one partition that earlier partitions' rows would have prevented).
                context.forgetFailure()
                try executor.checkpoint()  // the time limit stays
            }
        }
        let result: Partial
        if let merged {
            result = merged
        } else {
            context.progress?.expect(rows: input.count)  // again, after partitions that gave up
            result = try shape.fold(input, positions: 0..<input.count, shape.compile(compiler), executor: executor)
        }
        var relation = shape.relation(of: result, parallel: Parallel(context.limits))
        if aggregates.count < written.count {
            // Each written aggregate's column: a copy of the computed one it repeats.
            let keyCount = relation.columns.count - aggregates.count
            let fields = Array(relation.schema.fields[..<keyCount]) + computed.indices.map { index in
                Field(name: "aggregate\(index)", type: relation.columns[keyCount + computed[index]].type)
            }
            relation = Relation(
                schema: TableSchema(name: "groups", fields: fields),
                columns: Array(relation.columns[..<keyCount]) + computed.map { relation.columns[keyCount + $0] }, count: relation.count)
        }
        let radixUsed = radix && merged != nil
        return Outcome(
            relation: relation, method: shape.method(rows: input.count) + (radixUsed ? ", radix-partitioned" : ""),
            partitions: radixUsed ? Aggregation.radixPartitions : merged == nil ? 1 : partitions.count)
    }

    /// A partition's closures, compiled against its own context.
    package struct Compiled {
        package let context: EvaluationContext
        package let keys: [RowEvaluator]
        package let arguments: [RowEvaluator?]
        package let typed: [TypedAggregate?]
    }

    /// What an aggregation computes and how it finds groups, shared by its partitions.
    package struct Shape {
        package let keys: [BoundExpression]
        package let aggregates: [AggregateCall]
        package let grouped: Bool
        /// count(distinct column) over strings: by dictionary code; with one group, a bit per code
        /// (a bitmap per group could take the dictionary's size times the groups).
        package let distinctCodes: [(codes: [Int32], bitmapSize: Int?)?]
        package let key: Key

        /// How rows find their group: one key that is a column of strings or integers is
        /// looked up by code or integer, unboxed; several such columns by their codes and
        /// integers packed into one or two words; others by their values.
        package enum Key {
            case none
            case codes([Int32], StringDictionary)
            case integers([Int], [Bool]?)
            case packed(PackedKeys)
            case values
        }

        package init(input: Relation, keys: [BoundExpression], aggregates: [AggregateCall], grouped: Bool, packsKeys: Bool = true) {
            self.keys = keys
            self.aggregates = aggregates
            self.grouped = grouped
            distinctCodes = aggregates.map { call in
                guard call.kind == .countDistinct, case .column(let index)? = call.argument,
                    case .strings(let codes, let dictionary) = input.columns[index].storage
                else { return nil }
                return (codes, grouped ? nil : dictionary.strings.count)
            }
            var key = grouped ? Key.values : Key.none
            if grouped, keys.count == 1, case .column(let index) = keys[0] {
                let column = input.columns[index]
                switch column.storage {
                case .strings(let codes, let dictionary):
                    key = .codes(codes, dictionary)
                case .integers, .integers32:
                    // Integers over a range small beside the rows: by offset, in a table indexed by
                    // the key, as a packed key of one column (one miss a row where a probe of a
                    // hash table takes three).
                    if packsKeys, let packed = PackedKeys([column]), PackedKeyTable.isDirect(packed, rows: input.count) {
                        key = .packed(packed)
                    } else if let integers = Executor.integers(column) {
                        key = .integers(integers.values, integers.nulls)
                    }
                default:
                    break
                }
            } else if grouped, packsKeys, keys.count > 1 {
                let columns = keys.compactMap { key -> Column? in
                    if case .column(let index) = key { return input.columns[index] } else { return nil }
                }
                if columns.count == keys.count, let packed = PackedKeys(columns) { key = .packed(packed) }
            }
            self.key = key
        }

        /// How rows find their group, as `explain analyze` says it.
        package func method(rows: Int) -> String {
            switch key {
            case .none: return "one group"
            case .codes: return "string codes"
            case .integers: return "integers"
            case .packed(let packed):
                return packed.description + (PackedKeyTable.isDirect(packed, rows: rows) ? ", a table indexed by the key" : ", hashed")
            case .values: return "boxed values"
            }
        }

        package func compile(_ compiler: ExpressionCompiler) -> Compiled {
            let arguments = aggregates.map { $0.argument.map(compiler.value) }
            return Compiled(
                context: compiler.context, keys: keys.map(compiler.value), arguments: arguments,
                typed: aggregates.indices.map { TypedAggregate(aggregates[$0], compiler: compiler, fallback: arguments[$0]) })
        }

        /// Whether the key is a column of strings or integers with many distinct values (by the
        /// dictionary, or the first block's integers): a decision from the data alone.
        package func hasManyGroups(_ input: Relation) -> Bool {
            switch key {
            case .codes(_, let dictionary):
                return dictionary.strings.count > 4096
            case .integers(let values, _):
                var blocks = Executor.Blocks(input)
                guard let first = blocks.next() else { return false }
                guard Set(first.map { values[$0] }).count > 1024 else { return false }
                // Over a million rows, a block from each sixteenth of them: keys repeated in
                // the sample estimate the groups (under 90% of it distinct: about 300,000 or
                // fewer). Sixteen rows or more a group, each thread folds its own range into
                // a table of its own, merged after; radix partitions would cost more than they
                // save (each partition's rows are gathered: 150,000 groups of 10M rows took
                // 295 ms so, 147 in ranges, 220 in one pass).
                let count = input.count
                guard count >= 1 << 20 else { return true }
                var seen = Set<Int>()
                var sampled = 0
                for part in 0..<16 {
                    let start = count / 16 * part
                    var sample = Executor.Blocks(input, positions: start..<(start + Executor.blockSize))
                    while let block = sample.next() {
                        for row in block { seen.insert(values[row]) }
                        sampled += block.count
                    }
                }
                guard seen.count * 10 <= sampled * 9 else { return true }
                return count < 16 * Shape.groups(distinct: seen.count, in: sampled)
            case .packed(let packed):
                // Few possible keys beside the rows: every partition's table is small.
                if let domain = packed.domain, domain <= UInt64(input.count / 8) { return false }
                var blocks = Executor.Blocks(input)
                guard let first = blocks.next() else { return false }
                var words: ([UInt64], [UInt64]) = ([], [])
                packed.pack(first, first: &words.0, second: &words.1)
                if packed.words == 1 { return Set(words.0).count > 1024 }
                return Set(zip(words.0, words.1).map { [$0, $1] }).count > 1024
            case .values, .none:
                return false
            }
        }

        /// The groups a sample of `sampled` keys, `distinct` of them different, is drawn from,
        /// about (keys equally likely: `groups × (1 - e^(-sampled / groups)) = distinct`).
        static func groups(distinct: Int, in sampled: Int) -> Int {
            guard distinct < sampled else { return Int.max / 32 }
            var low = Double(distinct)
            var high = Double(sampled) * Double(sampled)
            for _ in 0..<64 {
                let middle = (low + high) / 2
                if middle * (1 - exp(-Double(sampled) / middle)) < Double(distinct) { low = middle } else { high = middle }
            }
            return Int(high.rounded(.up))
        }

        /// Groups and their aggregates over the rows at `positions` of the input.
        /// `packedWords`, when given, are the packed keys of the rows at every position of the
        /// input (its words one after another), packed already (by the radix partitioning).
        package func fold(
            _ input: Relation, positions: Range<Int>, _ compiled: Compiled, executor: Executor, packedWords given: [UInt64]? = nil
        ) throws(Executor.Stop) -> Partial {
            let context = compiled.context
            let keyEvaluators = compiled.keys
            let argumentEvaluators = compiled.arguments
            var partial = Partial(aggregates: aggregates)
            // Aggregates over numbers fold a block at a time into typed arrays; the rest row by
            // row, in `states` (kept only when there are such aggregates).
            partial.typed = compiled.typed
            let rowByRow = aggregates.indices.filter { partial.typed[$0] == nil }
            let codeAggregates = rowByRow.compactMap { index in distinctCodes[index].map { (index, $0) } }
            let valueAggregates = rowByRow.filter { distinctCodes[$0] == nil }
            partial.keepsStates = !rowByRow.isEmpty
            if !grouped {
                // Without `group by`, all rows form one group, even when there are none.
                _ = partial.newGroup()
                partial.groupKeys.append([])
            }
            var groupIndex: [[Value]: Int] = [:]
            var groupOfCode: [Int32] = []
            if case .codes(_, let dictionary) = key { groupOfCode = [Int32](repeating: -1, count: dictionary.strings.count + 1) }
            var groupOfInteger = IntegerMap()
            var nullGroup: Int?
            var groupOfPacked = PackedKeyTable()
            var packedWords: ([UInt64], [UInt64]) = ([], [])
            if case .packed(let packed) = key { groupOfPacked = PackedKeyTable(packed, rows: input.count) }
            var blockGroups: [Int] = []
            // What a new group takes: its key, its place in the tables, and each aggregate's state,
            // twice over, since the arrays that hold them grow by doubling (the old copy and the
            // new are held at once).
            let groupBytes = 2 * (Executor.wordBytes * 4 + aggregates.count * (partial.keepsStates ? MemoryLayout<Accumulator>.stride : 2 * Executor.wordBytes))
            var blocks = Executor.Blocks(input, positions: positions)
            while let block = blocks.next() {
                blockGroups.removeAll(keepingCapacity: true)
                let groupsBefore = partial.groupCount
                // Each row's group, by the fastest way the key allows.
                switch key {
                case .codes(let codes, _):
                    for row in block {
                        let slot = Int(codes[row]) + 1  // slot 0 is null
                        var group = Int(groupOfCode[slot])
                        if group < 0 {
                            group = partial.newGroup()
                            groupOfCode[slot] = Int32(group)
                            partial.groupCodes.append(codes[row])
                        }
                        blockGroups.append(group)
                    }
                case .integers(let values, let nulls):
                    for row in block {
                        if !(nulls?[row] ?? false) {
                            let key = values[row]
                            blockGroups.append(groupOfInteger.value(for: key) {
                                partial.groupIntegers.append(key)
                                return partial.newGroup()
                            })
                        } else if let existing = nullGroup {
                            // The group of nulls is kept apart: no integer key stands for it.
                            blockGroups.append(existing)
                        } else {
                            let group = partial.newGroup()
                            nullGroup = group
                            partial.groupIntegers.append(nil)
                            blockGroups.append(group)
                        }
                    }
                case .packed(let packed):
                    if let given {
                        // The block's positions in the input are its indices in the selection.
                        let range = (block.startIndex * packed.words)..<(block.endIndex * packed.words)
                        packedWords.0.removeAll(keepingCapacity: true)
                        packedWords.1.removeAll(keepingCapacity: true)
                        if packed.words == 1 {
                            packedWords.0.append(contentsOf: given[range])
                        } else {
                            for index in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
                                packedWords.0.append(given[index])
                                packedWords.1.append(given[index + 1])
                            }
                        }
                    } else {
                        packed.pack(block, first: &packedWords.0, second: &packedWords.1)
                    }
                    let twoWords = packed.words == 2
                    // Once every key of a block has its group, a table indexed by the key
                    // gives the block's groups in one loop.
                    if !twoWords, groupOfPacked.numbers(of: packedWords.0, into: &blockGroups) { break }
                    for (position, row) in block.enumerated() {
                        let first = packedWords.0[position]
                        let second = twoWords ? packedWords.1[position] : 0
                        blockGroups.append(groupOfPacked.value(for: first, second) {
                            // A radix partition's groups are put together by their first rows
                            // alone (`combine`): their words are not kept.
                            if given == nil {
                                partial.groupWords.append(first)
                                if twoWords { partial.groupWords.append(second) }
                            }
                            partial.groupRows.append(row)
                            return partial.newGroup()
                        })
                    }
                case .values:
                    for row in block {
                        let key = keyEvaluators.map { $0(row) }
                        if let existing = groupIndex[key] {
                            blockGroups.append(existing)
                        } else {
                            let group = partial.newGroup()
                            groupIndex[key] = group
                            partial.groupKeys.append(key)
                            blockGroups.append(group)
                        }
                    }
                case .none:
                    blockGroups.append(contentsOf: repeatElement(0, count: block.count))
                }
                if !context.charge(MemoryBudget.bytes(partial.groupCount - groupsBefore, each: groupBytes), for: "the groups of 'group by'") {
                    try executor.checkpoint()
                }
                // Distinct codes cannot fail, so they go aggregate by aggregate (the codes array
                // taken once a block: a reference count touched per row by every thread would be
                // one cache line they all fight over); the rest row by row, so the first error
                // is the first row's.
                for (index, distinct) in codeAggregates {
                    let (codes, bitmapSize) = distinct
                    for (position, row) in block.enumerated() {
                        partial.states[blockGroups[position] * aggregates.count + index].addDistinctCode(codes[row], bitmapSize: bitmapSize)
                    }
                }
                if !valueAggregates.isEmpty {
                    for (position, row) in block.enumerated() {
                        let base = blockGroups[position] * aggregates.count
                        for index in valueAggregates {
                            partial.states[base + index].add(argumentEvaluators[index]?(row) ?? .null, context: context)
                        }
                    }
                }
                for index in partial.typed.indices where partial.typed[index] != nil {
                    partial.typed[index]?.grow(to: partial.groupCount)
                    partial.typed[index]?.fold(block, groups: blockGroups, context: context)
                }
                context.progress?.advance(block.count)
                try executor.checkpoint()
            }
            return partial
        }

        /// The partitions' groups and aggregates as one, in partition order; nil when a sum's
        /// overflow, or a list's length, must be decided by one pass in row order.
        package func merge(_ partials: [Partial]) -> Partial? {
            guard var merged = partials.first else { return nil }
            var groupIndex: [[Value]: Int] = [:]
            var groupOfCode: [Int32] = []
            var groupOfInteger = IntegerMap()
            var nullGroup: Int?
            var groupOfPacked = PackedKeyTable()
            if case .packed(let packed) = key { groupOfPacked = PackedKeyTable(packed, rows: merged.groupCount) }
            /// Registers the merged groups' keys so later partitions find them.
            func index(_ groups: Range<Int>) {
                for group in groups {
                    switch key {
                    case .codes(_, let dictionary):
                        if groupOfCode.isEmpty { groupOfCode = [Int32](repeating: -1, count: dictionary.strings.count + 1) }
                        groupOfCode[Int(merged.groupCodes[group]) + 1] = Int32(group)
                    case .integers:
                        if let integer = merged.groupIntegers[group] { groupOfInteger.set(integer, group) } else { nullGroup = group }
                    case .packed(let packed):
                        let (first, second) = Shape.words(of: group, in: merged, packed.words)
                        groupOfPacked.set(first, second, group)
                    case .values:
                        groupIndex[merged.groupKeys[group]] = group
                    case .none:
                        continue
                    }
                }
            }
            index(0..<merged.groupCount)
            for partial in partials.dropFirst() {
                let known = merged.groupCount
                var groupOf = [Int](repeating: 0, count: partial.groupCount)
                for group in 0..<partial.groupCount {
                    let existing: Int?
                    switch key {
                    case .codes:
                        let found = Int(groupOfCode[Int(partial.groupCodes[group]) + 1])
                        existing = found < 0 ? nil : found
                    case .integers:
                        existing = partial.groupIntegers[group].map { groupOfInteger.value(for: $0) } ?? nullGroup
                    case .packed(let packed):
                        let (first, second) = Shape.words(of: group, in: partial, packed.words)
                        existing = groupOfPacked.value(for: first, second)
                    case .values:
                        existing = groupIndex[partial.groupKeys[group]]
                    case .none:
                        existing = 0
                    }
                    if let existing {
                        groupOf[group] = existing
                        continue
                    }
                    groupOf[group] = merged.newGroup()
                    switch key {
                    case .codes: merged.groupCodes.append(partial.groupCodes[group])
                    case .integers: merged.groupIntegers.append(partial.groupIntegers[group])
                    case .packed(let packed):
                        let start = group * packed.words
                        merged.groupWords.append(contentsOf: partial.groupWords[start..<(start + packed.words)])
                        merged.groupRows.append(partial.groupRows[group])
                    case .values, .none: merged.groupKeys.append(partial.groupKeys[group])
                    }
                }
                let groupCount = merged.groupCount
                index(known..<groupCount)
                for index in aggregates.indices {
                    merged.typed[index]?.merge(partial.typed[index], groups: groupOf, count: groupCount)
                }
                if merged.keepsStates {
                    for group in 0..<partial.groupCount {
                        for index in aggregates.indices {
                            merged.states[groupOf[group] * aggregates.count + index].merge(partial.states[group * aggregates.count + index])
                        }
                    }
                }
            }
            let decided = merged.typed.allSatisfy { $0?.sumsCannotOverflow ?? true } && merged.states.allSatisfy(\.isDecided)
            return decided ? merged : nil
        }

        /// A group's packed key (the second word 0 with one word).
        package static func words(of group: Int, in partial: Partial, _ words: Int) -> (UInt64, UInt64) {
            (partial.groupWords[group * words], words == 2 ? partial.groupWords[group * words + 1] : 0)
        }

        /// The groups as a relation: keys, then aggregates (statistics on `parallel`'s threads).
        package func relation(of partial: Partial, parallel: Parallel? = nil) -> Relation {
            var builders = keys.indices.map { _ in [Value]() }
            var results = aggregates.indices.map { _ in [Value]() }
            for key in partial.groupKeys {
                for index in key.indices { builders[index].append(key[index]) }
            }
            // Typed aggregates give their columns as they are; the rest box a value per group.
            let typedColumns = partial.typed.map { $0?.column(groups: partial.groupCount) }
            // Typed statistics give every group's value at once (their numbers put in order once).
            for index in aggregates.indices where typedColumns[index] == nil {
                if let values = partial.typed[index]?.statistics(groups: partial.groupCount, parallel: parallel) { results[index] = values }
            }
            let boxed = aggregates.indices.filter { typedColumns[$0] == nil && !(partial.typed[$0]?.isStatistic ?? false) }
            for group in 0..<partial.groupCount {
                for index in boxed {
                    results[index].append(
                        partial.typed[index]?.result(group) ?? partial.states[group * aggregates.count + index].result)
                }
            }
            var columns: [Column] = []
            var fields: [Field] = []
            switch key {
            case .codes(_, let dictionary):
                columns.append(Column(type: .string, storage: .strings(partial.groupCodes, dictionary)))
                fields.append(Field(name: "key0", type: .string))
                builders = []
            case .integers:
                let integers = partial.groupIntegers
                let nulls = integers.contains(nil) ? NullMask(flags: integers.map { $0 == nil }) : .none
                columns.append(Column(type: .integer, storage: .integers(integers.map { $0 ?? 0 }, nulls)))
                fields.append(Field(name: "key0", type: .integer))
                builders = []
            case .packed(let packed):
                // Each group's keys are its first row's: taken from the key columns, not unpacked.
                for (index, column) in packed.columns.map({ $0.gather(partial.groupRows) }).enumerated() {
                    columns.append(column)
                    fields.append(Field(name: "key\(index)", type: column.type))
                }
                builders = []
            case .values, .none:
                break
            }
            for (index, values) in builders.enumerated() {
                let type = Aggregation.type(of: values)
                columns.append(Aggregation.column(values, type: type))
                fields.append(Field(name: "key\(index)", type: type))
            }
            for (index, values) in results.enumerated() {
                let column = typedColumns[index] ?? Aggregation.column(values, type: Aggregation.type(of: values))
                columns.append(column)
                fields.append(Field(name: "aggregate\(index)", type: column.type))
            }
            return Relation(schema: TableSchema(name: "groups", fields: fields), columns: columns, count: partial.groupCount)
        }
    }

    /// The groups of some rows and their aggregates' running state.
    package struct Partial {
        package let fresh: [Accumulator]
        package var groupCount = 0
        /// Each group's key values (by value, or `[]` for the one group without `group by`).
        package var groupKeys: [[Value]] = []
        /// By code: each group's key code (the output key column reuses the input's dictionary).
        package var groupCodes: [Int32] = []
        /// By integer: each group's key (nil for the group of nulls).
        package var groupIntegers: [Int?] = []
        /// By packed key: each group's words, one group after another, and its first row.
        package var groupWords: [UInt64] = []
        package var groupRows: [Int] = []
        package var typed: [TypedAggregate?] = []
        /// Every group's row-by-row accumulators in one array, group after group.
        package var states: [Accumulator] = []
        package var keepsStates = true

        package init(aggregates: [AggregateCall]) { fresh = aggregates.map(Accumulator.init) }

        /// A new group: its number, with room for its accumulators.
        package mutating func newGroup() -> Int {
            groupCount += 1
            if keepsStates { states.append(contentsOf: fresh) }
            return groupCount - 1
        }
    }

    /// The storage type for computed values: the first non-null value's kind.
    private static func type(of values: [Value]) -> DataType {
        for value in values {
            switch value {
            case .null: continue
            case .integer: return values.contains { if case .float = $0 { return true } else { return false } } ? .float : .integer
            case .float: return .float
            case .string: return .string
            case .bool: return .bool
            case .date: return .date
            case .timestamp: return .timestamp
            case .list: return .list(.null)
            }
        }
        return .null
    }

    private static func column(_ values: [Value], type: DataType) -> Column {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for value in values { builder.append(value) }
        return builder.build()
    }

    package init(context: EvaluationContext, packsKeys: Bool = true) {
        self.context = context
        self.packsKeys = packsKeys
    }
}

/// The running state of one aggregate for one group.
package struct Accumulator {
    /// The most values one `list()` may collect.
    package static let maximumListLength = 10_000_000
    package let call: AggregateCall
    private var count = 0
    private var integerSum = 0
    private var floatSum = 0.0
    private var extreme: Value = .null
    private var distinct = Set<Value>()
    /// `count(distinct s)` of a column of strings: the codes seen (a code is a string, exactly).
    private var distinctCodes = Set<Int32>()
    /// The same as a bit per code, when the caller gives the dictionary's size.
    private var codeBits: [UInt64] = []
    private var codeBitCount = 0
    private var values: [Value] = []
    /// The numbers of a statistic, in row order; for `corr`, each pair as y then x.
    private var numbers: [Double] = []
    /// The sum of the integers' magnitudes while it fits: below `Int.max`, no order of adding
    /// them overflows, so partitions' sums may be merged.
    private var magnitude: UInt = 0
    private var magnitudeOverflowed = false

    /// Whether merging partitions gave what one pass gives: no integer sum that could have
    /// overflowed in some order, no list longer than a list may be.
    package var isDecided: Bool {
        if call.kind == .list || call.kind == .stringAgg { return values.count <= Accumulator.maximumListLength }
        return !magnitudeOverflowed && magnitude <= UInt(Int.max)
    }

    /// Adds another partition's state for the same group, which came after this one's rows.
    package mutating func merge(_ other: Accumulator) {
        count += other.count
        integerSum = integerSum &+ other.integerSum
        floatSum += other.floatSum
        let (total, overflow) = magnitude.addingReportingOverflow(other.magnitude)
        magnitude = total
        magnitudeOverflowed = magnitudeOverflowed || overflow || other.magnitudeOverflowed
        if !other.extreme.isNull {
            let order = extreme.isNull ? 0 : Value.compare(other.extreme, extreme) ?? 0
            if extreme.isNull || (call.kind == .min && order < 0) || (call.kind == .max && order > 0) { extreme = other.extreme }
        }
        distinct.formUnion(other.distinct)
        distinctCodes.formUnion(other.distinctCodes)
        if !other.codeBits.isEmpty {
            if codeBits.isEmpty { codeBits = [UInt64](repeating: 0, count: other.codeBits.count) }
            codeBitCount = 0
            for word in codeBits.indices {
                codeBits[word] |= other.codeBits[word]
                codeBitCount += codeBits[word].nonzeroBitCount
            }
        }
        values.append(contentsOf: other.values)
        numbers.append(contentsOf: other.numbers)
    }

    /// Folds in one row of `count(distinct …)` over a dictionary-encoded column by its code
    /// (-1 is null), without boxing or hashing the string; with `bitmapSize` (the dictionary's
    /// size), by a bit per code.
    package mutating func addDistinctCode(_ code: Int32, bitmapSize: Int? = nil) {
        guard code >= 0 else { return }
        count += 1
        guard let bitmapSize else {
            distinctCodes.insert(code)
            return
        }
        if codeBits.isEmpty { codeBits = [UInt64](repeating: 0, count: bitmapSize / 64 + 1) }
        let word = Int(code) >> 6
        let bit: UInt64 = 1 << UInt64(code & 63)
        if codeBits[word] & bit == 0 {
            codeBits[word] |= bit
            codeBitCount += 1
        }
    }

    package init(_ call: AggregateCall) {
        self.call = call
    }

    /// Folds one row's argument in; nulls are skipped (except by `count()`).
    package mutating func add(_ value: Value, context: EvaluationContext) {
        if call.kind == .countRows {
            count += 1
            return
        }
        if call.kind == .corr {
            // A pair counts when both of its numbers are there.
            if case .list(let pair) = value, pair.count == 2, let y = Statistics.number(pair[0]), let x = Statistics.number(pair[1]) {
                numbers += [y, x]
            }
            return
        }
        if value.isNull { return }
        count += 1
        switch call.kind {
        case .sum, .avg:
            switch value {
            case .integer(let number):
                let (sum, overflow) = integerSum.addingReportingOverflow(number)
                if overflow && call.kind == .sum && call.argumentType == .integer {
                    context.fail(
                        .integerOverflowInSum,
                        at: call.place)
                }
                integerSum = sum
                floatSum += Double(number)
                let (total, tooLarge) = magnitude.addingReportingOverflow(number.magnitude)
                magnitude = total
                magnitudeOverflowed = magnitudeOverflowed || tooLarge
            case .float(let number):
                floatSum += number
            default: break
            }
        case .min:
            if extreme.isNull || (Value.compare(value, extreme) ?? 0) < 0 { extreme = value }
        case .max:
            if extreme.isNull || (Value.compare(value, extreme) ?? 0) > 0 { extreme = value }
        case .countDistinct:
            distinct.insert(value)
        case .list, .stringAgg:
            if call.kind == .stringAgg && value.isNull { break }
            values.append(value)
            // All of one list's values are held at once; tens of millions would exhaust memory.
            if values.count > Accumulator.maximumListLength {
                context.fail(
                    .listTooLong(maximum: Accumulator.maximumListLength),
                    at: call.place)
            }
        case .median, .quantile, .stddev, .variance:
            if let number = Statistics.number(value) { numbers.append(number) }
        case .count, .countRows, .corr:
            break
        }
    }

    /// The aggregate's value: null for sum, avg, min and max of no values; 0 for counts; [] for list.
    package var result: Value {
        switch call.kind {
        case .countRows, .count: return .integer(count)
        case .countDistinct: return .integer(distinct.count + distinctCodes.count + codeBitCount)
        case .sum:
            if count == 0 { return .null }
            if call.argumentType == .float { return floatSum.isNaN ? .null : .float(floatSum) }
            return .integer(integerSum)
        case .avg:
            // Infinity minus infinity is not a number: null, as in arithmetic.
            let average = floatSum / Double(count)
            return count == 0 || average.isNaN ? .null : .float(average)
        case .min, .max: return extreme
        case .list: return .list(values)
        case .stringAgg:
            if values.isEmpty { return .null }
            return .string(values.map { if case .string(let text) = $0 { return text } else { return "" } }.joined(separator: call.separator ?? ""))
        case .median, .quantile, .variance, .stddev, .corr:
            return Statistics.result(call.kind, of: numbers[...], fraction: call.fraction)
        }
    }
}
