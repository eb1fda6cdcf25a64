// Random queries, each written twice: in Byline and in SQL for SQLite, with the same meaning.
//
// Byline's documented differences from SQL are written here, once, where the SQL is made:
// - Comparisons and tests with null are false, not null, and and/or/not treat null as false
//   (README, "The language": "Comparisons with null are false"): every test is wrapped in
//   coalesce(…, 0), so SQL's three-valued logic never shows.
// - `/` always gives a float (README: "integers stay integers except for `/`"): CAST(a AS REAL) / b.
// - `order by` puts nulls last in both directions (README: "sort (stable; nulls last)"): each key
//   becomes `k IS NULL, k`; and the sort is stable: half the generated orders end with the ids,
//   half leave ties to the sort, and the SQL always ends with `t.id`, the order rows were stored in.
// - A date is text in SQLite (`2016`, `2016-03`, `--06-09`, four-digit years), which orders as
//   Byline's dates do; a string compared with a date must be a date (README, Types), so a query
//   with `d < "1900-02-29"` must fail in Byline, and is not run in SQLite.
// - Integer overflow is an error (README: "overflow is an error"), where SQLite widens to a
//   float: a query Byline stops with "integer overflow" is counted, not compared.
// - `contains` and `=~` ignore case by Unicode case mapping, SQLite's lower() only ASCII's
//   (README: "contains (case-insensitive substring)"): they, lower and upper are generated only
//   over ASCII text.
// - `trim` removes Unicode white space (README, Functions), SQLite's trim() only spaces: the
//   SQL names the same set of characters.
// - `substr(s, start, length)` follows SQL's SUBSTRING (a start before 1 still counts toward the
//   length), which SQLite's substr does not for negative starts: the SQL is given the clipped
//   start and length.
// - `round(x, digits)` with negative digits rounds to tens in Byline, and is not generated.
// - `coalesce` of a float and an integer is a float (README, Types): the integer is CAST.
// - `case when C then V … end` chooses a value only for a true condition: the SQL tests
//   coalesce(C, 0). `between` is false for null operands, so `not between` of a null is true.
// - `div(a, b)` is SQLite's integer `/` (toward zero, null dividing by zero); `left(s, n)` is
//   substr(s, 1, n); `right(s, n)` substr(s, -n); `concat` leaves nulls out, as || of
//   coalesce(…, ''); `ltrim` and `rtrim` remove Unicode white space, as `trim` does.
// - Math functions are SQLite's (sqrt and ln give null where Byline does; pow, floor,
//   ceil, trunc and sign alike); pow is given small whole exponents, as PostgreSQL's power
//   refuses results out of the float range.

import Byline
import TestSupport

/// One query in both languages, and how to compare the answers.
struct GeneratedQuery {
    var byline: String
    var sql: String
    /// Whether the rows come in a defined order (else they are compared as a multiset).
    var ordered: Bool
    /// Whether Byline must refuse the query (it compares a date with a string that is no date).
    var expectsError = false
}

/// An expression in both languages.
struct GeneratedExpression {
    var byline: String
    var sql: String
    var kind: ValueKind
    /// For strings: every value is ASCII.
    var ascii = true
    /// For bools: the value is never null (tests and logic are wrapped already).
    var neverNull = false

    /// The SQL for use as a condition: never null, false where Byline's would be.
    var sqlTest: String { kind == .bool && !neverNull ? "coalesce(\(sql), 0)" : sql }
}

/// Draws queries over `RandomTables`.
struct QueryGenerator {
    var random: SplitMix64
    /// Set when the query being made holds a date literal that is not a date.
    var invalidDate = false

    init(seed: UInt64) {
        random = SplitMix64(state: seed)
    }

    mutating func chance(_ percent: Int) -> Bool { random.below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }

    // MARK: - Queries

    mutating func query() -> GeneratedQuery {
        invalidDate = false
        var query: GeneratedQuery
        switch random.below(8) {
        case 7: query = append()
        case 0, 1: query = filterAndProject()
        case 2, 3: query = aggregation()
        case 4: query = join()
        case 5: query = distinct()
        default: query = projectThenFilter()
        }
        query.expectsError = invalidDate
        return query
    }

    /// `t order by K… select id`: every row sorted, with ties (no unique last key), so a table of
    /// more than 131,072 non-null keys takes the radix sort's passes on several threads.
    mutating func sortEveryRow() -> GeneratedQuery {
        invalidDate = false
        let scope = RandomTables.columns(of: "t", qualified: false)
        var bylineKeys: [String] = []
        var sqlKeys: [String] = []
        for index in 0..<(1 + random.below(2)) {
            // The first key a column with forms (numbers, text), which the radix sort takes.
            let column = pick(scope.filter { index == 0 ? ["i", "f", "s", "u"].contains($0.byline) : $0.byline != "id" })
            let descending = chance(50)
            bylineKeys.append(column.byline + (descending ? " desc" : ""))
            sqlKeys.append("\(column.sql) IS NULL, \(column.sql)" + (descending ? " DESC" : ""))
        }
        return GeneratedQuery(
            byline: "t order by \(bylineKeys.joined(separator: ", ")) select id as c1",
            sql: "SELECT t.id FROM t ORDER BY \(sqlKeys.joined(separator: ", ")), t.id", ordered: true)
    }

