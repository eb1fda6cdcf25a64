// Window functions: each row gets a value computed from the rows of its partition, in the
// partition's order, without the rows merging or moving.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

extension Executor {
    /// The input's fields, then one field per window function, for every row in the input's order.
    func window(_ input: Relation, _ calls: [WindowCall], output: TableSchema) throws(Stop) -> Relation {
        let rows = input.materialized()
        let count = rows.count
        let positions = Array(0..<count)
        let compiler = ExpressionCompiler(columns: rows.columns, context: context)
        let context = self.context
        let shouldStop = { context.shouldStop || context.isPastDeadline }
        var columns = rows.columns
        for call in calls {
            // Partition keys first, then the order, each row's place among them stable.
            let partitionKeys = call.partition.map {
                SortKey.make($0, descending: false, columns: rows.columns, rows: positions, compiler: compiler, shouldStop: shouldStop)
            }
            let orderKeys = call.order.map {
                SortKey.make($0.0, descending: $0.descending, columns: rows.columns, rows: positions, compiler: compiler, shouldStop: shouldStop)
            }
            var order = positions
            if !partitionKeys.isEmpty || !orderKeys.isEmpty {
                let sorter = Sorter(keys: partitionKeys + orderKeys, threads: context.limits.threads, shouldStop: shouldStop)
                order = sorter.sorted(positions)
                // A key that failed (an overflow) stopped the sort: its error, else cancellation.
                try checkpoint()
                if sorter.stopped { throw .cancelled }
            }
            try checkpoint()
            // Numbering functions write integers, unboxed; the rest a value per row.
            let numbers: Bool
            switch call.function {
            case .rowNumber, .rank, .denseRank: numbers = true
            default: numbers = false
            }
            // The partitions, then runs of whole partitions on every thread: each part writes
            // its own rows (every row is in one partition), so the parts share nothing else.
            let samePartition = partitionKeys.map { $0.equality() }
            let starts = try partitionStarts(order, samePartition: samePartition)
            let parts = Executor.windowParts(count, starts: starts, limits: context.limits)
            profile?.note("\(starts.count) partition\(starts.count == 1 ? "" : "s") on \(parts.count) thread\(parts.count == 1 ? "" : "s")")
            let integers = UnsafeMutableBufferPointer<Int>.allocate(capacity: numbers ? count : 0)
            integers.initialize(repeating: 0)
            let values = UnsafeMutableBufferPointer<Value>.allocate(capacity: numbers ? 0 : count)
            values.initialize(repeating: .null)
            defer {
                integers.deallocate()
                values.deinitialize()
                values.deallocate()
            }
            _ = try inParallel(count, ranges: parts, columns: rows.columns, prepare: { compiler, _ in compiler }) {
                compiler, part, executor throws(Stop) in
                var first = Executor.firstStart(atOrAfter: part.lowerBound, in: starts)
                while first < starts.count, starts[first] < part.upperBound {
                    let start = starts[first]
                    let end = first + 1 < starts.count ? starts[first + 1] : count
                    try executor.compute(call, order[start..<end], orderKeys: orderKeys, compiler: compiler, into: values, numbers: integers)
                    if executor.context.shouldStop || start / Executor.blockSize != end / Executor.blockSize { try executor.checkpoint() }
                    first += 1
                }
            }
            if numbers {
                columns.append(Column(type: .integer, storage: .integers(Array(integers), .none)))
            } else {
                var builder = ColumnBuilder(type: call.type, capacity: count)
                for value in values { builder.append(value) }
                columns.append(builder.build())
            }
        }
        return Relation(schema: output, columns: columns, count: count)
    }

    /// Where each partition starts in `order` (the rows sorted by partition, then order): the
    /// first row, and every row whose partition keys differ from the row before it. Found in
    /// ranges on every thread, put back together in order.
    func partitionStarts(_ order: [Int], samePartition: [(Int, Int) -> Bool]) throws(Stop) -> [Int] {
        guard !order.isEmpty else { return [] }
        guard !samePartition.isEmpty else { return [0] }
        let context = self.context
        let ranges = Parallel(context.limits).ranges(of: order.count)
        let pieces = Parallel.run(ranges.count, workers: context.limits.threads) { part -> [Int] in
            var starts: [Int] = []
            for index in ranges[part] {
                if index % Executor.blockSize == 0, context.shouldStop || context.isPastDeadline { return [] }
                if index == 0 || !samePartition.allSatisfy({ $0(order[index - 1], order[index]) }) { starts.append(index) }
            }
            return starts
        }
        try checkpoint()
        return Array(pieces.joined())
    }

