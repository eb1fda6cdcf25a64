// Reading lines at a terminal with GNU readline: editing, history, completion, and Ctrl-C.
import Byline
import CReadline

#if canImport(Glibc)
    import Glibc
#endif

/// What one attempt to read a line produced.
public enum LineEvent: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: the line being typed (given) was discarded.
    case interrupted(String)
    /// Ctrl-D on an empty line, or the terminal closed.
    case endOfInput
}

// MARK: - State that C callbacks and the signal handler reach

/// Set by the SIGINT handler. A global because a signal handler can capture nothing; it only
/// stores to an atomic, which is safe inside a handler. The engine polls it between row blocks.
let interruptFlag = CancellationFlag()

/// Set by the SIGTSTP handler (Ctrl-Z) while a line is being read; the reading loop then gives
/// the terminal back, stops, and on `fg` takes it again and redraws the prompt, as readline's own
/// handlers do. A global for the same reason as `interruptFlag`.
let suspendFlag = CancellationFlag()

/// The line readline's callback delivered. A global because readline's line handler is a C
/// function pointer with no context argument; only the main thread touches it.
nonisolated(unsafe) private var deliveredLine: LineEvent?

/// The completer and the statement text typed on earlier lines, for the completion hook (a C
/// function pointer without context, like the line handler).
nonisolated(unsafe) private var activeCompleter: Completer?
nonisolated(unsafe) private var statementSoFar = ""

/// The word breaks outside strings and inside them (for the word-break hook, a C function pointer
/// without context). Inside a string only the quotes break a word, so Tab completes on the whole
/// string typed so far (`"Askar Mik`), spaces included, and file names with spaces complete.
nonisolated(unsafe) private var generalWordBreaks: UnsafeMutablePointer<CChar>?
nonisolated(unsafe) private let stringWordBreaks = strdup("\"'")

/// readline's word-break hook: which characters end the word at the cursor.
private func wordBreaksAtCursor() -> UnsafeMutablePointer<CChar>? {
    guard let buffer = byline_rl_line_buffer() else { return generalWordBreaks }
    let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: strlen(buffer)))
    let lineBefore = String(decoding: bytes[..<min(Int(byline_rl_point()), bytes.count)], as: UTF8.self)
    return Completer.openString(in: lineBefore) == nil ? generalWordBreaks : stringWordBreaks
}

/// Reads lines with GNU readline's callback interface, so Ctrl-C can interrupt a half-typed line.
public final class ReadlineEditor {
    /// Word breaks, kept alive for as long as readline points at them.
    private let wordBreaks: UnsafeMutablePointer<CChar>?

    /// Sets up readline: the application name for ~/.inputrc, completion, and the SIGINT handler.
    public init(completer: Completer) {
        activeCompleter = completer
        if isatty(1) != 1 { byline_rl_prompts_to_stderr() }
        byline_rl_set_name("byline")
        byline_rl_disable_signal_handlers()
        wordBreaks = strdup(Completer.wordBreaks)
        byline_rl_set_word_breaks(wordBreaks)
        generalWordBreaks = wordBreaks
        byline_rl_set_word_break_hook(wordBreaksAtCursor)
        byline_rl_set_completion(completeWord)
        _ = interruptFlag.isCancelled  // initialise the global before a signal can reach it
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptFlag.cancel() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: poll() returns EINTR so the loop sees the flag at once
        sigaction(SIGINT, &action, nil)
        // A parent may have blocked SIGINT (test runners, some job controls); the mask is inherited.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Whether more input is already waiting (a pasted block arrives faster than anyone types).
    public func hasPendingInput() -> Bool {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 20) > 0
    }

    /// Adds a recalled entry to readline's in-memory history (Up arrow, Ctrl-R).
    public func addHistory(_ entry: String) {
        add_history(entry)
    }