    /// The kinds an expression over `scope` may have: a date only where a date column is.
    func kinds(_ scope: [GeneratedColumn]) -> [ValueKind] {
        scope.contains { $0.kind == .date } ? ValueKind.allCases : [.integer, .float, .string, .bool]
    }

    /// `t [where P] [order by K…, id] select E… [limit N offset M]`, or `t where P count`.
    mutating func filterAndProject() -> GeneratedQuery {
        let scope = RandomTables.columns(of: "t", qualified: false)
        let (start, sqlWhere) = whereClause(scope, percent: 80, depth: 2)
        var byline = start
        if chance(15) {
            return GeneratedQuery(byline: byline + " count", sql: "SELECT count(*) FROM t\(sqlWhere)", ordered: true)
        }
        var ordered = false
        var sqlOrder = ""
        if chance(60) {
            ordered = true
            var bylineKeys: [String] = []
            var sqlKeys: [String] = []
            for _ in 0..<(1 + random.below(2)) {
                let key = expression(of: pick(kinds(scope)), scope, depth: 1)
                let descending = chance(50)
                bylineKeys.append(key.byline + (descending ? " desc" : ""))
                // coalesce(…, NULL): a bare integer in ORDER BY or GROUP BY is a column number in SQL.
                sqlKeys.append("(\(key.sql)) IS NULL, coalesce(\(key.sql), NULL)" + (descending ? " DESC" : ""))
            }
            // Ties are left to the sort half the time: the SQL's `t.id` is the stored order.
            if chance(50) { bylineKeys.append("id") }
            sqlKeys.append("t.id")
            byline += " order by " + bylineKeys.joined(separator: ", ")
            sqlOrder = " ORDER BY " + sqlKeys.joined(separator: ", ")
        }
        let items = (0..<(1 + random.below(3))).map { _ in expression(of: pick(kinds(scope)), scope, depth: 2) }
        byline += " select " + items.enumerated().map { "\($1.byline) as c\($0 + 1)" }.joined(separator: ", ")
        var sql = "SELECT " + items.map(\.sql).joined(separator: ", ") + " FROM t" + sqlWhere + sqlOrder
        if ordered, chance(50) {
            let (count, offset) = (random.below(8), random.below(6))
            byline += " limit \(count) offset \(offset)"
            sql += " LIMIT \(count) OFFSET \(offset)"
        }
        return GeneratedQuery(byline: byline, sql: sql, ordered: ordered)
    }

    /// `t [where P] group by K… [select K…, AGG…] [where Q]`, or aggregates over every row.
    mutating func aggregation() -> GeneratedQuery {
        let scope = RandomTables.columns(of: "t", qualified: false)
        let (start, sqlWhere) = whereClause(scope, percent: 50, depth: 1)
        var byline = start
        let grouped = chance(80)
        let keys = grouped ? (0..<(1 + random.below(2))).map { _ in expression(of: pick(kinds(scope)), scope, depth: 1) } : []
        if grouped, chance(15), Set(keys.map(\.byline)).count == keys.count {
            // `group by KEYS` alone gives the distinct keys (named after them, so no key twice:
            // a result's field names are unique, where SQL allows repeats).
            byline += " group by " + keys.map(\.byline).joined(separator: ", ")
            let list = keys.map(\.sql).joined(separator: ", ")
            let groups = keys.map { "coalesce(\($0.sql), NULL)" }.joined(separator: ", ")
            return GeneratedQuery(byline: byline, sql: "SELECT \(list) FROM t\(sqlWhere) GROUP BY \(groups)", ordered: false)
        }
        var bylineItems: [String] = []
        var sqlItems: [String] = []
        var outputs: [GeneratedColumn] = []
        for (index, key) in keys.enumerated() {
            bylineItems.append("\(key.byline) as g\(index + 1)")
            sqlItems.append("\(key.sql) AS g\(index + 1)")
            outputs.append(GeneratedColumn(byline: "g\(index + 1)", sql: "g\(index + 1)", kind: key.kind, ascii: key.ascii))
        }
        for index in 0..<(1 + random.below(3)) {
            let (bylineCall, sqlCall, kind) = aggregate(scope)
            bylineItems.append("\(bylineCall) as a\(index + 1)")
            sqlItems.append("\(sqlCall) AS a\(index + 1)")
            outputs.append(GeneratedColumn(byline: "a\(index + 1)", sql: "a\(index + 1)", kind: kind, ascii: true))
        }
        if grouped { byline += " group by " + keys.map(\.byline).joined(separator: ", ") }
        byline += " select " + bylineItems.joined(separator: ", ")
        var sql = "SELECT " + sqlItems.joined(separator: ", ") + " FROM t" + sqlWhere
        if grouped { sql += " GROUP BY " + keys.map { "coalesce(\($0.sql), NULL)" }.joined(separator: ", ") }
        if chance(40) {
            let condition = boolean(outputs, depth: 1)
            byline += " where \(condition.byline)"
            sql = "SELECT * FROM (\(sql)) AS q WHERE \(condition.sqlTest)"
        }
        return GeneratedQuery(byline: byline, sql: sql, ordered: !grouped)
    }

