// Running a script as `byline test` does: assertions counted, not fatal, for test suites.
import Foundation

extension Session {
    /// Checks and runs a script as `byline test` does, returning the outcome of each `assert` in
    /// order. A failed assertion does not stop the script; an error in checking or running it
    /// does, and is thrown.
    ///
    /// Each outcome has its ``AssertionOutcome/file``, ``AssertionOutcome/line`` and
    /// ``AssertionOutcome/column``, so a test can report every failure at its place in the script.
    public func test(
        _ text: String, name: String = "<input>", parameters: [String: any ValueConvertible] = [:]
    ) throws(BylineError) -> [AssertionOutcome] {
        try withParameters(bylineValues(parameters)) { () throws(BylineError) in
            try serialised { () throws(BylineError) in
                let script = check(SourceFile(name: name, text: text))
                let errors = script.diagnostics.filter { $0.severity == .error }
                if !errors.isEmpty { throw BylineError(errors, source: script.source) }
                var outcomes: [AssertionOutcome] = []
                for statement in script.statements {
                    if case .assertion(let outcome) = try execute(statement, in: script) { outcomes.append(outcome) }
                }
                return outcomes
            }
        }
    }

    /// Reads a script file and runs it as ``test(_:name:parameters:)`` does; outcomes name the
    /// file by the path given.
    public func test(file path: String, parameters: [String: any ValueConvertible] = [:]) throws(BylineError) -> [AssertionOutcome] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "there is no such file"
            throw BylineError([Diagnostic(.cannotReadScript(path, reason: reason), at: nil)], source: nil)
        }
        return try test(text, name: path, parameters: parameters)
    }
}
