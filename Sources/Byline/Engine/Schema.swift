// Schemas: the names and types of a table's fields, and which fields name rows of other tables.

/// A field of a table or result.
public struct Field: Sendable, Hashable {
    /// The field's name.
    public var name: String
    /// The type of its values.
    public var type: DataType
    /// The table whose rows this field's values name (for lists, each element does). A string
    /// compared with such a field matches by that table's key or any of its aliases.
    public var references: String?

    /// Creates a field.
    public init(name: String, type: DataType, references: String? = nil) {
        self.name = name
        self.type = type
        self.references = references
    }
}

/// The shape of a table: its fields, and how its rows are named.
public struct TableSchema: Sendable, Hashable {
    /// The table's name.
    public var name: String
    /// The fields in order.
    public var fields: [Field]
    /// The field whose value names a row ("name" for leaders), if any.
    public var key: String?
    /// A field holding other names of a row (a list, or a single string such as an acronym).
    public var aliases: String?
    /// One line on what the table holds.
    public var summary: String?

    /// Creates a schema.
    public init(name: String, fields: [Field], key: String? = nil, aliases: String? = nil, summary: String? = nil) {
        self.name = name
        self.fields = fields
        self.key = key
        self.aliases = aliases
        self.summary = summary
    }

    /// The position of a field by exact name, then case-insensitively.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name } ?? fields.firstIndex { $0.name.lowercased() == name.lowercased() }
    }
}