    mutating func aggregate(_ scope: [GeneratedColumn]) -> (String, String, ValueKind) {
        switch random.below(7) {
        case 0: return ("count()", "count(*)", .integer)
        case 1:
            let argument = expression(of: pick(kinds(scope)), scope, depth: 1)
            return ("count(\(argument.byline))", "count(\(argument.sql))", .integer)
        case 2:
            let argument = expression(of: pick(kinds(scope)), scope, depth: 1)
            return ("count(distinct \(argument.byline))", "count(DISTINCT \(argument.sql))", .integer)
        case 3:
            let argument = expression(of: pick([.integer, .float]), scope, depth: 1)
            return ("sum(\(argument.byline))", "sum(\(argument.sql))", argument.kind)
        case 4:
            let argument = expression(of: pick([.integer, .float]), scope, depth: 1)
            return ("avg(\(argument.byline))", "avg(\(argument.sql))", .float)
        default:
            let argument = expression(of: pick(kinds(scope)), scope, depth: 1)
            let name = chance(50) ? "min" : "max"
            return ("\(name)(\(argument.byline))", "\(name)(\(argument.sql))", argument.kind)
        }
    }

    /// `t [left] join v on t.X = v.Y [and R] [where P] select …`
    mutating func join() -> GeneratedQuery {
        let left = RandomTables.columns(of: "t", qualified: true)
        let right = RandomTables.columns(of: "v", qualified: true)
        let both = left + right
        let isLeft = chance(40)
        var bylineOn: [String] = []
        var sqlOn: [String] = []
        if chance(85) {
            let kind = pick(ValueKind.allCases)
            let compatible: (GeneratedColumn) -> Bool = { column in
                kind == .integer || kind == .float ? column.kind == .integer || column.kind == .float : column.kind == kind
            }
            let a = pick(left.filter(compatible))
            let b = pick(right.filter(compatible))
            bylineOn.append("\(a.byline) = \(b.byline)")
            sqlOn.append("\(a.sql) = \(b.sql)")
        }
        if bylineOn.isEmpty || chance(30) {
            let residual = boolean(both, depth: 1)
            bylineOn.append(residual.byline)
            sqlOn.append(residual.sqlTest)
        }
        var byline = "t \(isLeft ? "left join" : "join") v on " + bylineOn.joined(separator: " and ")
        var sql = " FROM t \(isLeft ? "LEFT JOIN" : "JOIN") v ON " + sqlOn.map { "(\($0))" }.joined(separator: " AND ")
        if chance(50) {
            let condition = boolean(both, depth: 1)
            byline += " where \(condition.byline)"
            sql += " WHERE \(condition.sqlTest)"
        }
        let items = [GeneratedExpression(byline: "t.id", sql: "t.id", kind: .integer),
                     GeneratedExpression(byline: "v.id", sql: "v.id", kind: .integer)]
            + (0..<(1 + random.below(2))).map { _ in expression(of: pick(kinds(both)), both, depth: 1) }
        byline += " select " + items.enumerated().map { "\($1.byline) as c\($0 + 1)" }.joined(separator: ", ")
        return GeneratedQuery(byline: byline, sql: "SELECT " + items.map(\.sql).joined(separator: ", ") + sql, ordered: false)
    }

    /// `t [where P] select E… distinct [order by c… limit N]`
    mutating func distinct() -> GeneratedQuery {
        let scope = RandomTables.columns(of: "t", qualified: false)
        let (start, sqlWhere) = whereClause(scope, percent: 50, depth: 1)
        var byline = start
        let items = (0..<(1 + random.below(2))).map { _ in expression(of: pick(kinds(scope)), scope, depth: 1) }
        let names = items.indices.map { "c\($0 + 1)" }
        byline += " select " + zip(items, names).map { "\($0.byline) as \($1)" }.joined(separator: ", ") + " distinct"
        var sql = "SELECT DISTINCT " + zip(items, names).map { "\($0.sql) AS \($1)" }.joined(separator: ", ") + " FROM t" + sqlWhere
        if chance(40) {
            let count = random.below(6)
            byline += " order by " + names.joined(separator: ", ") + " limit \(count)"
            sql = "SELECT * FROM (\(sql)) AS q ORDER BY " + names.map { "\($0) IS NULL, \($0)" }.joined(separator: ", ") + " LIMIT \(count)"
            return GeneratedQuery(byline: byline, sql: sql, ordered: true)
        }
        return GeneratedQuery(byline: byline, sql: sql, ordered: false)
    }

