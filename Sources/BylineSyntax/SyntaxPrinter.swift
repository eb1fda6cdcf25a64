// Prints syntax trees back to source text that parses to the same tree (binary operations are
// parenthesised, names that are keywords quoted).

import BylineCore

/// Writes syntax trees as Byline source.
package enum SyntaxPrinter {
    /// A query as one line of source.
    public static func print(_ query: Query) -> String {
        var text = query.rows.map(print) ?? name(query.source.text)
        if let arguments = query.arguments { text += "(" + arguments.map(print).joined(separator: ", ") + ")" }
        if let alias = query.alias { text += " as " + name(alias.text) }
        for clause in query.clauses { text += " " + print(clause) }
        return text
    }

    package static func print(_ clause: Clause) -> String {
        switch clause.kind {
        case .filter(let condition): return "where " + print(condition)
        case .select(let items):
            return "select " + items.map { print($0.expression) + ($0.alias.map { " as " + name($0.text) } ?? "") }
                .joined(separator: ", ")
        case .orderBy(let items):
            return "order by " + items.map { print($0.expression) + ($0.descending ? " desc" : "") }.joined(separator: ", ")
        case .limit(let count, let offset): return "limit " + print(count) + (offset.map { " offset " + print($0) } ?? "")
        case .groupBy(let keys): return "group by " + keys.map(print).joined(separator: ", ")
        case .join(let join):
            var text = (join.isLeft ? "left join " : "join ") + (join.rows.map(print) ?? name(join.source.text))
            if let arguments = join.arguments { text += "(" + arguments.map(print).joined(separator: ", ") + ")" }
            if let alias = join.alias { text += " as " + name(alias.text) }
            return text + " on " + print(join.condition)
        case .distinct: return "distinct"
        case .distinctBy(let keys): return "distinct by " + keys.map(print).joined(separator: ", ")
        case .append(let source, let arguments, let rows, let query):
            if let query { return "append (" + print(query) + ")" }
            return "append " + (rows.map(print) ?? name(source.text) + (arguments.map { "(" + $0.map(print).joined(separator: ", ") + ")" } ?? ""))
        case .intersect(let source, let arguments, let keep, let rows, let query):
            if let query { return (keep ? "intersect (" : "except (") + print(query) + ")" }
            return (keep ? "intersect " : "except ")
                + (rows.map(print) ?? name(source.text) + (arguments.map { "(" + $0.map(print).joined(separator: ", ") + ")" } ?? ""))
        case .count: return "count"
        case .save(let path): return "save " + Value.quote(path)
        case .saveTable(let name): return "save table " + name.text
        case .cite: return "cite"
        case .chart(let kind): return "chart " + name(kind.text)
        }
    }

    /// An expression; every compound part is parenthesised so precedence never changes the tree.
    public static func print(_ expression: Expression) -> String {
        switch expression.kind {
        case .literal(let literal):
            switch literal {
            case .string(let text): return Value.quote(text)
            case .integer(let number): return number < 0 ? "(\(number))" : String(number)
            case .float(let number):
                let text = Value.format(number)
                return number < 0 || number.sign == .minus ? "(\(text))" : text
            case .bool(let flag): return flag ? "true" : "false"
            case .null: return "null"
            }
        case .field(let field): return field == "count" ? "count" : name(field)
        case .qualifiedField(let table, let field): return name(table) + "." + name(field)
        case .call(let function, let arguments, let distinct):
            return name(function) + "(" + (distinct ? "distinct " : "") + arguments.map(print).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(print).joined(separator: ", ") + "]"
        case .not(let operand): return "(not " + print(operand) + ")"
        case .negate(let operand): return "(-" + print(operand) + ")"
        case .binary(let op, let left, let right): return "(" + print(left) + " " + op.rawValue + " " + print(right) + ")"
        case .membership(let element, let list, let negated):
            return "(" + print(element) + (negated ? " not in " : " in ") + print(list) + ")"
        case .isNull(let operand, let negated): return "(" + print(operand) + (negated ? " is not null)" : " is null)")
        case .parameter(let name): return "$" + name
        case .conditional(let items, let otherwise):
            var text = "(case"
            for index in stride(from: 0, to: items.count - 1, by: 2) {
                text += " when " + print(items[index]) + " then " + print(items[index + 1])
            }
            if let otherwise { text += " else " + print(otherwise) }
            return text + " end)"
        case .between(let value, let low, let high, let negated):
            return "(" + print(value) + (negated ? " not between " : " between ") + print(low) + " and " + print(high) + ")"
        case .window(let call, let window):
            var parts: [String] = []
            if !window.partition.isEmpty { parts.append("partition by " + window.partition.map(print).joined(separator: ", ")) }
            if !window.order.isEmpty {
                parts.append("order by " + window.order.map { print($0.expression) + ($0.descending ? " desc" : "") }.joined(separator: ", "))
            }
            if let preceding = window.preceding { parts.append("rows \(preceding) preceding") }
            return "(" + print(call) + " over (" + parts.joined(separator: " ") + "))"
        }
    }

    /// An inline table's rows: `[{a: 1}, {a: 2}]`.
    package static func print(_ rows: [[InlineField]]) -> String {
        "[" + rows.map { row in "{" + row.map { name($0.name.text) + ": " + print($0.value) }.joined(separator: ", ") + "}" }
            .joined(separator: ", ") + "]"
    }

    /// A name, in backquotes when it is a keyword or not a plain identifier.
    package static func name(_ text: String) -> String {
        let plain = (text.first.map { $0.isLetter || $0 == "_" } ?? false)
            && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return plain && Keyword(rawValue: text.lowercased()) == nil ? text : "`" + text + "`"
    }
}
