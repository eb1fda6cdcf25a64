// Regression tests for what the differential test and the first outside review found: each was a
// trap or a wrong answer before (issue 11), and each stands for its class.
import Testing
import TestSupport

@testable import Byline

@Suite struct CorrectnessRegressionTests {
    private func rows(_ text: String, session: Session = Session()) throws -> [[Value]] {
        try session.run(text).last?.rows ?? []
    }

    private func fields(_ text: String, session: Session = Session()) throws -> [String] {
        try session.run(text).last?.fields.map(\.name) ?? []
    }

    /// The first error's message and its place (line:column), for a statement that must fail.
    private func failure(_ text: String, session: Session = Session()) -> (message: String, place: String)? {
        do {
            _ = try session.run(text)
            return nil
        } catch {
            guard let first = error.diagnostics.first else { return nil }
            return (first.message, first.span.map { "\($0.start.line):\($0.start.column)" } ?? "")
        }
    }

    private func table(_ name: String, _ fields: [(String, DataType)], _ rows: [[Value]]) -> Session {
        let session = Session(tables: [])
        session.register(Table(schema: TableSchema(name: name, fields: fields.map { Field(name: $0.0, type: $0.1) }), rows: rows))
        return session
    }

    // MARK: - Traps

    @Test func isNullWorksOnAnyExpression() throws {
        #expect(try rows("range(3) where 1 is null count") == [[.integer(0)]])
        #expect(try rows("range(3) where (value + 1) is not null count") == [[.integer(3)]])
        #expect(try rows("range(2) select (value + 1) is not null as known, null is null as empty")
            == [[.bool(true), .bool(true)], [.bool(true), .bool(true)]])
    }

    @Test func groupByAnExpressionAndAField() throws {
        #expect(try fields("range(3) group by value > 0, value") == ["value > 0", "value"])
        #expect(try rows("range(3) group by value > 0, value") == [
            [.bool(false), .integer(0)], [.bool(true), .integer(1)], [.bool(true), .integer(2)],
        ])
    }

    @Test func hugeLimitsAndOffsetsAfterASort() throws {
        #expect(try rows("range(5) order by value limit 9223372036854775807 offset 9223372036854775807") == [])
        #expect(try rows("range(5) order by value desc limit 9223372036854775807 offset 3") == [[.integer(1)], [.integer(0)]])
        #expect(try rows("range(5) limit 2 offset 9223372036854775807") == [])
    }

    @Test func rangeAtTheEndsOfTheIntegers() throws {
        #expect(try rows("range(9223372036854775806, 9223372036854775807)") == [[.integer(Int.max - 1)]])
        #expect(try rows("range(-9223372036854775808, -9223372036854775806)") == [[.integer(Int.min)], [.integer(Int.min + 1)]])
    }

    @Test func theSmallestIntegerCanBeWritten() throws {
        #expect(try rows("range(1) select -9223372036854775808 as x") == [[.integer(Int.min)]])
        #expect(failure("range(1) select - -9223372036854775808")?.message == "integer overflow in negation of -9223372036854775808")
        #expect(failure("range(1) select 9223372036854775808")?.message == "integer '9223372036854775808' is too large")
    }

    @Test func substrNeverTraps() throws {
        #expect(try rows(#"range(1) select substr("abc", -9223372036854775808, 9223372036854775807)"#) == [[.string("")]])
        #expect(try rows(#"range(1) select substr("abc", 2, 9223372036854775807)"#) == [[.string("bc")]])
        #expect(try rows(#"range(1) select substr("abc", 9223372036854775807)"#) == [[.string("")]])
        // SQL's SUBSTRING: positions start ..< start + length that exist, counted in scalars.
        #expect(try rows(#"range(1) select substr("abc", 0, 2), substr("abc", -1, 3), substr("héllo", 2, 2)"#)
            == [[.string("a"), .string("a"), .string("él")]])
    }

    @Test func roundNeverOverflows() throws {
        #expect(try rows("range(1) select round(1.5, 9223372036854775807), round(1e300, 9), round(2.5), round(-2.5)")
            == [[.float(1.5), .float(1e300), .float(3), .float(-3)]])
        #expect(try rows("range(1) select round(1.25, -9223372036854775808)") == [[.float(0)]])
    }

    @Test func chartsOfInfiniteValues() throws {
        let result = try Session().run(#"range(3) select "r" + "x" as label, 1e308 * 10 * (value - 1) as x chart bar"#)
        #expect(result.count == 1)
    }

    // MARK: - Group by names and keys

    @Test func groupByKeysKeepTheirNames() throws {
        let session = table("t", [("id", .integer), ("a", .string), ("g", .integer)], [
            [.integer(1), .string("x"), .integer(1)], [.integer(2), .string("y"), .integer(2)],
            [.integer(3), .string("x"), .integer(1)],
        ])
        #expect(try fields("t group by a, g", session: session) == ["a", "g"])
        #expect(try rows("t group by a, g", session: session) == [[.string("x"), .integer(1)], [.string("y"), .integer(2)]])
        #expect(try rows("t group by t.a select a, count() as n", session: session) == [[.string("x"), .integer(2)], [.string("y"), .integer(1)]])
        #expect(try rows("t group by a select t.a", session: session) == [[.string("x")], [.string("y")]])
        #expect(try rows("t group by a", session: session) == [[.string("x")], [.string("y")]])
    }

    // MARK: - One rule for equality

    @Test func integersAbove2To53CompareExactly() throws {
        let session = table("t", [("b", .integer), ("f", .float)], [
            [.integer(9_007_199_254_740_992), .float(9_007_199_254_740_992)],
            [.integer(9_007_199_254_740_993), .float(9_007_199_254_740_992)],
        ])
        #expect(try rows("t where b in [9007199254740993] select b", session: session) == [[.integer(9_007_199_254_740_993)]])
        #expect(try rows("t where b = f count", session: session) == [[.integer(1)]])
        #expect(try rows("t where b > f count", session: session) == [[.integer(1)]])
        #expect(try rows("t where b = 9007199254740992.0 count", session: session) == [[.integer(1)]])
        #expect(try rows("t select count(distinct b) as n", session: session) == [[.integer(2)]])
        #expect(try rows("t join t as u on t.b = u.f count", session: session) == [[.integer(2)]])
        #expect(try rows("t group by b select b, count() as n", session: session).count == 2)
    }

    @Test func oneAndOnePointZeroAreOneGroupEverywhere() throws {
        let session = table("t", [("f", .float), ("i", .integer)], [
            [.float(1), .integer(5)], [.null, .integer(1)], [.float(2.5), .integer(1)],
        ])
        let grouped = try rows("t group by coalesce(f, i) select coalesce(f, i) as k, count() as n", session: session)
        #expect(grouped.count == 2)
        #expect(grouped.first?.last == .integer(2))
        #expect(try rows("t select coalesce(f, i) as k distinct count", session: session) == [[.integer(2)]])
        // A float result holds floats.
        if case .float = try rows("t select coalesce(f, i) as k", session: session)[1][0] {} else {
            Issue.record("coalesce of a float and an integer must give a float")
        }
    }

    @Test func stringsCompareByUnicodeScalars() throws {
        let nfc = "caf\u{E9}"
        let nfd = "cafe\u{301}"
        let session = table("t", [("s", .string)], [[.string(nfc)], [.string(nfd)], [.string("K")], [.string("\u{212A}")]])
        #expect(try rows("t select s distinct count", session: session) == [[.integer(4)]])
        #expect(try rows("t group by s select s, count() as n", session: session).count == 4)
        #expect(try rows("t where s = \"caf\\u{E9}\" count", session: session) == [[.integer(1)]])
        // Stored text comes back exactly as it went in.
        let back = try rows("t select s", session: session).map { row -> [UInt32] in
            guard case .string(let text) = row[0] else { return [] }
            return text.unicodeScalars.map(\.value)
        }
        #expect(back == [nfc, nfd, "K", "\u{212A}"].map { $0.unicodeScalars.map(\.value) })
        // Ordering by scalars: "K" (U+004B) < "café" < "café" (NFD, 'e' < 'é') < Kelvin sign (U+212A).
        let ordered = try rows("t order by s select s", session: session).map { row -> [UInt32] in
            guard case .string(let text) = row[0] else { return [] }
            return text.unicodeScalars.map(\.value)
        }
        #expect(ordered == ["K", nfd, nfc, "\u{212A}"].map { $0.unicodeScalars.map(\.value) })
    }

    @Test func loadedStringsAreNeverRewritten() throws {
        try TemporaryFolder.with("unicode") { folder in
            let path = try folder.write("k.csv", "name\nKelvin\n\u{212A}elvin\ncaf\u{E9}\ncafe\u{301}\n")
            let session = Session()
            _ = try session.run("load \"\(path)\" as k")
            let names = try rows("k select name", session: session).map { row -> [UInt32] in
                guard case .string(let text) = row[0] else { return [] }
                return text.unicodeScalars.map(\.value)
            }
            #expect(names == ["Kelvin", "\u{212A}elvin", "caf\u{E9}", "cafe\u{301}"].map { $0.unicodeScalars.map(\.value) })
        }
    }

    // MARK: - Nulls, overflow and laziness

    @Test func stringTestsWithANullOperandAreFalse() throws {
        let session = table("t", [("s", .string)], [[.null]])
        let tests = #"t select s contains "a", s starts with "a", s ends with "a", s =~ "a", s matches "a", starts_with(s, "a"), ends_with(s, "a"), contains(s, "a")"#
        #expect(try rows(tests, session: session) == [Array(repeating: .bool(false), count: 8)])
    }

    @Test func overflowIsAnErrorThatPointsAtItsExpression() throws {
        #expect(failure("range(1) select abs(-9223372036854775807 - 1)")?.message == "integer overflow in abs(-9223372036854775808)")
        let runtime = failure("range(3) select value as v, 9223372036854775807 + value as x")
        #expect(runtime?.message == "integer overflow in 9223372036854775807 + 1")
        #expect(runtime?.place == "1:29")
        #expect(failure("range(2) select abs(value - 9223372036854775807 - 1) as a")?.place == "1:17")
        #expect(failure("range(2) select sum(value + 9223372036854775806) as a")?.place == "1:17")
        #expect(try rows("range(1) select -9223372036854775808 % -1 as r") == [[.integer(0)]])
    }

    @Test func coalesceEvaluatesOnlyWhatItNeeds() throws {
        #expect(try rows("range(1) select coalesce(1, 9223372036854775807 + value) as x") == [[.integer(1)]])
    }

    @Test func notANumberIsNull() throws {
        #expect(try rows("range(1) select 1e308 * 10 - 1e308 * 10 as x") == [[.null]])
        #expect(try rows("range(2) select sum(1e308 * 10 * (value * 2 - 1)) as x") == [[.null]])
    }
}

