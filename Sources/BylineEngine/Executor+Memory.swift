// What each step of a plan charges to the run's memory budget before it builds its structures.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage

extension Executor {
    /// Bytes of one row number, code or unboxed value in a column or a buffer.
    static let wordBytes = MemoryLayout<Int>.stride

    /// Charges `count` things of `size` bytes each to the run's memory budget before they are
    /// built; past the budget, the run stops with an error that names `step`.
    func reserve(_ count: Int, bytes size: Int, for step: @autoclosure () -> String) throws(Stop) {
        context.charge(MemoryBudget.bytes(count, each: size), for: step())
        try checkpoint()
    }

    /// Charges what `builder` has come to hold since `charged` (new distinct strings, lists) as
    /// it fills; the block loop's checkpoint then stops a run that passed the budget.
    func chargeHeld(by builder: ColumnBuilder, since charged: inout Int, for step: @autoclosure () -> String) {
        guard builder.heldBytes > charged else { return }
        _ = context.charge(builder.heldBytes - charged, for: step())
        charged = builder.heldBytes
    }

    /// Bytes one row takes in a column built from values of `type`: its value and null flag, or
    /// a boxed value where the column holds values (lists), or a code where it holds strings.
    static func builtBytes(_ type: DataType) -> Int {
        switch type {
        case .list, .null: return MemoryLayout<Value>.stride + 1
        case .string: return MemoryLayout<Int32>.stride
        default: return wordBytes + 1
        }
    }

    /// What `select` builds: a buffer of row numbers and a column per computed value.
    func reserve(projecting expressions: [BoundExpression], on input: Relation) throws(Stop) {
        let rows = input.count
        var computed = 0
        for expression in expressions {
            if case .column = expression { continue }
            computed += 1
        }
        try reserve(rows, bytes: Executor.wordBytes * (1 + computed), for: "'select' of \(rows) rows")
    }

    /// What a stage builds, charged before it runs: a buffer of row numbers or a column per
    /// computed value, hash tables and sort keys, boxed rows where a stage compares whole rows.
    func reserve(for stage: QueryPlan.Stage, on input: Relation) throws(Stop) {
        let rows = input.count
        switch stage {
        case .filter:
            try reserve(rows, bytes: Executor.wordBytes, for: "the rows 'where' keeps of \(rows)")
        case .project(let expressions):
            try reserve(projecting: expressions, on: input)
        case .sort(let keys):
            try reserve(rows, bytes: Executor.wordBytes * (2 + keys.count), for: "'order by' of \(rows) rows")
        case .distinct:
            try reserve(rows, bytes: Executor.wordBytes * 3, for: "'distinct' of \(rows) rows")
        case .aggregate(let keys, let aggregates, _, _):
            let lists = aggregates.contains { $0.kind == .list || $0.kind == .stringAgg }
            let each = Executor.wordBytes * (1 + keys.count + aggregates.count) + (lists ? MemoryLayout<Value>.stride : 0)
            try reserve(rows, bytes: each, for: "the groups of 'group by'")
        case .window(let calls):
            // Each window's partition order and its value for every row.
            try reserve(rows, bytes: Executor.wordBytes * (1 + 2 * calls.count), for: "the windows of 'select' over \(rows) rows")
        case .limit, .count, .join, .append, .intersect:
            break  // a limit and a count build little; the others charge as they go
        }
    }
}

extension Table {
    /// About what the table's columns take: a word or less a value, the text of its strings.
    package var estimatedBytes: Int {
        columns.reduce(0) { total, column in
            var bytes = MemoryBudget.bytes(rowCount, each: Executor.wordBytes)
            if case .strings(_, let dictionary) = column.storage {
                bytes = bytes &+ MemoryBudget.bytes(dictionary.strings.count, each: 16) &+ dictionary.textBytes
            } else if case .values = column.storage {
                bytes = MemoryBudget.bytes(rowCount, each: MemoryLayout<Value>.stride)
            }
            return total &+ bytes
        }
    }
}
