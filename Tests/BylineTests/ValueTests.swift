// Partial dates, the JSON reader and edit-distance suggestions.
import Testing

@testable import Byline

@Suite struct ValueTests {
    /// `contains` ignores case: ASCII text in one pass, anything else by Unicode case mapping,
    /// compared with lower-casing both sides and searching, the rule it must equal.
    @Test func containsIgnoringCaseAgreesWithLowercasing() {
        let texts = ["https://news.example/AB1", "ab", "\u{212A}elvin", "caf\u{E9} AB1", "x\u{130}y", "", "b", "ÅB1", "-ab1-"]
        let needles = ["ab1", "kelvin", "K", "i", "AB", "é", "b1", "ab1-", "\u{212A}"]
        for text in texts {
            for needle in needles {
                let expected = ExactText.contains(text.lowercased(), needle.lowercased())
                #expect(text.containsIgnoringCase(needle) == expected, "\(text) contains \(needle)")
            }
        }
    }

    @Test(arguments: [
        ("2016", PartialDate(year: 2016)), ("2016-03", PartialDate(year: 2016, month: 3)),
        ("2016-03-09", PartialDate(year: 2016, month: 3, day: 9)), ("--03", PartialDate(month: 3)),
        ("--06-09", PartialDate(month: 6, day: 9)), ("2016-02-29", PartialDate(year: 2016, month: 2, day: 29)),
        // Years before 1000 keep four digits, so what is printed (and saved) reads back as a date.
        ("0999-05-06", PartialDate(year: 999, month: 5, day: 6)), ("0000", PartialDate(year: 0)),
        ("0042-12", PartialDate(year: 42, month: 12)),
        // Leap days: every fourth year, but not a century, unless it is a fourth century.
        ("2000-02-29", PartialDate(year: 2000, month: 2, day: 29)), ("1600-02-29", PartialDate(year: 1600, month: 2, day: 29)),
        ("0004-02-29", PartialDate(year: 4, month: 2, day: 29)), ("--02-29", PartialDate(month: 2, day: 29)),
    ])
    func partialDatesParseAndPrint(_ text: String, _ date: PartialDate) {
        #expect(PartialDate(text) == date)
        #expect(date.description == text)
    }

    @Test(arguments: ["", "16", "2016-13", "2016-02-30", "2015-02-29", "--13", "June", "2016-3", "2016/03", "--06-31",
        "1900-02-29", "2100-02-29", "1800-02-29", "0100-02-29", "2019-02-29", "999-05-06", "2016-04-31", "2016-00", "--02-30"])
    func invalidDatesAreRejected(_ text: String) {
        #expect(PartialDate(text) == nil)
    }

    @Test func partialDatesOrderUnknownPartsFirst() {
        #expect(PartialDate(month: 12) < PartialDate(year: 1995))
        #expect(PartialDate(year: 2016) < PartialDate(year: 2016, month: 1))
        #expect(PartialDate(month: 6) < PartialDate(month: 6, day: 9))
    }

    @Test func jsonReaderReadsEveryKind() throws {
        let value = try JSONReader.parse(Array(#" {"a": [1, -2.5e1, "x\u00e9\n", true, false, null, {}], "b": "\ud83d\ude00"} "#.utf8))
        #expect(
            value["a"] == .array([.integer(1), .float(-25), .string("xé\n"), .bool(true), .bool(false), .null, .object([])]))
        #expect(value["b"] == .string("😀"))
    }

    @Test(arguments: [
        ("[1, 2", "unexpected end of input, expected ',' or ']'", 1, 6), ("[1,", "unexpected end of input, expected a value", 1, 4),
        ("{\"a\" 1}", "expected ':' after object key", 1, 6),
        ("[1,\n  x]", "unexpected character 'x', expected a value", 2, 3),
        ("\"abc", "unterminated string", 1, 5),
        ("[1] 2", "unexpected text after the JSON value", 1, 5),
        ("[-]", "invalid number '-'", 1, 2),
    ])
    func jsonErrorsHaveAPosition(_ text: String, _ message: String, _ line: Int, _ column: Int) {
        #expect(throws: JSONError(message: message, line: line, column: column)) {
            try JSONReader.parse(Array(text.utf8))
        }
    }

    @Test func deepJSONIsRefused() {
        #expect(throws: JSONError.self) {
            try JSONReader.parse(Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8))
        }
    }

    @Test(arguments: [
        ("contry", ["name", "country", "title"], "country"), ("nmae", ["name", "title"], "name"),
        ("LEADER", ["leaders", "visits"], "leaders"), ("xyz", ["name", "title"], nil),
    ])
    func suggestions(_ word: String, _ candidates: [String], _ expected: String?) {
        #expect(Suggestion.closest(to: word, among: candidates) == expected)
    }
}
