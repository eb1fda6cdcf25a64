// A table: a schema and one column per field.

import BylineCore

/// A named table, stored column-wise.
package struct Table: Sendable {
    /// The table's shape.
    public let schema: TableSchema
    package let columns: [Column]
    /// How many rows it has.
    public let rowCount: Int

    package init(schema: TableSchema, columns: [Column], rowCount: Int) {
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// Builds a table from rows of values; each value must be null or of its field's type.
    public init(schema: TableSchema, rows: [[Value]]) {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for row in rows {
            for index in builders.indices {
                builders[index].append(index < row.count ? row[index] : .null)
            }
        }
        self.init(schema: schema, columns: builders.map { $0.build() }, rowCount: rows.count)
    }

    /// The value at a row and field position.
    public func value(row: Int, field: Int) -> Value {
        columns[field].value(at: row)
    }

    /// Every name a row goes by (its key and aliases), lowercased, mapped to its key.
    /// Empty when the table has no key.
    package func nameIndex() -> [String: String] {
        guard let key = schema.key, let keyIndex = schema.index(of: key) else { return [:] }
        let aliasIndex = schema.aliases.flatMap { schema.index(of: $0) }
        var index: [String: String] = [:]
        for row in 0..<rowCount {
            guard case .string(let canonical) = columns[keyIndex].value(at: row) else { continue }
            index[canonical.lowercased()] = canonical
        }
        guard let aliasIndex else { return index }
        // Aliases never override a key: a name that is some row's key always means that row.
        for row in 0..<rowCount {
            guard case .string(let canonical) = columns[keyIndex].value(at: row) else { continue }
            var aliases: [Value] = []
            switch columns[aliasIndex].value(at: row) {
            case .string(let alias): aliases = [.string(alias)]
            case .list(let values): aliases = values
            default: break
            }
            for case .string(let alias) in aliases where index[alias.lowercased()] == nil {
                index[alias.lowercased()] = canonical
            }
        }
        return index
    }
}
