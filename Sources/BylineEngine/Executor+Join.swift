// Joins, one function per way of pairing rows: a nested loop (no equality keys), a hash join on
// one key of strings (by dictionary code), on one key of integers (a key-to-row table), and on
// anything else (boxed values). `join` runs the right side, picks the pairing, then applies the
// rest of the condition, pads a left join's unmatched rows and builds the output.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

extension Executor {
    /// Rows of the left and right side paired, in left-row order (each row's matches together).
    typealias Pairs = (left: [Int], right: [Int])

    /// Pairs rows by hashing the right side on its equality keys (or, with none, every pair), keeps
    /// pairs that pass the rest of the condition, and for a left join adds unmatched left rows.
    func join(
        _ left: Relation, _ plan: QueryPlan.JoinPlan, output: TableSchema, keeping: Set<Int>? = nil
    ) throws(Stop) -> Relation {
        profile?.depth += 1
        let right = try run(plan.right, reportsSteps: false).materialized()
        profile?.depth -= 1
        try reserve(right.count + left.count, bytes: Executor.wordBytes * 2, for: "a join's table of \(right.count) rows")
        let leftRows = try rowNumbers(of: left)
        profile?.note("right side \(right.count) rows, left side \(leftRows.count) rows")
        if keeping?.isEmpty == true, plan.residual == nil, let total = try countedPairs(left, leftRows, plan, right) {
            // No later step reads a field (the join is only counted): the pairs are counted, not made.
            if total > context.limits.maximumJoinPairs { context.fail(joinTooLarge) }
            try checkpoint()
            let columns = (left.columns + right.columns).map { Column(type: $0.type, storage: .unread(total)) }
            return Relation(schema: output, columns: columns, count: total)
        }
        var (leftPairs, rightPairs): Pairs
        if plan.leftKeys.isEmpty {
            (leftPairs, rightPairs) = try nestedLoopPairs(left, leftRows, right, residual: plan.residual, output: output)
        } else if plan.leftKeys.count == 1, case .column(let leftIndex) = plan.leftKeys[0],
            case .strings(let leftCodes, let leftDictionary) = left.columns[leftIndex].storage,
            case .column(let rightIndex) = plan.rightKeys[0],
            case .strings(let rightCodes, let rightDictionary) = right.columns[rightIndex].storage
        {
            (leftPairs, rightPairs) = try stringCodePairs(
                leftRows, leftCodes, leftDictionary, rightCount: right.count, rightCodes, rightDictionary)
        } else if plan.leftKeys.count == 1, case .column(let leftIndex) = plan.leftKeys[0],
            case .column(let rightIndex) = plan.rightKeys[0],
            let leftKeys = Executor.integers(left.columns[leftIndex]), let rightKeys = Executor.integers(right.columns[rightIndex])
        {
            (leftPairs, rightPairs) = try integerPairs(leftRows, leftKeys, rightCount: right.count, rightKeys)
        } else {
            (leftPairs, rightPairs) = try valuePairs(left, leftRows, plan.leftKeys, right, plan.rightKeys)
        }
        if let residual = plan.residual, !plan.leftKeys.isEmpty {
            let candidates = combine(left, leftPairs, right, rightPairs, output: output)
            let test = ExpressionCompiler(columns: candidates.columns, context: context).predicate(residual)
            var keptLeft: [Int] = []
            var keptRight: [Int] = []
            try forEachBlock(of: Array(0..<leftPairs.count)) { block in
                for index in block where test(index) {
                    keptLeft.append(leftPairs[index])
                    keptRight.append(rightPairs[index])
                }
            }
            leftPairs = keptLeft
            rightPairs = keptRight
        }
        if plan.isLeft {
            try padUnmatched(leftRows, &leftPairs, &rightPairs)
        }
        try reserve(leftPairs.count, bytes: Executor.wordBytes * max(1, output.fields.count), for: "the joined rows")
        return combine(left, leftPairs, right, rightPairs, output: output, keeping: keeping)
    }

