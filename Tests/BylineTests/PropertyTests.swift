// Properties over random inputs: printing a tree and parsing it again gives the same tree, and
// `where … count` agrees with a plain Swift filter over random rows.
import Testing
import TestSupport

@testable import Byline

@Suite struct PropertyTests {
    typealias Random = SplitMix64

    static let span = SourceSpan(at: .start)

    static func expression(_ random: inout Random, depth: Int) -> Expression {
        func make(_ kind: Expression.Kind) -> Expression { Expression(kind: kind, span: span) }
        if depth == 0 || random.below(3) == 0 {
            switch random.below(7) {
            case 0: return make(.literal(.integer(random.below(2000) - 1000)))
            case 1: return make(.literal(.float(Double(random.below(2000) - 1000) / 8)))
            case 2: return make(.literal(.string(["", "a b", "q\"t", "é\n", "`x`"][random.below(5)])))
            case 3: return make(.literal([.bool(true), .bool(false), .null][random.below(3)]))
            case 4: return make(.field(["name", "year", "order", "first name", "count", "_x1"][random.below(6)]))
            case 5: return make(.qualifiedField("t", ["name", "where"][random.below(2)]))
            default: return make(.list((0..<random.below(3)).map { _ in expression(&random, depth: 0) }))
            }
        }
        let operators: [BinaryOperator] = [
            .and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .contains, .matches, .startsWith,
            .endsWith, .equalIgnoringCase, .add, .subtract, .multiply, .divide, .remainder,
        ]
        switch random.below(6) {
        case 0: return make(.not(expression(&random, depth: depth - 1)))
        case 1: return make(.negate(make(.field("year"))))
        case 2: return make(.isNull(expression(&random, depth: depth - 1), negated: random.below(2) == 0))
        case 3:
            return make(.membership(expression(&random, depth: depth - 1), expression(&random, depth: depth - 1), negated: random.below(2) == 0))
        case 4:
            return make(.call(["lower", "count", "coalesce"][random.below(3)], (0..<random.below(3)).map { _ in expression(&random, depth: depth - 1) }, distinct: false))
        default:
            return make(.binary(operators[random.below(operators.count)], expression(&random, depth: depth - 1), expression(&random, depth: depth - 1)))
        }
    }

    static func query(_ random: inout Random) -> Query {
        var clauses: [Clause] = []
        for _ in 0..<random.below(5) {
            let kind: Clause.Kind
            switch random.below(8) {
            case 0: kind = .filter(expression(&random, depth: 3))
            case 1: kind = .select([SelectItem(expression: expression(&random, depth: 2), alias: random.below(2) == 0 ? Name(text: "as", span: span) : nil)])
            case 2: kind = .orderBy([OrderItem(expression: expression(&random, depth: 2), descending: random.below(2) == 0)])
            case 3: kind = .limit(Expression(kind: .literal(.integer(random.below(50))), span: span), offset: nil)
            case 4: kind = .groupBy([expression(&random, depth: 1)])
            case 5: kind = .join(Join(isLeft: random.below(2) == 0, source: Name(text: "visits", span: span), arguments: nil, alias: nil, condition: expression(&random, depth: 2)))
            case 6: kind = .distinct
            default: kind = .count
            }
            clauses.append(Clause(kind: kind, span: span))
        }
        return Query(source: Name(text: ["leaders", "select"][random.below(2)], span: span), arguments: nil, clauses: clauses, span: span)
    }

    @Test func printingThenParsingGivesTheSameTree() throws {
        var random = Random(state: 1)
        for _ in 0..<2000 {
            let original = Self.query(&random)
            let text = SyntaxPrinter.print(original)
            let parsed = Parser.parse(SourceFile(name: "p", text: text))
            #expect(parsed.diagnostics.isEmpty, "\(text): \(parsed.diagnostics)")
            guard case .query(let again)? = parsed.script.statements.first?.kind else {
                Issue.record("no query from \(text)")
                continue
            }
            #expect(SyntaxPrinter.print(again) == text)
            #expect(again.clauses.count == original.clauses.count)
        }
    }

    /// The reference semantics, in plain Swift: comparisons with null are false.
    enum Condition {
        case compare(column: Int, op: BinaryOperator, constant: Value)
        case isNull(column: Int)
        case not(Indirect)
        case and(Indirect, Indirect)
        case or(Indirect, Indirect)

        final class Indirect {
            let condition: Condition
            init(_ condition: Condition) { self.condition = condition }
        }

        func holds(_ row: [Value]) -> Bool {
            switch self {
            case .compare(let column, let op, let constant):
                guard let order = Value.compare(row[column], constant) else { return false }
                return op.holds(order)
            case .isNull(let column): return row[column].isNull
            case .not(let inner): return !inner.condition.holds(row)
            case .and(let a, let b): return a.condition.holds(row) && b.condition.holds(row)
            case .or(let a, let b): return a.condition.holds(row) || b.condition.holds(row)
            }
        }

        var source: String {
            let names = ["n", "x", "s"]
            switch self {
            case .compare(let column, let op, let constant): return "(\(names[column]) \(op.rawValue) \(constant.literal))"
            case .isNull(let column): return "(\(names[column]) is null)"
            case .not(let inner): return "(not \(inner.condition.source))"
            case .and(let a, let b): return "(\(a.condition.source) and \(b.condition.source))"
            case .or(let a, let b): return "(\(a.condition.source) or \(b.condition.source))"
            }
        }

        static func random(_ random: inout Random, depth: Int) -> Condition {
            if depth == 0 || random.below(3) == 0 {
                let column = random.below(3)
                if random.below(5) == 0 { return .isNull(column: column) }
                let ops: [BinaryOperator] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
                let constant: Value
                switch column {
                case 0: constant = .integer(random.below(10) - 5)
                case 1: constant = .float(Double(random.below(10) - 5) / 2)
                default: constant = .string(["a", "b", "c", "ab"][random.below(4)])
                }
                return .compare(column: column, op: ops[random.below(ops.count)], constant: constant)
            }
            switch random.below(3) {
            case 0: return .not(Indirect(Condition.random(&random, depth: depth - 1)))
            case 1: return .and(Indirect(Condition.random(&random, depth: depth - 1)), Indirect(Condition.random(&random, depth: depth - 1)))
            default: return .or(Indirect(Condition.random(&random, depth: depth - 1)), Indirect(Condition.random(&random, depth: depth - 1)))
            }
        }
    }

    @Test func whereCountAgreesWithASwiftFilter() throws {
        var random = Random(state: 7)
        for _ in 0..<40 {
            let rows: [[Value]] = (0..<random.below(300)).map { _ in
                [
                    random.below(6) == 0 ? .null : .integer(random.below(10) - 5),
                    random.below(6) == 0 ? .null : .float(Double(random.below(10) - 5) / 2),
                    random.below(6) == 0 ? .null : .string(["a", "b", "c", "ab"][random.below(4)]),
                ]
            }
            let schema = TableSchema(
                name: "t", fields: [Field(name: "n", type: .integer), Field(name: "x", type: .float), Field(name: "s", type: .string)])
            let session = Session(tables: [Table(schema: schema, rows: rows)])
            for _ in 0..<25 {
                let condition = Condition.random(&random, depth: 4)
                let expected = rows.filter(condition.holds).count
                let result = try session.run("t where \(condition.source) count").first?.rows
                #expect(result == [[.integer(expected)]], "t where \(condition.source)")
            }
        }
    }
}
