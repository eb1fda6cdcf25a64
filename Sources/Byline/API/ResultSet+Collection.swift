// A result as Swift code reads it: a collection of rows, compared by value, printed as a table.

extension ResultSet: RandomAccessCollection {
    /// One row of a result: its values by position or by field name.
    public struct Row: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
        /// The result the row belongs to.
        let result: ResultSet
        /// The row's position in the result.
        public let index: Int

        /// The position of the first field (0).
        public var startIndex: Int { 0 }
        /// One past the position of the last field.
        public var endIndex: Int { result.fields.count }

        /// The value of the field at a position.
        public subscript(position: Int) -> Value { result[index, position] }

        /// The value of the field of that name (as ``ResultSet/fieldIndex(_:)`` finds it), or nil
        /// when there is no such field.
        public subscript(field: String) -> Value? { result[index, field] }

        /// The row's fields.
        public var fields: [Field] { result.fields }

        /// Rows are equal when their values are.
        public static func == (lhs: Row, rhs: Row) -> Bool { Array(lhs) == Array(rhs) }

        /// The values, as `[a, b]`.
        public var description: String { "[" + map(\.literal).joined(separator: ", ") + "]" }
    }

    /// The position of the first row (0).
    public var startIndex: Int { 0 }
    /// The number of rows.
    public var endIndex: Int { rowCount }

    /// The row at a position.
    public subscript(position: Int) -> Row { Row(result: self, index: position) }

    /// The only value of a result of one row and one field, or nil for any other shape
    /// (`try session.run("leaders count")[0].value`).
    public var value: Value? {
        guard rowCount == 1, fields.count == 1 else { return nil }
        return self[0, 0]
    }
}

extension ResultSet: Equatable {
    /// Results are equal when their fields (names and types) and their rows' values are.
    public static func == (lhs: ResultSet, rhs: ResultSet) -> Bool {
        lhs.fields == rhs.fields && lhs.rowCount == rhs.rowCount
            && (0..<lhs.rowCount).allSatisfy { lhs.row($0) == rhs.row($0) }
    }
}

extension ResultSet: CustomStringConvertible {
    /// A small table (at most 20 rows, with a note of how many there were), as the shell shows
    /// it: what `print(result)` and a failed `#expect` show.
    public var description: String {
        var options = OutputOptions()
        options.maximumRows = 20
        return ResultFormatter.format(self, as: .table, options: options)
    }
}
