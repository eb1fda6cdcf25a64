// SQLGenerator: a checked query plan as one SQL statement, a chain of CTEs, one per pipeline step
// (as PRQL compiles a pipeline). Values travel as bind parameters, never in the text.
//
// Every CTE names its fields c0, c1, … by position, so a Byline name never has to survive SQL's
// rules for identifiers until the last SELECT. Byline's meaning is kept exactly:
// - comparisons with null are false, not null: each test is `COALESCE(test, FALSE)`, so NOT, AND
//   and OR see two values, as Byline's do;
// - text compares by code points (PostgreSQL: `COLLATE "C"`, SQLite: its binary collation);
// - nulls sort last, ascending or descending (`NULLS LAST`);
// - integer overflow is an error (PostgreSQL's bigint operators raise one; on SQLite, whose
//   operators turn to floats, Byline's own arithmetic runs as functions it registers);
// - `/` gives a float, and null when dividing by zero;
// - rows keep Byline's order: a table Byline stored has a hidden `byline_row` column (its row
//   numbers), `order by` keys ride along as hidden columns, and the last SELECT orders by them,
//   the sort keys first, then the row numbers, so sorts are stable; a group or a distinct row
//   comes where its first row came (the least row number), a join's rows in the left side's order,
//   then the right's, as in Byline's engine.
// Row order in a table Byline did not store (one the database already had), and the order of a
// `list()`, are the database's.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// One SQL statement and the values of its parameters.
package struct SQLQuery: Sendable {
    /// The statement's text.
    public var text: String
    /// Values for `$1…` (PostgreSQL) or `?1…` (SQLite), in order.
    public var bindings: [Value]
    /// The fields the statement returns, in order, with their Byline types.
    public var fields: [Field]
}