    /// `def d() = t [where P] select X…; t [where Q] select Y… append d()` (or intersect, except):
    /// SQL's UNION ALL, INTERSECT, EXCEPT (rows
    /// compared as a multiset, as SQL does not promise their order; Byline's is kept by the
    /// database test, which compares with Byline's own engine).
    mutating func append() -> GeneratedQuery {
        let scope = RandomTables.columns(of: "t", qualified: false)
        let kinds = (0..<(1 + random.below(2))).map { _ in pick(ValueKind.allCases) }
        // A float field may take integers from one side; Byline makes them floats (as coalesce).
        let sides = (0..<2).map { _ in kinds.map { $0 == .float && chance(30) ? ValueKind.integer : $0 } }
        func side(_ generator: inout QueryGenerator, _ number: Int) -> (String, String) {
            let (start, sqlWhere) = generator.whereClause(scope, percent: 60, depth: 1)
            let items = sides[number].map { generator.expression(of: $0, scope, depth: 1) }
            let widened = items.indices.map { index in
                items[index].kind == .integer && sides[1 - number][index] == .float ? "CAST(\(items[index].sql) AS REAL)" : items[index].sql
            }
            let byline = start + " select " + items.enumerated().map { "\($1.byline) as c\($0 + 1)" }.joined(separator: ", ")
            let sql = "SELECT " + widened.enumerated().map { "\($1) AS c\($0 + 1)" }.joined(separator: ", ") + " FROM t" + sqlWhere
            return (byline, sql)
        }
        let (first, firstSQL) = side(&self, 0)
        let invalidInFirst = invalidDate
        let (second, secondSQL) = side(&self, 1)
        // intersect and except are SQL's INTERSECT and EXCEPT (distinct, nulls equal).
        let (word, operation) = pick([("append", "UNION ALL"), ("append", "UNION ALL"), ("intersect", "INTERSECT"), ("except", "EXCEPT")])
        if chance(25) {
            // An inline table is SQL's VALUES; the second side is not used, nor its dates.
            invalidDate = invalidInFirst
            var rows: [String] = []
            var values: [String] = []
            for _ in 0..<(1 + random.below(3)) {
                var fields: [String] = []
                var items: [String] = []
                for (index, kind) in sides[1].enumerated() {
                    let literal: GeneratedExpression
                    switch kind {
                    // A float field that widens the first side's integers (CAST in the SQL) must
                    // be a float here: a field of nulls alone would leave Byline's integers.
                    case _ where chance(10) && !(kind == .float && sides[0][index] == .integer), .date:
                        literal = GeneratedExpression(byline: "null", sql: "NULL", kind: kind)
                    case .integer: literal = integerLiteral()
                    case .float: literal = floatLiteral()
                    case .string: literal = stringLiteral(asciiOnly: false)
                    case .bool: literal = chance(50) ? GeneratedExpression(byline: "true", sql: "1", kind: .bool) : GeneratedExpression(byline: "false", sql: "0", kind: .bool)
                    }
                    fields.append("c\(index + 1): \(literal.byline)")
                    items.append(kind == .integer && sides[0][index] == .float && literal.byline != "null" ? "CAST(\(literal.sql) AS REAL)" : literal.sql)
                }
                rows.append("{" + fields.joined(separator: ", ") + "}")
                values.append("(" + items.joined(separator: ", ") + ")")
            }
            return GeneratedQuery(
                byline: "\(first) \(word) [\(rows.joined(separator: ", "))]", sql: "\(firstSQL) \(operation) VALUES \(values.joined(separator: ", "))",
                ordered: false)
        }
        return GeneratedQuery(byline: "def d() = \(second); \(first) \(word) d()", sql: "\(firstSQL) \(operation) \(secondSQL)", ordered: false)
    }

    /// `t select E… as c… where Q(c…)`: a condition over computed fields.
    mutating func projectThenFilter() -> GeneratedQuery {
        let scope = RandomTables.columns(of: "t", qualified: false)
        let items = (0..<(1 + random.below(3))).map { _ in expression(of: pick(kinds(scope)), scope, depth: 2) }
        let outputs = items.enumerated().map { index, item in
            GeneratedColumn(byline: "c\(index + 1)", sql: "c\(index + 1)", kind: item.kind, ascii: item.ascii)
        }
        let condition = boolean(outputs, depth: 2)
        let byline = "t select " + items.enumerated().map { "\($1.byline) as c\($0 + 1)" }.joined(separator: ", ")
            + " where \(condition.byline)"
        let inner = "SELECT " + items.enumerated().map { "\($1.sql) AS c\($0 + 1)" }.joined(separator: ", ") + " FROM t"
        return GeneratedQuery(byline: byline, sql: "SELECT * FROM (\(inner)) AS q WHERE \(condition.sqlTest)", ordered: false)
    }

    /// `t` with, sometimes, a `where` condition: the Byline text so far and the SQL `WHERE` part.
    mutating func whereClause(_ scope: [GeneratedColumn], percent: Int, depth: Int) -> (String, String) {
        guard chance(percent) else { return ("t", "") }
        let condition = boolean(scope, depth: depth)
        return ("t where \(condition.byline)", " WHERE \(condition.sqlTest)")
    }

    // MARK: - Expressions

    mutating func expression(of kind: ValueKind, _ scope: [GeneratedColumn], depth: Int, asciiOnly: Bool = false) -> GeneratedExpression {
        switch kind {
        case .integer: return integer(scope, depth: depth)
        case .float: return float(scope, depth: depth)
        case .string: return string(scope, depth: depth, asciiOnly: asciiOnly)
        case .bool: return boolean(scope, depth: depth)
        case .date: return date(scope)
        }
    }

