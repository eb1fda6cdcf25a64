// A clause typed on its own line refines the last query: what it refines, and what is said when
// it cannot. A definition is never rewritten: after `let k = …`, `count` counts k.
import Byline

/// What a clause line typed after a statement becomes.
enum Refinement: Equatable {
    /// The statement to run (shown to the user as `refining: …`).
    case query(String)
    /// The clause cannot refine the statement before it; the message says why.
    case refused(DiagnosticMessage)

    /// The refinement of `previous` (the last statement that ran) by `clause`, or nil when there
    /// is nothing to refine (the line is then run as it was typed). `checks` says whether a
    /// statement would check without errors.
    static func of(_ previous: String, by clause: String, checks: (String) -> Bool) -> Refinement? {
        let source = SourceFile(name: "", text: previous)
        var tokens = Lexer.tokenize(source).tokens.filter { $0.kind != .endOfInput && $0.kind != .newline }
        while tokens.last?.kind == .semicolon { tokens.removeLast() }
        // The last statement of the line (`a; b` refines b).
        let start = (tokens.lastIndex { $0.kind == .semicolon }).map { $0 + 1 } ?? 0
        let statement = tokens[start...].filter { $0.kind != .semicolon }
        guard let first = statement.first else { return nil }
        let clause = clause.trimmingLeadingSpaces()
        switch first.kind {
        case .keyword(.let):
            // `let k = QUERY` then `count`: count k, leaving k as it was.
            guard statement.count >= 2, case .identifier = statement[statement.startIndex + 1].kind else { return nil }
            let name = statement[statement.startIndex + 1].span
            let bytes = Array(previous.utf8)
            guard name.start.offset < name.end.offset, name.end.offset <= bytes.count else { return nil }
            return .query(String(decoding: bytes[name.start.offset..<name.end.offset], as: UTF8.self) + " " + clause)
        case .identifier, .keyword(.explain):
            break
        default:
            return nil  // def, load, assert: not a query
        }
        let bytes = Array(previous.utf8)
        let from = min(first.span.start.offset, bytes.count)
        var base = String(decoding: bytes[from...], as: UTF8.self).trimmingTrailingSpaces()
        while base.hasSuffix(";") { base = String(base.dropLast()).trimmingTrailingSpaces() }
        // After `count` only the field `count` is left; a clause about the rows cannot check.
        if statement.last?.kind == .keyword(.count), !checks(base + " " + clause) {
            return .refused(.countEndedTheQuery(base))
        }
        return .query(base + " " + clause)
    }
}