/// Turns query plans into SQL for one dialect.
package struct SQLGenerator {
    package let dialect: SQLDialect
    /// A database table by its Byline name (or the temporary table a session's table is sent as).
    package let tables: (String) -> DatabaseTable?

    private var ctes: [String] = []
    private var bindings: [Value] = []
    private var counter = 0
    /// Whether a CTE refers to itself (SQLite's `range`), which needs `WITH RECURSIVE`.
    private var recursive = false
    /// Set while a constant computation that fails is written for PostgreSQL: its values become
    /// `(SELECT …)`, which the planner does not fold, so it fails only where a row needs it.
    private var shieldingConstants = false

    package init(dialect: SQLDialect, tables: @escaping (String) -> DatabaseTable?) {
        self.dialect = dialect
        self.tables = tables
    }

    /// The most bind parameters a statement may have (SQLite's default limit is 32,766;
    /// PostgreSQL's protocol allows 65,535).
    package static let maximumBindings = 32_000

    /// How an expression's columns are written, and their types.
    package struct Scope {
        package var name: (Int) -> String
        package var types: [DataType]

        package func type(_ column: Int) -> DataType { types.indices.contains(column) ? types[column] : .null }
    }

    /// A relation in the making: a CTE's name, its field count and the hidden sort keys it carries.
    private struct Relation {
        var name: String
        var width: Int
        /// Hidden sort-key columns and their direction, in order of precedence.
        var order: [(column: String, descending: Bool)] = []
    }

    /// Compiles a plan into one statement.
    package mutating func generate(_ plan: QueryPlan) throws(SQLUnsupported) -> SQLQuery {
        let relation = try relation(for: plan)
        let columns = plan.schema.fields.indices.map { index in
            "\(relation.name).c\(index) AS \(dialect.identifier(plan.schema.fields[index].name))"
        }
        var text = (recursive ? "WITH RECURSIVE " : "WITH ") + ctes.joined(separator: ",\n     ")
        text += "\nSELECT " + (columns.isEmpty ? "1" : columns.joined(separator: ", ")) + " FROM " + relation.name
        if !relation.order.isEmpty {
            text += " ORDER BY " + orderTerms(relation.order, prefix: relation.name + ".")
        }
        if bindings.count > SQLGenerator.maximumBindings {
            throw SQLUnsupported(reason: "the query has \(bindings.count) values, more than \(SQLGenerator.maximumBindings) a statement may carry")
        }
        return SQLQuery(text: text, bindings: bindings, fields: plan.schema.fields)
    }

    /// Whether the order groups come in can show: not when the next step counts them, or sorts
    /// by every key (groups are unique by their keys, so such a sort leaves no ties to break).
    package static func groupOrderMatters(after index: Int, in steps: [QueryPlan.Step], keys: Int, outputs: [BoundExpression]) -> Bool {
        guard index + 1 < steps.count else { return true }
        switch steps[index + 1].stage {
        case .count:
            return false
        case .sort(let sortKeys):
            let sorted = Set(sortKeys.compactMap { key -> Int? in
                if case .column(let position) = key.0, outputs.indices.contains(position), case .column(let input) = outputs[position] {
                    return input
                }
                return nil
            })
            return !(0..<keys).allSatisfy { sorted.contains($0) }
        default:
            return true
        }
    }

    /// A relation whose order is one ascending column (the column), or else the relation numbered
    /// in its order (a window over the order), for taking each group's least.
    private mutating func firstPlace(_ relation: Relation) -> (source: String, column: String, parts: Int) {
        if relation.order.count == 1, !relation.order[0].descending { return (relation.name, relation.order[0].column, 1) }
        // Row numbers alone (after a join), ascending: PostgreSQL orders arrays element by element,
        // so the least array is the first row, without numbering every row in a window.
        if dialect.ordersArrays, relation.order.allSatisfy({ !$0.descending && $0.column.hasPrefix("o") }) {
            return (relation.name, "ARRAY[" + relation.order.map(\.column).joined(separator: ", ") + "]", relation.order.count)
        }
        let column = "r\(counter)"
        let numbered = add("SELECT *, ROW_NUMBER() OVER (ORDER BY \(orderTerms(relation.order))) AS \(column) FROM \(relation.name)")
        return (numbered, column, 1)
    }

    /// Each group's least place (`MIN` of firstPlace's column) as order columns named from
    /// `column`. The least array of row numbers is taken apart again, one number a column: an
    /// array column in a later ARRAY[…] (a second join and distinct) would be an error
    /// (PostgreSQL cannot put bigint[] and bigint in one array).
    private func leastPlace(_ first: String, parts: Int, named column: String) -> (items: [String], order: [(column: String, descending: Bool)]) {
        guard parts > 1 else { return (["MIN(\(first)) AS \(column)"], [(column, false)]) }
        let names = (1...parts).map { "\(column)_\($0)" }
        return (names.enumerated().map { "(MIN(\(first)))[\($0.offset + 1)] AS \($0.element)" }, names.map { ($0, false) })
    }

    /// The order's columns as a step that makes new fields carries them: hidden columns keep their
    /// names; a field the order reads directly (`c3`) is renamed, since the step's own `c3` is
    /// another field.
    private mutating func carry(
        _ order: [(column: String, descending: Bool)], from prefix: String
    ) -> (sql: String, order: [(column: String, descending: Bool)]) {
        var items: [String] = []
        var renamed: [(column: String, descending: Bool)] = []
        for (position, entry) in order.enumerated() {
            if entry.column.hasPrefix("c") {
                let name = "k\(counter)_c\(position)"
                items.append("\(prefix)\(entry.column) AS \(name)")
                renamed.append((name, entry.descending))
            } else {
                items.append("\(prefix)\(entry.column) AS \(entry.column)")
                renamed.append(entry)
            }
        }
        counter += 1
        return (items.joined(separator: ", "), renamed)
    }

    private func orderTerms(_ order: [(column: String, descending: Bool)], prefix: String = "") -> String {
        order.map { "\(prefix)\($0.column) \($0.descending ? "DESC" : "ASC") NULLS LAST" }.joined(separator: ", ")
    }

    private mutating func add(_ body: String) -> String {
        let name = "s\(counter)"
        counter += 1
        ctes.append("\(name) AS (\(body))")
        return name
    }

    private func columnList(_ width: Int, prefix: String = "") -> String {
        (0..<width).map { "\(prefix)c\($0)" }.joined(separator: ", ")
    }

    /// The hidden order columns to select beside the fields (fields the order reads are among them).
    private func hidden(_ order: [(column: String, descending: Bool)], prefix: String = "") -> String {
        order.filter { !$0.column.hasPrefix("c") }.map { ", \(prefix)\($0.column)" }.joined()
    }

    // MARK: - Steps

    private mutating func relation(for plan: QueryPlan) throws(SQLUnsupported) -> Relation {
        var current = try source(plan)
        var input = plan.sourceSchema
        var index = 0
        while index < plan.steps.count {
            let step = plan.steps[index]
            defer { input = step.output }
            let columns = Scope(name: { "c\($0)" }, types: input.fields.map(\.type))
            // Where a database would move a `where` past a value that can fail, or test it in
            // another order, a fence keeps Byline's order (SQLGenerator+Fences.swift).
            if let fence, SQLGenerator.fencesBefore(index, in: plan.steps) { current.name = add("SELECT * FROM \(current.name)\(fence)") }
            let fenced = fence != nil && SQLGenerator.fencesAfter(index, in: plan.steps)
            defer { if fenced, let fence { current.name = add("SELECT * FROM \(current.name)\(fence)") } }
            switch step.stage {
            case .filter(let condition):
                let test = try self.condition(condition, columns)
                current.name = add("SELECT * FROM \(current.name) WHERE \(test)")
            case .project(let expressions):
                var items: [String] = []
                // Behind a fence a value no later step reads would be computed (SELECT * reads
                // it): it is not written, as Byline's engine does not compute it.
                let read = fenced ? plan.columnsRead(after: index) : nil
                for (position, expression) in expressions.enumerated() {
                    if let read, !read.contains(position) {
                        items.append("NULL AS c\(position)")
                        continue
                    }
                    items.append("\(try value(expression, columns)) AS c\(position)")
                }
                let list = items.isEmpty ? "" : items.joined(separator: ", ")
                let (carried, order) = carry(current.order, from: "")
                let all = [list, carried].filter { !$0.isEmpty }.joined(separator: ", ")
                current.name = add("SELECT \(all.isEmpty ? "NULL AS c0" : all) FROM \(current.name)")
                current.width = expressions.count
                current.order = order
            case .sort(let keys):
                // Fields no later step reads are nulled before the sort (positions stay), so the
                // database sorts narrow rows: `order by x limit 10 select id` sorts (x, id), not
                // every field.
                if var needed = plan.columnsRead(after: index - 1), needed.count < current.width {
                    for entry in current.order where entry.column.hasPrefix("c") {
                        if let position = Int(entry.column.dropFirst()) { needed.insert(position) }
                    }
                    let fields = (0..<current.width).map { needed.contains($0) ? "c\($0)" : "NULL AS c\($0)" }
                    current.name = add("SELECT \(fields.joined(separator: ", "))\(hidden(current.order)) FROM \(current.name)")
                }
                // Later keys break ties of earlier sorts: `order by a order by b` sorts by b, then a
                // (a stable sort keeps the earlier order among equal b).
                var items: [String] = []
                var order: [(column: String, descending: Bool)] = []
                for (position, key) in keys.enumerated() {
                    // A field is ordered by as it is (no copy of it to carry); later steps that
                    // make new fields rename it as they carry it (see carry).
                    if case .column(let index) = key.0 {
                        order.append(("c\(index)", key.descending))
                        continue
                    }
                    let column = "k\(counter)_\(position)"
                    items.append("\(try value(key.0, columns)) AS \(column)")
                    order.append((column, key.descending))
                }
                let previous = current.order
                if !items.isEmpty {
                    current.name = add("SELECT \(columnList(current.width))\(hidden(previous)), \(items.joined(separator: ", ")) FROM \(current.name)")
                }
                current.order = order + previous
            case .limit(let count, let offset):
                let orderBy = current.order.isEmpty ? "" : " ORDER BY " + orderTerms(current.order)
                // Spark's LIMIT and OFFSET take only 32-bit integers.
                if dialect == .spark, max(count, offset) > Int(Int32.max) {
                    throw SQLUnsupported(reason: "Spark's 'limit' and 'offset' go up to \(Int32.max) rows, and this one is \(max(count, offset))")
                }
                let limit = dialect.rowCount(bind(.integer(count), type: .integer))
                let skip = dialect.rowCount(bind(.integer(offset), type: .integer))
                current.name = add("SELECT * FROM \(current.name)\(orderBy) LIMIT \(limit) OFFSET \(skip)")
            case .count:
                current.name = add("SELECT COUNT(*) AS c0 FROM \(current.name)")
                current.width = 1
                current.order = []
            case .distinct:
                if current.order.isEmpty {
                    current.name = add("SELECT DISTINCT * FROM \(current.name)")
                } else {
                    // The first of equal rows keeps its place: the least row number of each.
                    let (source, first, parts) = firstPlace(current)
                    let groups = current.width == 0 ? "" : " GROUP BY " + columnList(current.width)
                    let least = leastPlace(first, parts: parts, named: "o\(counter)")
                    current.name = add("SELECT \(columnList(current.width))\(current.width == 0 ? "" : ", ")\(least.items.joined(separator: ", ")) FROM \(source)\(groups)")
                    current.order = least.order
                }
            case .aggregate(let keys, let aggregates, let outputs, let grouped):
                var items: [String] = []
                for (position, key) in keys.enumerated() {
                    items.append("\(try value(key, columns)) AS g\(position)")
                }
                // list() gathers values in row order: PostgreSQL says so in the aggregate; SQLite
                // (3.40 has no ORDER BY in an aggregate) reads them from a subquery in that order.
                // PostgreSQL adds floats in row order too, as Byline does: a plan that sorts for a
                // count(distinct …) beside them changed the order within groups, and an average's
                // last digit with it (6.41225 came back as 6.4122499999999985).
                let inOrder = aggregates.contains {
                    $0.kind == .list || $0.kind == .stringAgg || (dialect == .postgresql && SQLGenerator.addsFloats($0))
                        || (dialect == .spark && [.variance, .stddev, .corr].contains($0.kind))
                }
                let listOrder = inOrder && !current.order.isEmpty ? orderTerms(current.order) : nil
                // Spark sorts what collect_list gathered by each row's place (a number in order).
                var numbered: (source: String, column: String, parts: Int)?
                if dialect == .spark, listOrder != nil { numbered = firstPlace(current) }
                // Spark adds a group's floats in the order its partitions arrive. A running sum
                // over the group's rows in their order (a window, sorted and spilled as Spark
                // sorts) adds them one by one as Byline does; its value at the group's last row is
                // the sum (max_by), and an average is that over the count, as Byline divides.
                var runningSums: [Int: String] = [:]
                if dialect == .spark, !current.order.isEmpty, aggregates.contains(where: SQLGenerator.addsFloats) {
                    let (source, place, _) = numbered ?? firstPlace(current)
                    var partition: [String] = []
                    if grouped { for key in keys { partition.append(try value(key, columns)) } }
                    let over = "OVER (\(partition.isEmpty ? "" : "PARTITION BY \(partition.joined(separator: ", ")) ")ORDER BY \(place) "
                        + "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
                    var windows: [String] = []
                    for (position, call) in aggregates.enumerated() where SQLGenerator.addsFloats(call) {
                        guard let argument = call.argument else { continue }
                        let column = "s\(counter)_\(position)"
                        windows.append("SUM(CAST(\(try value(argument, columns)) AS DOUBLE)) \(over) AS \(column)")
                        runningSums[position] = column
                    }
                    counter += 1
                    numbered = (add("SELECT *, \(windows.joined(separator: ", ")) FROM \(source)"), place, 1)
                }
                for (position, call) in aggregates.enumerated() {
                    if let running = runningSums[position], let place = numbered?.column, let argument = call.argument {
                        let sum = "max_by(\(running), \(place))"
                        items.append(
                            (call.kind == .avg ? "(CASE WHEN COUNT(\(try value(argument, columns))) = 0 THEN NULL ELSE \(sum) / COUNT(\(try value(argument, columns))) END)" : sum)
                                + " AS a\(position)")
                        continue
                    }
                    items.append("\(try aggregate(call, columns, order: dialect == .sqlite ? nil : listOrder, place: numbered?.column)) AS a\(position)")
                }
                let groupBy = grouped && !keys.isEmpty ? " GROUP BY " + (1...keys.count).map(String.init).joined(separator: ", ") : ""
                // Each group comes where its first row came.
                var from = numbered?.source ?? current.name
                var ordinals: [(column: String, descending: Bool)] = []
                if grouped, !current.order.isEmpty, SQLGenerator.groupOrderMatters(after: index, in: plan.steps, keys: keys.count, outputs: outputs) {
                    let (source, first, parts) = numbered ?? firstPlace(current)
                    from = source
                    let least = leastPlace(first, parts: parts, named: "o\(counter)")
                    ordinals = least.order
                    items += least.items
                }
                if dialect == .sqlite, let listOrder { from = add("SELECT * FROM \(from) ORDER BY \(listOrder)") }
                let inner = add("SELECT \(items.isEmpty ? "COUNT(*) AS a_" : items.joined(separator: ", ")) FROM \(from)\(groupBy)")
                var keyTypes: [DataType] = []
                for key in keys { keyTypes.append(type(of: key, in: columns)) }
                let names = Scope(
                    name: { $0 < keys.count ? "g\($0)" : "a\($0 - keys.count)" },
                    types: keyTypes + aggregates.map(\.resultType))
                var projected: [String] = []
                for (position, output) in outputs.enumerated() {
                    projected.append("\(try value(output, names)) AS c\(position)")
                }
                projected += ordinals.map(\.column)
                current.name = add("SELECT \(projected.isEmpty ? "NULL AS c0" : projected.joined(separator: ", ")) FROM \(inner)")
                current.width = outputs.count
                current.order = ordinals
            case .join(let join):
                current = try self.join(current, join, leftTypes: input.fields.map(\.type))
            case .append(let other):
                // Byline's engine computes every value of both sides; PostgreSQL leaves out a
                // side's value no later step reads, except in a union with an OFFSET (a fence:
                // it plans such a union with all its fields).
                let whole = SQLGenerator.mayFail(other) || plan.steps[..<index].contains { SQLGenerator.mayFail($0.stage) }
                current = try append(
                    current, other, leftTypes: input.fields.map(\.type), output: step.output.fields.map(\.type), fence: whole ? fence : nil)
            case .intersect(let other, let keep):
                current = try intersect(current, other, keep: keep, leftTypes: input.fields.map(\.type), output: step.output.fields.map(\.type))
            case .window(let calls):
                current = try window(current, calls, columns)
            }
            index += 1
        }
        return current
    }

    /// The CTE that reads a plan's source, with each field as c0, c1, ….
    private mutating func source(_ plan: QueryPlan) throws(SQLUnsupported) -> Relation {
        switch plan.source {
        case .table(let name):
            if let table = tables(name) {
                let items = table.columnNames.indices.map { index in
                    dialect.readExpression(column: table.columnNames[index], declared: table.declaredTypes[index], as: table.schema.fields[index].type) + " AS c\(index)"
                }
                var columns = items.isEmpty ? "NULL AS c0" : items.joined(separator: ", ")
                var order: [(column: String, descending: Bool)] = []
                if let ordinal = table.ordinalColumn {
                    let column = "o\(counter)"
                    // A primary key that is one of the fields orders as the field does (text by
                    // code points whatever the server's collation); row numbers and rowid as they are.
                    let expression = table.columnNames.firstIndex(of: ordinal).map { index in
                        dialect.readExpression(column: ordinal, declared: table.declaredTypes[index], as: table.schema.fields[index].type)
                    } ?? dialect.identifier(ordinal)
                    columns += ", \(expression) AS \(column)"
                    order = [(column, false)]
                }
                let body = "SELECT \(columns) FROM \(dialect.identifier(table.sqlName))"
                return Relation(name: add(body), width: plan.sourceSchema.fields.count, order: order)
            }
            throw SQLUnsupported(reason: "'\(name)' is not in the database")
        case .inline(let table):
            // VALUES names its columns column1, column2, …; the last is the row's number.
            let types = table.schema.fields.map(\.type)
            var rows: [String] = []
            for row in 0..<table.rowCount {
                var items: [String] = []
                for (index, column) in table.columns.enumerated() { items.append(bind(column.value(at: row), type: types[index])) }
                items.append("\(row + 1)")
                rows.append("(" + items.joined(separator: ", ") + ")")
            }
            let ordinal = "o\(counter)"
            let columns = types.indices.map { "\(dialect.valuesColumn($0)) AS c\($0)" } + ["\(dialect.valuesColumn(types.count)) AS \(ordinal)"]
            let body = "SELECT \(columns.joined(separator: ", ")) FROM (VALUES \(rows.joined(separator: ", "))) AS v"
            return Relation(name: add(body), width: types.count, order: [(ordinal, false)])
        case .range(let start, let stop):
            let low = bind(.integer(start), type: .integer)
            guard stop > start else {
                return Relation(name: add("SELECT \(low) AS c0 WHERE 1 = 0"), width: 1)
            }
            // The values are in order: the value is its own row number.
            let high = dialect == .spark ? "" : bind(.integer(stop - 1), type: .integer)
            switch dialect {
            case .postgresql:
                let ordinal = "o\(counter)"
                return Relation(
                    name: add("SELECT value AS c0, value AS \(ordinal) FROM generate_series(\(low), \(high)) AS value"), width: 1,
                    order: [(ordinal, false)])
            case .sqlite:
                // A recursive CTE counts up; `c0 < high` stops before the largest integer overflows.
                let name = "s\(counter)"
                counter += 1
                ctes.append("\(name)(c0) AS (SELECT \(low) UNION ALL SELECT c0 + 1 FROM \(name) WHERE c0 < \(high))")
                recursive = true
                let ordinal = "o\(counter)"
                return Relation(name: add("SELECT c0, c0 AS \(ordinal) FROM \(name)"), width: 1, order: [(ordinal, false)])
            case .spark:
                // range's end is exclusive, as Byline's is; its numbers are bigints, in order.
                let end = bind(.integer(stop), type: .integer)
                let ordinal = "o\(counter)"
                return Relation(name: add("SELECT id AS c0, id AS \(ordinal) FROM range(\(low), \(end))"), width: 1, order: [(ordinal, false)])
            }
        }
    }

    private mutating func join(_ left: Relation, _ join: QueryPlan.JoinPlan, leftTypes: [DataType]) throws(SQLUnsupported) -> Relation {
        let right = try relation(for: join.right)
        let width = left.width
        let rightTypes = join.right.schema.fields.map(\.type)
        let leftColumns = Scope(name: { "l.c\($0)" }, types: leftTypes)
        let rightColumns = Scope(name: { "r.c\($0)" }, types: rightTypes)
        let combined = Scope(name: { $0 < width ? "l.c\($0)" : "r.c\($0 - width)" }, types: leftTypes + rightTypes)
        var conditions: [String] = []
        for (leftKey, rightKey) in zip(join.leftKeys, join.rightKeys) {
            let types = (type(of: leftKey, in: leftColumns), type(of: rightKey, in: rightColumns))
            if types == (.integer, .float) || types == (.float, .integer) {
                conditions.append(try comparison(.equal, leftKey, rightKey, leftColumns, rightColumns))
            } else {
                // Plain equality, so the database can hash or merge on it (null matches nothing either way).
                conditions.append("\(try value(leftKey, leftColumns)) = \(try value(rightKey, rightColumns))")
            }
        }
        if let residual = join.residual {
            conditions.append(try condition(residual, combined))
        }
        let on = conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND ")
        let items = (0..<left.width).map { "l.c\($0) AS c\($0)" } + (0..<right.width).map { "r.c\($0) AS c\(width + $0)" }
        let (leftCarried, leftOrder) = carry(left.order, from: "l.")
        let (rightCarried, rightOrder) = carry(right.order, from: "r.")
        let carried = (leftCarried.isEmpty ? "" : ", " + leftCarried) + (rightCarried.isEmpty ? "" : ", " + rightCarried)
        let name = add(
            "SELECT \(items.isEmpty ? "NULL AS c0" : items.joined(separator: ", "))\(carried) FROM \(left.name) AS l \(join.isLeft ? "LEFT JOIN" : "JOIN") \(right.name) AS r ON \(on)")
        // A left row's matches follow one another in the right side's order.
        return Relation(name: name, width: left.width + right.width, order: leftOrder + rightOrder)
    }

    /// `append`: UNION ALL of both sides, each numbered in its own order, the left side's rows
    /// first; an integer is cast where the output's field is a float.
    private mutating func append(
        _ left: Relation, _ other: QueryPlan, leftTypes: [DataType], output: [DataType], fence: String? = nil
    ) throws(SQLUnsupported) -> Relation {
        let right = try relation(for: other)
        let rightTypes = other.schema.fields.map(\.type)
        let (part, number) = ("o\(counter)p", "o\(counter)n")
        counter += 1
        func side(_ relation: Relation, _ types: [DataType], _ position: Int) -> String {
            var items: [String] = []
            for index in output.indices { items.append(SQLGenerator.setColumn(index, types, output, dialect)) }
            let window = relation.order.isEmpty ? "" : "ORDER BY " + orderTerms(relation.order)
            items.append("\(position) AS \(part)")
            items.append("ROW_NUMBER() OVER (\(window)) AS \(number)")
            return "SELECT \(items.joined(separator: ", ")) FROM \(relation.name)"
        }
        let name = add(side(left, leftTypes, 0) + " UNION ALL " + side(right, rightTypes, 1) + (fence ?? ""))
        return Relation(name: name, width: output.count, order: [(part, false), (number, false)])
    }

    /// A side's field `index` as the output of `append`, `intersect` or `except` has it: an
    /// integer cast where the output is a float, and a null field (an inline table's column of
    /// nulls) cast to the output's type, which PostgreSQL needs to match the sides.
    package static func setColumn(_ index: Int, _ types: [DataType], _ output: [DataType], _ dialect: SQLDialect) -> String {
        let type = types.indices.contains(index) ? types[index] : .null
        let widen = output[index] == .float && type == .integer
        guard widen || (type == .null && output[index] != .null) else { return "c\(index)" }
        return "CAST(c\(index) AS \(dialect.columnType(output[index]))) AS c\(index)"
    }

    /// `intersect` / `except`: the left rows, numbered in their order, grouped (so distinct, nulls
    /// equal, each where it first came) and kept where a right row is (or is not) equal to them,
    /// field by field, a null matching a null; integers cast where the output's field is a float.
    private mutating func intersect(
        _ left: Relation, _ other: QueryPlan, keep: Bool, leftTypes: [DataType], output: [DataType]
    ) throws(SQLUnsupported) -> Relation {
        let right = try relation(for: other)
        let rightTypes = other.schema.fields.map(\.type)
        let number = "o\(counter)n"
        counter += 1
        let dialect = self.dialect
        func fields(_ types: [DataType]) -> [String] { output.indices.map { SQLGenerator.setColumn($0, types, output, dialect) } }
        let window = left.order.isEmpty ? "" : "ORDER BY " + orderTerms(left.order)
        let numbered = add("SELECT \((fields(leftTypes) + ["ROW_NUMBER() OVER (\(window)) AS \(number)"]).joined(separator: ", ")) FROM \(left.name)")
        let theirs = add("SELECT \(fields(rightTypes).isEmpty ? "1 AS c0" : fields(rightTypes).joined(separator: ", ")) FROM \(right.name)")
        let equal = output.indices.map { "(l.c\($0) = r.c\($0) OR (l.c\($0) IS NULL AND r.c\($0) IS NULL))" }
        let test = "\(keep ? "" : "NOT ")EXISTS (SELECT 1 FROM \(theirs) AS r\(equal.isEmpty ? "" : " WHERE " + equal.joined(separator: " AND ")))"
        let ordinal = "o\(counter)"
        counter += 1
        let columns = columnList(output.count, prefix: "l.")
        let groups = output.isEmpty ? "" : " GROUP BY " + columns
        let name = add("SELECT \(columns)\(output.isEmpty ? "" : ", ")MIN(l.\(number)) AS \(ordinal) FROM \(numbered) AS l WHERE \(test)\(groups)")
        return Relation(name: name, width: output.count, order: [(ordinal, false)])
    }

    /// Window functions: the relation's fields and hidden order columns, then a field per window
    /// function. A partition is ordered by the window's keys, then by the relation's own order, so
    /// ties keep Byline's stable order; `rank` and `dense_rank` see only the window's keys, so
    /// ties rank alike. Frames are written out as rows (SQL's default with ORDER BY is a range,
    /// which would give ties one running total).
    private mutating func window(_ relation: Relation, _ calls: [WindowCall], _ columns: Scope) throws(SQLUnsupported) -> Relation {
        var items: [String] = relation.width == 0 ? [] : [columnList(relation.width)]
        for (position, call) in calls.enumerated() {
            var partition: [String] = []
            for key in call.partition { partition.append(try value(key, columns)) }
            var keys: [String] = []
            for key in call.order { keys.append("\(try value(key.0, columns)) \(key.descending ? "DESC" : "ASC") NULLS LAST") }
            let stable = keys + (relation.order.isEmpty ? [] : [orderTerms(relation.order)])
            func over(_ order: [String], frame: String = "") -> String {
                var parts: [String] = []
                if !partition.isEmpty { parts.append("PARTITION BY " + partition.joined(separator: ", ")) }
                if !order.isEmpty { parts.append("ORDER BY " + order.joined(separator: ", ")) }
                if !frame.isEmpty { parts.append(frame) }
                return "OVER (" + parts.joined(separator: " ") + ")"
            }
            let computed: String
            switch call.function {
            case .rowNumber: computed = "ROW_NUMBER() " + over(stable)
            case .rank: computed = "RANK() " + over(keys)
            case .denseRank: computed = "DENSE_RANK() " + over(keys)
            case .lag(let offset), .lead(let offset):
                guard let argument = call.argument else { throw SQLUnsupported(reason: "a window function lost its argument") }
                // The offset is a whole number the plan checked, written as one (PostgreSQL's
                // takes an integer, not a bigint placeholder); past the partition's end it is null.
                let name = call.function == .lag(offset: offset) ? "LAG" : "LEAD"
                computed = "\(name)(\(try value(argument, columns)), \(min(offset, Int(Int32.max)))) " + over(stable)
            case .firstValue, .lastValue:
                guard let argument = call.argument else { throw SQLUnsupported(reason: "a window function lost its argument") }
                let name = call.function == .firstValue ? "FIRST_VALUE" : "LAST_VALUE"
                computed = "\(name)(\(try value(argument, columns))) " + over(stable, frame: Self.rowsFrame(call.frame))
            case .aggregate(let aggregate):
                let frame: String
                switch call.frame {
                // The whole partition in its order too: floats are added in the order Byline adds them.
                case .partition: frame = "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
                case .running: frame = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                case .preceding(let count): frame = "ROWS BETWEEN \(count) PRECEDING AND CURRENT ROW"
                }
                computed = try windowAggregate(aggregate, columns, over: over(stable, frame: frame))
            }
            items.append("\(computed) AS c\(relation.width + position)")
        }
        let name = add("SELECT \(items.isEmpty ? "NULL AS c0" : items.joined(separator: ", "))\(hidden(relation.order)) FROM \(relation.name)")
        return Relation(name: name, width: relation.width + calls.count, order: relation.order)
    }

    /// A window's frame written out as rows.
    private static func rowsFrame(_ frame: WindowCall.Frame) -> String {
        switch frame {
        case .partition: return "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
        case .running: return "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
        case .preceding(let count): return "ROWS BETWEEN \(count) PRECEDING AND CURRENT ROW"
        }
    }

    /// median, quantile, stddev, variance and corr in PostgreSQL, in doubles as Byline computes
    /// them; SQLite has none of them, so a query with one runs in Byline's own engine.
    private mutating func statistic(_ call: AggregateCall, _ columns: Scope, place: String?) throws(SQLUnsupported) -> String {
        guard dialect != .sqlite else {
            throw SQLUnsupported(reason: "SQLite has no '\(call.kind.rawValue)' ('\(call.kind.rawValue)' runs in PostgreSQL and in Byline's own engine)")
        }
        guard let argument = call.argument else { throw SQLUnsupported(reason: "'\(call.kind.rawValue)' lost its argument") }
        let doubleType = dialect.doubleType
        func double(_ expression: BoundExpression) throws(SQLUnsupported) -> String { "CAST(\(try value(expression, columns)) AS \(doubleType))" }
        // Spark's own var_samp, stddev_samp and corr add in another order than Byline (and
        // PostgreSQL): each group's values are gathered in row order and folded with Byline's
        // Youngs–Cramer steps, operation for operation (Java's doubles are IEEE's, as Swift's).
        if dialect == .spark, [.variance, .stddev, .corr].contains(call.kind) {
            guard let place else {
                throw SQLUnsupported(reason: "Spark has no order for the rows here, so '\(call.kind.rawValue)' would add in another order ('\(call.kind.rawValue)' runs in Byline's own engine)")
            }
            if call.kind == .corr {
                guard case .makeList(let pair) = argument, pair.count == 2 else { throw SQLUnsupported(reason: "'corr' lost its arguments") }
                let (y, x) = (try double(pair[0]), try double(pair[1]))
                let pairs = "transform(array_sort(collect_list(named_struct('n', \(place) IS NULL, 'o', \(place), 'y', \(y), 'x', \(x))) "
                    + "FILTER (WHERE \(y) IS NOT NULL AND \(x) IS NOT NULL)), e -> named_struct('y', e.y, 'x', e.x))"
                let c = "(a.c + 1D)"
                let (sx, sy) = ("(a.sx + v.x)", "(a.sy + v.y)")
                let (dx, dy) = ("(v.x * \(c) - \(sx))", "(v.y * \(c) - \(sy))")
                let scale = "(1D / (\(c) * (\(c) - 1D)))"
                let step = "named_struct('c', \(c), 'sx', \(sx), 'sy', \(sy), "
                    + "'qx', CASE WHEN \(c) > 1D THEN a.qx + \(dx) * \(dx) * \(scale) ELSE a.qx END, "
                    + "'qy', CASE WHEN \(c) > 1D THEN a.qy + \(dy) * \(dy) * \(scale) ELSE a.qy END, "
                    + "'p', CASE WHEN \(c) > 1D THEN a.p + \(dx) * \(dy) * \(scale) ELSE a.p END)"
                let start = "named_struct('c', 0D, 'sx', 0D, 'sy', 0D, 'qx', 0D, 'qy', 0D, 'p', 0D)"
                let finish = "CASE WHEN a.c >= 1D AND a.qx <> 0D AND a.qy <> 0D AND NOT isnan(a.p / sqrt(a.qx * a.qy)) THEN a.p / sqrt(a.qx * a.qy) END"
                return "aggregate(\(pairs), \(start), (a, v) -> \(step), a -> \(finish))"
            }
            let values = sparkInOrder(try double(argument), place: place)
            let c = "(a.c + 1D)"
            let sum = "(a.s + v)"
            let deviation = "(v * \(c) - \(sum))"
            let step = "named_struct('c', \(c), 's', \(sum), 'q', CASE WHEN \(c) > 1D THEN a.q + \(deviation) * \(deviation) / (\(c) * (\(c) - 1D)) ELSE a.q END)"
            let variance = "a.q / (a.c - 1D)"
            let finish = "CASE WHEN a.c > 1D THEN \(call.kind == .stddev ? "sqrt(\(variance))" : variance) END"
            return "aggregate(\(values), named_struct('c', 0D, 's', 0D, 'q', 0D), (a, v) -> \(step), a -> \(finish))"
        }
        switch call.kind {
        case .median, .quantile:
            let fraction = bind(.float(call.fraction ?? 0.5), type: .float)
            return "percentile_cont(\(fraction)) WITHIN GROUP (ORDER BY \(try double(argument)))"
        case .variance: return "var_samp(\(try double(argument)))"
        case .stddev: return "stddev_samp(\(try double(argument)))"
        case .corr:
            guard case .makeList(let pair) = argument, pair.count == 2 else { throw SQLUnsupported(reason: "'corr' lost its arguments") }
            return "corr(\(try double(pair[0])), \(try double(pair[1])))"
        default:
            throw SQLUnsupported(reason: "'\(call.kind.rawValue)' is no statistic")
        }
    }

    /// An aggregate over a window, as `aggregate` computes it over a group.
    private mutating func windowAggregate(_ call: AggregateCall, _ columns: Scope, over window: String) throws(SQLUnsupported) -> String {
        guard let argument = call.argument else { return "COUNT(*) \(window)" }
        let x = try value(argument, columns)
        switch call.kind {
        case .countRows: return "COUNT(*) \(window)"
        case .count: return "COUNT(\(x)) \(window)"
        case .sum:
            if call.argumentType == .float {
                return dialect == .sqlite
                    ? "TOTAL(\(x)) \(window) * (CASE WHEN COUNT(\(x)) \(window) = 0 THEN NULL ELSE 1 END)"
                    : "SUM(CAST(\(x) AS \(dialect.doubleType))) \(window)"
            }
            // Spark's SUM of bigints raises an overflow itself in ANSI mode, as SQLite's does.
            return dialect == .postgresql ? "CAST(SUM(\(x)) \(window) AS bigint)" : "SUM(\(x)) \(window)"
        case .avg: return dialect == .sqlite ? "AVG(\(x)) \(window)" : "AVG(CAST(\(x) AS \(dialect.doubleType))) \(window)"
        case .min: return (dialect == .postgresql && call.argumentType == .bool ? "bool_and" : "MIN") + "(\(x)) \(window)"
        case .max: return (dialect == .postgresql && call.argumentType == .bool ? "bool_or" : "MAX") + "(\(x)) \(window)"
        case .countDistinct, .list, .stringAgg, .median, .quantile, .stddev, .variance, .corr:
            throw SQLUnsupported(reason: "'\(call.kind.rawValue)' is not a window function")
        }
    }

    // MARK: - Expressions

    /// A placeholder for a value.
    private mutating func bind(_ value: Value, type: DataType) -> String {
        bindings.append(value)
        return dialect.placeholder(bindings.count, type: type)
    }

    /// The Byline type of a bound value, for its placeholder's cast.
    private func type(of value: Value) -> DataType {
        // A list's placeholder is cast as a list, whatever its elements.
        if case .list = value { return .list(.null) }
        return value.dataType
    }

    /// A test that is true or false, never null.
    /// A condition where only "true" matters (WHERE, a join's ON): SQL's null and false both
    /// drop the row, so comparisons, AND and OR need no COALESCE here, which leaves them plain
    /// for the database's indexes and hash joins. Under NOT, Byline's two values are needed again.
    private mutating func condition(_ expression: BoundExpression, _ columns: Scope) throws(SQLUnsupported) -> String {
        if !shieldingConstants, shieldsConstants(in: expression) {
            shieldingConstants = true
            defer { shieldingConstants = false }
            return try condition(expression, columns)
        }
        switch expression {
        // A database tests the parts of a WHERE's AND in the order it likes (PostgreSQL: cheapest
        // first); Byline's `and` stops at a false left side. Where a part can fail, CASE keeps
        // the order written.
        case .and(let a, let b) where dialect != .spark && (SQLGenerator.mayFail(a) || SQLGenerator.mayFail(b)):
            return "(CASE WHEN \(try condition(a, columns)) THEN \(try condition(b, columns)) ELSE \(falseLiteral) END)"
        case .and(let a, let b): return "(\(try condition(a, columns)) AND \(try condition(b, columns)))"
        case .or(let a, let b): return "(\(try condition(a, columns)) OR \(try condition(b, columns)))"
        case .compare(let op, let a, let b):
            let types = (type(of: a, in: columns), type(of: b, in: columns))
            if types == (.integer, .float) || types == (.float, .integer) { break }
            // Lists that are not ordered (and Spark's, which are refused) are written below.
            if case .list = types.0, (op != .equal && op != .notEqual) || dialect == .spark { break }
            return "(\(try value(a, columns)) \(op.rawValue == "!=" ? "<>" : op.rawValue) \(try value(b, columns)))"
        default:
            break
        }
        return try predicate(expression, columns)
    }

    private mutating func predicate(_ expression: BoundExpression, _ columns: Scope) throws(SQLUnsupported) -> String {
        if !shieldingConstants, shieldsConstants(in: expression) {
            shieldingConstants = true
            defer { shieldingConstants = false }
            return try predicate(expression, columns)
        }
        switch expression {
        // SQLite computes both sides of AND and OR in a value (not in WHERE); Byline's `and` and
        // `or` stop at a side that decides (README, "When a value is computed"), as CASE does.
        case .and(let a, let b) where dialect == .sqlite: return "(CASE WHEN \(try predicate(a, columns)) THEN \(try predicate(b, columns)) ELSE 0 END)"
        case .or(let a, let b) where dialect == .sqlite: return "(CASE WHEN \(try predicate(a, columns)) THEN 1 ELSE \(try predicate(b, columns)) END)"
        case .and(let a, let b): return "(\(try predicate(a, columns)) AND \(try predicate(b, columns)))"
        case .or(let a, let b): return "(\(try predicate(a, columns)) OR \(try predicate(b, columns)))"
        case .not(let a): return "(NOT \(try predicate(a, columns)))"
        case .literal(let value): return value == .bool(true) ? "(1 = 1)" : "(1 = 0)"
        case .compare, .contains, .member, .isNull, .matches:
            return try value(expression, columns)  // never null already
        case .call(let function, _, _) where function.isTest:
            return try value(expression, columns)
        default:
            let test = try value(expression, columns)
            return "COALESCE(\(test), \(dialect.falseLiteral))"
        }
    }

    /// `a op b` with null operands false; integers and floats compare by exact value.
    private mutating func comparison(
        _ op: BinaryOperator, _ lhs: BoundExpression, _ rhs: BoundExpression, _ left: Scope, _ right: Scope
    ) throws(SQLUnsupported) -> String {
        let a = try value(lhs, left)
        let b = try value(rhs, right)
        let types = (type(of: lhs, in: left), type(of: rhs, in: right))
        if dialect.comparesNumbersAsDoubles, types == (.integer, .float) {
            return "COALESCE(\(SQLGenerator.exactOrder(integer: a, float: b, dialect)) \(op.rawValue == "!=" ? "<>" : op.rawValue) 0, FALSE)"
        }
        if dialect.comparesNumbersAsDoubles, types == (.float, .integer) {
            return "COALESCE(0 \(op.rawValue == "!=" ? "<>" : op.rawValue) \(SQLGenerator.exactOrder(integer: b, float: a, dialect)), FALSE)"
        }
        return "COALESCE(\(a) \(op.rawValue == "!=" ? "<>" : op.rawValue) \(b), \(dialect.falseLiteral))"
    }

    /// -1, 0 or 1 as an integer is below, equal to or above a float, by exact value (null when
    /// either is null). PostgreSQL compares bigint with double precision as doubles (2^53 + 1
    /// equals 2^53) and turns a double into numeric with 15 digits, so neither is exact: as
    /// doubles, a difference is real (rounding keeps order); when they are equal as doubles, the
    /// float is a whole number, and the integers compare. The float is clamped to the bigints
    /// before its cast, which that branch never needs but PostgreSQL's planner computes for a
    /// constant (`id > -1e19` would fail before any row is read). Spark compares the same way.
    package static func exactOrder(integer a: String, float b: String, _ dialect: SQLDialect = .postgresql) -> String {
        let double = dialect.doubleType
        return "(CASE WHEN \(a) IS NULL OR \(b) IS NULL THEN NULL WHEN CAST(\(a) AS \(double)) < \(b) THEN -1 "
            + "WHEN CAST(\(a) AS \(double)) > \(b) THEN 1 WHEN \(b) >= 9223372036854775807 THEN -1 "
            + "ELSE sign(\(a) - CAST(LEAST(GREATEST(\(b), -9223372036854775808), 9223372036854774784) AS bigint)) END)"
    }

    private var falseLiteral: String { dialect.falseLiteral }

    /// Whether the expression is arithmetic, a negation or a function call over constants alone
    /// whose computation fails (an integer overflow the checker left for the rows to raise).
    package static func failsWhenComputed(_ expression: BoundExpression) -> Bool {
        switch expression {
        case .arithmetic(let op, .literal(let a), .literal(let b), let type, _):
            return (try? Arithmetic.apply(op, a, b, type: type)) == nil
        case .negate(.literal(let a), _):
            return (try? Arithmetic.negate(a)) == nil
        case .call(let function, let arguments, _):
            let constants = arguments.compactMap { argument -> Value? in
                if case .literal(let constant) = argument { return constant }
                return nil
            }
            return constants.count == arguments.count && (try? function.apply(constants)) == nil
        default:
            return false
        }
    }

    /// An expression's value (null where Byline's is null).
    private mutating func value(_ expression: BoundExpression, _ columns: Scope) throws(SQLUnsupported) -> String {
        // PostgreSQL's planner computes constant parts of a query before reading a row, even in a
        // CASE branch no row takes or over no rows; Byline computes a value only where a row needs
        // it (README, "When a value is computed"). A constant computation that fails is written
        // so the planner cannot compute it.
        if dialect == .postgresql, !shieldingConstants, SQLGenerator.failsWhenComputed(expression) || shieldsConstants(in: expression) {
            shieldingConstants = true
            defer { shieldingConstants = false }
            return try value(expression, columns)
        }
        switch expression {
        case .literal(let constant):
            if constant.isNull { return "NULL" }
            if shieldingConstants { return "(SELECT \(bind(constant, type: type(of: constant))))" }
            return bind(constant, type: type(of: constant))
        case .column(let index):
            return columns.name(index)
        case .compare(let op, let a, let b):
            if case .list = type(of: a, in: columns), op != .equal, op != .notEqual {
                throw SQLUnsupported(reason: "lists are ordered only in Byline's own engine")
            }
            if dialect == .spark, case .list = type(of: a, in: columns) {
                throw SQLUnsupported(reason: "Spark keeps lists as JSON text, which may be written differently for equal lists ('=' of lists runs only in Byline's own engine)")
            }
            return try comparison(op, a, b, columns, columns)
        case .and, .or, .not:
            return try predicate(expression, columns)
        case .contains(let a, let b):
            return try call(.contains, [a, b], columns)
        case .member(let a, let list):
            let needle = try value(a, columns)
            if case .literal(.list(let choices)) = list {
                let present = choices.filter { !$0.isNull }
                if present.isEmpty { return "(1 = 0)" }
                // Integers and floats compare by exact value (PostgreSQL would compare as doubles).
                let needleType = type(of: a, in: columns)
                let mixed = dialect.comparesNumbersAsDoubles && (needleType == .integer || needleType == .float)
                    && present.contains { type(of: $0) != needleType }
                var marks: [String] = []
                for choice in present {
                    let mark = bind(choice, type: type(of: choice))
                    if mixed, type(of: choice) != needleType {
                        let order = needleType == .integer
                            ? SQLGenerator.exactOrder(integer: needle, float: mark, dialect)
                            : SQLGenerator.exactOrder(integer: mark, float: needle, dialect)
                        marks.append("COALESCE(\(order) = 0, FALSE)")
                    } else {
                        marks.append(mixed ? "COALESCE(\(needle) = \(mark), FALSE)" : mark)
                    }
                }
                if mixed { return "(" + marks.joined(separator: " OR ") + ")" }
                return "COALESCE(\(needle) IN (\(marks.joined(separator: ", "))), \(falseLiteral))"
            }
            if case .makeList(let items) = list {
                if items.isEmpty { return "(1 = 0)" }
                var parts: [String] = []
                for item in items { parts.append(try value(item, columns)) }
                return "COALESCE(\(needle) IN (\(parts.joined(separator: ", "))), \(falseLiteral))"
            }
            let elements = try value(list, columns)
            switch dialect {
            case .spark:
                // The JSON text read as an array of the elements' type; Spark would compare an
                // integer with a float as doubles, so that case runs in Byline's own engine.
                guard case .list(let element) = type(of: list, in: columns), !element.isList,
                    !(Set([element, type(of: a, in: columns)]) == Set([DataType.integer, .float]))
                else {
                    throw SQLUnsupported(reason: "Spark keeps lists as JSON text, so this 'in' runs only in Byline's own engine")
                }
                let array = "from_json(\(elements), 'ARRAY<\(dialect.columnType(element == .null ? .string : element))>')"
                return "COALESCE(array_contains(\(array), \(needle)), FALSE)"
            case .postgresql:
                return "COALESCE(EXISTS (SELECT 1 FROM jsonb_array_elements(\(elements)) AS e(v) WHERE e.v = to_jsonb(\(needle))), FALSE)"
            case .sqlite:
                return "COALESCE(EXISTS (SELECT 1 FROM json_each(\(elements)) AS e WHERE e.value = \(needle)), 0)"
            }
        case .isNull(let a):
            return "(\(try value(a, columns)) IS NULL)"
        case .makeList(let items):
            var parts: [String] = []
            for item in items { parts.append(try value(item, columns)) }
            switch dialect {
            case .postgresql: return "jsonb_build_array(\(parts.joined(separator: ", ")))"
            case .sqlite: return "json_array(\(parts.joined(separator: ", ")))"
            case .spark: throw SQLUnsupported(reason: "Spark keeps lists as JSON text, so lists are made only in Byline's own engine")
            }
        case .arithmetic(let op, let a, let b, let type, _):
            return try arithmetic(op, a, b, type: type, columns)
        case .negate(let a, _):
            let operand = try value(a, columns)
            // PostgreSQL's and Spark's (ANSI) minus raise an error for the smallest integer.
            return dialect.checksIntegerOverflow ? "(- \(operand))" : "byline_negate(\(operand))"
        case .canonical(let a, let index):
            let operand = try value(a, columns)
            guard !index.isEmpty else { return operand }
            guard index.count <= 2_000 else {
                throw SQLUnsupported(reason: "matching names by their aliases needs \(index.count) names, too many to send with a query")
            }
            var cases = ""
            for (name, canonical) in index.sorted(by: { $0.key < $1.key }) {
                cases += " WHEN \(bind(.string(name), type: .string)) THEN \(bind(.string(canonical), type: .string))"
            }
            let lowered: String
            switch dialect {
            case .postgresql: lowered = "lower(\(operand) COLLATE \"default\")"
            case .sqlite: lowered = "byline_lower(\(operand))"
            case .spark: lowered = "lower(\(operand))"
            }
            return "(CASE \(lowered)\(cases) ELSE \(operand) END)"
        case .call(let function, let arguments, _):
            return try call(function, arguments, columns)
        case .conditional(let items, let otherwise):
            // Only a true condition chooses its value, as in Byline (a null condition does not).
            var text = "(CASE"
            for index in stride(from: 0, to: items.count - 1, by: 2) {
                text += " WHEN \(try condition(items[index], columns)) THEN \(try value(items[index + 1], columns))"
            }
            return text + " ELSE \(try value(otherwise, columns)) END)"
        case .parameter(let name, _):
            // A prepared query's plan has its values put in before it is compiled (see PreparedQuery).
            throw SQLUnsupported(reason: "'$\(name)' has no value yet")
        case .userCall(let function, _):
            throw SQLUnsupported(reason: "'\(function.name)' is a function of this program, and runs only in Byline's own engine")
        case .matches(let a, let pattern):
            let operand = try value(a, columns)
            switch dialect {
            case .postgresql:
                // A whole-string match: the pattern wrapped in ^(?: … )$. Byline's one inline
                // flag, a leading (?i), must stay first (PostgreSQL takes embedded options only
                // at the start), so it goes before the anchor.
                let caseless = pattern.hasPrefix("(?i)")
                let body = caseless ? String(pattern.dropFirst(4)) : pattern
                let regex = bind(.string((caseless ? "(?i)" : "") + "^(?:" + body + ")$"), type: .string)
                return "COALESCE(\(operand) ~ \(regex), FALSE)"
            case .sqlite:
                let regex = bind(.string(pattern), type: .string)
                return "byline_matches(\(operand), \(regex))"
            case .spark:
                // Java's regular expressions find a match anywhere, and take (?i) anywhere.
                let regex = bind(.string("^(?:" + pattern + ")$"), type: .string)
                return "COALESCE(\(operand) RLIKE \(regex), FALSE)"
            }
        }
    }

    /// The Byline type of an expression over columns of the given types.
    private func type(of expression: BoundExpression, in scope: Scope) -> DataType {
        switch expression {
        case .literal(let value): return type(of: value)
        case .column(let index): return scope.type(index)
        case .compare, .and, .or, .not, .contains, .member, .isNull, .matches: return .bool
        case .makeList(let items):
            return .list(items.reduce(DataType.null) { $0.unified(with: type(of: $1, in: scope)) ?? $0 })
        case .arithmetic(_, _, _, let type, _): return type
        case .negate(let operand, _), .canonical(let operand, _): return type(of: operand, in: scope)
        case .call(let function, let arguments, _):
            let types = arguments.map { type(of: $0, in: scope) }
            if case .success(let result) = function.resultType(for: types) { return result }
            return .null
        case .userCall: return .null
        case .conditional(let items, let otherwise):
            let values = stride(from: 1, to: items.count, by: 2).map { items[$0] } + [otherwise]
            return values.reduce(DataType.null) { $0.unified(with: type(of: $1, in: scope)) ?? $0 }
        case .parameter(_, let type): return type
        }
    }

    private mutating func arithmetic(
        _ op: BinaryOperator, _ lhs: BoundExpression, _ rhs: BoundExpression, type: DataType, _ columns: Scope
    ) throws(SQLUnsupported) -> String {
        let a = try value(lhs, columns)
        let b = try value(rhs, columns)
        if type == .string { return "(\(a) || \(b))" }
        switch dialect {
        case .sqlite:
            // SQLite's own operators turn an overflowing integer into a float; Byline's functions
            // (registered on the connection) raise the error Byline's engine does.
            let name: String
            switch op {
            case .add: name = "byline_add"
            case .subtract: name = "byline_subtract"
            case .multiply: name = "byline_multiply"
            case .divide: name = "byline_divide"
            default: name = "byline_remainder"
            }
            return "\(name)(\(a), \(b))"
        case .spark:
            // ANSI mode: bigint + - * raise ARITHMETIC_OVERFLOW (read as Byline's overflow).
            if op == .divide {
                return "(CAST(\(a) AS DOUBLE) / NULLIF(CAST(\(b) AS DOUBLE), 0))"
            }
            if type == .integer {
                return op == .remainder ? "(\(a) % NULLIF(\(b), 0))" : "(\(a) \(op.rawValue) \(b))"
            }
            // Java's % of doubles is exact (fmod), as Swift's truncatingRemainder is.
            if op == .remainder { return "(CAST(\(a) AS DOUBLE) % NULLIF(CAST(\(b) AS DOUBLE), 0))" }
            return "(CAST(\(a) AS DOUBLE) \(op.rawValue) CAST(\(b) AS DOUBLE))"
        case .postgresql:
            if op == .divide {
                return "(CAST(\(a) AS double precision) / NULLIF(CAST(\(b) AS double precision), 0))"
            }
            if type == .integer {
                return op == .remainder ? "(\(a) % NULLIF(\(b), 0))" : "(\(a) \(op.rawValue) \(b))"
            }
            if op == .remainder {
                throw SQLUnsupported(reason: "PostgreSQL has no exact remainder of floats ('%' of floats runs only in Byline's own engine)")
            }
            return "(CAST(\(a) AS double precision) \(op.rawValue) CAST(\(b) AS double precision))"
        }
    }

    /// A built-in function's call, as its declaration spells it for the dialect.
    private mutating func call(_ function: ScalarFunction, _ arguments: [BoundExpression], _ columns: Scope) throws(SQLUnsupported) -> String {
        var values: [String] = []
        for argument in arguments { values.append(try value(argument, columns)) }
        var call = SQLCall(
            dialect: dialect, arguments: values, types: arguments.map { type(of: $0, in: columns) }, firstBinding: bindings.count + 1,
            constants: arguments.map { argument in
                if case .literal(let value) = argument { return value }
                return nil
            })
        let text = try function.sql(&call)
        bindings += call.bindings
        return text
    }

    /// Whether an aggregate adds floats, whose total depends on the order they are added in: a sum
    /// of floats, and any average (Byline averages in doubles).
    static func addsFloats(_ call: AggregateCall) -> Bool {
        (call.kind == .sum && call.argumentType == .float) || call.kind == .avg
    }

    /// Spark: the values of `x` that are not null as an array in their rows' order. collect_list
    /// gathers in no set order across partitions: each value goes with its row's place (`place`,
    /// nulls last), and the gathered array is sorted by it.
    private func sparkInOrder(_ x: String, place: String?) -> String {
        let values = "collect_list(\(place.map { "named_struct('n', \($0) IS NULL, 'o', \($0), 'v', \(x))" } ?? x)) FILTER (WHERE \(x) IS NOT NULL)"
        return place == nil ? values : "transform(array_sort(\(values)), e -> e.v)"
    }

    private mutating func aggregate(
        _ call: AggregateCall, _ columns: Scope, order: String? = nil, place: String? = nil
    ) throws(SQLUnsupported) -> String {
        guard let argument = call.argument else { return "COUNT(*)" }
        if [.median, .quantile, .stddev, .variance, .corr].contains(call.kind) { return try statistic(call, columns, place: place) }
        let x = try value(argument, columns)
        // PostgreSQL adds floats in the rows' order when it is given (see addsFloats).
        let inOrder = dialect == .postgresql ? order.map { " ORDER BY " + $0 } ?? "" : ""
        switch call.kind {
        case .countRows: return "COUNT(*)"
        case .count: return "COUNT(\(x))"
        case .countDistinct: return "COUNT(DISTINCT \(x))"
        case .sum:
            if call.argumentType == .float {
                return dialect == .sqlite ? "TOTAL(\(x)) * (CASE WHEN COUNT(\(x)) = 0 THEN NULL ELSE 1 END)" : "SUM(CAST(\(x) AS \(dialect.doubleType))\(inOrder))"
            }
            // PostgreSQL sums bigints into numeric, which never overflows: cast back, so a sum past
            // the largest integer is an error, as in Byline. SQLite's SUM raises it itself.
            // Spark's SUM raises it too in ANSI mode.
            return dialect == .postgresql ? "CAST(SUM(\(x)) AS bigint)" : "SUM(\(x))"
        case .avg:
            // In doubles, as Byline adds (PostgreSQL's avg of bigints would be exact numeric).
            return dialect == .sqlite ? "AVG(\(x))" : "AVG(CAST(\(x) AS \(dialect.doubleType))\(inOrder))"
        case .min: return dialect == .postgresql && call.argumentType == .bool ? "bool_and(\(x))" : "MIN(\(x))"
        case .max: return dialect == .postgresql && call.argumentType == .bool ? "bool_or(\(x))" : "MAX(\(x))"
        case .list:
            switch dialect {
            // Byline's list() leaves out nulls.
            case .postgresql: return "COALESCE(jsonb_agg(\(x)\(order.map { " ORDER BY " + $0 } ?? "")) FILTER (WHERE \(x) IS NOT NULL), '[]'::jsonb)"
            case .sqlite:
                if case .list = call.argumentType { return "json_group_array(json(\(x))) FILTER (WHERE \(x) IS NOT NULL)" }
                // Every digit of a float (SQLite's JSON keeps 15).
                if call.argumentType == .float { return "json_group_array(json(byline_json_float(\(x)))) FILTER (WHERE \(x) IS NOT NULL)" }
                return "json_group_array(\(x)) FILTER (WHERE \(x) IS NOT NULL)"
            case .spark:
                // collect_list gathers in no set order across partitions: each value goes with its
                // row's place (nulls last), and the gathered list is sorted by it.
                let ordered = sparkInOrder(x, place: place)
                // Lists are JSON text already: a list of them is their texts joined.
                if case .list = call.argumentType { return "concat('[', array_join(\(ordered), ', '), ']')" }
                return "to_json(\(ordered))"
            }
        case .stringAgg:
            // Both skip nulls and give null for no strings, as Byline does.
            let separator = bind(.string(call.separator ?? ""), type: .string)
            switch dialect {
            case .postgresql: return "string_agg(\(x), \(separator)\(order.map { " ORDER BY " + $0 } ?? ""))"
            case .sqlite: return "group_concat(\(x), \(separator))"
            case .spark:
                // As list(): the strings sorted by their rows' places, then joined.
                return "(CASE WHEN COUNT(\(x)) = 0 THEN NULL ELSE array_join(\(sparkInOrder(x, place: place)), \(separator)) END)"
            }
        case .median, .quantile, .stddev, .variance, .corr:
            return try statistic(call, columns, place: place)  // above, before its argument is written
        }
    }
}

