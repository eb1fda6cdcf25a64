// Executor: runs a checked plan stage by stage over columns, checking for cancellation between blocks.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax
import Synchronization

/// Runs query plans.
package struct Executor {
    /// How many rows are processed between checks of the cancellation flag.
    package static let blockSize = Parallel.blockSize
    /// Why a join stopped: it would hold more pairs of rows than the limits allow.
    package var joinTooLarge: EvaluationError { .joinTooLarge(maximumPairs: context.limits.maximumJoinPairs) }
    /// The most pairs a join's probe holds before it stops: past the pairs a join may give, or
    /// past what the memory budget could hold (the charge then fails with its own error).
    var pairsHeldAtMost: Int { min(context.limits.maximumJoinPairs, context.memory.maximum / (2 * Executor.wordBytes)) }

    package let context: EvaluationContext
    /// When given, each step's rows and time are recorded in it (`explain analyze`).
    package var profile: ExecutionProfile? = nil
    /// Looks up a table or `let` result by name.
    package let tables: (String) -> Table?

    package init(context: EvaluationContext, profile: ExecutionProfile? = nil, tables: @escaping (String) -> Table?) {
        self.context = context
        self.profile = profile
        self.tables = tables
    }

    /// Why a run stopped early.
    package enum Stop: Error {
        case failed(String)
        case cancelled
    }

    /// Runs a plan from its source through every stage. The statement's own plan says which
    /// step it is at (`context.progress`); a plan inside a step (a join's right side, the other
    /// side of `append`) leaves that to the step it belongs to.
    package func run(_ plan: QueryPlan, reportsSteps: Bool = true) throws(Stop) -> Relation {
        try checkpoint()
        var started = profile?.now
        var relation: Relation
        // Steps as a person counts them: `sort` with the `limit` after it is one.
        var merged = 0
        for index in plan.steps.indices.dropFirst() {
            if case .sort = plan.steps[index - 1].stage, case .limit = plan.steps[index].stage { merged += 1 }
        }
        let stepCount = 1 + plan.steps.count - merged
        var stepNumber = 1
        let progress = reportsSteps ? context.progress : nil
        progress?.begin(step: stepNumber, of: stepCount, name: "read " + plan.sourceDescription)
        switch plan.source {
        case .table(let name):
            guard let table = tables(name) else { throw .failed(EvaluationError.tableGone(name).message) }
            // The table's columns under the plan's schema (the names the check gave them).
            relation = Relation(schema: plan.sourceSchema, columns: table.columns, count: table.rowCount)
        case .range(let start, let stop):
            relation = try generateRange(start, stop)
            relation.schema = plan.sourceSchema
        case .inline(let table):
            relation = Relation(schema: plan.sourceSchema, columns: table.columns, count: table.rowCount)
        }
        if let profile, let started { profile.record("read " + plan.sourceDescription, rows: relation.count, since: started) }
        var index = 0
        // A step that keeps no row whatever its input (`limit 0`, a `where` whose condition
        // holds for no row) makes the steps before it work no row needs: they are not run, so an
        // overflow there is no error, as in SQL (README, "When a value is computed").
        if let empty = plan.steps.lastIndex(where: { keepsNoRow($0.stage) }) {
            let schema = empty == 0 ? plan.sourceSchema : plan.steps[empty - 1].output
            relation = Relation(schema: schema, columns: schema.fields.map { ColumnBuilder(type: $0.type).build() }, count: 0)
            index = empty
        }
        while index < plan.steps.count {
            // The stage alone (one reference), not the whole step: its schema and description
            // are read where they are needed.
            let stage = plan.steps[index].stage
            let first = index
            started = profile?.now
            stepNumber += 1
            if let progress {
                var name = plan.steps[index].description
                if case .sort = stage, index + 1 < plan.steps.count, case .limit = plan.steps[index + 1].stage {
                    name += " " + plan.steps[index + 1].description
                }
                progress.begin(step: stepNumber, of: stepCount, name: name)
            }
            // `order by … limit N offset M` finds the rows ranked M to M + N without sorting them all
            // (a bounded heap for the first few, else a selection by the keys' forms).
            if case .sort(let keys) = stage, index + 1 < plan.steps.count,
                case .limit(let count, let offset) = plan.steps[index + 1].stage
            {
                let compiler = ExpressionCompiler(columns: relation.columns, context: context)
                // Saturating: `limit` and `offset` are whatever whole numbers the user wrote.
                let (end, overflow) = count.addingReportingOverflow(offset)
                try reserve(for: stage, on: relation)
                relation = try sort(relation, keys: keys, compiler: compiler, range: offset..<(overflow ? Int.max : end))
                index += 1  // the limit is done
            } else if case .project(let expressions) = stage {
                // A value is computed only where the answer needs it, as SQL engines do (README,
                // "When a value is computed"): one no later step reads is not computed, and a
                // `where` right after the `select` filters first, with the select's values it
                // reads put in, so the other values are computed only for the rows it keeps.
                var computed = expressions
                if let read = plan.columnsRead(after: index) {
                    for position in computed.indices where !read.contains(position) { computed[position] = .literal(.null) }
                }
                if index + 1 < plan.steps.count, case .filter(let condition) = plan.steps[index + 1].stage {
                    relation = try run(.filter(condition.inlined(expressions)), on: relation, output: relation.schema)
                    relation = try project(computed, on: relation, output: plan.steps[index].output)
                    index += 1  // the where is done
                } else {
                    relation = try project(computed, on: relation, output: plan.steps[index].output)
                }
            } else if case .window(let calls) = stage, let limit = plan.groupLimit(at: index) {
                // A ranking window whose `where` keeps each partition's first `limit` numbers:
                // those rows alone are selected and numbered; the `where` still runs after.
                try reserve(for: stage, on: relation)
                relation = try windowGroupLimit(relation, calls[0], limit: limit, output: plan.steps[index].output)
            } else if case .join(let join) = stage {
                relation = try self.join(relation, join, output: plan.steps[index].output, keeping: plan.columnsRead(after: index))
            } else {
                relation = try run(stage, on: relation, output: plan.steps[index].output)
            }
            try checkpoint()
            if let profile, let started {
                // A step run with the one after it (`order by` and `limit`, `select` and `where`) is one line.
                let description = plan.steps[first...index].map(\.description).joined(separator: " ")
                profile.record(description, rows: relation.count, since: started)
            }
            index += 1
        }
        return relation
    }

    /// Whether a stage keeps no row of any input: `limit 0`, or a `where` whose condition reads
    /// no field and is not true (computed once here; one that fails is left to fail as it runs).
    private func keepsNoRow(_ stage: QueryPlan.Stage) -> Bool {
        switch stage {
        case .limit(let count, _):
            return count <= 0
        case .filter(let condition) where !condition.readsColumns:
            let probe = EvaluationContext(cancellation: nil)
            let holds = ExpressionCompiler(columns: [], context: probe).predicate(condition)(0)
            return !holds && probe.failure == nil
        default:
            return false
        }
    }

    /// A column's integers and nulls, unboxed, when it holds integers.
    package static func integers(_ column: Column) -> (values: [Int], nulls: [Bool]?)? {
        switch column.storage {
        case .integers(let values, let nulls): return (values, nulls.flags)
        case .integers32(let values, let nulls): return (values.map(Int.init), nulls.flags)
        default: return nil
        }
    }

    private func generateRange(_ start: Int, _ stop: Int) throws(Stop) -> Relation {
        // The binder checked that stop - start is a small count; blocks are counted from 0 so that
        // no sum passes `stop` (which may be the largest integer).
        let total = stop &- start
        try reserve(total, bytes: Executor.wordBytes, for: "range of \(total) rows")
        var values: [Int] = []
        values.reserveCapacity(total)
        var done = 0
        context.progress?.expect(rows: total)
        while done < total {
            let block = min(Executor.blockSize, total - done)
            let low = start &+ done  // low + block <= stop: no sum passes the largest integer
            values.append(contentsOf: low..<(low + block))
            context.progress?.advance(block)
            try checkpoint()
            done += block
        }
        return Relation(
            schema: TableSchema(name: "range", fields: [Field(name: "value", type: .integer)]),
            columns: [Column(type: .integer, storage: .integers(values, .none))], count: values.count)
    }

    private func run(_ stage: QueryPlan.Stage, on input: Relation, output: TableSchema) throws(Stop) -> Relation {
        try reserve(for: stage, on: input)
        // Made where a stage compiles here (a `where` over several ranges compiles in each).
        var compiler: ExpressionCompiler { ExpressionCompiler(columns: input.columns, context: context) }
        switch stage {
        case .filter(let condition):
            context.progress?.expect(rows: input.count)
            let ranges = Parallel(context.limits).ranges(of: input.count)
            if ranges.count == 1 {
                // One range (few rows, or one thread): compiled and run here, as the range
                // below would be, without a parallel step's buffers, closures and parts.
                let kernel = compiler.filterKernel(condition)
                var kept: [Int] = []
                kept.reserveCapacity(input.count)
                var blocks = Blocks(input)
                while let rows = blocks.next() {
                    kernel(rows, &kept)
                    context.progress?.advance(rows.count)
                    try checkpoint()
                }
                var result = input
                result.selection = kept
                return result
            }
            var parts = try inParallel(
                input.count, ranges: ranges, columns: input.columns,
                prepare: { compiler, positions in
                    // Room for every row (the first range: for all ranges', which are appended
                    // to it), allocated here; pages are touched only as rows are kept.
                    var kept: [Int] = []
                    kept.reserveCapacity(positions.lowerBound == 0 ? input.count : positions.count)
                    return (compiler.filterKernel(condition), RangeBuffer(kept))
                }
            ) { (prepared, positions, executor) throws(Stop) in
                let kernel = prepared.0
                var kept = prepared.1.take() ?? []
                var blocks = Blocks(input, positions: positions)
                while let rows = blocks.next() {
                    kernel(rows, &kept)
                    executor.context.progress?.advance(rows.count)
                    try executor.checkpoint()
                }
                return kept
            }
            var result = input
            noteThreads(parts.count)
            result.selection = Executor.concatenated(&parts)
            return result
        case .project(let expressions):
            return try project(input, expressions, output: output, compiler: compiler)
        case .sort(let keys):
            return try sort(input, keys: keys, compiler: compiler)
        case .limit(let count, let offset):
            var result = input
            let rows = try rowNumbers(of: input)
            let start = min(offset, rows.count)
            result.selection = Array(rows[start..<(start + min(count, rows.count - start))])
            return result
        case .count:
            var builder = ColumnBuilder(type: .integer)
            builder.append(.integer(input.count))
            return Relation(schema: output, columns: [builder.build()], count: 1)
        case .distinct where input.columns.count == 1:
            // One column: keep the first row of each distinct value, by code where it has one.
            var kept: [Int] = []
            context.progress?.expect(rows: input.count)
            if case .strings(let codes, let dictionary) = input.columns[0].storage {
                var seen = [Bool](repeating: false, count: dictionary.strings.count + 1)
                var remaining = dictionary.strings.count + 1
                try forEachBlock(of: input) { block in
                    guard remaining > 0 else { return }  // every value seen: nothing more to keep
                    for row in block where !seen[Int(codes[row]) + 1] {
                        seen[Int(codes[row]) + 1] = true
                        remaining -= 1
                        kept.append(row)
                    }
                }
            } else {
                var seen = Set<Value>()
                try forEachBlock(of: input) { block in
                    for row in block where seen.insert(input.columns[0].value(at: row)).inserted { kept.append(row) }
                }
            }
            var result = input
            result.schema = output
            result.selection = kept
            return result
        case .distinct:
            let rows = try rowNumbers(of: input)
            var kept: [Int] = []
            if let packed = PackedKeys(input.columns) {
                // Strings and integers: each row's values packed into words, the first row of each kept.
                profile?.note("distinct by " + packed.description)
                kept = try firstRows(rows, packed)
            } else {
                profile?.note("distinct by boxed values")
                var seen = Set<[Value]>()
                try forEachBlock(of: rows) { block in
                    for row in block where seen.insert(input.columns.map { $0.value(at: row) }).inserted { kept.append(row) }
                }
            }
            var result = input
            result.schema = output
            result.selection = kept
            return result
        case .aggregate(let keys, let aggregates, let outputs, let grouped):
            var source = input
            var keyed = keys
            if grouped, let (computed, columns) = try integerKeyColumns(input, keys) {
                source = computed
                keyed = columns
            }
            let outcome = try Aggregation(context: context).run(
                source, keys: keyed, aggregates: aggregates, grouped: grouped,
                compiler: ExpressionCompiler(columns: source.columns, context: context))
            let grouped = outcome.relation
            profile?.note(
                keys.isEmpty
                    ? "one group of \(input.count) rows"
                    : "hash aggregate by \(outcome.method): \(grouped.count) groups of \(input.count) rows")
            noteThreads(min(outcome.partitions, context.limits.threads))
            if outcome.partitions > context.limits.threads { profile?.note("\(outcome.partitions) partitions") }
            let outputCompiler = ExpressionCompiler(columns: grouped.columns, context: context)
            return try project(grouped, outputs, output: output, compiler: outputCompiler)
        case .join(let join):
            return try self.join(input, join, output: output)
        case .append(let other):
            return try append(input, other, output: output)
        case .window(let calls):
            return try window(input, calls, output: output)
        case .intersect(let other, let keep):
            return try intersect(input, other, keep: keep, output: output)
        }
    }

    /// `intersect` and `except`: the distinct rows (as the output's types, integers widened where
    /// a field is a float) that are, or are not, among the other plan's.
    private func intersect(_ input: Relation, _ other: QueryPlan, keep: Bool, output: TableSchema) throws(Stop) -> Relation {
        profile?.depth += 1
        let theirs = try run(other, reportsSteps: false).materialized()
        profile?.depth -= 1
        // Each row is an array of values (a heap object) in a set, and the rows kept become columns.
        let rowBytes = 64 + MemoryLayout<Value>.stride * max(1, output.fields.count)
        let builtBytes = output.fields.reduce(Executor.wordBytes) { $0 + Executor.builtBytes($1.type) }
        try reserve(theirs.count, bytes: rowBytes, for: "rows of 'intersect' or 'except'")
        try reserve(input.count, bytes: rowBytes + builtBytes, for: "rows of 'intersect' or 'except'")
        let types = output.fields.map(\.type)
        func row(_ columns: [Column], _ position: Int) -> [Value] {
            var values: [Value] = []
            for (column, type) in zip(columns, types) {
                let value = column.value(at: position)
                if type == .float, case .integer(let number) = value { values.append(.float(Double(number))) } else { values.append(value) }
            }
            return values
        }
        var present = Set<[Value]>()
        try forEachBlock(of: Array(0..<theirs.count)) { block in
            for position in block { present.insert(row(theirs.columns, position)) }
        }
        var seen = Set<[Value]>()
        var kept: [[Value]] = []
        try forEachBlock(of: try rowNumbers(of: input)) { block in
            for position in block {
                let values = row(input.columns, position)
                if present.contains(values) == keep, seen.insert(values).inserted { kept.append(values) }
            }
        }
        let table = Table(schema: output, rows: kept)
        return Relation(schema: output, columns: table.columns, count: kept.count)
    }

    /// The rows so far, then the other plan's, field by field (an integer becomes a float where
    /// the output's field is one).
    private func append(_ input: Relation, _ other: QueryPlan, output: TableSchema) throws(Stop) -> Relation {
        profile?.depth += 1
        let appended = try run(other, reportsSteps: false).materialized()
        profile?.depth -= 1
        let builtBytes = output.fields.reduce(2 * Executor.wordBytes) { $0 + Executor.builtBytes($1.type) }
        try reserve(input.count + appended.count, bytes: builtBytes, for: "appended rows")
        let rows = try rowNumbers(of: input)
        var columns: [Column] = []
        for (index, field) in output.fields.enumerated() {
            var builder = ColumnBuilder(type: field.type, capacity: rows.count + appended.count)
            var charged = 0
            for (column, positions) in [(input.columns[index], rows), (appended.columns[index], Array(0..<appended.count))] {
                try forEachBlock(of: positions) { block in
                    for row in block {
                        let value = column.value(at: row)
                        if field.type == .float, case .integer(let number) = value {
                            builder.append(.float(Double(number)))
                        } else {
                            builder.append(value)
                        }
                    }
                    chargeHeld(by: builder, since: &charged, for: "appended rows")
                }
            }
            columns.append(builder.build())
        }
        return Relation(schema: output, columns: columns, count: rows.count + appended.count)
    }

    /// The first of `rows` with each packed key, in their order.
    package func firstRows(_ rows: [Int], _ packed: PackedKeys) throws(Stop) -> [Int] {
        var seen = PackedKeyTable(packed, rows: rows.count)
        var words: ([UInt64], [UInt64]) = ([], [])
        var kept: [Int] = []
        try forEachBlock(of: rows) { block in
            packed.pack(block, first: &words.0, second: &words.1)
            for (position, row) in block.enumerated() {
                var isNew = false
                _ = seen.value(for: words.0[position], packed.words == 2 ? words.1[position] : 0) {
                    isNew = true
                    return 0
                }
                if isNew { kept.append(row) }
            }
        }
        return kept
    }

    /// The input with each group key that is integer arithmetic (`group by year * 100 + month`,
    /// `group by n % 1000`) computed as a column after its own, through the kernels, and the keys
    /// naming those columns, so the groups are found by integer, unboxed (a key of values boxed
    /// row by row took 2.0 s for 10M rows where the column and the grouping took 0.27). Nil when
    /// no key is, or when computing one fails (an overflow): the keys are then evaluated row by
    /// row with the aggregates, which raises the error one pass meets first.
    private func integerKeyColumns(_ input: Relation, _ keys: [BoundExpression]) throws(Stop) -> (Relation, [BoundExpression])? {
        let computed = keys.indices.filter { index in
            if case .arithmetic(_, _, _, .integer, _) = keys[index] { return true }
            return false
        }
        guard !computed.isEmpty else { return nil }
        // (The aggregation's reservation counts a word a row for each key.)
        let expressions = input.columns.indices.map { BoundExpression.column($0) } + computed.map { keys[$0] }
        let schema = TableSchema(
            name: input.schema.name,
            fields: input.schema.fields + computed.indices.map { Field(name: "key \($0 + 1)", type: .integer) })
        profile?.note(computed.count == 1 ? "its key computed as integers" : "\(computed.count) keys computed as integers")
        let extended: Relation
        do throws(Stop) {
            extended = try project(input, expressions, output: schema, compiler: ExpressionCompiler(columns: input.columns, context: context))
        } catch {
            guard case .failed = error else { throw error }
            context.forgetFailure()
            try checkpoint()  // the time limit stays
            return nil
        }
        var named = keys
        for (offset, index) in computed.enumerated() { named[index] = .column(input.columns.count + offset) }
        return (extended, named)
    }

    /// `select`: what `run(.project(expressions), on:output:)` does, without making the stage.
    private func project(_ expressions: [BoundExpression], on input: Relation, output: TableSchema) throws(Stop) -> Relation {
        try reserve(projecting: expressions, on: input)
        return try project(input, expressions, output: output, compiler: ExpressionCompiler(columns: input.columns, context: context))
    }

    private func project(
        _ input: Relation, _ expressions: [BoundExpression], output: TableSchema, compiler: ExpressionCompiler
    ) throws(Stop) -> Relation {
        let rows = try rowNumbers(of: input)
        var columns: [Column] = []
        columns.reserveCapacity(expressions.count)
        let computed = zip(expressions, output.fields).filter { expression, field in
            if case .column(let index) = expression, input.columns[index].type == field.type { return false }
            return true
        }.count
        context.progress?.expect(rows: rows.count * computed)
        for (expression, field) in zip(expressions, output.fields) {
            if case .column(let index) = expression, input.columns[index].type == field.type {
                columns.append(input.selection == nil ? input.columns[index] : input.columns[index].gather(rows))
                continue
            }
            if let column = try projectThroughKernel(input, expression, type: field.type, compiler: compiler) {
                columns.append(column)
                continue
            }
            let evaluate = compiler.value(expression)
            var builder = ColumnBuilder(type: field.type, capacity: rows.count)
            var charged = 0
            try forEachBlock(of: rows) { block in
                for row in block { builder.append(evaluate(row)) }
                chargeHeld(by: builder, since: &charged, for: "the strings and lists 'select' makes")
            }
            columns.append(builder.build())
        }
        return Relation(schema: output, columns: columns, count: rows.count)
    }

    /// An integer or float expression computed a block at a time by its kernel, in ranges on
    /// every thread, joined in range order; nil when it has no kernel. A block its kernel gives
    /// up on (an overflow somewhere in it) is computed row by row, which raises the row's error;
    /// the error reported is the earliest range's, as one thread meets it.
    private func projectThroughKernel(
        _ input: Relation, _ expression: BoundExpression, type: DataType, compiler: ExpressionCompiler
    ) throws(Stop) -> Column? {
        switch type {
        case .integer where compiler.integerKernel(expression) != nil: break
        case .float where compiler.floatKernel(expression) != nil: break
        default: return nil
        }
        let isInteger = type == .integer
        var parts = try inParallel(
            input.count, columns: input.columns,
            prepare: { compiler, _ in
                (isInteger ? compiler.integerKernel(expression) : nil, isInteger ? nil : compiler.floatKernel(expression),
                 compiler.value(expression))
            }
        ) { (prepared, positions, executor) throws(Stop) -> ProjectedNumbers in
            let (integerKernel, floatKernel, evaluate) = prepared
            var part = ProjectedNumbers(isInteger: isInteger, capacity: positions.count)
            var blocks = Blocks(input, positions: positions)
            while let rows = blocks.next() {
                if let integerKernel, let vector = integerKernel(rows) {
                    part.append(vector)
                } else if let floatKernel, let vector = floatKernel(rows) {
                    part.append(vector)
                } else {
                    for row in rows { part.append(evaluate(row)) }
                }
                executor.context.progress?.advance(rows.count)
                try executor.checkpoint()
            }
            return part
        }
        noteThreads(parts.count)
        var whole = parts[0]
        parts[0] = ProjectedNumbers(isInteger: isInteger, capacity: 0)  // one reference: extended in place
        for part in parts.dropFirst() { whole.append(part) }
        return whole.column
    }

    /// Sorts the relation's rows; with `range`, keeps only the rows of those ranks.
    private func sort(
        _ input: Relation, keys: [(BoundExpression, descending: Bool)], compiler: ExpressionCompiler, range: Range<Int>? = nil
    ) throws(Stop) -> Relation {
        let rows = try rowNumbers(of: input, counted: true)
        let context = self.context
        context.progress?.stopCounting()  // a top-k counts its rows; a full sort does not
        let shouldStop = { context.shouldStop || context.isPastDeadline }
        let sorter = Sorter(
            keys: keys.map {
                SortKey.make(
                    $0.0, descending: $0.descending, columns: input.columns, rows: rows, compiler: compiler, wanted: range?.upperBound,
                    shouldStop: shouldStop)
            },
            threads: context.limits.threads, shouldStop: shouldStop)
        sorter.progress = context.progress
        try checkpoint()
        var result = input
        result.selection = range.map { sorter.range($0.lowerBound, $0.upperBound, of: rows) } ?? sorter.sorted(rows)
        profile?.note(sorter.method + " of \(rows.count) rows")
        try checkpoint()
        if sorter.stopped { throw .cancelled }
        return result
    }

    // MARK: - Joins


    /// Pairs of left and right rows from `pairs` run over `leftRows` a block at a time, in ranges
    /// on every thread, joined in range order; an error past the pairs a join may hold.
    func probe(
        _ leftRows: [Int], _ pairs: (_ rows: ArraySlice<Int>, _ leftPairs: inout [Int], _ rightPairs: inout [Int]) -> Void
    ) throws(Stop) -> ([Int], [Int]) {
        let maximum = context.limits.maximumJoinPairs
        context.progress?.expect(rows: leftRows.count)
        // The pairs every thread holds, counted together: a limit per thread let eight threads
        // hold eight times the pairs one may (7 GB where one thread stopped with an error).
        let held = SharedCount()
        var parts = try inParallel(
            leftRows.count, columns: [],
            prepare: { _, positions in
                // Room for a match a row (a join on an id), grown past that only when needed; the
                // first range's for every range's, which are appended to it. Allocated here.
                var leftPairs: [Int] = []
                var rightPairs: [Int] = []
                let room = min(positions.lowerBound == 0 ? leftRows.count : positions.count, maximum + 1)
                leftPairs.reserveCapacity(room)
                rightPairs.reserveCapacity(room)
                return RangeBuffer((leftPairs, rightPairs))
            }
        ) { (prepared, positions, executor) throws(Stop) -> ([Int], [Int]) in
            var (leftPairs, rightPairs) = prepared.take() ?? ([], [])
            var blocks = Blocks(leftRows, positions: positions)
            while let rows = blocks.next() {
                let before = leftPairs.count
                pairs(rows, &leftPairs, &rightPairs)
                executor.context.progress?.advance(rows.count)
                if held.add(leftPairs.count - before) > maximum { executor.context.fail(joinTooLarge) }
                executor.context.charge(MemoryBudget.bytes(leftPairs.count - before, each: 2 * Executor.wordBytes), for: "a join's pairs of rows")
                try executor.checkpoint()
            }
            return (leftPairs, rightPairs)
        }
        noteThreads(parts.count)
        if parts.count == 1 { return parts[0] }
        let total = parts.reduce(0) { $0 + $1.0.count }
        if total > maximum { context.fail(joinTooLarge) }
        try checkpoint()
        // Moved out of `parts`, so each array has one reference and the first is extended in place.
        var lefts: [[Int]] = []
        var rights: [[Int]] = []
        for index in parts.indices {
            lefts.append(parts[index].0)
            rights.append(parts[index].1)
            parts[index] = ([], [])
        }
        return (Executor.concatenated(&lefts), Executor.concatenated(&rights))
    }

    /// The parts one after another. The first part's array is extended rather than a new one
    /// filled: at 10M rows a fresh copy of every part was tens of thousands of page faults a
    /// query (arrays that large are mapped afresh each time), which made two threads slower
    /// than one.
    /// `parts` is emptied: the arrays must have no other reference, or the first is copied.
    package static func concatenated(_ parts: inout [[Int]]) -> [Int] {
        guard !parts.isEmpty else { return [] }
        var result = parts[0]
        parts[0] = []  // the only reference left: extended in place
        result.reserveCapacity(parts.reduce(result.count) { $0 + $1.count })
        for part in parts.dropFirst() { result += part }
        parts = []
        return result
    }

    /// The joined rows: left columns at `leftRows`, right columns at `rightRows` (-1 is null).
    /// Columns outside `keeping` are not copied, since no later step reads them.
    func combine(
        _ left: Relation, _ leftRows: [Int], _ right: Relation, _ rightRows: [Int], output: TableSchema,
        keeping: Set<Int>? = nil
    ) -> Relation {
        func wanted(_ index: Int) -> Bool { keeping?.contains(index) ?? true }
        let leftCount = left.columns.count
        let leftColumns = left.columns.enumerated().map { index, column in
            wanted(index) ? column.gather(leftRows) : Column(type: column.type, storage: .unread(leftRows.count))
        }
        let rightColumns = right.columns.enumerated().map { index, column in
            wanted(leftCount + index) ? column.gather(orNull: rightRows) : Column(type: column.type, storage: .unread(rightRows.count))
        }
        return Relation(schema: output, columns: leftColumns + rightColumns, count: leftRows.count)
    }

    /// Tells `explain analyze` that a step ran on several threads.
    package func noteThreads(_ parts: Int) {
        if parts > 1 { profile?.note("\(parts) threads") }
    }

    // MARK: - Blocks

    /// A relation's row numbers a block at a time, for loops that should not run in a closure
    /// (the optimiser keeps a hot loop tight when it is plainly a loop): `while let rows = blocks.next()`.
    package struct Blocks {
        private let selection: [Int]?
        private let count: Int
        private var start = 0
        /// Row numbers of a block of a relation without a selection, refilled for each block.
        private var buffer: [Int] = []

        package init(_ relation: Relation) {
            selection = relation.selection
            count = relation.selection?.count ?? relation.physicalCount
        }

        /// The rows at `positions` of the relation's row order (a range of a parallel step).
        package init(_ relation: Relation, positions: Range<Int>) {
            selection = relation.selection
            start = positions.lowerBound
            count = positions.upperBound
        }

        /// The rows at `positions` of `rows`.
        package init(_ rows: [Int], positions: Range<Int>) {
            selection = rows
            start = positions.lowerBound
            count = positions.upperBound
        }

        package init(_ rows: [Int]) {
            selection = rows
            count = rows.count
        }

        package mutating func next() -> ArraySlice<Int>? {
            guard start < count else { return nil }
            let end = min(start + Executor.blockSize, count)
            defer { start = end }
            if let selection { return selection[start..<end] }
            if buffer.isEmpty { buffer = [Int](repeating: 0, count: min(Executor.blockSize, count)) }
            let first = start
            buffer.withUnsafeMutableBufferPointer { rows in
                for position in 0..<(end - first) { rows[position] = first + position }
            }
            return buffer[0..<(end - start)]
        }
    }

    /// Runs `body` on each block of the relation's rows, counting them as done (`progress`).
    package func forEachBlock(of relation: Relation, _ body: (ArraySlice<Int>) -> Void) throws(Stop) {
        var blocks = Blocks(relation)
        while let rows = blocks.next() {
            body(rows)
            context.progress?.advance(rows.count)
            try checkpoint()
        }
    }

    /// Runs `body` on each block of `rows`, counting them as done (`progress`).
    package func forEachBlock(of rows: [Int], _ body: (ArraySlice<Int>) -> Void) throws(Stop) {
        var blocks = Blocks(rows)
        while let block = blocks.next() {
            body(block)
            context.progress?.advance(block.count)
            try checkpoint()
        }
    }

    /// The relation's physical row numbers, filled a block at a time so that a stop request is
    /// seen within a block even for a hundred million rows.
    package func rowNumbers(of relation: Relation, counted: Bool = false) throws(Stop) -> [Int] {
        if let selection = relation.selection { return selection }
        let count = relation.physicalCount
        var rows = [Int]()
        rows.reserveCapacity(count)
        var start = 0
        // With `counted`, as the step's rows (a hundred million take seconds); the step's own
        // pass over them then counts again from 0.
        let progress = counted ? context.progress : nil
        progress?.expect(rows: count)
        while start < count {
            let end = min(start + Executor.blockSize * 16, count)
            rows.append(contentsOf: start..<end)
            progress?.advance(end - start)
            try checkpoint()
            start = end
        }
        return rows
    }

    package func checkpoint() throws(Stop) {
        if let failure = context.failure { throw .failed(failure) }
        if context.cancellation?.isCancelled ?? false || context.isAbandoned { throw .cancelled }
        if context.isPastDeadline, let timeout = context.limits.timeout {
            throw .failed(EvaluationError.timeLimit(timeout).message)
        }
    }
}