    /// A date column of the scope (the language has no date arithmetic, and a date literal is a
    /// string that a comparison with a date reads).
    mutating func date(_ scope: [GeneratedColumn]) -> GeneratedExpression {
        guard let column = column(.date, scope) else { return GeneratedExpression(byline: "null", sql: "NULL", kind: .date) }
        return column
    }

    /// A date literal, in Byline a string; marks the query as one Byline must refuse when it is
    /// not a date.
    mutating func dateLiteral() -> GeneratedExpression {
        let (text, valid) = pick(Pools.dateLiterals)
        if !valid { invalidDate = true }
        return GeneratedExpression(byline: Value.string(text).literal, sql: "'\(text)'", kind: .date)
    }

    mutating func column(_ kind: ValueKind, _ scope: [GeneratedColumn], asciiOnly: Bool = false) -> GeneratedExpression? {
        let candidates = scope.filter { $0.kind == kind && (!asciiOnly || $0.ascii) }
        guard !candidates.isEmpty else { return nil }
        let column = pick(candidates)
        return GeneratedExpression(byline: column.byline, sql: column.sql, kind: kind, ascii: column.ascii)
    }

    mutating func integerLiteral() -> GeneratedExpression {
        let number = chance(50) ? pick(Pools.integers) : random.below(9) - 4
        let text = number < 0 ? "(\(number))" : "\(number)"
        return GeneratedExpression(byline: text, sql: text, kind: .integer)
    }

    mutating func floatLiteral() -> GeneratedExpression {
        let number = pick(Pools.floats)
        var text = "\(number)"
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        if number.sign == .minus { text = "(\(text))" }
        return GeneratedExpression(byline: text, sql: text, kind: .float)
    }

    mutating func stringLiteral(asciiOnly: Bool) -> GeneratedExpression {
        let ascii = asciiOnly || chance(50)
        let text = ascii ? pick(Pools.asciiStrings) : pick(Pools.unicodeStrings)
        return GeneratedExpression(
            byline: Value.string(text).literal, sql: "'" + text.replacingAll("'", with: "''") + "'", kind: .string,
            ascii: text.unicodeScalars.allSatisfy(\.isASCII))
    }

    mutating func integer(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        if depth <= 0 || chance(35) {
            if chance(65), let column = column(.integer, scope) { return column }
            return integerLiteral()
        }
        if chance(10), let date = column(.date, scope) {
            // The parts of a partial date: null where the date does not say.
            let d = date.sql
            switch random.below(3) {
            case 0:
                return GeneratedExpression(
                    byline: "year(\(date.byline))", sql: "(CASE WHEN substr(\(d), 1, 2) = '--' THEN NULL ELSE CAST(substr(\(d), 1, 4) AS INTEGER) END)",
                    kind: .integer)
            case 1:
                return GeneratedExpression(
                    byline: "month(\(date.byline))",
                    sql: "(CASE WHEN substr(\(d), 1, 2) = '--' THEN CAST(substr(\(d), 3, 2) AS INTEGER) WHEN length(\(d)) >= 7 THEN CAST(substr(\(d), 6, 2) AS INTEGER) END)",
                    kind: .integer)
            default:
                return GeneratedExpression(
                    byline: "day(\(date.byline))",
                    sql: "(CASE WHEN substr(\(d), 1, 2) = '--' THEN (CASE WHEN length(\(d)) = 7 THEN CAST(substr(\(d), 6, 2) AS INTEGER) END) WHEN length(\(d)) = 10 THEN CAST(substr(\(d), 9, 2) AS INTEGER) END)",
                    kind: .integer)
            }
        }
        switch random.below(11) {
        case 7:
            let a = integer(scope, depth: depth - 1)
            let name = pick(["floor", "ceil", "trunc"])
            return GeneratedExpression(byline: "\(name)(\(a.byline))", sql: "\(name)(\(a.sql))", kind: .integer)
        case 8:
            let a = chance(50) ? float(scope, depth: depth - 1) : integer(scope, depth: depth - 1)
            return GeneratedExpression(byline: "sign(\(a.byline))", sql: "sign(\(a.sql))", kind: .integer)
        case 9:
            let a = integer(scope, depth: depth - 1)
            let b = integer(scope, depth: depth - 1)
            return GeneratedExpression(byline: "div(\(a.byline), \(b.byline))", sql: "(\(a.sql) / \(b.sql))", kind: .integer)
        case 10:
            return conditional(.integer, scope, depth: depth)
        case 0, 1:
            let a = integer(scope, depth: depth - 1)
            let b = integer(scope, depth: depth - 1)
            let op = pick(["+", "-", "*", "%"])
            return GeneratedExpression(byline: "(\(a.byline) \(op) \(b.byline))", sql: "(\(a.sql) \(op) \(b.sql))", kind: .integer)
        case 2:
            let a = integer(scope, depth: depth - 1)
            return GeneratedExpression(byline: "(-\(a.byline))", sql: "(-\(a.sql))", kind: .integer)
        case 3:
            let a = integer(scope, depth: depth - 1)
            return GeneratedExpression(byline: "abs(\(a.byline))", sql: "abs(\(a.sql))", kind: .integer)
        case 4:
            let a = string(scope, depth: depth - 1, asciiOnly: false)
            return GeneratedExpression(byline: "length(\(a.byline))", sql: "length(\(a.sql))", kind: .integer)
        case 5:
            let a = integer(scope, depth: depth - 1)
            let b = integer(scope, depth: depth - 1)
            return GeneratedExpression(byline: "coalesce(\(a.byline), \(b.byline))", sql: "coalesce(\(a.sql), \(b.sql))", kind: .integer)
        default:
            // round(x) of an integer is that integer in Byline (SQLite's gives a float).
            let a = integer(scope, depth: depth - 1)
            return GeneratedExpression(byline: "round(\(a.byline))", sql: "(\(a.sql))", kind: .integer)
        }
    }

