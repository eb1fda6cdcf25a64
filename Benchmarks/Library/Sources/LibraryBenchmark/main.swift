// Times what an embedding program does most, in Byline and in GRDB on the same data: a query run
// with 2,000 new values, prepared once against checked (or, in SQLite, compiled) each time, and
// 100,000 rows decoded into a Swift type against read as plain rows. Each figure is the best of
// five runs, so a busy machine inflates it less. `--only byline` or `--only grdb` runs one side,
// and `--part reparsed|prepared|raw|decoded` (repeatable) only those parts (for a profiler).
import Byline
import Foundation
import GRDB

func best(of runs: Int = 5, _ body: () throws -> Void) rethrows -> Duration {
    var fastest = Duration.seconds(1_000_000)
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        fastest = min(fastest, ContinuousClock.now - start)
    }
    return fastest
}

func milliseconds(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    return String(format: "%.1f ms", value)
}

func ratio(_ a: Duration, _ b: Duration) -> String {
    String(format: "%.2fx", a / b)
}

func perSecond(_ runs: Int, _ duration: Duration) -> String {
    String(format: "%.0f/s", Double(runs) / (duration / .seconds(1)))
}

let arguments = CommandLine.arguments
let only = arguments.firstIndex(of: "--only").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
let runByline = only == nil || only == "byline"
let runGRDB = only == nil || only == "grdb"
let parts = arguments.indices.dropLast().filter { arguments[$0] == "--part" }.map { arguments[$0 + 1] }
func runs(_ part: String) -> Bool { parts.isEmpty || parts.contains(part) }

let session = Session()
let years = (0..<2000).map { 1990 + $0 % 40 }
let count = 100_000

/// One row of the 100,000: the same four fields in both libraries.
struct Big: Decodable, FetchableRecord {
    var id: Int
    var score: Double
    var name: String
    var flag: Bool
}

try session.register(table: "big", columns: [
    ("id", (0..<count).map { .integer($0) }),
    ("score", (0..<count).map { .float(Double($0) / 7) }),
    ("name", (0..<count).map { .string("name \($0 % 977)") }),
    ("flag", (0..<count).map { .bool($0 % 3 == 0) }),
])

print("| what | Byline | GRDB |")
print("|---|---:|---:|")

// MARK: - Byline

var bylineFigures: [String: Duration] = [:]
if runByline {
    let query = "visits where year = $y select visitor, destination"
    if runs("reparsed") {
        bylineFigures["reparsed"] = try best { for year in years { _ = try session.run(query, parameters: ["y": year]) } }
    }
    if runs("prepared") {
        let prepared = try session.prepare(query, parameters: ["y": 2016])
        bylineFigures["prepared"] = try best { for year in years { _ = try prepared.run(parameters: ["y": year]) } }
    }
    if runs("raw") { bylineFigures["raw"] = try best { _ = try session.run("big")[0].rows } }
    if runs("decoded") { bylineFigures["decoded"] = try best { _ = try session.rows(Big.self, "big") } }
}

// MARK: - GRDB, on the same data

var grdbFigures: [String: Duration] = [:]
if runGRDB {
    let database = try DatabaseQueue()
    let visits = try session.run("visits")[0]
    try database.write { db in
        let columns = visits.fields.map { "\"\($0.name)\"" }.joined(separator: ", ")
        try db.execute(sql: "CREATE TABLE visits (\(columns))")
        let insert = try db.makeStatement(
            sql: "INSERT INTO visits VALUES (\(visits.fields.map { _ in "?" }.joined(separator: ", ")))")
        for row in visits {
            let values: [(any DatabaseValueConvertible)?] = row.map { value in
                switch value {
                case .integer(let number): number
                case .float(let number): number
                case .string(let text): text
                case .bool(let flag): flag
                case .null: nil
                default: value.literal
                }
            }
            try insert.execute(arguments: StatementArguments(values))
        }
        try db.execute(sql: "CREATE TABLE big (id INTEGER, score REAL, name TEXT, flag BOOLEAN)")
        let big = try db.makeStatement(sql: "INSERT INTO big VALUES (?, ?, ?, ?)")
        for index in 0..<count {
            try big.execute(arguments: [index, Double(index) / 7, "name \(index % 977)", index % 3 == 0])
        }
    }
    let sql = "SELECT visitor, destination FROM visits WHERE year = ?"
    try database.read { db in
        grdbFigures["reparsed"] = try best { for year in years { _ = try Row.fetchAll(db, sql: sql, arguments: [year]) } }
        let statement = try db.makeStatement(sql: sql)
        grdbFigures["prepared"] = try best { for year in years { _ = try Row.fetchAll(statement, arguments: [year]) } }
        grdbFigures["raw"] = try best { _ = try Row.fetchAll(db, sql: "SELECT * FROM big") }
        grdbFigures["decoded"] = try best { _ = try Big.fetchAll(db, sql: "SELECT * FROM big") }
    }
}

func cell(_ figures: [String: Duration], _ body: ([String: Duration]) -> String?) -> String {
    body(figures) ?? "–"
}

let lines: [(String, ([String: Duration]) -> String?)] = [
    ("2,000 runs with new values, checked or compiled each time", { $0["reparsed"].map { "\(milliseconds($0)) (\(perSecond(2000, $0)))" } }),
    ("2,000 runs with new values, prepared once", { $0["prepared"].map { "\(milliseconds($0)) (\(perSecond(2000, $0)))" } }),
    ("prepared, times faster", { f in f["reparsed"].flatMap { r in f["prepared"].map { ratio(r, $0) } } }),
    ("100,000 rows of 4 fields read as plain rows", { $0["raw"].map(milliseconds) }),
    ("100,000 rows decoded into a struct", { $0["decoded"].map(milliseconds) }),
    ("decoding, times reading plain rows", { f in f["decoded"].flatMap { d in f["raw"].map { ratio(d, $0) } } }),
]
for (what, figure) in lines {
    print("| \(what) | \(cell(bylineFigures, figure)) | \(cell(grdbFigures, figure)) |")
}
