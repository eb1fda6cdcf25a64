// Tables and functions a host program adds to a session.

extension Session {
    /// Adds a table (replacing a loaded table or `let` result of the same name).
    package func register(_ table: Table) {
        serialised {
            add(table)
            loadedNames.insert(table.schema.name)
        }
    }

    /// Adds a table built from Swift values: one row per element, one field per stored property
    /// (strings, integers, doubles, booleans, optionals of those, and arrays of them).
    public func register<Row: Encodable>(table name: String, rows: [Row]) throws(BylineError) {
        do {
            register(try RowEncoder.table(named: name, rows: rows))
        } catch {
            throw BylineError([Diagnostic(.cannotRegister(name, reason: "\(error)"), at: nil)], source: nil)
        }
    }

    /// Adds a table from named columns of values; each column's type is the first non-null value's.
    public func register(table name: String, columns: [(name: String, values: [Value])]) throws(BylineError) {
        let count = columns.first?.values.count ?? 0
        guard columns.allSatisfy({ $0.values.count == count }) else {
            throw BylineError([Diagnostic(.cannotRegister(name, reason: "columns differ in length"), at: nil)], source: nil)
        }
        let fields = columns.map { column in
            Field(name: column.name, type: JSONTableLoader.commonType(column.values))
        }
        let rows = (0..<count).map { row in
            columns.indices.map { JSONTableLoader.widen(columns[$0].values[row], to: fields[$0].type) }
        }
        register(Table(schema: TableSchema(name: name, fields: fields), rows: rows))
    }

    /// Adds a scalar function queries can call; its types are checked like a built-in's.
    /// A name already taken (by a built-in function, an aggregate or a function registered
    /// before) is an error unless `replacing` is true.
    public func register(_ function: UserFunction, replacing: Bool = false) throws(BylineError) {
        try serialised { () throws(BylineError) in
            let name = function.name.lowercased()
            if !replacing {
                let taken =
                    storedFunctions[name] != nil ? "a function registered before"
                    : ScalarFunction.callable[name] != nil || AggregateCall.Kind.named(name) != nil ? "a built-in function" : nil
                if let taken {
                    throw BylineError([Diagnostic(.functionNameTaken(function.name, by: taken), at: nil)], source: nil)
                }
            }
            storedFunctions[name] = function
        }
    }

    /// Adds a scalar function, replacing any of the same name (a built-in too).
    @available(*, deprecated, message: "use register(_:replacing:), which refuses a name already taken unless asked")
    public func register(function: UserFunction) {
        serialised { storedFunctions[function.name.lowercased()] = function }
    }
}
