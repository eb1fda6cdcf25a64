// What `explain` shows: each step of a checked plan with the fields and types it produces.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// Describes a checked plan as rows, so `explain` works in every output format.
package enum PlanDescription {
    /// `sql`: the lines of SQL that run the plan in a database, when it runs in one.
    package static func resultSet(for plan: QueryPlan, sql: [String]? = nil) -> ResultSet {
        let schema = TableSchema(
            name: "explain",
            fields: [
                Field(name: "step", type: .string), Field(name: "operation", type: .string),
                Field(name: "fields", type: .string),
            ])
        var rows: [[Value]] = [[.string("1"), .string("read " + plan.sourceDescription), .string(fields(plan.sourceSchema))]]
        for (index, step) in plan.steps.enumerated() {
            var operation = operation(step)
            if let limit = plan.groupLimit(at: index) { operation += " [window group limit \(limit)]" }
            rows.append([.string(String(index + 2)), .string(operation), .string(fields(step.output))])
        }
        // The SQL lines are no step of their own: their step is empty, as explain analyze's total.
        for line in sql ?? [] {
            rows.append([.string(""), .string(line), .string("")])
        }
        let table = Table(schema: schema, rows: rows)
        return ResultSet(Relation(table: table))
    }

    private static func operation(_ step: QueryPlan.Step) -> String {
        switch step.stage {
        case .join(let join):
            let method = join.leftKeys.isEmpty ? "nested loop" : "hash on \(join.leftKeys.count) key\(join.leftKeys.count == 1 ? "" : "s")"
            let right = join.right.steps.isEmpty ? "" : " (itself \(join.right.steps.count) step\(join.right.steps.count == 1 ? "" : "s"))"
            return step.description + " [\(method)\(right)]"
        case .aggregate(_, let aggregates, _, let grouped):
            let kinds = aggregates.map(\.kind.rawValue).joined(separator: ", ")
            return step.description + " [\(grouped ? "hash group" : "one group")\(kinds.isEmpty ? "" : "; " + kinds)]"
        default:
            return step.description
        }
    }

    private static func fields(_ schema: TableSchema) -> String {
        // Fields carried for `cite` are not part of any answer, so not of the plan shown.
        schema.fields.filter { !Evidence.isHidden($0) }.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
    }
}
