// ScriptChecker: a whole script checked before anything runs — every statement bound in order,
// `let` and `load` names visible to the statements after them, files of `load` read now (so a
// bad file is an error before the first query runs), and every failure said once.
//
// The session (`Session.check`) builds one with its tables and settings; the command line's
// `--data`, the shell and the library all check through it.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// What a command line between statements may change for the statements after it.
package struct CheckSettings: Sendable {
    /// Values of `$name` parameters.
    public var parameters: [String: Value]
    /// Whether every query carries and cites its sources.
    public var citesEveryQuery: Bool
}

package struct ScriptChecker {
    private var binder: Binder
    private let source: SourceFile
    private let files: FileAccess
    /// Names defined by `let` or `load`, which a later `let` or `load` may not reuse for a built-in.
    private var lets: Set<String>
    private let loadedNames: Set<String>
    private let definitionNames: Set<String>
    private let commandEffect: (@Sendable (String, inout CheckSettings) -> Void)?
    package var cancellation: CancellationFlag?
    package var loadProgress: (@Sendable (String, Double) -> Void)?
    /// The largest file `load` reads (the session's memory limit).
    package var maximumLoadBytes = TableLoader.maximumFileSize

    private var statements: [CheckedStatement] = []
    /// Diagnostics the checker raises itself (the binder keeps its own).
    private var diagnostics: [Diagnostic] = []
    /// Files that queries earlier in the script save, with the line that saves each.
    private var savedFiles: [String: Int] = [:]

    package init(
        binder: Binder, source: SourceFile, files: FileAccess, lets: Set<String>, loadedNames: Set<String>,
        definitionNames: Set<String>, commandEffect: (@Sendable (String, inout CheckSettings) -> Void)?
    ) {
        self.binder = binder
        self.source = source
        self.files = files
        self.lets = lets
        self.loadedNames = loadedNames
        self.definitionNames = definitionNames
        self.commandEffect = commandEffect
    }

    package mutating func check() -> CheckedScript {
        let parsed = Parser.parse(source, maximumTokens: maximumLoadBytes / Parser.bytesPerToken)
        for statement in parsed.script.statements {
            binder.expansions = Binder.ExpansionCounter()
            let statementsBefore = statements.count
            let errorsBefore = binder.diagnostics.count + diagnostics.count
            check(statement)
            // Every statement that did not check has said why; a silent failure would be a bug
            // that runs nothing and exits 0, so it is reported rather than passed over. (After
            // another error, quiet follow-on failures are on purpose: no cascades.)
            if statements.count == statementsBefore, binder.diagnostics.count + diagnostics.count == errorsBefore,
                ![parsed.diagnostics, binder.diagnostics, diagnostics].contains(where: { $0.contains { $0.severity == .error } })
            {
                diagnostics.append(
                    Diagnostic(.uncheckable, at: statement.span))
            }
            guard statements.count > statementsBefore, let plan = statements.last?.plan else { continue }
            switch plan.output {
            case .save(let path)?:
                savedFiles[files.resolve(path)] = statement.span.start.line
            case .saveTable(let name)?:
                // A table a query stores in the database is there for the statements after it.
                binder.define(name, as: TableSchema.stored(plan.resultSchema.fields, as: name))
            default:
                break
            }
        }
        let all = (parsed.diagnostics + binder.diagnostics + diagnostics).sorted {
            ($0.span?.start.offset ?? 0) < ($1.span?.start.offset ?? 0)
        }
        return CheckedScript(
            source: source, statements: statements, diagnostics: all, isIncomplete: parsed.isIncomplete,
            bakedParameters: binder.bakedParameters)
    }

    private mutating func check(_ statement: Statement) {
        switch statement.kind {
        case .command(let text):
            if let commandEffect {
                var settings = CheckSettings(parameters: binder.parameterValues, citesEveryQuery: binder.citesEveryQuery)
                commandEffect(text, &settings)
                binder.parameterValues = settings.parameters
                binder.citesEveryQuery = settings.citesEveryQuery
            }
            statements.append(CheckedStatement(kind: .command(text), plan: nil, span: statement.span))
        case .query(let query):
            if let plan = try? binder.bind(query) {
                statements.append(CheckedStatement(kind: .query, plan: plan, span: statement.span))
            }
        case .assertion(let query, let op, let expected):
            checkAssertion(statement, query: query, op: op, expected: expected)
        case .explain(let query, let analyze):
            if let plan = try? binder.bind(query) {
                statements.append(CheckedStatement(kind: analyze ? .explainAnalyze : .explain, plan: plan, span: statement.span))
            }
        case .definition(let name, let parameters, let query):
            if let definition = try? binder.define(name, parameters: parameters, query: query) {
                statements.append(
                    CheckedStatement(kind: .definition(definition.name), plan: nil, span: statement.span, definition: definition))
            }
        case .load(let path, let pathSpan, let name):
            checkLoad(statement, path: path, pathSpan: pathSpan, name: name)
        case .binding(let name, let query):
            if binder.isBuiltIn(name.text, lets: lets) || definitionNames.contains(name.text) {
                diagnostics.append(
                    Diagnostic(.alreadyATable(name.text, help: "choose another name for the 'let'"), at: name.span))
                return
            }
            lets.insert(name.text)
            let plan = try? binder.bind(query)
            binder.define(name.text, as: plan.map { TableSchema(name: name.text, fields: $0.resultSchema.fields) })
            if let plan {
                statements.append(CheckedStatement(kind: .binding(name.text), plan: plan, span: statement.span))
            }
        }
    }

    /// `assert (QUERY) OP VALUE`: one field, compared with a constant of a comparable type.
    private mutating func checkAssertion(_ statement: Statement, query: Query, op: BinaryOperator, expected syntax: Expression) {
        guard let plan = try? binder.bind(query) else { return }
        guard plan.resultSchema.fields.count == 1 else {
            diagnostics.append(
                Diagnostic(.assertionShape(fields: plan.resultSchema.fields.count), at: query.span))
            return
        }
        guard var expected = try? binder.bind(syntax, in: TableSchema(name: "assert", fields: [])), var value = expected.constant else {
            if !binder.diagnostics.contains(where: { $0.span == syntax.span }) {
                diagnostics.append(Diagnostic(.assertionNeedsConstant, at: syntax.span))
            }
            return
        }
        let field = plan.resultSchema.fields[0]
        // As in comparisons, a string compared with a date is read as a date (with a timestamp, as one).
        if field.type == .date, case .string(let text) = value, let date = PartialDate(text) {
            value = .date(date)
            expected.type = .date
        } else if field.type == .timestamp, case .string(let text) = value, let time = Timestamp(text, dateAlone: true) {
            value = .timestamp(time)
            expected.type = .timestamp
        }
        guard field.type.isComparable(with: expected.type) else {
            diagnostics.append(
                Diagnostic(.assertionTypes(field.type, value.literal, expected.type), at: syntax.span))
            return
        }
        let check = AssertionCheck(operator: op, expected: value, text: source.text(of: statement.span))
        statements.append(CheckedStatement(kind: .assertion, plan: plan, span: statement.span, assertion: check))
    }

    /// `load "FILE" [as NAME]`: the file is read now, so later statements know its fields.
    private mutating func checkLoad(_ statement: Statement, path: String, pathSpan: SourceSpan, name: Name?) {
        let tableName = name?.text ?? TableLoader.tableName(forPath: path)
        if binder.isBuiltIn(tableName, lets: lets.union(loadedNames)) {
            diagnostics.append(
                Diagnostic(
                    .alreadyATable(tableName, help: "name the loaded table with 'as': load \"\(path)\" as other"),
                    at: name?.span ?? pathSpan))
            return
        }
        if path == "-", source.name == "<stdin>" {
            diagnostics.append(
                Diagnostic(.dataOnScriptInput, at: pathSpan))
            binder.define(tableName, as: nil)
            return
        }
        if let denial = files.denial(for: path, writing: false) {
            diagnostics.append(Diagnostic(.accessDenied(denial), at: pathSpan))
            binder.define(tableName, as: nil)
            return
        }
        do {
            let progress = loadProgress.map { report in { @Sendable (fraction: Double) in report(path, fraction) } }
            let loaded = try TableLoader.load(
                path: files.resolve(path), name: tableName, cancellation: cancellation, progress: progress, maximumBytes: maximumLoadBytes)
            for warning in loaded.warnings {
                var diagnostic = Diagnostic(.loadWarning(warning.message), at: pathSpan, severity: .warning)
                diagnostic.location = "\(warning.file):\(warning.line)"
                diagnostics.append(diagnostic)
            }
            lets.insert(tableName)
            binder.define(tableName, as: loaded.table.schema)
            statements.append(CheckedStatement(kind: .load(tableName), plan: nil, span: statement.span, loaded: loaded.table))
        } catch {
            binder.define(tableName, as: nil)
            if error.kind == .cancelled {
                diagnostics.append(Diagnostic(.cancelled, at: nil))
                return
            }
            var message = DiagnosticMessage.loadFailed(error.message)
            if error.kind == .missing, let line = savedFiles[files.resolve(path)] { message = .loadsWhatItSaves(error.message, savedOn: line) }
            var diagnostic = Diagnostic(message, at: pathSpan)
            // The data file is the place, when it has a name (`load ""` has none: the place is then
            // the statement's, as a message without one would be no help).
            if !error.file.isEmpty { diagnostic.location = error.file + (error.line.map { ":\($0)" } ?? "") }
            diagnostics.append(diagnostic)
        }
    }
}
