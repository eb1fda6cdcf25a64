// Random tables for the differential test: the same rows in Byline and in SQLite, drawn from
// pools that hold the values where engines disagree (the integer extremes, 2^53 and its
// neighbours, -0.0, huge floats, strings that are canonically equivalent but not equal, nulls).

import Byline
import TestSupport

/// The kinds of value a column or expression of the generated queries has.
enum ValueKind: CaseIterable {
    case integer, float, string, bool, date
}

/// A column the generator may name, in Byline and in SQL.
struct GeneratedColumn {
    var byline: String
    var sql: String
    var kind: ValueKind
    /// Whether every string in it is ASCII (case-insensitive operations are compared only there).
    var ascii: Bool
}

/// Literal and data pools.
enum Pools {
    static let integers: [Int] = [
        0, 1, -1, 2, 3, 7, 10, -5, 100, 2_147_483_647, -2_147_483_648,
        9_007_199_254_740_992, 9_007_199_254_740_993, -9_007_199_254_740_993, Int.max, Int.min, Int.max - 1,
    ]
    static let floats: [Double] = [
        0.0, -0.0, 0.5, 1.0, -1.5, 2.5, 3.25, 0.1, 1e300, -1e300, 1e-300, 9_007_199_254_740_992.0,
        9_007_199_254_740_994.0, 1e15, 123.456, -7.0, 0.125,
    ]
    static let asciiStrings = ["", "a", "A", "ab", "abc", "Abc", "b", "zz", " a ", "a b", "x1", "B", "aa"]
    /// Canonically equivalent pairs (é / e + U+0301, K / Kelvin sign, Ω / Ohm sign), case pairs,
    /// a wide character, Unicode white space, and repeats.
    /// Partial dates as (year, month, day): every precision, leap days valid in 2000, 1600 and
    /// 2016, the day before and after 1900's missing one, years before 1000 (printed with four
    /// digits), no year at all, and repeats.
    static let dates: [(Int?, Int?, Int?)] = [
        (2016, nil, nil), (2016, 3, nil), (2016, 3, 9), (2016, 2, 29), (2000, 2, 29), (1600, 2, 29), (1900, 2, 28),
        (1900, 3, 1), (999, 5, 6), (42, nil, nil), (1, 1, 1), (0, 12, nil), (9999, 12, 31), (nil, 3, nil), (nil, 2, 29),
        (nil, 6, 9), (2016, 3, 9), (2015, 12, 31),
    ]
    /// Date literals for comparisons, and whether each is a date: the invalid ones (1900 and 2100
    /// had no 29 February, three-digit years, months and days out of range) must be refused.
    static let dateLiterals: [(String, Bool)] = [
        ("2016", true), ("2016-03", true), ("2016-03-09", true), ("--03", true), ("--06-09", true), ("2000-02-29", true),
        ("1600-02-29", true), ("0999-05-06", true), ("0999", true), ("1900-02-28", true), ("--02-29", true),
        ("2004-02-29", true), ("0042", true), ("1900-02-29", false), ("2100-02-29", false), ("2015-02-29", false),
        ("2016-13", false), ("--02-30", false), ("999-05-06", false), ("2016-04-31", false),
    ]
    /// A date's ISO text, written here (not by PartialDate) so the engine's printing is checked.
    static func text(_ date: (Int?, Int?, Int?)) -> String {
        func pad(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = date.0.map { pad($0, 4) } ?? "-"
        if let month = date.1 {
            text += "-" + pad(month, 2)
            if let day = date.2 { text += "-" + pad(day, 2) }
        }
        return text
    }
    static let unicodeStrings = [
        "\u{E9}", "e\u{301}", "K", "\u{212A}", "\u{3A9}", "\u{2126}", "\u{DF}", "\u{65E5}\u{672C}", "a\u{301}",
        "\u{E9}e", "\u{A0}x\u{2003}", "caf\u{E9}", "cafe\u{301}", "", "a",
    ]
}

/// Two related tables, `t` (the main one) and `v` (for joins), with the same fields.
struct RandomTables {
    /// Fields of both tables: id, i, f, s (ASCII text), u (any text), b, d (a partial date).
    static let fields: [(name: String, kind: ValueKind, ascii: Bool)] = [
        ("id", .integer, true), ("i", .integer, true), ("f", .float, true), ("s", .string, true),
        ("u", .string, false), ("b", .bool, true), ("d", .date, true),
    ]

    var t: [[Value]]
    var v: [[Value]]

    /// Timestamps, as their text in Byline's form (which SQLite orders as time): before 1970,
    /// fractions, the first and last microsecond, a leap day, and repeats. A last field `ts` of
    /// both tables, drawn apart from the others (so the other fields' values and every query of
    /// the other generators are as they were); only `QueryGenerator.timestampQuery` reads it.
    static let timestamps = [
        "2009-01-01 00:00:00", "2009-01-01 00:00:00.5", "2009-01-01 23:59:59", "1969-12-31 23:59:59.999999", "1970-01-01 00:00:00",
        "2016-02-29 12:30:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59.999999", "2009-06-15 08:05:03.25", "2009-01-01 00:00:00",
        "2008-12-31 23:00:00", "2010-03-14 15:09:26.535897",
    ]

    /// `blocks`: how many of the engine's blocks of rows `t` spans (kernels and sorts run a block
    /// at a time, and past 4,096 rows take their radix paths).
    init(random: inout SplitMix64, blocks: Int = 0) {
        let size = blocks == 0 ? 20 + random.below(30) : blocks * 4096 + random.below(4096)
        t = RandomTables.rows(count: size, random: &random)
        v = RandomTables.rows(count: 5 + random.below(15), random: &random)
        var times = SplitMix64(state: UInt64(t.count) &* 31 &+ UInt64(v.count))
        for (index, row) in t.enumerated() { t[index] = row + [RandomTables.timestamp(&times)] }
        for (index, row) in v.enumerated() { v[index] = row + [RandomTables.timestamp(&times)] }
    }