    /// The rows `0..<count` of the sorted order cut into parts for the threads, each part whole
    /// partitions: the even split's bounds moved on to the next partition's start. One part when
    /// the rows are few or one partition holds them all.
    static func windowParts(_ count: Int, starts: [Int], limits: QueryLimits) -> [Range<Int>] {
        let even = Parallel(limits).ranges(of: count)
        guard even.count > 1, starts.count > 1 else { return [0..<count] }
        var bounds = [0]
        for range in even.dropFirst() {
            let next = firstStart(atOrAfter: range.lowerBound, in: starts)
            let bound = next < starts.count ? starts[next] : count
            if let last = bounds.last, bound > last, bound < count { bounds.append(bound) }
        }
        bounds.append(count)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    /// The index in `starts` (ascending) of the first start at or after `position`; `starts.count`
    /// when there is none.
    static func firstStart(atOrAfter position: Int, in starts: [Int]) -> Int {
        var low = 0
        var high = starts.count
        while low < high {
            let middle = low + (high - low) / 2
            if starts[middle] < position { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// One partition's values, its rows (positions) in the partition's order: numbering
    /// functions' into `numbers`, the rest into `values`, each at its row (no other partition
    /// writes there, so partitions may run on several threads at once).
    func compute(
        _ call: WindowCall, _ partition: ArraySlice<Int>, orderKeys: [SortKey], compiler: ExpressionCompiler,
        into values: UnsafeMutableBufferPointer<Value>, numbers: UnsafeMutableBufferPointer<Int>
    ) throws(Stop) {
        let equal = orderKeys.map { $0.equality() }
        func tied(_ a: Int, _ b: Int) -> Bool { equal.allSatisfy { $0(a, b) } }
        switch call.function {
        case .rowNumber:
            for (index, row) in partition.enumerated() { numbers[row] = index + 1 }
            return
        case .rank, .denseRank:
            var rank = 0
            var dense = 0
            var previous = -1
            for (index, row) in partition.enumerated() {
                if index == 0 || !tied(previous, row) {
                    rank = index + 1
                    dense += 1
                }
                previous = row
                numbers[row] = call.function == .rank ? rank : dense
            }
            return
        default:
            break
        }
        let rows = Array(partition)
        switch call.function {
        case .rowNumber, .rank, .denseRank:
            return
        case .lag(let offset), .lead(let offset):
            guard let argument = call.argument else { return }
            let evaluate = compiler.value(argument)
            let backwards = call.function == .lag(offset: offset)
            for (index, row) in rows.enumerated() {
                // Compared without arithmetic on the offset, which may be any whole number.
                if backwards {
                    values[row] = offset <= index ? evaluate(rows[index - offset]) : .null
                } else {
                    values[row] = offset < rows.count - index ? evaluate(rows[index + offset]) : .null
                }
            }
        case .firstValue, .lastValue:
            guard let argument = call.argument else { return }
            let evaluate = compiler.value(argument)
            for (index, row) in rows.enumerated() {
                // The frame's first and last rows: the whole partition, through this row, or
                // the rows before it that `rows N preceding` counts.
                let first: Int
                switch call.frame {
                case .partition, .running: first = 0
                case .preceding(let before): first = before >= index ? 0 : index - before
                }
                let last = call.frame == .partition ? rows.count - 1 : index
                values[row] = evaluate(rows[call.function == .firstValue ? first : last])
            }
        case .aggregate(let aggregate):
            let evaluate = aggregate.argument.map { compiler.value($0) } ?? { _ in .null }
            let arguments = rows.map(evaluate)
            switch call.frame {
            case .partition:
                var accumulator = Accumulator(aggregate)
                for value in arguments { accumulator.add(value, context: context) }
                let result = accumulator.result
                for row in rows { values[row] = result }
            case .running:
                var accumulator = Accumulator(aggregate)
                for (index, row) in rows.enumerated() {
                    accumulator.add(arguments[index], context: context)
                    values[row] = accumulator.result
                }
            case .preceding(let before):
                for (index, row) in rows.enumerated() {
                    var accumulator = Accumulator(aggregate)
                    let first = before >= index ? 0 : index - before
                    for value in arguments[first...index] { accumulator.add(value, context: context) }
                    values[row] = accumulator.result
                    if index % Executor.blockSize == 0 { try checkpoint() }
                }
            }
        }
    }
}