    /// How many rows a join on one key of strings or integers gives (with a left join's rows
    /// without a match), counted from how many right rows each key has, without making the pairs;
    /// nil for other keys.
    private func countedPairs(_ left: Relation, _ leftRows: [Int], _ plan: QueryPlan.JoinPlan, _ right: Relation) throws(Stop) -> Int? {
        guard plan.leftKeys.count == 1, case .column(let leftIndex) = plan.leftKeys[0], case .column(let rightIndex) = plan.rightKeys[0]
        else { return nil }
        let unmatched = plan.isLeft ? 1 : 0
        var total = 0
        var overflow = false
        var withoutMatch = 0
        if case .strings(let leftCodes, let leftDictionary) = left.columns[leftIndex].storage,
            case .strings(let rightCodes, let rightDictionary) = right.columns[rightIndex].storage
        {
            profile?.note("hash join on string codes, pairs counted")
            var rightCount = [Int](repeating: 0, count: rightDictionary.strings.count)
            for row in 0..<right.count where rightCodes[row] >= 0 { rightCount[Int(rightCodes[row])] += 1 }
            // Each left code's matches, with a slot for null (code -1) at the front.
            var matches = [0]
            for text in leftDictionary.strings { matches.append(rightDictionary.code(of: text).map { rightCount[Int($0)] } ?? 0) }
            try forEachBlock(of: leftRows) { block in
                for row in block {
                    var count = matches[Int(leftCodes[row]) + 1]
                    if count == 0 {
                        withoutMatch += 1
                        count = unmatched
                    }
                    let (sum, past) = total.addingReportingOverflow(count)
                    total = sum
                    overflow = overflow || past
                }
            }
        } else if let leftKeys = Executor.integers(left.columns[leftIndex]), let rightKeys = Executor.integers(right.columns[rightIndex]) {
            profile?.note("hash join on integers, pairs counted")
            var counts = IntegerMap(capacity: right.count)
            for row in 0..<right.count where !(rightKeys.nulls?[row] ?? false) {
                counts.set(rightKeys.values[row], (counts.value(for: rightKeys.values[row]) ?? 0) + 1)
            }
            try checkpoint()
            try forEachBlock(of: leftRows) { block in
                counts.withLookup { count in
                    for row in block {
                        var matches = leftKeys.nulls?[row] ?? false ? 0 : count(leftKeys.values[row]) ?? 0
                        if matches == 0 {
                            withoutMatch += 1
                            matches = unmatched
                        }
                        let (sum, past) = total.addingReportingOverflow(matches)
                        total = sum
                        overflow = overflow || past
                    }
                }
            }
        } else {
            return nil
        }
        if plan.isLeft { profile?.note("left join: \(withoutMatch) rows without a match") }
        return overflow ? Int.max : total
    }

    /// Every pair of rows (no equality keys), made and tested a slice of left rows at a time, so
    /// only the pairs that pass the condition are ever held.
    private func nestedLoopPairs(
        _ left: Relation, _ leftRows: [Int], _ right: Relation, residual: BoundExpression?, output: TableSchema
    ) throws(Stop) -> Pairs {
        var leftPairs: [Int] = []
        var rightPairs: [Int] = []
        guard leftRows.count.multipliedReportingOverflow(by: right.count).partialValue <= context.limits.maximumJoinPairs,
            !leftRows.count.multipliedReportingOverflow(by: right.count).overflow
        else {
            throw .failed(EvaluationError.crossJoinTooLarge(leftRows.count, right.count).message)
        }
        profile?.note("nested loop")
        // Pairs are made and tested a slice of left rows at a time, so only the pairs that pass
        // are ever held, and cancellation is checked between slices.
        let slice = max(1, Executor.blockSize / max(1, right.count))
        var start = 0
        while start < leftRows.count {
            let end = min(start + slice, leftRows.count)
            var candidateLeft: [Int] = []
            var candidateRight: [Int] = []
            let heldBefore = leftPairs.count
            for row in leftRows[start..<end] {
                for other in 0..<right.count {
                    candidateLeft.append(row)
                    candidateRight.append(other)
                }
            }
            if let residual = residual {
                let candidates = combine(left, candidateLeft, right, candidateRight, output: output)
                let test = ExpressionCompiler(columns: candidates.columns, context: context).predicate(residual)
                for index in candidateLeft.indices where test(index) {
                    leftPairs.append(candidateLeft[index])
                    rightPairs.append(candidateRight[index])
                }
            } else {
                leftPairs += candidateLeft
                rightPairs += candidateRight
            }
            context.charge(MemoryBudget.bytes(leftPairs.count - heldBefore, each: 2 * Executor.wordBytes), for: "a join's pairs of rows")
            try checkpoint()
            start = end
        }
        return (leftPairs, rightPairs)
    }

