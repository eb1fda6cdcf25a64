// Composite keys packed into words (PackedKeys): `group by` and `distinct` over several columns of
// strings and integers give exactly what boxed keys give — the same groups, numbered in the order
// rows first meet them, nulls a group of their own, the same aggregates — on any number of threads;
// a left join pads its rows without a match in left order. Random data, several blocks.
import Testing
import TestSupport

@testable import Byline

@Suite struct PackedKeyTests {
    static let rows = 3 * Executor.blockSize + 100

    /// A column of strings (nil is null).
    static func strings(_ names: [String?]) -> Column {
        var builder = ColumnBuilder(type: .string, capacity: names.count)
        for name in names { builder.append(name.map(Value.string) ?? .null) }
        return builder.build()
    }

    /// A column of integers (nil is null), in 32 bits when `narrow`.
    static func integers(_ values: [Int?], narrow: Bool = false) -> Column {
        let mask = values.contains(nil) ? NullMask(flags: values.map { $0 == nil }) : .none
        if narrow { return Column(type: .integer, storage: .integers32(values.map { Int32(truncatingIfNeeded: $0 ?? 0) }, mask)) }
        return Column(type: .integer, storage: .integers(values.map { $0 ?? 0 }, mask))
    }

    /// Random data: `value` picks a row's value, null one time in `nullOneIn` (never with 0).
    static func column<T>(_ random: inout SplitMix64, nullOneIn: Int, _ value: (inout SplitMix64) -> T) -> [T?] {
        (0..<rows).map { _ in nullOneIn > 0 && random.below(nullOneIn) == 0 ? nil : value(&random) }
    }

    /// Columns 0…7: few strings; many strings; few integers (32 bits); many integers over a wide
    /// range; two columns of integers over 2^50 each (two words together); integers including
    /// the smallest and largest (too wide to pack); and last the integers aggregated.
    static func table(seed: UInt64) -> [Column] {
        var random = SplitMix64(state: seed)
        // Keys first met in later blocks too: the choices widen as the rows go on.
        var row = 0
        let few = column(&random, nullOneIn: 7) { random in "f\(random.below(5))" }
        let many = column(&random, nullOneIn: 50) { random -> String in
            row += 1
            return "m\(random.below(row / 4 + 10))"
        }
        let small = column(&random, nullOneIn: 9) { random in random.below(7) - 3 }
        let wide = column(&random, nullOneIn: 40) { random in (random.below(4000) - 2000) * 1_000_000_007 }
        let huge1 = column(&random, nullOneIn: 30) { random in random.below(6) * (1 << 49) - (1 << 50) + random.below(3) }
        let huge2 = column(&random, nullOneIn: 30) { random in (random.below(2) == 0 ? 1 : -1) * (1 << 50) + random.below(4) }
        let extreme = column(&random, nullOneIn: 20) { random in [Int.min, Int.max, 0, -1][random.below(4)] }
        let values = column(&random, nullOneIn: 11) { random in random.below(1000) - 500 }
        return [
            strings(few), strings(many), integers(small, narrow: true), integers(wide), integers(huge1), integers(huge2),
            integers(extreme), integers(values),
        ]
    }

    /// The groups of the key columns with every kind of aggregate, as rows, and how they were found.
    static func groups(_ columns: [Column], keys: [Int], packs: Bool, threads: Int) throws -> (rows: [[Value]], method: String) {
        var limits = QueryLimits()
        limits.threads = threads
        limits.minimumRowsPerThread = Executor.blockSize
        let context = EvaluationContext(cancellation: nil, limits: limits)
        let fields = columns.indices.map { Field(name: "c\($0)", type: columns[$0].type) }
        let relation = Relation(schema: TableSchema(name: "t", fields: fields), columns: columns, count: rows)
        let value = BoundExpression.column(columns.count - 1)
        let aggregates = [
            AggregateCall(kind: .countRows, argument: nil, argumentType: .null),
            AggregateCall(kind: .sum, argument: value, argumentType: .integer),
            AggregateCall(kind: .min, argument: value, argumentType: .integer),
            AggregateCall(kind: .max, argument: value, argumentType: .integer),
            AggregateCall(kind: .avg, argument: value, argumentType: .integer),
            AggregateCall(kind: .count, argument: value, argumentType: .integer),
            AggregateCall(kind: .countDistinct, argument: .column(1), argumentType: .string),
            AggregateCall(kind: .list, argument: value, argumentType: .integer),
        ]
        var aggregation = Aggregation(context: context)
        aggregation.packsKeys = packs
        let outcome = try aggregation.run(
            relation, keys: keys.map { .column($0) }, aggregates: aggregates, grouped: true,
            compiler: ExpressionCompiler(columns: columns, context: context))
        let result = outcome.relation
        return ((0..<result.count).map { row in result.columns.map { $0.value(at: row) } }, outcome.method)
    }

