// Random window functions, in Byline and in SQL for SQLite, with the same meaning. Byline's rules
// written out in the SQL: nulls last in both directions (`k IS NULL, k`); ties keep the rows'
// stored order (`t.id` after the keys, except for rank and dense_rank, whose ties are the keys'
// ties); frames as rows, the whole partition in its stored order so floats add in one order.

extension QueryGenerator {
    /// `t [where P] select id, F(…) over (partition by … order by … [rows N preceding]) as w
    /// [where w <= N]`, rows in the stored order.
    mutating func windowQuery() -> GeneratedQuery {
        invalidDate = false
        let scope = RandomTables.columns(of: "t", qualified: false)
        let (start, sqlWhere) = whereClause(scope, percent: 40, depth: 1)
        var bylineParts: [String] = []
        var partition: [String] = []
        if chance(60) {
            let keys = (0..<(1 + random.below(2))).map { _ in expression(of: pick(kinds(scope)), scope, depth: 1) }
            bylineParts.append("partition by " + keys.map(\.byline).joined(separator: ", "))
            partition = keys.map { "coalesce(\($0.sql), NULL)" }
        }
        let function = random.below(12)
        // rank and dense_rank need an order; the others have one most of the time.
        var order: [String] = []
        if function == 1 || function == 2 || chance(75) {
            var bylineKeys: [String] = []
            for _ in 0..<(1 + random.below(2)) {
                let key = expression(of: pick(kinds(scope)), scope, depth: 1)
                let descending = chance(50)
                bylineKeys.append(key.byline + (descending ? " desc" : ""))
                order.append("(\(key.sql)) IS NULL, coalesce(\(key.sql), NULL)" + (descending ? " DESC" : ""))
            }
            bylineParts.append("order by " + bylineKeys.joined(separator: ", "))
        }
        var frame = ""
        var sqlFunction = ""
        var bylineFunction = ""
        var ranks = false
        switch function {
        case 0: (bylineFunction, sqlFunction) = ("row_number()", "row_number()")
        case 1: (bylineFunction, sqlFunction, ranks) = ("rank()", "rank()", true)
        case 2: (bylineFunction, sqlFunction, ranks) = ("dense_rank()", "dense_rank()", true)
        case 3, 4:
            let argument = expression(of: pick(kinds(scope)), scope, depth: 1)
            let offset = random.below(4)
            let name = function == 3 ? "lag" : "lead"
            bylineFunction = "\(name)(\(argument.byline), \(offset))"
            sqlFunction = "\(name)(\(argument.sql), \(offset))"
        case 10, 11:
            let argument = expression(of: pick(kinds(scope)), scope, depth: 1)
            let name = function == 10 ? "first_value" : "last_value"
            bylineFunction = "\(name)(\(argument.byline))"
            sqlFunction = "\(name)(\(argument.sql))"
            fallthrough
        default:
            if function < 10 {
                let (bylineCall, sqlCall, _) = windowAggregate(scope)
                (bylineFunction, sqlFunction) = (bylineCall, sqlCall)
            }
            if chance(30) {
                let rows = random.below(4)
                bylineParts.append("rows \(rows) preceding")
                frame = " ROWS BETWEEN \(rows) PRECEDING AND CURRENT ROW"
            } else if order.isEmpty {
                frame = " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
            } else {
                frame = " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
            }
        }
        var sqlOrder = order
        if !ranks { sqlOrder.append("t.id") }
        var over = partition.isEmpty ? "" : "PARTITION BY " + partition.joined(separator: ", ")
        over += (over.isEmpty ? "" : " ") + "ORDER BY " + sqlOrder.joined(separator: ", ") + frame
        var byline = "\(start) select id as c1, \(bylineFunction) over (\(bylineParts.joined(separator: " "))) as w"
        var sql = "SELECT t.id AS c1, \(sqlFunction) OVER (\(over)) AS w FROM t\(sqlWhere)"
        if function == 0, chance(50) {
            // Top N per group.
            let top = 1 + random.below(3)
            byline += " where w <= \(top)"
            sql = "SELECT * FROM (\(sql)) AS q WHERE w <= \(top)"
            return GeneratedQuery(byline: byline, sql: sql + " ORDER BY c1", ordered: true, expectsError: invalidDate)
        }
        return GeneratedQuery(byline: byline, sql: "SELECT * FROM (\(sql)) AS q ORDER BY c1", ordered: true, expectsError: invalidDate)
    }

    /// count(), count, sum, avg, min or max, as a window function in both languages.
    mutating func windowAggregate(_ scope: [GeneratedColumn]) -> (String, String, ValueKind) {
        var call = aggregate(scope)
        // count(distinct x) is no window function: count(x) instead.
        if call.0.hasPrefix("count(distinct ") {
            call.0 = "count(" + call.0.dropFirst("count(distinct ".count)
            call.1 = "count(" + call.1.dropFirst("count(DISTINCT ".count)
        }
        return call
    }
}

extension QueryGenerator {
    /// `t [where P] [order by K [desc]] distinct by D… select id as c1`: the first row of each
    /// key in that order, written for SQLite as row_number() over the partition = 1, then the
    /// rows in the order's place.
    mutating func distinctByQuery() -> GeneratedQuery {
        invalidDate = false
        let scope = RandomTables.columns(of: "t", qualified: false)
        let (start, sqlWhere) = whereClause(scope, percent: 40, depth: 1)
        var byline = start
        var orderTerms: [String] = []
        var windowOrder: [String] = []
        var carried: [String] = []
        if chance(70) {
            let key = expression(of: pick(kinds(scope)), scope, depth: 1)
            let descending = chance(50)
            byline += " order by \(key.byline)" + (descending ? " desc" : "")
            carried = ["(\(key.sql)) IS NULL AS z0", "coalesce(\(key.sql), NULL) AS k0"]
            orderTerms = ["z0", "k0" + (descending ? " DESC" : "")]
            windowOrder = ["(\(key.sql)) IS NULL", "coalesce(\(key.sql), NULL)" + (descending ? " DESC" : "")]
        }
        let keys = (0..<(1 + random.below(2))).map { _ in expression(of: pick(kinds(scope)), scope, depth: 1) }
        byline += " distinct by " + keys.map(\.byline).joined(separator: ", ") + " select id as c1"
        let partition = keys.map { "coalesce(\($0.sql), NULL)" }.joined(separator: ", ")
        let number = "row_number() OVER (PARTITION BY \(partition) ORDER BY \((windowOrder + ["t.id"]).joined(separator: ", "))) AS n"
        let numbered = "SELECT \((["t.id AS c1"] + carried + [number]).joined(separator: ", ")) FROM t\(sqlWhere)"
        let sql = "SELECT c1 FROM (\(numbered)) AS q WHERE n = 1 ORDER BY \((orderTerms + ["c1"]).joined(separator: ", "))"
        return GeneratedQuery(byline: byline, sql: sql, ordered: true, expectsError: invalidDate)
    }
}
