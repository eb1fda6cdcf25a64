// The built-in dataset: facts extracted by hand from the article, embedded at build time.

/// The tables extracted from the article (see `Dataset/article.json`, embedded into the library).
package enum ArticleDataset {
    /// The decoded tables, shared read-only by every session.
    static let decoded: Result<[Table], DatasetError> = Result { () throws(DatasetError) in
        try decode(Array(embeddedArticleJSON.utf8))
    }

    /// The article's tables, in the order the data file lists them.
    package static var tables: [Table] {
        (try? decoded.get()) ?? []
    }

    /// Why the embedded dataset could not be read; nil when it was read.
    package static var loadError: DatasetError? {
        if case .failure(let error) = decoded { return error }
        return nil
    }

    /// Decodes the dataset format: `{"tables": [{"name", "fields": [{"name","type","references"}], "rows"}]}`.
    static func decode(_ bytes: [UInt8]) throws(DatasetError) -> [Table] {
        let document: JSONValue
        do {
            document = try JSONReader.parse(bytes)
        } catch {
            throw DatasetError("article.json:\(error.line):\(error.column): \(error.message)")
        }
        guard case .array(let tableValues)? = document["tables"] else {
            throw DatasetError("article.json: expected a \"tables\" array")
        }
        var tables: [Table] = []
        for tableValue in tableValues {
            guard case .string(let name)? = tableValue["name"], case .array(let fieldValues)? = tableValue["fields"],
                case .array(let rowValues)? = tableValue["rows"]
            else { throw DatasetError("article.json: every table needs \"name\", \"fields\" and \"rows\"") }
            var fields: [Field] = []
            for fieldValue in fieldValues {
                guard case .string(let fieldName)? = fieldValue["name"], case .string(let typeName)? = fieldValue["type"],
                    let type = DataType(name: typeName)
                else { throw DatasetError("article.json: table '\(name)' has a field without a valid name and type") }
                var references: String?
                if case .string(let target)? = fieldValue["references"] { references = target }
                fields.append(Field(name: fieldName, type: type, references: references))
            }
            func text(_ key: String) -> String? {
                if case .string(let value)? = tableValue[key] { return value }
                return nil
            }
            var schema = TableSchema(
                name: name, fields: fields, key: text("key"), aliases: text("aliases"), summary: text("description"))
            // A table's key names its own rows, so `countries where name = "Congo"` matches by alias too.
            if let key = schema.key, let keyIndex = schema.index(of: key) {
                schema.fields[keyIndex].references = name
            }
            var rows: [[Value]] = []
            for (rowNumber, rowValue) in rowValues.enumerated() {
                guard case .array(let cells) = rowValue, cells.count == fields.count else {
                    throw DatasetError("article.json: row \(rowNumber + 1) of '\(name)' must have \(fields.count) values")
                }
                var row: [Value] = []
                for (cell, field) in zip(cells, fields) {
                    guard let value = convert(cell, to: field.type) else {
                        throw DatasetError(
                            "article.json: row \(rowNumber + 1) of '\(name)': field '\(field.name)' is not \(Help.article("\(field.type)"))")
                    }
                    row.append(value)
                }
                rows.append(row)
            }
            tables.append(Table(schema: schema, rows: rows))
        }
        tables.append(mentions(in: tables))
        return tables
    }

    /// What a field `references` when it may name a row of any entity table (`relations.subject`,
    /// `figures.subject`, `mentions.entity`): it matches by the names and aliases of all of them.
    public static let anyEntity = "entities"

    /// The entity tables whose rows `mentions` looks for, with the kind each row is.
    public static let entityKinds = [("countries", "country"), ("organizations", "organization"), ("leaders", "leader"), ("places", "place")]

    /// `mentions(sentence, entity, kind)`: every sentence that names an entity by its name or an
    /// alias (ignoring case, as whole words), derived from the other tables when they are loaded,
    /// so "which sentences mention Tokayev" is a query and `sentences` joins to any entity.
    static func mentions(in tables: [Table]) -> Table {
        let schema = TableSchema(
            name: "mentions",
            fields: [
                Field(name: "sentence", type: .integer, references: "sentences"),
                Field(name: "entity", type: .string, references: anyEntity),
                Field(name: "kind", type: .string),
            ],
            summary: "Which sentences name which entity, by name or alias; derived from the other tables.")
        guard let sentences = tables.first(where: { $0.schema.name == "sentences" }) else { return Table(schema: schema, rows: []) }
        var rows: [[Value]] = []
        for row in 0..<sentences.rowCount {
            guard case .integer(let id) = sentences.value(row: row, field: 0), case .string(let text) = sentences.value(row: row, field: 2)
            else { continue }
            let lowered = Array(text.lowercased().unicodeScalars)
            for (tableName, kind) in entityKinds {
                guard let table = tables.first(where: { $0.schema.name == tableName }),
                    let keyIndex = table.schema.key.flatMap(table.schema.index(of:))
                else { continue }
                let aliasIndex = table.schema.aliases.flatMap(table.schema.index(of:))
                for entity in 0..<table.rowCount {
                    guard case .string(let name) = table.value(row: entity, field: keyIndex) else { continue }
                    var names = [name]
                    if let aliasIndex {
                        switch table.value(row: entity, field: aliasIndex) {
                        case .string(let alias): names.append(alias)
                        case .list(let aliases): for case .string(let alias) in aliases { names.append(alias) }
                        default: break
                        }
                    }
                    if names.contains(where: { containsWord(lowered, Array($0.lowercased().unicodeScalars)) }) {
                        rows.append([.integer(id), .string(name), .string(kind)])
                    }
                }
            }
        }
        return Table(schema: schema, rows: rows)
    }

    /// Whether `word` occurs in `text` with no letter or digit just before or after it.
    static func containsWord(_ text: [Unicode.Scalar], _ word: [Unicode.Scalar]) -> Bool {
        guard !word.isEmpty, word.count <= text.count else { return false }
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || scalar.properties.numericType != nil }
        for start in 0...(text.count - word.count) where text[start..<(start + word.count)].elementsEqual(word) {
            let before = start == 0 || !isWordScalar(text[start - 1])
            let after = start + word.count == text.count || !isWordScalar(text[start + word.count])
            if before && after { return true }
        }
        return false
    }

    private static func convert(_ json: JSONValue, to type: DataType) -> Value? {
        switch (json, type) {
        case (.null, _): return .null
        case (.integer(let value), .integer): return .integer(value)
        case (.integer(let value), .float): return .float(Double(value))
        case (.float(let value), .float): return .float(value)
        case (.string(let value), .string): return .string(value)
        case (.bool(let value), .bool): return .bool(value)
        case (.string(let value), .date): return PartialDate(value).map(Value.date)
        case (.array(let elements), .list(let elementType)):
            var values: [Value] = []
            for element in elements {
                guard let value = convert(element, to: elementType) else { return nil }
                values.append(value)
            }
            return .list(values)
        default: return nil
        }
    }
}

/// The embedded dataset could not be decoded (a build problem, caught by the tests).
package struct DatasetError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with the data file's line and column where known.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
