// A Byline session on Spark as a person at the keyboard has it: `byline --db sc://…` on a
// pseudo-terminal, a query that keeps the cluster busy for a minute or more, Ctrl-C, and the next query.
// Beside a server (BYLINE_SPARK_URL, which Scripts/with-spark sets); without one it fails, not
// skips, as the other Spark tests do:
//   Scripts/with-spark swift test --skip-build --filter SparkSession

import Foundation
import Byline
import BylineShell
import BylineSpark
import Testing
import TestSupport

@Suite(.serialized) struct SparkSessionTests {
    /// Ctrl-C while Spark is still planning the query (0.3 s after Enter) and while its tasks run
    /// (4 s after): the shell says "cancelled" within a second, and the next query answers. Had the
    /// interrupt been lost, the next query would wait behind the first one's tasks, which hold
    /// both executors' cores. The long query reads a Spark table (a hundred rows, stored first), so it
    /// runs on the cluster, not in Byline's own engine.
    @Test(arguments: [0.3, 4.0])
    func ctrlCStopsALongSparkQueryAndTheNextQueryRuns(after delay: Double) throws {
        let url = try SparkGoldenTests.address()
        // The Spark table the long query reads, stored before the shell starts. Seen once in CI
        // (4 December 2026): Spark answered the rename that puts a stored table in place with
        // TABLE_OR_VIEW_NOT_FOUND for the table it had just made (issue #33, not yet explained).
        // Storing is not what this test checks: a failed store is printed and tried again.
        var stored = false
        for attempt in 1...3 where !stored {
            let errors = BufferSink()
            let connection = try SparkConnection(url)
            let session = Session()
            try session.open(connection)
            let outcome = ScriptRunner(session: session, output: BufferSink(), errors: errors)
                .run(SourceFile(name: "<setup>", text: "range(100) select value as n, 1 as one save table session_one"))
            session.closeDatabase()
            stored = outcome == .success
            if !stored { print("ctrlCStopsALongSparkQueryAndTheNextQueryRuns: storing session_one failed (attempt \(attempt)): \(errors.text)") }
        }
        try #require(stored, "session_one could not be stored in Spark")
        let workspace = try ShellTests.Workspace()
        let terminal = try PseudoTerminal(executable: BylineBinary.url.path, arguments: ["--db", url], environment: workspace.environment())
        terminal.keepAlive = workspace.temporary
        try terminal.expect("byline> ", timeout: 60)
        // The query runs on the cluster (explain says so) and would take hours there: each
        // of the range's rows meets all of session_one's hundred, and the condition reads both
        // sides, so Spark cannot filter before it joins. Meeting one row, it took minutes on a cold
        // server, but under 4 s on one warmed by the tests before it (seen 5 December 2026: it
        // answered before Ctrl-C was typed; so did a condition on the range alone, filtered first).
        let query = "range(100000000) select value, 1 as k join session_one on k = one where to_string(value * 7919 + n) contains \"1234567\" count"
        terminal.type("explain \(query)\r")
        try terminal.expect("runs in the Spark cluster", timeout: 30)
        try terminal.expect("byline> ")
        terminal.type("\(query)\r")
        Thread.sleep(forTimeInterval: delay)
        let pressed = Date()
        terminal.type("\u{3}")
        try terminal.expect("cancelled", timeout: 30)
        let took = Date().timeIntervalSince(pressed)
        print("ctrlCStopsALongSparkQueryAndTheNextQueryRuns(after: \(delay)): cancelled \(took) s after Ctrl-C")
        #expect(took < 1.0, "the shell said cancelled \(took) s after Ctrl-C")
        try terminal.expect("byline> ")
        terminal.type("range(5) select value, 1 as k join session_one on k = one count\r")
        let next = try terminal.expect("(1 row)", timeout: 60)
        #expect(next.contains("500"), "\(next)")
        // Ctrl-D once the prompt is back, as the other shell tests type it: typed while the query's
        // rows are still being printed, the terminal is not yet readline's, and the kernel's line
        // discipline keeps an end-of-file typed on an empty line as a NUL byte, which readline
        // then reads as Ctrl-@ (seen in CI, 5 December 2026: the shell sat at its prompt).
        try terminal.expect("byline> ")
        terminal.type("\u{4}")
        #expect(terminal.waitForExit(timeout: 30) == 0)
    }

    /// A result of many Arrow batches is written batch by batch: its first rows are out before
    /// Spark's last batch has been read (had the result been gathered first, every batch would
    /// have been read by the first write), and the text is what the gathered result prints.
    @Test(arguments: [OutputFormat.csv, .json, .line])
    func resultsAreWrittenBatchByBatch(as format: OutputFormat) throws {
        let connection = try SparkConnection(try SparkGoldenTests.address())
        let session = Session()
        try session.open(connection)
        defer { session.closeDatabase() }
        let errors = BufferSink()
        // Spark hands a result back in Arrow batches of at most 10,000 rows.
        let stored = ScriptRunner(session: session, output: BufferSink(), errors: errors)
            .run(SourceFile(name: "<setup>", text: "range(60000) select value, to_string(value) as text save table streamed_rows"))
        try #require(stored == .success, "\(errors.text)")
        let query = "streamed_rows where value % 3 = 0 select value, text"
        let output = BatchCountingSink(connection)
        var settings = ShellSettings()
        settings.format = format
        let before = connection.batchesRead
        let outcome = ScriptRunner(session: session, settings: settings, output: output, errors: errors).run(SourceFile(name: "<query>", text: query))
        #expect(outcome == .success, "\(errors.text)")
        let batches = connection.batchesRead - before
        let first = (output.batchesReadAtWrites.first ?? connection.batchesRead) - before
        print("resultsAreWrittenBatchByBatch(\(format)): first write after \(first) of \(batches) batches, \(output.batchesReadAtWrites.count) writes")
        #expect(batches > 1, "Spark sent the result as one batch: nothing to stream")
        #expect(first < batches, "nothing was written before Spark's last batch was read")
        let gathered = try session.run(query)
        #expect(output.text == ResultFormatter.format(try #require(gathered.last), as: format), "the streamed text differs from the gathered result's")
    }
}

/// Output that notes, at each write, how many Arrow batches the connection had read.
private final class BatchCountingSink: TextSink {
    let connection: SparkConnection
    private(set) var text = ""
    private(set) var batchesReadAtWrites: [Int] = []
    let isTerminal = false

    init(_ connection: SparkConnection) { self.connection = connection }

    func write(_ text: String) {
        batchesReadAtWrites.append(connection.batchesRead)
        self.text += text
    }
}
