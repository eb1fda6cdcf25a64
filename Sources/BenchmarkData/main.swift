// Writes the benchmark's events table as CSV: deterministic, shaped like news-event data
// (20 countries, 10 kinds, 256 actors, a nearly unique url, a source_id into 100,000 sources),
// so Byline, sqlite3 and DuckDB load the same bytes; and the countries and sources tables.
// Usage: BenchmarkData ROWS EVENTS.csv COUNTRIES.csv SOURCES.csv [SOURCE_COUNT (100000)]
import Foundation

/// SplitMix64: small, fast and the same on every machine.
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

let countries: [(name: String, region: String)] = [
    ("Israel", "Middle East"), ("Kazakhstan", "Central Asia"), ("Azerbaijan", "Caucasus"), ("Congo", "Africa"),
    ("Egypt", "Africa"), ("Jordan", "Middle East"), ("Turkey", "Europe"), ("Russia", "Europe"), ("China", "East Asia"),
    ("India", "South Asia"), ("Brazil", "Americas"), ("Mexico", "Americas"), ("Canada", "Americas"),
    ("France", "Europe"), ("Germany", "Europe"), ("Japan", "East Asia"), ("Kenya", "Africa"),
    ("Uzbekistan", "Central Asia"), ("Georgia", "Caucasus"), ("Morocco", "Africa"),
]
let kinds = ["visit", "meeting", "statement", "election", "protest", "agreement", "call", "summit", "sanction", "aid"]
let syllables = ["ka", "to", "ma", "ya", "ev", "nur", "sul", "tan", "tok", "min", "ar", "fe", "lix", "shi", "se", "di"]

let arguments = CommandLine.arguments
guard arguments.count == 5 || arguments.count == 6, let rows = Int(arguments[1]), rows > 0,
    let sourceCount = arguments.count == 6 ? Int(arguments[5]) : 100_000, sourceCount > 0
else {
    FileHandle.standardError.write(Data("usage: BenchmarkData ROWS EVENTS.csv COUNTRIES.csv SOURCES.csv [SOURCE_COUNT]\n".utf8))
    exit(2)
}
var random = Generator(state: 2019)
// 256 actor names from two or three syllables; about one in eight contains "tok".
var actors: [String] = []
while actors.count < 256 {
    let parts = (0..<(2 + random.below(2))).map { _ in syllables[random.below(syllables.count)] }
    let name = parts.joined().capitalized + " " + syllables[random.below(syllables.count)].capitalized + "ov"
    if !actors.contains(name) { actors.append(name) }
}
guard let events = OutputStream(toFileAtPath: arguments[2], append: false) else { exit(1) }
events.open()
func write(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { _ = events.write(base, maxLength: buffer.count) }
    }
}
write("id,year,month,actor,actor_country,target_country,kind,mentions,tone,source_id,url\n")
let hex = Array("0123456789abcdef")
var buffer = ""
for id in 1...rows {
    let year = 1990 + random.below(30)
    let month = 1 + random.below(12)
    let actor = actors[random.below(actors.count)]
    let actorCountry = countries[random.below(countries.count)].name
    let targetCountry = countries[random.below(countries.count)].name
    let kind = kinds[random.below(kinds.count)]
    let mentions = random.below(1000) * random.below(50) / 7
    let tone = Double(random.below(2001) - 1000) / 100
    let source = 1 + random.below(sourceCount)
    var slug = ""
    var bits = random.next()
    for _ in 0..<10 {
        slug.append(hex[Int(bits & 15)])
        bits >>= 4
    }
    let url = "https://news.example/\(year)/\(month)/\(slug)"
    buffer += "\(id),\(year),\(month),\(actor),\(actorCountry),\(targetCountry),\(kind),\(mentions),\(tone),\(source),\(url)\n"
    if buffer.utf8.count > 1 << 20 {
        write(buffer)
        buffer = ""
    }
}
write(buffer)
events.close()
let table = "name,region\n" + countries.map { "\($0.name),\($0.region)\n" }.joined()
try table.write(toFile: arguments[3], atomically: true, encoding: .utf8)
// 100,000 sources: an integer key, a name and a country, for joins on an integer key.
var sources = "id,name,country\n"
for id in 1...sourceCount {
    sources += "\(id),source \(id),\(countries[random.below(countries.count)].name)\n"
}
try sources.write(toFile: arguments[4], atomically: true, encoding: .utf8)
