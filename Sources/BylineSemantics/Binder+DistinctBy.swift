// `distinct by KEYS`: the first row of each distinct key, in the order the rows have (SQL's
// DISTINCT ON; "the latest invoice of each customer" is `order by date desc distinct by
// customer`). Bound as row_number() over (partition by KEYS), kept where it is 1, then the
// input's fields again: steps the engine and both databases already run.

import BylineCore
import BylineStorage
import BylineSyntax

extension Binder {
    /// The steps of a clause that binds to several (a `select` with window functions, `distinct
    /// by`); nil for any other clause.
    mutating func bindSeveralSteps(_ clause: Clause, input schema: TableSchema) throws(Failure) -> [QueryPlan.Step]? {
        switch clause.kind {
        case .select(let items) where items.contains(where: { containsWindow($0.expression) }):
            return try bindWindowedSelect(items, clause: clause, input: schema)
        case .distinctBy(let keys):
            return try bindDistinctBy(keys, clause: clause, input: schema)
        default:
            return nil
        }
    }

    mutating func bindDistinctBy(_ keys: [Expression], clause: Clause, input schema: TableSchema) throws(Failure) -> [QueryPlan.Step] {
        var partition: [BoundExpression] = []
        for key in keys {
            if containsAggregate(key) { throw fail(.aggregateOutsideSelect(text(of: key.span), table: schema.name), at: key.span) }
            if containsWindow(key) { throw fail(.windowOutsideSelect(text(of: key.span)), at: key.span) }
            partition.append(try bind(key, in: schema).expression)
        }
        let number = WindowCall(function: .rowNumber, argument: nil, partition: partition, order: [], frame: .partition, type: .integer)
        let width = schema.fields.count
        let numbered = TableSchema(name: schema.name, fields: schema.fields + [Field(name: "row_number()", type: .integer)])
        let description = text(of: clause.span)
        return [
            QueryPlan.Step(stage: .window([number]), output: numbered, description: description),
            QueryPlan.Step(stage: .filter(.compare(.equal, .column(width), .literal(.integer(1)))), output: numbered, description: "where first"),
            QueryPlan.Step(stage: .project((0..<width).map { .column($0) }), output: schema, description: "select"),
        ]
    }
}
