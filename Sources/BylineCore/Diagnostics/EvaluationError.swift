// The error of a computation: what a function, an operator or the engine could not compute.

/// A value a function or operator cannot compute (an overflow, a bad argument).
package struct EvaluationError: Error, Sendable {
    package var message: String
    package var help: String?
    /// Whether an integer left the 64-bit range (a database backend reports it as such).
    package var isIntegerOverflow: Bool

    package init(_ message: String, help: String? = nil, isIntegerOverflow: Bool = false) {
        self.message = message
        self.help = help
        self.isIntegerOverflow = isIntegerOverflow
    }
}
