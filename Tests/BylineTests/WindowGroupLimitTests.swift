// The window group limit (a ranking window whose `where` keeps each partition's first numbers)
// against the same query with the limit out of reach: `n + 0 <= k` is the same condition, which
// the planner does not take for a group limit, so the whole window is computed and filtered.
// Random tables with ties, nulls, -0.0 and 0.0, several partition keys, on one thread and three.
import Testing
import TestSupport

@testable import Byline

@Suite struct WindowGroupLimitTests {
    /// `t`: a unique id, then columns of few values (ties) with nulls; `w`'s few values are far
    /// apart, so its partitions are numbered in a hash table, not found by the key's value.
    static func table(rows: Int, random: inout SplitMix64) -> Table {
        let schema = TableSchema(name: "t", fields: [
            Field(name: "id", type: .integer), Field(name: "g", type: .integer), Field(name: "s", type: .string),
            Field(name: "v", type: .integer), Field(name: "f", type: .float), Field(name: "w", type: .integer),
        ])
        let strings = ["a", "b", "B", "", "ab"]
        let floats = [-1.5, 0.0, -0.0, 0.5, 2.0]
        func maybe(_ value: Value, _ random: inout SplitMix64) -> Value { random.below(7) == 0 ? .null : value }
        let groups = 1 + random.below(6)
        let values = [2, 5, 40][random.below(3)]
        let data: [[Value]] = (0..<rows).map { id in
            [
                .integer(id), maybe(.integer(random.below(groups)), &random), maybe(.string(strings[random.below(strings.count)]), &random),
                maybe(.integer(random.below(values) - values / 2), &random), maybe(.float(floats[random.below(floats.count)]), &random),
                maybe(.integer((random.below(4) - 2) * 3_000_000_019), &random),
            ]
        }
        return Table(schema: schema, rows: data)
    }

