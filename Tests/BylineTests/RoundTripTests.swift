// Round trips: random tables with hostile values are saved in every format Byline can read back,
// loaded again, and compared exactly: the same types and the same values, scalar for scalar.
import Testing
import TestSupport

@testable import Byline

@Suite struct RoundTripTests {
    /// Text that breaks naive writers: delimiters, quotes, line breaks of every kind, a quote or
    /// comma followed by a combining mark, backslashes, a leading quote, controls, look-alikes of
    /// numbers, bools and dates, edge spaces, and canonically equivalent spellings.
    static let hostileText = [
        "plain", "a,b", "say \"hi\"", "\"leading quote", "line\nbreak", "cr\rhere", "crlf\r\nhere", "tab\there",
        "back\\slash", "\\n not a newline", "\"\u{301}", ",\u{301}", "\u{1B}[31m", "\u{85}next", "\u{202E}rtl",
        "02134", "123", "-0.5", "true", "FALSE", "2016-03-09", "2016-03", "--06-09", " padded ", "", "caf\u{E9}",
        "cafe\u{301}", "\u{212A}", "日本", "👍🏽", "null", "NULL", "\\N", "'single'",
    ]

    /// Text a TSV file can carry unchanged: TSV has no quoting, so a value that reads as a number,
    /// bool, date or null (the empty field) cannot be marked as text (README, "Your own data").
    static let tabSafeText = hostileText.filter { !$0.isEmpty && DelimitedLoader.kind(of: $0) == .string }

    static let integers = [0, 1, -1, Int.max, Int.min, 9_007_199_254_740_993, 2_147_483_648, 42]
    static let floats: [Double] = [0, -0.0, 0.1, 1e300, -1e-300, .leastNonzeroMagnitude, 2.5, 1e15, 123456.789, 9_007_199_254_740_992]
    static let dates = [PartialDate(year: 2016, month: 3, day: 9), PartialDate(year: 1995, month: 12), PartialDate(month: 6, day: 9)]
    static let timestamps = [
        Timestamp(year: 2009, month: 1, day: 1), Timestamp(year: 1, month: 1, day: 1),
        Timestamp(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_999),
        Timestamp(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 500_000),
        Timestamp(year: 2024, month: 2, day: 29, hour: 12, minute: 0, second: 1, microsecond: 10),
    ].compactMap { $0 }

    /// A random table of `rows` rows; every column has at least one value (a column of nulls only
    /// has no type to read back).
    static func table(_ random: inout SplitMix64, rows: Int, texts: [String], lists: Bool) -> Table {
        var fields: [Field] = [
            Field(name: "i", type: .integer), Field(name: "f", type: .float), Field(name: "s", type: .string),
            Field(name: "b", type: .bool), Field(name: "d", type: .date), Field(name: "t", type: .timestamp),
        ]
        if lists { fields.append(Field(name: "l", type: .list(.integer))) }
        var data: [[Value]] = []
        var timeRandom = SplitMix64(state: UInt64(rows) &* 7_919 &+ UInt64(texts.count))
        for row in 0..<rows {
            var nulls: [Bool] = []
            for _ in 0..<5 { nulls.append(row > 0 && random.below(100) < 15) }
            var values: [Value] = [
                nulls[0] ? .null : .integer(integers[random.below(integers.count)]),
                nulls[1] ? .null : .float(floats[random.below(floats.count)]),
                nulls[2] ? .null : .string(texts[random.below(texts.count)]),
                nulls[3] ? .null : .bool(random.below(2) == 0),
                nulls[4] ? .null : .date(dates[random.below(dates.count)]),
                // From a generator of its own, so the other columns' values are as before.
                timeRandom.below(100) < 15 && row > 0 ? .null : .timestamp(timestamps[timeRandom.below(timestamps.count)]),
            ]
            if lists { values.append(.list((0..<random.below(3)).map { _ in .integer(integers[random.below(integers.count)]) })) }
            data.append(values)
        }
        return Table(schema: TableSchema(name: "t", fields: fields), rows: data)
    }

    /// A value written so that types and scalars both count: `1` and `1.0` differ, as do two
    /// spellings of "é".
    static func exact(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .integer(let number): return "i\(number)"
        case .float(let number): return "f\(number.bitPattern)"
        case .string(let text): return "s" + text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: ".")
        case .bool(let flag): return "b\(flag)"
        case .date(let date): return "d\(date)"
        case .timestamp(let time): return "t\(time.microseconds)"
        case .list(let values): return "[" + values.map(exact).joined(separator: ",") + "]"
        }
    }

    @Test(arguments: ["csv", "tsv", "json", "jsonl"])
    func savedTablesLoadBackExactly(_ format: String) throws {
        try TemporaryFolder.with("roundtrip") { folder in
            var random = SplitMix64(state: 20_261_130)
            for round in 0..<25 {
                let texts = format == "tsv" ? RoundTripTests.tabSafeText : RoundTripTests.hostileText
                let original = RoundTripTests.table(&random, rows: 1 + random.below(12), texts: texts, lists: format.hasPrefix("json"))
                let session = Session(tables: [])
                session.register(original)
                let path = folder.path("round\(round).\(format)")
                _ = try session.run("t save \"\(path)\"")
                _ = try session.run("load \"\(path)\" as back")
                let back = try #require(session.table(named: "back"))
                #expect(back.schema.fields.map(\.type) == original.schema.fields.map(\.type), "round \(round) in \(format)")
                #expect(back.rowCount == original.rowCount)
                for row in 0..<min(back.rowCount, original.rowCount) {
                    for field in original.schema.fields.indices {
                        let before = RoundTripTests.exact(original.value(row: row, field: field))
                        let after = RoundTripTests.exact(back.value(row: row, field: field))
                        #expect(before == after, "round \(round), row \(row), field \(original.schema.fields[field].name) in \(format)")
                    }
                }
            }
        }
    }
}
