// The interactive shell: prompt, multi-line statements, history, completion, Ctrl-C and Ctrl-D.
import Byline

#if canImport(Glibc)
    import Glibc
#endif

/// The shell a person types into. Reading a line (readline), deciding whether a statement is
/// complete (the real parser), and running it (the script runner) are separate steps, as in
/// sqlite3's shell.
public struct InteractiveShell {
    let runner: ScriptRunner
    let history: HistoryStore

    /// The main prompt and the prompt for a statement's further lines.
    public static let prompt = "byline> "
    public static let continuationPrompt = "   ...> "

    /// Creates a shell around a runner, with history at the default path.
    public init(runner: ScriptRunner, historyPath: String = HistoryStore.defaultPath()) {
        self.runner = runner
        self.history = HistoryStore(path: historyPath) { message in runner.errors.write(message + "\n") }
    }

    /// Words that, typed alone, mean a dot-command (as psql takes `help` and `quit`).
    static let bareCommands = ["help": ".help", "quit": ".quit", "exit": ".quit", "\\q": ".quit"]

    /// Runs until Ctrl-D or `.quit`; returns the exit status (0, or what `.exit N` asked for).
    public func run() -> Int32 {
        let editor = ReadlineEditor(completer: Completer(session: runner.session))
        for entry in history.load() { editor.addHistory(entry) }
        runner.cancellation = interruptFlag
        if runner.settings.maximumRows == nil { runner.settings.maximumRows = 40 }
        runner.settings.pager = true
        runner.showProgressAtTerminal()
        // The banner is for the person at the terminal, not for a file standard output goes to.
        (runner.output.isTerminal ? runner.output : runner.errors).write(banner())

        var accumulator = LineAccumulator()
        var lastEntry: String?
        /// The last query that ran, which a line starting with a clause keyword refines.
        var lastQuery: String?
        /// A complete statement held back because more pasted input follows, which may continue it.
        var held: String?
        /// Keeps a statement in history.
        func record(_ statement: String) {
            // Like bash's ignoredups: an entry repeated straight away is kept once.
            if LineAccumulator.shouldRecord(statement), statement != lastEntry {
                editor.addHistory(statement)
                history.append([statement])
                lastEntry = statement
            }
        }
        /// Runs a statement and records it; false when the shell should stop.
        func execute(_ statement: String) -> Int32? {
            record(statement)
            let outcome = runner.run(SourceFile(name: "<stdin>", text: statement))
            interruptFlag.reset()
            if outcome == .quit { return runner.requestedExitStatus }
            if outcome == .success, !statement.trimmingLeadingSpaces().hasPrefix(".") { lastQuery = statement }
            return nil
        }
        while true {
            let prompt = accumulator.isEmpty ? Self.prompt : Self.continuationPrompt
            switch editor.readLine(prompt: prompt, context: accumulator.text) {
            case .endOfInput:
                if let statement = held {
                    held = nil
                    if let status = execute(statement) { return status }
                }
                guard !accumulator.isEmpty else { return 0 }
                // Ctrl-D in the middle of a statement drops that statement, not the shell.
                keepAbandoned(accumulator.text, editor: editor, lastEntry: &lastEntry)
                runner.errors.write("\n(the unfinished statement was discarded; Up recalls it; Ctrl-D again to leave)\n")
                accumulator = LineAccumulator()
            case .interrupted(let typed):
                let abandoned = accumulator.isEmpty ? typed : accumulator.text + "\n" + typed
                // A statement of several lines is kept in history; one line abandoned is just dropped.
                if !accumulator.isEmpty { keepAbandoned(abandoned, editor: editor, lastEntry: &lastEntry) }
                accumulator = LineAccumulator()
            case .line(var line):
                if let statement = held {
                    held = nil
                    if accumulator.isEmpty, Self.startsWithClause(line) {
                        // A pasted block: this line continues the statement above, as in a script.
                        held = statement + "\n" + line
                        if editor.hasPendingInput() { continue }
                        if let status = execute(held ?? statement) { return status }
                        held = nil
                        continue
                    }
                    // The line was echoed before the statement above ran: its result goes above it.
                    editor.takeBackEcho(of: line, prompt: prompt)
                    if let status = execute(statement) { return status }
                    editor.echoAgain(line, prompt: prompt)
                }
                if accumulator.isEmpty, let command = bareCommand(line) {
                    line = command
                }
                if accumulator.isEmpty, let advice = SQLHabits.advice(for: line, refines: lastQuery != nil) {
                    switch advice {
                    case .run(let command, let note):
                        runner.errors.write(note + "\n")
                        line = command
                    case .explain(let message):
                        record(line)
                        runner.report([Diagnostic(message, at: nil)], in: nil)
                        continue
                    }
                }
                if accumulator.isEmpty, Self.startsWithClause(line), let previous = lastQuery,
                    let refinement = Refinement.of(previous, by: line, checks: { !runner.session.check(SourceFile(name: "", text: $0)).hasErrors })
                {
                    switch refinement {
                    case .query(let refined):
                        // Typed on its own, a clause refines the last query, which is shown whole.
                        line = refined
                        runner.errors.write("refining: \(line)\n")
                    case .refused(let message):
                        record(line)
                        runner.report([Diagnostic(message, at: nil)], in: nil)
                        continue
                    }
                }
                guard let statement = accumulator.add(line) else { continue }
                accumulator = LineAccumulator()
                if editor.hasPendingInput() {
                    held = statement  // more is pasted: it may continue this statement
                    continue
                }
                if let status = execute(statement) { return status }
            }
        }
    }

