// Checked expressions and plans: names resolved to column positions, types known, literals folded.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// An expression after checking. Columns are positions in the stage's input.
package indirect enum BoundExpression: Sendable, Equatable {
    case literal(Value)
    case column(Int)
    case compare(BinaryOperator, BoundExpression, BoundExpression)
    case and(BoundExpression, BoundExpression)
    case or(BoundExpression, BoundExpression)
    case not(BoundExpression)
    /// Case-insensitive substring test.
    case contains(BoundExpression, BoundExpression)
    /// Whether the first value equals an element of the second (a list).
    case member(BoundExpression, BoundExpression)
    case isNull(BoundExpression)
    /// Builds a list from element expressions.
    case makeList([BoundExpression])
    case arithmetic(BinaryOperator, BoundExpression, BoundExpression, DataType, Place)
    case negate(BoundExpression, Place)
    /// Maps any name of an entity (lowercased) to its canonical name; other values pass through.
    case canonical(BoundExpression, [String: String])
    /// A built-in scalar function.
    case call(ScalarFunction, [BoundExpression], Place)
    /// A function the host registered.
    case userCall(UserFunction, [BoundExpression])
    /// Whole-string regular expression match; the pattern was checked when the query was.
    case matches(BoundExpression, pattern: String)
    /// `case when`: conditions and values alternate; the first true condition's value, else
    /// `otherwise`. A value whose condition is not true is never computed.
    case conditional([BoundExpression], otherwise: BoundExpression)
    /// `$name` in a prepared query: a value of this type, put in before each run
    /// (`QueryPlan.substituting`), so a new value needs no new check. No plan runs with one.
    case parameter(String, DataType)

    /// The column positions the expression reads.
    package var columnsUsed: Set<Int> {
        switch self {
        case .literal, .parameter: return []
        case .column(let index): return [index]
        case .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .contains(let a, let b),
            .member(let a, let b), .arithmetic(_, let a, let b, _, _):
            return a.columnsUsed.union(b.columnsUsed)
        case .not(let a), .isNull(let a), .negate(let a, _), .canonical(let a, _), .matches(let a, _):
            return a.columnsUsed
        case .makeList(let items), .call(_, let items, _), .userCall(_, let items):
            return items.reduce(into: Set<Int>()) { $0.formUnion($1.columnsUsed) }
        case .conditional(let items, let otherwise):
            return items.reduce(into: otherwise.columnsUsed) { $0.formUnion($1.columnsUsed) }
        }
    }

    /// Whether the expression reads any column (`columnsUsed` is not empty), found without
    /// building the set.
    package var readsColumns: Bool {
        switch self {
        case .literal, .parameter: return false
        case .column: return true
        case .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .contains(let a, let b),
            .member(let a, let b), .arithmetic(_, let a, let b, _, _):
            return a.readsColumns || b.readsColumns
        case .not(let a), .isNull(let a), .negate(let a, _), .canonical(let a, _), .matches(let a, _):
            return a.readsColumns
        case .makeList(let items), .call(_, let items, _), .userCall(_, let items):
            return items.contains { $0.readsColumns }
        case .conditional(let items, let otherwise):
            return otherwise.readsColumns || items.contains { $0.readsColumns }
        }
    }

    /// The same expression with each column replaced by the expression at its position (the
    /// values of a `select`, put into a condition over that select's output).
    package func inlined(_ outputs: [BoundExpression]) -> BoundExpression {
        func each(_ items: [BoundExpression]) -> [BoundExpression] { items.map { $0.inlined(outputs) } }
        switch self {
        case .literal, .parameter: return self
        case .column(let index): return outputs[index]
        case .compare(let op, let a, let b): return .compare(op, a.inlined(outputs), b.inlined(outputs))
        case .and(let a, let b): return .and(a.inlined(outputs), b.inlined(outputs))
        case .or(let a, let b): return .or(a.inlined(outputs), b.inlined(outputs))
        case .contains(let a, let b): return .contains(a.inlined(outputs), b.inlined(outputs))
        case .member(let a, let b): return .member(a.inlined(outputs), b.inlined(outputs))
        case .arithmetic(let op, let a, let b, let type, let place): return .arithmetic(op, a.inlined(outputs), b.inlined(outputs), type, place)
        case .not(let a): return .not(a.inlined(outputs))
        case .isNull(let a): return .isNull(a.inlined(outputs))
        case .negate(let a, let place): return .negate(a.inlined(outputs), place)
        case .canonical(let a, let index): return .canonical(a.inlined(outputs), index)
        case .matches(let a, let pattern): return .matches(a.inlined(outputs), pattern: pattern)
        case .makeList(let items): return .makeList(each(items))
        case .call(let function, let items, let place): return .call(function, each(items), place)
        case .userCall(let function, let items): return .userCall(function, each(items))
        case .conditional(let items, let otherwise): return .conditional(each(items), otherwise: otherwise.inlined(outputs))
        }
    }

    /// The same expression with every column position moved by `offset`.
    package func shifted(by offset: Int) -> BoundExpression {
        switch self {
        case .literal, .parameter: return self
        case .column(let index): return .column(index + offset)
        case .compare(let op, let a, let b): return .compare(op, a.shifted(by: offset), b.shifted(by: offset))
        case .and(let a, let b): return .and(a.shifted(by: offset), b.shifted(by: offset))
        case .or(let a, let b): return .or(a.shifted(by: offset), b.shifted(by: offset))
        case .contains(let a, let b): return .contains(a.shifted(by: offset), b.shifted(by: offset))
        case .member(let a, let b): return .member(a.shifted(by: offset), b.shifted(by: offset))
        case .arithmetic(let op, let a, let b, let type, let place):
            return .arithmetic(op, a.shifted(by: offset), b.shifted(by: offset), type, place)
        case .not(let a): return .not(a.shifted(by: offset))
        case .isNull(let a): return .isNull(a.shifted(by: offset))
        case .negate(let a, let place): return .negate(a.shifted(by: offset), place)
        case .canonical(let a, let index): return .canonical(a.shifted(by: offset), index)
        case .matches(let a, let pattern): return .matches(a.shifted(by: offset), pattern: pattern)
        case .makeList(let items): return .makeList(items.map { $0.shifted(by: offset) })
        case .call(let function, let items, let place): return .call(function, items.map { $0.shifted(by: offset) }, place)
        case .userCall(let function, let items): return .userCall(function, items.map { $0.shifted(by: offset) })
        case .conditional(let items, let otherwise):
            return .conditional(items.map { $0.shifted(by: offset) }, otherwise: otherwise.shifted(by: offset))
        }
    }
}

