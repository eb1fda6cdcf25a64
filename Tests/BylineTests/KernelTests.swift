// The block kernels (Engine/Kernels.swift) against two oracles on random blocks: the engine's row
// evaluator (`ExpressionCompiler.value`, one row at a time), and a reference written here from the
// README's rules, sharing no code with the engine: comparisons with null are false, integers and
// floats compare by exact value, integer overflow is an error, `%` by zero is null and by -1 is 0,
// `/` by zero is null, a NaN float is null. Columns hold garbage (the extremes, NaN) under their
// nulls in half the seeds, so a kernel that reads a null row's stored value, or stops at an
// overflow there, shows; in the other half an overflow can only come from a real value.
import Testing
import TestSupport

@testable import Byline

@Suite struct KernelTests {
    /// A number as the reference computes it.
    enum Number: Equatable {
        case integer(Int)
        case float(Double)
    }

    struct Overflow: Error {}

    /// Columns 0 and 1: 64-bit integers (with nulls; without); 2: 32-bit integers with nulls;
    /// 3 and 4: floats (with nulls; without).
    struct Block {
        var columns: [Column]
        /// The same values, by column then row; nil is null.
        var numbers: [[Number?]]

        /// `extremes`: how rare the integer extremes are (one row in so many; 0 for none);
        /// `garbage`: whether null rows hold the extremes (else small numbers).
        init(count: Int, extremes rarity: Int, garbage: Bool, random: inout SplitMix64) {
            func integer(_ random: inout SplitMix64) -> Int {
                let extremes = [Int.max, Int.min, Int.max - 1, 1 << 62, -(1 << 62), 3_037_000_500, -3_037_000_500]
                return rarity > 0 && random.below(rarity) == 0 ? extremes[random.below(extremes.count)] : random.below(21) - 10
            }
            func float(_ random: inout SplitMix64) -> Double {
                let pool: [Double] = [0.0, -0.0, .infinity, -.infinity, 1e308, -1e308, 0.1, 2.5, 9_007_199_254_740_994, .leastNonzeroMagnitude]
                return random.below(8) == 0 ? pool[random.below(pool.count)] : Double(random.below(41) - 20) / 4
            }
            func nulls(_ random: inout SplitMix64, _ withNulls: Bool) -> [Bool] {
                (0..<count).map { _ in withNulls && random.below(6) == 0 }
            }
            let wideNulls = nulls(&random, true)
            // Garbage under the nulls: what a kernel must neither compare nor overflow on.
            let wide = (0..<count).map { row -> Int in
                guard wideNulls[row] else { return integer(&random) }
                return garbage ? (random.below(2) == 0 ? Int.max : Int.min) : 7
            }
            let small = (0..<count).map { _ in random.below(9) - 4 }
            let narrow = (0..<count).map { _ in Int32(random.below(2001) - 1000) }
            let narrowNulls = nulls(&random, true)
            let floatNulls = nulls(&random, true)
            let floats = (0..<count).map { floatNulls[$0] ? Double.nan : float(&random) }
            let plain = (0..<count).map { _ in float(&random) }
            columns = [
                Column(type: .integer, storage: .integers(wide, NullMask(flags: wideNulls))),
                Column(type: .integer, storage: .integers(small, .none)),
                Column(type: .integer, storage: .integers32(narrow, NullMask(flags: narrowNulls))),
                Column(type: .float, storage: .floats(floats, NullMask(flags: floatNulls))),
                Column(type: .float, storage: .floats(plain, .none)),
            ]
            numbers = [
                (0..<count).map { wideNulls[$0] ? nil : .integer(wide[$0]) },
                small.map { .integer($0) },
                (0..<count).map { narrowNulls[$0] ? nil : .integer(Int(narrow[$0])) },
                (0..<count).map { floatNulls[$0] ? nil : .float(floats[$0]) },
                plain.map { .float($0) },
            ]
        }
    }

    // MARK: - The reference