    /// The dot-command a bare word means (`help`, `quit;`, `help where`), as psql takes them; nil
    /// for anything else. A table of that name wins.
    func bareCommand(_ line: String) -> String? {
        var text = line.trimmingLeadingSpaces().trimmingTrailingSpaces()
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingTrailingSpaces() }
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = words.first?.lowercased(), runner.session.schema(of: first) == nil else { return nil }
        if words.count == 2 {
            return first == "help" ? ".help " + words[1] : nil
        }
        return Self.bareCommands[first]
    }

    /// Whether a line begins with a clause keyword (`where`, `select`, `order`, …).
    static func startsWithClause(_ line: String) -> Bool {
        let word = line.trimmingLeadingSpaces().prefix { $0.isLetter }.lowercased()
        guard let keyword = Keyword(rawValue: word) else { return false }
        return Keyword.clauseStarters.contains(keyword)
    }

    /// A statement left unfinished (Ctrl-C or Ctrl-D on a continuation line) stays in history,
    /// so Up brings it back to finish.
    private func keepAbandoned(_ text: String, editor: ReadlineEditor, lastEntry: inout String?) {
        guard LineAccumulator.shouldRecord(text), text != lastEntry else { return }
        editor.addHistory(text)
        history.append([text])
        lastEntry = text
    }

    private func banner() -> String {
        let database = runner.session.database.map { TerminalText.escaped("Connected to the \($0.location); queries over its tables run there.") + "\n" } ?? ""
        // Wrapped whole at the terminal's width, as help is.
        let width = runner.output.isTerminal ? runner.output.columns : nil
        return HelpText.wrap(
            "byline \(BylineVersion.current) — tables: \(runner.session.tableNames.map { TerminalText.escaped($0) }.joined(separator: ", "))", width: width,
            indent: 0, hanging: 2)
            + database
            + HelpText.wrap(#"Type a query such as: leaders where country = "Congo""#, width: width, indent: 0, hanging: 2)
            + HelpText.wrap("Enter help for help (help where explains a clause), quit or Ctrl-D to leave.", width: width, indent: 0, hanging: 2)
            + "\n"
    }
}

/// Gathers typed lines until they make a complete statement, asking the real parser.
public struct LineAccumulator {
    private(set) var lines: [String] = []

    /// Creates an empty accumulator.
    public init() {}

    /// Whether no line has been gathered.
    public var isEmpty: Bool { lines.isEmpty }

    /// The text gathered so far.
    public var text: String { lines.joined(separator: "\n") }

    /// Adds a line; returns the whole statement when it is complete, nil when it needs more.
    /// A blank first line is ignored. The parser decides: input that fails only because it ended
    /// too soon (an open bracket or string, a trailing operator or keyword) is incomplete.
    public mutating func add(_ line: String) -> String? {
        if lines.isEmpty && line.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }
        lines.append(line)
        let statement = text
        if Parser.parse(SourceFile(name: "<stdin>", text: statement)).isIncomplete { return nil }
        return statement
    }

    /// Whether a statement belongs in history: not blank, and not a `.read`.
    public static func shouldRecord(_ statement: String) -> Bool {
        let trimmed = statement.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty { return false }
        if trimmed.hasPrefix(".") {
            let word = trimmed.dropFirst().prefix { $0 != " " }
            if !word.isEmpty, "read".hasPrefix(word.lowercased()) { return false }
        }
        return true
    }
}
