// What `byline` prints about itself instead of running: the root's help, completion scripts and
// the manual page, all from `BylineOverview`, so they show the default command's options.
import ArgumentParser
import BylineShell

/// A document asked for on the command line, written to standard output instead of running.
///
/// `Scripts/install` makes the completion scripts and the manual page with the binary it installs,
/// so they need no second build.
struct GeneratedDocument {
    /// The document's text, ending in a newline.
    let text: String

    /// The document `arguments` (the command line without the program name) ask for, or nil when
    /// they ask to run something: `--help`, `-h` or `help` alone (the root's help, with the
    /// options of `run`), `--generate-completion-script SHELL`, or the hidden `--generate-manual`.
    /// Anything else, `byline help test` and a completion script for an unknown shell among it,
    /// is left to ArgumentParser.
    init?(arguments: [String]) {
        switch arguments {
        case ["--help"], ["-h"], ["help"]:
            text = Self.ending(BylineOverview.helpMessage())
        case ["--generate-manual"]:
            text = ManualPage.render()
        case let arguments where arguments.count == 2 && arguments[0] == "--generate-completion-script":
            guard let shell = CompletionShell(rawValue: arguments[1]) else { return nil }
            text = Self.completionScript(for: shell)
        case let arguments where arguments.count == 1 && arguments[0].hasPrefix("--generate-completion-script="):
            guard let shell = CompletionShell(rawValue: String(arguments[0].dropFirst("--generate-completion-script=".count))) else { return nil }
            text = Self.completionScript(for: shell)
        default:
            return nil
        }
    }

    /// ArgumentParser's completion script for `shell`. Its bash script offers the root's option
    /// values before it looks for a subcommand, so `byline test --format <Tab>` would offer the
    /// output formats of `run` rather than the report formats of `test`: there the root's values
    /// are offered only when no subcommand's name came first (the subcommand's function offers its
    /// own). `CompletionScriptTests` runs the script through bash.
    static func completionScript(for shell: CompletionShell) -> String {
        var script = BylineOverview.completionScript(for: shell)
        let rootValues = "    case \"${prev}\" in\n"
        if shell == .bash, let first = script.range(of: rootValues) {
            let names = BylineOverview.configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
            script.replaceSubrange(first, with: "    [[ \" \(names.joined(separator: " ")) \" == *\" ${unparsed_words[0]-} \"* ]] ||\n" + rootValues)
        }
        return ending(script)
    }

    /// `text` with exactly one newline at its end.
    private static func ending(_ text: String) -> String {
        var trimmed = Substring(text)
        while trimmed.last == "\n" { trimmed = trimmed.dropLast() }
        return trimmed + "\n"
    }
}
