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
    /// Every assertion and broken script, in order, for TAP and JUnit reports.
    public private(set) var results: [TestResult] = []

    /// One assertion's (or broken script's) outcome.
    public struct TestResult: Sendable {
        /// The script's name.
        public var file: String
        /// `line:col` of the assertion, or nil for a script that stopped with an error.
        public var place: String?
        /// The assertion as written.
        public var statement: String
        public var passed: Bool
        /// Why it failed: the expected and the actual value.
        public var message: String
    }

    /// An empty tally.
    public init() {}

    mutating func record(_ outcome: AssertionOutcome, in source: SourceFile) {
        results.append(
            TestResult(file: source.name, place: "\(outcome.span.start)", statement: outcome.statement, passed: outcome.passed,
                message: outcome.message))
        if outcome.passed {
            passed += 1
        } else {
            failed += 1
            failures.append("\(source.name):\(outcome.span.start): FAIL \(outcome.statement)\n    \(outcome.message)")
        }
    }

    /// Counts a script that stopped with an error as one failure.
    public mutating func recordBrokenScript(_ name: String) {
        results.append(TestResult(file: name, place: nil, statement: name, passed: false, message: "the script stopped with an error"))
        failed += 1
        failures.append("\(name): FAIL the script stopped with an error (above)")
    }

    /// The closing line: `N passed, N failed`.
    public var summary: String { "\(passed) passed, \(failed) failed" }

    /// The Test Anything Protocol (version 13), which CI systems and `prove` read.
    public var tap: String {
        var out = "TAP version 13\n1..\(results.count)\n"
        for (index, result) in results.enumerated() {
            let name = [result.file, result.place].compactMap { $0 }.joined(separator: ":") + " " + result.statement
            out += "\(result.passed ? "ok" : "not ok") \(index + 1) - \(TestTally.oneLine(name))\n"
            if !result.passed {
                out += "  ---\n  message: \(TestTally.yamlQuoted(result.message))\n  ...\n"
            }
        }
        return out + "# \(summary)\n"
    }

    /// JUnit XML: one test suite per script, one test case per assertion.
    public var junit: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"\(results.count)\" failures=\"\(failed)\">\n"
        var files: [String] = []
        for result in results where !files.contains(result.file) { files.append(result.file) }
        for file in files {
            let cases = results.filter { $0.file == file }
            out += "  <testsuite name=\"\(TestTally.xml(file))\" tests=\"\(cases.count)\" failures=\"\(cases.count { !$0.passed })\">\n"
            for result in cases {
                let name = TestTally.xml(TestTally.oneLine([result.place, result.statement].compactMap { $0 }.joined(separator: " ")))
                out += "    <testcase classname=\"\(TestTally.xml(file))\" name=\"\(name)\""
                if result.passed {
                    out += "/>\n"
                } else {
                    out += ">\n      <failure message=\"\(TestTally.xml(result.message))\"/>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    static func yamlQuoted(_ text: String) -> String {
        "\"" + oneLine(text).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func xml(_ text: String) -> String {
        TextEscaping.map(text) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'": return "&apos;"
            // XML 1.0 cannot hold most controls, even escaped.
            default: return scalar.value < 0x20 && scalar != "\t" ? " " : nil
            }
        }
    }
}