    /// One key of strings on both sides: each distinct left string matched once, then rows paired
    /// by code.
    private func stringCodePairs(
        _ leftRows: [Int], _ leftCodes: [Int32], _ leftDictionary: StringDictionary, rightCount: Int, _ rightCodes: [Int32],
        _ rightDictionary: StringDictionary
    ) throws(Stop) -> Pairs {
        profile?.note("hash join on string codes")
        // One key of strings on both sides: match each distinct left string once, then pair by
        // code. Each left code's right rows are a run of one flat array (no array per code,
        // whose reference count every probing thread would touch per row).
        var rightRowsOfCode = [[Int]](repeating: [], count: rightDictionary.strings.count)
        for row in 0..<rightCount where rightCodes[row] >= 0 { rightRowsOfCode[Int(rightCodes[row])].append(row) }
        let maximum = pairsHeldAtMost
        var matchStart = [0]
        var matchRows: [Int] = []
        for text in leftDictionary.strings {
            if let code = rightDictionary.code(of: text) { matchRows += rightRowsOfCode[Int(code)] }
            matchStart.append(matchRows.count)
        }
        // Constants for the probing threads: a captured `var` is a shared box, read (and its
        // arrays retained) on every use, from every thread.
        let (matchStarts, matchedRows) = (matchStart, matchRows)
        return try probe(leftRows) { rows, leftPairs, rightPairs in
            let (matchStart, matchRows) = (matchStarts, matchedRows)
            for row in rows {
                let code = Int(leftCodes[row])
                guard code >= 0 else { continue }
                for match in matchStart[code]..<matchStart[code + 1] {
                    leftPairs.append(row)
                    rightPairs.append(matchRows[match])
                }
                if leftPairs.count > maximum { return }  // too many: stop before holding more
            }
        }
    }

    /// One key of integers on both sides: a table from key to the first right row and a chain to
    /// the next row of the same key.
    private func integerPairs(
        _ leftRows: [Int], _ leftKeys: (values: [Int], nulls: [Bool]?), rightCount: Int, _ rightKeys: (values: [Int], nulls: [Bool]?)
    ) throws(Stop) -> Pairs {
        profile?.note("hash join on integers")
        // One key of integers on both sides: a table from key to the first right row, and a
        // chain to the next row of the same key, in right order (no boxed values, no arrays per key).
        var first = IntegerMap(capacity: rightCount)
        var next = [Int](repeating: -1, count: rightCount)
        var unique = true
        for row in stride(from: rightCount - 1, through: 0, by: -1) where !(rightKeys.nulls?[row] ?? false) {
            let key = rightKeys.values[row]
            if let head = first.value(for: key) {
                next[row] = head
                unique = false
            }
            first.set(key, row)
        }
        // A key of the right side (an id): every match is one row, and the chain is not read.
        if unique { next = [] }
        profile?.note(unique ? "unique right keys" : "repeated right keys")
        try checkpoint()
        let (values, nulls) = leftKeys
        let maximum = pairsHeldAtMost
        // Constants for the probing threads (a captured `var` is a shared box, read on every use).
        let (table, chain, isUnique) = (first, next, unique)
        return try probe(leftRows) { rows, leftPairs, rightPairs in
            let (next, unique) = (chain, isUnique)
            table.withLookup { first in
                for row in rows where !(nulls?[row] ?? false) {
                    guard var other = first(values[row]) else { continue }
                    if unique {
                        leftPairs.append(row)
                        rightPairs.append(other)
                    } else {
                        while other >= 0 {
                            leftPairs.append(row)
                            rightPairs.append(other)
                            other = next[other]
                        }
                        if leftPairs.count > maximum { return }  // too many: stop before holding more
                    }
                }
            }
        }
    }

