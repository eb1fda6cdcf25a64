// The built-in dataset: facts extracted by hand from the article, embedded at build time.

/// The tables extracted from the article (see `Dataset/article.json`, embedded into the library).
public enum ArticleDataset {
    /// The decoded tables, shared read-only by every session.
    static let decoded: Result<[Table], DatasetError> = Result { () throws(DatasetError) in
        try decode(Array(embeddedArticleJSON.utf8))
    }

    /// The article's tables, in the order the data file lists them.
    public static var tables: [Table] {
        (try? decoded.get()) ?? []
    }

    /// Why the embedded dataset could not be read; nil when it was read.
    public static var loadError: DatasetError? {
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
                            "article.json: row \(rowNumber + 1) of '\(name)': field '\(field.name)' is not a \(field.type)")
                    }
                    row.append(value)
                }
                rows.append(row)
            }
            tables.append(Table(schema: schema, rows: rows))
        }
        return tables
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
public struct DatasetError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with the data file's line and column where known.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
