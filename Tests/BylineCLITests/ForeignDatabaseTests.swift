// A database Byline did not create: a music store's tables (in the shape of the Chinook sample
// database: money as NUMERIC(10,2), dates as TIMESTAMP, primary keys, quoted mixed-case names)
// made by the databases' own tools, `sqlite3` and `psql`, from one SQL script. Every query must
// give, through --db on both, exactly the answer Byline gives in memory over the same rows loaded
// from CSV files, ties in sorts included (a table Byline did not create is read in the order of
// its primary key, which breaks ties).
import Byline
import BylineDatabases
import Foundation
import Testing
import TestSupport

@Suite struct ForeignDatabaseTests {
    /// The store's rows, made from a fixed seed: the same SQL script for both databases, and
    /// CSV files with the same values for memory.
    struct Store {
        var sql = ""
        var csv: [String: String] = [:]

        init() {
            var random = SplitMix64(state: 2026)
            func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
            let countries = ["Brazil", "Canada", "France", "Germany", "India", "USA", "Czech Republic", "Portugal"]
            let names = ["Luís", "Leonie", "François", "Bjørn", "František", "Helena", "Astrid", "Daan", "Kara", "Eduardo", "Alexandre", "Roberto"]
            let surnames = ["Gonçalves", "Köhler", "Tremblay", "Hansen", "Wichterlová", "Holý", "Schneider", "Peeters", "Nielsen", "Martins", "smith", "Silva"]
            let prices = ["0.99", "1.99"]
            let totals = ["0.99", "1.98", "3.96", "5.94", "8.91", "13.86", "25.86", "10.00"]
            sql = """
                CREATE TABLE "artists" ("ArtistId" INTEGER PRIMARY KEY, "Name" VARCHAR(120));
                CREATE TABLE "albums" ("AlbumId" INTEGER PRIMARY KEY, "Title" VARCHAR(160) NOT NULL, "ArtistId" INTEGER NOT NULL);
                CREATE TABLE "customers" ("CustomerId" INTEGER PRIMARY KEY, "FirstName" VARCHAR(40) NOT NULL, "LastName" VARCHAR(20) NOT NULL, "Country" VARCHAR(40), "SupportRepId" INTEGER);
                CREATE TABLE "invoices" ("InvoiceId" INTEGER PRIMARY KEY, "CustomerId" INTEGER NOT NULL, "InvoiceDate" TIMESTAMP NOT NULL, "BillingCountry" VARCHAR(40), "Total" NUMERIC(10,2) NOT NULL);
                CREATE TABLE "tracks" ("TrackId" INTEGER PRIMARY KEY, "Name" VARCHAR(200) NOT NULL, "AlbumId" INTEGER, "Milliseconds" INTEGER NOT NULL, "UnitPrice" NUMERIC(10,2) NOT NULL);

                """
            func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
            // Rows are inserted in a shuffled order of their keys: the order a query sees must come
            // from the key, not from how the rows were written.
            func add(_ table: String, header: String, rows: [(key: Int, sql: String, csv: String)]) {
                var shuffled = rows
                for index in shuffled.indices.reversed() where index > 0 {
                    shuffled.swapAt(index, Int(random.next() % UInt64(index + 1)))
                }
                for row in shuffled { sql += "INSERT INTO \"\(table)\" VALUES (\(row.sql));\n" }
                csv[table] = header + "\n" + rows.sorted { $0.key < $1.key }.map(\.csv).joined(separator: "\n") + "\n"
            }
            add("artists", header: "ArtistId,Name", rows: (1...20).map { id in
                let name = id == 7 ? "O'Brien & Sons" : "Artist \(id % 13)"
                return (id, "\(id), \(quoted(name))", "\(id),\(name)")
            })
            add("albums", header: "AlbumId,Title,ArtistId", rows: (1...40).map { id in
                let artist = 1 + Int(random.next() % 20)
                return (id, "\(id), \(quoted("Album \(id % 9)")), \(artist)", "\(id),Album \(id % 9),\(artist)")
            })
            add("customers", header: "CustomerId,FirstName,LastName,Country,SupportRepId", rows: (1...60).map { id in
                let (first, last, country) = (pick(names), pick(surnames), pick(countries))
                let rep = id % 5 == 0 ? "NULL" : String(3 + id % 3)
                return (id, "\(id), \(quoted(first)), \(quoted(last)), \(quoted(country)), \(rep)",
                    "\(id),\(first),\(last),\(country),\(rep == "NULL" ? "" : rep)")
            })
            add("invoices", header: "InvoiceId,CustomerId,InvoiceDate,BillingCountry,Total", rows: (1...400).map { id in
                let customer = 1 + Int(random.next() % 60)
                let date = String(format: "%04d-%02d-%02d %02d:00:00", 2009 + Int(random.next() % 5), 1 + Int(random.next() % 12),
                    1 + Int(random.next() % 28), Int(random.next() % 24))
                let (country, total) = (pick(countries), pick(totals))
                return (id, "\(id), \(customer), \(quoted(date)), \(quoted(country)), \(total)", "\(id),\(customer),\(date),\(country),\(total)")
            })
            add("tracks", header: "TrackId,Name,AlbumId,Milliseconds,UnitPrice", rows: (1...500).map { id in
                let album = 1 + Int(random.next() % 40)
                let milliseconds = 60_000 + Int(random.next() % 400_000)
                let price = pick(prices)
                return (id, "\(id), \(quoted("Track \(id % 50)")), \(album), \(milliseconds), \(price)",
                    "\(id),Track \(id % 50),\(album),\(milliseconds),\(price)")
            })
        }
    }

