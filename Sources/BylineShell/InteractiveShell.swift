// The interactive shell (placeholder until the readline shell lands): plain line reading.
import Byline

/// Reads statements typed at a terminal.
public struct InteractiveShell {
    let runner: ScriptRunner

    /// Creates a shell around a runner.
    public init(runner: ScriptRunner) {
        self.runner = runner
    }

    /// Runs until end of input or `.quit`; returns the exit status.
    public func run() -> Int32 {
        var pending = ""
        while true {
            runner.output.write(pending.isEmpty ? "byline> " : "   ...> ")
            guard let line = readLine() else { return 0 }
            pending += pending.isEmpty ? line : "\n" + line
            let source = SourceFile(name: "<stdin>", text: pending)
            if runner.session.check(source).isIncomplete { continue }
            pending = ""
            if runner.run(source) == .quit { return 0 }
        }
    }
}
