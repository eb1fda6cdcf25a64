// The table format at a terminal's width: values are shortened with `…` before columns are hidden,
// `source` goes before content, numbers are never cut, and every line fits.
import Testing

@testable import Byline

@Suite struct TableLayoutTests {
    /// Every table of the article, as the shell shows it at `width` columns.
    private func articleTables(at width: Int, box: Bool = false) throws -> [(name: String, result: ResultSet, text: String)] {
        let session = Session()
        var options = OutputOptions()
        options.maximumWidth = width
        return try ArticleDataset.tables.map { table in
            let result = try #require(try session.run(table.schema.name).first)
            return (table.schema.name, result, ResultFormatter.format(result, as: box ? .box : .table, options: options))
        }
    }

    /// The header line's cells, without padding.
    private func headerCells(_ text: String, box: Bool) -> [String] {
        let lines = text.split(separator: "\n")
        let header = String(lines[box ? 1 : 0])
        return header.split(separator: box ? "│" : "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test(arguments: [60, 100, 200], [false, true])
    func everyArticleTableShowsItsContentColumns(width: Int, box: Bool) throws {
        let tables = try articleTables(at: width, box: box)
        #expect(tables.count >= 10)
        for (name, result, text) in tables {
            for line in text.split(separator: "\n") {
                #expect(DisplayWidth.of(String(line)) <= width, "\(name) at \(width): \(line)")
            }
            // Every column but `source` is there, under its own (perhaps shortened) name.
            let cells = headerCells(text, box: box)
            let content = result.fields.map(\.name).filter { $0 != "source" }
            let shown = cells.filter { $0 != "…" }
            #expect(shown.count >= content.count, "\(name) at \(width): \(cells)")
            for (field, cell) in zip(content, shown) {
                let stem = cell.hasSuffix("…") ? String(cell.dropLast()) : cell
                #expect(field.hasPrefix(stem) && !stem.isEmpty, "\(name) at \(width): \(field) shown as \(cell)")
            }
            let hidden = text.contains("hidden")
            #expect(hidden == (shown.count < result.fields.count), "\(name) at \(width)")
            if width >= 100 { #expect(!hidden, "\(name) at \(width)") }
        }
    }

    @Test func valuesAreShortenedBeforeColumnsAreHidden() throws {
        // Found in review: at 60 columns `countries` showed `name | …` with 5 columns hidden.
        let tables = try articleTables(at: 60)
        let countries = try #require(tables.first { $0.name == "countries" })
        #expect(!countries.text.contains("hidden"))
        #expect(countries.text.contains("Kazakh…"))
        #expect(countries.text.contains("Astana"))
        // figures hid a 5-character `value`; now `source` goes and the numbers stay whole.
        let figures = try #require(tables.first { $0.name == "figures" })
        #expect(headerCells(figures.text, box: false).contains("value"))
        #expect(figures.text.contains("|    27 |"))
        #expect(figures.text.contains("(1 column hidden; .mode line shows all)"))
        #expect(!headerCells(figures.text, box: false).contains("source"))
    }

    @Test func numbersAreNeverShortened() throws {
        let table = Table(
            schema: TableSchema(
                name: "t",
                fields: [Field(name: "text", type: .string), Field(name: "a_large_number_here", type: .integer), Field(name: "f", type: .float)]),
            rows: [[.string(String(repeating: "word ", count: 20)), .integer(123_456_789_012), .float(3.25)]])
        let result = try #require(try Session(tables: [table]).run("t").first)
        var options = OutputOptions()
        options.maximumWidth = 30
        let lines = ResultFormatter.format(result, as: .table, options: options).split(separator: "\n").map(String.init)
        #expect(lines[0] == " text   | a_large_num… | f")
        #expect(lines[2] == " word…  | 123456789012 | 3.25")
        #expect(DisplayWidth.of(lines[2]) <= 30)
    }

    @Test func sourceIsShortenedFirstAndHiddenFirst() throws {
        let fields = ["name", "source", "note"].map { Field(name: $0, type: .string) }
        let table = Table(
            schema: TableSchema(name: "t", fields: fields),
            rows: [[.string("Nursultan Nazarbayev"), .string("[1, 2, 3, 4, 5, 6, 7, 8]"), .string("the only president the country has known")]])
        let result = try #require(try Session(tables: [table]).run("t").first)
        var options = OutputOptions()
        // Shortening: `source` gives up its width before the content does.
        options.maximumWidth = 60
        let shortened = ResultFormatter.format(result, as: .table, options: options).split(separator: "\n").map(String.init)
        #expect(shortened[2].hasPrefix(" Nursultan Nazarbayev | [1, 2, 3,… | the only"), "\(shortened[2])")
        // Hiding: `source` goes, the note stays.
        options.maximumWidth = 36
        let hidden = ResultFormatter.format(result, as: .table, options: options)
        #expect(headerCells(hidden, box: false) == ["name", "…", "note"])
        #expect(hidden.contains("(1 column hidden)"))
    }

    @Test func expandedAutoStillPrefersLinesToShortCuts() throws {
        // `.expanded auto` keeps a table only when every column is whole or at least 16 wide.
        let session = Session()
        var options = OutputOptions()
        options.maximumWidth = 60
        let visits = try #require(try session.run("visits where year = 2016").first)
        #expect(!ResultFormatter.fits(visits, as: .table, options: options))
        #expect(!ResultFormatter.format(visits, as: .table, options: options).contains("hidden"))
        let organizations = try #require(try session.run("organizations").first)
        #expect(ResultFormatter.fits(organizations, as: .table, options: options))
    }

    @Test func narrowTerminalsStillKeepTheFirstColumnWhole() throws {
        let tables = try articleTables(at: 25)
        let leaders = try #require(tables.first { $0.name == "leaders" })
        #expect(leaders.text.contains("Kassym-Jomart Tokayev"))
        #expect(leaders.text.contains("columns hidden)"))
        for (name, _, text) in tables {
            for line in text.split(separator: "\n") where !line.hasPrefix("(") {
                #expect(DisplayWidth.of(String(line)) <= 25, "\(name): \(line)")
            }
        }
    }
}