/// Where an expression that can fail while running (overflow, a bad argument) was written, so the
/// error points at it. It takes no part in equality: the same expression written twice is still the
/// same expression (what matching `group by` keys relies on).
package struct Place: Sendable, Equatable {
    package var span: SourceSpan?

    package static func == (lhs: Place, rhs: Place) -> Bool { true }

    package init(span: SourceSpan? = nil) {
        self.span = span
    }
}

/// A checked expression with its type and, when it holds names of another table's rows, that table.
package struct TypedExpression: Sendable {
    package var expression: BoundExpression
    package var type: DataType
    package var references: String?

    /// The constant value, when the expression is one.
    package var constant: Value? {
        if case .literal(let value) = expression { return value }
        return nil
    }

    /// Whether the expression is null whatever the row: the null literal, or a function of
    /// constants whose value is null (kept as a call for its type, as `ln(-5)`).
    package var isConstantNull: Bool { TypedExpression.constantValue(of: expression)?.isNull == true }

    /// The value when the expression is the same whatever the row (a literal, or functions and
    /// arithmetic of constants) and computing it succeeds, as a database folds it while planning.
    package var foldedConstant: Value? { TypedExpression.constantValue(of: expression) }

    /// The value of a literal, or of functions and arithmetic of constants (nested), when
    /// computing it succeeds.
    private static func constantValue(of expression: BoundExpression) -> Value? {
        switch expression {
        case .literal(let value): return value
        case .arithmetic(let op, let a, let b, let type, _):
            guard let left = constantValue(of: a), let right = constantValue(of: b) else { return nil }
            return try? Arithmetic.apply(op, left, right, type: type)
        case .conditional(let items, let otherwise):
            // A `case` whose conditions are constants is the value of the one that holds.
            for index in stride(from: 0, to: items.count - 1, by: 2) {
                guard let condition = constantValue(of: items[index]) else { return nil }
                if condition == .bool(true) { return constantValue(of: items[index + 1]) }
            }
            return constantValue(of: otherwise)
        case .call(let function, let arguments, _):
            var values: [Value] = []
            for argument in arguments {
                guard let value = constantValue(of: argument) else { return nil }
                values.append(value)
            }
            return try? function.apply(values)
        default: return nil
        }
    }
}

/// An aggregate in a `select` after `group by` (or over all rows).
package struct AggregateCall: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case countRows = "count()", count, countDistinct = "count distinct", sum, avg, min, max, list
        /// `string_agg(text, separator)`: the strings, not null, in row order, joined; null for none.
        case stringAgg = "string_agg"
        /// Statistics (Engine/Statistics.swift): floats, nulls skipped, null for too few values.
        case median, quantile, stddev, variance, corr
    }

    package var kind: Kind
    /// What is aggregated (nil for `count()`).
    package var argument: BoundExpression?
    /// The type of the argument.
    package var argumentType: DataType
    /// Where the call was written (for `sum`'s overflow).
    package var place = Place()
    /// `quantile(x, p)`: p, from 0 to 1.
    package var fraction: Double? = nil
    /// `string_agg(x, separator)`: what goes between two strings.
    package var separator: String? = nil

    /// The type of the aggregate's value.
    package var resultType: DataType {
        switch kind {
        case .countRows, .count, .countDistinct: return .integer
        case .sum: return argumentType == .float ? .float : .integer
        case .avg: return .float
        case .min, .max: return argumentType
        case .list: return .list(argumentType)
        case .stringAgg: return .string
        case .median, .quantile, .stddev, .variance, .corr: return .float
        }
    }

    package init(kind: Kind, argument: BoundExpression?, argumentType: DataType, place: Place = Place()) {
        self.kind = kind
        self.argument = argument
        self.argumentType = argumentType
        self.place = place
    }
}

