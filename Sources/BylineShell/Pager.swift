// Long results at a terminal go through a pager, as psql does: `$PAGER`, else `less -SRFX --tilde`
// (blank lines, not `~`, past the end: with -X they stay on the screen after less quits).

import Byline

#if canImport(Glibc)
    import Glibc
#endif

/// Holds output until it is taller than the screen, then starts the pager and streams the rest to
/// it; shorter output goes straight to the terminal when `finish()` is called.
final class PagerSink {
    private let terminal: TextSink
    private let screenRows: Int
    private let command: String
    private var buffer = ""
    private var lines = 0
    private var pipe: Int32 = -1
    private var child: pid_t = 0
    /// When the pager started (the rest of the output waits on its reader).
    private(set) var startedAt: ContinuousClock.Instant?
    /// Whether the pager has gone (the user quit it): nothing more need be written.
    private(set) var closed = false

    /// A pager for `terminal`, or nil when paging is off, there is no pager, or it is not a terminal.
    static func make(for terminal: TextSink, enabled: Bool) -> PagerSink? {
        guard enabled, terminal.isTerminal, let rows = terminal.rows, rows > 2 else { return nil }
        var command = "less -SRFX --tilde"
        if let value = getenv("PAGER") {
            command = String(cString: value)
            if command.trimmingLeadingSpaces().isEmpty { return nil }
        }
        // A pager that is not there would swallow the result: print it instead.
        guard TerminalEnvironment.canRun(command.trimmingLeadingSpaces(), path: TerminalEnvironment.variable("PATH")) else { return nil }
        return PagerSink(terminal: terminal, rows: rows, command: command)
    }

    private init(terminal: TextSink, rows: Int, command: String) {
        self.terminal = terminal
        self.screenRows = rows
        self.command = command
    }

    /// Takes more output; false once the pager has been quit.
    func write(_ text: String) -> Bool {
        if closed { return false }
        if pipe >= 0 { return send(text) }
        buffer += text
        lines += text.utf8.count { $0 == 10 }
        // One line is kept for the prompt that follows.
        if lines >= screenRows - 1 {
            guard start() else {
                terminal.write(buffer)
                buffer = ""
                return true
            }
            let held = buffer
            buffer = ""
            return send(held)
        }
        return true
    }

    /// Writes what is held (short output), or closes the pager's input and waits for it.
    func finish() {
        if pipe < 0 {
            terminal.write(buffer)
            buffer = ""
            return
        }
        close(pipe)
        pipe = -1
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    }

    private func send(_ text: String) -> Bool {
        if AtomicFile.writeAll(text, to: pipe) != nil {
            closed = true  // the pager was quit (EPIPE): stop quietly
            return false
        }
        return true
    }

    /// Starts `/bin/sh -c COMMAND` with a pipe as its standard input.
    private func start() -> Bool {
        var descriptors: [Int32] = [0, 0]
        guard Glibc.pipe(&descriptors) == 0 else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, descriptors[0], 0)
        posix_spawn_file_actions_addclose(&actions, descriptors[1])
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        close(descriptors[0])
        guard spawned == 0 else {
            close(descriptors[1])
            return false
        }
        // A pager quit early must not kill the shell with SIGPIPE; the write fails instead.
        signal(SIGPIPE, SIG_IGN)
        child = pid
        pipe = descriptors[1]
        startedAt = ContinuousClock().now
        return true
    }
}
