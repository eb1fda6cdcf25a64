// A grammar-aware fuzzer: well-formed Byline statements, built production by production from
// Grammar/byline.ebnf, with boundary values in every numeric and string position (the integer
// extremes, 2^53 ± 1, ±0.0, huge floats, empty and long strings, combining marks, direction
// overrides, deep but legal nesting). Run through the library with limits on, a statement may
// succeed or fail with a diagnostic; a trap, a hang past the limit or a diagnostic without a
// place is a finding.

import Byline

/// Builds random statements over the article's tables, a boundary-value table and `range`.
public struct GrammarFuzzer {
    public var random: SplitMix64

    public init(seed: UInt64) {
        random = SplitMix64(state: seed)
    }

    // MARK: - Pools

    static let integers: [Int] = [
        0, 1, -1, 2, 10, 100, -100, 2_147_483_647, -2_147_483_648, 4_294_967_296, 9_007_199_254_740_992,
        9_007_199_254_740_993, -9_007_199_254_740_993, 100_000_000, 100_000_001, Int.max, Int.min, Int.max - 1, Int.min + 1,
    ]
    static let floats: [String] = [
        "0.0", "-0.0", "0.5", "2.5", "-2.5", "0.1", "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "1e-300",
        "9007199254740993.0", "123.456", "1e15",
    ]
    static let strings: [String] = [
        "", "a", "A", "Congo", "Israel", "Kazakhstan", "Nazarbayev", "e\u{301}", "\u{E9}", "\u{212A}", "K",
        "\u{202E}abc\u{202C}", "\u{2066}x\u{2069}", "\u{1F44D}\u{1F3FD}", "日本語", " ", "\t", "--06-09", "2016", "2016-03",
        "\\u{0}", "\\u{1b}[31m", "\\\"", "\\\\", "%", "_", "a.*", ".*", "[a-z]+", "(a|b)*c?",
    ]
    static let patterns: [String] = ["a.*", ".*", "[A-Z][a-z]+", "(ab|cd)*", "\\\\d+", "x?y+z*", "^N.*v$", "(?i)congo", ""]

    /// Fields of the boundary-value table `fz` that `registerBoundaryTable` adds.
    static let boundaryFields: [(String, DataType)] = [
        ("i", .integer), ("f", .float), ("s", .string), ("b", .bool), ("d", .date), ("l", .list(.integer)),
    ]

    /// Adds `fz`, a table whose rows hold the boundary values.
    public static func registerBoundaryTable(in session: Session) {
        var rows: [[Value]] = []
        let floatValues: [Double] = [0, -0.0, 1e308, -1e308, .infinity, -.infinity, .leastNonzeroMagnitude, 0.1, 9_007_199_254_740_992]
        let texts = ["", "a", "e\u{301}", "\u{E9}", "\u{212A}", "\u{1B}[31mred", "\u{202E}rtl", String(repeating: "long ", count: 400), "\u{85}"]
        for index in 0..<max(integers.count, 12) {
            rows.append([
                index % 7 == 6 ? .null : .integer(integers[index % integers.count]),
                index % 5 == 4 ? .null : .float(floatValues[index % floatValues.count]),
                index % 6 == 5 ? .null : .string(texts[index % texts.count]),
                index % 4 == 3 ? .null : .bool(index % 2 == 0),
                index % 3 == 2 ? .null : .date(PartialDate(year: index % 2 == 0 ? 2016 : nil, month: 1 + index % 12, day: index % 2 == 0 ? nil : 1 + index % 28)),
                .list((0..<(index % 4)).map { .integer(integers[($0 + index) % integers.count]) }),
            ])
        }
        let schema = TableSchema(name: "fz", fields: boundaryFields.map { Field(name: $0.0, type: $0.1) })
        session.register(Table(schema: schema, rows: rows))
    }

    // MARK: - Helpers

    mutating func chance(_ percent: Int) -> Bool { random.below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }

    static func literal(_ number: Int) -> String { number < 0 ? "(\(number))" : "\(number)" }

    mutating func integerLiteral() -> String {
        chance(60) ? GrammarFuzzer.literal(pick(GrammarFuzzer.integers)) : "\(random.below(20))"
    }