    @Test(arguments: [
        [0, 2], [2, 0], [0, 1], [1, 2, 0], [1, 3], [3, 1, 0, 2], [4, 5], [0, 4, 5, 2], [4, 5, 3], [6, 0], [0, 6], [2], [3],
    ])
    func packedGroupsAreTheBoxedGroups(keys: [Int]) throws {
        let columns = PackedKeyTests.table(seed: 1)
        let boxed = try PackedKeyTests.groups(columns, keys: keys, packs: false, threads: 1)
        // One key of integers goes by integer, unpacked; several by boxed values.
        #expect(boxed.method == (keys.count == 1 ? "integers" : "boxed values"))
        #expect(boxed.rows.count > 1)
        for threads in [1, 2, 3] {
            let packed = try PackedKeyTests.groups(columns, keys: keys, packs: true, threads: threads)
            // The column of Int.min and Int.max does not pack, nor three columns past two words;
            // one column of integers packs only over a range small beside the rows.
            let packs = !keys.contains(6) && keys != [4, 5, 3] && keys != [3]
            #expect((packed.method.hasPrefix("a packed key") || packed.method.hasPrefix("integers in a range")) == packs, "\(packed.method)")
            let same = packed.rows == boxed.rows  // compared outside #expect: no diff of every group
            #expect(same, "keys \(keys), \(threads) threads: \(packed.rows.count) groups against \(boxed.rows.count)")
        }
    }

    @Test func keysTakeOneWordTwoWordsOrNone() throws {
        let columns = PackedKeyTests.table(seed: 3)
        let oneWord = try #require(PackedKeys([columns[0], columns[2]]))
        #expect(oneWord.words == 1 && oneWord.domain == 6 * 8)  // 5 strings and 7 integers, each with null
        #expect(PackedKeys([columns[1], columns[3]])?.words == 1)
        #expect(PackedKeys([columns[4], columns[5]])?.words == 2)
        #expect(PackedKeys([columns[4], columns[5], columns[3], columns[3]]) == nil)  // past two words
        #expect(PackedKeys([columns[0], columns[6]]) == nil)  // from Int.min to Int.max
        #expect(PackedKeys([columns[0], Column(type: .float, storage: .floats([1], .none))]) == nil)
    }

    /// A session with the table `t` of the random columns (as a, b, … from column 0).
    static func session(threads: Int, seed: UInt64) throws -> Session {
        let columns = PackedKeyTests.table(seed: seed)
        let session = Session(tables: [])
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = Executor.blockSize
        let names = ["a", "b", "c", "d", "e", "f", "g", "v"]
        try session.register(table: "t", columns: columns.indices.map { (names[$0], (0..<rows).map(columns[$0].value(at:))) })
        return session
    }

    @Test func distinctOverSeveralFieldsKeepsEachFirstRow() throws {
        for fields in ["a, c", "b, a, d", "e, f", "a, g", "c, d, f"] {
            let query = "t select \(fields) distinct"
            let one = try PackedKeyTests.session(threads: 1, seed: 4)
            let all = try #require(one.run("t select \(fields)").last?.rows)
            var seen = Set<[Value]>()
            let expected = all.filter { seen.insert($0).inserted }
            #expect(all.count == PackedKeyTests.rows && expected.count > 1)
            for threads in [1, 3] {
                let session = try PackedKeyTests.session(threads: threads, seed: 4)
                let rows = try #require(session.run(query).last?.rows)
                let same = rows == expected
                #expect(same, "\(query), \(threads) threads: \(rows.count) rows against \(expected.count)")
            }
        }
    }

