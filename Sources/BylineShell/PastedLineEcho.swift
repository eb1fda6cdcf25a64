// A pasted block without bracketed paste: a complete statement is held while more input waits (the
// next line may continue it), so readline has already echoed that next line when the held statement
// runs. Its result would appear under the wrong line, one echoed line late; the echo is taken back
// before the statement runs and shown again after its result.

extension ReadlineEditor {
    /// Erases the prompt and `line` that readline just echoed (the rows they took at the terminal's
    /// width), so output written now appears where they were. Nothing at other than a terminal.
    func takeBackEcho(of line: String, prompt: String) {
        guard promptStream.isTerminal, let columns = promptStream.columns, columns > 0 else { return }
        let rows = max(1, (prompt.count + line.count + columns - 1) / columns)
        // Up to the echo's first row, to its start, and clear from there to the end of the screen.
        promptStream.write("\u{1B}[\(rows)A\r\u{1B}[J")
    }

    /// Shows the prompt and `line` again, as readline echoed them, after what was written since
    /// `takeBackEcho(of:prompt:)`.
    func echoAgain(_ line: String, prompt: String) {
        guard promptStream.isTerminal, promptStream.columns != nil else { return }
        promptStream.write(prompt + line + "\n")
    }
}
