// Type inference's rules from the README, each on a file written here ("a loaded value is never
// changed silently"): digits with a leading zero stay text, bool words in any case are bools, a
// date column keeps years before 1000 and refuses leap days that never were.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct LoaderRuleTests {
    private func load(_ text: String, as name: String = "rules.csv") throws -> Table {
        try TemporaryFolder.with("loader-rules") { folder in
            try TableLoader.load(path: try folder.write(name, text)).table
        }
    }

    @Test(arguments: ["rules.csv", "rules.tsv"])
    func digitsWithALeadingZeroStayText(_ name: String) throws {
        let table = try load("zip\n02134\n007\n0\n", as: name)
        #expect(table.schema.fields.map(\.type) == [.string])
        #expect((0..<3).map { table.value(row: $0, field: 0) } == [.string("02134"), .string("007"), .string("0")])
        let numbers = try load("n\n0\n10\n-3\n", as: name)
        #expect(numbers.schema.fields.map(\.type) == [.integer])
    }

    @Test func boolWordsInAnyCaseAreBools() throws {
        let table = try load("flag\nTRUE\nFalse\ntrue\nfalse\nTrue\n")
        #expect(table.schema.fields.map(\.type) == [.bool])
        #expect((0..<5).map { table.value(row: $0, field: 0) } == [.bool(true), .bool(false), .bool(true), .bool(false), .bool(true)])
    }

    @Test func datesKeepTheirYearsAndRefuseDaysThatNeverWere() throws {
        let dates = try load("d\n0999-05-06\n2000-02-29\n1600-02\n")
        #expect(dates.schema.fields.map(\.type) == [.date])
        #expect((0..<3).map { "\(dates.value(row: $0, field: 0))" } == ["0999-05-06", "2000-02-29", "1600-02"])
        // 1900 was no leap year: its 29 February is text, and so is the column.
        let text = try load("d\n2000-02-29\n1900-02-29\n")
        #expect(text.schema.fields.map(\.type) == [.string])
        #expect(text.value(row: 1, field: 0) == .string("1900-02-29"))
    }
}
