// Database results printed part by part, through a driver that hands over its rows in parts and
// can fail or be stopped between them (what Spark's Arrow batches do), without a server.
import Byline
import BylineShell
import Testing
import TestSupport

@Suite struct StreamedResultTests {
    /// A database of one table `numbers (n integer)` whose query hands over `parts` parts of
    /// `rowsPerPart` rows, then throws `failure` when one is given.
    final class PartedDatabase: DatabaseConnection {
        let dialect = SQLDialect.sqlite
        let location = "parted test database"
        let parts: Int
        let rowsPerPart: Int
        let failure: DatabaseError?
        /// How many parts were handed over before the query ended.
        private(set) var partsHandedOver = 0

        init(parts: Int, rowsPerPart: Int, failure: DatabaseError? = nil) {
            self.parts = parts
            self.rowsPerPart = rowsPerPart
            self.failure = failure
        }

        func query(
            _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
            row: ([Value]) throws(DatabaseError) -> Void
        ) throws(DatabaseError) {
            try query(sql, bindings: bindings, types: types, cancellation: cancellation, row: row, batchEnded: {})
        }

        func query(
            _ sql: String, bindings: [Value], types: [DataType], cancellation: CancellationFlag?,
            row: ([Value]) throws(DatabaseError) -> Void, batchEnded: () throws(DatabaseError) -> Void
        ) throws(DatabaseError) {
            for part in 0..<parts {
                for index in 0..<rowsPerPart { try row([.integer(part * rowsPerPart + index)] + Array(repeating: .null, count: max(0, types.count - 1))) }
                partsHandedOver += 1
                try batchEnded()
            }
            if let failure { throw failure }
        }

        func execute(_ sql: String, bindings: [Value], cancellation: CancellationFlag?) throws(DatabaseError) {}
        func copy(_ table: Table, into target: String, cancellation: CancellationFlag?) throws(DatabaseError) {}
        func transaction(_ body: () throws(DatabaseError) -> Void) throws(DatabaseError) { try body() }
        func close() {}

        func catalogTables() throws(DatabaseError) -> [DatabaseTable] {
            [DatabaseTable(schema: TableSchema(name: "numbers", fields: [Field(name: "n", type: .integer)]), sqlName: "numbers", columnNames: ["n"], declaredTypes: ["integer"])]
        }

        func storeTable(_ table: Table, as name: String, temporary: Bool, replacing: Bool, cancellation: CancellationFlag?) throws(DatabaseError) {}
    }

    /// Output that fails (as a full disk does) once `limit` writes have been made.
    final class FailingSink: TextSink {
        private(set) var text = ""
        private var writes = 0
        let limit: Int
        let isTerminal = false
        var writeFailure: String? { writes >= limit ? "no space left on device" : nil }

        init(failingAfter limit: Int) { self.limit = limit }

        func write(_ text: String) {
            writes += 1
            self.text += text
        }
    }

    private static func run(_ query: String, on database: PartedDatabase, format: OutputFormat, output: TextSink, errors: BufferSink) throws -> RunOutcome {
        let session = Session()
        try session.open(database)
        var settings = ShellSettings()
        settings.format = format
        return ScriptRunner(session: session, settings: settings, output: output, errors: errors).run(SourceFile(name: "<query>", text: query))
    }

    /// A query that fails after two of its parts has printed their rows, then says why.
    @Test func aQueryFailingPartWayHasPrintedItsEarlierRows() throws {
        let database = PartedDatabase(parts: 2, rowsPerPart: 3, failure: DatabaseError("the server went away"))
        let output = BufferSink()
        let errors = BufferSink()
        let outcome = try Self.run("numbers select n", on: database, format: .csv, output: output, errors: errors)
        #expect(outcome == .failure)
        #expect(output.text == "n\n0\n1\n2\n3\n4\n5\n", "\(output.text)")
        #expect(errors.text.contains("the server went away"), "\(errors.text)")
    }

    /// Output that stops taking text stops the query: no part is asked for after the write that failed.
    @Test func outputThatFailsStopsTheQuery() throws {
        let database = PartedDatabase(parts: 50, rowsPerPart: 2)
        let errors = BufferSink()
        let outcome = try Self.run("numbers select n", on: database, format: .jsonl, output: FailingSink(failingAfter: 1), errors: errors)
        #expect(outcome == .failure)
        #expect(database.partsHandedOver == 1, "\(database.partsHandedOver) parts handed over")
        #expect(errors.text.contains("no space left on device"), "\(errors.text)")
    }

    /// The table format gathers every part before it prints (its columns are sized from every
    /// row), and gives the same rows.
    @Test func theTableFormatGathersTheParts() throws {
        let database = PartedDatabase(parts: 3, rowsPerPart: 2)
        let output = BufferSink()
        let errors = BufferSink()
        #expect(try Self.run("numbers select n", on: database, format: .table, output: output, errors: errors) == .success, "\(errors.text)")
        #expect(output.text.contains("(6 rows)"), "\(output.text)")
    }

    /// A query with no rows prints what the format prints for none: the header, `[]`.
    @Test func noRowsPrintTheHeaderOrAnEmptyArray() throws {
        for (format, expected) in [(OutputFormat.csv, "n\n"), (.json, "[]\n"), (.jsonl, "")] {
            let output = BufferSink()
            let errors = BufferSink()
            let outcome = try Self.run("numbers select n", on: PartedDatabase(parts: 0, rowsPerPart: 0), format: format, output: output, errors: errors)
            #expect(outcome == .success, "\(errors.text)")
            #expect(output.text == expected, "\(format): \(output.text.debugDescription)")
        }
    }
}
