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
            var integers = [Int](repeating: 0, count: numbers ? count : 0)
            var values = [Value](repeating: .null, count: numbers ? 0 : count)
            let samePartition = partitionKeys.map { $0.equality() }
            var start = 0
            while start < count {
                var end = start + 1
                while end < count, samePartition.allSatisfy({ $0(order[start], order[end]) }) { end += 1 }
                try compute(call, order[start..<end], orderKeys: orderKeys, compiler: compiler, into: &values, numbers: &integers)
                if context.shouldStop || start / Executor.blockSize != end / Executor.blockSize { try checkpoint() }
                start = end
            }
            if numbers {
                columns.append(Column(type: .integer, storage: .integers(integers, .none)))
            } else {
                var builder = ColumnBuilder(type: call.type, capacity: count)
                for value in values { builder.append(value) }
                columns.append(builder.build())
            }
        }
        return Relation(schema: output, columns: columns, count: count)
    }

    /// One partition's values, its rows (positions) in the partition's order: numbering
    /// functions' into `numbers`, the rest into `values`.
    private func compute(
        _ call: WindowCall, _ partition: ArraySlice<Int>, orderKeys: [SortKey], compiler: ExpressionCompiler, into values: inout [Value],
        numbers: inout [Int]
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
