// A Byline session on Spark as a person at the keyboard has it: `byline --db sc://…` on a
// pseudo-terminal, a query that keeps the cluster busy for a minute or more, Ctrl-C, and the next query.
// Beside a server (BYLINE_SPARK_URL, which Scripts/with-spark sets); without one it fails, not
// skips, as the other Spark tests do:
//   Scripts/with-spark swift test --skip-build --filter SparkSession

import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct SparkSessionTests {
    /// Ctrl-C while Spark is still planning the query (0.3 s after Enter) and while its tasks run
    /// (4 s after): the shell says "cancelled" within a second or two, and the next query answers.
    /// Had the interrupt been lost, the next query would wait behind the first one's tasks, which
    /// hold both executors' cores.
    // Not yet working: `range` runs in Byline's own engine even with --db sc://, so the session needs
    // a Spark table for its long query first (issue 33). The client-level test
    // (SparkConnectClientTests.interruptsAnOperationAtAnyPoint) covers the interrupt meanwhile.
    @Test(.disabled("the long query runs in memory: it needs a Spark table (issue 33)"), arguments: [0.3, 4.0])
    func ctrlCStopsALongSparkQueryAndTheNextQueryRuns(after delay: Double) throws {
        let url = try SparkGoldenTests.address()
        let workspace = try ShellTests.Workspace()
        let terminal = try PseudoTerminal(executable: BylineBinary.url.path, arguments: ["--db", url], environment: workspace.environment())
        terminal.keepAlive = workspace.temporary
        try terminal.expect("byline> ", timeout: 60)
        // The query runs on the cluster (explain names Spark) and would take hours there.
        let query = "range(100000000) where to_string(value * 7919) contains \"1234567\" count"
        terminal.type("explain \(query)\r")
        try terminal.expect("FROM range(", timeout: 30)
        try terminal.expect("byline> ")
        terminal.type("\(query)\r")
        Thread.sleep(forTimeInterval: delay)
        let pressed = Date()
        terminal.type("\u{3}")
        try terminal.expect("cancelled", timeout: 30)
        let took = Date().timeIntervalSince(pressed)
        print("ctrlCStopsALongSparkQueryAndTheNextQueryRuns(after: \(delay)): cancelled \(took) s after Ctrl-C")
        #expect(took < 2, "the shell said cancelled \(took) s after Ctrl-C")
        try terminal.expect("byline> ")
        terminal.type("range(5) count\r")
        let next = try terminal.expect("(1 row)", timeout: 60)
        #expect(next.contains("5"), "\(next)")
        terminal.type("\u{4}")
        #expect(terminal.waitForExit(timeout: 30) == 0)
    }
}