    /// Reads one line with the given prompt. `context` is the statement typed on earlier lines.
    public func readLine(prompt: String, context: String) -> LineEvent {
        statementSoFar = context
        deliveredLine = nil
        interruptFlag.reset()
        // Only while a line is read: Ctrl-Z during a query stops byline at once (the default).
        Self.catchSuspend(true)
        defer { Self.catchSuspend(false) }
        rl_callback_handler_install(prompt) { line in
            if let line {
                deliveredLine = .line(String(cString: line))
                free(line)
            } else {
                deliveredLine = .endOfInput
            }
            rl_callback_handler_remove()
        }
        while true {
            if interruptFlag.isCancelled {
                interruptFlag.reset()
                let typed = byline_rl_line_buffer().map { String(cString: $0) } ?? ""
                // Leave what was typed on screen, marked as abandoned, and start a clean line.
                promptStream.write("^C\n")
                byline_rl_discard_line()
                rl_callback_handler_remove()
                return .interrupted(typed)
            }
            if suspendFlag.isCancelled {
                suspendFlag.reset()
                suspend()
                continue
            }
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            rl_callback_read_char()
            if let line = deliveredLine { return line }
        }
    }
}

extension ReadlineEditor {
    /// Installs (or removes) the SIGTSTP handler that only sets `suspendFlag`.
    static func catchSuspend(_ catching: Bool) {
        var action = sigaction()
        if catching {
            _ = suspendFlag.isCancelled  // initialise the global before a signal can reach it
            action.__sigaction_handler.sa_handler = { _ in suspendFlag.cancel() }
        } else {
            action.__sigaction_handler.sa_handler = SIG_DFL
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: poll() returns EINTR and the loop sees the flag
        sigaction(SIGTSTP, &action, nil)
        if catching {
            // A parent may have blocked it, as with SIGINT; the mask is inherited.
            var unblock = sigset_t()
            sigemptyset(&unblock)
            sigaddset(&unblock, SIGTSTP)
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        }
    }

    /// Ctrl-Z at the prompt: restore the terminal's modes, stop, and when continued put readline's
    /// modes back and redraw the prompt and the line typed so far.
    func suspend() {
        rl_cleanup_after_signal()
        Self.catchSuspend(false)
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGTSTP)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        raise(SIGTSTP)  // stops here until `fg` (SIGCONT)
        Self.catchSuspend(true)
        rl_reset_after_signal()
        rl_forced_update_display()
    }
}

/// Where prompts and their echo go: the terminal on standard output, or standard error when
/// standard output is redirected (so a file of results holds no prompts or escape codes).
let promptStream: StandardStream = isatty(1) == 1 ? .output : .error

/// readline's completion hook: the completer's candidates, or file names after `.read`.
private func completeWord(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard let text, let completer = activeCompleter, let buffer = byline_rl_line_buffer() else { return nil }
    let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: strlen(buffer)))
    let lineBefore = String(decoding: bytes[..<min(Int(start), bytes.count)], as: UTF8.self)
    let before = statementSoFar.isEmpty ? lineBefore : statementSoFar + "\n" + lineBefore
    let completion = completer.complete(word: String(cString: text), before: before)
    if completion.wantsFileNames {
        byline_rl_set_attempted_completion_over(0)
        return byline_rl_filename_matches(text)
    }
    byline_rl_set_attempted_completion_over(1)
    guard !completion.candidates.isEmpty else { return nil }
    // After "lower(" the argument follows directly; after a word, a space.
    // After `load` the opening quote alone: the file name follows it directly.
    let opensCall = completion.candidates.count == 1 && (completion.candidates[0].hasSuffix("(") || completion.candidates[0] == "\"")
    // Inside a string, a single value is followed by the closing quote.
    let closing = completion.closingQuote.flatMap { $0.asciiValue }.map(Int32.init)
    byline_rl_set_completion_append_character(closing ?? (opensCall ? 0 : 32))
    return matchArray(completion.candidates)
}

/// The NULL-terminated array readline expects: the common prefix first, then every candidate.
/// Readline frees the array and its strings.
private func matchArray(_ candidates: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    var common = candidates[0]
    for candidate in candidates.dropFirst() {
        while !candidate.hasPrefix(common) { common.removeLast() }
    }
    let entries = candidates.count == 1 ? [candidates[0]] : [common] + candidates
    guard let array = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))?
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    else { return nil }
    for (index, entry) in entries.enumerated() { array[index] = strdup(entry) }
    array[entries.count] = nil
    return array
}
