// Random queries over the tables' timestamps (`ts`), in Byline and in SQLite's SQL. SQLite holds a
// timestamp as Byline's text, `2009-01-01 00:00:00.25`, whose byte order is time order; its parts
// are substrings, its weekday SQLite's own strftime('%w'), and seconds between two SQLite's
// julianday of the whole seconds plus the fractions' difference, rounded to milliseconds. Results are compared as text (`to_string`), the form
// SQLite returns. Comparisons with null are false (coalesce(…, 0)), nulls sort last.

import TestSupport

extension QueryGenerator {
    /// A timestamp expression of `column` (Byline and SQL), as a string or an integer.
    mutating func timestampItem(_ byline: String, _ sql: String) -> GeneratedExpression {
        let parts: [(String, Int, Int)] = [("year", 1, 4), ("month", 6, 2), ("day", 9, 2), ("hour", 12, 2), ("minute", 15, 2), ("second", 18, 2)]
        switch random.below(6) {
        case 0: return GeneratedExpression(byline: "to_string(\(byline))", sql: sql, kind: .string)
        case 1:
            let (name, start, length) = pick(parts)
            return GeneratedExpression(byline: "\(name)(\(byline))", sql: "CAST(substr(\(sql), \(start), \(length)) AS INTEGER)", kind: .integer)
        case 2:
            return GeneratedExpression(
                byline: "weekday(\(byline))", sql: "CAST(strftime('%w', substr(\(sql), 1, 10)) AS INTEGER)", kind: .integer)
        case 3:
            let units: [(String, String)] = [
                ("year", "substr(\(sql), 1, 4) || '-01-01 00:00:00'"), ("month", "substr(\(sql), 1, 7) || '-01 00:00:00'"),
                ("day", "substr(\(sql), 1, 10) || ' 00:00:00'"), ("hour", "substr(\(sql), 1, 13) || ':00:00'"),
                ("minute", "substr(\(sql), 1, 16) || ':00'"), ("second", "substr(\(sql), 1, 19)"),
            ]
            let (unit, truncated) = pick(units)
            return GeneratedExpression(byline: "to_string(date_trunc(\"\(unit)\", \(byline)))", sql: truncated, kind: .string)
        case 4: return GeneratedExpression(byline: "to_string(to_date(\(byline)))", sql: "substr(\(sql), 1, 10)", kind: .string)
        default:
            let other = pick(RandomTables.timestamps)
            return GeneratedExpression(
                byline: "round(seconds_between(\(byline), to_timestamp(\"\(other)\")), 3)",
                // Whole seconds by julianday (exact once rounded), the fractions from the text:
                // SQLite's date functions keep only milliseconds.
                sql: "round(round((julianday(substr('\(other)', 1, 19)) - julianday(substr(\(sql), 1, 19))) * 86400.0) "
                    + "+ (CAST('0' || substr('\(other)', 20) AS REAL) - CAST('0' || substr(\(sql), 20) AS REAL)), 3)", kind: .float)
        }
    }

    /// A test on a timestamp column: against a literal (a whole date is its midnight), a range,
    /// or null.
    mutating func timestampTest(_ byline: String, _ sql: String) -> GeneratedExpression {
        let literal = pick(RandomTables.timestamps + ["2009-01-01", "2009-06-15"])
        let text = literal.count == 10 ? literal + " 00:00:00" : literal
        switch random.below(4) {
        case 0: return GeneratedExpression(byline: "\(byline) is null", sql: "\(sql) IS NULL", kind: .bool, neverNull: true)
        case 1:
            let (low, high) = (pick(RandomTables.timestamps), pick(RandomTables.timestamps))
            return GeneratedExpression(
                byline: "\(byline) between \"\(low)\" and \"\(high)\"", sql: "coalesce(\(sql) BETWEEN '\(low)' AND '\(high)', 0)", kind: .bool,
                neverNull: true)
        default:
            let (op, sqlOp) = pick([("<", "<"), ("<=", "<="), (">", ">"), (">=", ">="), ("=", "="), ("!=", "<>")])
            return GeneratedExpression(byline: "\(byline) \(op) \"\(literal)\"", sql: "coalesce(\(sql) \(sqlOp) '\(text)', 0)", kind: .bool, neverNull: true)
        }
    }

    /// A query over `ts`: filtered and sorted by it, grouped by a part of it, joined on it,
    /// distinct, or numbered by a window in its order.
    mutating func timestampQuery() -> GeneratedQuery {
        invalidDate = false
        switch random.below(5) {
        case 0:
            var byline = "t"
            var sql = " FROM t"
            if chance(70) {
                let test = timestampTest("ts", "t.ts")
                byline += " where \(test.byline)"
                sql += " WHERE \(test.sqlTest)"
            }
            let descending = chance(50)
            byline += " order by ts\(descending ? " desc" : ""), id"
            let items = (0..<(1 + random.below(2))).map { _ in timestampItem("ts", "t.ts") }
            byline += " select id as c1, " + items.enumerated().map { "\($1.byline) as c\($0 + 2)" }.joined(separator: ", ")
            sql = "SELECT t.id, " + items.map(\.sql).joined(separator: ", ") + sql + " ORDER BY t.ts IS NULL, t.ts\(descending ? " DESC" : ""), t.id"
            return GeneratedQuery(byline: byline, sql: sql, ordered: true)
        case 1:
            let key = timestampItem("ts", "t.ts")
            return GeneratedQuery(
                byline: "t group by \(key.byline) select \(key.byline) as g1, count() as a1, to_string(min(ts)) as a2, to_string(max(ts)) as a3",
                sql: "SELECT \(key.sql), count(*), min(t.ts), max(t.ts) FROM t GROUP BY coalesce(\(key.sql), NULL)", ordered: false)
        case 2:
            let left = chance(40)
            return GeneratedQuery(
                byline: "t \(left ? "left join" : "join") v on t.ts = v.ts select t.id as c1, v.id as c2, to_string(v.ts) as c3",
                sql: "SELECT t.id, v.id, v.ts FROM t \(left ? "LEFT JOIN" : "JOIN") v ON t.ts = v.ts", ordered: false)
        case 3:
            let item = timestampItem("ts", "t.ts")
            return GeneratedQuery(byline: "t select \(item.byline) as c1 distinct", sql: "SELECT DISTINCT \(item.sql) FROM t", ordered: false)
        default:
            let descending = chance(50)
            return GeneratedQuery(
                byline: "t select id as c1, row_number() over (order by ts\(descending ? " desc" : "")) as c2, rank() over (partition by year(ts) order by ts) as c3",
                sql: "SELECT t.id, row_number() OVER (ORDER BY t.ts IS NULL, t.ts\(descending ? " DESC" : ""), t.id), "
                    + "rank() OVER (PARTITION BY substr(t.ts, 1, 4) ORDER BY t.ts IS NULL, t.ts) FROM t ORDER BY t.id",
                ordered: true)
        }
    }
}