    mutating func floatLiteral() -> String {
        let text = pick(GrammarFuzzer.floats)
        return text.hasPrefix("-") ? "(\(text))" : text
    }

    mutating func stringLiteral() -> String {
        if chance(3) { return "\"" + String(repeating: pick(["a", "é", "e\u{301}", "👍", " "]), count: 1 + random.below(5000)) + "\"" }
        let quote = chance(80) ? "\"" : "'"
        return quote + pick(GrammarFuzzer.strings) + quote
    }

    // MARK: - Scripts

    /// A script of one to four statements. `tables` are the names a source may use, with their fields.
    public mutating func script(tables: [String: [(String, DataType)]]) -> String {
        var statements: [String] = []
        var known = tables
        for _ in 0..<(1 + random.below(4)) {
            switch random.below(10) {
            case 0:
                let name = "v\(random.below(3))"
                let (query, fields) = self.query(known)
                statements.append("let \(name) = \(query)")
                known[name] = fields
            case 1:
                let (query, _) = self.query(known)
                statements.append("explain \(query)")
            case 2:
                let (query, _) = self.query(known)
                statements.append("assert (\(query) count) \(pick(["=", "!=", ">=", "<"])) \(integerLiteral())")
            case 3:
                // A def with a parameter, then a call with a boundary value.
                let name = "q\(random.below(3))"
                let source = pick(Array(known.keys).sorted())
                let fields = known[source] ?? []
                let numeric = fields.filter { $0.1 == .integer || $0.1 == .float }
                let body = numeric.isEmpty
                    ? "\(source) where p is null" : "\(source) where \(pick(numeric).0) < p select \(numeric.map(\.0).joined(separator: ", "))"
                statements.append("def \(name)(p) = \(body)")
                statements.append("\(name)(\(chance(50) ? integerLiteral() : floatLiteral())) count")
            default:
                statements.append(query(known).text)
            }
        }
        return statements.joined(separator: chance(50) ? "\n" : "; ")
    }

    /// A query and the fields it gives (names and types as far as the generator can tell).
    public mutating func query(_ tables: [String: [(String, DataType)]]) -> (text: String, fields: [(String, DataType)]) {
        var text: String
        var fields: [(String, DataType)]
        if chance(8) {
            // An inline table of boundary values.
            let rows = (0..<(1 + random.below(3))).map { _ in "{a: \(integerLiteral()), b: \(stringLiteral()), c: \(floatLiteral())}" }
            text = "[" + rows.joined(separator: ", ") + "]"
            fields = [("a", .integer), ("b", .string), ("c", .float)]
        } else if chance(20) {
            let start = chance(50) ? integerLiteral() : "\(random.below(50))"
            let stop = chance(50) ? integerLiteral() : "\(random.below(5000))"
            text = chance(50) ? "range(\(stop))" : "range(\(start), \(stop))"
            fields = [("value", .integer)]
        } else {
            let name = pick(Array(tables.keys).sorted())
            text = name
            fields = tables[name] ?? []
        }
        for _ in 0..<random.below(6) {
            if fields.isEmpty { break }
            switch random.below(12) {
            case 0, 1:
                text += " where " + expression(.bool, fields, depth: 3)
            case 2, 3:
                var items: [(String, DataType)] = []
                var parts: [String] = []
                for index in 0..<(1 + random.below(3)) {
                    let type = pick([DataType.integer, .float, .string, .bool, .date])
                    parts.append(expression(type, fields, depth: 3) + " as x\(index)")
                    items.append(("x\(index)", type))
                }
                text += " select " + parts.joined(separator: ", ")
                fields = items
            case 4:
                let key = pick(fields)
                let aggregate = pick(["count()", "count(\(key.0))", "count(distinct \(key.0))", "min(\(key.0))", "max(\(key.0))", "list(\(key.0))"])
                if chance(20) {
                    text += " group by \(key.0)"
                    fields = [key]
                } else {
                    text += " group by \(key.0) select \(key.0), \(aggregate) as agg"
                    fields = [key, ("agg", .integer)]
                }
            case 5:
                let numeric = fields.filter { $0.1 == .integer || $0.1 == .float }
                if let field = numeric.first {
                    text += " select sum(\(field.0)) as total, avg(\(field.0)) as mean, count() as n"
                    fields = [("total", field.1), ("mean", .float), ("n", .integer)]
                }
            case 6:
                let keys = (0..<(1 + random.below(2))).map { _ in pick(fields).0 + (chance(50) ? " desc" : "") }
                text += " order by " + keys.joined(separator: ", ")
            case 7:
                text += " limit \(chance(50) ? integerLiteral() : "\(random.below(10))")"
                if chance(50) { text += " offset \(chance(50) ? integerLiteral() : "\(random.below(10))")" }
            case 8:
                text += " distinct"
            case 9:
                let other = chance(50) ? "range(\(random.below(30)))" : pick(Array(tables.keys).sorted())
                let left = pick(fields)
                let alias = "j\(random.below(100))"
                text += " \(chance(30) ? "left " : "")join \(other) as \(alias) on \(left.0) = \(alias).\(other.hasPrefix("range") ? "value" : (tables[other]?.first?.0 ?? "value"))"
                fields = fields.map { ($0.0, $0.1) }
            case 10:
                if chance(50) {
                    // Another range of one integer field, appended, intersected or taken away.
                    if fields.count == 1, fields[0].1 == .integer {
                        text += " \(pick(["append", "intersect", "except"])) range(\(random.below(30)))"
                        continue
                    }
                }
                text += " count"
                fields = [("count", .integer)]
            default:
                if fields.count == 2, fields[1].1 == .integer || fields[1].1 == .float {
                    text += " chart bar"
                    return (text, fields)
                }
                if chance(30) {
                    // Evidence: rows that still have a `source` cite it; others are an error.
                    text += " cite"
                    return (text, fields)
                }
                text += " where " + expression(.bool, fields, depth: 2)
            }
        }
        return (text, fields)
    }