/// Sorting by a column of many distinct strings compares the strings themselves for a top-k (and
/// ranks them for a whole sort): both must give the order of their UTF-8 bytes, nulls last.
@Suite struct LargeDictionarySortTests {
    @Test func topKAndOffsetsFollowByteOrder() throws {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet = Array("aAbBzZé日 -").map(String.init)
        var values: [Value] = []
        for index in 0..<6000 {
            if index % 97 == 0 { values.append(.null); continue }
            let length = 1 + Int(next() % 8)
            values.append(.string((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }.joined()))
        }
        let session = Session(tables: [])
        try session.register(table: "t", columns: [(name: "s", values: values)])
        let strings = values.compactMap { value -> String? in if case .string(let text) = value { return text } else { return nil } }
        let ascending = strings.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let descending = Array(ascending.reversed())
        func run(_ query: String) throws -> [Value] {
            try session.run(query).last?.rows.map { $0[0] } ?? []
        }
        let top = try run("t order by s limit 5")
        let bottom = try run("t order by s desc limit 5")
        let middle = try run("t order by s limit 4 offset 3000")
        #expect(top == ascending.prefix(5).map(Value.string))
        #expect(bottom == descending.prefix(5).map(Value.string))
        #expect(middle == ascending[3000..<3004].map(Value.string))
        let all = try run("t order by s")
        #expect(all.prefix(strings.count) == ArraySlice(ascending.map(Value.string)))
        let nullsLast = all.suffix(values.count - strings.count).allSatisfy { $0.isNull }
        #expect(nullsLast, "nulls last")
    }
}