    mutating func float(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        if depth <= 0 || chance(35) {
            if chance(60), let column = column(.float, scope) { return column }
            return floatLiteral()
        }
        switch random.below(11) {
        case 7:
            let a = float(scope, depth: depth - 1)
            let name = pick(["floor", "ceil", "trunc", "sqrt"])
            return GeneratedExpression(byline: "\(name)(\(a.byline))", sql: "\(name)(\(a.sql))", kind: .float)
        case 8:
            let a = chance(50) ? float(scope, depth: depth - 1) : integer(scope, depth: depth - 1)
            // Not log10: SQLite's is log(x) / log(10), which misses exact powers of ten
            // (log10(1e15) is 14.999…); FunctionDialectTests compares Byline's in both databases.
            // ln is not correctly rounded either: two libraries may differ in the last bit, which
            // the 12-digit comparison can show, so both sides round to 9 places first.
            let name = pick(["ln", "sqrt"])
            if name == "sqrt" { return GeneratedExpression(byline: "sqrt(\(a.byline))", sql: "sqrt(\(a.sql))", kind: .float) }
            return GeneratedExpression(byline: "round(ln(\(a.byline)), 9)", sql: "round(ln(\(a.sql)), 9)", kind: .float)
        case 9:
            let a = float(scope, depth: depth - 1)
            let exponent = random.below(4)
            if chance(20) { return GeneratedExpression(byline: "(pi() * \(a.byline))", sql: "(pi() * \(a.sql))", kind: .float) }
            return GeneratedExpression(byline: "pow(\(a.byline), \(exponent))", sql: "pow(\(a.sql), \(exponent))", kind: .float)
        case 10:
            return conditional(.float, scope, depth: depth)
        case 0, 1:
            let a = float(scope, depth: depth - 1)
            let b = chance(50) ? float(scope, depth: depth - 1) : integer(scope, depth: depth - 1)
            let op = pick(["+", "-", "*"])
            let (x, y) = chance(50) ? (a, b) : (b, a)
            return GeneratedExpression(byline: "(\(x.byline) \(op) \(y.byline))", sql: "(\(x.sql) \(op) \(y.sql))", kind: .float)
        case 2:
            let a = chance(50) ? float(scope, depth: depth - 1) : integer(scope, depth: depth - 1)
            let b = chance(50) ? float(scope, depth: depth - 1) : integer(scope, depth: depth - 1)
            return GeneratedExpression(
                byline: "(\(a.byline) / \(b.byline))", sql: "(CAST(\(a.sql) AS REAL) / \(b.sql))", kind: .float)
        case 3:
            let a = float(scope, depth: depth - 1)
            return GeneratedExpression(byline: "abs(\(a.byline))", sql: "abs(\(a.sql))", kind: .float)
        case 4:
            let a = float(scope, depth: depth - 1)
            if chance(30) { return GeneratedExpression(byline: "round(\(a.byline))", sql: "round(\(a.sql))", kind: .float) }
            let digits = random.below(4)
            return GeneratedExpression(byline: "round(\(a.byline), \(digits))", sql: "round(\(a.sql), \(digits))", kind: .float)
        case 5:
            let a = float(scope, depth: depth - 1)
            let b = integer(scope, depth: depth - 1)
            return GeneratedExpression(
                byline: "coalesce(\(a.byline), \(b.byline))", sql: "coalesce(\(a.sql), CAST(\(b.sql) AS REAL))", kind: .float)
        default:
            let a = float(scope, depth: depth - 1)
            return GeneratedExpression(byline: "(-\(a.byline))", sql: "(-\(a.sql))", kind: .float)
        }
    }

    /// Unicode White_Space, the set Byline's `trim` removes.
    static let whiteSpace = "char(9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288)"

