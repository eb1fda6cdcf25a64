// A relation: columns plus the rows of them still selected. What flows between pipeline stages.

/// Columns of equal length and, optionally, the rows of them that a stage kept (in order).
struct Relation: Sendable {
    var schema: TableSchema
    var columns: [Column]
    /// Physical row count of the columns.
    var physicalCount: Int
    /// Rows kept so far; nil means all, in order.
    var selection: [Int]?

    init(table: Table) {
        schema = table.schema
        columns = table.columns
        physicalCount = table.rowCount
        selection = nil
    }

    init(schema: TableSchema, columns: [Column], count: Int) {
        self.schema = schema
        self.columns = columns
        self.physicalCount = count
        self.selection = nil
    }

    /// How many rows the relation holds.
    var count: Int { selection?.count ?? physicalCount }

    /// The relation with its selection applied to every column.
    func materialized() -> Relation {
        guard let selection else { return self }
        return Relation(schema: schema, columns: columns.map { $0.gather(selection) }, count: selection.count)
    }
}