    // MARK: - Expressions

    /// An expression meant to have `type` (a few are deliberately not).
    public mutating func expression(_ type: DataType, _ fields: [(String, DataType)], depth: Int) -> String {
        if chance(2) { return nested(type, fields) }
        if depth <= 0 || chance(25) { return leaf(type, fields) }
        switch type {
        case .integer:
            switch random.below(13) {
            case 0: return "(\(expression(.integer, fields, depth: depth - 1)) \(pick(["+", "-", "*", "%", "/"])) \(expression(.integer, fields, depth: depth - 1)))"
            case 1: return "(-\(expression(.integer, fields, depth: depth - 1)))"
            case 2: return "abs(\(expression(.integer, fields, depth: depth - 1)))"
            case 3: return "length(\(expression(.string, fields, depth: depth - 1)))"
            case 4: return "coalesce(\(expression(.integer, fields, depth: depth - 1)), \(integerLiteral()))"
            case 5: return "\(pick(["year", "month", "day"]))(\(expression(.date, fields, depth: depth - 1)))"
            case 6: return "round(\(expression(.integer, fields, depth: depth - 1)))"
            case 7:
                return "div(\(expression(.integer, fields, depth: depth - 1)), \(expression(.integer, fields, depth: depth - 1)))"
            case 8: return "\(pick(["sign", "floor", "ceil", "trunc"]))(\(expression(pick([.integer, .float]), fields, depth: depth - 1)))"
            case 9: return "to_integer(\(expression(pick([.string, .float, .bool, .integer]), fields, depth: depth - 1)))"
            case 10:
                return "case when \(expression(.bool, fields, depth: depth - 1)) then \(expression(.integer, fields, depth: depth - 1)) else \(expression(.integer, fields, depth: depth - 1)) end"
            case 11:
                return "length(split(\(expression(.string, fields, depth: depth - 1)), \(stringLiteral())))"
            default: return leaf(.integer, fields)
            }
        case .float:
            switch random.below(10) {
            case 0: return "(\(expression(.float, fields, depth: depth - 1)) \(pick(["+", "-", "*", "/", "%"])) \(expression(pick([.integer, .float]), fields, depth: depth - 1)))"
            case 1: return "round(\(expression(.float, fields, depth: depth - 1)), \(integerLiteral()))"
            case 2: return "abs(\(expression(.float, fields, depth: depth - 1)))"
            case 3: return "coalesce(\(expression(.float, fields, depth: depth - 1)), \(expression(.integer, fields, depth: depth - 1)))"
            case 4: return "(-\(expression(.float, fields, depth: depth - 1)))"
            case 5: return "\(pick(["sqrt", "exp", "ln", "log10", "floor", "ceil", "trunc"]))(\(expression(pick([.integer, .float]), fields, depth: depth - 1)))"
            case 6: return "pow(\(expression(pick([.integer, .float]), fields, depth: depth - 1)), \(expression(pick([.integer, .float]), fields, depth: depth - 1)))"
            case 7: return "to_float(\(expression(pick([.string, .integer, .bool]), fields, depth: depth - 1)))"
            case 8: return "(pi() * \(expression(.float, fields, depth: depth - 1)))"
            default: return leaf(.float, fields)
            }
        case .string:
            switch random.below(11) {
            case 0: return "(\(expression(.string, fields, depth: depth - 1)) + \(expression(.string, fields, depth: depth - 1)))"
            case 1: return "\(pick(["lower", "upper", "trim"]))(\(expression(.string, fields, depth: depth - 1)))"
            case 2:
                let start = integerLiteral()
                return chance(50)
                    ? "substr(\(expression(.string, fields, depth: depth - 1)), \(start))"
                    : "substr(\(expression(.string, fields, depth: depth - 1)), \(start), \(integerLiteral()))"
            case 3: return "coalesce(\(expression(.string, fields, depth: depth - 1)), \(stringLiteral()))"
            case 4: return "\(pick(["ltrim", "rtrim"]))(\(expression(.string, fields, depth: depth - 1)))"
            case 5: return "replace(\(expression(.string, fields, depth: depth - 1)), \(stringLiteral()), \(stringLiteral()))"
            case 6: return "\(pick(["left", "right"]))(\(expression(.string, fields, depth: depth - 1)), \(expression(.integer, fields, depth: depth - 1)))"
            case 7: return "concat(\(expression(.string, fields, depth: depth - 1)), \(expression(.string, fields, depth: depth - 1)))"
            case 8: return "to_string(\(expression(pick([.integer, .float, .bool, .date, .string]), fields, depth: depth - 1)))"
            case 9: return "case when \(expression(.bool, fields, depth: depth - 1)) then \(expression(.string, fields, depth: depth - 1)) end"
            default: return leaf(.string, fields)
            }
        case .bool:
            switch random.below(11) {
            case 0, 1:
                let operand = pick([DataType.integer, .float, .string, .date, .bool])
                let other: DataType = operand == .date ? pick([.date, .string]) : (operand == .integer || operand == .float ? pick([.integer, .float]) : operand)
                return "(\(expression(operand, fields, depth: depth - 1)) \(pick(["=", "==", "!=", "<>", "<", "<=", ">", ">=", "=~"])) \(expression(other, fields, depth: depth - 1)))"
            case 2:
                return "(\(expression(.bool, fields, depth: depth - 1)) \(pick(["and", "or"])) \(expression(.bool, fields, depth: depth - 1)))"
            case 3:
                return "(not \(expression(.bool, fields, depth: depth - 1)))"
            case 4:
                let test = pick(["contains", "starts with", "ends with"])
                return "(\(expression(.string, fields, depth: depth - 1)) \(test) \(expression(.string, fields, depth: depth - 1)))"
            case 5:
                return "(\(expression(.string, fields, depth: depth - 1)) matches \"\(pick(GrammarFuzzer.patterns))\")"
            case 6:
                let element = pick([DataType.integer, .float, .string])
                let items = (0..<random.below(4)).map { _ in leaf(element, []) }
                return "(\(expression(element, fields, depth: depth - 1)) \(chance(30) ? "not in" : "in") [\(items.joined(separator: ", "))])"
            case 7:
                return "(\(expression(pick([.integer, .string, .float, .bool]), fields, depth: depth - 1)) is \(chance(50) ? "not " : "")null)"
            case 8:
                return "\(pick(["contains", "starts_with", "ends_with"]))(\(expression(.string, fields, depth: depth - 1)), \(stringLiteral()))"
            case 9:
                let operand = pick([DataType.integer, .float, .string])
                let other: DataType = operand == .string ? .string : pick([.integer, .float])
                return "(\(expression(operand, fields, depth: depth - 1)) \(chance(30) ? "not between" : "between") \(expression(other, fields, depth: depth - 1)) and \(expression(other, fields, depth: depth - 1)))"
            default:
                return leaf(.bool, fields)
            }
        default:
            return leaf(type, fields)
        }
    }

