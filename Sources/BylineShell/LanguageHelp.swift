// Help on the language, one entry per clause (every form of Keyword.clauseForms, the list that
// drives completion and the parser's help) and per kind of statement, each with an example that
// runs on the article's tables. `help where`, `.help join`; tests keep the lists in step.
import Byline

/// One topic of the language's help.
struct LanguageTopic: Sendable {
    /// The words as they are written (`order by`), which `help` takes.
    let name: String
    /// How it is written.
    let usage: String
    /// What it does.
    let summary: String
    /// A statement that runs on the article's tables.
    let example: String
}

enum LanguageHelp {
    /// The clauses, in the order of `Keyword.clauseForms`; a test checks that every form has one.
    static let clauses: [LanguageTopic] = [
        LanguageTopic(name: "where", usage: "where COND", summary: "keep the rows where COND is true", example: #"leaders where country = "Congo""#),
        LanguageTopic(
            name: "select", usage: "select EXPR [as NAME], ...", summary: "compute the fields of the result",
            example: "visits select visitor, year + 1 as next"),
        LanguageTopic(
            name: "order by", usage: "order by EXPR [asc|desc], ...", summary: "sort the rows (stable; nulls last)",
            example: "visits order by year desc"),
        LanguageTopic(
            name: "group by", usage: "group by EXPR, ... select ...",
            summary:
                "one row per group; select its fields and aggregates: count(), count(x), sum, avg, min, max, every(cond), any(cond), list(x), string_agg(text, separator), median(x), quantile(x, p), variance(x), stddev(x), corr(y, x)",
            example: "visits group by destination select destination, count() as trips"),
        LanguageTopic(
            name: "join", usage: "join SOURCE [as NAME] on COND", summary: "pair each row with the rows of another table where COND holds",
            example: "visits join leaders on visitor = leaders.name select visitor, title, year"),
        LanguageTopic(
            name: "left join", usage: "left join SOURCE [as NAME] on COND", summary: "as join, keeping rows without a match (their other fields are null)",
            example: "leaders left join visits on name = visits.visitor select name, visits.year"),
        LanguageTopic(
            name: "append", usage: "append SOURCE | append (QUERY)",
            summary: "the rows of another table, let name, range or query in parentheses after these (SQL's UNION ALL)",
            example: "range(2) append (range(5, 9) where value % 2 = 0)"),
        LanguageTopic(
            name: "except", usage: "except SOURCE | except (QUERY)", summary: "the distinct rows that SOURCE does not have (SQL's EXCEPT)",
            example: "let kz = [{c: \"Kazakhstan\"}]; visits select destination as c except kz"),
        LanguageTopic(
            name: "intersect", usage: "intersect SOURCE | intersect (QUERY)", summary: "the distinct rows that SOURCE also has (SQL's INTERSECT)",
            example: "let kz = [{c: \"Kazakhstan\"}]; visits select destination as c intersect kz"),
        LanguageTopic(
            name: "distinct", usage: "distinct [by EXPR, ...]",
            summary: "drop repeated rows; with by, keep the first row of each distinct key (the latest of each: order by date desc distinct by key)",
            example: "visits order by year desc distinct by destination"),
        LanguageTopic(name: "limit", usage: "limit N [offset M]", summary: "keep N rows after skipping M", example: "leaders limit 2 offset 1"),
        LanguageTopic(name: "count", usage: "count", summary: "one row with the field count: how many rows there are", example: "leaders count"),
        LanguageTopic(
            name: "save", usage: #"save "FILE""#, summary: "write the rows to a CSV, TSV, JSON or JSON-lines file (by its ending)",
            example: #"leaders save "leaders.csv""#),
        LanguageTopic(
            name: "chart", usage: "chart bar|timeline", summary: "draw a (label, number) result as bars, or dated rows as a timeline",
            example: "visits group by destination select destination, count() as trips chart bar"),
        LanguageTopic(
            name: "cite", usage: "cite", summary: "under each row, the sentences of the article it comes from",
            example: "visits where year > 2000 cite"),
    ]

    /// Statements other than a plain query, and how a query starts.
    static let statements: [LanguageTopic] = [
        LanguageTopic(
            name: "let", usage: "let NAME = QUERY", summary: "name a query's rows, to query, join or append them later",
            example: #"let kz = leaders where country = "Kazakhstan""#),
        LanguageTopic(
            name: "def", usage: "def NAME(PARAM, ...) = QUERY", summary: "a query with parameters, used as a table: NAME(ARGS)",
            example: "def since(y) = visits where year >= y"),
        LanguageTopic(
            name: "load", usage: #"load "FILE" [as NAME]"#, summary: "read a CSV, TSV or JSON file into a table (named after the file)",
            example: #"load "data.csv" as data"#),
        LanguageTopic(
            name: "explain", usage: "explain [analyze] QUERY", summary: "show the checked plan; with analyze, run it and show each step's rows and time",
            example: "explain visits where year > 2000"),
        LanguageTopic(
            name: "assert", usage: "assert (QUERY) OP VALUE", summary: "check that a query gives one value that compares as stated",
            example: "assert (leaders count) > 0"),
        LanguageTopic(
            name: "over", usage: "F(...) over ([partition by KEYS] [order by ITEMS] [rows N preceding])",
            summary:
                "a window function in a select, computed for each row from the rows of its partition in order: row_number, rank, dense_rank, lag(x[, N]), lead(x[, N]), first_value(x), last_value(x), and count, sum, avg, min, max (over the whole partition; running with order by; moving with rows N preceding); top N per group: select ..., row_number() over (...) as n where n <= N",
            example: "visits select visitor, year, rank() over (partition by destination order by year desc) as r where r = 1"),
        LanguageTopic(
            name: "range", usage: "range(STOP) or range(START, STOP)", summary: "rows of whole numbers in the field value, from START (0) up to STOP",
            example: "range(3) select value * value as square"),
    ]

    /// Conditions, and the SQL words someone new asks about first, answered with what Byline
    /// writes (found in review: `help like`, `help functions` had no answer).
    static let conditions: [LanguageTopic] = [
        LanguageTopic(
            name: "conditions", usage: "= != < <= > >= and or not in between is null contains starts with ends with matches",
            summary: "what where keeps rows by; strings in double quotes, lists in brackets; help NAME on each word",
            example: #"leaders where country in ["Israel", "Kazakhstan"] and status != "former""#),
        LanguageTopic(
            name: "case", usage: "case when COND then VALUE ... [else VALUE] end | case EXPR when VALUE then VALUE ... [else VALUE] end",
            summary: "the value of the first condition that is true (or of the first VALUE equal to EXPR; a null EXPR equals none), else the else value, else null",
            example: #"visits select visitor, case status when "completed" then "done" else "not yet" end as state"#),
        LanguageTopic(
            name: "in", usage: "EXPR [not] in [A, B, ...]", summary: "true when the value is one of the list's",
            example: #"leaders where country in ["Israel", "Kazakhstan"]"#),
        LanguageTopic(
            name: "between", usage: "EXPR [not] between LOW and HIGH", summary: "LOW <= EXPR and EXPR <= HIGH",
            example: "visits where year between 2000 and 2010"),
        LanguageTopic(
            name: "is null", usage: "EXPR is [not] null", summary: "whether the value is missing (= null is never true)",
            example: "leaders where organization is null"),
        LanguageTopic(
            name: "like", usage: #"EXPR contains "part" | starts with "a" | ends with "z" | matches "regex""#,
            summary: "there is no like in Byline: contains ignores case; matches takes a regular expression",
            example: #"leaders where name contains "net""#),
        LanguageTopic(
            name: "from", usage: "TABLE [clauses]", summary: "there is no from in Byline: a query starts with its table (SQL's select name from leaders)",
            example: "leaders select name"),
        LanguageTopic(
            name: "having", usage: "group by ... select ... where COND", summary: "there is no having in Byline: a where after the group by keeps groups",
            example: "visits group by destination select destination, count() as trips where trips > 1"),
        LanguageTopic(
            name: "union", usage: "append SOURCE [distinct]", summary: "there is no union in Byline: append the rows (UNION ALL), then distinct (UNION)",
            example: "range(2) append range(1, 3) distinct"),
    ]

    /// Every topic, sorted, for `.help` and completion after `help`.
    static let all: [LanguageTopic] = (clauses + statements + conditions).sorted { $0.name < $1.name }

    /// `help functions`: every function with its signature and what it does.
    static func functions(width: Int?) -> String {
        let names = Set(BuiltinFunctions.scalar + BuiltinFunctions.aggregates + BuiltinFunctions.window)
        let rows = names.sorted().compactMap { name in BuiltinFunctions.help(for: name).map { (usage: $0.signature, summary: $0.summary) } }
        return HelpText.wrap("Functions (help NAME shows an example):", width: width, indent: 0) + HelpText.table(rows, width: width)
    }

    /// The topic `name` (any case, spaces collapsed), if there is one.
    static func topic(_ name: String) -> LanguageTopic? {
        let words = name.lowercased().split(separator: " ").joined(separator: " ")
        return all.first { $0.name == words }
    }

    /// Help on one topic, wrapped to `width`.
    static func text(of topic: LanguageTopic, width: Int?) -> String {
        HelpText.entry(usage: topic.usage, summary: topic.summary, example: topic.example, width: width)
    }
}

/// Help laid out for a terminal: words wrapped whole at its width, with a hanging indent.
enum HelpText {
    /// `usage`, then the summary and the example indented under it.
    static func entry(usage: String, summary: String, example: String?, width: Int?) -> String {
        // A usage wider than the terminal is wrapped whole too (`help like` at 60 columns).
        var out = wrap(usage, width: width, indent: 0, hanging: 4) + wrap(summary, width: width, indent: 4)
        if let example, !example.isEmpty { out += wrap("e.g. " + example, width: width, indent: 4, hanging: 9) }
        return out
    }

    /// `text` in lines of at most `width` columns (when given), the first starting with `lead`,
    /// the rest indented by `hanging` spaces; words are never cut, and a word longer than a line
    /// stands alone on its line. Ends in a newline.
    static func wrap(_ text: String, width: Int?, lead: String, hanging: Int) -> String {
        guard let width else { return lead + text + "\n" }
        let rest = String(repeating: " ", count: hanging)
        var lines: [String] = []
        var line = lead
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// As `wrap(_:width:lead:hanging:)`, with the first line indented by `indent` spaces.
    static func wrap(_ text: String, width: Int?, indent: Int, hanging: Int? = nil) -> String {
        wrap(text, width: width, lead: String(repeating: " ", count: indent), hanging: hanging ?? indent)
    }

    /// A list of rows `usage  summary`, sorted by usage: the summaries in a column when the
    /// terminal is wide enough, else each under its usage.
    static func table(_ rows: [(usage: String, summary: String)], width: Int?) -> String {
        let column = 26
        var out = ""
        for row in rows.sorted(by: { $0.usage < $1.usage }) {
            let usage = "  " + row.usage
            if let width, width < 60 || usage.count + 2 > column {
                out += usage + "\n" + wrap(row.summary, width: width, indent: 6)
            } else if width == nil {
                out += usage + "  " + row.summary + "\n"
            } else {
                out += wrap(row.summary, width: width, lead: usage + String(repeating: " ", count: column - usage.count), hanging: column)
            }
        }
        return out
    }
}