    /// Any other keys: the right side's keys as boxed values in a dictionary.
    private func valuePairs(
        _ left: Relation, _ leftRows: [Int], _ leftKeyExpressions: [BoundExpression], _ right: Relation,
        _ rightKeyExpressions: [BoundExpression]
    ) throws(Stop) -> Pairs {
        var leftPairs: [Int] = []
        var rightPairs: [Int] = []
        profile?.note("hash join on values")
        let rightCompiler = ExpressionCompiler(columns: right.columns, context: context)
        let rightKeys = rightKeyExpressions.map(rightCompiler.value)
        var buckets: [[Value]: [Int]] = [:]
        for row in 0..<right.count {
            if row % Executor.blockSize == 0 { try checkpoint() }
            let key = rightKeys.map { $0(row) }
            if key.contains(where: \.isNull) { continue }  // null never equals anything
            buckets[key, default: []].append(row)
        }
        try checkpoint()
        let leftCompiler = ExpressionCompiler(columns: left.columns, context: context)
        let leftKeys = leftKeyExpressions.map(leftCompiler.value)
        context.progress?.expect(rows: leftRows.count)
        try forEachBlock(of: leftRows) { block in
            for row in block {
                let key = leftKeys.map { $0(row) }
                guard let matches = buckets[key] else { continue }
                for other in matches {
                    leftPairs.append(row)
                    rightPairs.append(other)
                }
                if leftPairs.count > pairsHeldAtMost {
                    // Past the pairs a join may give, or the memory its pairs may take.
                    if leftPairs.count > context.limits.maximumJoinPairs { context.fail(joinTooLarge) }
                    context.charge(MemoryBudget.bytes(leftPairs.count, each: 2 * Executor.wordBytes), for: "a join's pairs of rows")
                    return
                }
            }
        }
        return (leftPairs, rightPairs)
    }

    /// A left join's pairs with every unmatched left row added, paired with -1 (null), in left
    /// order. Every way of pairing gives the pairs in the order of `leftRows`, each row's matches
    /// together, so one walk down both finds the rows without a match: no table of matches.
    private func padUnmatched(_ leftRows: [Int], _ leftPairs: inout [Int], _ rightPairs: inout [Int]) throws(Stop) {
        var unmatched = 0
        var next = 0
        for row in leftRows {
            if next < leftPairs.count && leftPairs[next] == row {
                while next < leftPairs.count && leftPairs[next] == row { next += 1 }
            } else {
                unmatched += 1
            }
        }
        profile?.note("left join: \(unmatched) rows without a match")
        guard unmatched > 0 else { return }  // the pairs are the answer as they are
        try checkpoint()
        var allLeft: [Int] = []
        var allRight: [Int] = []
        allLeft.reserveCapacity(leftPairs.count + unmatched)
        allRight.reserveCapacity(leftPairs.count + unmatched)
        next = 0
        for row in leftRows {
            if next < leftPairs.count && leftPairs[next] == row {
                while next < leftPairs.count && leftPairs[next] == row {
                    allLeft.append(row)
                    allRight.append(rightPairs[next])
                    next += 1
                }
            } else {
                allLeft.append(row)
                allRight.append(-1)
            }
        }
        leftPairs = allLeft
        rightPairs = allRight
    }
}
