// Assertions: `assert (QUERY) OP VALUE`, the building block of tests written in Byline.

/// What an `assert` statement checks: the query's single value against an expected one.
struct AssertionCheck: Sendable {
    var `operator`: BinaryOperator
    var expected: Value
    /// The statement as written, for reports.
    var text: String

    func evaluate(_ result: ResultSet, span: SourceSpan) -> AssertionOutcome {
        guard result.rowCount == 1 else {
            return AssertionOutcome(
                passed: false, statement: text, span: span,
                message: "the query gave \(result.rowCount) rows; an assertion needs exactly one")
        }
        let actual = result[0, 0]
        let passed: Bool
        if `operator` == .equalIgnoringCase {
            if case .string(let a) = actual, case .string(let b) = expected {
                passed = ExactText.equalIgnoringCase(a, b)
            } else {
                passed = false
            }
        } else if actual.isNull || expected.isNull {
            // Unlike a 'where' condition, `assert (...) = null` asks whether the value is null.
            let bothNull = actual.isNull && expected.isNull
            passed = (`operator` == .equal && bothNull) || (`operator` == .notEqual && !bothNull)
        } else {
            passed = `operator`.holds(Value.compare(actual, expected) ?? 1) && Value.compare(actual, expected) != nil
        }
        return AssertionOutcome(
            passed: passed, statement: text, span: span,
            message: passed ? "" : "expected \(`operator`.rawValue) \(expected.literal), but the query gave \(actual.literal)")
    }
}

/// The outcome of one `assert`.
public struct AssertionOutcome: Sendable, Equatable {
    /// Whether the assertion held.
    public var passed: Bool
    /// The statement as written.
    public var statement: String
    /// Where it was written.
    public var span: SourceSpan
    /// Why it failed (empty when it passed).
    public var message: String
}

