// The Spark Connect client against a real server (BYLINE_SPARK_URL, which Scripts/with-spark sets):
// Spark's types through Arrow, results of many batches, Spark's errors with their classes, an
// interrupted operation, and tasks on both executors of the local cluster. Without a server these
// tests fail, not skip: a CI run that silently skipped them would pass without testing anything.
//   Scripts/with-spark swift test --skip-build --filter Spark

import Foundation
import Testing

@testable import SparkConnect

/// The server of the tests, connected once per test.
enum SparkForTests {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func client() throws -> SparkConnectClient {
        guard let url = ProcessInfo.processInfo.environment["BYLINE_SPARK_URL"] else {
            throw Missing(description: "BYLINE_SPARK_URL is not set: run the tests beside a server with Scripts/with-spark swift test --skip-build --filter Spark")
        }
        guard let address = SparkConnectAddress(url) else { throw Missing(description: "BYLINE_SPARK_URL is not an sc:// address: \(url)") }
        return try SparkConnectClient(address)
    }

    /// The error `body` throws, nil when it throws none.
    static func failure(_ body: () throws(SparkError) -> Void) -> SparkError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }
}

@Suite(.serialized) struct SparkConnectClientTests {
    @Test func readsSparkTypesThroughArrow() throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        let batches = try spark.collect(
            """
            SELECT CAST(NULL AS INT) AS nothing, true AS flag, CAST(-7 AS TINYINT) AS tiny, CAST(300 AS SMALLINT) AS small,
              2147483647 AS medium, 9223372036854775807 AS big, CAST(1.5 AS FLOAT) AS single, 0.1D AS double,
              'héllo 𝄞' AS text, DATE'2024-02-29' AS day, CAST(-12.5 AS DECIMAL(10, 2)) AS money,
              TIMESTAMP_NTZ'1970-01-01 00:00:01.5' AS local
            """)
        let batch = try #require(batches.first)
        #expect(batches.count == 1)
        #expect(batch.rowCount == 1)
        #expect(batch.fields.map(\.name) == ["nothing", "flag", "tiny", "small", "medium", "big", "single", "double", "text", "day", "money", "local"])
        #expect(batch.columns[0] == .integer([nil]))
        #expect(batch.columns[1] == .bool([true]))
        #expect(batch.columns[2] == .integer([-7]))
        #expect(batch.columns[3] == .integer([300]))
        #expect(batch.columns[4] == .integer([2_147_483_647]))
        #expect(batch.columns[5] == .integer([Int64.max]))
        #expect(batch.columns[6] == .float([1.5]))
        #expect(batch.columns[7] == .float([0.1]))
        #expect(batch.columns[8] == .string(["héllo 𝄞"]))
        #expect(batch.columns[9] == .date([19782]))
        #expect(batch.columns[10] == .decimal([ArrowDecimal(units: -1250, scale: 2)]))
        #expect(batch.fields[11].type == .timestamp(unit: .microsecond, timezone: nil))
        #expect(batch.columns[11] == .timestamp([1_500_000]))
    }

    @Test func streamsAResultOfManyBatches() throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        let execution = try spark.execute("SELECT id, CAST(id AS STRING) AS name FROM range(0, 2000000, 1, 8)")
        var rows = 0
        var sum: Int64 = 0
        var batches = 0
        while let batch = try execution.nextBatch(isCancelled: { false }) {
            batches += 1
            rows += batch.rowCount
            if case .integer(let ids) = batch.columns[0] { sum += ids.reduce(0) { $0 + ($1 ?? 0) } }
        }
        #expect(rows == 2_000_000)
        #expect(sum == 1_999_999_000_000)
        #expect(batches >= 8)
    }

    /// A reader slower than Spark holds Spark back (HTTP/2 flow control), rather than the client
    /// queueing the whole result: at most `CallStream.highWater` messages and one read's frames (the
    /// stream's window) wait, about 8 MiB here, of a result of about 90 MiB.
    @Test func aSlowReaderHoldsTheServerBack() throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        let execution = try spark.execute("SELECT id, repeat('x', 100) AS pad FROM range(0, 800000, 1, 64)")
        var (rows, batches, largest) = (0, 0, 0)
        while let batch = try execution.nextBatch(isCancelled: { false }) {
            batches += 1
            rows += batch.rowCount
            largest = max(largest, batch.rowCount * 110)
            if batches < 24 { Thread.sleep(forTimeInterval: 0.1) }  // Spark could send the rest meanwhile
        }
        #expect(rows == 800_000)
        let (messages, bytes) = execution.mostQueued
        print("aSlowReaderHoldsTheServerBack: \(batches) batches, at most \(messages) messages (\(bytes) bytes) waited")
        #expect(batches >= 24)
        #expect(bytes <= GRPCChannel.window + CallStream.highWater * (largest + 4096), "\(bytes) bytes waited")
    }

    @Test func runsTasksOnBothExecutors() throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        // Each task asks its JVM for its process id: two executor processes, two ids.
        let batches = try spark.collect(
            "SELECT count(DISTINCT pid) AS processes FROM (SELECT reflect('java.lang.ProcessHandle', 'current') AS pid FROM range(0, 64, 1, 16))")
        #expect(batches.first?.columns.first == .integer([2]))
    }

    @Test func reportsSparkErrorsWithTheirClass() throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        let missing = try #require(SparkForTests.failure { () throws(SparkError) in _ = try spark.collect("SELECT * FROM byline_no_such_table") })
        #expect(missing.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
        #expect(missing.message.contains("byline_no_such_table"))
        #expect(!missing.isConnectionFailure)
        let overflow = try #require(SparkForTests.failure { () throws(SparkError) in _ = try spark.collect("SELECT 9223372036854775807 + id FROM range(1, 2)") })
        #expect(overflow.errorClass == "ARITHMETIC_OVERFLOW")
        // The session is still usable after an error.
        #expect(try spark.collect("SELECT 1 AS one").first?.columns.first == .integer([1]))
    }

    /// Interrupted at once (while Spark is still taking the call or planning it), a little later,
    /// and once tasks run: every time the operation ends on the server (Spark's OPERATION_CANCELED
    /// ends the stream, not the client's patience) within a second, and the session answers the
    /// next query. An interrupt sent before the server knew the operation used to be lost.
    @Test(arguments: [0.0, 0.2, -1.0])
    func interruptsAnOperationAtAnyPoint(after delay: Double) throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        // As Byline's sessions do (SparkConnection): with adaptive execution, a stage's job submitted
        // just after the interrupt runs on.
        _ = try spark.collect("SET spark.sql.adaptive.enabled=false")
        // Long enough to be running still when the interrupt comes (hours on two cores).
        let execution = try spark.execute("SELECT sum(CAST(id AS DECIMAL(38, 0)) * id) FROM range(0, 100000000000, 1, 4)")
        // Waits for Spark's own end of the operation (a shell stops waiting sooner).
        execution.endPatience = 5
        let started = Date()
        var cancelledAt: Date?
        let failure = try #require(
            SparkForTests.failure { () throws(SparkError) in
                while try execution.nextBatch(isCancelled: {
                    // A negative delay: once a progress report says tasks run (or after a minute).
                    let due = delay < 0 ? execution.runningTasks > 0 || Date().timeIntervalSince(started) > 60 : Date().timeIntervalSince(started) >= delay
                    if due, cancelledAt == nil { cancelledAt = Date() }
                    return due
                }) != nil {}
            }, "the operation finished before it was interrupted")
        #expect(failure.isInterrupted, "\(failure)")
        #expect(execution.interruptAccepted, "Spark did not say it interrupted the operation")
        #expect(execution.endedOnServer, "Spark did not end the operation within \(execution.endPatience) s of accepting the interrupt")
        if delay < 0 { #expect(execution.runningTasks > 0, "no progress report said tasks were running") }
        let stopped = Date().timeIntervalSince(try #require(cancelledAt))
        print("interruptsAnOperationAtAnyPoint(after: \(delay)): the operation stopped \(stopped) s after the interrupt, \(execution.interruptsSent) Interrupt calls")
        #expect(stopped < 2, "the operation stopped \(stopped) s after the interrupt")
        // The session answers the next query.
        #expect(try spark.collect("SELECT 2 AS two").first?.columns.first == .integer([2]))
    }

    @Test func sendsRowsAsAnArrowLocalRelation() throws {
        let spark = try SparkForTests.client()
        defer { spark.close() }
        try spark.createTemporaryView("byline_pushed", columns: ArrowStreamWriterTests.columns)
        // Spark reads the stream this client wrote: its own answers about each column (the greatest
        // text by code points, as Spark's default UTF8_BINARY collation orders).
        let batches = try spark.collect(
            """
            SELECT count(*), count(flag), sum(CAST(flag AS INT)), min(number), max(number), count(ratio), max(ratio),
              max(`name ☃`), min(length(`name ☃`)), min(day), max(day), count(nothing), typeof(max(nothing))
            FROM byline_pushed
            """)
        let batch = try #require(batches.first)
        #expect(
            batch.columns == [
                .integer([4]), .integer([3]), .integer([2]), .integer([Int64.min]), .integer([Int64.max]), .integer([3]), .float([2.5]),
                .string(["日本語 𝄞"]), .integer([0]), .date([-1]), .date([19782]), .integer([0]), .string(["void"]),
            ])
        // A larger relation, several of them in one session, replacing a view of the same name.
        let rows = 100_000
        try spark.createTemporaryView(
            "byline_pushed",
            columns: [
                ArrowColumnToWrite(name: "id", values: .integer((0..<rows).map { Int64($0) })),
                ArrowColumnToWrite(name: "text", values: .string((0..<rows).map { "row \($0)" })),
            ])
        let sums = try spark.collect("SELECT count(*), sum(id), sum(length(text)) FROM byline_pushed")
        #expect(sums.first?.columns == [.integer([Int64(rows)]), .integer([4_999_950_000]), .integer([888_890])])
    }

    @Test func aServerThatIsNotThereIsAConnectionFailure() throws {
        // Port 1 (tcpmux): nothing listens there on a test machine.
        let address = try #require(SparkConnectAddress("sc://127.0.0.1:1"))
        let failure = SparkForTests.failure { () throws(SparkError) in _ = try SparkConnectClient(address) }
        #expect(failure?.isConnectionFailure == true)
        #expect(failure?.message == "cannot connect to 127.0.0.1:1: connection refused", "\(String(describing: failure))")
    }
}

@Suite struct SparkConnectAddressTests {
    @Test(arguments: [
        ("sc://localhost", "localhost", 15002), ("sc://10.0.0.5:443", "10.0.0.5", 443), ("SC://spark.example:15003/;user_id=me", "spark.example", 15003),
        ("sc://[::1]:15010", "::1", 15010),
    ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try #require(SparkConnectAddress(text))
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test func readsTheUser() {
        #expect(SparkConnectAddress("sc://h:1/;token=x;user_id=ana")?.userID == "ana")
    }

    @Test(arguments: ["postgresql://x", "sc://", "sc://host:port", "sc://host:0", "sc://host:70000", "sc://[::1"])
    func refuses(text: String) {
        #expect(SparkConnectAddress(text) == nil)
    }
}
