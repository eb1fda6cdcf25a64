// The syntax tree: what the parser makes of a script, before any name is resolved.

import BylineCore

/// A parsed script: statements in source order.
package struct Script: Sendable, Equatable {
    /// Every statement that parsed.
    public var statements: [Statement]
}

/// A name as written, with its span.
package struct Name: Sendable, Equatable {
    /// The name's text (backquotes removed).
    public var text: String
    /// Where it was written.
    public var span: SourceSpan

    package init(text: String, span: SourceSpan) {
        self.text = text
        self.span = span
    }
}

/// One statement of a script.
package struct Statement: Sendable, Equatable {
    /// The kinds of statement.
    public enum Kind: Sendable, Equatable {
        /// A query whose result is shown.
        case query(Query)
        /// `let NAME = QUERY`: binds the query's result to a name.
        case binding(Name, Query)
        /// `def NAME(PARAMETER, ...) = QUERY`: a saved query that takes arguments.
        case definition(Name, [Name], Query)
        /// `explain QUERY`: shows the checked plan instead of running it; `explain analyze QUERY`
        /// runs it and shows each step's rows and time.
        case explain(Query, analyze: Bool)
        /// `assert ( QUERY ) OP EXPR`: a test that the query's single value compares as stated.
        case assertion(Query, BinaryOperator, Expression)
        /// `load "FILE" [as NAME]`: reads a data file into a table.
        case load(path: String, pathSpan: SourceSpan, name: Name?)
        /// A dot-command such as `.tables`, handled by the shell or the command-line tool.
        case command(String)
    }

    /// What the statement is.
    public var kind: Kind
    /// Where it was written.
    public var span: SourceSpan
}

/// `source { clause }`: a pipeline read left to right.
package struct Query: Sendable, Equatable {
    /// The table or `let` name rows come from.
    public var source: Name
    /// Arguments when the source is a table function such as `range(10)`; nil for a plain name.
    public var arguments: [Expression]?
    /// The clauses, applied in order.
    public var clauses: [Clause]
    /// The whole query.
    public var span: SourceSpan
    /// The rows when the source is an inline table (`[{code: 1, name: "one"}, …]`); `source` is
    /// then the word `rows`, spanning the table.
    public var rows: [[InlineField]]? = nil
    /// `SOURCE as NAME`: the name the source's fields are qualified by.
    public var alias: Name? = nil

    package init(
        source: Name, arguments: [Expression]?, clauses: [Clause], span: SourceSpan, rows: [[InlineField]]? = nil, alias: Name? = nil
    ) {
        self.source = source
        self.arguments = arguments
        self.clauses = clauses
        self.span = span
        self.rows = rows
        self.alias = alias
    }
}

/// `NAME: EXPR` in a row of an inline table.
package struct InlineField: Sendable, Equatable {
    public var name: Name
    public var value: Expression
}

