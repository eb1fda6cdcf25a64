// The facade: a session holds tables and `let` results, checks scripts, and runs statements.
import Foundation

/// A Byline session: its tables (the article's, and whatever `let` adds) and the entry points
/// that check and run source text. Both the command line and the shell call the same `check`
/// then `execute`.
///
/// A session is safe to share between threads and tasks: it serialises its work, so one call
/// runs at a time and the others wait their turn (an `async` call waits on a thread of its own,
/// never on one of Swift's cooperative pool). Sessions share the article dataset read-only,
/// without copying it; to run queries side by side, give each task its own session. (The calls
/// that open and change a database — `open`, `closeDatabase`, `refreshDatabaseTables`, `push`,
/// `store` — do not take the session's turn yet: make them before sharing the session.)
public final class Session: @unchecked Sendable {
    // Sendable by hand: every public entry point holds `lock` while it reads or changes the
    // session's state; internal helpers run inside those calls.
    /// Serialises the session's work; recursive, since public entry points call one another.
    let lock = NSRecursiveLock()

    var tables: [String: Table] = [:] { didSet { generation &+= 1 } }
    /// Counts the changes to what a check reads (tables, `def`s, functions, the database, the
    /// session's parameters, `cite`): a prepared query checked at another count is checked again
    /// before it runs, so none runs with a plan made for tables that have since changed.
    var generation = 0
    /// The memory each table holds, estimated when it was added: a query's budget is what the
    /// limit leaves beside them.
    var heldBytes: [String: Int] = [:]
    /// Table names in the order they were added, for listings.
    var localNames: [String] = []
    var letNames: Set<String> = []
    var storedDefinitions: [String: Definition] = [:] { didSet { generation &+= 1 } }
    /// Saved queries defined with `def`, by name.
    package var definitions: [String: Definition] { serialised { storedDefinitions } }
    var nameIndexCache: [String: [String: String]] = [:]

    var storedLimits = QueryLimits()
    var storedFileAccess: FileAccess = .unrestricted
    var storedLoadProgress: (@Sendable (String, Double) -> Void)?
    var storedParameters: [String: Value] = [:]
    var storedCitesEveryQuery = false { didSet { generation &+= 1 } }
    var storedCommandEffect: (@Sendable (String, inout CheckSettings) -> Void)?

    /// Bounds on every query this session runs.
    public var limits: QueryLimits {
        get { serialised { storedLimits } }
        set { serialised { storedLimits = newValue } }
    }
    /// Which files statements may read and write (`load`, `save`, and the shell's `.read`, `.output`).
    public var fileAccess: FileAccess {
        get { serialised { storedFileAccess } }
        set { serialised { storedFileAccess = newValue } }
    }
    /// Called while a `load` reads a large file, with the file and the fraction done.
    public var loadProgress: (@Sendable (String, Double) -> Void)? {
        get { serialised { storedLoadProgress } }
        set { serialised { storedLoadProgress = newValue } }
    }
    /// Values of the `$name` parameters queries use (`--arg`, `.param set`); a value is bound as a
    /// literal of its own type, never spliced into the text.
    public var parameters: [String: Value] {
        get { serialised { storedParameters } }
        set {
            serialised {
                storedParameters = newValue
                generation &+= 1
            }
        }
    }

    /// Whether every query shows the sentences its rows come from, as if it ended in `cite` (the
    /// shell's `.cite on`); queries whose rows have no `source` are shown as they are.
    public var citesEveryQuery: Bool {
        get { serialised { storedCitesEveryQuery } }
        set { serialised { storedCitesEveryQuery = newValue } }
    }

    /// Runs `body` holding the session's lock: one call at a time changes or reads its state.
    func serialised<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
    /// Names of tables loaded from files, which a later `load` may replace.
    var loadedNames: Set<String> = []
    /// The open database, whose tables queries can read (see Session+Database.swift).
    package internal(set) var database: DatabaseConnection? { didSet { generation &+= 1 } }
    /// The open database's tables, by name.
    var databaseTables: [String: DatabaseTable] = [:] { didSet { generation &+= 1 } }

    /// Creates a session over the article's tables, or over no tables when `article` is false;
    /// add your own with ``register(table:rows:)`` or ``register(table:columns:)``.
    public convenience init(article: Bool = true) {
        self.init(tables: article ? ArticleDataset.tables : [])
    }

    /// Creates a session with the given tables.
    package init(tables: [Table]) {
        for table in tables { add(table) }
    }

    var storedFunctions: [String: UserFunction] = [:] { didSet { generation &+= 1 } }
    /// Functions the host added, by lowercased name.
    public var functions: [String: UserFunction] { serialised { storedFunctions } }

    /// The schema of a table or `let` result, found case-insensitively.
    public func schema(of name: String) -> TableSchema? {
        serialised {
            if let table = databaseTable(named: name) { return table.schema }
            return table(named: name)?.schema
        }
    }

    /// A table or `let` result by name.
    package func table(named name: String) -> Table? {
        serialised { tables.value(forNameIgnoringCase: name) }
    }

    /// Whether a name was defined by `let` (as opposed to a dataset table).
    public func isBinding(_ name: String) -> Bool { serialised { letNames.contains(name) } }

    func add(_ table: Table) {
        if tables[table.schema.name] == nil { localNames.append(table.schema.name) }
        tables[table.schema.name] = table
        heldBytes[table.schema.name] = table.estimatedBytes
        nameIndexCache[table.schema.name] = nil
    }

}
