// The grammar fuzzer widened to what only the command line reaches: scripts that mix the grammar
// fuzzer's queries with load and save, dot-commands (.output, .once, .read, .open, .import,
// .push, .param, .memory, .threads, modes), windows, statistics, `distinct by`, charts and
// hostile file names, with the command line's own options (--safe, --db, --memory, --threads,
// --arg/--argjson, a `ulimit -v`, standard output on /dev/full). GrammarFuzz --shell runs each
// script through the built binary; ShellFuzzer only writes them.

import Byline

/// Builds scripts and command lines for the built `byline` binary, run in a folder holding
/// `ShellFuzzer.files`.
public struct ShellFuzzer {
    public var grammar: GrammarFuzzer

    public init(seed: UInt64) {
        grammar = GrammarFuzzer(seed: seed)
    }

    // MARK: - The folder a script runs in

    /// The data files every script's folder starts with, by name.
    public static let files: [(name: String, text: String)] = [
        ("a.csv", "i,s,f,d\n1,x,0.5,2016-03-09\n2,\"\u{1B}]0;pwned\u{7}\",1e308,2016\n-3,\"multi\nline\",-0.0,\n,,,\n9223372036854775807,é,5e-324,--06-09\n"),
        ("b.tsv", "k\tv\nCongo\t1\nIsrael\t2\nCongo\t3\n"),
        ("c.json", "[{\"k\": \"Congo\", \"n\": 1, \"l\": [1, 2]}, {\"k\": \"x\\u001b[31m\", \"n\": 2.5, \"l\": []}, {\"k\": null, \"n\": null, \"l\": null}]"),
        ("d.jsonl", "{\"k\": \"a\", \"n\": 1}\n{\"k\": \"b\", \"n\": -9223372036854775808}\n"),
        ("bad.json", "[{\"a\": 00012}]"),
        ("empty.csv", ""),
        ("header.csv", "a,b\n"),
        ("nul.csv", "a,b\n1,\u{0}\n"),
        ("ragged.csv", "a,b\n1\n1,2,3\n"),
        ("sub.byl", "load \"b.tsv\" as sub\nsub group by k select k, sum(v) as total\n"),
        ("self.byl", ".read self.byl\n"),
        ("bad.byl", "range(3) where\n"),
    ]

    /// Fields of the tables the data files load as (nil: the file does not load).
    static let loadedFields: [String: [(String, DataType)]] = [
        "a.csv": [("i", .integer), ("s", .string), ("f", .float), ("d", .date)],
        "b.tsv": [("k", .string), ("v", .integer)],
        "c.json": [("k", .string), ("n", .float)],
        "d.jsonl": [("k", .string), ("n", .integer)],
        "big.csv": [("n", .integer), ("t", .string)],
    ]

    /// A larger file, made once per folder: `rows` rows of a number and a text.
    public static func bigFile(rows: Int) -> String {
        var text = "n,t\n"
        for row in 0..<rows { text += "\(row),text \(row % 977)\n" }
        return text
    }

    // MARK: - Names

    /// Files to read: the data files, missing and hostile names, devices and a folder.
    static let readNames: [String] = [
        "a.csv", "b.tsv", "c.json", "d.jsonl", "big.csv", "bad.json", "empty.csv", "header.csv", "nul.csv", "ragged.csv", "missing.csv",
        "dir", "/dev/null", "/dev/zero", "/dev/urandom", "/dev/full", "x\u{1B}]0;pwned\u{7}.csv", "line\nforged: error: fake.csv",
        String(repeating: "n", count: 3000) + ".csv", "../outside.csv", "", "a.csv/", "sub.byl", "out.csv",
    ]
    /// Files to write.
    static let writeNames: [String] = [
        "out.csv", "out.json", "out.jsonl", "out.tsv", "out.md", "out.txt", "out", "/dev/full", "/dev/null", "dir", "sub/deep/out.csv",
        "a.csv", "x\u{1B}]0;pwned\u{7}.csv", "../outside.csv", "", "out.sqlite",
    ]
    /// Databases to open.
    static let databases: [String] = [
        "db.sqlite", "db.sqlite", "new.sqlite", "a.csv", "missing/db.sqlite", "/dev/null", "x\u{1B}]0;t\u{7}.sqlite", "postgres://nobody@127.0.0.1:1/none",
    ]

    mutating func chance(_ percent: Int) -> Bool { grammar.chance(percent) }
    mutating func pick<T>(_ items: [T]) -> T { grammar.pick(items) }
    mutating func below(_ count: Int) -> Int { grammar.random.below(count) }