    /// The value of an integer or float expression at a row; nil is null. Both operands are
    /// computed, a null one too (README, "When a value is computed": a null operand does not
    /// hide an error in the other).
    static func number(_ expression: BoundExpression, _ block: Block, _ row: Int) throws(Overflow) -> Number? {
        switch expression {
        case .literal(.integer(let value)): return .integer(value)
        case .literal(.float(let value)): return .float(value)
        case .column(let index): return block.numbers[index][row]
        case .negate(let operand, _):
            switch try number(operand, block, row) {
            case .integer(let value)?:
                guard value != Int.min else { throw Overflow() }
                return .integer(0 - value)
            case .float(let value)?: return .float(-value)
            case nil: return nil
            }
        case .call(.widenToFloat, let arguments, _):
            switch try number(arguments[0], block, row) {
            case .integer(let value)?: return .float(Double(value))
            case let other: return other
            }
        case .arithmetic(let op, let lhs, let rhs, let type, _):
            let (left, right) = (try number(lhs, block, row), try number(rhs, block, row))
            guard let a = left, let b = right else { return nil }
            if type == .integer, case .integer(let x) = a, case .integer(let y) = b {
                switch op {
                case .add:
                    let (sum, overflow) = x.addingReportingOverflow(y)
                    if overflow { throw Overflow() }
                    return .integer(sum)
                case .subtract:
                    let (difference, overflow) = x.subtractingReportingOverflow(y)
                    if overflow { throw Overflow() }
                    return .integer(difference)
                case .multiply:
                    let (product, overflow) = x.multipliedReportingOverflow(by: y)
                    if overflow { throw Overflow() }
                    return .integer(product)
                case .remainder:
                    if y == 0 { return nil }
                    if y == -1 { return .integer(0) }
                    return .integer(x % y)
                default:
                    Issue.record("unexpected integer operator \(op)")
                    return nil
                }
            }
            let (x, y) = (double(a), double(b))
            let result: Double
            switch op {
            case .add: result = x + y
            case .subtract: result = x - y
            case .multiply: result = x * y
            case .divide:
                if y == 0 { return nil }
                result = x / y
            default:
                if y == 0 { return nil }
                result = x.truncatingRemainder(dividingBy: y)
            }
            return result.isNaN ? nil : .float(result)
        default:
            Issue.record("unexpected expression \(expression)")
            return nil
        }
    }

    static func double(_ number: Number) -> Double {
        switch number {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        }
    }

