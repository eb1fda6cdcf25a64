// The six comparison operators as one primitive: a three-way order (before, same, after) and the
// outcomes an operator accepts. `<` accepts "before", `>=` "same" and "after", `!=` "before" and
// "after". Mirroring (`a < b` is `b > a`) swaps "before" and "after"; every test of an order is
// written once here, over that primitive, so a new operator cannot fall into a silent `default:`.

/// A comparison operator as the outcomes of a three-way order it accepts.
package struct Comparison: Sendable, Hashable {
    /// Whether the operator holds when the left side sorts before the right.
    package let acceptsBefore: Bool
    /// Whether it holds when both sides are the same.
    package let acceptsSame: Bool
    /// Whether it holds when the left side sorts after the right.
    package let acceptsAfter: Bool

    private init(before: Bool, same: Bool, after: Bool) {
        acceptsBefore = before
        acceptsSame = same
        acceptsAfter = after
    }

    /// The comparison an operator makes; nil for an operator that compares nothing.
    package init?(_ op: BinaryOperator) {
        switch op {
        case .equal: self.init(before: false, same: true, after: false)
        case .notEqual: self.init(before: true, same: false, after: true)
        case .less: self.init(before: true, same: false, after: false)
        case .lessEqual: self.init(before: true, same: true, after: false)
        case .greater: self.init(before: false, same: false, after: true)
        case .greaterEqual: self.init(before: false, same: true, after: true)
        case .and, .or, .contains, .matches, .startsWith, .endsWith, .equalIgnoringCase, .add, .subtract, .multiply,
            .divide, .remainder:
            return nil
        }
    }

    /// The operator that accepts these outcomes.
    package var binaryOperator: BinaryOperator {
        switch (acceptsBefore, acceptsSame, acceptsAfter) {
        case (false, true, false): return .equal
        case (true, false, true): return .notEqual
        case (true, false, false): return .less
        case (true, true, false): return .lessEqual
        case (false, false, true): return .greater
        case (false, true, true): return .greaterEqual
        // No operator accepts every outcome or none; `init` cannot make them.
        case (false, false, false), (true, true, true): return acceptsSame ? .greaterEqual : .notEqual
        }
    }

    /// The comparison with its operands swapped: `a < b` is `b > a`.
    package var mirrored: Comparison { Comparison(before: acceptsAfter, same: acceptsSame, after: acceptsBefore) }

    /// Whether a three-way order (negative: before, zero: same, positive: after) satisfies it.
    @inline(__always)
    package func holds(_ order: Int) -> Bool {
        order < 0 ? acceptsBefore : (order == 0 ? acceptsSame : acceptsAfter)
    }

    /// Whether `a OP b` holds for totally ordered values.
    @inline(__always)
    package func test<T: Comparable>(_ a: T, _ b: T) -> Bool {
        a < b ? acceptsBefore : (a == b ? acceptsSame : acceptsAfter)
    }

    /// Whether `a OP b` holds for doubles: NaN is unordered, so no comparison with it holds.
    @inline(__always)
    package func test(_ a: Double, _ b: Double) -> Bool {
        if a < b { return acceptsBefore }
        if a == b { return acceptsSame }
        if a > b { return acceptsAfter }
        return false
    }
}

extension BinaryOperator {
    /// The comparison this operator makes, or nil.
    package var comparison: Comparison? { Comparison(self) }

    /// The operator with its operands swapped: `a < b` is `b > a` (an operator that compares
    /// nothing is its own mirror only where callers ask about comparisons).
    package var mirrored: BinaryOperator { comparison?.mirrored.binaryOperator ?? self }

    /// Whether a three-way order satisfies the operator; false for an operator that compares nothing.
    package func holds(_ order: Int) -> Bool { comparison?.holds(order) ?? false }
}

/// The arithmetic operators, so every computation over them is an exhaustive switch: a new
/// operator is a compile error where it is not handled, never another operator's meaning.
package enum ArithmeticOperator: Sendable, Equatable {
    case add, subtract, multiply, divide, remainder

    /// The arithmetic an operator does; nil for an operator that does none.
    package init?(_ op: BinaryOperator) {
        switch op {
        case .add: self = .add
        case .subtract: self = .subtract
        case .multiply: self = .multiply
        case .divide: self = .divide
        case .remainder: self = .remainder
        case .and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .contains, .matches, .startsWith,
            .endsWith, .equalIgnoringCase:
            return nil
        }
    }
}

extension BinaryOperator {
    /// The arithmetic this operator does, or nil.
    package var arithmetic: ArithmeticOperator? { ArithmeticOperator(self) }
}
