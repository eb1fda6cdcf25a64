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
    /// The table the field came from, so `leaders.name` finds it after a join.
    public var qualifier: String?

    /// Creates a field.
    public init(name: String, type: DataType, references: String? = nil, qualifier: String? = nil) {
        self.name = name
        self.type = type
        self.references = references
        self.qualifier = qualifier
    }

    /// The name without a `table.` prefix added to tell apart fields of the same name after a join.
    package var baseName: String {
        if let qualifier, name.hasPrefix(qualifier + ".") { return String(name.dropFirst(qualifier.count + 1)) }
        return name
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

    /// What a name written in a query refers to.
    package enum Resolution: Equatable {
        case field(Int)
        /// Several fields answer to the name; their qualified names.
        case ambiguous([String])
        case missing
    }

    /// Finds `name` or `qualifier.name`: exact names first, then ignoring case.
    package func resolve(_ name: String, qualifier: String? = nil) -> Resolution {
        for matchCase in [true, false] {
            func same(_ a: String, _ b: String) -> Bool { matchCase ? a == b : a.lowercased() == b.lowercased() }
            let matches = fields.indices.filter { index in
                let field = fields[index]
                if let qualifier {
                    return field.qualifier.map { same($0, qualifier) } ?? false && same(field.baseName, name)
                }
                return same(field.name, name) || same(field.baseName, name)
            }
            if matches.count == 1 { return .field(matches[0]) }
            if matches.count > 1 {
                // The naming rule (README, "Names"): a bare name two fields answer to is
                // ambiguous, even when one of them (a field a select named, which belongs to no
                // table) has it as its whole name; `x as k … join t on k = t.k` is not the left `k`.
                return .ambiguous(
                    matches.map { index in
                        fields[index].qualifier.map { "\($0).\(fields[index].baseName)" } ?? fields[index].name
                    })
            }
        }
        return .missing
    }
}

extension TableSchema {
    /// The field a timeline is drawn along: the first date, else an integer field named `year`.
    package var timeField: Int? {
        fields.firstIndex { $0.type == .date } ?? fields.firstIndex { $0.type == .integer && $0.baseName.lowercased() == "year" }
    }
}

/// The charts `chart KIND` draws (a query's plan names one; the renderer draws it).
public enum ChartKind: String, Sendable, CaseIterable {
    /// A horizontal bar per row, or the rows' dates on a line.
    case bar, timeline
}

extension TableSchema {
    /// The schema a result is stored with by `save table`: its fields by their own names.
    package static func stored(_ fields: [Field], as name: String) -> TableSchema {
        TableSchema(name: name, fields: fields.map { Field(name: $0.baseName, type: $0.type, references: $0.references) })
    }
}
