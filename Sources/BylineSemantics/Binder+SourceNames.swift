// The name a query's source qualifies its fields by: `employees as e` makes them `e.id`, and a
// `let` name its own (`let lt = tracks …; lt join albums on lt.album_id = albums.id`).

import BylineCore
import BylineSyntax

extension Binder {
    /// Qualifies the source's fields by `alias`, else by the name the source was read by: a `let`
    /// of one table's rows takes its own name, for the fields it renamed or computed too (they
    /// have no table of their own). A `let` of a join keeps its tables' names
    /// (`j select leaders.name`), which tell its fields apart; with `as`, a field whose name it
    /// holds twice keeps its table's, and every other field takes the `as` name.
    mutating func requalify(_ plan: inout QueryPlan, as alias: Name?, source: Name) {
        guard plan.steps.isEmpty else { return }
        let qualifier: String
        if let alias {
            qualifier = alias.text
        } else if case .table = plan.source, scope[source.text] != nil,
            Set(plan.sourceSchema.fields.compactMap(\.qualifier).filter { $0 != source.text }).count <= 1,
            plan.sourceSchema.fields.contains(where: { $0.qualifier != source.text })
        {
            qualifier = source.text
        } else {
            return
        }
        var counts: [String: Int] = [:]
        for field in plan.sourceSchema.fields { counts[field.baseName.lowercased(), default: 0] += 1 }
        var schema = plan.sourceSchema
        for index in schema.fields.indices where counts[schema.fields[index].baseName.lowercased()] == 1 {
            schema.fields[index].name = schema.fields[index].baseName
            schema.fields[index].qualifier = qualifier
        }
        plan.sourceSchema = schema
        plan.schema = schema
    }
}