    mutating func string(_ scope: [GeneratedColumn], depth: Int, asciiOnly: Bool) -> GeneratedExpression {
        if depth <= 0 || chance(35) {
            if chance(65), let column = column(.string, scope, asciiOnly: asciiOnly) { return column }
            return stringLiteral(asciiOnly: asciiOnly)
        }
        switch random.below(11) {
        case 6:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            let name = chance(50) ? "ltrim" : "rtrim"
            return GeneratedExpression(
                byline: "\(name)(\(a.byline))", sql: "\(name)(\(a.sql), \(QueryGenerator.whiteSpace))", kind: .string, ascii: a.ascii)
        case 7:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            let b = stringLiteral(asciiOnly: asciiOnly)
            let c = stringLiteral(asciiOnly: asciiOnly)
            return GeneratedExpression(
                byline: "replace(\(a.byline), \(b.byline), \(c.byline))", sql: "replace(\(a.sql), \(b.sql), \(c.sql))", kind: .string,
                ascii: a.ascii && c.ascii)
        case 8:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            let count = random.below(5)
            if chance(50) {
                return GeneratedExpression(byline: "left(\(a.byline), \(count))", sql: "substr(\(a.sql), 1, \(count))", kind: .string, ascii: a.ascii)
            }
            let sql = count == 0 ? "substr(\(a.sql), 1, 0)" : "substr(\(a.sql), -\(count))"
            return GeneratedExpression(byline: "right(\(a.byline), \(count))", sql: sql, kind: .string, ascii: a.ascii)
        case 9:
            let parts = (0..<(1 + random.below(3))).map { _ in string(scope, depth: depth - 1, asciiOnly: asciiOnly) }
            return GeneratedExpression(
                byline: "concat(\(parts.map(\.byline).joined(separator: ", ")))",
                sql: "(" + parts.map { "coalesce(\($0.sql), '')" }.joined(separator: " || ") + ")", kind: .string,
                ascii: parts.allSatisfy(\.ascii))
        case 10:
            if chance(40) {
                let a = integer(scope, depth: depth - 1)
                return GeneratedExpression(byline: "to_string(\(a.byline))", sql: "CAST(\(a.sql) AS TEXT)", kind: .string)
            }
            return conditional(.string, scope, depth: depth, asciiOnly: asciiOnly)
        case 0, 1:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            let b = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            return GeneratedExpression(
                byline: "(\(a.byline) + \(b.byline))", sql: "(\(a.sql) || \(b.sql))", kind: .string, ascii: a.ascii && b.ascii)
        case 2:
            let a = string(scope, depth: depth - 1, asciiOnly: true)
            let name = chance(50) ? "lower" : "upper"
            return GeneratedExpression(byline: "\(name)(\(a.byline))", sql: "\(name)(\(a.sql))", kind: .string)
        case 3:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            return GeneratedExpression(
                byline: "trim(\(a.byline))", sql: "trim(\(a.sql), \(QueryGenerator.whiteSpace))", kind: .string, ascii: a.ascii)
        case 4:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            let start = random.below(8) - 2
            let first = max(start, 1)
            if chance(30) {
                return GeneratedExpression(
                    byline: "substr(\(a.byline), \(start < 0 ? "(\(start))" : "\(start)"))", sql: "substr(\(a.sql), \(first))",
                    kind: .string, ascii: a.ascii)
            }
            let length = random.below(5)
            return GeneratedExpression(
                byline: "substr(\(a.byline), \(start < 0 ? "(\(start))" : "\(start)"), \(length))",
                sql: "substr(\(a.sql), \(first), \(max(0, start + length - first)))", kind: .string, ascii: a.ascii)
        default:
            let a = string(scope, depth: depth - 1, asciiOnly: asciiOnly)
            let b = stringLiteral(asciiOnly: asciiOnly)
            return GeneratedExpression(
                byline: "coalesce(\(a.byline), \(b.byline))", sql: "coalesce(\(a.sql), \(b.sql))", kind: .string,
                ascii: a.ascii && b.ascii)
        }
    }

    mutating func boolean(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        if depth <= 0 || chance(15) {
            if chance(40), let column = column(.bool, scope) { return column }
            if chance(15) {
                let value = chance(50)
                return GeneratedExpression(byline: value ? "true" : "false", sql: value ? "1" : "0", kind: .bool, neverNull: true)
            }
            return comparison(scope, depth: 0)
        }
        switch random.below(11) {
        case 9: return between(scope, depth: depth - 1)
        case 10: return conditional(.bool, scope, depth: depth)
        case 0, 1, 2: return comparison(scope, depth: depth - 1)
        case 3:
            let a = boolean(scope, depth: depth - 1)
            let b = boolean(scope, depth: depth - 1)
            let and = chance(50)
            return GeneratedExpression(
                byline: "(\(a.byline) \(and ? "and" : "or") \(b.byline))",
                sql: "(\(a.sqlTest) \(and ? "AND" : "OR") \(b.sqlTest))", kind: .bool, neverNull: true)
        case 4:
            let a = boolean(scope, depth: depth - 1)
            return GeneratedExpression(byline: "(not \(a.byline))", sql: "(NOT \(a.sqlTest))", kind: .bool, neverNull: true)
        case 5:
            let a = expression(of: pick(kinds(scope)), scope, depth: depth - 1)
            let negated = chance(50)
            return GeneratedExpression(
                byline: "(\(a.byline) is \(negated ? "not " : "")null)", sql: "((\(a.sql)) IS \(negated ? "NOT " : "")NULL)",
                kind: .bool, neverNull: true)
        case 6:
            return stringTest(scope, depth: depth - 1)
        default:
            return membership(scope, depth: depth - 1)
        }
    }

