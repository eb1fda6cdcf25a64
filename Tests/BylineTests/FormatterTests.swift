// Output formats: table alignment, JSON and CSV escaping, tricky cells.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct FormatterTests {
    private func makeTricky() throws -> ResultSet {
        let schema = TableSchema(
            name: "t",
            fields: [Field(name: "text", type: .string), Field(name: "n", type: .integer), Field(name: "l", type: .list(.string))])
        let table = Table(
            schema: schema,
            rows: [
                [.string("plain"), .integer(1), .list([.string("a")])],
                [.string("comma, \"quote\"\nnewline"), .integer(-20), .list([])],
                [.string("日本語 😀"), .null, .null],
            ])
        return try #require(try Session(tables: [table]).run("t").first)
    }

    /// Output is handed on a block at a time, each about `ResultFormatter.blockBytes` at most
    /// (plus one row), however long the cells: 40 rows of 200 KB are never one 8 MB string. The
    /// blocks joined are the whole text, in every format, and so is what `save` writes.
    @Test func blocksStayNearAMegabyteAndJoinToTheWholeText() throws {
        let long = String(repeating: "é|x", count: 70_000)
        let rows: [[Value]] = (0..<40).map { [.integer($0), .string(long), .list([.string("a")])] }
        let schema = TableSchema(name: "t", fields: [Field(name: "n", type: .integer), Field(name: "s", type: .string), Field(name: "l", type: .list(.string))])
        let result = try #require(try Session(tables: [Table(schema: schema, rows: rows)]).run("t").first)
        let folder = try TemporaryFolder("blocks")
        defer { folder.remove() }
        for format in OutputFormat.allCases {
            var blocks: [String] = []
            #expect(ResultFormatter.write(result, as: format) { blocks.append($0); return true })
            let largest = blocks.map(\.utf8.count).max() ?? 0
            #expect(largest < ResultFormatter.blockBytes + 600_000, "\(format): a block of \(largest) bytes")
            #expect(blocks.count > 2, "\(format): \(blocks.count) blocks")
            let whole = ResultFormatter.format(result, as: format)
            #expect(blocks.joined() == whole, "\(format)")
            if format != .box, format != .line, let name = ["csv", "tsv", "json", "jsonl", "md", "txt"].first(where: { OutputFormat.forPath("x.\($0)") == format }) {
                let path = folder.url.appendingPathComponent("saved.\(name)").path
                try ResultWriter.write(result, to: path)
                #expect(try String(contentsOfFile: path, encoding: .utf8) == whole, "save as .\(name)")
            }
        }
    }

    /// Widths come from a sample of rows; nothing after it is cut: integers are measured over all
    /// rows, and a wider later cell of another type is shown whole (cut only to a terminal's width).
    @Test func rowsAfterTheWidthSampleAreNeverCut() throws {
        let count = TableFormatter.widthSample + 5
        let rows: [[Value]] = (0..<count).map { row in
            [.integer(row * 1000), .string(row < TableFormatter.widthSample ? "short" : "much longer text")]
        }
        let table = Table(schema: TableSchema(name: "t", fields: [Field(name: "n", type: .integer), Field(name: "s", type: .string)]), rows: rows)
        let result = try #require(try Session(tables: [table]).run("t").first)
        let lines = ResultFormatter.format(result, as: .table).split(separator: "\n").map(String.init)
        let last = (count - 1) * 1000
        #expect(lines[2] == " " + String(repeating: " ", count: String(last).count - 1) + "0 | short")
        #expect(lines[lines.count - 2] == " \(last) | much longer text")
        // At a terminal's width, the column keeps the width it was given and the cell is cut.
        var narrow = OutputOptions()
        narrow.maximumWidth = 30
        let cut = ResultFormatter.format(result, as: .table, options: narrow).split(separator: "\n").map(String.init)
        #expect(cut[cut.count - 2] == " \(last) | much…")
    }

    @Test func tableAlignsByDisplayWidth() throws {
        let tricky = try makeTricky()
        let text = ResultFormatter.format(tricky, as: .table)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0] == " text                    | n    | l")
        #expect(lines[1] == "-------------------------+------+-------")
        #expect(lines[2] == " plain                   |    1 | [\"a\"]")
        #expect(lines[3] == " comma, \"quote\"\\nnewline |  -20 | []")
        #expect(lines[4] == " 日本語 😀               | null | null")
        #expect(lines[5] == "(3 rows)")
    }

    @Test func flagsAndEmojiSequencesKeepColumnsAligned() throws {
        let table = Table(
            schema: TableSchema(name: "t", fields: [Field(name: "flag", type: .string), Field(name: "n", type: .integer)]),
            rows: [[.string("🇮🇱"), .integer(1)], [.string("👩‍👩‍👧"), .integer(2)], [.string("ab"), .integer(3)]])
        let result = try #require(try Session(tables: [table]).run("t").first)
        let lines = ResultFormatter.format(result, as: .table).split(separator: "\n").map(String.init)
        #expect(lines[0] == " flag | n")
        #expect(lines[2] == " 🇮🇱   | 1")
        #expect(lines[3] == " 👩‍👩‍👧   | 2")
        #expect(lines[4] == " ab   | 3")
    }

    @Test func tableFitsAWidth() throws {
        let tricky = try makeTricky()
        var options = OutputOptions()
        options.maximumWidth = 30
        let lines = ResultFormatter.format(tricky, as: .table, options: options).split(separator: "\n")
        for line in lines.dropLast() {
            #expect(DisplayWidth.of(String(line)) <= 30, "\(line)")
        }
        #expect(lines[3].contains("…"))
    }

    @Test func jsonIsValidAndTyped() throws {
        let tricky = try makeTricky()
        let text = ResultFormatter.format(tricky, as: .json)
        #expect(text.hasSuffix("]\n"))
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 3)
        #expect(parsed?[1]["text"] as? String == "comma, \"quote\"\nnewline")
        #expect(parsed?[1]["n"] as? Int == -20)
        #expect(parsed?[0]["l"] as? [String] == ["a"])
        #expect(parsed?[2]["n"] is NSNull)
    }

    @Test func csvQuotesWhatNeedsQuoting() throws {
        let tricky = try makeTricky()
        #expect(
            ResultFormatter.format(tricky, as: .csv) == """
                text,n,l
                plain,1,"[""a""]"
                "comma, ""quote""
                newline",-20,[]
                日本語 😀,,

                """)
    }

    @Test func emptyResults() throws {
        let empty = try Session().run("leaders where name = \"nobody\" select name").first!
        #expect(ResultFormatter.format(empty, as: .table) == " name\n------\n(0 rows)\n")
        #expect(ResultFormatter.format(empty, as: .json) == "[]\n")
        #expect(ResultFormatter.format(empty, as: .csv) == "name\n")
    }

    @Test(arguments: [
        (Value.float(2), "2.0"), (.float(0.1), "0.1"), (.float(-1.5e20), "-1.5e+20"), (.integer(-7), "-7"),
        (.date(PartialDate(year: 2016, month: 3, day: 9)), "2016-03-09"), (.date(PartialDate(month: 6, day: 9)), "--06-09"),
        (.list([.string("a\"b"), .null]), #"["a\"b", null]"#), (.bool(true), "true"),
    ])
    func valueText(_ value: Value, _ text: String) {
        #expect(value.description == text)
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("😀") == 2)
        // Found in review: flags and ZWJ sequences were measured a scalar at a time (4 and 6).
        #expect(DisplayWidth.of("🇮🇱") == 2)
        #expect(DisplayWidth.of("👩‍👩‍👧") == 2)
        #expect(DisplayWidth.of("👍🏽") == 2)
        #expect(DisplayWidth.of("🇮🇱 and 👩‍👩‍👧") == 9)
        #expect(DisplayWidth.truncate("🇮🇱🇰🇿🇨🇩", to: 5) == "🇮🇱🇰🇿…")
        #expect(DisplayWidth.truncate("🇮🇱🇰🇿🇨🇩", to: 4) == "🇮🇱…")
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
    }
}
