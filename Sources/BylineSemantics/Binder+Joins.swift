// Binding joins: the combined schema, qualified names, and the split into hash keys and the rest.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

extension Binder {
    // MARK: - Joins

    package mutating func bindJoin(_ join: Join, input left: TableSchema, description: String) throws(Failure) -> QueryPlan.Step {
        var right: QueryPlan
        if let rows = join.rows {
            right = try bindInlineTable(rows, span: join.source.span)
        } else {
            right = try bindSource(join.source, arguments: join.arguments)
        }
        let qualifier = join.alias?.text ?? join.source.text
        var rightFields = right.schema.fields
        for index in rightFields.indices {
            rightFields[index].name = rightFields[index].baseName
            rightFields[index].qualifier = qualifier
        }
        right.schema.fields = rightFields
        var leftFields = left.fields
        if let alias = join.alias, leftFields.contains(where: { $0.qualifier == alias.text }) {
            throw fail(.aliasNamesLeftTable(alias.text), at: alias.span)
        }
        if join.alias == nil, leftFields.contains(where: { $0.qualifier == qualifier }) {
            throw fail(.alreadyJoined(qualifier, source: join.source.text), at: join.source.span)
        }
        // Names in both sides are shown qualified, so results never have two fields of one name.
        let leftNames = Set(leftFields.map(\.baseName))
        let rightNames = Set(rightFields.map(\.baseName))
        for index in leftFields.indices where rightNames.contains(leftFields[index].baseName) {
            if let q = leftFields[index].qualifier { leftFields[index].name = "\(q).\(leftFields[index].baseName)" }
        }
        for index in rightFields.indices where leftNames.contains(rightFields[index].baseName) {
            rightFields[index].name = "\(qualifier).\(rightFields[index].baseName)"
        }
        let combined = TableSchema(name: left.name, fields: leftFields + rightFields)
        let condition = try bind(join.condition, in: combined)
        try require(condition, is: .bool, join.condition, role: "a 'join' condition")
        // Split the condition into equalities between the two sides (hash keys) and the rest.
        let leftCount = leftFields.count
        var leftKeys: [BoundExpression] = []
        var rightKeys: [BoundExpression] = []
        var residual: [BoundExpression] = []
        for conjunct in Self.conjuncts(condition.expression) {
            if case .compare(.equal, let a, let b) = conjunct {
                let aSide = Self.side(of: a, leftCount: leftCount)
                let bSide = Self.side(of: b, leftCount: leftCount)
                if aSide == .left && bSide == .right {
                    leftKeys.append(a)
                    rightKeys.append(b.shifted(by: -leftCount))
                    continue
                }
                if aSide == .right && bSide == .left {
                    leftKeys.append(b)
                    rightKeys.append(a.shifted(by: -leftCount))
                    continue
                }
            }
            residual.append(conjunct)
        }
        let rest = residual.isEmpty ? nil : residual.dropFirst().reduce(residual[0]) { BoundExpression.and($0, $1) }
        let plan = QueryPlan.JoinPlan(isLeft: join.isLeft, right: right, leftKeys: leftKeys, rightKeys: rightKeys, residual: rest)
        return QueryPlan.Step(stage: .join(plan), output: combined, description: description)
    }

    package enum Side { case left, right, both, neither }

    package static func side(of expression: BoundExpression, leftCount: Int) -> Side {
        let columns = expression.columnsUsed
        if columns.isEmpty { return .neither }
        if columns.allSatisfy({ $0 < leftCount }) { return .left }
        if columns.allSatisfy({ $0 >= leftCount }) { return .right }
        return .both
    }

    package static func conjuncts(_ expression: BoundExpression) -> [BoundExpression] {
        if case .and(let a, let b) = expression { return conjuncts(a) + conjuncts(b) }
        return [expression]
    }
}
