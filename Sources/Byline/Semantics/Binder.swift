// Binder: resolves tables, fields and functions, checks types, and turns a syntax tree into a
// query plan before any row is read.

/// A saved, parameterised query: `def by_country(c) = leaders where country = c`.
public struct Definition: Sendable {
    /// The name it is called by.
    public var name: String
    /// Parameter names, in order.
    public var parameters: [String]
    let query: Query
    let source: SourceFile
}

/// Checks statements against the tables a session has and the names defined before them.
struct Binder {
    /// Schemas by name; a nil value marks a `let` whose own statement failed, so its uses stay quiet.
    private(set) var scope: [String: TableSchema?]
    /// Saved queries by name; a nil value marks a `def` that failed to check.
    private(set) var definitions: [String: Definition?]
    /// For each table with a key, every name of each row mapped to its key.
    private let nameIndexes: (String) -> [String: String]
    private let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []
    /// Values of a `def`'s parameters while its body is bound.
    private var parameters: [String: TypedExpression] = [:]
    /// Set while binding the `select` of an aggregation.
    private var aggregation: AggregationContext?
    /// How many `def` calls deep binding is (a `def` that calls itself stops here).
    private var callDepth = 0
    /// Functions the host registered, by lowercased name.
    var userFunctions: [String: UserFunction] = [:]

    /// Thrown when a statement has failed; its diagnostic is already recorded.
    struct Failure: Error {}

    /// The state of binding a `select` that aggregates.
    private struct AggregationContext {
        var keys: [Expression]
        var keyTypes: [TypedExpression]
        var input: TableSchema
        var aggregates: [AggregateCall] = []
        var aggregateTypes: [DataType] = []
        var grouped: Bool
    }

    init(
        scope: [String: TableSchema?], definitions: [String: Definition?], source: SourceFile,
        nameIndexes: @escaping (String) -> [String: String]
    ) {
        self.scope = scope
        self.definitions = definitions
        self.source = source
        self.nameIndexes = nameIndexes
    }

    /// How many fields a result may have.
    static let maximumFields = 4096
    /// How many rows `range` generates at most.
    static let maximumRangeCount = 100_000_000
    /// How deeply `def`s may call each other.
    static let maximumCallDepth = 32

    // MARK: - Statements

    /// Checks a query, returning its plan.
    mutating func bind(_ query: Query) throws(Failure) -> QueryPlan {
        var plan = try bindSource(query.source, arguments: query.arguments)
        var index = 0
        while index < query.clauses.count {
            let clause = query.clauses[index]
            if case .save(let path) = clause.kind {
                try requireLast(clause, index: index, of: query.clauses, word: "save")
                plan.output = .save(path: path)
                index += 1
                continue
            }
            if case .chart(let kind) = clause.kind {
                try requireLast(clause, index: index, of: query.clauses, word: "chart")
                plan.output = .chart(try bindChart(kind, schema: plan.schema, span: clause.span))
                index += 1
                continue
            }
            if case .groupBy(let keys) = clause.kind {
                // `group by` and the `select` after it form one aggregation step.
                var select: Clause?
                if index + 1 < query.clauses.count, case .select = query.clauses[index + 1].kind {
                    select = query.clauses[index + 1]
                    index += 1
                }
                plan.steps.append(try bindAggregation(keys: keys, groupClause: clause, select: select, input: plan.schema))
            } else {
                plan.steps.append(try bindClause(clause, input: plan.schema))
            }
            plan.schema = plan.steps[plan.steps.count - 1].output
            index += 1
        }
        return plan
    }

    private mutating func requireLast(_ clause: Clause, index: Int, of clauses: [Clause], word: String) throws(Failure) {
        guard index == clauses.count - 1 else {
            throw fail(
                .unexpectedToken, "'\(word)' must be the last clause of a query", at: clauses[index + 1].span,
                help: "move '\(text(of: clause.span))' to the end")
        }
    }

    /// `chart bar` needs a label and a number; `chart timeline` a date or a year.
    private mutating func bindChart(_ name: Name, schema: TableSchema, span: SourceSpan) throws(Failure) -> ChartKind {
        guard let kind = ChartKind(rawValue: name.text.lowercased()) else {
            throw fail(.invalidArgument, "unknown chart '\(name.text)'", at: name.span, help: "charts: bar, timeline")
        }
        switch kind {
        case .bar:
            let fields = schema.fields
            guard fields.count == 2, fields[1].type.isNumeric, fields[1].type != .null else {
                let shape = fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
                throw fail(
                    .typeMismatch, "'chart bar' needs two fields, a label and a number, but the result has: \(shape)",
                    at: span, help: "for example: visits group by destination select destination, count() chart bar")
            }
        case .timeline:
            guard ChartRenderer.timeField(in: schema) != nil else {
                throw fail(
                    .typeMismatch, "'chart timeline' needs a date field or an integer field named 'year'", at: span,
                    help: "for example: events chart timeline")
            }
        }
        return kind
    }

    /// Records a `let` name for the statements after it (nil when its query failed).
    mutating func define(_ name: String, as schema: TableSchema?) {
        scope[name] = .some(schema)
    }