    /// Queries an analyst writes over such a store, each chosen to meet a rule: money as numbers,
    /// ties in sorts and in groups, timestamps as text, joins, aggregates, case-insensitive patterns.
    static let queries = [
        "invoices order by Total desc limit 8 select InvoiceId, Total",
        "invoices select max(Total) as most, min(Total) as least, count() as n",
        "invoices group by BillingCountry select BillingCountry, count() as n, round(sum(Total), 2) as total order by total desc",
        "invoices where Total > 5 count",
        "invoices where Total = 25.86 select InvoiceId",
        "customers join invoices on customers.CustomerId = invoices.CustomerId group by customers.Country select customers.Country as country, count() as n order by n desc",
        "albums join artists on albums.ArtistId = artists.ArtistId select artists.Name as artist, Title order by artist limit 12",
        "invoices where InvoiceDate >= \"2012-01-01\" and InvoiceDate < \"2013-01-01\" select InvoiceId, InvoiceDate order by InvoiceDate desc limit 6",
        "customers order by Country limit 9 select CustomerId, FirstName, Country",
        "customers order by LastName select LastName distinct",
        "tracks group by AlbumId select AlbumId, count() as n, round(avg(Milliseconds), 3) as length order by n desc limit 7",
        "tracks where UnitPrice > 0.99 count",
        "customers where LastName matches \"(?i)s.*\" select CustomerId, LastName",
        "customers where SupportRepId = null count",
        "customers group by SupportRepId select SupportRepId, count() as n",
        "invoices order by Total desc, InvoiceDate limit 5 select InvoiceId, InvoiceDate, Total",
        "invoices limit 5",
        // TIMESTAMP columns are timestamps in both databases, as the CSV's are in memory.
        "invoices select date_trunc(\"month\", InvoiceDate) as m group by m select m, count() as n order by n desc, m limit 6",
        "invoices where weekday(InvoiceDate) = 0 and hour(InvoiceDate) < 6 select InvoiceId, year(InvoiceDate) as y, to_string(InvoiceDate) as t order by t",
        "invoices select max(InvoiceDate) as last, min(InvoiceDate) as first, max(seconds_between(InvoiceDate, to_timestamp(\"2014-01-01\"))) as s",
    ]

    @Test func everyQueryGivesMemorysAnswerInBothDatabases() throws {
        let store = Store()
        try TemporaryFolder.with("foreign") { folder in
            var data: [String] = []
            for (table, text) in store.csv.sorted(by: { $0.key < $1.key }) {
                _ = try folder.write("\(table).csv", text)
                data += ["--data", "\(table).csv"]
            }
            let script = try folder.write("store.sql", store.sql)
            // SQLite's own shell makes the file.
            let sqliteFile = folder.path("store.sqlite")
            let made = try BylineBinary.runProgram("/usr/bin/sqlite3", [sqliteFile, ".read \(script)"])
            #expect(made.status == 0, "sqlite3: \(made.stderr)")
            // PostgreSQL's own client makes the tables in a fresh schema.
            let postgres = try PostgresForTests.connect(schema: "foreign") { try PostgreSQLConnection($0) }
            defer { postgres.drop() }
            let loaded = try BylineBinary.runProgram("/usr/bin/psql", ["-q", "-v", "ON_ERROR_STOP=1", "-d", postgres.uri, "-f", script])
            #expect(loaded.status == 0, "psql: \(loaded.stderr)")
            for query in Self.queries {
                let memory = try BylineBinary.run(["--no-article", "--format", "csv"] + data + ["-c", query], in: folder.url)
                #expect(memory.status == 0, "\(query): \(memory.stderr)")
                for location in [sqliteFile, postgres.uri] {
                    let database = try BylineBinary.run(["--no-article", "--format", "csv", "--db", location, "-c", query], in: folder.url)
                    #expect(
                        database.stdout == memory.stdout && database.status == 0,
                        "\(query)\nin memory:\n\(memory.stdout)\nin \(location):\n\(database.stdout)\(database.stderr)")
                }
            }
        }
    }

    /// list() gathers its values in the rows' order in both databases, as in memory, after a sort
    /// and within groups (it ignored the order before).
    @Test func listFollowsRowOrderInBothDatabases() throws {
        let setUp = "range(1, 3001) select value as id, value % 7 as g, (value * 7919) % 1000 as k save table tl"
        let queries = [
            "tl order by k desc, id select list(id) as l",
            "tl order by k, id desc group by g select g, list(id) as l",
            "tl where id < 50 group by g select g, list(k) as l",
            "tl order by id desc limit 20 select list(k) as l",
        ]
        try TemporaryFolder.with("foreign") { folder in
            let postgres = try PostgresForTests.connect(schema: "lists") { try PostgreSQLConnection($0) }
            defer { postgres.drop() }
            for location in [folder.path("lists.sqlite"), postgres.uri] {
                let made = try BylineBinary.run(["--no-article", "--db", location, "-c", setUp], in: folder.url)
                #expect(made.status == 0, "\(made.stderr)")
                for query in queries {
                    let memory = try BylineBinary.run(["--no-article", "--format", "csv", "-c", "let tl = " + setUp.dropLast(" save table tl".count) + "\n" + query])
                    let database = try BylineBinary.run(["--no-article", "--format", "csv", "--db", location, "-c", query], in: folder.url)
                    #expect(memory.status == 0, "\(memory.stderr)")
                    #expect(database.stdout == memory.stdout, "\(query) in \(location):\n\(database.stdout)\(database.stderr)\nin memory:\n\(memory.stdout)")
                }
            }
        }
    }
}
