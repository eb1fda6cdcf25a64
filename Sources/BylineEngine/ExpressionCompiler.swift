// Compiles checked expressions into closures over a relation's columns, once per stage, so rows
// are evaluated without walking the tree. Common predicates get unboxed fast paths.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// Evaluates an expression at a physical row.
package typealias RowEvaluator = (Int) -> Value
/// Tests a physical row.
package typealias RowPredicate = (Int) -> Bool

/// What is true of each string of a dictionary, computed once (on every thread) and shared by
/// the compilers of a step's ranges. Used while compiling, on one thread.
package final class SharedFacts {
    private struct Key: Hashable {
        let dictionary: ObjectIdentifier
        let test: String
        let operand: String
    }

    package let threads: Int
    private var known: [Key: [Bool]] = [:]

    package init(threads: Int) { self.threads = threads }

    /// `holds` of every string of `dictionary`, by code; `test` and `operand` name it.
    package func matches(of dictionary: StringDictionary, _ test: String, _ operand: String, _ holds: (String) -> Bool) -> [Bool] {
        let key = Key(dictionary: ObjectIdentifier(dictionary), test: test, operand: operand)
        if let matches = known[key] { return matches }
        // In ranges on every thread, each range's loop written here, over concrete types, so it
        // is compiled for them (a generic map across the module boundary, unspecialised: 10M urls
        // tested by `contains` in 420 ms on two threads, 655 on one; so, 260 and 520).
        let strings = dictionary.strings
        let parts = strings.count < 65_536 ? 1 : max(1, threads)
        let pieces = Parallel.run(parts) { part -> [Bool] in
            let range = (strings.count * part / parts)..<(strings.count * (part + 1) / parts)
            var found = [Bool]()
            found.reserveCapacity(range.count)
            for index in range { found.append(holds(strings[index])) }
            return found
        }
        var matches = [Bool]()
        matches.reserveCapacity(strings.count)
        for piece in pieces { matches.append(contentsOf: piece) }
        known[key] = matches
        return matches
    }
}

