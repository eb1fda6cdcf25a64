// Queries the article in-process, registers a Swift table and function, and checks the answers.
import Byline

struct Poll: Encodable {
    var country: String
    var support: Double
}

let session = Session()

// 1. A query, with typed results.
let leaders = try session.run(#"leaders where country = "Kazakhstan" select name, title order by name"#)[0]
print("fields:", leaders.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", "))
for row in leaders.rows {
    print(" -", row.map(\.description).joined(separator: ", "))
}

// 2. A table from Swift values, joined with an article table.
try session.register(table: "polls", rows: [Poll(country: "Kazakhstan", support: 0.61), Poll(country: "Congo", support: 0.48)])
let joined = try session.run("polls join countries on polls.country = countries.name select countries.name, support order by support desc")[0]
print(ResultFormatter.format(joined, as: .table), terminator: "")

// 3. A function of our own, type-checked like a built-in.
session.register(function: UserFunction(name: "percent", arguments: [.float], returns: .string) { values in
    guard case .float(let share) = values[0] else { return .null }
    return .string("\(Int((share * 100).rounded()))%")
})
let percent = try session.prepare("polls select country, percent(support) as support")
print(ResultFormatter.format(try percent.run(), as: .csv), terminator: "")

// 4. Typed rows and parameters: a parameter is a value, never text in the query.
struct Leader: Decodable {
    var name: String
    var title: String
}
let congo = try session.rows(Leader.self, "leaders where country = $c select name, title", parameters: ["c": "Congo"])
print("typed:", congo.map { "\($0.name), \($0.title)" }.joined(separator: "; "))

// 5. Errors are values with every diagnostic.
do {
    _ = try session.run("leaders where contry = 'Congo'")
} catch {
    let first = error.diagnostics[0]
    print("error id:", first.id, "at", first.span.map { "\($0.start)" } ?? "?")
}

// The demo is a check too: it fails loudly if the answers change.
guard leaders.rowCount == 3, joined.rowCount == 2, congo.first?.name == "Felix Tshisekedi" else {
    print("unexpected results")
    exit(1)
}
print("embedding demo: ok")

#if canImport(Glibc)
    import Glibc
#endif
