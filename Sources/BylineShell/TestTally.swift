// Counting assertions under `byline test`, and how failures are reported.
import Byline

/// Passed and failed assertions, with a report line for each failure.
public struct TestTally: Sendable {
    /// Assertions that held.
    public private(set) var passed = 0
    /// Assertions that did not hold, and scripts that failed to run.
    public private(set) var failed = 0
    /// One `file:line:col: FAIL …` line per failure, in order.
    public private(set) var failures: [String] = []

    /// An empty tally.
    public init() {}

    mutating func record(_ outcome: AssertionOutcome, in source: SourceFile) {
        if outcome.passed {
            passed += 1
        } else {
            failed += 1
            failures.append("\(source.name):\(outcome.span.start): FAIL \(outcome.statement)\n    \(outcome.message)")
        }
    }

    /// Counts a script that stopped with an error as one failure.
    public mutating func recordBrokenScript(_ name: String) {
        failed += 1
        failures.append("\(name): FAIL the script stopped with an error (above)")
    }

    /// The closing line: `N passed, N failed`.
    public var summary: String { "\(passed) passed, \(failed) failed" }
}