    mutating func comparison(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        let kind = pick(kinds(scope))
        var a = expression(of: kind, scope, depth: depth)
        let otherKind: ValueKind = kind == .integer || kind == .float ? pick([.integer, .float]) : kind
        var b = expression(of: otherKind, scope, depth: depth)
        if kind == .date, chance(70) {
            b = dateLiteral()
            if chance(30) { swap(&a, &b) }
        }
        let (bylineOp, sqlOp) = pick([("=", "="), ("!=", "<>"), ("<", "<"), ("<=", "<="), (">", ">"), (">=", ">=")])
        return GeneratedExpression(
            byline: "(\(a.byline) \(bylineOp) \(b.byline))", sql: "coalesce((\(a.sql)) \(sqlOp) (\(b.sql)), 0)", kind: .bool,
            neverNull: true)
    }

    /// `case when C then V [when C then V] [else E] end` with values of one kind.
    mutating func conditional(_ kind: ValueKind, _ scope: [GeneratedColumn], depth: Int, asciiOnly: Bool = false) -> GeneratedExpression {
        var byline = "case"
        var sql = "(CASE"
        var ascii = true
        for _ in 0..<(1 + random.below(2)) {
            let condition = boolean(scope, depth: depth - 1)
            let value = expression(of: kind, scope, depth: depth - 1, asciiOnly: asciiOnly)
            byline += " when \(condition.byline) then \(value.byline)"
            sql += " WHEN \(condition.sqlTest) THEN \(value.sql)"
            ascii = ascii && value.ascii
        }
        if chance(70) {
            let otherwise = expression(of: kind, scope, depth: depth - 1, asciiOnly: asciiOnly)
            byline += " else \(otherwise.byline)"
            sql += " ELSE \(otherwise.sql)"
            ascii = ascii && otherwise.ascii
        }
        return GeneratedExpression(byline: byline + " end", sql: sql + " END)", kind: kind, ascii: ascii)
    }

    /// `x [not] between a and b`, false for a null operand (so `not between` of one is true).
    mutating func between(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        let kind = pick([ValueKind.integer, .float, .string])
        let a = expression(of: kind, scope, depth: depth)
        let other: () -> ValueKind = { kind == .string ? .string : .integer }
        let low = expression(of: chance(50) ? kind : other(), scope, depth: depth)
        let high = expression(of: chance(50) ? kind : other(), scope, depth: depth)
        let negated = chance(40)
        // As Byline's `and`: the upper bound is computed only when the lower one holds (SQLite's
        // BETWEEN computes both, so an overflowing bound would stop it where Byline goes on).
        let test = "(CASE WHEN (\(a.sql)) >= (\(low.sql)) THEN coalesce((\(a.sql)) <= (\(high.sql)), 0) ELSE 0 END)"
        return GeneratedExpression(
            byline: "(\(a.byline) \(negated ? "not between" : "between") \(low.byline) and \(high.byline))",
            sql: negated ? "(NOT \(test))" : test, kind: .bool, neverNull: true)
    }

    mutating func stringTest(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        let ascii = chance(50)
        let a = string(scope, depth: depth, asciiOnly: ascii)
        let b = string(scope, depth: depth, asciiOnly: ascii)
        let test: (String, String)
        switch random.below(4) {
        case 0 where ascii:
            test = ("(\(a.byline) contains \(b.byline))", "instr(lower(\(a.sql)), lower(\(b.sql))) > 0")
        case 1 where ascii:
            test = ("(\(a.byline) =~ \(b.byline))", "lower(\(a.sql)) = lower(\(b.sql))")
        case 2:
            test = ("(\(a.byline) ends with \(b.byline))", "(length(\(b.sql)) = 0 OR substr(\(a.sql), -length(\(b.sql))) = \(b.sql))")
        default:
            test = ("(\(a.byline) starts with \(b.byline))", "instr(\(a.sql), \(b.sql)) = 1")
        }
        return GeneratedExpression(
            byline: test.0, sql: "(CASE WHEN (\(a.sql)) IS NULL OR (\(b.sql)) IS NULL THEN 0 ELSE coalesce(\(test.1), 0) END)",
            kind: .bool, neverNull: true)
    }

    mutating func membership(_ scope: [GeneratedColumn], depth: Int) -> GeneratedExpression {
        let kind = pick([ValueKind.integer, .float, .string])
        let a = expression(of: kind, scope, depth: depth)
        var elements: [GeneratedExpression] = (0..<(1 + random.below(3))).map { _ in
            switch kind {
            case .integer: return integerLiteral()
            case .float: return chance(50) ? floatLiteral() : integerLiteral()
            default: return stringLiteral(asciiOnly: false)
            }
        }
        if chance(10) { elements.append(GeneratedExpression(byline: "null", sql: "NULL", kind: kind)) }
        let negated = chance(40)
        let test = "coalesce((\(a.sql)) IN (\(elements.map(\.sql).joined(separator: ", "))), 0)"
        return GeneratedExpression(
            byline: "(\(a.byline) \(negated ? "not in" : "in") [\(elements.map(\.byline).joined(separator: ", "))])",
            sql: negated ? "(NOT \(test))" : test, kind: .bool, neverNull: true)
    }
}

extension String {
    /// The string with every occurrence of the scalar `target` replaced (without Foundation).
    func replacingAll(_ target: Unicode.Scalar, with replacement: String) -> String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar == target { out += replacement } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