/// A checked query: where rows come from and the stages they pass through.
package struct QueryPlan: Sendable {
    /// Where rows come from.
    package enum Source: Sendable {
        /// A table or `let` result, by name.
        case table(String)
        /// The integers `start..<stop`, in a field named `value`.
        case range(start: Int, stop: Int)
        /// The rows written in the query (`[{code: 1, name: "one"}]`), each value computed.
        case inline(Table)
    }

    /// A join's right side and how rows pair.
    package struct JoinPlan: Sendable {
        package var isLeft: Bool
        /// The joined side, itself a plan (a table, `range`, or a `def`'s query).
        package var right: QueryPlan
        /// Equality keys: left expressions over the left input, right ones over the right side.
        package var leftKeys: [BoundExpression]
        package var rightKeys: [BoundExpression]
        /// Any other part of the condition, over the combined row (left fields first).
        package var residual: BoundExpression?

        package init(
            isLeft: Bool, right: QueryPlan, leftKeys: [BoundExpression], rightKeys: [BoundExpression], residual: BoundExpression?
        ) {
            self.isLeft = isLeft
            self.right = right
            self.leftKeys = leftKeys
            self.rightKeys = rightKeys
            self.residual = residual
        }
    }

    /// One stage of the pipeline.
    package indirect enum Stage: Sendable {
        case filter(BoundExpression)
        case project([BoundExpression])
        case sort([(BoundExpression, descending: Bool)])
        case limit(Int, offset: Int)
        case count
        case distinct
        /// Groups by the keys, computes the aggregates, then the outputs over (keys ++ aggregates).
        case aggregate(keys: [BoundExpression], aggregates: [AggregateCall], outputs: [BoundExpression], grouped: Bool)
        case join(JoinPlan)
        /// The rows of another plan after these; its fields match by position, integers widened
        /// to floats where the output's field is a float.
        case append(QueryPlan)
        /// The distinct rows that are (`keep`) or are not among another plan's rows, in the order
        /// they first came; fields matched as for `append`.
        case intersect(QueryPlan, keep: Bool)
        /// The input's fields, then one field per window function, each computed for every row
        /// from the rows of its partition; the rows keep their order.
        case window([WindowCall])
    }

    /// A stage, the schema of its output, and how `explain` describes it.
    package struct Step: Sendable {
        package var stage: Stage
        package var output: TableSchema
        package var description: String

        package init(stage: Stage, output: TableSchema, description: String) {
            self.stage = stage
            self.output = output
            self.description = description
        }
    }

    /// What happens to the result instead of showing it as a table.
    package enum Output: Sendable, Equatable {
        case save(path: String)
        /// `save table NAME`: into the open database.
        case saveTable(String)
        case chart(ChartKind)
    }

    /// Where the query's rows come from.
    package var source: Source
    /// How `explain` describes the source.
    package var sourceDescription: String
    /// The schema of the source.
    package var sourceSchema: TableSchema
    /// Stages in order.
    package var steps: [Step]
    /// The schema of the result.
    package var schema: TableSchema
    /// `save` or `chart`, when the query ends with one.
    package var output: Output?
    /// Whether each row's sentences are shown beside it (`cite`).
    package var cites = false
    /// With `cite`: the positions in `schema` of the fields holding each row's sentence ids.
    package var citedFields: [Int] = []
    /// Positions in `schema` of fields carried only for `cite`: dropped from the answer.
    package var hiddenFields: Set<Int> = []

    package init(
        source: Source, sourceDescription: String, sourceSchema: TableSchema, steps: [Step], schema: TableSchema,
        output: Output? = nil, cites: Bool = false, citedFields: [Int] = [], hiddenFields: Set<Int> = []
    ) {
        self.source = source
        self.sourceDescription = sourceDescription
        self.sourceSchema = sourceSchema
        self.steps = steps
        self.schema = schema
        self.output = output
        self.cites = cites
        self.citedFields = citedFields
        self.hiddenFields = hiddenFields
    }
}

extension AggregateCall.Kind {
    /// Aggregate functions by name.
    package static func named(_ name: String) -> AggregateCall.Kind? {
        switch name.lowercased() {
        case "count": return .count
        case "sum": return .sum
        case "avg": return .avg
        case "min": return .min
        case "max": return .max
        case "list": return .list
        case "string_agg": return .stringAgg
        // Over bools, `every` is true when no value is false and `any` when one is true: the
        // least and the greatest, as false orders before true.
        case "every": return .min
        case "any": return .max
        case "median": return .median
        case "quantile": return .quantile
        case "stddev": return .stddev
        case "variance": return .variance
        case "corr": return .corr
        default: return nil
        }
    }
}