    /// A field of the type, or a boundary literal.
    mutating func leaf(_ type: DataType, _ fields: [(String, DataType)]) -> String {
        let matching = fields.filter { $0.1 == type }
        if !matching.isEmpty, chance(55) { return pick(matching).0 }
        if chance(3) { return "null" }
        if chance(4) {
            // Parameters: bound ones of each type, and one that is never bound.
            switch type {
            case .integer: return pick(["$n", "$big", "$missing"])
            case .float: return "$x"
            case .string: return pick(["$s", "$empty"])
            case .bool: return "$flag"
            default: break
            }
        }
        switch type {
        case .integer: return integerLiteral()
        case .float: return floatLiteral()
        case .bool: return pick(["true", "false"])
        case .date: return "\"" + pick(["2016", "2016-03", "2016-03-09", "--06", "--06-09", "9999-12-31"]) + "\""
        case .list: return "[\(integerLiteral()), \(integerLiteral())]"
        default: return stringLiteral()
        }
    }

    /// Deep but legal nesting: parentheses, `not` chains, long `and` chains.
    mutating func nested(_ type: DataType, _ fields: [(String, DataType)]) -> String {
        let depth = 1 + random.below(100)
        let inner = leaf(type, fields)
        switch (type, random.below(3)) {
        case (.bool, 0): return String(repeating: "not ", count: depth) + "(\(inner))"
        case (.bool, 1): return "(" + Array(repeating: inner, count: depth * 4).joined(separator: " and ") + ")"
        case (.integer, 1): return "(" + Array(repeating: inner, count: depth * 4).joined(separator: " + ") + ")"
        default: return String(repeating: "(", count: depth) + inner + String(repeating: ")", count: depth)
        }
    }
}