/// A count that several threads add to at once.
package final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds `amount` and returns the new total.
    package func add(_ amount: Int) -> Int {
        value.wrappingAdd(amount, ordering: .relaxed).newValue
    }
}

/// The numbers a range of a projection computed, with their nulls (kept only once there is one).
struct ProjectedNumbers {
    let isInteger: Bool
    var integers: [Int] = []
    var floats: [Double] = []
    var nulls: [Bool]?

    init(isInteger: Bool, capacity: Int) {
        self.isInteger = isInteger
        if isInteger { integers.reserveCapacity(capacity) } else { floats.reserveCapacity(capacity) }
    }

    var count: Int { isInteger ? integers.count : floats.count }

    private mutating func appendNulls(_ flags: [Bool]?, count: Int) {
        if let flags {
            if nulls == nil { nulls = [Bool](repeating: false, count: self.count - count) }
            nulls?.append(contentsOf: flags)
        } else if nulls != nil {
            nulls?.append(contentsOf: repeatElement(false, count: count))
        }
    }

    mutating func append(_ vector: NumericVector<Int>) {
        integers.append(contentsOf: vector.values)
        appendNulls(vector.nulls, count: vector.values.count)
    }

    mutating func append(_ vector: NumericVector<Double>) {
        floats.append(contentsOf: vector.values)
        appendNulls(vector.nulls, count: vector.values.count)
    }

    /// One row's value, computed row by row (null for anything but a number of the column's type).
    mutating func append(_ value: Value) {
        switch (value, isInteger) {
        case (.integer(let number), true):
            integers.append(number)
            appendNulls(nil, count: 1)
        case (.float(let number), false):
            floats.append(number)
            appendNulls(nil, count: 1)
        default:
            if isInteger { integers.append(0) } else { floats.append(0) }
            appendNulls([true], count: 1)
        }
    }

    /// Another range's numbers, after these.
    mutating func append(_ other: ProjectedNumbers) {
        if isInteger { integers.append(contentsOf: other.integers) } else { floats.append(contentsOf: other.floats) }
        let count = other.count
        appendNulls(other.nulls, count: count)
    }

    var column: Column {
        let mask = nulls.map { NullMask(flags: $0) } ?? .none
        return isInteger
            ? Column(type: .integer, storage: .integers(integers, mask))
            : Column(type: .float, storage: .floats(floats, mask))
    }
}