    @Test func explainAnalyzeNamesHowKeysAreFound() throws {
        let session = try PackedKeyTests.session(threads: 2, seed: 5)
        func operations(_ query: String) throws -> [String] {
            try session.run("explain analyze " + query).last?.rows.compactMap { if case .string(let text) = $0[1] { return text } else { return nil } } ?? []
        }
        let steps = [
            "t group by a, c select a, c, count() as n": "hash aggregate by a packed key of 2 columns in one word, a table indexed by the key: ",
            "t group by b, d select b, d, count() as n": "hash aggregate by a packed key of 2 columns in one word, hashed, radix-partitioned: ",
            "t group by e, f select e, f, count() as n": "hash aggregate by a packed key of 2 columns in two words, hashed: ",
            "t group by a, g select a, g, count() as n": "hash aggregate by boxed values: ",
            "t group by a select a, count() as n": "hash aggregate by string codes: ",
            "t group by d select d, count() as n": "hash aggregate by integers, radix-partitioned: ",
            "t group by c select c, count() as n": "hash aggregate by integers in a range, a table indexed by the key: ",
            "t select a, c distinct": "distinct by a packed key of 2 columns in one word",
            "t select a, v / 2 as w distinct": "distinct by boxed values",
        ]
        for (query, method) in steps {
            let all = try operations(query)
            #expect(all.contains { $0.contains(method) }, "\(query): \(all)")
        }
        // Few groups: a partition per thread.
        #expect(try operations("t group by a, c select a, c, count() as n").contains { $0.contains("2 threads") })
    }

    /// Keys of integer arithmetic are computed as columns and grouped by integer, not boxed:
    /// the groups in the order rows first meet them, with their counts and sums, as counted here
    /// from the rows (nulls a group of their own); a key that overflows raises the error it raised.
    @Test func keysOfIntegerArithmeticAreGroupedAsIntegers() throws {
        for threads in [1, 3] {
            let session = try PackedKeyTests.session(threads: threads, seed: 6)
            let rows = try #require(session.run("t select d, c, v").last?.rows)
            var order: [[Value]] = []
            var found: [[Value]: (count: Int, sum: Int, summed: Bool)] = [:]
            for row in rows {
                func integer(_ value: Value, _ make: (Int) -> Int) -> Value {
                    if case .integer(let number) = value { return .integer(make(number)) } else { return .null }
                }
                let key = [integer(row[0]) { $0 % 50 }, integer(row[1]) { $0 * 2 - 1 }]
                if found[key] == nil { order.append(key) }
                var group = found[key] ?? (0, 0, false)
                group.count += 1
                if case .integer(let number) = row[2] { group.sum += number; group.summed = true }
                found[key] = group
            }
            let expected = order.map { key -> [Value] in
                let group = found[key] ?? (0, 0, false)
                return key + [.integer(group.count), group.summed ? .integer(group.sum) : .null]
            }
            let query = "t group by d % 50, c * 2 - 1 select count() as n, sum(v) as s"
            let answer = try #require(session.run("t group by d % 50, c * 2 - 1 select d % 50 as dk, c * 2 - 1 as ck, count() as n, sum(v) as s").last?.rows)
            let same = answer == expected
            #expect(same && expected.count > 100, "\(threads) threads: \(answer.count) groups against \(expected.count)")
            let steps = try session.run("explain analyze " + query).last?.rows.map { "\($0)" }.joined() ?? ""
            #expect(steps.contains("2 keys computed as integers") && steps.contains("a packed key of 2 columns"), "\(steps)")
        }
        let session = try PackedKeyTests.session(threads: 2, seed: 6)
        #expect(throws: (any Error).self) { try session.run("t group by v * 9223372036854775807 select count() as n") }
    }

    /// Every left row in its order, each with the right rows whose field `rightKey` equals its
    /// field `leftKey` (nulls equal nothing) and that pass `keep`, in right order, or alone with nulls.
    static func leftJoin(
        _ left: [[Value]], _ right: [[Value]], _ leftKey: Int, _ rightKey: Int, keep: ([Value]) -> Bool = { _ in true }
    ) -> [[Value]] {
        var rightRows: [Value: [[Value]]] = [:]
        for row in right where !row[rightKey].isNull && keep(row) { rightRows[row[rightKey], default: []].append(row) }
        return left.flatMap { row in
            let matches = row[leftKey].isNull ? [] : rightRows[row[leftKey]] ?? []
            return matches.isEmpty ? [row + right[0].map { _ in Value.null }] : matches.map { row + $0 }
        }
    }

