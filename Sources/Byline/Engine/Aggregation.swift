// Hash aggregation: rows grouped by key values, each group folding its aggregates as rows arrive.

/// Groups rows and computes aggregates, giving a relation of (keys ++ aggregates).
struct Aggregation {
    let context: EvaluationContext

    func run(
        _ input: Relation, keys: [BoundExpression], aggregates: [AggregateCall], grouped: Bool,
        compiler: ExpressionCompiler
    ) throws(Executor.Stop) -> Relation {
        let keyEvaluators = keys.map(compiler.value)
        let argumentEvaluators = aggregates.map { $0.argument.map(compiler.value) }
        // count(distinct column) over strings: by dictionary code; with one group, a bit per code
        // (a bitmap per group could take the dictionary's size times the groups).
        let distinctCodes: [(codes: [Int32], bitmapSize: Int?)?] = aggregates.map { call in
            guard call.kind == .countDistinct, case .column(let index)? = call.argument,
                case .strings(let codes, let dictionary) = input.columns[index].storage
            else { return nil }
            return (codes, grouped ? nil : dictionary.strings.count)
        }
        var groupIndex: [[Value]: Int] = [:]
        var groupKeys: [[Value]] = []
        /// Every group's accumulators in one array, group after group (no array per group).
        let fresh = aggregates.map(Accumulator.init)
        var states: [Accumulator] = []
        var groupCount = 0
        if !grouped {
            // Without `group by`, all rows form one group, even when there are none.
            groupKeys.append([])
            states.append(contentsOf: fresh)
            groupCount = 1
        }
        let executor = Executor(context: context, tables: { _ in nil })
        // One key that is a column of strings or integers: find groups by code or integer, unboxed.
        var groupOfCode: [Int32] = []
        var byCode = false
        var codes: [Int32] = []
        var keyDictionary: StringDictionary?
        /// With `byCode`, each group's key code: the output key column reuses the input's dictionary.
        var groupCodes: [Int32] = []
        var groupOfInteger = IntegerMap()
        var integerKey: ([Int], [Bool]?)?
        /// With `integerKey`, each group's key (nil for the group of nulls).
        var groupIntegers: [Int?] = []
        var nullGroup: Int?
        if grouped, keys.count == 1, case .column(let index) = keys[0] {
            switch input.columns[index].storage {
            case .strings(let keyCodes, let dictionary):
                codes = keyCodes
                byCode = true
                keyDictionary = dictionary
                groupOfCode = [Int32](repeating: -1, count: dictionary.strings.count + 1)
            case .integers(let values, let nulls):
                integerKey = (values, nulls.flags)
            case .integers32(let values, let nulls):
                integerKey = (values.map(Int.init), nulls.flags)
            default:
                break
            }
        }
        // Aggregates over numbers fold a block at a time into typed arrays; the rest row by row,
        // in `states` (kept only when there are such aggregates).
        var typed: [TypedAggregate?] = aggregates.indices.map {
            TypedAggregate(aggregates[$0], compiler: compiler, fallback: argumentEvaluators[$0])
        }
        let rowByRow = aggregates.indices.filter { typed[$0] == nil }
        if rowByRow.isEmpty { states = [] }
        /// A new group: its number, with room for its accumulators.
        func newGroup() -> Int {
            groupCount += 1
            if !rowByRow.isEmpty { states.append(contentsOf: fresh) }
            return groupCount - 1
        }
        var blockGroups: [Int] = []
        var blocks = Executor.Blocks(input)
        while let block = blocks.next() {
            blockGroups.removeAll(keepingCapacity: true)
            // Each row's group, by the fastest way the key allows.
            if byCode {
                for row in block {
                    let slot = Int(codes[row]) + 1  // slot 0 is null
                    var group = Int(groupOfCode[slot])
                    if group < 0 {
                        group = newGroup()
                        groupOfCode[slot] = Int32(group)
                        groupCodes.append(codes[row])
                    }
                    blockGroups.append(group)
                }
            } else if let (values, nulls) = integerKey {
                for row in block {
                    if !(nulls?[row] ?? false) {
                        let key = values[row]
                        blockGroups.append(groupOfInteger.value(for: key) {
                            groupIntegers.append(key)
                            return newGroup()
                        })
                    } else if let existing = nullGroup {
                        // The group of nulls is kept apart: no integer key stands for it.
                        blockGroups.append(existing)
                    } else {
                        let group = newGroup()
                        nullGroup = group
                        groupIntegers.append(nil)
                        blockGroups.append(group)
                    }
                }
            } else if grouped {
                for row in block {
                    let key = keyEvaluators.map { $0(row) }
                    if let existing = groupIndex[key] {
                        blockGroups.append(existing)
                    } else {
                        let group = newGroup()
                        groupIndex[key] = group
                        groupKeys.append(key)
                        blockGroups.append(group)
                    }
                }
            } else {
                blockGroups.append(contentsOf: repeatElement(0, count: block.count))
            }
            if !rowByRow.isEmpty {
                for (position, row) in block.enumerated() {
                    let base = blockGroups[position] * aggregates.count
                    for index in rowByRow {
                        if let distinct = distinctCodes[index] {
                            states[base + index].addDistinctCode(distinct.codes[row], bitmapSize: distinct.bitmapSize)
                        } else {
                            states[base + index].add(argumentEvaluators[index]?(row) ?? .null, context: context)
                        }
                    }
                }
            }
            for index in typed.indices where typed[index] != nil {
                typed[index]?.grow(to: groupCount)
                typed[index]?.fold(block, groups: blockGroups, context: context)
            }
            try executor.checkpoint()
        }
        var builders = keys.indices.map { _ in [Value]() }
        var results = aggregates.indices.map { _ in [Value]() }
        for key in groupKeys {
            for index in key.indices { builders[index].append(key[index]) }
        }
        for group in 0..<groupCount {
            for index in aggregates.indices {
                results[index].append(typed[index]?.result(group) ?? states[group * aggregates.count + index].result)
            }
        }
        var columns: [Column] = []
        var fields: [Field] = []
        if let keyDictionary {
            columns.append(Column(type: .string, storage: .strings(groupCodes, keyDictionary)))
            fields.append(Field(name: "key0", type: .string))
            builders = []
        } else if integerKey != nil {
            let nulls = groupIntegers.contains(nil) ? NullMask(flags: groupIntegers.map { $0 == nil }) : .none
            columns.append(Column(type: .integer, storage: .integers(groupIntegers.map { $0 ?? 0 }, nulls)))
            fields.append(Field(name: "key0", type: .integer))
            builders = []
        }
        for (index, values) in builders.enumerated() {
            let type = Aggregation.type(of: values)
            columns.append(Aggregation.column(values, type: type))
            fields.append(Field(name: "key\(index)", type: type))
        }
        for (index, values) in results.enumerated() {
            let type = Aggregation.type(of: values)
            columns.append(Aggregation.column(values, type: type))
            fields.append(Field(name: "aggregate\(index)", type: type))
        }
        return Relation(schema: TableSchema(name: "groups", fields: fields), columns: columns, count: groupCount)
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
}

/// The running state of one aggregate for one group.
struct Accumulator {
    /// The most values one `list()` may collect.
    static let maximumListLength = 10_000_000
    let call: AggregateCall
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

    /// Folds in one row of `count(distinct …)` over a dictionary-encoded column by its code
    /// (-1 is null), without boxing or hashing the string; with `bitmapSize` (the dictionary's
    /// size), by a bit per code.
    mutating func addDistinctCode(_ code: Int32, bitmapSize: Int? = nil) {
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

    init(_ call: AggregateCall) {
        self.call = call
    }

    /// Folds one row's argument in; nulls are skipped (except by `count()`).
    mutating func add(_ value: Value, context: EvaluationContext) {
        if call.kind == .countRows {
            count += 1
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
        case .list:
            values.append(value)
            // All of one list's values are held at once; tens of millions would exhaust memory.
            if values.count > Accumulator.maximumListLength {
                context.fail(
                    .listTooLong(maximum: Accumulator.maximumListLength),
                    at: call.place)
            }
        case .count, .countRows:
            break
        }
    }

    /// The aggregate's value: null for sum, avg, min and max of no values; 0 for counts; [] for list.
    var result: Value {
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
        }
    }
}
