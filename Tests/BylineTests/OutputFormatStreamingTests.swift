// Results written part by part as a database hands them over (ResultStreamWriter): the text must
// be byte for byte what the whole result prints, however the rows are split into parts.
import Testing
import TestSupport

@testable import Byline

@Suite struct OutputFormatStreamingTests {
    private static let fields = [Field(name: "text", type: .string), Field(name: "n", type: .integer), Field(name: "l", type: .list(.string))]

    private static func rows(_ count: Int) -> [[Value]] {
        let texts = ["plain", "comma, \"quote\"\nnewline", "日本語 😀", "tab\there|pipe", "", "12"]
        return (0..<count).map { index in
            [index % 7 == 3 ? .null : .string(texts[index % texts.count]), index % 5 == 4 ? .null : .integer(index - 3),
             index % 4 == 0 ? .list([.string("a"), .string("b")]) : .list([])]
        }
    }

    /// Every streaming format, results of 0, 1, 2 and 57 rows cut into parts at random places
    /// (empty parts among them), with and without headers: the parts' text is the whole's.
    @Test func partsPrintWhatTheWholeResultPrints() {
        var random = SplitMix64(state: 33)
        for format in OutputFormat.allCases where ResultStreamWriter.streams(format) {
            for count in [0, 1, 2, 57] {
                for headers in [true, false] {
                    var options = OutputOptions()
                    options.headers = headers
                    let whole = ResultSet(fields: Self.fields, rows: Self.rows(count))
                    var expected = ""
                    #expect(ResultFormatter.write(whole, as: format, options: options) { expected += $0; return true })
                    for _ in 0..<5 {
                        var writer = ResultStreamWriter(fields: Self.fields, format: format, options: options)
                        var text = ""
                        var start = 0
                        while start < count {
                            let end = min(count, start + Int(random.next() % 9))
                            #expect(writer.write(whole.slice(start..<end)) { text += $0; return true })
                            start = end
                        }
                        #expect(writer.finish { text += $0; return true })
                        #expect(text == expected, "\(format), \(count) rows, headers \(headers)")
                    }
                }
            }
        }
    }

    /// Tables and boxes size their columns from every row: they are not written in parts.
    @Test func tablesAreNotStreamed() {
        #expect(!ResultStreamWriter.streams(.table))
        #expect(!ResultStreamWriter.streams(.box))
        #expect(OutputFormat.allCases.filter(ResultStreamWriter.streams) == [.json, .jsonl, .csv, .tsv, .markdown, .line])
    }

    /// A sink that says stop stops the writer, which says so.
    @Test func aSinkThatSaysStopStopsTheWriter() {
        var writer = ResultStreamWriter(fields: Self.fields, format: .csv)
        let whole = ResultSet(fields: Self.fields, rows: Self.rows(10))
        #expect(!writer.write(whole) { _ in false })
    }
}