    /// A random query of the pattern, with its bound and whether the limit may be used.
    static func query(_ random: inout SplitMix64) -> (limited: String, whole: String, applies: Bool) {
        func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }
        let keys = ["g", "s", "v", "f", "v % 3", "id", "upper(s)", "w"]
        let partition = (0..<random.below(3)).map { _ in pick(keys) }
        let order = (0..<(1 + random.below(2))).map { _ in pick(keys) + (random.below(2) == 0 ? " desc" : "") }
        let function = pick(["row_number()", "rank()", "dense_rank()"])
        let over = (partition.isEmpty ? "" : "partition by " + partition.joined(separator: ", ") + " ")
            + "order by " + order.joined(separator: ", ")
        let bound = pick([0, 1, 1, 2, 2, 3, 5, 17, 1000, 1001, -1])
        // The condition, its bound (the most a kept number may be), and the same with `+ 0`.
        let (condition, whole, most): (String, String, Int)
        switch random.below(6) {
        case 0: (condition, whole, most) = ("n <= \(bound)", "n + 0 <= \(bound)", bound)
        case 1: (condition, whole, most) = ("n < \(bound)", "n + 0 < \(bound)", bound - 1)
        case 2: (condition, whole, most) = ("n = \(bound)", "n + 0 = \(bound)", bound)
        case 3: (condition, whole, most) = ("\(bound) >= n", "\(bound) >= n + 0", bound)
        case 4: (condition, whole, most) = ("\(bound) > n", "\(bound) > n + 0", bound - 1)
        default: (condition, whole, most) = ("\(bound) = n", "\(bound) = n + 0", bound)
        }
        let filter = random.below(3) == 0 ? "where v is not null " : ""
        let after = pick(["", " select id, n", " order by n desc, id limit 7"])
        let start = "t \(filter)select id, g, s, v, f, w, \(function) over (\(over)) as n where "
        return (start + condition + after, start + whole + after, (0...1000).contains(most))
    }

    static func text(_ rows: [[Value]]) -> [[String]] { rows.map { $0.map { "\($0)" } } }

    @Test func limitedWindowsGiveTheWholeWindowsRows() throws {
        var random = SplitMix64(state: 30_2026)
        var compared = 0
        var limited = 0
        var differences: [String] = []
        for tableNumber in 0..<14 {
            let rows = tableNumber % 5 == 4 ? 9_000 + random.below(3_000) : random.below(120)
            let table = Self.table(rows: rows, random: &random)
            for threads in [1, 3] {
                let session = Session(tables: [table])
                session.limits.threads = threads
                session.limits.minimumRowsPerThread = 4096
                for _ in 0..<(rows > 1000 ? 12 : 16) {
                    let (query, whole, applies) = Self.query(&random)
                    let fast = try session.run(query).last?.rows ?? []
                    let slow = try session.run(whole).last?.rows ?? []
                    compared += 1
                    if Self.text(fast) != Self.text(slow) {
                        differences.append("\(rows) rows, \(threads) threads: \(query)\n  \(fast.prefix(6))\n  whole: \(slow.prefix(6))")
                    }
                    // The plan says when it selects each partition's first rows, and only then.
                    let plan = try session.run("explain " + query).last?.rows.map { "\($0[1])" }.joined(separator: "\n") ?? ""
                    let wholePlan = try session.run("explain " + whole).last?.rows.map { "\($0[1])" }.joined(separator: "\n") ?? ""
                    #expect(plan.contains("[window group limit ") == applies, "\(query)\n\(plan)")
                    #expect(!wholePlan.contains("window group limit"), "\(whole)\n\(wholePlan)")
                    if applies { limited += 1 }
                }
            }
        }
        let report = "\(differences.count) of \(compared) differ:\n" + differences.prefix(5).joined(separator: "\n")
        #expect(differences.isEmpty, Comment(rawValue: report))
        #expect(compared >= 400 && limited * 2 > compared, "\(limited) of \(compared) used the limit")
        print("window group limit: \(compared) queries compared with the whole window, \(limited) limited, \(differences.count) differ")
    }

    @Test func explainAnalyzeNamesTheStep() throws {
        var random = SplitMix64(state: 7)
        let session = Session(tables: [Self.table(rows: 50, random: &random)])
        let query = "t select id, g, v, row_number() over (partition by g order by v desc) as n where n <= 2 select id, v"
        let steps = try session.run("explain analyze " + query).last?.rows.map { "\($0[1])" } ?? []
        #expect(steps.contains { $0.contains("window group limit 2") }, "\(steps)")
        let plan = try session.run("explain " + query).last?.rows.map { "\($0[1])" } ?? []
        #expect(plan.contains { $0.hasSuffix("[window group limit 2]") }, "\(plan)")
        // A second window function, a number read through arithmetic, `or`, `>`: the whole window.
        for other in [
            "t select id, row_number() over (order by v) as n, sum(v) over (partition by g) as total where n <= 2",
            "t select id, row_number() over (order by v) + 1 as n where n <= 2",
            "t select id, row_number() over (order by v) as n where n <= 2 or id = 3",
            "t select id, rank() over (order by v) as n where n > 2",
            "t select id, lag(v) over (order by v) as n where n <= 2",
        ] {
            let plan = try session.run("explain " + other).last?.rows.map { "\($0[1])" }.joined(separator: "\n") ?? ""
            #expect(!plan.contains("window group limit"), "\(other)\n\(plan)")
        }
    }

    /// Ranks by hand, written from the README's rule (stable, nulls last), on ties of a few
    /// values: rank keeps every row tied with the k-th, dense rank every row of the first k values.
    @Test func ranksKeepEveryTie() throws {
        let session = Session()
        let data = "let d = [{id: 1, x: 5}, {id: 2, x: 3}, {id: 3, x: 5}, {id: 4, x: null}, {id: 5, x: 3}, {id: 6, x: 5}, {id: 7, x: 1}]\n"
        func ids(_ query: String) throws -> [Value] { try session.run(data + query).last?.rows.map { $0[0] } ?? [] }
        // Descending: 5 (ids 1, 3, 6), 3 (2, 5), 1 (7), null (4); rows stay in input order.
        #expect(try ids("d select id, rank() over (order by x desc) as r where r <= 2") == [1, 3, 6].map(Value.integer))
        #expect(try ids("d select id, rank() over (order by x desc) as r where r <= 4") == [1, 2, 3, 5, 6].map(Value.integer))
        #expect(try ids("d select id, dense_rank() over (order by x desc) as r where r < 3") == [1, 2, 3, 5, 6].map(Value.integer))
        #expect(try ids("d select id, row_number() over (order by x desc) as r where r <= 2") == [1, 3].map(Value.integer))
        #expect(try ids("d select id, row_number() over (order by x) as r where r = 5") == [3].map(Value.integer))
        #expect(try ids("d select id, dense_rank() over (order by x) as r where 4 = r") == [4].map(Value.integer))
        #expect(try ids("d select id, rank() over (order by x) as r where r <= 0") == [])
    }
}
