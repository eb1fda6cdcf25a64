// Times what an embedding program does most: a query run with 2,000 new values, prepared once
// against checked each time, and 100,000 rows decoded into a Swift type against read as values.
// Each figure is the best of five runs, so a busy machine inflates it less.
import Byline
import Foundation

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
    String(format: "%.2fx", (a / b))
}

let session = Session()
let query = "visits where year = $y select visitor, destination"
let years = (0..<2000).map { 1990 + $0 % 40 }

let reparsed = try best { for year in years { _ = try session.run(query, parameters: ["y": year]) } }
let prepared = try session.prepare(query, parameters: ["y": 2016])
let bound = try best { for year in years { _ = try prepared.run(parameters: ["y": year]) } }
print("2,000 runs with new values: checked each time \(milliseconds(reparsed)), prepared \(milliseconds(bound)) (\(ratio(reparsed, bound)) faster)")

struct Row: Decodable {
    var id: Int
    var score: Double
    var name: String
    var flag: Bool
}
let count = 100_000
try session.register(table: "big", columns: [
    ("id", (0..<count).map { .integer($0) }),
    ("score", (0..<count).map { .float(Double($0) / 7) }),
    ("name", (0..<count).map { .string("name \($0 % 977)") }),
    ("flag", (0..<count).map { .bool($0 % 3 == 0) }),
])
let result = try session.run("big")[0]
let raw = best { _ = result.rows }
let decoded = try best { _ = try session.rows(Row.self, "big") }
let query100k = try best { _ = try session.run("big") }
// Like for like: the query run and its rows read as values, against the query run and decoded.
let rawWithQuery = try best { _ = try session.run("big")[0].rows }
print("100,000 rows of 4 fields: read as values \(milliseconds(raw)), decoded \(milliseconds(decoded)) including the query's \(milliseconds(query100k)) (\(ratio(decoded, raw)) the time of reading)")
print("the same with the query in both: read as values \(milliseconds(rawWithQuery)), decoded \(milliseconds(decoded)) (\(ratio(decoded, rawWithQuery)))")
