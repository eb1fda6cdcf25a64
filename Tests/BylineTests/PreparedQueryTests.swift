// Prepared queries take new values without a new check, and rows decode straight from columns
// with errors that name the row and the field.
import Foundation
import Testing

@testable import Byline

@Suite struct PreparedQueryTests {
    @Test func newValuesGiveWhatAFreshRunGives() throws {
        let session = Session()
        let queries: [(String, [[String: Value]])] = [
            ("visits where year = $y select visitor, destination", [["y": 2016], ["y": 2019], ["y": 1900]]),
            // A name of a country is mapped to its canonical name, as the check does for a constant.
            ("leaders where country = $c select name", [["c": "Congo"], ["c": "kazakhstan"], ["c": "Atlantis"]]),
            ("range(10) where value * $k > $m and value != $k select value + $k as v", [["k": 2, "m": 7], ["k": -1, "m": -5]]),
            ("visits where visitor contains $who and year >= $from order by year", [["who": "net", "from": 2010], ["who": "", "from": 0]]),
        ]
        for (query, runs) in queries {
            let prepared = try session.prepare(query, parameters: runs[0])
            #expect(prepared.bindsWithoutChecking, "\(query)")
            for values in runs {
                let expected = try session.run(query, parameters: values)[0].rows
                #expect(try prepared.run(parameters: values).rows == expected, "\(query) with \(values)")
            }
        }
    }

    @Test func aValueOfAnotherTypeIsCheckedAgain() throws {
        let session = Session()
        let prepared = try session.prepare("visits where year = $y count", parameters: ["y": 2016])
        #expect(try prepared.run(parameters: ["y": 2016.0]).rows == session.run("visits where year = 2016 count")[0].rows)
        do {
            _ = try prepared.run(parameters: ["y": "2016"])
            Issue.record("a string was compared with an integer")
        } catch {
            #expect(error.diagnostics.first?.id == .typeMismatch)
            #expect(error.diagnostics.first?.span?.start.column == 14)
        }
        #expect(throws: BylineError.self) { try prepared.run(parameters: [:]) }
    }

    @Test func valuesTheCheckUsedAreCheckedAgainWhenTheyChange() throws {
        let session = Session()
        let prepared = try session.prepare("range($n) where value >= $low", parameters: ["n": 5, "low": 1])
        #expect(prepared.bindsWithoutChecking)
        #expect(try prepared.run(parameters: ["n": 5, "low": 3]).rowCount == 2)
        #expect(try prepared.run(parameters: ["n": 8, "low": 3]).rowCount == 5)
    }

    @Test func aTableReplacedBetweenRunsIsReadByTheNextRun() throws {
        let session = Session(tables: [])
        try session.register(table: "t", columns: [("k", [1, 2, 2]), ("v", ["a", "b", "c"])])
        let prepared = try session.prepare("t where k = $k select v", parameters: ["k": 2])
        #expect(try prepared.run(parameters: ["k": 2]).rows == [["b"], ["c"]])
        // Other rows under the same schema.
        try session.register(table: "t", columns: [("k", [2, 3]), ("v", ["x", "y"])])
        #expect(try prepared.run(parameters: ["k": 2]).rows == [["x"]])
        #expect(try prepared.run(parameters: ["k": 3]).rows == [["y"]])
        #expect(try prepared.run().rows == [["x"]])
        // The fields in another order: the plan's positions are made again.
        try session.register(table: "t", columns: [("v", ["p", "q", "r"]), ("k", [2, 1, 2])])
        #expect(try prepared.run(parameters: ["k": 2]).rows == [["p"], ["r"]])
        #expect(try prepared.run(parameters: ["k": 1]).rows == [["q"]])
        #expect(prepared.bindsWithoutChecking)
        // The field gone: the check's error, not a trap.
        try session.register(table: "t", columns: [("w", [1])])
        #expect(throws: BylineError.self) { try prepared.run(parameters: ["k": 2]) }
        #expect(throws: BylineError.self) { try prepared.run() }
    }

    @Test func aLetOrAnotherQueryBetweenRunsChangesNothing() throws {
        let session = Session()
        let query = "visits where year = $y select visitor, destination"
        let prepared = try session.prepare(query, parameters: ["y": 2016])
        let expected = try session.run(query, parameters: ["y": 2019])[0].rows
        _ = try session.run("let recent = visits where year > 2015")
        #expect(try prepared.run(parameters: ["y": 2019]).rows == expected)
        #expect(try prepared.run(parameters: ["y": 2019]).rows == expected)
        #expect(prepared.bindsWithoutChecking)
    }

    struct Visit: Decodable, Equatable {
        var visitor: String
        var year: Int
    }

    @Test func preparedQueriesDecodeRows() throws {
        let session = Session()
        let prepared = try session.prepare("visits where year = $y select visitor, year order by visitor limit 1", parameters: ["y": 2016])
        let visits = try prepared.rows(Visit.self, parameters: ["y": 2016])
        #expect(visits.count == 1 && visits[0].year == 2016)
        #expect(try prepared.rows(Visit.self) == visits)
    }

    struct Typed: Decodable, Equatable {
        var n: Int
        var x: Double?
        var name: String
        var flag: Bool
        var tags: [String]
        var day: Date
        var small: Int8?
    }

    @Test func rowsDecodeStraightFromColumns() throws {
        let session = Session(tables: [])
        try session.register(
            table: "t",
            columns: [
                ("n", [1, 2]), ("x", [2.5, nil]), ("name", ["a", "b"]), ("flag", [true, false]),
                ("tags", [["p", "q"], []]), ("day", [.date(PartialDate(year: 1970, month: 1, day: 2)), "1970-01-03"]),
                ("small", [nil, 7]),
            ])
        let rows = try session.rows(Typed.self, "t")
        #expect(rows == [
            Typed(n: 1, x: 2.5, name: "a", flag: true, tags: ["p", "q"], day: Date(timeIntervalSince1970: 86_400), small: nil),
            Typed(n: 2, x: nil, name: "b", flag: false, tags: [], day: Date(timeIntervalSince1970: 2 * 86_400), small: 7),
        ])
    }

    struct Wrong: Decodable { var visitor: Int }
    struct Tiny: Decodable { var value: Int8 }

    @Test func decodingErrorsNameTheRowAndField() {
        let session = Session()
        do {
            _ = try session.rows(Wrong.self, "visits select visitor")
            Issue.record("a name decoded as an integer")
        } catch {
            #expect(error.diagnostics.first?.message.hasPrefix("cannot decode the rows as Wrong: row 1, field 'visitor': expected a Int, found the string ") == true)
            #expect(error.diagnostics.first?.help?.hasPrefix("the fields are: visitor string") == true)
        }
        do {
            _ = try session.rows(Tiny.self, "range(126, 130)")
            Issue.record("128 decoded as an Int8")
        } catch {
            #expect(error.diagnostics.first?.message == "cannot decode the rows as Tiny: row 3, field 'value': expected a Int8 (it is out of range), found the integer 128")
        }
    }

    @Test func rowsTakeOneQuery() throws {
        #expect(throws: BylineError.self) { try Session().rows(Visit.self, "visits\nvisits") }
        #expect(try Session().rows(Visit.self, "let v = visits where year is not null select visitor, year\nv").count > 0)
    }
}
