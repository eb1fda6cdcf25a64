// Which constants the checker folds: none longer than a literal may be.

import BylineCore
import BylineSyntax

extension Value {
    /// A string longer than a string literal may be, or a list of more than 65,536 values: a
    /// result the checker does not fold into a constant, so that building it is charged.
    var isLongerThanALiteral: Bool {
        switch self {
        case .string(let text): return text.utf8.count > Lexer.maximumStringLength
        case .list(let items): return items.count > 1 << 16
        default: return false
        }
    }
}
