// CSV and TSV output read back by a reader Byline did not write: Python's `csv` module (python3 is
// on every machine that runs the tests, CI's too). Byline's own loader reading its own output would
// share the writer's blind spots: a bare carriage return left unquoted reads back fine in Byline
// and splits the record in Python, Excel and every RFC 4180 reader.
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite struct CSVOracleTests {
    /// Pieces of awkward text: separators, quotes, every line break alone and together, edge
    /// spaces, backslashes (TSV's escape), text that looks like a number, a bool or a date, and
    /// Unicode (composed and decomposed, wide, astral, a line separator).
    static let pieces = [
        "a", "b c", ",", "\"", "\"\"", "\r", "\n", "\r\n", "\n\r", "\t", " ", "  ", "\\", "\\t", "\\n", "é", "e\u{301}",
        "日本", "😀", "\u{2028}", "\u{A0}", "1", "-2.5", "true", "2016-03", "0999-05-06", "'", ";", "=1+2", "x\u{300}\"",
    ]

    static func text(_ random: inout SplitMix64) -> String {
        (0..<random.below(5)).map { _ in pieces[random.below(pieces.count)] }.joined()
    }

    /// A result of random rows: two text fields, an integer and a float; some cells null.
    static func result(seed: UInt64, rows: Int) throws -> (ResultSet, [[String]]) {
        var random = SplitMix64(state: seed)
        let fields = [
            Field(name: "text, \"one\"", type: .string), Field(name: "n", type: .integer), Field(name: "two\ttext", type: .string),
            Field(name: " f ", type: .float),
        ]
        var values: [[Value]] = []
        for _ in 0..<rows {
            values.append([
                random.below(8) == 0 ? .null : .string(text(&random)),
                random.below(8) == 0 ? .null : .integer(random.below(2001) - 1000),
                .string(text(&random)),
                random.below(8) == 0 ? .null : .float(Double(random.below(81) - 40) / 8),
            ])
        }
        let table = Table(schema: TableSchema(name: "t", fields: fields), rows: values)
        let result = try #require(try Session(tables: [table]).run("t").first)
        // What each cell must read back as: text exactly, null as an empty field, numbers as Byline
        // prints them (checked against Swift's own printing of the same numbers).
        let expected = [fields.map(\.name)] + values.map { row in
            row.map { value -> String in
                switch value {
                case .string(let text): return text
                case .integer(let number): return String(number)
                case .float(let number): return String(number)
                default: return ""
                }
            }
        }
        return (result, expected)
    }

    /// Runs a Python program over a file; its standard output, decoded from JSON.
    static func python(_ program: String, file: String) throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program, file]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed: \(message)")
        return try JSONDecoder().decode([[String]].self, from: data)
    }

    /// Compares texts scalar for scalar (Swift's `==` would call "é" and "e\u{301}" equal).
    static func differences(_ read: [[String]], _ expected: [[String]]) -> [String] {
        var found: [String] = []
        if read.count != expected.count { found.append("\(read.count) records read, \(expected.count) written") }
        for (index, (a, b)) in zip(read, expected).enumerated() {
            let same = a.count == b.count && zip(a, b).allSatisfy { Array($0.unicodeScalars) == Array($1.unicodeScalars) }
            if !same { found.append("record \(index): read \(a.map { $0.debugDescription }), wrote \(b.map { $0.debugDescription })") }
            if found.count >= 5 { break }
        }
        return found
    }

    @Test(arguments: 0..<4)
    func csvReadsBackInPythonsCSVModule(seed: UInt64) throws {
        let (result, expected) = try Self.result(seed: seed &+ 11, rows: 300)
        try TemporaryFolder.with("csv-oracle") { folder in
            let path = try folder.write("out.csv", ResultFormatter.format(result, as: .csv))
            // newline="" as the csv module asks: it, not the file layer, decides what a line break is.
            let read = try Self.python(
                "import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    print(json.dumps(list(csv.reader(f, strict=True))))",
                file: path)
            let found = Self.differences(read, expected)
            #expect(found.isEmpty, Comment(rawValue: found.joined(separator: "\n")))
        }
    }

    /// TSV is read as tab-separated lines with no quoting, then each field's escapes (`\\`, `\t`,
    /// `\n`, `\r`) undone, as PostgreSQL's COPY text format and linear TSV define them.
    @Test(arguments: 0..<4)
    func tsvReadsBackInPythonsCSVModule(seed: UInt64) throws {
        let (result, expected) = try Self.result(seed: seed &+ 101, rows: 300)
        try TemporaryFolder.with("tsv-oracle") { folder in
            let path = try folder.write("out.tsv", ResultFormatter.format(result, as: .tsv))
            let program = """
                import csv, json, sys
                def unescape(field):
                    out, i = [], 0
                    while i < len(field):
                        c = field[i]
                        if c == '\\\\' and i + 1 < len(field):
                            out.append({'\\\\': '\\\\', 't': '\\t', 'n': '\\n', 'r': '\\r'}.get(field[i + 1], '\\\\' + field[i + 1]))
                            i += 2
                        else:
                            out.append(c)
                            i += 1
                    return ''.join(out)
                with open(sys.argv[1], newline='', encoding='utf-8') as f:
                    rows = csv.reader(f, delimiter='\\t', quoting=csv.QUOTE_NONE, strict=True)
                    print(json.dumps([[unescape(x) for x in row] for row in rows]))
                """
            let read = try Self.python(program, file: path)
            let found = Self.differences(read, expected)
            #expect(found.isEmpty, Comment(rawValue: found.joined(separator: "\n")))
        }
    }

    /// The case that once survived: a bare carriage return must be quoted, or Python (and Excel)
    /// read two records.
    @Test func aBareCarriageReturnIsQuoted() throws {
        let table = Table(schema: TableSchema(name: "t", fields: [Field(name: "s", type: .string), Field(name: "n", type: .integer)]),
                          rows: [[.string("a\rb"), .integer(1)], [.string(" edge "), .integer(2)], [.string("trailing "), .integer(3)]])
        let result = try #require(try Session(tables: [table]).run("t").first)
        let csv = ResultFormatter.format(result, as: .csv)
        // Edge spaces are quoted too, for readers that trim unquoted fields (Python's
        // skipinitialspace, spreadsheets).
        #expect(csv == "s,n\n\"a\rb\",1\n\" edge \",2\n\"trailing \",3\n", "\(csv.debugDescription)")
        try TemporaryFolder.with("csv-oracle") { folder in
            let path = try folder.write("cr.csv", csv)
            let read = try Self.python(
                "import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    print(json.dumps(list(csv.reader(f))))",
                file: path)
            #expect(read == [["s", "n"], ["a\rb", "1"], [" edge ", "2"], ["trailing ", "3"]])
        }
    }
}
