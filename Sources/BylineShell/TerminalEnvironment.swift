// What the environment says about the terminal: whether colour is wanted, which pager to run.
#if canImport(Glibc)
    import Glibc
#endif

/// Reads the environment variables that shape output at a terminal.
public enum TerminalEnvironment {
    /// Colour unless `NO_COLOR` is set to something (no-color.org) or `TERM` is `dumb` (a terminal
    /// that draws escape codes as text). Each sink also checks that it is a terminal.
    public static func allowsColour(noColour: String?, term: String?) -> Bool {
        if let noColour, !noColour.isEmpty { return false }
        return term != "dumb"
    }

    /// As `allowsColour(noColour:term:)`, from this process's environment.
    public static func allowsColour() -> Bool {
        allowsColour(noColour: variable("NO_COLOR"), term: variable("TERM"))
    }

    /// Whether the program a shell command starts with (`less -R` → `less`) can be run: a path
    /// that is executable, or a name found in `path` (`$PATH`). A command that starts with shell
    /// syntax (a variable, quotes) is taken on trust.
    static func canRun(_ command: String, path: String?) -> Bool {
        guard let program = command.split(separator: " ").first.map(String.init) else { return false }
        if program.contains(where: { "$'\"`=".contains($0) }) { return true }
        if program.contains("/") { return access(program, X_OK) == 0 }
        for folder in (path ?? "/usr/bin:/bin").split(separator: ":") where access("\(folder)/\(program)", X_OK) == 0 {
            return true
        }
        return false
    }

    static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