    /// Checks a `def`'s body with its parameters standing for values of any type, and records it.
    mutating func define(_ name: Name, parameters: [Name], query: Query) throws(Failure) -> Definition {
        if scope[name.text] != nil && definitions[name.text] == nil {
            throw fail(.duplicateName, "'\(name.text)' is already a table", at: name.span, help: "choose another name for the 'def'")
        }
        var seen = Set<String>()
        for parameter in parameters where !seen.insert(parameter.text).inserted {
            throw fail(.duplicateName, "parameter '\(parameter.text)' is named twice", at: parameter.span)
        }
        let definition = Definition(name: name.text, parameters: parameters.map(\.text), query: query, source: source)
        definitions[name.text] = .some(nil)  // while checking, a call to itself is not yet known
        let saved = self.parameters
        defer { self.parameters = saved }
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
    func isBuiltIn(_ name: String, lets: Set<String>) -> Bool {
        (scope[name] != nil && !lets.contains(name)) || (definitions[name] ?? nil) != nil
    }

    private func caseInsensitiveLookup(_ name: String) -> TableSchema?? {
        scope.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    // MARK: - Sources

    /// A table, a `let` name, `range(...)`, or a call of a `def`.
    private mutating func bindSource(_ name: Name, arguments: [Expression]?) throws(Failure) -> QueryPlan {
        if let arguments {
            if name.text.lowercased() == "range" { return try bindRange(name, arguments: arguments) }
            let key = definitions[name.text] != nil
                ? name.text : definitions.keys.first { $0.lowercased() == name.text.lowercased() }
            if let key, let entry = definitions[key] {
                guard let definition = entry else { throw Failure() }
                return try bindCall(definition, name: name, arguments: arguments)
            }
            if scope[name.text] != nil || caseInsensitiveLookup(name.text) != nil {
                throw fail(
                    .invalidArgument, "'\(name.text)' is a table, not a function", at: name.span,
                    help: "write it without parentheses: \(name.text)")
            }
            let known = ["range"] + definitions.keys.sorted()
            var help = "table functions: " + known.joined(separator: ", ")
            if let guess = Suggestion.closest(to: name.text, among: known) { help = "did you mean '\(guess)'?" }
            throw fail(.unknownTable, "unknown table function '\(name.text)'", at: name.span, help: help)
        }
        if definitions[name.text] != nil {
            throw fail(
                .invalidArgument, "'\(name.text)' takes arguments", at: name.span,
                help: "call it with parentheses: \(name.text)(...)")
        }
        guard let entry = scope[name.text] ?? caseInsensitiveLookup(name.text) else {
            let names = scope.keys.sorted()
            var help = "available tables: " + names.joined(separator: ", ")
            if let guess = Suggestion.closest(to: name.text, among: names + definitions.keys.sorted()) {
                help = "did you mean '\(guess)'?"
            }
            throw fail(.unknownTable, "unknown table '\(name.text)'", at: name.span, help: help)
        }
        guard var schema = entry else { throw Failure() }
        for index in schema.fields.indices where schema.fields[index].qualifier == nil {
            schema.fields[index].qualifier = schema.name
        }
        return QueryPlan(source: .table(schema.name), sourceDescription: schema.name, sourceSchema: schema, steps: [], schema: schema)
    }

    /// `range(STOP)` or `range(START, STOP)`: integers in a field named `value`.
    private mutating func bindRange(_ name: Name, arguments: [Expression]) throws(Failure) -> QueryPlan {
        var bounds: [Int] = []
        for argument in arguments {
            guard case .literal(.integer(let value)) = argument.kind else {
                throw fail(
                    .invalidArgument, "'range' takes whole numbers, like range(10) or range(5, 10)", at: argument.span)
            }
            bounds.append(value)
        }
        guard bounds.count == 1 || bounds.count == 2 else {
            throw fail(
                .invalidArgument, "'range' takes 1 or 2 arguments, but \(bounds.count) were given",
                at: arguments.first.map { $0.span.union(arguments[arguments.count - 1].span) } ?? name.span,
                help: "range(STOP) counts from 0; range(START, STOP) from START")
        }
        let start = bounds.count == 2 ? bounds[0] : 0
        let stop = max(start, bounds[bounds.count - 1])
        if stop.subtractingReportingOverflow(start).overflow || stop - start > Binder.maximumRangeCount {
            throw fail(
                .invalidArgument, "'range' generates at most \(Binder.maximumRangeCount) rows",
                at: name.span.union(arguments[arguments.count - 1].span))
        }
        let schema = TableSchema(name: "range", fields: [Field(name: "value", type: .integer, qualifier: "range")])
        return QueryPlan(
            source: .range(start: start, stop: stop), sourceDescription: "range(\(start), \(stop))", sourceSchema: schema,
            steps: [], schema: schema)
    }

    /// Binds a `def`'s body with the call's arguments as its parameters.
    private mutating func bindCall(_ definition: Definition, name: Name, arguments: [Expression]) throws(Failure) -> QueryPlan {
        guard arguments.count == definition.parameters.count else {
            throw fail(
                .invalidArgument,
                "'\(definition.name)' takes \(definition.parameters.count) argument\(definition.parameters.count == 1 ? "" : "s"), but \(arguments.count) were given",
                at: name.span, help: "\(definition.name)(\(definition.parameters.joined(separator: ", ")))")
        }
        guard callDepth < Binder.maximumCallDepth else {
            throw fail(.nestingTooDeep, "'\(definition.name)' calls itself more than \(Binder.maximumCallDepth) times deep", at: name.span)
        }
        var values: [String: TypedExpression] = [:]
        let empty = TableSchema(name: definition.name, fields: [])
        for (parameter, argument) in zip(definition.parameters, arguments) {
            let bound = try bind(argument, in: empty)
            guard bound.constant != nil else {
                throw fail(.invalidArgument, "arguments of '\(definition.name)' must be constants", at: argument.span)
            }
            values[parameter] = bound
        }
        var inner = Binder(scope: scope, definitions: definitions, source: definition.source, nameIndexes: nameIndexes)
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
    private func relocate(_ diagnostic: Diagnostic, to span: SourceSpan, in definition: Definition) -> Diagnostic {
        var moved = diagnostic
        moved.message = "in '\(definition.name)': " + diagnostic.message
        moved.span = span
        if let inner = diagnostic.span {
            moved.notes.insert(
                "'\(definition.name)' is defined at \(definition.source.name):\(inner.start.line): \(definition.source.line(inner.start.line).trimmingCharacters(in: " \t"))",
                at: 0)
        }
        return moved
    }

    // MARK: - Clauses

    private mutating func bindClause(_ clause: Clause, input schema: TableSchema) throws(Failure) -> QueryPlan.Step {
        let description = text(of: clause.span)
        switch clause.kind {
        case .filter(let condition):
            let bound = try bind(condition, in: schema)
            try require(bound, is: .bool, condition, role: "a 'where' condition")
            return QueryPlan.Step(stage: .filter(bound.expression), output: schema, description: description)
        case .select(let items):
            if items.count > Binder.maximumFields {
                throw fail(.invalidArgument, "'select' has \(items.count) fields; at most \(Binder.maximumFields) are allowed", at: clause.span)
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
                    throw fail(.typeMismatch, "cannot order by null", at: item.expression.span)
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
        case .save, .chart:
            // Handled in bind(_:), as the query's last clause.
            throw fail(.unexpectedToken, "'\(description)' must be the last clause of a query", at: clause.span)
        case .groupBy:
            // Handled with the select after it, in bind(_:).
            throw fail(.unexpectedToken, "'group by' here has no 'select' to aggregate", at: clause.span)
        case .join(let join):
            return try bindJoin(join, input: schema, description: description)
        }
    }

    private mutating func wholeNumber(_ expression: Expression, clause: String) throws(Failure) -> Int {
        guard case .literal(.integer(let count)) = expression.kind, count >= 0 else {
            throw fail(
                .invalidArgument, "'\(clause)' takes a whole number of rows, 0 or more", at: expression.span,
                help: "for example: \(clause) 10")
        }
        return count
    }

    /// The field a `select` item produces: its alias, else a field's own name, else its text.
    private mutating func outputField(
        _ item: SelectItem, _ bound: TypedExpression, existing: [Field], input: TableSchema
    ) throws(Failure) -> Field {
        var qualifier: String?
        var name = item.alias?.text ?? text(of: item.expression.span)
        // A field keeps its name (qualified, as `visits.status`, where a join made it ambiguous).
        if item.alias == nil, case .column(let index) = bound.expression {
            switch item.expression.kind {
            case .field, .qualifiedField:
                name = input.fields[index].name
                qualifier = input.fields[index].qualifier
            default:
                break
            }
        }
        if existing.contains(where: { $0.name == name }) {
            throw fail(
                .duplicateName, "duplicate field name '\(name)' in 'select'",
                at: item.alias?.span ?? item.expression.span, help: "rename one with 'as'")
        }
        return Field(name: name, type: bound.type, references: bound.references, qualifier: qualifier)
    }

    // MARK: - Aggregation

    /// `group by KEYS select ITEMS`, or a `select` whose items aggregate all rows.
    private mutating func bindAggregation(
        keys: [Expression], groupClause: Clause?, select: Clause?, input: TableSchema
    ) throws(Failure) -> QueryPlan.Step {
        var keyTypes: [TypedExpression] = []
        for key in keys {
            if containsAggregate(key) {
                throw fail(.typeMismatch, "cannot group by an aggregate", at: key.span, help: "group by fields, then aggregate in 'select'")
            }
            keyTypes.append(try bind(key, in: input))
        }
        var items: [SelectItem]
        if let select, case .select(let selected) = select.kind {
            items = selected
        } else {
            // `group by` alone gives the distinct keys.
            items = keys.map { SelectItem(expression: $0, alias: nil) }
        }
        aggregation = AggregationContext(keys: keys, keyTypes: keyTypes, input: input, grouped: groupClause != nil)
        defer { aggregation = nil }
        var outputs: [BoundExpression] = []
        var fields: [Field] = []
        for item in items {
            let bound = try bind(item.expression, in: input)
            outputs.append(bound.expression)
            var field = try outputField(item, bound, existing: fields, input: input)
            if case .column(let index) = bound.expression, index < keys.count, item.alias == nil,
                case .column(let inputIndex) = keyTypes[index].expression
            {
                field.name = input.fields[inputIndex].name
                field.qualifier = input.fields[inputIndex].qualifier
            }
            fields.append(field)
        }
        guard let context = aggregation else { throw Failure() }
        let description = [groupClause, select].compactMap { $0.map { text(of: $0.span) } }.joined(separator: " ")
        return QueryPlan.Step(
            stage: .aggregate(
                keys: keyTypes.map(\.expression), aggregates: context.aggregates, outputs: outputs, grouped: context.grouped),
            output: TableSchema(name: input.name, fields: fields), description: description)
    }

    /// Inside an aggregation: a group key, an aggregate call, or an error for a bare field.
    private mutating func bindInAggregation(_ expression: Expression) throws(Failure) -> TypedExpression? {
        guard let context = aggregation else { return nil }
        if let index = context.keys.firstIndex(where: { $0.hasSameShape(as: expression) }) {
            let key = context.keyTypes[index]
            return TypedExpression(expression: .column(index), type: key.type, references: key.references)
        }
        switch expression.kind {
        case .call(let name, let arguments, let distinct):
            guard let kind = AggregateCall.Kind.named(name) else { return nil }
            return try bindAggregate(kind, name: name, arguments: arguments, distinct: distinct, span: expression.span)
        case .field(let name) where parameters[name] == nil:
            throw fail(
                .typeMismatch,
                context.grouped
                    ? "'\(name)' is not in 'group by'" : "'\(name)' is not aggregated, but other fields of this 'select' are",
                at: expression.span,
                help: context.grouped
                    ? "add it to 'group by', or use an aggregate such as min(\(name)) or list(\(name))"
                    : "use an aggregate such as min(\(name)), or add 'group by \(name)' before 'select'")
        case .qualifiedField(let table, let name):
            throw fail(
                .typeMismatch, "'\(table).\(name)' is not in 'group by'", at: expression.span,
                help: "add it to 'group by', or use an aggregate such as min(\(table).\(name))")
        default:
            return nil
        }
    }

    private mutating func bindAggregate(
        _ kind: AggregateCall.Kind, name: String, arguments: [Expression], distinct: Bool, span: SourceSpan
    ) throws(Failure) -> TypedExpression {
        guard var context = aggregation else { throw Failure() }
        var call = AggregateCall(kind: kind, argument: nil, argumentType: .null)
        if kind == .count && arguments.isEmpty {
            call.kind = .countRows
        } else {
            guard arguments.count == 1 else {
                throw fail(
                    .invalidArgument, "'\(name)' takes 1 argument, but \(arguments.count) were given", at: span,
                    help: kind == .count ? "count() counts rows; count(x) counts values that are not null" : nil)
            }
            if containsAggregate(arguments[0]) {
                throw fail(.typeMismatch, "aggregates cannot be nested", at: arguments[0].span)
            }
            // The argument reads the input rows, not the groups.
            let saved = aggregation
            aggregation = nil
            let argument = try bind(arguments[0], in: context.input)
            aggregation = saved
            call.argument = argument.expression
            call.argumentType = argument.type
            if distinct {
                guard kind == .count else {
                    throw fail(.invalidArgument, "'distinct' works only in count(distinct x)", at: span)
                }
                call.kind = .countDistinct
            }
            switch kind {
            case .sum, .avg:
                if !argument.type.isNumeric {
                    throw fail(
                        .typeMismatch, "'\(name)' needs numbers, but \(describe(arguments[0])) is \(article(argument.type))",
                        at: arguments[0].span, help: "count(\(text(of: arguments[0].span))) counts values of any type")
                }
            case .min, .max:
                if argument.type.isList {
                    throw fail(.typeMismatch, "'\(name)' cannot compare lists", at: arguments[0].span)
                }
            default:
                break
            }
        }
        let type: DataType
        switch call.kind {
        case .countRows, .count, .countDistinct: type = .integer
        case .sum: type = call.argumentType == .float ? .float : .integer
        case .avg: type = .float
        case .min, .max: type = call.argumentType == .null ? .null : call.argumentType
        case .list: type = .list(call.argumentType)
        }
        let index = context.keys.count + context.aggregates.count
        context.aggregates.append(call)
        context.aggregateTypes.append(type)
        aggregation = context
        return TypedExpression(expression: .column(index), type: type)
    }

    private func containsAggregate(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .call(let name, let arguments, _):
            return AggregateCall.Kind.named(name) != nil || arguments.contains(where: containsAggregate)
        case .list(let items): return items.contains(where: containsAggregate)
        case .not(let inner), .negate(let inner), .isNull(let inner, _): return containsAggregate(inner)
        case .binary(_, let a, let b), .membership(let a, let b, _): return containsAggregate(a) || containsAggregate(b)
        case .literal, .field, .qualifiedField: return false
        }
    }

    // MARK: - Joins

    private mutating func bindJoin(_ join: Join, input left: TableSchema, description: String) throws(Failure) -> QueryPlan.Step {
        var right = try bindSource(join.source, arguments: join.arguments)
        let qualifier = join.alias?.text ?? join.source.text
        var rightFields = right.schema.fields
        for index in rightFields.indices {
            rightFields[index].name = rightFields[index].baseName
            rightFields[index].qualifier = qualifier
        }
        right.schema.fields = rightFields
        var leftFields = left.fields
        if let alias = join.alias?.text, leftFields.contains(where: { $0.qualifier == alias }) {
            throw fail(.duplicateName, "'\(alias)' already names the table on the left", at: join.alias!.span, help: "choose another name after 'as'")
        }
        if join.alias == nil, leftFields.contains(where: { $0.qualifier == qualifier }) {
            throw fail(
                .duplicateName, "'\(qualifier)' is already joined here", at: join.source.span,
                help: "name this side with 'as': join \(join.source.text) as other on ...")
        }
        // Names in both sides are shown qualified, so results never have two fields of one name.
        let leftNames = Set(leftFields.map(\.baseName))
        let rightNames = Set(rightFields.map(\.baseName))
        for index in leftFields.indices where rightNames.contains(leftFields[index].baseName) {
            if let q = leftFields[index].qualifier { leftFields[index].name = "\(q).\(leftFields[index].baseName)" }
        }
        for index in rightFields.indices where leftNames.contains(rightFields[index].baseName) {
            rightFields[index].name = "\(qualifier).\(rightFields[index].baseName)"
        }
        let combined = TableSchema(name: left.name, fields: leftFields + rightFields)
        let condition = try bind(join.condition, in: combined)
        try require(condition, is: .bool, join.condition, role: "a 'join' condition")
        // Split the condition into equalities between the two sides (hash keys) and the rest.
        let leftCount = leftFields.count
        var leftKeys: [BoundExpression] = []
        var rightKeys: [BoundExpression] = []
        var residual: [BoundExpression] = []
        for conjunct in Self.conjuncts(condition.expression) {
            if case .compare(.equal, let a, let b) = conjunct {
                let aSide = Self.side(of: a, leftCount: leftCount)
                let bSide = Self.side(of: b, leftCount: leftCount)
                if aSide == .left && bSide == .right {
                    leftKeys.append(a)
                    rightKeys.append(b.shifted(by: -leftCount))
                    continue
                }
                if aSide == .right && bSide == .left {
                    leftKeys.append(b)
                    rightKeys.append(a.shifted(by: -leftCount))
                    continue
                }
            }
            residual.append(conjunct)
        }
        let rest = residual.isEmpty ? nil : residual.dropFirst().reduce(residual[0]) { BoundExpression.and($0, $1) }
        let plan = QueryPlan.JoinPlan(isLeft: join.isLeft, right: right, leftKeys: leftKeys, rightKeys: rightKeys, residual: rest)
        return QueryPlan.Step(stage: .join(plan), output: combined, description: description)
    }

    private enum Side { case left, right, both, neither }

    private static func side(of expression: BoundExpression, leftCount: Int) -> Side {
        let columns = expression.columnsUsed
        if columns.isEmpty { return .neither }
        if columns.allSatisfy({ $0 < leftCount }) { return .left }
        if columns.allSatisfy({ $0 >= leftCount }) { return .right }
        return .both
    }

    private static func conjuncts(_ expression: BoundExpression) -> [BoundExpression] {
        if case .and(let a, let b) = expression { return conjuncts(a) + conjuncts(b) }
        return [expression]
    }

    // MARK: - Expressions

    mutating func bind(_ expression: Expression, in schema: TableSchema) throws(Failure) -> TypedExpression {
        if let aggregated = try bindInAggregation(expression) { return aggregated }
        switch expression.kind {
        case .literal(let literal):
            return literalExpression(literal)
        case .field(let name):
            if let value = parameters[name] { return value }
            return try resolveField(name, qualifier: nil, in: schema, span: expression.span)
        case .qualifiedField(let table, let name):
            return try resolveField(name, qualifier: table, in: schema, span: expression.span)
        case .call(let name, let arguments, let distinct):
            return try bindCall(name, arguments, distinct: distinct, span: expression.span, in: schema)
        case .list(let elements):
            var bound: [TypedExpression] = []
            var elementType = DataType.null
            for element in elements {
                let typed = try bind(element, in: schema)
                guard let unified = elementType.unified(with: typed.type) else {
                    throw fail(
                        .typeMismatch, "list mixes \(elementType) and \(typed.type) values", at: element.span,
                        help: "every element of a list must have the same type")
                }
                elementType = unified
                bound.append(typed)
            }
            if bound.allSatisfy({ $0.constant != nil }) {
                return TypedExpression(
                    expression: .literal(.list(bound.compactMap(\.constant))), type: .list(elementType))
            }
            return TypedExpression(expression: .makeList(bound.map(\.expression)), type: .list(elementType))
        case .not(let operand):
            let bound = try bind(operand, in: schema)
            try require(bound, is: .bool, operand, role: "the operand of 'not'")
            return TypedExpression(expression: .not(bound.expression), type: .bool)
        case .negate(let operand):
            let bound = try bind(operand, in: schema)
            guard bound.type.isNumeric else {
                throw fail(
                    .typeMismatch, "cannot negate \(describe(operand)) of type \(bound.type)", at: operand.span,
                    help: "'-' applies to integers and floats")
            }
            if case .integer(let value)? = bound.constant, value != Int.min { return literalExpression(.integer(-value)) }
            if case .float(let value)? = bound.constant { return literalExpression(.float(-value)) }
            return TypedExpression(expression: .negate(bound.expression), type: bound.type)
        case .isNull(let operand, let negated):
            let bound = try bind(operand, in: schema)
            let test = BoundExpression.isNull(bound.expression)
            return TypedExpression(expression: negated ? .not(test) : test, type: .bool)
        case .membership(let element, let list, let negated):
            return try bindMembership(element, list, negated: negated, span: expression.span, in: schema)
        case .binary(let op, let left, let right):
            return try bindBinary(op, left, right, in: schema)
        }
    }

    private mutating func resolveField(
        _ name: String, qualifier: String?, in schema: TableSchema, span: SourceSpan
    ) throws(Failure) -> TypedExpression {
        switch schema.resolve(name, qualifier: qualifier) {
        case .field(let index):
            let field = schema.fields[index]
            return TypedExpression(expression: .column(index), type: field.type, references: field.references)
        case .ambiguous(let choices):
            throw fail(
                .unknownField, "'\(name)' is ambiguous here", at: span,
                help: "write one of " + Suggestion.list(choices))
        case .missing:
            let written = qualifier.map { "\($0).\(name)" } ?? name
            if let qualifier, !schema.fields.contains(where: { $0.qualifier == qualifier }) {
                let tables = Array(Set(schema.fields.compactMap(\.qualifier))).sorted()
                throw fail(
                    .unknownTable, "no table named '\(qualifier)' in this query", at: span,
                    help: tables.isEmpty ? nil : "tables here: " + tables.joined(separator: ", "))
            }
            let names = schema.fields.map(\.name)
            var help = names.isEmpty ? "this table has no fields" : "available fields: " + names.joined(separator: ", ")
            if let guess = Suggestion.closest(to: name, among: schema.fields.map(\.baseName)) {
                help = "did you mean '\(qualifier.map { "\($0)." } ?? "")\(guess)'?"
            } else if qualifier == nil, ScalarFunction.callable[name.lowercased()] != nil || AggregateCall.Kind.named(name) != nil {
                help = "'\(name)' is a function, called with parentheses: \(name)(...); " + help
            }
            throw fail(.unknownField, "unknown field '\(written)' in '\(schema.name)'", at: span, help: help)
        }
    }

    private mutating func bindCall(
        _ name: String, _ arguments: [Expression], distinct: Bool, span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        if AggregateCall.Kind.named(name) != nil {
            // Outside a select (or inside an aggregate's own argument) aggregates make no sense.
            throw fail(
                .invalidArgument, "aggregate '\(name.lowercased())' is only allowed in 'select'", at: span,
                help: "for example: \(schema.name) group by KEY select KEY, \(name.lowercased())(...)")
        }
        if let function = userFunctions[name.lowercased()] {
            return try bindUserCall(function, arguments, span: span, in: schema)
        }
        guard let function = ScalarFunction.callable[name.lowercased()] else {
            let names = Array(ScalarFunction.callable.keys) + ["count", "sum", "avg", "min", "max", "list"] + Array(userFunctions.keys)
            var help = "functions: " + names.sorted().joined(separator: ", ")
            if let guess = Suggestion.closest(to: name, among: names) { help = "did you mean '\(guess)'?" }
            throw fail(.unknownFunction, "unknown function '\(name)'", at: span, help: help)
        }
        if distinct {
            throw fail(.invalidArgument, "'distinct' works only in count(distinct x)", at: span)
        }
        guard function.arity.contains(arguments.count) else {
            let expected = function.arity.count == 1 ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) to \(function.arity.upperBound)"
            throw fail(
                .invalidArgument,
                "'\(function.rawValue)' takes \(expected) argument\(function.arity.upperBound == 1 ? "" : "s"), but \(arguments.count) \(arguments.count == 1 ? "was" : "were") given",
                at: span, help: "usage: \(function.signature)")
        }
        var bound: [TypedExpression] = []
        for argument in arguments { bound.append(try bind(argument, in: schema)) }
        switch function.resultType(for: bound.map(\.type)) {
        case .success(let type):
            let expressions = bound.map(\.expression)
            if bound.allSatisfy({ $0.constant != nil }) {
                return TypedExpression(expression: .literal(function.apply(bound.compactMap(\.constant))), type: type)
            }
            let references = function == .coalesce ? bound.first?.references : nil
            return TypedExpression(expression: .call(function, expressions), type: type, references: references)
        case .failure(let misfit):
            let argument = arguments[misfit.index]
            throw fail(
                .typeMismatch,
                "argument \(misfit.index + 1) of '\(function.rawValue)' must be \(misfit.expected), but \(describe(argument)) is \(article(bound[misfit.index].type))",
                at: argument.span, help: "usage: \(function.signature)")
        }
    }

    private mutating func bindUserCall(
        _ function: UserFunction, _ arguments: [Expression], span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        guard arguments.count == function.argumentTypes.count else {
            throw fail(
                .invalidArgument,
                "'\(function.name)' takes \(function.argumentTypes.count) argument\(function.argumentTypes.count == 1 ? "" : "s"), but \(arguments.count) \(arguments.count == 1 ? "was" : "were") given",
                at: span, help: "usage: \(function.signature)")
        }
        var bound: [BoundExpression] = []
        for (index, argument) in arguments.enumerated() {
            let typed = try bind(argument, in: schema)
            let expected = function.argumentTypes[index]
            guard typed.type == .null || typed.type == expected || (expected == .float && typed.type == .integer) else {
                throw fail(
                    .typeMismatch,
                    "argument \(index + 1) of '\(function.name)' must be \(article(expected)), but \(describe(argument)) is \(article(typed.type))",
                    at: argument.span, help: "usage: \(function.signature)")
            }
            bound.append(typed.expression)
        }
        return TypedExpression(expression: .userCall(function, bound), type: function.returnType)
    }

    private mutating func bindBinary(
        _ op: BinaryOperator, _ left: Expression, _ right: Expression, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        var lhs = try bind(left, in: schema)
        var rhs = try bind(right, in: schema)
        switch op {
        case .and, .or:
            try require(lhs, is: .bool, left, role: "the left side of '\(op.rawValue)'")
            try require(rhs, is: .bool, right, role: "the right side of '\(op.rawValue)'")
            let expression: BoundExpression =
                op == .and ? .and(lhs.expression, rhs.expression) : .or(lhs.expression, rhs.expression)
            return TypedExpression(expression: expression, type: .bool)
        case .contains, .startsWith, .endsWith, .equalIgnoringCase, .matches:
            for (bound, syntax) in [(lhs, left), (rhs, right)] where bound.type != .string && bound.type != .null {
                throw fail(
                    .typeMismatch, "'\(op.rawValue)' needs strings, but \(describe(syntax)) is \(article(bound.type))",
                    at: syntax.span,
                    help: bound.type.isList ? "to test whether a list holds a value, write: VALUE in LIST" : nil)
            }
            switch op {
            case .contains: return TypedExpression(expression: .contains(lhs.expression, rhs.expression), type: .bool)
            case .matches: return try bindMatches(lhs, right, rhs)
            case .startsWith: return TypedExpression(expression: .call(.startsWith, [lhs.expression, rhs.expression]), type: .bool)
            case .endsWith: return TypedExpression(expression: .call(.endsWith, [lhs.expression, rhs.expression]), type: .bool)
            default:
                canonicalize(&rhs, against: lhs)
                canonicalize(&lhs, against: rhs)
                return TypedExpression(expression: .call(.equalIgnoringCase, [lhs.expression, rhs.expression]), type: .bool)
            }
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            coerceDateLiteral(&rhs, toMatch: lhs)
            coerceDateLiteral(&lhs, toMatch: rhs)
            if let error = dateLiteralError(lhs, rhs, right) ?? dateLiteralError(rhs, lhs, left) { throw error }
            guard lhs.type.isComparable(with: rhs.type) else {
                throw fail(
                    .typeMismatch,
                    "cannot compare \(describe(left)) (\(lhs.type)) with \(describe(right)) (\(rhs.type))",
                    at: left.span.union(right.span), help: comparisonHelp(lhs, rhs))
            }
            if (lhs.type == .null && lhs.constant != nil) || (rhs.type == .null && rhs.constant != nil) {
                diagnostics.append(
                    Diagnostic(
                        .warning, .typeMismatch, "comparing with null is never true", at: left.span.union(right.span),
                        help: "test for null with 'is null' or 'is not null'"))
            }
            canonicalize(&rhs, against: lhs)
            canonicalize(&lhs, against: rhs)
            return TypedExpression(expression: .compare(op, lhs.expression, rhs.expression), type: .bool)
        case .add, .subtract, .multiply, .divide, .remainder:
            if op == .add, lhs.type == .string, rhs.type == .string {
                return TypedExpression(expression: .arithmetic(.add, lhs.expression, rhs.expression, .string), type: .string)
            }
            for (bound, syntax) in [(lhs, left), (rhs, right)] where !bound.type.isNumeric {
                throw fail(
                    .typeMismatch, "'\(op.rawValue)' needs numbers, but \(describe(syntax)) is \(article(bound.type))",
                    at: syntax.span, help: op == .add ? "'+' also joins two strings" : nil)
            }
            let type: DataType =
                (op == .divide || lhs.type == .float || rhs.type == .float) ? .float : (lhs.type == .null ? rhs.type : lhs.type)
            return TypedExpression(expression: .arithmetic(op, lhs.expression, rhs.expression, type), type: type)
        }
    }

    /// `text matches "regex"`: the pattern must be a constant and a valid regular expression.
    private mutating func bindMatches(_ subject: TypedExpression, _ patternSyntax: Expression, _ pattern: TypedExpression) throws(Failure) -> TypedExpression {
        guard case .string(let text)? = pattern.constant else {
            throw fail(.invalidArgument, "the pattern after 'matches' must be a string literal", at: patternSyntax.span)
        }
        do {
            _ = try Regex(text)
        } catch {
            throw fail(
                .invalidArgument, "invalid regular expression: \(error)", at: patternSyntax.span,
                help: "'matches' uses Swift Regex syntax and must match the whole string, e.g. \"Nur.*\"")
        }
        return TypedExpression(expression: .matches(subject.expression, pattern: text), type: .bool)
    }

    private mutating func bindMembership(
        _ element: Expression, _ list: Expression, negated: Bool, span: SourceSpan, in schema: TableSchema
    ) throws(Failure) -> TypedExpression {
        var value = try bind(element, in: schema)
        var container = try bind(list, in: schema)
        guard case .list(let elementType) = container.type else {
            throw fail(
                .typeMismatch, "'in' needs a list on its right, but \(describe(list)) is \(article(container.type))",
                at: list.span, help: "write the choices in brackets: x in [\"a\", \"b\"]")
        }
        guard value.type.isComparable(with: elementType) else {
            throw fail(
                .typeMismatch, "cannot look for \(describe(element)) (\(value.type)) in a list of \(elementType)",
                at: span)
        }
        // Names match their entity's canonical name on either side.
        if let target = value.references, case .literal(.list(let elements)) = container.expression {
            let index = nameIndexes(target)
            container.expression = .literal(.list(elements.map { canonicalValue($0, index) }))
        } else if let target = container.references, let constant = value.constant {
            value.expression = .literal(canonicalValue(constant, nameIndexes(target)))
        }
        let test = BoundExpression.member(value.expression, container.expression)
        return TypedExpression(expression: negated ? .not(test) : test, type: .bool)
    }

    // MARK: - Names of entities

    /// When `other` names rows of a table, makes `operand` match by any of that row's names.
    private func canonicalize(_ operand: inout TypedExpression, against other: TypedExpression) {
        guard let target = other.references, operand.references == nil, operand.type == .string else { return }
        let index = nameIndexes(target)
        guard !index.isEmpty else { return }
        if let constant = operand.constant {
            operand.expression = .literal(canonicalValue(constant, index))
        } else {
            operand.expression = .canonical(operand.expression, index)
        }
    }

    private func canonicalValue(_ value: Value, _ index: [String: String]) -> Value {
        guard case .string(let text) = value, let canonical = index[text.lowercased()] else { return value }
        return .string(canonical)
    }

    // MARK: - Dates

    /// A string literal compared with a date is read as a date.
    private func coerceDateLiteral(_ operand: inout TypedExpression, toMatch other: TypedExpression) {
        guard other.type == .date, case .string(let text)? = operand.constant, let date = PartialDate(text) else { return }
        operand = TypedExpression(expression: .literal(.date(date)), type: .date)
    }

    private mutating func dateLiteralError(
        _ date: TypedExpression, _ other: TypedExpression, _ otherSyntax: Expression
    ) -> Failure? {
        guard date.type == .date, other.type == .string, case .string(let text)? = other.constant else { return nil }
        return fail(
            .typeMismatch, "'\(text)' is not a date", at: otherSyntax.span,
            help: "write dates as \"2016\", \"2016-03\", \"2016-03-09\", or without a year \"--03\" or \"--06-09\"")
    }

    // MARK: - Helpers

    private func literalExpression(_ literal: Literal) -> TypedExpression {
        switch literal {
        case .string(let value): return TypedExpression(expression: .literal(.string(value)), type: .string)
        case .integer(let value): return TypedExpression(expression: .literal(.integer(value)), type: .integer)
        case .float(let value): return TypedExpression(expression: .literal(.float(value)), type: .float)
        case .bool(let value): return TypedExpression(expression: .literal(.bool(value)), type: .bool)
        case .null: return TypedExpression(expression: .literal(.null), type: .null)
        }
    }

    private mutating func require(
        _ bound: TypedExpression, is type: DataType, _ syntax: Expression, role: String
    ) throws(Failure) {
        guard bound.type != type, bound.type != .null else { return }
        var help: String?
        if type == .bool, bound.type == .string { help = "compare it with something, for example: \(text(of: syntax.span)) = \"...\"" }
        throw fail(
            .typeMismatch, "\(role) must be a bool, but \(describe(syntax)) is \(article(bound.type))", at: syntax.span,
            help: help)
    }

    private func comparisonHelp(_ lhs: TypedExpression, _ rhs: TypedExpression) -> String? {
        let (a, b) = (lhs.type, rhs.type)
        for case .string(let text)? in [lhs.constant, rhs.constant] where Double(text) != nil {
            return "remove the quotes to compare numbers: \(text)"
        }
        if (a == .string && b.isNumeric) || (b == .string && a.isNumeric) {
            return "quote the number to compare text, or compare with a numeric field"
        }
        if a.isList || b.isList { return "to test whether a list holds a value, write: VALUE in LIST" }
        return nil
    }

    /// The source text of a span.
    func text(of span: SourceSpan) -> String {
        let bytes = source.bytes
        let start = min(span.start.offset, bytes.count)
        let end = min(max(start, span.end.offset), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String($0).trimmingCharacters(in: " \t") }
            .joined(separator: " ")
    }

    /// How a message names an expression: 'field', or its text in quotes.
    private func describe(_ expression: Expression) -> String {
        if case .field(let name) = expression.kind { return "'\(name)'" }
        return "'\(text(of: expression.span))'"
    }

    private func article(_ type: DataType) -> String {
        let name = type.description
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }

    private mutating func fail(
        _ id: DiagnosticID, _ message: String, at span: SourceSpan, help: String? = nil
    ) -> Failure {
        diagnostics.append(Diagnostic(id, message, at: span, help: help))
        return Failure()
    }
}

extension DataType {
    /// Whether this is a list type.
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}

extension String {
    /// The string without the given characters at either end.
    func trimmingCharacters(in characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return String(text)
    }
}

extension Expression {
    /// Whether two expressions are the same apart from where they were written.
    func hasSameShape(as other: Expression) -> Bool {
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
        default: return false
        }
    }
}
