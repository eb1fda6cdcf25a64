// Binder: resolves tables, fields and functions, checks types, and turns a syntax tree into a
// query plan before any row is read.
import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax
import Foundation
import struct BylineSyntax.Expression

/// A saved, parameterised query: `def by_country(c) = leaders where country = c`.
package struct Definition: Sendable {
    /// The name it is called by.
    public var name: String
    /// Parameter names, in order.
    public var parameters: [String]
    package let query: Query
    package let source: SourceFile
}

/// Checks statements against the tables a session has and the names defined before them.
package struct Binder {
    /// Schemas by name; a nil value marks a `let` whose own statement failed, so its uses stay quiet.
    package private(set) var scope: [String: TableSchema?]
    /// Saved queries by name; a nil value marks a `def` that failed to check.
    package private(set) var definitions: [String: Definition?]
    /// For each table with a key, every name of each row mapped to its key.
    package let nameIndexes: (String) -> [String: String]
    package let source: SourceFile
    package var diagnostics: [Diagnostic] = []
    /// Values of a `def`'s parameters while its body is bound.
    package var parameters: [String: TypedExpression] = [:]
    /// Set while binding the `select` of an aggregation.
    package var aggregation: AggregationContext?
    /// Set while binding a `select` with window functions: the field each one's value is in.
    var windowColumns: [(span: SourceSpan, value: TypedExpression)]?
    /// How many `def` calls deep binding is.
    package var callDepth = 0
    /// The `def` whose body is being checked, so a call to itself is an error, not a silent failure.
    package var defining: String?
    /// How many `def` bodies checking a statement has expanded, shared with the binders of the
    /// calls inside it: each call checks its body again, so a chain of `def`s that each call the
    /// one before several times grows exponentially, and is stopped here.
    package var expansions = ExpansionCounter()

    /// A count shared by a binder and those it makes for `def` calls (a class for the sharing).
    package final class ExpansionCounter {
        package var count = 0
    }

    /// Values of `$name` parameters.
    package var parameterValues: [String: Value] = [:]
    /// Parameters a prepared query binds as slots (`BoundExpression.parameter`), to take a new
    /// value each run without a new check.
    package var parameterSlots: Set<String> = []
    /// Slot parameters used where the check needs their value (a `range` bound, a `limit`, a
    /// `def`'s arguments): a run with another value of one of these is checked again.
    package var bakedParameters: Set<String> = []

    /// Source schemas with their fields qualified, shared between plans (a class, so the binders
    /// of `def` calls share it too).
    package var qualifiedSchemas = SchemaCache()

    package final class SchemaCache {
        package var schemas: [String: TableSchema] = [:]
    }

    /// Whether every query carries its sources and cites them (the shell's `.cite on`).
    package var citesEveryQuery = false

    /// How many `def` bodies one statement may expand.
    package static let maximumExpansions = 10_000
    /// Functions the host registered, by lowercased name.
    package var userFunctions: [String: UserFunction] = [:]

    /// Thrown when a statement has failed; its diagnostic is already recorded.
    package struct Failure: Error {}

    /// The state of binding a `select` that aggregates.
    package struct AggregationContext {
        package var keys: [Expression]
        package var keyTypes: [TypedExpression]
        package var input: TableSchema
        package var aggregates: [AggregateCall] = []
        package var grouped: Bool
    }

    package init(
        scope: [String: TableSchema?], definitions: [String: Definition?], source: SourceFile,
        nameIndexes: @escaping (String) -> [String: String]
    ) {
        self.scope = scope
        self.definitions = definitions
        self.source = source
        self.nameIndexes = nameIndexes
    }

    /// How many rows `range` generates at most.
    package static let maximumRangeCount = 100_000_000
    /// How deeply `def`s may call each other.
    package static let maximumCallDepth = 128

    // MARK: - Statements

    /// Checks a query, returning its plan.
    package mutating func bind(_ query: Query) throws(Failure) -> QueryPlan {
        var plan: QueryPlan
        if let rows = query.rows {
            plan = try bindInlineTable(rows, span: query.source.span)
        } else {
            plan = try bindSource(query.source, arguments: query.arguments)
        }
        // The source's fields are qualified by its `as` name, else by the name it was read by (a
        // `let` name, not the table its query read) (Binder+SourceNames.swift).
        requalify(&plan, as: query.alias, source: query.source)
        // With `cite` (or the shell's `.cite on`), each row's evidence is carried through every
        // step beside the fields the query asks for (Binder+Citation.swift), never changing them.
        let citing = plan.cites || citesEveryQuery || query.clauses.contains { $0.kind == .cite }
        var evidence = Evidence(source: plan)
        var index = 0
        while index < query.clauses.count {
            let clause = query.clauses[index]
            if case .cite = clause.kind {
                if index + 1 < query.clauses.count, query.clauses[index + 1].kind.isSave {} else {
                    try requireLast(clause, index: index, of: query.clauses, word: "cite")
                }
                guard !evidence.fields.isEmpty else {
                    throw fail(.nothingToCite, at: clause.span)
                }
                plan.cites = true
                index += 1
                continue
            }
            if case .save(let path) = clause.kind {
                try requireLast(clause, index: index, of: query.clauses, word: "save")
                plan.output = .save(path: path)
                index += 1
                continue
            }
            if case .saveTable(let name) = clause.kind {
                try requireLast(clause, index: index, of: query.clauses, word: "save")
                plan.output = .saveTable(name.text)
                index += 1
                continue
            }
            if case .chart(let kind) = clause.kind {
                try requireLast(clause, index: index, of: query.clauses, word: "chart")
                plan.output = .chart(try bindChart(kind, schema: evidence.visible(plan.schema), span: clause.span))
                index += 1
                continue
            }
            var step: QueryPlan.Step
            if case .groupBy(let keys) = clause.kind {
                // `group by` and the `select` after it form one aggregation step.
                var select: Clause?
                if index + 1 < query.clauses.count, case .select = query.clauses[index + 1].kind {
                    select = query.clauses[index + 1]
                    index += 1
                }
                step = try bindAggregation(keys: keys, groupClause: clause, select: select, input: plan.schema)
            } else if let steps = try bindSeveralSteps(clause, input: plan.schema), let last = steps.last {
                // A window step, then the `select` over its fields (Binder+Windows.swift); `distinct
                // by` is a window, a `where` and a `select` (Binder+DistinctBy.swift).
                for var windowed in steps.dropLast() {
                    if citing { windowed = evidence.carry(through: windowed, input: plan.schema) } else { evidence.follow(windowed) }
                    plan.steps.append(windowed)
                    plan.schema = windowed.output
                }
                step = last
            } else {
                step = try bindClause(clause, input: plan.schema)
            }
            if citing {
                step = evidence.carry(through: step, input: plan.schema)
            } else {
                evidence.follow(step)
            }
            plan.steps.append(step)
            plan.schema = step.output
            index += 1
        }
        if citesEveryQuery, !evidence.fields.isEmpty { plan.cites = true }
        // Without citing, no step carried the evidence: only the hidden fields a joined `def` brought
        // are known, to be dropped from the answer.
        plan.citedFields = citing ? evidence.fields : []
        plan.hiddenFields = evidence.hidden
        return plan
    }

    package mutating func requireLast(_ clause: Clause, index: Int, of clauses: [Clause], word: String) throws(Failure) {
        guard index == clauses.count - 1 else {
            throw fail(.mustBeLast(word, move: text(of: clause.span)), at: clauses[index + 1].span)
        }
    }

    /// `chart bar` needs a label and a number; `chart timeline` a date or a year.
    package mutating func bindChart(_ name: Name, schema: TableSchema, span: SourceSpan) throws(Failure) -> ChartKind {
        guard let kind = ChartKind(rawValue: name.text.lowercased()) else {
            throw fail(.unknownChart(name.text), at: name.span)
        }
        switch kind {
        case .bar:
            let fields = schema.fields
            guard fields.count == 2, fields[1].type.isNumeric, fields[1].type != .null else {
                let shape = fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
                throw fail(.barChartShape(shape), at: span)
            }
        case .timeline:
            guard schema.timeField != nil else {
                throw fail(.timelineNeedsTime, at: span)
            }
        }
        return kind
    }

    /// Records a `let` name for the statements after it (nil when its query failed).
    package mutating func define(_ name: String, as schema: TableSchema?) {
        scope[name] = .some(schema)
        qualifiedSchemas.schemas[name] = nil
    }

    /// Checks a `def`'s body with its parameters standing for values of any type, and records it.
    package mutating func define(_ name: Name, parameters: [Name], query: Query) throws(Failure) -> Definition {
        if scope[name.text] != nil && definitions[name.text] == nil {
            throw fail(.alreadyATable(name.text, help: "choose another name for the 'def'"), at: name.span)
        }
        var seen = Set<String>()
        for parameter in parameters where !seen.insert(parameter.text).inserted {
            throw fail(.parameterNamedTwice(parameter.text), at: parameter.span)
        }
        let definition = Definition(name: name.text, parameters: parameters.map(\.text), query: query, source: source)
        definitions[name.text] = .some(nil)  // while checking, a call to itself is not yet known
        let saved = self.parameters
        let savedDefining = defining
        defining = name.text
        defer {
            self.parameters = saved
            defining = savedDefining
        }
        for parameter in parameters {
            self.parameters[parameter.text] = TypedExpression(expression: .literal(.null), type: .null)
        }
        // Parameters stand in as nulls here, so warnings about nulls would be about the stand-ins.
        let warningsBefore = diagnostics.count
        do {
            _ = try bind(query)
        } catch {
            definitions[name.text] = .some(nil)
            throw error
        }
        diagnostics.removeSubrange(warningsBefore...)
        definitions[name.text] = .some(definition)
        return definition
    }

    /// Whether a name is taken by something other than a `let`.
    package func isBuiltIn(_ name: String, lets: Set<String>) -> Bool {
        (scope[name] != nil && !lets.contains(name)) || (definitions[name] ?? nil) != nil
    }

    package func caseInsensitiveLookup(_ name: String) -> TableSchema?? {
        scope.value(forNameIgnoringCase: name)
    }

    // MARK: - Sources

    /// A table, a `let` name, `range(...)`, or a call of a `def`.
    package mutating func bindSource(_ name: Name, arguments: [Expression]?) throws(Failure) -> QueryPlan {
        if let arguments {
            if name.text.lowercased() == "range" { return try bindRange(name, arguments: arguments) }
            let key = definitions.key(forNameIgnoringCase: name.text)
            if let key, let entry = definitions[key] {
                if key == defining {
                    throw fail(.recursiveDefinition(key), at: name.span)
                }
                guard let definition = entry else { throw Failure() }  // its own error was reported
                return try bindCall(definition, name: name, arguments: arguments)
            }
            if scope[name.text] != nil || caseInsensitiveLookup(name.text) != nil {
                throw fail(.tableIsNotAFunction(name.text), at: name.span)
            }
            let known = ["range"] + definitions.keys.sorted()
            let guess = Suggestion.closest(to: name.text, among: known)
            throw fail(.unknownTableFunction(name.text, guess: guess, available: known), at: name.span)
        }
        if definitions[name.text] != nil {
            throw fail(.functionNeedsArguments(name.text), at: name.span)
        }
        guard let entry = scope[name.text] ?? caseInsensitiveLookup(name.text) else {
            let names = scope.keys.sorted()
            let guess = Suggestion.closest(to: name.text, among: names + definitions.keys.sorted())
            throw fail(.unknownTable(name.text, guess: guess, available: names), at: name.span)
        }
        guard var schema = entry else { throw Failure() }
        // One qualified schema per table, shared by every plan that reads it: a script of a
        // million small statements keeps one copy, not a million.
        if let shared = qualifiedSchemas.schemas[schema.name], shared.fields.count == schema.fields.count {
            schema = shared
        } else {
            for index in schema.fields.indices where schema.fields[index].qualifier == nil {
                schema.fields[index].qualifier = schema.name
            }
            qualifiedSchemas.schemas[schema.name] = schema
        }
        return QueryPlan(source: .table(schema.name), sourceDescription: schema.name, sourceSchema: schema, steps: [], schema: schema)
    }

    /// `range(STOP)` or `range(START, STOP)`: integers in a field named `value`.
    /// `[{NAME: VALUE, …}, …]`: every row names the same fields in the same order; each value is a
    /// constant (literals, parameters, functions of them), and a field's values share one type
    /// (integers and floats make floats).
    package mutating func bindInlineTable(_ rows: [[InlineField]], span: SourceSpan) throws(Failure) -> QueryPlan {
        let names = rows[0].map(\.name.text)
        var seen = Set<String>()
        for field in rows[0] where !seen.insert(field.name.text).inserted {
            throw fail(.inlineDuplicateField(field.name.text), at: field.name.span)
        }
        var types = [DataType](repeating: .null, count: names.count)
        var values: [[Value]] = []
        let empty = TableSchema(name: "rows", fields: [])
        for row in rows {
            guard row.map(\.name.text) == names else {
                let place = row.first.map { $0.name.span.union(row[row.count - 1].value.span) } ?? span
                throw fail(.inlineRowFields(row.map(\.name.text), expected: names), at: place)
            }
            var rowValues: [Value] = []
            for (index, field) in row.enumerated() {
                let bound = try bind(field.value, in: empty)
                guard let constant = Self.constantValue(of: bound.expression) else { throw fail(.inlineValueNotConstant, at: field.value.span) }
                guard let unified = types[index].unified(with: bound.type) else {
                    throw fail(
                        .inlineFieldType(names[index], described: describe(field.value), is: article(bound.type), expected: article(types[index])),
                        at: field.value.span)
                }
                types[index] = unified
                rowValues.append(constant)
            }
            values.append(rowValues)
        }
        // A float field holds floats: integers are widened, as coalesce does.
        for index in types.indices where types[index] == .float {
            for row in values.indices {
                if case .integer(let number) = values[row][index] { values[row][index] = .float(Double(number)) }
            }
        }
        let schema = TableSchema(name: "rows", fields: zip(names, types).map { Field(name: $0, type: $1, qualifier: "rows") })
        return QueryPlan(
            source: .inline(Table(schema: schema, rows: values)), sourceDescription: "\(values.count) row\(values.count == 1 ? "" : "s") written in the query",
            sourceSchema: schema, steps: [], schema: schema)
    }

    /// The value of an expression that reads no row: a literal, or a function of constants (a
    /// null result, such as ln(-5), is kept as a call for its type; here it is the value).
    package static func constantValue(of expression: BoundExpression) -> Value? {
        switch expression {
        case .literal(let value):
            return value
        case .call(let function, let arguments, _):
            var values: [Value] = []
            for argument in arguments {
                guard let value = constantValue(of: argument) else { return nil }
                values.append(value)
            }
            return try? function.apply(values)
        default:
            return nil
        }
    }

    package mutating func bindRange(_ name: Name, arguments: [Expression]) throws(Failure) -> QueryPlan {
        var bounds: [Int] = []
        for argument in arguments {
            var given = argument.kind
            if case .parameter(let name) = argument.kind, let constant = try bindParameterValue(name, span: argument.span).constant,
                case .integer(let number) = constant
            {
                given = .literal(.integer(number))
            }
            guard case .literal(.integer(let value)) = given else {
                throw fail(.rangeTakesWholeNumbers, at: argument.span)
            }
            bounds.append(value)
        }
        guard bounds.count == 1 || bounds.count == 2 else {
            throw fail(
                .rangeArgumentCount(bounds.count),
                at: arguments.first.map { $0.span.union(arguments[arguments.count - 1].span) } ?? name.span)
        }
        let start = bounds.count == 2 ? bounds[0] : 0
        let stop = max(start, bounds[bounds.count - 1])
        if stop.subtractingReportingOverflow(start).overflow || stop - start > Binder.maximumRangeCount {
            throw fail(.rangeTooLong(maximum: Binder.maximumRangeCount), at: name.span.union(arguments[arguments.count - 1].span))
        }
        let schema = TableSchema(name: "range", fields: [Field(name: "value", type: .integer, qualifier: "range")])
        return QueryPlan(
            source: .range(start: start, stop: stop), sourceDescription: "range(\(start), \(stop))", sourceSchema: schema,
            steps: [], schema: schema)
    }

    /// Binds a `def`'s body with the call's arguments as its parameters.
    package mutating func bindCall(_ definition: Definition, name: Name, arguments: [Expression]) throws(Failure) -> QueryPlan {
        guard arguments.count == definition.parameters.count else {
            throw fail(
                .definitionArgumentCount(definition.name, parameters: definition.parameters, given: arguments.count), at: name.span)
        }
        guard callDepth < Binder.maximumCallDepth else {
            throw fail(.callsTooDeep(definition.name, maximum: Binder.maximumCallDepth), at: name.span)
        }
        var values: [String: TypedExpression] = [:]
        let empty = TableSchema(name: definition.name, fields: [])
        for (parameter, argument) in zip(definition.parameters, arguments) {
            let bound = try bind(argument, in: empty)
            guard bound.constant != nil else {
                throw fail(.definitionArgumentsMustBeConstants(definition.name), at: argument.span)
            }
            values[parameter] = bound
        }
        expansions.count += 1
        guard expansions.count <= Binder.maximumExpansions else {
            throw fail(.tooManyExpansions(maximum: Binder.maximumExpansions), at: name.span)
        }
        // A `def`'s body sees parameters as values: a prepared query that calls one is checked
        // again when they change.
        bakedParameters.formUnion(parameterSlots)
        var inner = Binder(scope: scope, definitions: definitions, source: definition.source, nameIndexes: nameIndexes)
        inner.expansions = expansions
        inner.parameterValues = parameterValues
        inner.userFunctions = userFunctions
        inner.parameters = values
        inner.callDepth = callDepth + 1
        do {
            var plan = try inner.bind(definition.query)
            plan.sourceDescription = "\(definition.name)(\(values.count == 0 ? "" : definition.parameters.compactMap { values[$0]?.constant?.literal }.joined(separator: ", "))): " + plan.sourceDescription
            diagnostics += inner.diagnostics.filter { $0.severity != .error }.map { relocate($0, to: name.span, in: definition) }
            return plan
        } catch {
            for diagnostic in inner.diagnostics where diagnostic.severity == .error {
                diagnostics.append(relocate(diagnostic, to: name.span, in: definition))
            }
            throw Failure()
        }
    }

    /// A diagnostic from inside a `def`'s body, shown at the call with the body's line as a note.
    package func relocate(_ diagnostic: Diagnostic, to span: SourceSpan, in definition: Definition) -> Diagnostic {
        var moved = diagnostic
        // A chain too deep is said once, at the outermost call: a prefix and a note for each of
        // its 128 levels would bury the message.
        if diagnostic.id == .nestingTooDeep {
            moved.span = span
            return moved
        }
        moved.message = "in '\(definition.name)': " + diagnostic.message
        moved.span = span
        if let inner = diagnostic.span {
            moved.notes.insert(
                "'\(definition.name)' is defined at \(definition.source.name):\(inner.start.line): \(definition.source.line(inner.start.line).trimmingCharacters(in: .whitespaces))",
                at: 0)
        }
        return moved
    }

    // MARK: - Clauses

    package mutating func bindClause(_ clause: Clause, input schema: TableSchema) throws(Failure) -> QueryPlan.Step {
        let description = text(of: clause.span)
        switch clause.kind {
        case .filter(let condition):
            let bound = try bind(condition, in: schema)
            try require(bound, is: .bool, condition, role: "a 'where' condition")
            return QueryPlan.Step(stage: .filter(bound.expression), output: schema, description: description)
        case .select(let items):
            if items.count > Limits.maximumFields {
                throw fail(.tooManySelected(items.count, maximum: Limits.maximumFields), at: clause.span)
            }
            if items.contains(where: { containsAggregate($0.expression) }) {
                return try bindAggregation(keys: [], groupClause: nil, select: clause, input: schema)
            }
            var expressions: [BoundExpression] = []
            var fields: [Field] = []
            for item in items {
                let bound = try bind(item.expression, in: schema)
                expressions.append(bound.expression)
                fields.append(try outputField(item, bound, existing: fields, input: schema))
            }
            return QueryPlan.Step(stage: .project(expressions), output: TableSchema(name: schema.name, fields: fields), description: description)
        case .orderBy(let items):
            var keys: [(BoundExpression, descending: Bool)] = []
            for item in items {
                let bound = try bind(item.expression, in: schema)
                if bound.type == .null {
                    throw fail(.orderByNull, at: item.expression.span)
                }
                keys.append((bound.expression, item.descending))
            }
            return QueryPlan.Step(stage: .sort(keys), output: schema, description: description)
        case .limit(let count, let offset):
            let rows = try wholeNumber(count, clause: "limit")
            let skip = try offset.map { (expression) throws(Failure) in try wholeNumber(expression, clause: "offset") } ?? 0
            return QueryPlan.Step(stage: .limit(rows, offset: skip), output: schema, description: description)
        case .count:
            return QueryPlan.Step(
                stage: .count, output: TableSchema(name: schema.name, fields: [Field(name: "count", type: .integer)]),
                description: description)
        case .distinct:
            return QueryPlan.Step(stage: .distinct, output: schema, description: description)
        case .save, .saveTable, .chart, .cite:
            // Handled in bind(_:), as the query's last clause.
            throw fail(.mustBeLast(description, move: nil), at: clause.span)
        case .groupBy:
            // Handled with the select after it, in bind(_:).
            throw fail(.groupByWithoutSelect, at: clause.span)
        case .distinctBy:
            // Several steps, made in bind(_:) by bindSeveralSteps; never reached.
            throw Failure()
        case .join(let join):
            return try bindJoin(join, input: schema, description: description)
        case .append(let source, let arguments, let rows, let query):
            return try bindAppend(source, arguments: arguments, rows: rows, query: query, input: schema, description: description)
        case .intersect(let source, let arguments, let keep, let rows, let query):
            if schema.fields.contains(where: Evidence.isHidden) {
                throw fail(.citeWithSetOperation(keep ? "intersect" : "except"), at: clause.span)
            }
            let step = try bindAppend(
                source, arguments: arguments, rows: rows, query: query, input: schema, description: description,
                clause: keep ? "intersect" : "except")
            guard case .append(let other) = step.stage else { return step }
            return QueryPlan.Step(stage: .intersect(other, keep: keep), output: step.output, description: description)
        }
    }

    /// `append SOURCE`: the source must have as many fields as the rows so far, each of a type
    /// that mixes with theirs (integers and floats make floats). The result keeps these names.
    package mutating func bindAppend(
        _ source: Name, arguments: [Expression]?, rows: [[InlineField]]? = nil, query: Query? = nil, input: TableSchema,
        description: String, clause: String = "append"
    ) throws(Failure) -> QueryPlan.Step {
        var other: QueryPlan
        var source = source
        if let query {
            // `append (QUERY)`: the query's rows, as a `let` of it would give them; it ends before
            // `save`, `chart` and `cite`, which belong to the whole query.
            if let last = query.clauses.first(where: \.kind.isOutput) {
                throw fail(.clauseInOperandQuery(text(of: last.span), clause: clause), at: last.span)
            }
            other = try bind(query)
            source.text = text(of: source.span)
        } else if let rows {
            other = try bindInlineTable(rows, span: source.span)
        } else {
            other = try bindSource(source, arguments: arguments)
        }
        // With cite, the rows before carry hidden evidence fields; the appended rows get empty
        // ones in the same places, so the fields still match by position.
        let shown = input.fields.filter { !Evidence.isHidden($0) }
        guard other.schema.fields.count == shown.count else {
            throw fail(
                .appendFieldCount(clause, source.text, has: other.schema.fields.count, expected: shown.count, fields: shown.map(\.name)), at: source.span)
        }
        if shown.count != input.fields.count {
            var expressions: [BoundExpression] = []
            var padded: [Field] = []
            var next = 0
            for field in input.fields {
                if Evidence.isHidden(field) {
                    expressions.append(.literal(.null))
                    padded.append(field)
                } else {
                    expressions.append(.column(next))
                    padded.append(other.schema.fields[next])
                    next += 1
                }
            }
            let schema = TableSchema(name: other.schema.name, fields: padded)
            other.steps.append(QueryPlan.Step(stage: .project(expressions), output: schema, description: "select"))
            other.schema = schema
        }
        let theirs = other.schema.fields
        var fields = input.fields
        for index in fields.indices {
            guard let type = fields[index].type.unified(with: theirs[index].type) else {
                throw fail(
                    .appendFieldType(
                        theirs[index].name, of: source.text, is: article(theirs[index].type), position: index + 1, field: fields[index].name,
                        expected: article(fields[index].type)),
                    at: source.span)
            }
            if fields[index].references != theirs[index].references { fields[index].references = nil }
            fields[index].type = type
        }
        return QueryPlan.Step(stage: .append(other), output: TableSchema(name: input.name, fields: fields), description: description)
    }

    package mutating func wholeNumber(_ expression: Expression, clause: String) throws(Failure) -> Int {
        var number: Int?
        if case .literal(.integer(let count)) = expression.kind { number = count }
        if case .parameter(let name) = expression.kind, case .integer(let count)? = try bindParameterValue(name, span: expression.span).constant {
            number = count
        }
        guard let count = number, count >= 0 else {
            throw fail(.wholeNumberOfRows(clause), at: expression.span)
        }
        return count
    }

    /// The field a `select` item produces: its alias, else a field's own name, else its text.
    /// `inputIndex` says which input field a bound expression reads, when it is one.
    package mutating func outputField(
        _ item: SelectItem, _ bound: TypedExpression, existing: [Field], input: TableSchema,
        inputIndex: (BoundExpression) -> Int? = { expression in
            if case .column(let index) = expression { return index }
            return nil
        }
    ) throws(Failure) -> Field {
        var qualifier: String?
        var name = item.alias?.text ?? text(of: item.expression.span)
        // A field keeps its name (qualified, as `visits.status`, where a join made it ambiguous).
        if item.alias == nil, let index = inputIndex(bound.expression), input.fields.indices.contains(index) {
            switch item.expression.kind {
            case .field, .qualifiedField:
                name = input.fields[index].name
                qualifier = input.fields[index].qualifier
            default:
                break
            }
        }
        if existing.contains(where: { $0.name == name }) {
            throw fail(.duplicateSelectName(name), at: item.alias?.span ?? item.expression.span)
        }
        return Field(name: name, type: bound.type, references: bound.references, qualifier: qualifier)
    }

    // MARK: - Helpers

    package func literalExpression(_ literal: Literal) -> TypedExpression {
        switch literal {
        case .string(let value): return TypedExpression(expression: .literal(.string(value)), type: .string)
        case .integer(let value): return TypedExpression(expression: .literal(.integer(value)), type: .integer)
        case .float(let value): return TypedExpression(expression: .literal(.float(value)), type: .float)
        case .bool(let value): return TypedExpression(expression: .literal(.bool(value)), type: .bool)
        case .null: return TypedExpression(expression: .literal(.null), type: .null)
        }
    }

    package mutating func require(
        _ bound: TypedExpression, is type: DataType, _ syntax: Expression, role: String
    ) throws(Failure) {
        guard bound.type != type, bound.type != .null else { return }
        throw fail(
            .needsBool(
                role, described: describe(syntax), is: article(bound.type),
                stringSource: bound.type == .string ? text(of: syntax.span) : nil),
            at: syntax.span)
    }

    /// A string constant on either side that reads as a number: most likely a number in quotes.
    package func quotedNumber(_ lhs: TypedExpression, _ rhs: TypedExpression) -> String? {
        for case .string(let text)? in [lhs.constant, rhs.constant] where Double(text) != nil { return text }
        return nil
    }

    /// The source text of a span.
    package func text(of span: SourceSpan) -> String {
        let bytes = source.bytes
        let start = min(span.start.offset, bytes.count)
        let end = min(max(start, span.end.offset), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String($0).trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }

    /// How a message names an expression: 'field', or its text in quotes.
    package func describe(_ expression: Expression) -> String {
        if case .field(let name) = expression.kind { return "'\(name)'" }
        // A message quotes at most 80 characters of an expression; the caret shows the rest.
        let written = text(of: expression.span)
        guard written.unicodeScalars.count > 80 else { return "'\(written)'" }
        var short = ""
        short.unicodeScalars.append(contentsOf: written.unicodeScalars.prefix(79))
        return "'\(short)…'"
    }

    package func article(_ type: DataType) -> String {
        let name = type.description
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }

    /// Records a message of the catalogue at `span`; throw what it returns.
    package mutating func fail(_ message: DiagnosticMessage, at span: SourceSpan) -> Failure {
        diagnostics.append(Diagnostic(message, at: span))
        return Failure()
    }
}

extension Expression {
    /// Whether two expressions are the same apart from where they were written.
    package func hasSameShape(as other: Expression) -> Bool {
        switch (kind, other.kind) {
        case (.literal(let a), .literal(let b)): return a == b
        case (.field(let a), .field(let b)): return a.lowercased() == b.lowercased()
        case (.qualifiedField(let t1, let f1), .qualifiedField(let t2, let f2)): return t1 == t2 && f1.lowercased() == f2.lowercased()
        case (.call(let n1, let a1, let d1), .call(let n2, let a2, let d2)):
            return n1.lowercased() == n2.lowercased() && d1 == d2 && a1.count == a2.count && zip(a1, a2).allSatisfy { $0.hasSameShape(as: $1) }
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.hasSameShape(as: $1) }
        case (.not(let a), .not(let b)), (.negate(let a), .negate(let b)): return a.hasSameShape(as: b)
        case (.binary(let o1, let a1, let b1), .binary(let o2, let a2, let b2)): return o1 == o2 && a1.hasSameShape(as: a2) && b1.hasSameShape(as: b2)
        case (.membership(let a1, let b1, let n1), .membership(let a2, let b2, let n2)): return n1 == n2 && a1.hasSameShape(as: a2) && b1.hasSameShape(as: b2)
        case (.isNull(let a, let n1), .isNull(let b, let n2)): return n1 == n2 && a.hasSameShape(as: b)
        case (.parameter(let a), .parameter(let b)): return a == b
        case (.conditional(let a1, let e1), .conditional(let a2, let e2)):
            guard a1.count == a2.count, zip(a1, a2).allSatisfy({ $0.hasSameShape(as: $1) }) else { return false }
            switch (e1, e2) {
            case (nil, nil): return true
            case (let x?, let y?): return x.hasSameShape(as: y)
            default: return false
            }
        case (.between(let a1, let b1, let c1, let n1), .between(let a2, let b2, let c2, let n2)):
            return n1 == n2 && a1.hasSameShape(as: a2) && b1.hasSameShape(as: b2) && c1.hasSameShape(as: c2)
        default: return false
        }
    }
}
