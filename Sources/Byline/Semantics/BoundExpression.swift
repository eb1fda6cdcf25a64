// Checked expressions: names resolved to column positions, types known, literals folded.

/// An expression after checking. Columns are positions in the stage's input.
indirect enum BoundExpression: Sendable {
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
    case arithmetic(BinaryOperator, BoundExpression, BoundExpression, DataType)
    case negate(BoundExpression)
    /// Maps any name of an entity (lowercased) to its canonical name; other values pass through.
    case canonical(BoundExpression, [String: String])
}

/// A checked expression with its type and, when it holds names of another table's rows, that table.
struct TypedExpression: Sendable {
    var expression: BoundExpression
    var type: DataType
    var references: String?

    /// The constant value, when the expression is one.
    var constant: Value? {
        if case .literal(let value) = expression { return value }
        return nil
    }
}

/// A checked query: where rows come from and the stages they pass through.
struct QueryPlan: Sendable {
    /// One stage of the pipeline.
    enum Stage: Sendable {
        case filter(BoundExpression)
        case project([BoundExpression])
        case sort([(BoundExpression, descending: Bool)])
        case limit(Int)
        case count
    }

    /// Where rows come from.
    enum Source: Sendable {
        /// A table or `let` result, by name.
        case table(String)
        /// The integers `start..<stop`, in a field named `value`.
        case range(start: Int, stop: Int)
    }

    /// Where the query's rows come from.
    var source: Source
    /// Stages in order, each with the schema of its output.
    var stages: [(stage: Stage, output: TableSchema)]
    /// The schema of the result.
    var schema: TableSchema
}
