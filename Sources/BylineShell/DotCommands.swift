// Dot-commands (`.tables`, `.mode json`, …): dispatched before the query language, as in sqlite3's shell.
import Byline
import BylineDatabases

/// One dot-command: its name, arguments, and what it does.
struct DotCommandSpec: Sendable {
    let name: String
    let arguments: String
    let summary: String
    /// A line that runs it, for `.help NAME`.
    var example = ""
}

/// Runs dot-commands for a script runner.
struct DotCommands {
    let runner: ScriptRunner

    /// Every command (`.help` lists them sorted by name).
    static let all: [DotCommandSpec] = [
        DotCommandSpec(name: "close", arguments: "", summary: "close the open database", example: ".close"),
        DotCommandSpec(name: "cite", arguments: "on|off", summary: "show the sentences each row comes from under it (as if every query ended in cite)", example: ".cite on"),
        DotCommandSpec(name: "exit", arguments: "[STATUS]", summary: "leave byline with STATUS (0 by default)", example: ".exit 1"),
        DotCommandSpec(name: "expanded", arguments: "on|off|auto", summary: "one field per line: always, never, or when a table is too wide", example: ".expanded auto"),
        DotCommandSpec(name: "headers", arguments: "on|off", summary: "show or hide column headers", example: ".headers off"),
        DotCommandSpec(name: "import", arguments: "FILE [TABLE]", summary: "read a CSV, TSV or JSON file into a table of the open database (PostgreSQL: COPY)", example: ".import events.csv events"),
        DotCommandSpec(name: "help", arguments: "[NAME]", summary: "list everything, or explain a clause, statement, function or command", example: ".help where"),
        DotCommandSpec(name: "maxrows", arguments: "N", summary: "show at most N rows of a table at a terminal (0: all)", example: ".maxrows 100"),
        DotCommandSpec(name: "mode", arguments: "table|box|json|jsonl|csv|tsv|markdown|line", summary: "choose the output format", example: ".mode json"),
        DotCommandSpec(name: "nullvalue", arguments: "TEXT", summary: "text shown for null in tables", example: ".nullvalue NULL"),
        DotCommandSpec(name: "open", arguments: "postgresql://…|FILE.sqlite", summary: "open a database: its tables join these, and queries over them run there", example: ".open data.sqlite"),
        DotCommandSpec(name: "once", arguments: "FILE", summary: "send the next result to FILE", example: ".once leaders.json"),
        DotCommandSpec(name: "output", arguments: "[FILE]", summary: "send results to FILE, or back to the screen", example: ".output results.txt"),
        DotCommandSpec(name: "push", arguments: "article|TABLE ...", summary: "store tables of this session (the article's, loaded, let) in the open database", example: ".push leaders visits"),
        DotCommandSpec(name: "quit", arguments: "", summary: "leave byline", example: ".quit"),
        DotCommandSpec(name: "param", arguments: "set NAME VALUE|unset NAME|list|clear", summary: "values of $NAME parameters (VALUE in JSON, else text)", example: ".param set year 2016"),
        DotCommandSpec(name: "pager", arguments: "on|off", summary: "show results taller than the screen through $PAGER (or less)", example: ".pager off"),
        DotCommandSpec(name: "read", arguments: "FILE", summary: "run the statements in FILE", example: ".read queries.byl"),
        DotCommandSpec(name: "schema", arguments: "[TABLE]", summary: "show the fields and types of tables", example: ".schema visits"),
        DotCommandSpec(name: "tables", arguments: "", summary: "list the tables", example: ".tables"),
        DotCommandSpec(name: "threads", arguments: "[N]", summary: "use up to N threads for a query (shows the number without N)", example: ".threads 2"),
        DotCommandSpec(
            name: "memory", arguments: "[SIZE]", summary: "let a query's structures take up to SIZE bytes (512M, 2G; shows the limit without SIZE)",
            example: ".memory 2G"),
        DotCommandSpec(name: "timer", arguments: "on|off", summary: "print each statement's wall time", example: ".timer on"),
        DotCommandSpec(name: "width", arguments: "[N ...]", summary: "fix the table's column widths, in order (0: automatic; none: all automatic)", example: ".width 20 0 8"),
    ]