    /// -1, 0 or 1, exactly, for any mix of integers and floats (none is NaN).
    static func order(_ a: Number, _ b: Number) -> Int {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return sign(x, y)
        case (.float(let x), .float(let y)): return sign(x, y)
        case (.integer(let x), .float(let y)): return exact(x, y)
        case (.float(let x), .integer(let y)): return -exact(y, x)
        }
    }

    /// An integer against a float, without rounding the integer.
    static func exact(_ x: Int, _ y: Double) -> Int {
        if y >= 9_223_372_036_854_775_808.0 { return -1 }
        if y < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = y.rounded(.towardZero)
        let integral = Int(whole)
        if x != integral { return x < integral ? -1 : 1 }
        return whole == y ? 0 : (y > whole ? -1 : 1)
    }

    static func holds(_ op: BinaryOperator, _ order: Int) -> Bool {
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    /// Whether a condition holds at a row (`and` evaluates its right side only where the left holds).
    static func test(_ condition: BoundExpression, _ block: Block, _ row: Int) throws(Overflow) -> Bool {
        switch condition {
        case .and(let lhs, let rhs):
            guard try test(lhs, block, row) else { return false }
            return try test(rhs, block, row)
        case .compare(let op, let lhs, let rhs):
            let (left, right) = (try number(lhs, block, row), try number(rhs, block, row))
            guard let a = left, let b = right else { return false }
            return holds(op, order(a, b))
        case .isNull(.column(let index)):
            return block.numbers[index][row] == nil
        case .not(.isNull(.column(let index))):
            return block.numbers[index][row] != nil
        default:
            Issue.record("unexpected condition \(condition)")
            return false
        }
    }

    // MARK: - Random expressions

    static let operators: [BinaryOperator] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]

    static func integerExpression(_ random: inout SplitMix64, depth: Int) -> BoundExpression {
        if depth == 0 || random.below(3) == 0 {
            if random.below(3) == 0 {
                let pool = [0, 1, -1, 2, 3, -7, Int.max, Int.min, 1 << 32]
                return .literal(.integer(random.below(4) == 0 ? pool[random.below(pool.count)] : random.below(11) - 5))
            }
            return .column(random.below(3))
        }
        if random.below(6) == 0 { return .negate(integerExpression(&random, depth: depth - 1), Place()) }
        let op = [BinaryOperator.add, .subtract, .multiply, .remainder][random.below(4)]
        return .arithmetic(op, integerExpression(&random, depth: depth - 1), integerExpression(&random, depth: depth - 1), .integer, Place())
    }

    static func floatExpression(_ random: inout SplitMix64, depth: Int) -> BoundExpression {
        if depth == 0 || random.below(3) == 0 {
            switch random.below(4) {
            case 0:
                let pool: [Double] = [0.0, -0.0, 0.5, -2.25, 1e308, .infinity, 3.0]
                return .literal(.float(pool[random.below(pool.count)]))
            case 1: return .call(.widenToFloat, [integerExpression(&random, depth: min(depth, 1))], Place())
            default: return .column(3 + random.below(2))
            }
        }
        if random.below(6) == 0 { return .negate(floatExpression(&random, depth: depth - 1), Place()) }
        let op = [BinaryOperator.add, .subtract, .multiply, .divide, .remainder][random.below(5)]
        return .arithmetic(op, floatExpression(&random, depth: depth - 1), floatExpression(&random, depth: depth - 1), .float, Place())
    }

    /// A comparison of the shapes the kernels take (column against constant, integer or float
    /// vectors against a constant or each other) and some they leave to the row evaluator.
    static func condition(_ random: inout SplitMix64, depth: Int) -> BoundExpression {
        if depth > 0, random.below(4) == 0 {
            return .and(condition(&random, depth: depth - 1), condition(&random, depth: depth - 1))
        }
        if random.below(7) == 0 {
            // `is null` / `is not null` of a column, with null flags or without.
            let test = BoundExpression.isNull(.column(random.below(5)))
            return random.below(2) == 0 ? test : .not(test)
        }
        let op = operators[random.below(operators.count)]
        switch random.below(6) {
        case 0:
            // A column against a constant of its type or the other numeric type.
            let column = random.below(5)
            let constants: [Value] = [.integer(0), .integer(-3), .integer(2), .integer(Int.max), .integer(1 << 40), .float(0.5), .float(-0.0), .float(.infinity), .float(2)]
            let constant = constants[random.below(constants.count)]
            return random.below(2) == 0 ? .compare(op, .column(column), .literal(constant)) : .compare(op, .literal(constant), .column(column))
        case 1, 2:
            let right = random.below(2) == 0 ? BoundExpression.literal(.integer(random.below(7) - 3)) : integerExpression(&random, depth: 2)
            return .compare(op, integerExpression(&random, depth: 2), right)
        case 3, 4:
            let right = random.below(2) == 0 ? BoundExpression.literal(.float(Double(random.below(9) - 4) / 2)) : floatExpression(&random, depth: 2)
            return .compare(op, floatExpression(&random, depth: 2), right)
        default:
            return .compare(op, integerExpression(&random, depth: 1), floatExpression(&random, depth: 1))
        }
    }

    // MARK: - Tests

    @Test(arguments: 0..<12)
    func kernelsAgreeWithTheRowEvaluatorAndTheReference(seed: Int) throws {
        var random = SplitMix64(state: UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1)
        let count = Executor.blockSize * 2 + random.below(Executor.blockSize)
        // Half the seeds with extremes among the values (overflows), half without; extremes
        // under the nulls in half of each.
        let block = Block(count: count, extremes: seed % 2 == 0 ? 300 : 0, garbage: seed % 4 < 2, random: &random)
        var compared = 0
        var errors = 0
        for number in 0..<40 {
            let condition = Self.condition(&random, depth: 2)
            // A selection as a filter passes it on: some rows of each block, in order.
            let keep = 1 + random.below(4)
            let rows = (0..<count).filter { _ in random.below(4) < keep }
            var start = 0
            while start < rows.count {
                let end = min(start + Executor.blockSize, rows.count)
                let slice = rows[start..<end]
                start = end
                var expected: [Int] = []
                var overflowed = false
                for row in slice {
                    do throws(Overflow) {
                        if try Self.test(condition, block, row) { expected.append(row) }
                    } catch {
                        overflowed = true
                        break
                    }
                }
                let kernelContext = EvaluationContext(cancellation: nil)
                var kept: [Int] = []
                ExpressionCompiler(columns: block.columns, context: kernelContext).filterKernel(condition)(slice, &kept)
                let rowContext = EvaluationContext(cancellation: nil)
                let evaluate = ExpressionCompiler(columns: block.columns, context: rowContext).value(condition)
                var byRow: [Int] = []
                for row in slice where evaluate(row) == .bool(true) { byRow.append(row) }
                let place = "seed \(seed), condition \(number): \(condition)"
                compared += 1
                if overflowed {
                    errors += 1
                    #expect(kernelContext.failure != nil, "the kernel missed an overflow: \(place)")
                    #expect(rowContext.failure != nil, "the row evaluator missed an overflow: \(place)")
                    continue
                }
                #expect(kernelContext.failure == nil, "\(kernelContext.failure ?? ""): \(place)")
                #expect(rowContext.failure == nil, "\(rowContext.failure ?? ""): \(place)")
                // Compared here, not inside #expect (whose report would diff every row).
                if kept != expected {
                    let first = zip(kept, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(kept.count, expected.count)
                    Issue.record("kernel kept \(kept.count) rows, the reference \(expected.count), first difference at \(first): \(place)")
                }
                if byRow != expected {
                    Issue.record("the row evaluator kept \(byRow.count) rows, the reference \(expected.count): \(place)")
                }
            }
        }
        // Most blocks must be decided by values, not stopped by an overflow.
        #expect(errors * 2 < compared, "\(errors) of \(compared) blocks overflowed")
    }

    /// Negating the smallest integer overflows at a row that is not null, and not at one that is.
    @Test func negationOverflowsOnlyWhereTheValueIsNotNull() {
        let condition = BoundExpression.compare(.less, .negate(.column(0), Place()), .literal(.integer(0)))
        for (nulls, fails) in [([false, false, false], true), ([false, true, false], false)] {
            let columns = [Column(type: .integer, storage: .integers([1, Int.min, -2], NullMask(flags: nulls)))]
            let context = EvaluationContext(cancellation: nil)
            var kept: [Int] = []
            ExpressionCompiler(columns: columns, context: context).filterKernel(condition)([0, 1, 2], &kept)
            #expect((context.failure != nil) == fails, "nulls \(nulls): \(context.failure ?? "no error")")
            if !fails { #expect(kept == [0]) }
        }
    }

    /// Every comparison operator on the boundary itself: equal values, -0.0 and 0.0, a null under
    /// a value that would pass.
    @Test func everyOperatorOnTheBoundary() {
        let columns = [
            Column(type: .integer, storage: .integers([1, 2, 3, 2], NullMask(flags: [false, false, false, true]))),
            Column(type: .float, storage: .floats([-0.0, 0.0, 1.5, 0.0], NullMask(flags: [false, false, false, true]))),
        ]
        let cases: [(BinaryOperator, BoundExpression, [Int])] = [
            (.lessEqual, .literal(.integer(2)), [0, 1]), (.less, .literal(.integer(2)), [0]),
            (.greaterEqual, .literal(.integer(2)), [1, 2]), (.greater, .literal(.integer(2)), [2]),
            (.equal, .literal(.integer(2)), [1]), (.notEqual, .literal(.integer(2)), [0, 2]),
        ]
        for (op, constant, expected) in cases {
            for left in [BoundExpression.column(0), .arithmetic(.add, .column(0), .literal(.integer(0)), .integer, Place())] {
                var kept: [Int] = []
                ExpressionCompiler(columns: columns, context: EvaluationContext(cancellation: nil))
                    .filterKernel(.compare(op, left, constant))([0, 1, 2, 3], &kept)
                #expect(kept == expected, "\(left) \(op.rawValue) 2")
            }
            var kept: [Int] = []
            ExpressionCompiler(columns: columns, context: EvaluationContext(cancellation: nil))
                .filterKernel(.compare(op, .column(1), .literal(.float(0))))([0, 1, 2, 3], &kept)
            let floats: [Int] = ([0, 1, 2] as [Int]).filter { Self.holds(op, [0, 0, 1][$0]) }
            #expect(kept == floats, "float \(op.rawValue) 0.0")
        }
    }
}
