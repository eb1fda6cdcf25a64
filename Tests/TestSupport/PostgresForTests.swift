// The PostgreSQL server the tests use: BYLINE_POSTGRES, which `Scripts/with-postgres` sets. A test
// that needs it fails when it is missing; it never skips.

import Byline

#if canImport(Glibc)
    import Glibc
#endif

/// A connection to the test server in a schema of its own, dropped when the test ends.
public struct PostgresForTests {
    /// What failed to connect, with what to do.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server's libpq URI.
    public static var uri: String? {
        guard let value = getenv("BYLINE_POSTGRES") else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// A new schema's name, unique to this process and call.
    nonisolated(unsafe) private static var counter = 0

    package let connection: DatabaseConnection
    public let schema: String

    /// Connects with `open` (the driver's constructor, from BylineDatabases), creates a fresh schema
    /// and makes it the one tables are created in and read from.
    package static func connect(
        schema prefix: String, open: (String) throws -> DatabaseConnection
    ) throws -> PostgresForTests {
        guard let uri else {
            throw Missing(description: "BYLINE_POSTGRES is not set: run the tests beside a server with Scripts/with-postgres swift test")
        }
        counter += 1
        let schema = "byline_\(prefix)_\(getpid())_\(counter)"
        let connection = try open(uri + (uri.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)")
        try connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)", bindings: [])
        return PostgresForTests(connection: connection, schema: schema)
    }

    /// The libpq URI of this schema, for a `byline` process.
    public var uri: String {
        let base = PostgresForTests.uri ?? ""
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    /// Removes the schema and everything in it.
    public func drop() {
        try? connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE", bindings: [])
        connection.close()
    }
}
