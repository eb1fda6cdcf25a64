// Executor: runs a checked plan stage by stage over columns, checking for cancellation between blocks.

/// Runs query plans.
struct Executor {
    /// How many rows are processed between checks of the cancellation flag.
    static let blockSize = 4096

    let context: EvaluationContext

    /// Why a run stopped early.
    enum Stop: Error {
        case failed(String)
        case cancelled
    }

    /// Runs a plan, reading its source table from `tables`.
    func run(_ plan: QueryPlan, tables: (String) -> Table?) throws(Stop) -> Relation {
        try checkpoint()
        var relation: Relation
        switch plan.source {
        case .table(let name):
            guard let table = tables(name) else { throw .failed("table '\(name)' no longer exists") }
            relation = Relation(table: table)
        case .range(let start, let stop):
            relation = try generateRange(start, stop)
        }
        for (stage, output) in plan.stages {
            relation = try run(stage, on: relation, output: output)
            try checkpoint()
        }
        return relation
    }

    private func generateRange(_ start: Int, _ stop: Int) throws(Stop) -> Relation {
        var values: [Int] = []
        values.reserveCapacity(stop - start)
        var blockStart = start
        while blockStart < stop {
            let blockEnd = min(blockStart + Executor.blockSize, stop)
            values.append(contentsOf: blockStart..<blockEnd)
            try checkpoint()
            blockStart = blockEnd
        }
        let field = Field(name: "value", type: .integer)
        return Relation(
            schema: TableSchema(name: "range", fields: [field]),
            columns: [Column(type: .integer, storage: .integers(values, .none))], count: values.count)
    }

    private func run(_ stage: QueryPlan.Stage, on input: Relation, output: TableSchema) throws(Stop) -> Relation {
        let compiler = ExpressionCompiler(columns: input.columns, context: context)
        switch stage {
        case .filter(let condition):
            let test = compiler.predicate(condition)
            var kept: [Int] = []
            try forEachBlock(of: input) { rows in
                for row in rows where test(row) { kept.append(row) }
            }
            var result = input
            result.selection = kept
            return result
        case .project(let expressions):
            let rows = input.rows
            var columns: [Column] = []
            for (expression, field) in zip(expressions, output.fields) {
                if case .column(let index) = expression {
                    columns.append(input.selection == nil ? input.columns[index] : input.columns[index].gather(rows))
                    continue
                }
                let evaluate = compiler.value(expression)
                var builder = ColumnBuilder(type: field.type, capacity: rows.count)
                try forEachBlock(of: rows) { block in
                    for row in block { builder.append(evaluate(row)) }
                }
                columns.append(builder.build())
            }
            return Relation(schema: output, columns: columns, count: rows.count)
        case .sort(let keys):
            return try sort(input, keys: keys, compiler: compiler)
        case .limit(let count):
            var result = input
            result.selection = Array(input.rows.prefix(count))
            return result
        case .count:
            var builder = ColumnBuilder(type: .integer)
            builder.append(.integer(input.count))
            return Relation(schema: output, columns: [builder.build()], count: 1)
        }
    }

    private func sort(
        _ input: Relation, keys: [(BoundExpression, descending: Bool)], compiler: ExpressionCompiler
    ) throws(Stop) -> Relation {
        let rows = input.rows
        var keyColumns: [[Value]] = []
        for (expression, _) in keys {
            let evaluate = compiler.value(expression)
            var values: [Value] = []
            values.reserveCapacity(rows.count)
            try forEachBlock(of: rows) { block in
                for row in block { values.append(evaluate(row)) }
            }
            keyColumns.append(values)
        }
        let descending = keys.map(\.descending)
        // Sort positions; ties keep input order, so sorting is stable.
        let order = rows.indices.sorted { a, b in
            for (values, isDescending) in zip(keyColumns, descending) {
                let left = values[a]
                let right = values[b]
                if left.isNull || right.isNull {
                    if left.isNull != right.isNull { return right.isNull }  // nulls last either way
                    continue
                }
                let comparison = Value.compare(left, right) ?? 0
                if comparison != 0 { return isDescending ? comparison > 0 : comparison < 0 }
            }
            return a < b
        }
        var result = input
        result.selection = order.map { rows[$0] }
        return result
    }

    // MARK: - Blocks

    private func forEachBlock(of relation: Relation, _ body: (ArraySlice<Int>) -> Void) throws(Stop) {
        if let selection = relation.selection {
            try forEachBlock(of: selection, body)
            return
        }
        var start = 0
        while start < relation.physicalCount {
            let end = min(start + Executor.blockSize, relation.physicalCount)
            body(ArraySlice(start..<end))
            try checkpoint()
            start = end
        }
    }

    private func forEachBlock(of rows: [Int], _ body: (ArraySlice<Int>) -> Void) throws(Stop) {
        var start = 0
        while start < rows.count {
            let end = min(start + Executor.blockSize, rows.count)
            body(rows[start..<end])
            try checkpoint()
            start = end
        }
    }

    private func checkpoint() throws(Stop) {
        if let failure = context.failure { throw .failed(failure) }
        if context.cancellation?.isCancelled ?? false { throw .cancelled }
    }
}
