// Timestamps: reading ISO text (offsets normalised to UTC), writing it back, their parts,
// truncation, differences, comparison with literals, loading from CSV and JSON, and bad input
// that is text or null, never a trap. Expected instants are Unix times computed by hand (and
// checked with Python's datetime), not by the code under test.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct TimestampTests {
    private func value(_ expression: String) throws -> Value {
        try Session().run("range(1) select \(expression) as x").last?.rows.first?.first ?? .null
    }

    private func message(_ text: String) -> String { Session.messages(running: text) }

    @Test func isoTextReadsAsTheInstantItNames() throws {
        // datetime(2009,1,1,tzinfo=timezone.utc).timestamp() == 1230768000
        let cases: [(String, Int?)] = [
            ("2009-01-01 00:00:00", 1_230_768_000_000_000),
            ("2009-01-01T00:00:00", 1_230_768_000_000_000),
            ("2009-01-01 00:00", 1_230_768_000_000_000),
            ("2009-01-01 00:00:00Z", 1_230_768_000_000_000),
            ("2009-01-01 02:00:00+02", 1_230_768_000_000_000),
            ("2009-01-01 02:00:00+02:00", 1_230_768_000_000_000),
            ("2008-12-31 19:00:00-0500", 1_230_768_000_000_000),
            ("2009-01-01 00:00:00.5", 1_230_768_000_500_000),
            ("2009-01-01 00:00:00.000001", 1_230_768_000_000_001),
            ("1970-01-01 00:00:00", 0),
            ("1969-12-31 23:59:59.999999", -1),
            ("0001-01-01 00:00:00", -62_135_596_800_000_000),
            ("9999-12-31 23:59:59.999999", 253_402_300_799_999_999),
            ("2000-02-29 12:00:00", 951_825_600_000_000),
            // Not timestamps: out-of-range parts, a 13th month, year 0, past the range after the
            // offset, a seventh fractional digit, a date alone, junk after it.
            ("2009-13-45 25:61:00", nil), ("2009-01-01 24:00:00", nil), ("2009-01-01 23:60:00", nil),
            ("2009-01-01 23:59:60", nil), ("2009-02-29 00:00:00", nil), ("1900-02-29 00:00:00", nil),
            ("0000-01-01 00:00:00", nil), ("0001-01-01 00:00:00+01", nil), ("9999-12-31 23:00:00-02", nil),
            ("2009-01-01 00:00:00.1234567", nil), ("2009-01-01", nil), ("2009-01-01 00:00:00 ", nil),
            ("2009-01-01 00:00:00+16", nil), ("2009-01-01 00:00:00.", nil), ("2009-1-01 00:00:00", nil), ("", nil),
        ]
        for (text, expected) in cases {
            #expect(Timestamp(text)?.microseconds == expected, "\(text)")
        }
        #expect(Timestamp("2009-01-01", dateAlone: true)?.microseconds == 1_230_768_000_000_000)
    }

    @Test func timestampsAreWrittenInUTCWithTheFractionTrimmed() throws {
        #expect(Timestamp("2009-01-01T10:00:00+02:00")?.description == "2009-01-01 08:00:00")
        #expect(Timestamp("2009-01-01 00:00:00.250")?.description == "2009-01-01 00:00:00.25")
        #expect(Timestamp("0001-01-01 00:00:00")?.description == "0001-01-01 00:00:00")
        #expect(Timestamp(microseconds: -1)?.description == "1969-12-31 23:59:59.999999")
        #expect(Timestamp(microseconds: Timestamp.range.upperBound + 1) == nil)
        // What is written reads back as the same instant, over a spread of instants.
        var random = SplitMix64(state: 2009)
        for _ in 0..<2000 {
            let micro = Timestamp.range.lowerBound + random.below(Timestamp.range.upperBound - Timestamp.range.lowerBound)
            let time = try #require(Timestamp(microseconds: micro))
            #expect(Timestamp(time.description) == time, "\(micro)")
        }
    }

    @Test func partsTruncationAndDifferences() throws {
        let t = "to_timestamp(\"2009-03-14 15:09:26.535897\")"
        #expect(try value("year(\(t))") == .integer(2009))
        #expect(try value("month(\(t))") == .integer(3))
        #expect(try value("day(\(t))") == .integer(14))
        #expect(try value("hour(\(t))") == .integer(15))
        #expect(try value("minute(\(t))") == .integer(9))
        #expect(try value("second(\(t))") == .integer(26))
        // 2009-03-14 was a Saturday; 1970-01-01 a Thursday; 0001-01-01 a Monday.
        #expect(try value("weekday(\(t))") == .integer(6))
        #expect(try value("weekday(to_timestamp(\"1970-01-01 00:00\"))") == .integer(4))
        #expect(try value("weekday(to_timestamp(\"0001-01-01 00:00\"))") == .integer(1))
        #expect(try value("weekday(to_timestamp(\"1969-12-28 23:59\"))") == .integer(0))
        let truncated: [(String, String)] = [
            ("year", "2009-01-01 00:00:00"), ("month", "2009-03-01 00:00:00"), ("day", "2009-03-14 00:00:00"),
            ("hour", "2009-03-14 15:00:00"), ("MINUTE", "2009-03-14 15:09:00"), ("second", "2009-03-14 15:09:26"),
        ]
        for (unit, expected) in truncated {
            #expect(try value("to_string(date_trunc(\"\(unit)\", \(t)))") == .string(expected), "\(unit)")
        }
        #expect(message("range(1) select date_trunc(\"week\", \(t))").contains("date_trunc does not know the unit \"week\""))
        #expect(try value("seconds_between(to_timestamp(\"2009-01-01 00:00:00\"), to_timestamp(\"2009-01-02 00:00:01.5\"))") == .float(86_401.5))
        #expect(try value("seconds_between(to_timestamp(\"2009-01-02 00:00:00\"), to_timestamp(\"2009-01-01 00:00:00\"))") == .float(-86_400))
        // The whole range: 253402300799.999999 - (-62135596800) seconds, rounded once.
        #expect(
            try value("seconds_between(to_timestamp(\"0001-01-01 00:00:00\"), to_timestamp(\"9999-12-31 23:59:59.999999\"))")
                == .float(315_537_897_599.999999))
        #expect(try value("to_date(\(t))") == .date(PartialDate(year: 2009, month: 3, day: 14)))
        #expect(try value("to_string(\(t))") == .string("2009-03-14 15:09:26.535897"))
        #expect(try value("to_timestamp(to_date(\"2016-03\"))") == .null)
        #expect(try value("to_timestamp(\" 2016-03-09 \")") == .timestamp(try #require(Timestamp("2016-03-09 00:00:00"))))
        #expect(try value("to_timestamp(\"2009-13-45 25:61:00\")") == .null)
        #expect(try value("year(to_timestamp(\"nonsense\"))") == .null)
    }

    @Test func timestampsCompareOrderAndGroup() throws {
        let rows = "[{t: to_timestamp(\"2009-01-02 00:00:00\"), k: 1}, {t: to_timestamp(\"2009-01-01T23:00:00-02:00\"), k: 2}, {t: null, k: 3}, {t: to_timestamp(\"2009-01-01 00:00:00.5\"), k: 4}]"
        let session = Session()
        _ = try session.run("let r = \(rows)")
        #expect(try session.run("r order by t select k").last?.rows.map { $0[0] } == [.integer(4), .integer(1), .integer(2), .integer(3)])
        #expect(try session.run("r where t >= \"2009-01-02\" select k").last?.rows.map { $0[0] } == [.integer(1), .integer(2)])
        #expect(try session.run("r where t = \"2009-01-02 01:00:00+01:00\" select k").last?.rows.map { $0[0] } == [.integer(1)])
        #expect(try session.run("r where t between \"2009-01-01\" and \"2009-01-01 12:00\" select k").last?.rows.map { $0[0] } == [.integer(4)])
        #expect(try session.run("r select to_date(t) as d group by d select d, count() as n order by d").last?.rows.count == 3)
        #expect(try session.run("r select max(t) as m").last?.rows.first?.first == .timestamp(try #require(Timestamp("2009-01-02 01:00:00"))))
        #expect(message("let r = \(rows); r where t > \"2009-13-45 25:61:00\"").contains("'2009-13-45 25:61:00' is not a timestamp"))
        #expect(message("let r = \(rows); r where t > 5").contains("cannot compare"))
        #expect(message("let r = \(rows); r select hour(k)").contains("must be a timestamp"))
    }

    @Test func csvAndJSONLoadTimestampColumns() throws {
        try TemporaryFolder.with("timestamps") { folder in
            let csv = folder.path("t.csv")
            try Data("at,note\n2009-01-01 00:00:00,a\n2009-01-01T10:00:00.25+02:00,b\n,c\n".utf8).write(to: URL(fileURLWithPath: csv))
            let json = folder.path("t.json")
            try Data("[{\"at\": \"2009-01-01T00:00:00Z\"}, {\"at\": null}, {\"at\": \"2009-01-01 08:00:00.25\"}]".utf8)
                .write(to: URL(fileURLWithPath: json))
            let mixed = folder.path("m.csv")
            try Data("at\n2009-01-01 00:00:00\n2009-13-45 25:61:00\n".utf8).write(to: URL(fileURLWithPath: mixed))
            let session = Session()
            _ = try session.run("load \"\(csv)\" as c; load \"\(json)\" as j; load \"\(mixed)\" as m")
            #expect(session.table(named: "c")?.schema.fields.first?.type == .timestamp)
            #expect(session.table(named: "j")?.schema.fields.first?.type == .timestamp)
            #expect(session.table(named: "m")?.schema.fields.first?.type == .string)
            let c = try session.run("c select to_string(at) as s").last?.rows.map { $0[0] }
            #expect(c == [.string("2009-01-01 00:00:00"), .string("2009-01-01 08:00:00.25"), .null])
            let j = try session.run("j select to_string(at) as s").last?.rows.map { $0[0] }
            #expect(j == [.string("2009-01-01 00:00:00"), .null, .string("2009-01-01 08:00:00.25")])
        }
    }

    @Test func everyOutputFormatWritesTheUTCText() throws {
        let result = try #require(try Session().run("[{t: to_timestamp(\"2009-01-01T10:00:00.5+02:00\")}]").last)
        #expect(result.fields.first?.type == .timestamp)
        for format in OutputFormat.allCases {
            let text = ResultFormatter.format(result, as: format)
            #expect(text.contains("2009-01-01 08:00:00.5"), "\(format): \(text)")
        }
    }
}
