// A small wrapper of the system SQLite, the oracle the differential test asks for answers.

import CSQLite

/// One value as SQLite returns it.
enum SQLiteValue: Equatable {
    case null
    case integer(Int)
    case real(Double)
    case text(String)
}

/// An in-memory SQLite database.
final class SQLiteDatabase {
    private var handle: OpaquePointer?

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    init() throws {
        guard sqlite3_open(":memory:", &handle) == SQLITE_OK else {
            throw Failure(message: "cannot open an in-memory SQLite database")
        }
    }

    deinit { sqlite3_close(handle) }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw Failure(message: message + " in: " + sql)
        }
    }

    /// Inserts rows with bound values.
    func insert(into table: String, columns: Int, rows: [[SQLiteValue]]) throws {
        let marks = Array(repeating: "?", count: columns).joined(separator: ", ")
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "INSERT INTO \(table) VALUES (\(marks))", -1, &statement, nil) == SQLITE_OK else {
            throw Failure(message: lastError)
        }
        defer { sqlite3_finalize(statement) }
        for row in rows {
            sqlite3_reset(statement)
            for (offset, value) in row.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case .null: sqlite3_bind_null(statement, index)
                case .integer(let number): sqlite3_bind_int64(statement, index, Int64(number))
                case .real(let number): sqlite3_bind_double(statement, index, number)
                case .text(let text):
                    let length = Int32(text.utf8.count)
                    _ = text.withCString { byline_sqlite3_bind_text(statement, index, $0, length) }
                }
            }
            guard sqlite3_step(statement) == SQLITE_DONE else { throw Failure(message: lastError) }
        }
    }

    /// Runs a query, returning its rows, or throws SQLite's error.
    func query(_ sql: String) throws -> [[SQLiteValue]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failure(message: "cannot prepare: \(lastError)")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[SQLiteValue]] = []
        let count = sqlite3_column_count(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw Failure(message: lastError) }
            var row: [SQLiteValue] = []
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(Int(sqlite3_column_int64(statement, column))))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: row.append(.null)
                default:
                    let length = Int(sqlite3_column_bytes(statement, column))
                    if let text = sqlite3_column_text(statement, column) {
                        row.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)))
                    } else {
                        row.append(.text(""))
                    }
                }
            }
            rows.append(row)
        }
        return rows
    }

    private var lastError: String { String(cString: sqlite3_errmsg(handle)) }
}
