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

    /// SQL that makes the tables in DuckDB, with their rows (and settings that come first).
    var setup: [String] = []

    /// An oracle for the main generator's SQL, which is written for SQLite (QueryGenerator):
    /// `/` of integers divides them (SQLite's, which `div` is), and a division by zero is null.
    static func forSQLiteQueries() -> DuckDBOracle {
        var oracle = DuckDBOracle()
        oracle.setup = [
            "SET integer_division = true", "SET error_on_division_by_zero = false",
            // SQLite's ln and sqrt are null where they are undefined, as Byline's are; DuckDB's
            // are -inf or nan there.
            "CREATE MACRO byline_ln(x) AS CASE WHEN x > 0 THEN ln(x) END",
            "CREATE MACRO byline_sqrt(x) AS CASE WHEN x >= 0 THEN sqrt(x) END",
        ]
        return oracle
    }

    /// The main generator's SQL for SQLite (QueryGenerator) as DuckDB reads it with the same
    /// meaning; each rewrite is a spelling, never a change of what the query asks:
    /// - a float literal is a DOUBLE (DuckDB reads `2.5` as a DECIMAL, exact where Byline's and
    ///   SQLite's floats round);
    /// - `CAST(… AS REAL)` is `AS DOUBLE` (DuckDB's REAL has 32 bits, SQLite's 64);
    /// - `char(9, 10, …)` is `chr(9) || chr(10) || …`;
    /// - `ln(` and `sqrt(` are the macros above;
    /// - `GROUP BY coalesce(K, NULL), …` is `GROUP BY 1, …`, the select's first items, which are
    ///   the keys (DuckDB wants a selected key written as in the GROUP BY, SQLite does not; and
    ///   its `GROUP BY ALL` of constant keys alone is no grouping, one row even of no rows).
    static func duckdbSQL(fromSQLite sql: String) -> String {
        var text = sql.replacingOccurrences(of: " AS REAL)", with: " AS DOUBLE)")
        let codes = QueryGenerator.whiteSpace.dropFirst("char(".count).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        text = text.replacingOccurrences(of: QueryGenerator.whiteSpace, with: "(" + codes.map { "chr(\($0))" }.joined(separator: " || ") + ")")
        if let group = text.range(of: " GROUP BY ") {
            let end = text.range(of: ") AS q WHERE ", range: group.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
            // The keys are separated by the commas outside parentheses and quotes.
            var keys = 1
            var depth = 0
            var inQuotes = false
            for character in text[group.upperBound..<end] {
                switch character {
                case "'": inQuotes.toggle()
                case "(" where !inQuotes: depth += 1
                case ")" where !inQuotes: depth -= 1
                case "," where !inQuotes && depth == 0: keys += 1
                default: break
                }
            }
            text.replaceSubrange(group.lowerBound..<end, with: " GROUP BY " + (1...keys).map(String.init).joined(separator: ", "))
        }
        // Outside quoted text: numbers with a point or an exponent, and the two functions.
        var out = ""
        let characters = Array(text)
        var index = 0
        var quoted = false
        func isNamePart(_ character: Character?) -> Bool { character.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ?? false }
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                quoted.toggle()
                out.append(character)
                index += 1
                continue
            }
            if !quoted, character.isNumber, !isNamePart(index > 0 ? characters[index - 1] : nil) {
                var end = index
                while end < characters.count, characters[end].isNumber || characters[end] == "." || characters[end] == "e" || characters[end] == "E"
                    || ((characters[end] == "-" || characters[end] == "+") && end > index && "eE".contains(characters[end - 1]))
                {
                    end += 1
                }
                let number = String(characters[index..<end])
                out += number.contains(where: { ".eE".contains($0) }) ? "CAST('\(number)' AS DOUBLE)" : number
                index = end
                continue
            }
            if !quoted, !isNamePart(index > 0 ? characters[index - 1] : nil) {
                for name in ["ln(", "sqrt("] where characters[index...].starts(with: name) {
                    out += "byline_"
                }
            }
            out.append(character)
            index += 1
        }
        return out
    }

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