    /// A name as a Byline string literal, its control characters escaped.
    static func literal(_ name: String) -> String {
        var text = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: text += "\\u{\(String(scalar.value, radix: 16))}"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    // MARK: - Command lines

    /// One run: the options before the script, the address-space limit in KiB (nil: none), and
    /// whether standard output goes to /dev/full.
    public struct Invocation {
        public var options: [String]
        public var addressSpaceKiB: Int?
        public var standardOutputFull: Bool
        public var safe: Bool { options.contains("--safe") }
        public var database: String? { options.firstIndex(of: "--db").map { options[$0 + 1] } }
    }

    /// The command line's options for a script. Every run has a memory bound (a `--memory` or a
    /// `ulimit -v`), so a query the fuzzer makes huge is refused rather than taking the machine.
    public mutating func invocation() -> Invocation {
        var options: [String] = []
        var addressSpace: Int?
        if chance(30) { options.append("--safe") }
        if chance(25) { options += ["--db", pick(["db.sqlite", "fresh.sqlite"])] }
        if chance(50) { options += ["--threads", pick(["1", "2", "4", "32"])] }
        if chance(70) {
            options += ["--memory", pick(["64K", "1M", "16M", "64M", "256M", "512M"])]
            if chance(20) { addressSpace = pick([1_000_000, 2_000_000]) }
        } else {
            addressSpace = pick([600_000, 1_000_000, 2_000_000])
        }
        if chance(20) { options += ["--format", pick(["json", "jsonl", "csv", "tsv", "markdown", "line", "box"])] }
        if chance(80) { options.append("--keep-going") }
        if chance(20) { options.append("--no-article") }
        if chance(40) {
            options += ["--argjson", "n=3", "--argjson", "big=9223372036854775807", "--argjson", "x=-0.0", "--arg", "s=e\u{301}", "--arg", "empty="]
            options += ["--argjson", "flag=true"]
        }
        if chance(10) { options += ["--data", pick(["a.csv", "b.tsv", "c.json", "missing.csv", "/dev/zero", "nul.csv"])] }
        return Invocation(options: options, addressSpaceKiB: addressSpace, standardOutputFull: chance(8))
    }

    // MARK: - Scripts

    /// A script of three to ten statements and commands. `tables` are the article's tables with
    /// their fields (empty under --no-article: the script then loads or makes its own).
    public mutating func script(tables: [String: [(String, DataType)]]) -> String {
        var known = tables
        known["range_t"] = nil
        var lines: [String] = []
        if known.isEmpty || chance(40) {
            let file = pick(["a.csv", "b.tsv", "c.json", "d.jsonl", "big.csv"])
            lines.append("load \(ShellFuzzer.literal(file)) as t0")
            known["t0"] = ShellFuzzer.loadedFields[file]
        }
        if known.isEmpty { known["t0"] = [("i", .integer)] }
        for _ in 0..<(3 + below(8)) {
            switch below(24) {
            case 0, 1:
                let file = pick(ShellFuzzer.readNames)
                let name = "t\(below(3))"
                lines.append("load \(ShellFuzzer.literal(file))" + (chance(70) ? " as \(name)" : ""))
                if let fields = ShellFuzzer.loadedFields[file] { known[name] = fields }
            case 2, 3:
                lines.append(query(known) + " save \(ShellFuzzer.literal(pick(ShellFuzzer.writeNames)))")
            case 4:
                lines.append(".output \(chance(80) ? pick(ShellFuzzer.writeNames) : "")")
            case 5:
                lines.append(".once \(pick(ShellFuzzer.writeNames))")
                lines.append(query(known))
            case 6:
                lines.append(".read \(pick(["sub.byl", "self.byl", "bad.byl", "missing.byl", "out.txt", "dir", "/dev/zero", "x\u{1B}]0;t\u{7}.byl"]))")
            case 7:
                lines.append(".open \(pick(ShellFuzzer.databases))")
            case 8:
                lines.append(pick([
                    ".import \(pick(["a.csv", "b.tsv", "c.json", "missing.csv", "/dev/zero", "bad.json"])) imp\(below(2))",
                    ".push \(pick(["article", "leaders", "t0", "v0", "nothing"]))", ".tables", ".schema", ".schema t0", ".close",
                ]))
            case 9:
                let name = "s\(below(2))"
                lines.append("range(\(pick(["3", "1000", "100000"]))) \(chance(50) ? "select value, value * 2 as w" : "") save table \(name)")
                if chance(50) { lines.append("\(name) count") }
            case 10:
                lines.append(".param " + pick([
                    "set n 3", "set zip 02134", "set s \"e\u{301}\"", "set big 9223372036854775808", "set x 1e308", "set flag true",
                    "set l [1, 2]", "unset n", "clear", "list", "set", "set n",
                ]))
            case 11:
                lines.append(".memory \(pick(["", "64K", "1M", "16M", "256M", "0", "99999999T", "x"]))")
            case 12:
                lines.append(".threads \(pick(["", "1", "2", "4", "0", "300", "-1"]))")
            case 13:
                lines.append(pick([
                    ".mode \(pick(["table", "box", "json", "jsonl", "csv", "tsv", "markdown", "line", "nothing"]))", ".headers \(pick(["on", "off"]))",
                    ".nullvalue \(pick(["NULL", "\u{1B}[31m", ""]))", ".width \(pick(["20 0 8", "0", "none", "-1", "99999999999"]))",
                    ".expanded \(pick(["on", "off", "auto"]))", ".maxrows \(pick(["0", "1", "100"]))", ".timer \(pick(["on", "off"]))",
                    ".cite \(pick(["on", "off"]))", ".help \(pick(["", "where", "over", "nothing", ".output"]))", ".pager on",
                ]))
            case 14, 15:
                lines.append(windowQuery(known))
            case 16:
                lines.append(statisticsQuery(known))
            case 17:
                // A string or a list doubled until the memory budget stops it.
                lines.append("let w0 = [{s: \"\(String(repeating: "x", count: 1000))\"}]")
                for _ in 0..<(1 + below(12)) { lines.append("let w0 = w0 select s + s as s") }
                lines.append("w0 select length(s) as n")
            case 18:
                let (text, fields) = grammar.query(known)
                let name = "v\(below(3))"
                lines.append("let \(name) = \(text)")
                known[name] = fields
            default:
                lines.append(grammar.script(tables: known))
            }
        }
        if chance(5) { lines.append(".exit \(pick(["0", "1"]))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A query from the grammar fuzzer.
    mutating func query(_ tables: [String: [(String, DataType)]]) -> String {
        grammar.query(tables).text
    }

    /// Window functions over a table: ranks, offsets, running and moving aggregates.
    mutating func windowQuery(_ tables: [String: [(String, DataType)]]) -> String {
        let source = pick(Array(tables.keys).sorted())
        let fields = tables[source] ?? []
        guard let key = fields.first else { return "\(source) count" }
        let numeric = fields.filter { $0.1 == .integer || $0.1 == .float }.map(\.0)
        var window = "over ("
        if chance(60) { window += "partition by \(pick(fields).0) " }
        if chance(70) { window += "order by \(pick(fields).0)\(chance(50) ? " desc" : "") " }
        if chance(30), window.contains("order by") { window += "rows \(pick(["0", "1", "5", "100000", "9223372036854775807"])) preceding" }
        window += ")"
        let call: String
        switch below(5) {
        case 0: call = pick(["row_number()", "rank()", "dense_rank()"])
        case 1: call = "\(pick(["lag", "lead"]))(\(key.0)\(chance(50) ? ", \(pick(["1", "0", "-1", "9223372036854775807"]))" : ""))"
        case 2: call = numeric.isEmpty ? "count()" : "\(pick(["sum", "avg", "min", "max"]))(\(pick(numeric)))"
        default: call = "count()"
        }
        var text = "\(source) select \(key.0), \(call) \(window) as w"
        if chance(30) { text += " where w <= 2" }
        if chance(20) { text += " order by w desc" }
        if chance(20) { text = "\(source) distinct by \(key.0)" }
        return text
    }

    /// Statistics aggregates, grouped or not, with a chart now and then.
    mutating func statisticsQuery(_ tables: [String: [(String, DataType)]]) -> String {
        let source = pick(Array(tables.keys).sorted())
        let fields = tables[source] ?? []
        let numeric = fields.filter { $0.1 == .integer || $0.1 == .float }.map(\.0)
        guard let value = numeric.first, let key = fields.first else { return "\(source) count" }
        let aggregate = pick(["median(\(value))", "quantile(\(value), \(pick(["0.5", "0", "1", "1.5", "-0.0"])))", "variance(\(value))", "stddev(\(value))", "corr(\(value), \(value))"])
        var text = "\(source) group by \(key.0) select \(key.0), \(aggregate) as a"
        if chance(40) { text += " chart \(pick(["bar", "timeline", "pie"]))" }
        return text
    }
}
