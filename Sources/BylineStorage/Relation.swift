// A relation: columns plus the rows of them still selected. What flows between pipeline stages.

import BylineCore

/// Columns of equal length and, optionally, the rows of them that a stage kept (in order).
package struct Relation: Sendable {
    package var schema: TableSchema
    package var columns: [Column]
    /// Physical row count of the columns.
    package var physicalCount: Int
    /// Rows kept so far; nil means all, in order.
    package var selection: [Int]?

    package init(table: Table) {
        schema = table.schema
        columns = table.columns
        physicalCount = table.rowCount
        selection = nil
    }

    package init(schema: TableSchema, columns: [Column], count: Int) {
        self.schema = schema
        self.columns = columns
        self.physicalCount = count
        self.selection = nil
    }

    /// How many rows the relation holds.
    package var count: Int { selection?.count ?? physicalCount }

    /// The relation with its selection applied to every column.
    package func materialized() -> Relation {
        guard let selection else { return self }
        return Relation(schema: schema, columns: columns.map { $0.gather(selection) }, count: selection.count)
    }
}
