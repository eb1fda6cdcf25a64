// The rows a query returns, with their fields and types.

/// The result of a query: named, typed fields and rows of values, stored column-wise.
public struct ResultSet: Sendable {
    /// The fields, in order.
    public let fields: [Field]
    let columns: [Column]
    /// How many rows there are.
    public let rowCount: Int
    /// The chart the query asked for with `chart`, if any.
    public internal(set) var chart: ChartKind?

    init(_ relation: Relation) {
        let relation = relation.materialized()
        fields = relation.schema.fields
        columns = relation.columns
        rowCount = relation.physicalCount
    }

    /// Builds a result from fields and rows of values (each null or of its field's type).
    public init(fields: [Field], rows: [[Value]]) {
        let table = Table(schema: TableSchema(name: "result", fields: fields), rows: rows)
        self.fields = fields
        self.columns = table.columns
        self.rowCount = rows.count
    }

    /// The value at a row and field position.
    public subscript(row: Int, field: Int) -> Value {
        columns[field].value(at: row)
    }

    /// One row's values.
    public func row(_ index: Int) -> [Value] {
        columns.map { $0.value(at: index) }
    }

    /// Every row, boxed. Convenient for tests and small results.
    public var rows: [[Value]] {
        (0..<rowCount).map(row)
    }

    /// The result as a table with the given name (what `let` stores).
    func table(named name: String) -> Table {
        Table(schema: TableSchema(name: name, fields: fields), columns: columns, rowCount: rowCount)
    }
}
