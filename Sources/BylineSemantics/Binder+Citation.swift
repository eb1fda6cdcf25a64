// `cite` as a pure annotation: each row's evidence (the sentence ids it cites) rides beside the
// fields a query asks for, in fields no query can name, and is dropped before the rows are shown.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// The fields of a plan's rows that hold their evidence, and which of them were added only for it.
///
/// Every step keeps the rows it would keep without `cite`: a `select` carries each evidence field
/// it does not show in a hidden field; an aggregation (and `count`) collects each group's
/// evidence with `list`; `distinct` keeps one row per distinct answer and collects the evidence
/// of the rows it merges, as `group by` does; a join adds the evidence of the joined side.
package struct Evidence {
    /// Positions, in the current schema, of the fields whose values are sentence ids (an id, or
    /// lists of ids at any depth).
    package var fields: [Int]
    /// The positions among `fields` that are hidden: carried for `cite`, not part of the answer.
    package var hidden: Set<Int>

    /// The evidence of a query's source: its `source` fields, or, for `sentences` and `mentions`,
    /// the field that is a sentence's id; a `def`'s query keeps what its own `cite` carried.
    package init(source plan: QueryPlan) {
        if !plan.citedFields.isEmpty || !plan.hiddenFields.isEmpty {
            fields = plan.citedFields
            hidden = plan.hiddenFields
        } else {
            fields = Evidence.fields(of: plan.schema)
            hidden = []
        }
    }

    /// The name of a hidden field. A line break cannot occur in a name a query writes (not even
    /// between backquotes), so no query can read, shadow or collide with it.
    package static func hiddenName(_ position: Int) -> String { "cited\n\(position)" }

    /// Whether a field is one carried only for `cite`.
    package static func isHidden(_ field: Field) -> Bool { field.name.hasPrefix("cited\n") }

    /// The fields of a table that hold sentence ids: `source` fields of lists of integers (at any
    /// depth), and integer fields that name a sentence (`sentences.id`, `mentions.sentence`).
    package static func fields(of schema: TableSchema) -> [Int] {
        schema.fields.indices.filter { index in
            let field = schema.fields[index]
            if isHidden(field) { return true }
            if field.type == .integer, field.references == "sentences" { return true }
            guard field.baseName.lowercased().hasPrefix("source") else { return false }
            var type = field.type
            while case .list(let element) = type { type = element }
            return type == .integer && field.type.isList
        }
    }

    /// The schema without the hidden fields: what the query's answer looks like.
    package func visible(_ schema: TableSchema) -> TableSchema {
        var visible = schema
        visible.fields = schema.fields.indices.filter { !hidden.contains($0) }.map { schema.fields[$0] }
        return visible
    }

    /// The step, changed only to carry the evidence of its input rows to its output rows.
    package mutating func carry(through step: QueryPlan.Step, input: TableSchema) -> QueryPlan.Step {
        var step = step
        switch step.stage {
        case .filter, .sort, .limit, .window:
            break
        case .project(var expressions):
            var carried: [Int] = []
            var nowHidden = Set<Int>()
            for field in fields {
                // A field the select shows as it is (`source`, `source as s`) is still evidence.
                if !hidden.contains(field),
                    let shown = expressions.firstIndex(of: .column(field)), !Evidence.isHidden(step.output.fields[shown])
                {
                    carried.append(shown)
                    continue
                }
                let position = step.output.fields.count
                expressions.append(.column(field))
                step.output.fields.append(Evidence.hiddenField(input.fields[field].type, at: position))
                carried.append(position)
                nowHidden.insert(position)
            }
            step.stage = .project(expressions)
            fields = carried
            hidden = nowHidden
        case .aggregate(let keys, var aggregates, var outputs, let grouped):
            collect(keys: keys.count, aggregates: &aggregates, outputs: &outputs, output: &step.output, input: input)
            step.stage = .aggregate(keys: keys, aggregates: aggregates, outputs: outputs, grouped: grouped)
        case .count where !fields.isEmpty:
            // `count` as the aggregation `count()`, whose one row cites every row it counted.
            var aggregates = [AggregateCall(kind: .countRows, argument: nil, argumentType: .null)]
            var outputs: [BoundExpression] = [.column(0)]
            collect(keys: 0, aggregates: &aggregates, outputs: &outputs, output: &step.output, input: input)
            step.stage = .aggregate(keys: [], aggregates: aggregates, outputs: outputs, grouped: false)
        case .count:
            break
        case .distinct where !hidden.isEmpty:
            // One row per distinct answer (the shown fields), citing the union of its rows'.
            let shown = input.fields.indices.filter { !hidden.contains($0) }
            var aggregates: [AggregateCall] = []
            var outputs = shown.indices.map { BoundExpression.column($0) }
            var fieldsOut = shown.map { input.fields[$0] }
            var carried: [Int] = []
            var nowHidden = Set<Int>()
            for field in fields {
                if let key = shown.firstIndex(of: field) {
                    carried.append(key)
                    continue
                }
                let type = input.fields[field].type
                aggregates.append(AggregateCall(kind: .list, argument: .column(field), argumentType: type))
                outputs.append(.column(shown.count + aggregates.count - 1))
                carried.append(fieldsOut.count)
                nowHidden.insert(fieldsOut.count)
                fieldsOut.append(Evidence.hiddenField(.list(type), at: fieldsOut.count))
            }
            step.stage = .aggregate(keys: shown.map { .column($0) }, aggregates: aggregates, outputs: outputs, grouped: true)
            step.output.fields = fieldsOut
            fields = carried
            hidden = nowHidden
        case .distinct:
            break
        case .append, .intersect:
            // Appended rows get empty evidence where the step is bound (they cite nothing yet);
            // intersect and except refuse cite there.
            break
        case .join(let join):
            // The joined side's evidence follows the left side's fields (hidden where a `def`'s
            // own `cite` carried it).
            let offset = input.fields.count
            fields += Evidence.fields(of: join.right.schema).map { $0 + offset }
            hidden.formUnion(Evidence.hiddenFields(of: join.right.schema).map { $0 + offset })
        }
        return step
    }

    /// Without citing, only where hidden fields are: a `def` whose query cites, joined, brings
    /// its own. No query can name them, so a step's output holds them only where it kept its
    /// input's fields (a filter, a sort, a join); they are dropped from the answer.
    package mutating func follow(_ step: QueryPlan.Step) {
        hidden = Evidence.hiddenFields(of: step.output)
        fields = hidden.sorted()
    }

    /// The positions of fields carried only for `cite`.
    package static func hiddenFields(of schema: TableSchema) -> Set<Int> {
        Set(schema.fields.indices.filter { isHidden(schema.fields[$0]) })
    }

    /// Adds `list(field)` for each evidence field to an aggregation: after it, the evidence of a
    /// group is the lists of its rows' evidence, all hidden.
    private mutating func collect(
        keys: Int, aggregates: inout [AggregateCall], outputs: inout [BoundExpression], output: inout TableSchema, input: TableSchema
    ) {
        var carried: [Int] = []
        for field in fields {
            let type = input.fields[field].type
            aggregates.append(AggregateCall(kind: .list, argument: .column(field), argumentType: type))
            outputs.append(.column(keys + aggregates.count - 1))
            carried.append(output.fields.count)
            output.fields.append(Evidence.hiddenField(.list(type), at: output.fields.count))
        }
        fields = carried
        hidden = Set(carried)
    }

    private static func hiddenField(_ type: DataType, at position: Int) -> Field {
        Field(name: hiddenName(position), type: type)
    }
}

extension QueryPlan {
    /// The fields of the query's answer: its schema without the fields carried for `cite`.
    package var resultSchema: TableSchema {
        guard !hiddenFields.isEmpty else { return schema }
        var visible = schema
        visible.fields = schema.fields.indices.filter { !hiddenFields.contains($0) }.map { schema.fields[$0] }
        return visible
    }
}
