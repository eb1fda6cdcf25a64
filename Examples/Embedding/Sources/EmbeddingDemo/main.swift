// Queries the article in-process, registers a Swift table and function, and checks the answers.
// The code of the DocC articles (Byline.md, GettingStarted.md) is here as written there, so CI
// compiles and runs it; the article's Swift Testing code is in Tests/BylineTests/DocumentationExampleTests.swift.
import Byline

// MARK: - Byline.md, "Overview"

let session = Session()
let result = try session.run(#"leaders where country = "Congo" select name, title"#)[0]
for row in result {
    print(row)   // ["Felix Tshisekedi", "President"]
}

// MARK: - GettingStarted.md, "Run a query"

let trips = try session.run("visits group by destination select destination, count() as trips order by trips desc")[0]
print(trips)                                  // a small table, as the shell shows it
let names = trips.fields.map(\.name)          // ["destination", "trips"]
let top = trips[0, "destination"]             // "Israel"
for row in trips {                            // a ResultSet is a collection of rows
    print(row["destination"] ?? "", row[1].intValue ?? 0)
}
let leaders = try session.value("leaders count")   // one value: .integer(…)

// MARK: - GettingStarted.md, "Prepared queries"

let byYear = try session.prepare("visits where year = $y select visitor, destination", parameters: ["y": 2016])
for year in 2010...2020 {
    let visits = try byYear.run(parameters: ["y": year])
    print(year, visits.count)
}

// MARK: - GettingStarted.md, "Bring your own data"

struct Poll: Encodable { var country: String; var support: Double }
try session.register(table: "polls", rows: [Poll(country: "Congo", support: 0.48)])
try session.run("polls join countries on polls.country = countries.name select countries.name, support")

// MARK: - GettingStarted.md, "Add a function"

try session.register(UserFunction(name: "initials", arguments: [.string], returns: .string) { values in
    guard let name = values[0].stringValue else { return .null }
    return .string(String(name.split(separator: " ").compactMap(\.first)))
})

// MARK: - The demo's own checks: it fails loudly if the answers change.

let joined = try session.run("polls join countries on polls.country = countries.name select countries.name, support order by support desc")[0]
print(joined)
let initials = try session.value(#"leaders where country = "Congo" select initials(name)"#)

// Typed rows: a parameter is a value, never text in the query.
struct Leader: Decodable {
    var name: String
    var title: String
}
let congo = try session.rows(Leader.self, "leaders where country = $c select name, title", parameters: ["c": "Congo"])
print("typed:", congo.map { "\($0.name), \($0.title)" }.joined(separator: "; "))

// Errors are values with every diagnostic.
do {
    _ = try session.run("leaders where contry = 'Congo'")
} catch {
    let first = error.diagnostics[0]
    print("error id:", first.id, "at", first.span.map { "\($0.start)" } ?? "?")
}

guard result.count == 1, top == "Israel", names == ["destination", "trips"], leaders.intValue ?? 0 > 0, joined.count == 1,
    initials == "FT", congo.first?.name == "Felix Tshisekedi"
else {
    print("unexpected results")
    exit(1)
}
print("embedding demo: ok")

#if canImport(Glibc)
    import Glibc
#endif
