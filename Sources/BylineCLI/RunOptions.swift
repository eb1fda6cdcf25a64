// The options of `byline run`, the default command, in one group: `run` parses them, and the
// root's help, completion scripts and manual page show them as the options of `byline` itself.
import ArgumentParser
import Byline

/// The default command's options (everything but its FILE arguments).
struct RunOptions: ParsableArguments {
    // Unconditional, so statements that start with "-" are still statements.
    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("Run STATEMENTS and exit.", valueName: "STATEMENTS"))
    var command: String?

    @Option(name: .long, help: "Output format: table, box, json, jsonl, csv, tsv, markdown or line.")
    var format: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Load a CSV, TSV, JSON or JSON Lines file as a table named after it (repeatable).", valueName: "FILE"), completion: .file(extensions: ["csv", "tsv", "json", "jsonl", "ndjson"]))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("The format of --data files: csv, tsv, json or jsonl (default: by extension, or for - by content).", valueName: "FORMAT"))
    var dataFormat: DataFileFormat?

    @Option(name: .long, help: ArgumentHelp("Field delimiter for --data files (default: by extension; ',' or tab).", valueName: "CHAR"))
    var delimiter: String?

    @Flag(name: .long, help: "For untrusted scripts: no file, database or program beyond what the command line names (refuses load, save, .read, .output, .once, .import, .open; no pager, no start-up file).")
    var safe = false

    @Flag(name: .long, help: "Start without the article's tables (only --data and loaded files).")
    var noArticle = false

    @Flag(name: .long, help: "After a failed statement, run the rest (the exit status is still 1).")
    var keepGoing = false

    @Option(name: .customLong("arg"), help: ArgumentHelp("Give the parameter $NAME a string value (repeatable).", valueName: "NAME=VALUE"))
    var stringParameters: [String] = []

    @Option(name: .customLong("argjson"), help: ArgumentHelp("Give the parameter $NAME a typed value written in JSON (repeatable).", valueName: "NAME=JSON"))
    var jsonParameters: [String] = []

    @Flag(name: .customShort("i"), help: "After -c or the script files, stay in the interactive shell.")
    var interactive = false

    @Option(name: .customLong("init"), help: ArgumentHelp("Run FILE before the first prompt (default: $XDG_CONFIG_HOME/byline/init.byl).", valueName: "FILE"), completion: .file(extensions: ["byl"]))
    var initFile: String?

    @Flag(name: .long, help: "Do not run the start-up file.")
    var noInit = false

    @Option(name: .long, help: ArgumentHelp("Open a database: postgresql://USER@HOST/DB, postgres:///DB?host=/socket/dir (PG* variables fill in the rest), sc://HOST:PORT (a Spark Connect server), or an SQLite FILE. Queries over its tables run there.", valueName: "DATABASE"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Use up to N threads for a query (default: one per core).", valueName: "N"))
    var threads: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("Let a query's structures take up to SIZE bytes (512M, 2G; default: half the memory this process may use).", valueName: "SIZE"))
    var memory: String?

    /// The parameters --arg and --argjson give, by name.
    func parameters() throws -> [String: Value] {
        var values: [String: Value] = [:]
        for (item, typed) in stringParameters.map({ ($0, false) }) + jsonParameters.map({ ($0, true) }) {
            // Split by scalar: a value starting with a combining mark makes "=" and the mark one
            // Character, which a search by Character does not find.
            let scalars = item.unicodeScalars
            guard let equals = scalars.firstIndex(of: "="), scalars.startIndex != equals else {
                throw ValidationError("\(typed ? "--argjson" : "--arg") takes NAME=VALUE, not '\(item)'")
            }
            let name = String(scalars[..<equals])
            let text = String(scalars[scalars.index(after: equals)...])
            guard name.first.map({ $0.isLetter || $0 == "_" }) ?? false, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("'\(name)' is not a parameter name: use letters, digits and _")
            }
            if typed {
                guard let value = Value(json: text) else {
                    throw ValidationError("--argjson \(name): '\(text)' is not a JSON number, string, boolean, null or array")
                }
                // A JSON integer wider than 64 bits is read as its digits (text): as a parameter
                // that would change its type silently.
                if case .string = value, !text.trimmingCharacters(in: .whitespaces).hasPrefix("\"") {
                    throw ValidationError(
                        "--argjson \(name): \(text) is outside the integers Byline holds (\(Int.min) to \(Int.max)); write it as a string (\"\(text)\") or a float (\(text).0)")
                }
                values[name] = value
            } else {
                values[name] = .string(text)
            }
        }
        return values
    }

    /// The --delimiter as a byte (`\t` means a tab).
    var delimiterByte: UInt8? {
        guard let delimiter else { return nil }
        if delimiter == "\\t" || delimiter == "\t" { return 9 }
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte >= 32, byte < 127, byte != UInt8(ascii: "\"") else { return nil }
        return byte
    }
}