// MARK: - Running

extension GrammarFuzzer {
    /// The tables a generated query may start from: the article's and `fz`.
    public static func tables(in session: Session) -> [String: [(String, DataType)]] {
        var tables: [String: [(String, DataType)]] = [:]
        for name in session.tableNames {
            tables[name] = session.schema(of: name)?.fields.map { ($0.name, $0.type) } ?? []
        }
        return tables
    }

    /// A session with file access off and limits on, as an untrusted caller would get.
    public static func session() -> Session {
        let session = Session()
        registerBoundaryTable(in: session)
        session.fileAccess = .none
        session.limits = QueryLimits(maximumRows: 200_000, timeout: .seconds(2))
        session.parameters = ["n": 3, "big": .integer(Int.max), "x": -0.0, "s": "e\u{301}", "empty": "", "flag": true]
        return session
    }

    /// What running one script showed.
    public struct Outcome {
        /// What is wrong, or nil.
        public var finding: String?
        /// Whether the script checked cleanly (so it reached the engine).
        public var checked = false
        /// How many statements ran to a result without an error.
        public var succeeded = 0
    }

    /// Checks and runs a script, formatting every result in every format. A statement may succeed
    /// or fail, but every error must have a place and a message.
    public static func run(_ script: String, session: Session) -> Outcome {
        var outcome = Outcome()
        let checked = session.check(SourceFile(name: "<fuzz>", text: script))
        for diagnostic in checked.diagnostics where diagnostic.severity == .error {
            if diagnostic.message.isEmpty { outcome.finding = "an error without a message" }
            if diagnostic.span == nil { outcome.finding = "an error without a place: \(diagnostic.message)" }
        }
        guard !checked.hasErrors else { return outcome }
        outcome.checked = true
        for statement in checked.statements {
            do {
                if case .rows(let result) = try session.execute(statement, in: checked) {
                    for format in OutputFormat.allCases {
                        _ = ResultFormatter.format(result, as: format, options: OutputOptions())
                    }
                }
                outcome.succeeded += 1
            } catch {
                for diagnostic in error.diagnostics {
                    if diagnostic.message.isEmpty { outcome.finding = "an error without a message" }
                    if diagnostic.span == nil, diagnostic.id != .cancelled {
                        outcome.finding = "a runtime error without a place: \(diagnostic.message)"
                    }
                }
                return outcome
            }
        }
        return outcome
    }
}