    static func timestamp(_ random: inout SplitMix64) -> Value {
        random.below(100) < 15 ? .null : Timestamp(timestamps[random.below(timestamps.count)]).map(Value.timestamp) ?? .null
    }

    static func rows(count: Int, random: inout SplitMix64) -> [[Value]] {
        (0..<count).map { index in
            [.integer(index + 1)] + fields.dropFirst().map { field in
                random.below(100) < 15 ? .null : value(of: field.kind, ascii: field.ascii, random: &random)
            }
        }
    }

    static func value(of kind: ValueKind, ascii: Bool, random: inout SplitMix64) -> Value {
        switch kind {
        case .integer:
            return .integer(random.below(3) == 0 ? Pools.integers[random.below(Pools.integers.count)] : random.below(7) - 3)
        case .float:
            return .float(random.below(3) == 0 ? Pools.floats[random.below(Pools.floats.count)] : Double(random.below(13) - 6) / 4)
        case .string:
            let pool = ascii || random.below(2) == 0 ? Pools.asciiStrings : Pools.unicodeStrings
            return .string(pool[random.below(pool.count)])
        case .bool:
            return .bool(random.below(2) == 0)
        case .date:
            let date = Pools.dates[random.below(Pools.dates.count)]
            return .date(PartialDate(year: date.0, month: date.1, day: date.2))
        }
    }

    /// Both tables, as Byline tables.
    var tables: [Table] {
        [("t", t), ("v", v)].map { name, rows in
            Table(
                schema: TableSchema(
                    name: name, fields: RandomTables.fields.map { Field(name: $0.name, type: $0.kind.dataType) } + [Field(name: "ts", type: .timestamp)]),
                rows: rows)
        }
    }

    /// Registers both tables in a Byline session.
    /// The same tables with every date that is not a whole date made null (PostgreSQL's `date`
    /// holds no partial one), for tables a user creates with the databases' own types.
    mutating func keepWholeDates() {
        func whole(_ rows: [[Value]]) -> [[Value]] {
            rows.map { row in
                row.map { value in
                    if case .date(let date) = value, date.year == nil || date.month == nil || date.day == nil { return .null }
                    return value
                }
            }
        }
        t = whole(t)
        v = whole(v)
    }

    /// Creates `t` and `v` as a user would, with the database's own types (a primary key,
    /// NUMERIC, VARCHAR, BOOLEAN, DATE, TIMESTAMP or DATETIME), filled row by row with INSERT: tables Byline did not
    /// create, with no schema of Byline's recorded and no row numbers of its own.
    func createByHand(in connection: DatabaseConnection, postgresql: Bool) throws {
        for (name, rows) in [("t", t), ("v", v)] {
            try connection.execute("DROP TABLE IF EXISTS \(name)", bindings: [])
            try connection.execute(
                "CREATE TABLE \(name) (id bigint PRIMARY KEY, i bigint, f numeric, s varchar(20), u text, b boolean, d date, ts \(postgresql ? "timestamp" : "datetime"))",
                bindings: [])
            let placeholders =
                postgresql ? "$1, $2, CAST($3 AS numeric), $4, $5, $6, CAST($7 AS date), CAST($8 AS timestamp)" : "?, ?, ?, ?, ?, ?, ?, ?"
            for row in rows {
                var values = row
                // A double's shortest digits, which numeric keeps exactly (a bound double would be
                // cut to 15 digits by PostgreSQL's cast).
                if postgresql, case .float(let number) = row[2] { values[2] = .string("\(number)") }
                if case .date(let date) = row[6] { values[6] = .string(date.description) }
                if row.count > 7, case .timestamp(let time) = row[7] { values[7] = .string(time.description) }
                try connection.execute("INSERT INTO \(name) VALUES (\(placeholders))", bindings: values)
            }
        }
    }

    func register(in session: Session) {
        for table in tables { session.register(table) }
    }

    /// Creates and fills both tables in SQLite.
    func create(in database: SQLiteDatabase) throws {
        for (name, rows) in [("t", t), ("v", v)] {
            try database.execute("CREATE TABLE \(name) (id INTEGER, i INTEGER, f REAL, s TEXT, u TEXT, b INTEGER, d TEXT, ts TEXT)")
            try database.insert(into: name, columns: RandomTables.fields.count + 1, rows: rows.map { $0.map(RandomTables.sqlite) })
        }
    }

    static func sqlite(_ value: Value) -> SQLiteValue {
        switch value {
        case .integer(let number): return .integer(number)
        case .float(let number): return .real(number)
        case .string(let text): return .text(text)
        case .bool(let flag): return .integer(flag ? 1 : 0)
        case .date(let date): return .text(Pools.text((date.year, date.month, date.day)))
        case .timestamp(let time): return .text(time.description)
        default: return .null
        }
    }

    /// The columns of one table as the generator names them (qualified after a join).
    static func columns(of table: String, qualified: Bool) -> [GeneratedColumn] {
        fields.map { field in
            GeneratedColumn(
                byline: qualified ? "\(table).\(field.name)" : field.name, sql: "\(table).\(field.name)", kind: field.kind,
                ascii: field.ascii)
        }
    }
}

extension ValueKind {
    var dataType: DataType {
        switch self {
        case .integer: return .integer
        case .float: return .float
        case .string: return .string
        case .bool: return .bool
        case .date: return .date
        }
    }
}