    @Test func leftJoinsPadRowsWithoutAMatchInLeftOrder() throws {
        var random = SplitMix64(state: 6)
        let leftRows = PackedKeyTests.rows
        // Keys: integers with nulls, some on the right once, some several times, some not at all.
        let leftKeys: [Value] = (0..<leftRows).map { _ in random.below(10) == 0 ? .null : .integer(random.below(300)) }
        let leftNames: [Value] = leftKeys.map { if case .integer(let key) = $0 { return .string("n\(key)") } else { return .null } }
        let order: [Value] = (0..<leftRows).map { _ in .integer(random.below(1000)) }
        let rightKeys: [Value] = (0..<400).map { _ in random.below(20) == 0 ? .null : .integer(random.below(200) + 50) }
        let rightNames: [Value] = rightKeys.map { if case .integer(let key) = $0 { return .string("n\(key)") } else { return .null } }
        let weights: [Value] = (0..<400).map { .integer($0 % 10) }
        func session(threads: Int) throws -> Session {
            let session = Session(tables: [])
            session.limits.threads = threads
            session.limits.minimumRowsPerThread = Executor.blockSize
            try session.register(table: "l", columns: [("k", leftKeys), ("name", leftNames), ("o", order)])
            try session.register(table: "r", columns: [("rk", rightKeys), ("rname", rightNames), ("w", weights)])
            return session
        }
        let left = leftKeys.indices.map { [leftKeys[$0], leftNames[$0], order[$0]] }
        let right = rightKeys.indices.map { [rightKeys[$0], rightNames[$0], weights[$0]] }
        func integer(_ value: Value) -> Int { if case .integer(let number) = value { return number } else { return -1 } }
        // `order by o` is stable: ties stay in row order.
        let sortedLeft = left.enumerated().sorted { (integer($0.element[2]), $0.offset) < (integer($1.element[2]), $1.offset) }.map(\.element)
        let cases: [(String, [[Value]])] = [
            ("l left join r on k = rk", PackedKeyTests.leftJoin(left, right, 0, 0)),
            ("l left join r on name = rname", PackedKeyTests.leftJoin(left, right, 1, 1)),
            ("l left join r on k = rk and w > 4", PackedKeyTests.leftJoin(left, right, 0, 0) { integer($0[2]) > 4 }),
            ("l order by o left join r on k = rk", PackedKeyTests.leftJoin(sortedLeft, right, 0, 0)),
            ("l where k > 1000 left join r on k = rk", []),
        ]
        for threads in [1, 3] {
            let session = try session(threads: threads)
            for (query, expected) in cases {
                let rows = try #require(session.run(query).last?.rows)
                let same = rows == expected
                #expect(same, "\(query), \(threads) threads: \(rows.count) rows against \(expected.count)")
            }
        }
        let steps = try session(threads: 1).run("explain analyze l left join r on k = rk count").last?.rows ?? []
        #expect(steps.contains { "\($0)".contains("rows without a match") }, "\(steps)")
    }

    @Test func anAggregateWrittenTwiceIsComputedOnceWithTheSameAnswers() throws {
        let session = try PackedKeyTests.session(threads: 2, seed: 7)
        let rows = try #require(
            session.run("t group by a, c select a, c, sum(v) as x, sum(v) * 2 as y, sum(v) as z, count() as n, count() as m, list(v) as l, list(v) as k").last?.rows)
        #expect(rows.count > 1)
        for row in rows {
            #expect(row[2] == row[4] && row[5] == row[6] && row[7] == row[8])
            if case .integer(let x) = row[2] { #expect(row[3] == .integer(2 * x)) }
        }
        // An overflow in either is reported at the first, as when each was computed.
        let overflow = try ParallelTests.session(threads: 2, [("n", ParallelTests.integers([0: Int.max, 5: 1]))])
        let answer = ParallelTests.answer(overflow, "t select sum(n) as a, sum(n) as b")
        #expect(answer.hasPrefix("error: integer overflow") && answer.hasSuffix("at Optional(1:10)"), Comment(rawValue: answer))
    }
}