/// Turns `BoundExpression`s into closures bound to specific columns.
package struct ExpressionCompiler {
    package let columns: [Column]
    package let context: EvaluationContext
    /// Work per distinct string, shared by the compilers of a parallel step's ranges.
    package let facts: SharedFacts

    package init(columns: [Column], context: EvaluationContext, facts: SharedFacts? = nil) {
        self.columns = columns
        self.context = context
        self.facts = facts ?? SharedFacts(threads: context.limits.threads)
    }

    // MARK: - Predicates

    /// A closure that is true where the expression is true (null counts as false).
    package func predicate(_ expression: BoundExpression) -> RowPredicate {
        switch expression {
        case .literal(let value):
            let result = value == .bool(true)
            return { _ in result }
        case .and(let lhs, let rhs):
            let left = predicate(lhs)
            let right = predicate(rhs)
            return { left($0) && right($0) }
        case .or(let lhs, let rhs):
            let left = predicate(lhs)
            let right = predicate(rhs)
            return { left($0) || right($0) }
        case .not(let operand):
            let inner = predicate(operand)
            return { !inner($0) }
        case .isNull(.column(let index)):
            return nullTest(columns[index])
        case .isNull(let operand):
            let inner = value(operand)
            return { inner($0).isNull }
        case .compare(let op, .column(let index), .literal(let constant)) where columnComparison(op, columns[index], constant) != nil:
            if let fast = columnComparison(op, columns[index], constant) { return fast }
        case .compare(let op, let lhs, let rhs) where numericComparison(op, lhs, rhs) != nil:
            if let fast = numericComparison(op, lhs, rhs) { return fast }
        case .compare(let op, .literal(let constant), .column(let index)):
            if let fast = columnComparison(op.mirrored, columns[index], constant) { return fast }
        case .contains(.column(let index), .literal(.string(let needle))):
            if case .strings(let codes, let dictionary) = columns[index].storage {
                let matches = facts.matches(of: dictionary, "contains", needle) { $0.containsIgnoringCase(needle) }
                return { row in
                    let code = codes[row]
                    return code >= 0 && matches[Int(code)]
                }
            }
        case .member(.column(let index), .literal(.list(let choices))):
            if case .strings(let codes, let dictionary) = columns[index].storage {
                var matches = [Bool](repeating: false, count: dictionary.strings.count)
                for case .string(let choice) in choices {
                    if let code = dictionary.code(of: choice) { matches[Int(code)] = true }
                }
                return { row in
                    let code = codes[row]
                    return code >= 0 && matches[Int(code)]
                }
            }
            // `Value`'s equality is the language's: 2 is in [2.0], 2^53 + 1 is not in [2^53].
            let set = Set(choices.filter { !$0.isNull })
            let element = value(.column(index))
            return { row in
                let candidate = element(row)
                return !candidate.isNull && set.contains(candidate)
            }
        default:
            break
        }
        let evaluate = value(expression)
        return { evaluate($0) == .bool(true) }
    }

    private func nullTest(_ column: Column) -> RowPredicate {
        switch column.storage {
        case .strings(let codes, _):
            return { codes[$0] < 0 }
        case .integers(_, let nulls), .integers32(_, let nulls), .floats(_, let nulls), .bools(_, let nulls),
            .dates(_, let nulls):
            guard let flags = nulls.flags else { return { _ in false } }
            return { flags[$0] }
        case .values(let values):
            return { values[$0].isNull }
        case .unread:
            return { _ in true }
        }
    }

    /// Unboxed comparison of a column with a constant, for strings (by code) and numbers.
    private func columnComparison(_ op: BinaryOperator, _ column: Column, _ constant: Value) -> RowPredicate? {
        guard let comparison = op.comparison else { return nil }
        if constant.isNull { return { _ in false } }
        switch (column.storage, constant) {
        case (.strings(let codes, let dictionary), .string(let text)) where op == .equal || op == .notEqual:
            guard let target = dictionary.code(of: text) else {
                return op == .equal ? { _ in false } : { codes[$0] >= 0 }
            }
            if op == .equal { return { codes[$0] == target } }
            return { row in
                let code = codes[row]
                return code >= 0 && code != target
            }
        case (.strings(let codes, let dictionary), .string(let text)):
            // Order comparisons: decide once per distinct string.
            let matches = facts.matches(of: dictionary, "\(op)", text) { comparison.holds(Value.compare(.string($0), .string(text)) ?? 0) }
            return { row in
                let code = codes[row]
                return code >= 0 && matches[Int(code)]
            }
        case (.integers(let values, let nulls), .integer(let target)):
            let test = { (value: Int) in comparison.test(value, target) }
            guard let flags = nulls.flags else { return { test(values[$0]) } }
            return { !flags[$0] && test(values[$0]) }
        case (.integers32(let values, let nulls), .integer(let target)):
            let test = { (value: Int) in comparison.test(value, target) }
            guard let flags = nulls.flags else { return { test(Int(values[$0])) } }
            return { !flags[$0] && test(Int(values[$0])) }
        case (.integers32(let values, let nulls), .float(let target)):
            let flags = nulls.flags
            return { row in !(flags?[row] ?? false) && comparison.test(Double(values[row]), target) }
        case (.integers(let values, let nulls), .float(let target)):
            let flags = nulls.flags
            return { row in
                if flags?[row] ?? false { return false }
                return comparison.holds(Value.compare(.integer(values[row]), .float(target)) ?? 1)
            }
        case (.floats(let values, let nulls), .float(let target)):
            let flags = nulls.flags
            return { row in !(flags?[row] ?? false) && comparison.test(values[row], target) }
        case (.floats(let values, let nulls), .integer(let target)):
            let flags = nulls.flags
            return { row in
                if flags?[row] ?? false { return false }
                return comparison.holds(Value.compare(.float(values[row]), .integer(target)) ?? 1)
            }
        default:
            return nil
        }
    }

    // MARK: - Values

    /// A closure that computes the expression's value at a row.
    package func value(_ expression: BoundExpression) -> RowEvaluator {
        switch expression {
        case .literal(let constant):
            return { _ in constant }
        case .parameter:
            // A prepared query's plan has its values put in before it runs (see PreparedQuery).
            return { _ in .null }
        case .column(let index):
            let column = columns[index]
            return { column.value(at: $0) }
        case .compare, .and, .or, .not, .contains, .member, .isNull:
            return booleanValue(expression)
        case .makeList(let elements):
            let evaluators = elements.map(value)
            return { row in .list(evaluators.map { $0(row) }) }
        case .negate(let operand, let place):
            let inner = value(operand)
            let context = self.context
            return { row in
                do throws(EvaluationError) {
                    return try Arithmetic.negate(inner(row))
                } catch {
                    context.fail(error, at: place)
                    return .null
                }
            }
        case .arithmetic(_, _, _, .integer, _) where integerEvaluator(expression) != nil:
            guard let integers = integerEvaluator(expression) else { return { _ in .null } }
            return { integers($0).map(Value.integer) ?? .null }
        case .arithmetic(_, _, _, .float, _) where floatEvaluator(expression) != nil:
            guard let floats = floatEvaluator(expression) else { return { _ in .null } }
            return { floats($0).map(Value.float) ?? .null }
        case .arithmetic(let op, let lhs, let rhs, let type, let place):
            let left = value(lhs)
            let right = value(rhs)
            let context = self.context
            return { row in
                do throws(EvaluationError) {
                    return ExpressionCompiler.charged(try Arithmetic.apply(op, left(row), right(row), type: type), to: context)
                } catch {
                    context.fail(error, at: place)
                    return .null
                }
            }
        case .canonical(let operand, let index):
            let inner = value(operand)
            return { row in
                let result = inner(row)
                guard case .string(let text) = result, let canonical = index[text.lowercased()] else { return result }
                return .string(canonical)
            }
        case .call(.coalesce, let arguments, _):
            // Lazily, as SQL does: an argument after the first value that is not null is never
            // computed, so its overflow cannot fail the query.
            let evaluators = arguments.map(value)
            return { row in
                for evaluate in evaluators {
                    let candidate = evaluate(row)
                    if !candidate.isNull { return candidate }
                }
                return .null
            }
        case .call(let function, let arguments, let place):
            let evaluators = arguments.map(value)
            let context = self.context
            if evaluators.count == 1 {
                let only = evaluators[0]
                return { row in
                    do throws(EvaluationError) {
                        return ExpressionCompiler.charged(try function.apply([only(row)]), to: context)
                    } catch {
                        context.fail(error, at: place)
                        return .null
                    }
                }
            }
            return { row in
                do throws(EvaluationError) {
                    return ExpressionCompiler.charged(try function.apply(evaluators.map { $0(row) }), to: context)
                } catch {
                    context.fail(error, at: place)
                    return .null
                }
            }
        case .conditional(let items, let otherwise):
            // Lazily, as SQL's CASE: a value whose condition is not true is never computed.
            let tests = stride(from: 0, to: items.count - 1, by: 2).map { predicate(items[$0]) }
            let values = stride(from: 1, to: items.count, by: 2).map { value(items[$0]) }
            let fallback = value(otherwise)
            return { row in
                for index in tests.indices where tests[index](row) { return values[index](row) }
                return fallback(row)
            }
        case .userCall(let function, let arguments):
            let evaluators = arguments.map(value)
            let context = self.context
            return { row in
                do throws(EvaluationError) {
                    return ExpressionCompiler.charged(try function.call(evaluators.map { $0(row) }), to: context)
                } catch {
                    context.fail(error)
                    return .null
                }
            }
        case .matches(let subject, let pattern):
            let inner = value(subject)
            // Checked when the query was; an invalid pattern here would be a bug, so it matches nothing.
            guard let compiled = try? Pattern(pattern) else { return { _ in .bool(false) } }
            let context = self.context
            // Linear in the text; a long text still stops when the query is cancelled or times out.
            let shouldStop = { context.shouldStop || context.isPastDeadline }
            return { row in
                guard case .string(let text) = inner(row) else { return .bool(false) }
                return .bool(compiled.matches(text, shouldStop: shouldStop))
            }
        }
    }

    /// Boolean expressions as values: null where an operand is null and the answer depends on it.
    private func booleanValue(_ expression: BoundExpression) -> RowEvaluator {
        switch expression {
        case .compare(let op, let lhs, let rhs):
            let left = value(lhs)
            let right = value(rhs)
            return { row in
                guard let order = Value.compare(left(row), right(row)) else { return .bool(false) }
                return .bool(op.holds(order))
            }
        case .contains(let lhs, let rhs):
            let left = value(lhs)
            let right = value(rhs)
            return { row in
                // Both sides are computed even when one is null, as in arithmetic.
                let (x, y) = (left(row), right(row))
                guard case .string(let haystack) = x, case .string(let needle) = y else {
                    return .bool(false)
                }
                return .bool(haystack.containsIgnoringCase(needle))
            }
        case .member(let lhs, let rhs):
            let left = value(lhs)
            let right = value(rhs)
            return { row in
                let (candidate, list) = (left(row), right(row))
                guard !candidate.isNull, case .list(let elements) = list else { return .bool(false) }
                return .bool(elements.contains { Value.compare($0, candidate) == 0 })
            }
        case .isNull(let operand):
            let inner = value(operand)
            return { row in .bool(inner(row).isNull) }
        default:
            let test = predicate(expression)
            return { .bool(test($0)) }
        }
    }
}