/// One stage of a query's pipeline.
package struct Clause: Sendable, Equatable {
    /// The kinds of clause.
    public enum Kind: Sendable, Equatable {
        /// `where EXPR`
        case filter(Expression)
        /// `select EXPR [as NAME] {, ...}`
        case select([SelectItem])
        /// `order by EXPR [asc|desc] {, ...}`
        case orderBy([OrderItem])
        /// `limit N [offset M]`
        case limit(Expression, offset: Expression?)
        /// `group by EXPR {, ...}`
        case groupBy([Expression])
        /// `[left] join SOURCE [as NAME] on EXPR`
        case join(Join)
        /// `distinct`
        case distinct
        /// `distinct by EXPR {, ...}`: the first row of each distinct key, in the rows' order.
        case distinctBy([Expression])
        /// `append SOURCE`: the rows of another table, `let` result or `def` call after these; with
        /// `query`, of the query in parentheses (`append (visits where year > 2000)`), and the
        /// name spans it.
        case append(Name, arguments: [Expression]?, rows: [[InlineField]]? = nil, query: Query? = nil)
        /// `intersect SOURCE` (`keep`) or `except SOURCE`: the distinct rows that are (or are not)
        /// among another source's.
        case intersect(Name, arguments: [Expression]?, keep: Bool, rows: [[InlineField]]? = nil, query: Query? = nil)
        /// `save "FILE"`: writes the result to a file (the last clause).
        case save(String)
        /// `save table NAME`: stores the result as a table of the open database (the last clause).
        case saveTable(Name)
        /// `chart bar` or `chart timeline`: shows the result as a chart (the last clause).
        case chart(Name)
        /// `count`
        case count
        /// `cite`: shows the sentences each row's `source` cites beside it.
        case cite
    }

    /// What the clause is.
    public var kind: Kind
    /// From its keyword to its end.
    public var span: SourceSpan

    package init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

extension Clause.Kind {
    /// Whether the clause is `save "FILE"` or `save table NAME`.
    package var isSave: Bool {
        switch self {
        case .save, .saveTable: return true
        default: return false
        }
    }

    /// Whether the clause says where the whole query's rows go (`save`, `chart`, `cite`), so it
    /// cannot end a query in parentheses.
    package var isOutput: Bool {
        switch self {
        case .save, .saveTable, .chart, .cite: return true
        default: return false
        }
    }
}

/// `[left] join SOURCE [as NAME] on EXPR`.
package struct Join: Sendable, Equatable {
    /// Whether rows without a match are kept (with nulls).
    public var isLeft: Bool
    /// The table joined.
    public var source: Name
    /// Arguments when the joined source is a table function or `def`.
    public var arguments: [Expression]?
    /// The name the joined table's fields are qualified by (the table's own name by default).
    public var alias: Name?
    /// The condition pairing rows.
    public var condition: Expression
    /// The rows when the joined source is an inline table (then `source` is `rows`).
    public var rows: [[InlineField]]? = nil

    package init(
        isLeft: Bool, source: Name, arguments: [Expression]?, alias: Name?, condition: Expression, rows: [[InlineField]]? = nil
    ) {
        self.isLeft = isLeft
        self.source = source
        self.arguments = arguments
        self.alias = alias
        self.condition = condition
        self.rows = rows
    }
}

/// `EXPR [as NAME]` in a `select`.
package struct SelectItem: Sendable, Equatable {
    public var expression: Expression
    public var alias: Name?

    package init(expression: Expression, alias: Name?) {
        self.expression = expression
        self.alias = alias
    }
}

/// `EXPR [asc|desc]` in an `order by`.
package struct OrderItem: Sendable, Equatable {
    public var expression: Expression
    public var descending: Bool

    package init(expression: Expression, descending: Bool) {
        self.expression = expression
        self.descending = descending
    }
}

/// Binary operators, lowest precedence last in the grammar.
package enum BinaryOperator: String, Sendable, Equatable {
    case and, or
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains
    case matches
    case startsWith = "starts with"
    case endsWith = "ends with"
    case equalIgnoringCase = "=~"
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    /// Whether the operator compares two values and yields a bool.
    package var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }

    /// Whether the operator is arithmetic.
    package var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: return true
        default: return false
        }
    }
}

/// A literal value as written.
package enum Literal: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case null
}

/// An expression and its span.
package struct Expression: Sendable, Equatable {
    /// The kinds of expression.
    public indirect enum Kind: Sendable, Equatable {
        case literal(Literal)
        /// A field of the current row.
        case field(String)
        /// `table.field`
        case qualifiedField(String, String)
        /// `name(arguments)`, with `distinct` for `count(distinct x)`.
        case call(String, [Expression], distinct: Bool)
        /// `[a, b, ...]`
        case list([Expression])
        /// `not EXPR`
        case not(Expression)
        /// `-EXPR`
        case negate(Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `EXPR [not] in EXPR`
        case membership(Expression, Expression, negated: Bool)
        /// `EXPR is [not] null`
        case isNull(Expression, negated: Bool)
        /// `$name`: a parameter, bound to a value before the query is checked.
        case parameter(String)
        /// `case when C1 then V1 [when C2 then V2 …] [else E] end`: conditions and values alternate.
        case conditional([Expression], otherwise: Expression?)
        /// `EXPR [not] between LOW and HIGH`
        case between(Expression, Expression, Expression, negated: Bool)
        /// `CALL over (…)`: a window function (the call) over the rows its window names.
        case window(Expression, WindowSpecification)
    }

    /// What the expression is.
    public var kind: Kind
    /// Where it was written.
    public var span: SourceSpan

    package init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

extension Expression {
    /// The depth of the tree, computed without recursion so any tree can be measured.
    package var depth: Int {
        var deepest = 0
        var stack: [(Expression, Int)] = [(self, 1)]
        while let (expression, level) = stack.popLast() {
            deepest = max(deepest, level)
            switch expression.kind {
            case .literal, .field, .qualifiedField, .parameter: break
            case .not(let inner), .negate(let inner), .isNull(let inner, _): stack.append((inner, level + 1))
            case .binary(_, let left, let right), .membership(let left, let right, _):
                stack.append((left, level + 1))
                stack.append((right, level + 1))
            case .list(let items), .call(_, let items, _):
                for item in items { stack.append((item, level + 1)) }
            case .conditional(let items, let otherwise):
                for item in items + (otherwise.map { [$0] } ?? []) { stack.append((item, level + 1)) }
            case .between(let value, let low, let high, _):
                for item in [value, low, high] { stack.append((item, level + 1)) }
            case .window(let call, let window):
                for item in [call] + window.partition + window.order.map(\.expression) { stack.append((item, level + 1)) }
            }
        }
        return deepest
    }
}
