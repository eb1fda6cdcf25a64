// What someone used to SQL and psql types first, met with what Byline writes instead:
// `select … from …`, `select 1 + 1`, `\dt`, `\d TABLE`, `\?`. (`like` and `between` inside a
// query are the parser's: see DiagnosticMessage.sqlLike.)
import Byline

/// Recognises SQL and psql habits in a line typed at the shell's prompt.
enum SQLHabits {
    /// What a line typed at the start of a statement means in Byline.
    enum Advice: Equatable {
        /// A psql command with a Byline equivalent: say so, then run `command`.
        case run(command: String, note: String)
        /// SQL or psql that Byline does not take: say what it writes instead.
        case explain(DiagnosticMessage)
    }

    /// psql's backslash commands and their dot-commands (`\d NAME` is `.schema NAME`).
    static let psqlCommands: [(psql: String, byline: String)] = [
        ("\\dt", ".tables"), ("\\d", ".schema"), ("\\?", ".help"), ("\\h", "help"), ("\\help", "help"), ("\\o", ".output"),
        ("\\i", ".read"), ("\\timing", ".timer"), ("\\c", ".open"), ("\\q", ".quit"),
    ]

    /// Advice for `line`, or nil when it is not an SQL habit. `refines` says whether a clause line
    /// would refine a previous query (then `select a, b` alone is Byline, not SQL).
    static func advice(for line: String, refines: Bool) -> Advice? {
        let trimmed = line.trimmingLeadingSpaces().trimmingTrailingSpaces()
        if trimmed.hasPrefix("\\") {
            let words = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
            let command = words[0].lowercased()
            let argument = words.count > 1 ? " " + words[1] : ""
            guard let match = psqlCommands.first(where: { $0.psql == command }) else {
                return .explain(.psqlCommand(words[0], instead: nil))
            }
            let byline = match.byline + (command == "\\d" && argument.isEmpty ? "" : argument)
            let instead = command == "\\dt" || command == "\\d" && argument.isEmpty ? ".tables" : byline
            return .run(command: instead, note: "(\(words[0]) is \(instead.split(separator: " ").first ?? "") in byline)")
        }
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard let first = words.first, first.lowercased() == "select" else { return nil }
        let hasFrom = words.contains { $0.lowercased() == "from" }
        if hasFrom { return .explain(.sqlSelectFrom(translation(of: trimmed))) }
        return refines ? nil : .explain(.sqlSelectWithoutTable)
    }

    /// `select COLUMNS from TABLE [where C] [order by O] [limit N]` in Byline's order, or nil when
    /// the statement has more than that (joins, grouping): then only the rule is given.
    static func translation(of sql: String) -> String? {
        var text = sql
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingTrailingSpaces() }
        let pattern = #/(?i)^select\s+(?<columns>.+?)\s+from\s+(?<table>[A-Za-z_][A-Za-z0-9_]*)(?:\s+where\s+(?<condition>.+?))?(?:\s+order\s+by\s+(?<order>.+?))?(?:\s+limit\s+(?<limit>\d+))?$/#
        guard let match = text.wholeMatch(of: pattern) else { return nil }
        var query = String(match.table)
        if let condition = match.condition { query += " where " + condition }
        let columns = String(match.columns).trimmingTrailingSpaces()
        if columns.lowercased() == "count(*)" {
            return query + " count"
        }
        if columns != "*" { query += " select " + columns }
        if let order = match.order { query += " order by " + order }
        if let limit = match.limit { query += " limit " + limit }
        return query
    }
}