    /// `.cite on|off` and `.param set|unset|clear` change how the statements after them are
    /// checked (queries carry their sources; `$name` has a value), so a script that uses them is
    /// checked as it will run; the command itself runs when its turn comes.
    @Sendable static func checkTimeEffect(_ command: String, _ settings: inout CheckSettings) {
        let parts = command.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true).map(String.init)
        guard let word = parts.first, case .success(let spec) = resolve(word) else { return }
        let argument = parts.count > 1 ? parts[1] : ""
        switch spec.name {
        case "cite":
            if let flag = onOff(argument) { settings.citesEveryQuery = flag }
        case "param":
            if let parameter = ParameterCommand(argument) { settings.parameters = parameter.applied(to: settings.parameters) }
        default:
            break
        }
    }

    /// Finds a command by name or unambiguous prefix.
    static func resolve(_ word: String) -> Result<DotCommandSpec, ResolveError> {
        let lowered = word.lowercased()
        if let exact = all.first(where: { $0.name == lowered }) { return .success(exact) }
        let matches = all.filter { $0.name.hasPrefix(lowered) }
        if matches.count == 1 { return .success(matches[0]) }
        if matches.isEmpty { return .failure(.unknown) }
        return .failure(.ambiguous(matches.map { "." + $0.name }))
    }

    enum ResolveError: Error {
        case unknown
        case ambiguous([String])
    }

    /// Runs one command line (without its leading dot).
    func run(_ line: String, span: SourceSpan, source: SourceFile) -> RunOutcome {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let word = words.first else { return .success }
        let argument = line.drop(while: { $0 != " " }).drop(while: { $0 == " " })
        let spec: DotCommandSpec
        switch DotCommands.resolve(word) {
        case .success(let found):
            spec = found
        case .failure(.unknown):
            return fail(.unknownCommand(word), span: span, source: source)
        case .failure(.ambiguous(let names)):
            return fail(.ambiguousCommand(word, candidates: names), span: span, source: source)
        }
        switch spec.name {
        case "quit", "exit":
            if !argument.isEmpty {
                guard spec.name == "exit", let status = Int32(argument), (0...255).contains(status) else {
                    return fail(
                        .commandTakes(
                            spec.name, spec.name == "exit" ? "takes an exit status from 0 to 255" : "takes no argument",
                            help: "for example: .exit 1"),
                        span: span, source: source)
                }
                runner.requestedExitStatus = status
            }
            return .quit
        case "help":
            return help(String(argument), span: span, source: source)
        case "tables":
            runner.output.write(TerminalText.escaped(runner.session.tableNames.joined(separator: "  ")) + "\n")
        case "schema":
            return schema(String(argument), span: span, source: source)
        case "mode":
            guard let format = OutputFormat(rawValue: argument.lowercased()) else {
                if argument.isEmpty {
                    runner.output.write("current output mode: \(runner.settings.format.rawValue)\n")
                    return .success
                }
                return fail(.unknownMode(String(argument), modes: OutputFormat.allCases.map(\.rawValue)), span: span, source: source)
            }
            runner.settings.format = format
        case "timer", "headers", "cite", "pager":
            if argument.isEmpty {
                // As `.mode` alone: the current setting.
                let current: Bool
                switch spec.name {
                case "timer": current = runner.settings.timer
                case "cite": current = runner.session.citesEveryQuery
                case "pager": current = runner.settings.pager
                default: current = runner.settings.options.headers
                }
                runner.output.write("\(spec.name): \(current ? "on" : "off")\n")
                return .success
            }
            guard let flag = Self.onOff(String(argument)) else {
                return fail(.commandTakes(spec.name, "takes on or off"), span: span, source: source)
            }
            switch spec.name {
            case "timer": runner.settings.timer = flag
            case "cite": runner.session.citesEveryQuery = flag
            case "pager": runner.settings.pager = flag
            default: runner.settings.options.headers = flag
            }
        case "param":
            return param(String(argument), span: span, source: source)
        case "expanded":
            guard let choice = ShellSettings.Expanded(rawValue: String(argument).lowercased()) else {
                return fail(.commandTakes("expanded", "takes on, off or auto"), span: span, source: source)
            }
            runner.settings.expanded = choice
        case "width":
            var widths: [Int] = []
            for word in argument.split(separator: " ") {
                guard let width = Int(word), (0...10_000).contains(width) else {
                    return fail(.commandTakes("width", "takes whole numbers of columns, such as .width 20 0 8"), span: span, source: source)
                }
                widths.append(width)
            }
            runner.settings.options.columnWidths = widths
        case "threads":
            if argument.isEmpty {
                runner.output.write("threads: \(runner.session.limits.threads)\n")
                return .success
            }
            guard let count = Int(argument), (1...QueryLimits.maximumThreads).contains(count) else {
                return fail(
                    .commandTakes("threads", "takes a whole number from 1 to \(QueryLimits.maximumThreads)", help: "this machine has \(QueryLimits.processorCount) cores"),
                    span: span, source: source)
            }
            runner.session.limits.threads = count
        case "memory":
            if argument.isEmpty {
                runner.output.write("memory: \(QueryLimits.describeMemory(runner.session.limits.maximumMemory))\n")
                return .success
            }
            guard let bytes = QueryLimits.memorySize(String(argument)) else {
                return fail(
                    .commandTakes("memory", "takes a size in bytes, or with K, M, G or T, such as .memory 512M"),
                    span: span, source: source)
            }
            runner.session.limits.maximumMemory = bytes
        case "maxrows":
            guard let count = Int(argument), count >= 0 else {
                return fail(.commandTakes("maxrows", "takes a whole number (0 shows every row)"), span: span, source: source)
            }
            runner.settings.maximumRows = count == 0 ? nil : count
        case "nullvalue":
            guard !argument.isEmpty else {
                return fail(
                    .commandTakes(
                        "nullvalue", "needs the text to show for null",
                        help: "for example: .nullvalue NULL, or .nullvalue \"\" for nothing (now: \(runner.settings.options.nullText))"),
                    span: span, source: source)
            }
            runner.settings.options.nullText = Self.unquote(String(argument))
        case "output", "once":
            guard runner.closeRedirection() else { return .failure }
            if argument.isEmpty {
                if spec.name == "once" { return fail(.commandTakes("once", "needs a file name"), span: span, source: source) }
                return .success
            }
            let path = Self.unquote(String(argument))
            if let denial = runner.session.fileAccess.denial(for: path, writing: true) {
                runner.report([Diagnostic(.accessDenied(denial), at: span)], in: source)
                return .failure
            }
            do {
                runner.redirection = try FileSink(path: runner.session.fileAccess.resolve(path))
            } catch {
                return fail(.cannotWrite(path, reason: error.reason), span: span, source: source)
            }
            runner.redirectionIsOnce = spec.name == "once"
        case "open":
            guard !argument.isEmpty else {
                return fail(
                    .commandTakes(
                        "open", "needs a database: a postgresql:// address or an SQLite file",
                        help: "for example: .open postgres:///mydb or .open data.sqlite"),
                    span: span, source: source)
            }
            return open(Self.unquote(String(argument)), span: span, source: source)
        case "close":
            guard runner.session.database != nil else {
                return fail(.noDatabaseToClose, span: span, source: source)
            }
            runner.session.closeDatabase()
        case "push":
            var names = argument.split(separator: " ").map { Self.unquote(String($0)) }
            if names.isEmpty || names == ["article"] { names = ArticleDataset.tables.map(\.schema.name) }
            return database(span: span, source: source) { (session) throws(BylineError) in
                try session.push(names, cancellation: runner.cancellation)
                if runner.verbose {
                    runner.errors.write("pushed \(names.joined(separator: ", ")) to the \(session.database?.location ?? "database")\n")
                }
            }
        case "import":
            let words = argument.split(separator: " ").map { Self.unquote(String($0)) }
            guard (1...2).contains(words.count) else {
                return fail(
                    .commandTakes("import", "takes a file and, if you like, a table name", help: "for example: .import events.csv events"),
                    span: span, source: source)
            }
            return importFile(words[0], as: words.count == 2 ? words[1] : nil, span: span, source: source)
        case "read":
            guard !argument.isEmpty else { return fail(.commandTakes("read", "needs a file name"), span: span, source: source) }
            return runner.runFile(Self.unquote(String(argument)), span: span, from: source)
        default:
            break
        }
        return .success
    }

    /// `.open LOCATION`: a PostgreSQL address or an SQLite file.
    private func open(_ location: String, span: SourceSpan, source: SourceFile) -> RunOutcome {
        if let denial = runner.session.fileAccess.denial(forDatabase: location) {
            runner.report([Diagnostic(.accessDenied(denial), at: span)], in: source)
            return .failure
        }
        do {
            let target = FileAccess.isServerAddress(location) ? location : runner.session.fileAccess.resolve(FileAccess.sqlitePath(location))
            let connection = try openDatabase(target)
            return database(span: span, source: source) { (session) throws(BylineError) in
                try session.open(connection)
                if runner.verbose {
                    let count = session.tableNames.filter(session.isDatabaseTable).count
                    runner.errors.write("opened the \(connection.location): \(count) table\(count == 1 ? "" : "s")\n")
                }
            }
        } catch {
            return fail(.cannotOpen(error.message, help: error.help), span: span, source: source)
        }
    }

    /// `.import FILE [TABLE]`: reads a file as `load` does, then stores it in the database.
    private func importFile(_ path: String, as name: String?, span: SourceSpan, source: SourceFile) -> RunOutcome {
        guard runner.session.database != nil else {
            return fail(.noDatabaseToImportInto, span: span, source: source)
        }
        if let denial = runner.session.fileAccess.denial(for: path, writing: false) {
            runner.report([Diagnostic(.accessDenied(denial), at: span)], in: source)
            return .failure
        }
        let tableName = name ?? TableLoader.tableName(forPath: path)
        let loaded: LoadedTable
        do {
            loaded = try TableLoader.load(
                path: runner.session.fileAccess.resolve(path), name: tableName, cancellation: runner.cancellation,
                maximumBytes: runner.session.limits.maximumMemory)
        } catch {
            return fail(.cannotImport(path, reason: error.message), span: span, source: source)
        }
        return database(span: span, source: source) { (session) throws(BylineError) in
            try session.store(loaded.table, as: tableName, cancellation: runner.cancellation)
            if runner.verbose {
                runner.errors.write("imported \(loaded.table.rowCount) rows into '\(tableName)' in the \(session.database?.location ?? "database")\n")
            }
        }
    }

    /// Runs a database action, reporting its error.
    private func database(span: SourceSpan, source: SourceFile, _ action: (Session) throws(BylineError) -> Void) -> RunOutcome {
        do {
            try action(runner.session)
            return .success
        } catch {
            runner.report(error.diagnostics.map { diagnostic in
                var placed = diagnostic
                if placed.span == nil { placed.span = span }
                return placed
            }, in: source)
            return .failure
        }
    }

    /// `.param set NAME VALUE`, `.param unset NAME`, `.param list`, `.param clear`, as sqlite3 has.
    private func param(_ argument: String, span: SourceSpan, source: SourceFile) -> RunOutcome {
        guard let command = ParameterCommand(argument) else {
            return fail(.parameterUsage, span: span, source: source)
        }
        if command == .list {
            for key in runner.session.parameters.keys.sorted() {
                runner.output.write(TerminalText.escaped("$\(key) = \(runner.session.parameters[key]?.literal ?? "null")") + "\n")
            }
        }
        runner.session.parameters = command.applied(to: runner.session.parameters)
        return .success
    }

    private func help(_ topic: String, span: SourceSpan, source: SourceFile) -> RunOutcome {
        let width = runner.output.isTerminal ? runner.output.columns : nil
        switch Self.helpText(topic, tableNames: runner.session.tableNames, width: width) {
        case .text(let text):
            // Taller than the screen (the overview at 25 rows), it goes through the pager as results do.
            let pager = PagerSink.make(for: runner.output, enabled: runner.settings.pager && runner.session.fileAccess.allowsPrograms)
            if let pager {
                _ = pager.write(text)
                pager.finish()
            } else {
                runner.output.write(text)
            }
            return .success
        case .missing(let message):
            return fail(message, span: span, source: source)
        }
    }

    /// What `.help` answers: text, or why there is none.
    enum HelpAnswer: Equatable {
        case text(String)
        case missing(DiagnosticMessage)
    }

    /// `.help` (an overview) or `.help NAME`: a clause or statement of the language, a function,
    /// or a dot-command, each with an example; wrapped to `width` when given.
    static func helpText(_ topic: String, tableNames: [String], width: Int?) -> HelpAnswer {
        let topic = topic.trimmingTrailingSpaces()
        if !topic.isEmpty {
            let name = topic.hasPrefix(".") ? String(topic.dropFirst()) : topic
            if !topic.hasPrefix("."), let language = LanguageHelp.topic(name) {
                var text = LanguageHelp.text(of: language, width: width)
                // `count` is a clause and an aggregate.
                if let function = BuiltinFunctions.help(for: name) {
                    text += HelpText.entry(usage: function.signature, summary: function.summary, example: function.example, width: width)
                }
                return .text(text)
            }
            if !topic.hasPrefix("."), ["functions", "function"].contains(name.lowercased()) {
                return .text(LanguageHelp.functions(width: width))
            }
            if !topic.hasPrefix("."), let function = BuiltinFunctions.help(for: name) {
                return .text(HelpText.entry(usage: function.signature, summary: function.summary, example: function.example, width: width))
            }
            // An aggregate or window function is taught by the clause it is written in.
            if !topic.hasPrefix("."), let clause = BuiltinFunctions.window.contains(name.lowercased()) ? "over" : BuiltinFunctions.aggregates.contains(name.lowercased()) ? "group by" : nil,
                let language = LanguageHelp.topic(clause)
            {
                return .text(LanguageHelp.text(of: language, width: width))
            }
            guard case .success(let spec) = DotCommands.resolve(name) else {
                let known = LanguageHelp.all.map(\.name) + BuiltinFunctions.scalar + all.map { "." + $0.name }
                return .missing(.noHelp(topic, guess: Suggestion.closest(to: name, among: known)))
            }
            let usage = ".\(spec.name) \(spec.arguments)".trimmingTrailingSpaces()
            return .text(HelpText.entry(usage: usage, summary: spec.summary, example: spec.example, width: width))
        }
        var out = HelpText.wrap(
            "A query starts with a table and reads left to right, one clause after another; a clause typed on its own line refines the last query:",
            width: width, indent: 0)
        out += HelpText.wrap("TABLE [where COND] [group by EXPR select ...] [select EXPR, ...] [order by EXPR [desc]] [limit N] [count]", width: width, indent: 2, hanging: 4)
        out += HelpText.wrap(#"e.g. leaders where country = "Congo" select name, title"#, width: width, indent: 2, hanging: 7)
        out += "\n"
        out += HelpText.wrap(LanguageHelp.clauses.map(\.name).sorted().joined(separator: ", "), width: width, lead: "Clauses: ", hanging: 2)
        out += HelpText.wrap(LanguageHelp.statements.map(\.name).sorted().joined(separator: ", "), width: width, lead: "Statements: ", hanging: 2)
        out += HelpText.wrap(
            LanguageHelp.conditions.map(\.name).sorted().joined(separator: ", "), width: width, lead: "Conditions and SQL words: ", hanging: 2)
        // A database's table names are data: escaped, as `.tables` shows them.
        out += HelpText.wrap(tableNames.sorted().map { TerminalText.escaped($0) }.joined(separator: ", "), width: width, lead: "Tables: ", hanging: 2)
        out += HelpText.wrap(
            BuiltinFunctions.scalar.sorted().joined(separator: ", ") + " (help functions describes each)", width: width, lead: "Functions: ", hanging: 2)
        out += "\nCommands:\n"
        out += HelpText.table(all.map { (".\($0.name) \($0.arguments)".trimmingTrailingSpaces(), $0.summary) }, width: width)
        out += "\n" + HelpText.wrap("help NAME (or .help NAME) explains a clause, statement, function or command, with an example.", width: width, indent: 0)
        return .text(out)
    }

    private func schema(_ name: String, span: SourceSpan, source: SourceFile) -> RunOutcome {
        let names: [String]
        if name.isEmpty {
            names = runner.session.tableNames
        } else {
            guard let schema = runner.session.schema(of: name) else {
                let names = runner.session.tableNames
                return fail(.unknownTable(name, guess: Suggestion.closest(to: name, among: names), available: names), span: span, source: source)
            }
            names = [schema.name]
        }
        var out = ""
        for tableName in names {
            let inDatabase = runner.session.isDatabaseTable(tableName)
            let table = runner.session.table(named: tableName)
            guard let schema = inDatabase ? runner.session.schema(of: tableName) : table?.schema else { continue }
            let fields = schema.fields.map { field in
                var text = "\(field.name) \(field.type)"
                if let target = field.references, target != schema.name { text += " -> \(target)" }
                return text
            }
            // Names come from data files: escaped, so a header cannot act on the terminal.
            out += TerminalText.escaped("\(schema.name)(\(fields.joined(separator: ", ")))")
            out += inDatabase ? "  -- in the database" : "  -- \(table?.rowCount ?? 0) rows"
            // The summary names the file it was loaded from, which may hold anything.
            if let summary = schema.summary { out += "; " + TerminalText.escaped(summary) }
            out += "\n"
        }
        runner.output.write(out)
        return .success
    }

    private func fail(_ message: DiagnosticMessage, span: SourceSpan, source: SourceFile) -> RunOutcome {
        runner.report([Diagnostic(message, at: span)], in: source)
        return .failure
    }

    static func onOff(_ word: String) -> Bool? {
        switch word.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: return nil
        }
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
