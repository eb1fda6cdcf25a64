// The rows a query returns, with their fields and types.

import BylineCore

/// The result of a query: named, typed fields and rows of values, stored column-wise.
public struct ResultSet: Sendable {
    /// The fields, in order.
    public let fields: [Field]
    package let columns: [Column]
    /// How many rows there are.
    public let rowCount: Int
    /// The chart the query asked for with `chart`, if any.
    public package(set) var chart: ChartKind?
    /// With `cite`: for each row, the sentences its sources cite, in order.
    public package(set) var citations: [[Citation]]?

    package init(_ relation: Relation) {
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

    /// The value at a row in the field of that name (case-insensitive; `leaders.name` or `name`),
    /// or nil when there is no such field.
    public subscript(row: Int, field: String) -> Value? {
        guard let index = fieldIndex(field) else { return nil }
        return self[row, index]
    }

    /// The position of a field by name: exact, then ignoring case, then by its unqualified name.
    public func fieldIndex(_ name: String) -> Int? {
        fields.firstIndex { $0.name == name }
            ?? fields.firstIndex { $0.name.lowercased() == name.lowercased() }
            ?? fields.firstIndex { $0.baseName.lowercased() == name.lowercased() }
    }

    /// One row's values.
    public func row(_ index: Int) -> [Value] {
        columns.map { $0.value(at: index) }
    }

    /// Every row, boxed. Convenient for tests and small results.
    public var rows: [[Value]] {
        (0..<rowCount).map(row)
    }

    /// The rows in `range`, with the same fields (and their citations).
    package func slice(_ range: Range<Int>) -> ResultSet {
        var part = ResultSet(fields: fields, columns: columns.map { $0.gather(Array(range)) }, rowCount: range.count)
        part.citations = citations.map { Array($0[range]) }
        return part
    }

    package init(fields: [Field], columns: [Column], rowCount: Int) {
        self.fields = fields
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The result as a table with the given name (what `let` stores).
    package func table(named name: String) -> Table {
        Table(schema: TableSchema(name: name, fields: fields), columns: columns, rowCount: rowCount)
    }
}

/// A sentence a row cites: its id and its text.
public struct Citation: Sendable, Equatable {
    /// The sentence's id (1 is the headline).
    public var id: Int
    /// The sentence.
    public var text: String

    /// Creates a citation.
    public init(id: Int, text: String) {
        self.id = id
        self.text = text
    }
}

extension ResultSet {
    /// Each row's cited sentence ids: the union of its source fields (lists of ids, or lists of
    /// them after `group by`), in order.
    package func citedIDs(sourceFields: [Int]) -> [[Int]] {
        func collect(_ value: Value, into ids: inout Set<Int>) {
            switch value {
            case .integer(let id): ids.insert(id)
            case .list(let values): for value in values { collect(value, into: &ids) }
            default: break
            }
        }
        return (0..<rowCount).map { row in
            var ids = Set<Int>()
            for field in sourceFields { collect(self[row, field], into: &ids) }
            return ids.sorted()
        }
    }

    /// The result without the fields at `positions` (those carried only for `cite`), keeping
    /// its citations and chart.
    package func dropping(_ positions: Set<Int>) -> ResultSet {
        guard !positions.isEmpty else { return self }
        let kept = fields.indices.filter { !positions.contains($0) }
        var result = ResultSet(fields: kept.map { fields[$0] }, columns: kept.map { columns[$0] }, rowCount: rowCount)
        result.citations = citations
        result.chart = chart
        return result
    }

    /// The result with a text field `cited` holding each row's citations, for the formats that
    /// have no other place for them (CSV, TSV, markdown, line): "[13] text" joined by newlines.
    package func withCitationField() -> ResultSet {
        guard let citations else { return self }
        let texts: [Value] = citations.map { row in .string(row.map { "[\($0.id)] \($0.text)" }.joined(separator: "\n")) }
        var rows = self.rows
        for index in rows.indices { rows[index].append(texts[index]) }
        var result = ResultSet(fields: fields + [Field(name: "cited", type: .string)], rows: rows)
        result.chart = chart
        return result
    }
}
