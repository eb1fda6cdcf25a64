// DuckDB as a second oracle, beside SQLite and PostgreSQL: Tests/duckdb_oracle.py runs SQL in an
// in-memory DuckDB (from PyPI, in the virtual environment Scripts/test makes) and writes each
// answer as DifferentialTests.canonical writes Byline's. Without DuckDB the tests that ask it
// fail, saying how to install it: they never skip.
import Byline
import Foundation
import TestSupport

/// An in-memory DuckDB reached through Python, holding copies of Byline tables.
struct DuckDBOracle {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python that has DuckDB: BYLINE_DUCKDB_PYTHON, else the virtual environment Scripts/test makes.
    static var python: String {
        ProcessInfo.processInfo.environment["BYLINE_DUCKDB_PYTHON"] ?? root.appendingPathComponent("Tests/.duckdb-venv/bin/python").path
    }

    /// SQL that makes the tables in DuckDB, with their rows.
    var setup: [String] = []

    /// Copies a table: integers as BIGINT, floats as DOUBLE, text (and Byline's partial dates) as
    /// VARCHAR, bools as BOOLEAN, timestamps as TIMESTAMP.
    mutating func add(_ table: Table) {
        let fields = table.schema.fields
        let columns = fields.map { field -> String in
            let type: String
            switch field.type {
            case .integer: type = "BIGINT"
            case .float: type = "DOUBLE"
            case .bool: type = "BOOLEAN"
            case .timestamp: type = "TIMESTAMP"
            default: type = "VARCHAR"
            }
            return "\"\(field.name)\" \(type)"
        }
        setup.append("CREATE TABLE \"\(table.schema.name)\" (\(columns.joined(separator: ", ")))")
        guard table.rowCount > 0 else { return }
        let rows = (0..<table.rowCount).map { row in
            "(" + fields.indices.map { DuckDBOracle.literal(table.value(row: row, field: $0)) }.joined(separator: ", ") + ")"
        }
        setup.append("INSERT INTO \"\(table.schema.name)\" VALUES " + rows.joined(separator: ", "))
    }

    static func literal(_ value: Value) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let number): return String(number)
        case .float(let number): return "CAST('\(number.isNaN ? "nan" : number.isInfinite ? (number > 0 ? "inf" : "-inf") : "\(number)")' AS DOUBLE)"
        case .bool(let flag): return flag ? "TRUE" : "FALSE"
        case .timestamp(let time): return "TIMESTAMP '\(time)'"
        case .string(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        default: return "'" + value.description.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// Each query's answer: rows of canonical values, or DuckDB's error.
    func answers(_ queries: [String]) throws -> [DifferentialTests.Outcome] {
        guard FileManager.default.isExecutableFile(atPath: DuckDBOracle.python) else {
            throw Unavailable(
                description: "DuckDB is missing: no \(DuckDBOracle.python); Scripts/test makes it "
                    + "(python3 -m venv Tests/.duckdb-venv && Tests/.duckdb-venv/bin/python -m pip install duckdb), or set BYLINE_DUCKDB_PYTHON")
        }
        return try TemporaryFolder.with("duckdb") { folder in
            let request = folder.path("request.json")
            let data = try JSONSerialization.data(withJSONObject: ["setup": setup, "queries": queries])
            try data.write(to: URL(fileURLWithPath: request))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: DuckDBOracle.python)
            process.arguments = [DuckDBOracle.root.appendingPathComponent("Tests/duckdb_oracle.py").path, request]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            // Read before waiting, so a full pipe cannot stop the process.
            let text = output.fileHandleForReading.readDataToEndOfFile()
            let failure = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Unavailable(description: "DuckDB's oracle failed (\(process.terminationStatus)): " + String(decoding: failure, as: UTF8.self))
            }
            let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
            guard lines.count == queries.count else {
                throw Unavailable(description: "DuckDB's oracle gave \(lines.count) answers to \(queries.count) queries")
            }
            return try lines.map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let rows = object?["rows"] as? [[String]] { return .rows(rows) }
                return .failure("duckdb: " + ((object?["error"] as? String) ?? String(line)))
            }
        }
    }
}
