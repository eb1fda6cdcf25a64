// The manual page, byline(1), in man(7) macros: from the command tree's own help (ArgumentParser's
// description of `BylineOverview`), with the exit status, files, environment and examples beside it.
import ArgumentParser
import BylineShell
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Renders `byline --generate-manual`, which `Scripts/install` writes to `share/man/man1/byline.1`.
///
/// Every line of text goes through `escaped`, so a sentence that starts with `'` or `.` is not taken
/// for a request (roff would drop it), and no line is empty (a warning under `groff -ww`).
enum ManualPage {
    /// A command line worth showing, with what it does.
    struct Example {
        let explanation: String
        let command: String
    }

    /// The EXAMPLES section. Those without a FILE are run by `ManualPageTests`.
    static let examples: [Example] = [
        Example(explanation: "Ask the article's tables a question:",
                command: #"byline -c 'leaders where country = "Congo" select name, title'"#),
        Example(explanation: "The same answer as JSON, with the sentences that state it:",
                command: #"byline --format json -c 'leaders where country = "Congo" select name cite'"#),
        Example(explanation: "A parameter from outside the query:",
                command: #"byline --arg c=Kazakhstan -c 'visits where destination = $c select visitor, year'"#),
        Example(explanation: "Statements from standard input, as CSV:",
                command: #"echo 'countries count' | byline --format csv"#),
        Example(explanation: "A file of your own as a table named after it:",
                command: #"byline --data sales.csv -c 'sales group by region select region, count() as n'"#),
        Example(explanation: "Run scripts as tests, with a JUnit report for CI:",
                command: "byline test --junit report.xml tests/*.byl"),
        Example(explanation: "The SQL a query becomes in SQLite:",
                command: #"byline compile --dialect sqlite 'leaders where country = "Congo" select name'"#),
        Example(explanation: "Queries over a PostgreSQL database's tables run there:",
                command: "byline --db postgres:///news report.byl"),
    ]

    /// The whole page.
    static func render() -> String {
        guard let tool = try? JSONDecoder().decode(ToolDescription.self, from: Data(BylineOverview._dumpHelp().utf8)) else {
            // The description is ArgumentParser's own JSON of a fixed command tree; ManualPageTests
            // reads every page, so this is only reached when a new ArgumentParser changes its form.
            return ".TH BYLINE 1\n.SH NAME\nbyline \\- see byline \\-\\-help\n"
        }
        let root = tool.command
        // ArgumentParser's own `help` subcommand is `--help` again.
        let subcommands = (root.subcommands ?? []).filter { $0.commandName != "help" }
        var page: [String] = [
            #".TH BYLINE 1 \#(today()) "byline \#(escaped(BylineVersion.current))" "User Commands""#,
            ".SH NAME",
            "byline \\- " + escaped(sentence(root.abstract ?? "")),
            ".SH SYNOPSIS",
        ]
        page += synopsis(["run"], root.arguments ?? [], positional: subcommands.first { $0.commandName == "run" }?.arguments ?? [], optional: true)
        for command in subcommands where command.commandName != "run" {
            page += [".br"] + synopsis([command.commandName], command.arguments ?? [], positional: [], optional: false)
        }
        page += [".SH DESCRIPTION"] + paragraphs(root.discussion)
        page += [".SH OPTIONS"]
        let run = subcommands.first { $0.commandName == "run" }
        let rootArguments = root.arguments ?? []
        let files = (run?.arguments ?? []).filter { $0.kind == "positional" }
        page += options(rootArguments.filter { !$0.isHelp && !$0.isVersion } + files + rootArguments.filter { $0.isHelp || $0.isVersion })
        page += [".SH COMMANDS"]
        for command in subcommands {
            page += [".SS " + command.commandName, escaped(command.abstract ?? "")]
            page += paragraphs(command.discussion)
            if command.commandName == "run" {
                page += [".PP", "It takes the options and FILE arguments above; \\fBbyline\\fR alone is \\fBbyline run\\fR."]
            } else {
                page += options((command.arguments ?? []).filter { !$0.isHelp && !$0.isVersion })
            }
        }
        page += [
            ".SH EXIT STATUS",
            ".TP", "0", "Every statement succeeded (for \\fBbyline test\\fR, every assertion passed).",
            ".TP", "1", "A statement failed, or an assertion.",
            ".TP", "2", "Bad usage: an unknown option, a missing value, a file that cannot be read.",
            ".SH ENVIRONMENT",
            ".TP", ".B NO_COLOR", "When set, no colour in output and errors.",
            ".TP", ".B XDG_CONFIG_HOME", "Where the start-up file is looked for (default: \\fI~/.config\\fR).",
            ".TP", ".BR PGHOST \", \" PGUSER \", \" PGDATABASE \", ...\"",
            "Fill in what a \\fB\\-\\-db\\fR PostgreSQL location leaves out, as for \\fBpsql\\fR(1).",
            ".SH FILES",
            ".TP", ".I $XDG_CONFIG_HOME/byline/init.byl",
            "Statements run before the first prompt of the interactive shell (not for \\fB\\-c\\fR or script files).",
            ".SH EXAMPLES",
        ]
        for example in examples {
            page += [".PP", escaped(example.explanation), ".PP", ".RS 4", ".EX", escaped(example.command), ".EE", ".RE"]
        }
        page += [".SH SEE ALSO", ".BR sqlite3 (1),", ".BR psql (1)"]
        // A paragraph break right after a heading or another break is one mandoc warns about.
        let tidy = page.indices.filter { index in
            !(page[index] == ".PP" && index > 0 && (page[index - 1].hasPrefix(".SH") || page[index - 1].hasPrefix(".SS") || page[index - 1] == ".PP"))
        }.map { page[$0] }
        return tidy.joined(separator: "\n") + "\n"
    }

    // MARK: - Pieces

    /// The page's date: the day it is written, which is the day it is installed (as ArgumentParser's
    /// generate-manual dates its pages).
    private static func today() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let (year, month, day) = (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// `byline [run] [OPTIONS] [FILE...]`: one command's synopsis line.
    private static func synopsis(_ words: [String], _ arguments: [ArgumentDescription], positional: [ArgumentDescription], optional: Bool) -> [String] {
        let command = "\\fBbyline\\fR " + words.map { optional ? "[\\fB\($0)\\fR]" : "\\fB\($0)\\fR" }.joined(separator: " ")
        var parts = [command]
        if arguments.contains(where: { $0.kind != "positional" && $0.isVisible }) { parts.append("[\\fIOPTIONS\\fR]") }
        for argument in (arguments + positional) where argument.kind == "positional" {
            let name = "\\fI" + escaped(argument.valueName ?? "ARG") + "\\fR" + (argument.isRepeating ? " ..." : "")
            parts.append(argument.isOptional ? "[" + name + "]" : name)
        }
        return [parts.joined(separator: " ")]
    }

    /// A tagged paragraph per argument: its names and value, then its help.
    private static func options(_ arguments: [ArgumentDescription]) -> [String] {
        var lines: [String] = []
        for argument in arguments where argument.isVisible {
            var tag: String
            if argument.kind == "positional" {
                tag = "\\fI" + escaped(argument.valueName ?? "ARG") + "\\fR" + (argument.isRepeating ? " ..." : "")
            } else {
                tag = (argument.names ?? []).map { name in
                    "\\fB" + (name.kind == "long" ? "\\-\\-" : "\\-") + escaped(name.name) + "\\fR"
                }.joined(separator: ", ")
                if argument.kind == "option" { tag += " \\fI" + escaped(argument.valueName ?? "VALUE") + "\\fR" }
            }
            var help = argument.abstract ?? ""
            if let value = argument.defaultValue, argument.kind == "option", !value.isEmpty { help += " (default: \(value))" }
            lines += [".TP", tag, escaped(help)]
            for paragraph in paragraphs(argument.discussion) where paragraph != ".PP" { lines.append(paragraph) }
        }
        return lines
    }

    /// Text split at its blank lines into paragraphs, each after `.PP`, leaving out the "Exit
    /// status" paragraph the page has a section for.
    private static func paragraphs(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Exit status:") }
            .flatMap { [".PP", escaped($0.replacingOccurrences(of: "\n", with: " "))] }
    }

    /// "Query the facts …." as NAME's line wants it: no final period.
    private static func sentence(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// `text` as roff text lines: backslashes escaped, no line starting with a control character
    /// (`.` or `'`, which make a request; a text line that starts so is dropped or misread), and
    /// hyphens of options kept as hyphens rather than dashes.
    static func escaped(_ text: String) -> String {
        /// Four or more upper-case hexadecimal digits, as `\[uXXXX]` wants them.
        func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
        return text.components(separatedBy: "\n").map { line in
            var line = line.replacingOccurrences(of: "\\", with: "\\e")
            line = line.replacingOccurrences(of: "-", with: "\\-")
            if line.hasPrefix(".") || line.hasPrefix("'") { line = "\\&" + line }
            // roff reads bytes: a character beyond ASCII is written as its code point.
            return line.unicodeScalars.map { $0.isASCII ? String($0) : "\\[u" + hex($0.value) + "]" }.joined()
        }.joined(separator: "\n")
    }
}

// MARK: - ArgumentParser's description of a command tree (`--experimental-dump-help`)

/// The parts of ArgumentParser's JSON description (its `ToolInfoV0`) the page uses.
private struct ToolDescription: Decodable {
    let command: CommandDescription
}

private struct CommandDescription: Decodable {
    let commandName: String
    let abstract: String?
    let discussion: String?
    let arguments: [ArgumentDescription]?
    let subcommands: [CommandDescription]?
}

private struct ArgumentDescription: Decodable {
    struct Name: Decodable {
        let kind: String
        let name: String
    }

    let kind: String
    let shouldDisplay: Bool?
    let isOptional: Bool
    let isRepeating: Bool
    let names: [Name]?
    let valueName: String?
    let defaultValue: String?
    let abstract: String?
    let discussion: String?

    /// Shown in help.
    var isVisible: Bool { shouldDisplay ?? true }

    /// ArgumentParser's own -h and --help, which the page lists once, on the root.
    var isHelp: Bool { names?.contains { $0.name == "help" } ?? false }

    /// ArgumentParser's own --version.
    var isVersion: Bool { names?.contains { $0.name == "version" } ?? false }
}
