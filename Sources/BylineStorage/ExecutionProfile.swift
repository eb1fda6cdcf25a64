// What `explain analyze` shows: each physical step as it ran, with the rows it gave and its time.

import BylineCore

/// A record of one run of a plan, kept by the `Executor` when asked for.
package final class ExecutionProfile {
    package struct Entry {
        /// The step as written, with how it ran in brackets ("[radix select: 12 candidates]").
        package var operation: String
        /// Rows after the step.
        package var rows: Int
        package var duration: Duration
        /// 0 for the query's own steps, 1 for the right side of a join, and so on.
        package var depth: Int
    }

    package private(set) var entries: [Entry] = []
    /// How deep in joins the steps being run are.
    package var depth = 0
    private var notes: [String] = []
    private let clock = ContinuousClock()

    package init() {}

    package var now: ContinuousClock.Instant { clock.now }

    /// Adds to what the next recorded step says about how it ran.
    package func note(_ text: String) { notes.append(text) }

    /// Records a step that began at `start`, with the notes made since the last one.
    package func record(_ operation: String, rows: Int, since start: ContinuousClock.Instant) {
        let how = notes.isEmpty ? "" : " [" + notes.joined(separator: "; ") + "]"
        notes = []
        entries.append(Entry(operation: operation + how, rows: rows, duration: clock.now - start, depth: depth))
    }
}

extension ExecutionProfile {
    /// The record as rows, so `explain analyze` works in every output format: step, operation
    /// (indented for the right side of a join), rows, milliseconds; then the total; then `extra`
    /// lines (the SQL of a plan that ran in a database). The step is text, empty on the total and
    /// the SQL lines: they are no step, and a null there read as "null" in a table.
    package func resultSet(total: Duration, rows: Int, extra: [String] = []) -> ResultSet {
        let schema = TableSchema(
            name: "explain",
            fields: [
                Field(name: "step", type: .string), Field(name: "operation", type: .string),
                Field(name: "rows", type: .integer), Field(name: "ms", type: .float),
            ])
        func milliseconds(_ duration: Duration) -> Value {
            let (seconds, attoseconds) = duration.components
            return .float(((Double(seconds) * 1e3 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000)
        }
        var table: [[Value]] = entries.enumerated().map { index, entry in
            [.string(String(index + 1)), .string(String(repeating: "  ", count: entry.depth) + entry.operation), .integer(entry.rows), milliseconds(entry.duration)]
        }
        table.append([.string(""), .string("total"), .integer(rows), milliseconds(total)])
        for line in extra { table.append([.string(""), .string(line), .null, .null]) }
        return ResultSet(Relation(table: Table(schema: schema, rows: table)))
    }
}
