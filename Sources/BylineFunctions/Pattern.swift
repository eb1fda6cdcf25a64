// Regular expressions for `matches`, run in time linear in the text: a pattern is compiled to a
// Thompson automaton and simulated over the text's Unicode scalars (Pike's method, as RE2 and
// Go's regexp do), so no pattern can backtrack for minutes. What needs backtracking —
// backreferences and lookaround — is refused when the query is checked.

import BylineCore
import BylineStorage
import BylineSyntax

/// A compiled pattern that tests whether a whole string matches.
package struct Pattern: Sendable {
    /// What a pattern cannot be compiled from, with the position of the problem.
    package struct Failure: Error, Sendable {
        package var message: String
    }

    /// The most instructions a pattern may compile to (`x{1000}{1000}` would be a million).
    package static let maximumSize = 20_000

    private enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
        case any
        case split(Int, Int)
        case jump(Int)
        case match
    }

    private let program: [Instruction]
    private let ignoresCase: Bool

    /// Compiles a pattern, or says what in it is not supported.
    package init(_ text: String) throws(Failure) {
        var parser = PatternParser(scalars: Array(text.unicodeScalars))
        var ignoresCase = false
        if parser.scalars.starts(with: Array("(?i)".unicodeScalars)) {
            ignoresCase = true
            parser.index = 4
        }
        let tree = try parser.parseAlternation()
        if parser.index < parser.scalars.count {
            throw Failure(message: "unmatched ')' at position \(parser.index + 1)")
        }
        var compiler = PatternCompiler(ignoresCase: ignoresCase)
        try compiler.emit(tree)
        compiler.program.append(.match)
        program = compiler.program
        self.ignoresCase = ignoresCase
    }

    /// Whether the whole of `text` matches. `shouldStop` is asked every 4,096 scalars.
    package func matches(_ text: String, shouldStop: () -> Bool = { false }) -> Bool {
        let count = program.count
        var current = ThreadList(capacity: count)
        var next = ThreadList(capacity: count)
        add(0, to: &current)
        var steps = 0
        for original in text.unicodeScalars {
            if current.isEmpty { return false }
            steps &+= 1
            if steps & 0xFFF == 0, shouldStop() { return false }
            let scalar = ignoresCase ? Pattern.folded(original) : original
            next.clear()
            for position in current.items {
                switch program[position] {
                case .scalar(let expected) where expected == scalar: add(position + 1, to: &next)
                case .set(let set) where set.contains(scalar, ignoringCase: ignoresCase): add(position + 1, to: &next)
                case .any where scalar != "\n": add(position + 1, to: &next)
                default: break
                }
            }
            swap(&current, &next)
        }
        return current.items.contains { if case .match = program[$0] { return true } else { return false } }
    }

    /// Follows jumps and splits, adding every instruction reachable without reading a scalar.
    private func add(_ start: Int, to list: inout ThreadList) {
        var stack = [start]
        while let position = stack.popLast() {
            guard list.insert(position) else { continue }
            switch program[position] {
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            default: break
            }
        }
    }

    /// Simple case folding for `(?i)`: the scalar's lower-case form when that is one scalar.
    package static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first ?? scalar : scalar
    }

    /// A set of positions with insertion order, cleared in O(1) (a sparse set).
    private struct ThreadList {
        var items: [Int] = []
        var member: [Bool]

        init(capacity: Int) {
            member = [Bool](repeating: false, count: capacity)
            items.reserveCapacity(capacity)
        }

        var isEmpty: Bool { items.isEmpty }

        mutating func insert(_ position: Int) -> Bool {
            if member[position] { return false }
            member[position] = true
            items.append(position)
            return true
        }

        mutating func clear() {
            for position in items { member[position] = false }
            items.removeAll(keepingCapacity: true)
        }
    }

    // MARK: - Compiling

    fileprivate indirect enum Node {
        case empty
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
        case any
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, minimum: Int, maximum: Int?)
    }

    private struct PatternCompiler {
        let ignoresCase: Bool
        var program: [Instruction] = []

        mutating func emit(_ node: Node) throws(Failure) {
            if program.count > Pattern.maximumSize {
                throw Failure(message: "the pattern is too large (more than \(Pattern.maximumSize) steps once repeats are counted)")
            }
            switch node {
            case .empty: break
            case .scalar(let scalar): program.append(.scalar(ignoresCase ? Pattern.folded(scalar) : scalar))
            case .set(let set): program.append(.set(set))
            case .any: program.append(.any)
            case .sequence(let nodes):
                for node in nodes { try emit(node) }
            case .alternation(let branches):
                var jumps: [Int] = []
                for (index, branch) in branches.enumerated() {
                    if index < branches.count - 1 {
                        let split = program.count
                        program.append(.split(split + 1, -1))
                        try emit(branch)
                        jumps.append(program.count)
                        program.append(.jump(-1))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumps { program[jump] = .jump(program.count) }
            case .repeated(let inner, let minimum, let maximum):
                for _ in 0..<minimum { try emit(inner) }
                if let maximum {
                    // Up to (maximum - minimum) optional copies.
                    var splits: [Int] = []
                    for _ in minimum..<maximum {
                        splits.append(program.count)
                        program.append(.split(program.count + 1, -1))
                        try emit(inner)
                    }
                    for split in splits { program[split] = .split(split + 1, program.count) }
                } else {
                    // A loop: split into the body or past it; the body jumps back.
                    let split = program.count
                    program.append(.split(split + 1, -1))
                    try emit(inner)
                    program.append(.jump(split))
                    program[split] = .split(split + 1, program.count)
                }
            }
        }
    }
}

/// A bracket expression or a class such as `\d`: ranges of scalars, possibly negated.
package struct ScalarSet: Sendable {
    package var ranges: [ClosedRange<UInt32>] = []
    package var negated = false

    package func contains(_ scalar: Unicode.Scalar, ignoringCase: Bool) -> Bool {
        var found = ranges.contains { $0.contains(scalar.value) }
        if !found, ignoringCase {
            let upper = scalar.properties.uppercaseMapping.unicodeScalars
            if upper.count == 1, let other = upper.first { found = ranges.contains { $0.contains(other.value) } }
        }
        return found != negated
    }

    // The classes are ASCII's, all three alike, as PostgreSQL's are under the C collation Byline
    // gives every string (README, "When a value is computed"): `\s` is tab, line feed, vertical
    // tab, form feed, carriage return and space; a no-break space is not white space here
    // (`trim` removes Unicode's white space, a different rule).
    package static let digits = ScalarSet(ranges: [48...57])
    package static let word = ScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    package static let space = ScalarSet(ranges: [9...13, 32...32])
}

/// Reads a pattern into a tree: alternation, sequences, atoms with quantifiers.
private struct PatternParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var depth = 0

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    mutating func parseAlternation() throws(Pattern.Failure) -> Pattern.Node {
        var branches = [try parseSequence()]
        while current == "|" {
            index += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseSequence() throws(Pattern.Failure) -> Pattern.Node {
        var items: [Pattern.Node] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            var atom = try parseAtom()
            while let quantifier = current, "*+?{".unicodeScalars.contains(quantifier) {
                guard let bounds = try parseQuantifier() else { break }
                atom = .repeated(atom, minimum: bounds.0, maximum: bounds.1)
                if current == "?" || current == "+" { index += 1 }  // lazy or possessive: same answer for a whole match
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`; nil for a `{` that is not a quantifier (then literal).
    mutating func parseQuantifier() throws(Pattern.Failure) -> (Int, Int?)? {
        guard let scalar = current else { return nil }
        switch scalar {
        case "*": index += 1; return (0, nil)
        case "+": index += 1; return (1, nil)
        case "?": index += 1; return (0, 1)
        default:
            var cursor = index + 1
            func number() -> Int? {
                var value: Int?
                while cursor < scalars.count, let digit = Int(String(scalars[cursor])), scalars[cursor].isASCII {
                    value = min(100_000, (value ?? 0) * 10 + digit)
                    cursor += 1
                }
                return value
            }
            guard let minimum = number() else { return nil }
            var maximum: Int? = minimum
            if cursor < scalars.count, scalars[cursor] == "," {
                cursor += 1
                maximum = number()
            }
            guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
            if let maximum, maximum < minimum {
                throw Pattern.Failure(message: "{\(minimum),\(maximum)}: the larger bound comes second")
            }
            // 255, PostgreSQL's limit (RE_DUP_MAX), so a pattern Byline takes runs there too.
            if minimum > 255 || (maximum ?? 0) > 255 {
                throw Pattern.Failure(message: "repeats are limited to 255")
            }
            index = cursor + 1
            return (minimum, maximum)
        }
    }

    mutating func parseAtom() throws(Pattern.Failure) -> Pattern.Node {
        guard let scalar = current else { return .empty }
        index += 1
        switch scalar {
        case ".": return .any
        case "^", "$": return .empty  // the whole string is matched anyway
        case "(":
            depth += 1
            if depth > 100 { throw Pattern.Failure(message: "groups nest more than 100 deep") }
            if current == "?" {
                if index + 1 < scalars.count, scalars[index + 1] == ":" {
                    index += 2
                } else {
                    throw Pattern.Failure(
                        message: "lookaround, named groups and inline flags inside a pattern are not supported (only a leading (?i))")
                }
            }
            let inner = try parseAlternation()
            guard current == ")" else { throw Pattern.Failure(message: "missing ')' to close '('") }
            index += 1
            depth -= 1
            return inner
        case "[": return .set(try parseBracket())
        case "\\": return try parseEscape()
        case "*", "+", "?": throw Pattern.Failure(message: "'\(scalar)' at position \(index) has nothing to repeat")
        default: return .scalar(scalar)
        }
    }

    mutating func parseEscape() throws(Pattern.Failure) -> Pattern.Node {
        guard let scalar = current else { throw Pattern.Failure(message: "the pattern ends with a lone '\\'") }
        index += 1
        switch scalar {
        case "d": return .set(.digits)
        case "D": return .set(ScalarSet(ranges: ScalarSet.digits.ranges, negated: true))
        case "w": return .set(.word)
        case "W": return .set(ScalarSet(ranges: ScalarSet.word.ranges, negated: true))
        case "s": return .set(.space)
        case "S": return .set(ScalarSet(ranges: ScalarSet.space.ranges, negated: true))
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        default:
            if scalar.properties.numericType != nil, scalar.isASCII {
                throw Pattern.Failure(message: "backreferences (\\\(scalar)) are not supported: patterns run in linear time")
            }
            if scalar.isASCII, scalar.properties.isAlphabetic {
                throw Pattern.Failure(message: "'\\\(scalar)' is not a supported escape; supported: \\d \\w \\s \\D \\W \\S \\n \\t \\r and \\ before a symbol")
            }
            return .scalar(scalar)
        }
    }

    mutating func parseBracket() throws(Pattern.Failure) -> ScalarSet {
        var set = ScalarSet()
        if current == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let scalar = current else { throw Pattern.Failure(message: "missing ']' to close '['") }
            if scalar == "]" && !first {
                index += 1
                return set
            }
            first = false
            index += 1
            var low = scalar
            if scalar == "\\" {
                guard let escaped = current else { throw Pattern.Failure(message: "missing ']' to close '['") }
                index += 1
                switch escaped {
                case "d": set.ranges += ScalarSet.digits.ranges; continue
                case "w": set.ranges += ScalarSet.word.ranges; continue
                case "s": set.ranges += ScalarSet.space.ranges; continue
                case "n": low = "\n"
                case "t": low = "\t"
                default: low = escaped
                }
            }
            if current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                guard var high = current else { throw Pattern.Failure(message: "missing ']' to close '['") }
                index += 1
                if high == "\\", let escaped = current {
                    high = escaped
                    index += 1
                }
                guard low.value <= high.value else {
                    throw Pattern.Failure(message: "range \(low)-\(high) is out of order")
                }
                set.ranges.append(low.value...high.value)
            } else {
                set.ranges.append(low.value...low.value)
            }
        }
    }
}
