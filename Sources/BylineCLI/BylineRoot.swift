// The command tree: `byline [run]`, `byline test`, `byline compile`; and the same tree as the
// root's help, completion scripts and manual page present it, with the default command's options.
import ArgumentParser
import BylineShell

/// `byline`: the command tree. Running statements is the default; `byline test` runs tests.
struct BylineRoot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "byline",
        abstract: "Query the facts of a news article, or your own tables, in a small English-like language.",
        discussion: """
            'byline [run] [OPTIONS] [FILE...]' runs statements from -c, script files or standard input, \
            or starts the interactive shell at a terminal. 'byline test FILE...' runs scripts as tests.

            Exit status: 0 when every statement succeeded, 1 when a statement failed, 2 for bad usage.
            """,
        version: BylineVersion.current,
        subcommands: [RunCommand.self, TestCommand.self, CompileCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// The command tree as `byline --help`, the completion scripts and the manual page show it: the
/// root with the options of `run`, the default command, so `byline --format` is offered and
/// described where it is typed. Parsing goes through ``BylineRoot``, whose default subcommand
/// takes those options (ArgumentParser gives options a root declares to the root, not to its
/// default subcommand).
struct BylineOverview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "byline",
        abstract: BylineRoot.configuration.abstract,
        usage: """
            byline [run] [OPTIONS] [FILE ...]
            byline test [--format <format>] [--junit <FILE>] FILE ...
            byline compile [--dialect <dialect>] [--db <DATABASE>] QUERY
            """,
        discussion: BylineRoot.configuration.discussion,
        version: BylineVersion.current,
        subcommands: [RunCommand.self, TestCommand.self, CompileCommand.self],
        defaultSubcommand: RunCommand.self
    )

    @OptionGroup(title: "Options of run, the default command") var options: RunOptions
}
