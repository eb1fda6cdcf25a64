// Assertions: `assert (QUERY) OP VALUE`, the building block of tests written in Byline.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// What an `assert` statement checks: the query's single value against an expected one.
package struct AssertionCheck: Sendable {
    package var `operator`: BinaryOperator
    package var expected: Value
    /// The statement as written, for reports.
    package var text: String

    package func evaluate(_ result: ResultSet, span: SourceSpan, file: String) -> AssertionOutcome {
        guard result.rowCount == 1 else {
            return AssertionOutcome(
                passed: false, statement: text, file: file, span: span, operator: `operator`.rawValue, expected: expected,
                actual: nil, message: "the query gave \(result.rowCount) rows; an assertion needs exactly one")
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
            passed: passed, statement: text, file: file, span: span, operator: `operator`.rawValue, expected: expected,
            actual: actual, message: passed ? "" : "expected \(`operator`.rawValue) \(expected.literal), but the query gave \(actual.literal)")
    }
}

/// The outcome of one `assert`: whether it held, where it was written, and both sides' values.
///
/// ``Session/test(_:name:parameters:)`` returns one per assertion of a script; a test suite can
/// report each failure at ``file``, ``line`` and ``column``.
public struct AssertionOutcome: Sendable, Equatable {
    /// Whether the assertion held.
    public var passed: Bool
    /// The statement as written.
    public var statement: String
    /// The name of the script it is in (its path, for a file).
    public var file: String
    /// Where it was written.
    public var span: SourceSpan
    /// The comparison, as written: `=`, `!=`, `<`, `<=`, `>`, `>=` or `=~`.
    public var `operator`: String
    /// The value the query was compared with.
    public var expected: Value
    /// The query's single value, or nil when it did not give exactly one row.
    public var actual: Value?
    /// Why it failed (empty when it passed).
    public var message: String

    /// The line of the `assert`, 1-based.
    public var line: Int { span.start.line }
    /// The column of the `assert`, 1-based.
    public var column: Int { span.start.column }
}

