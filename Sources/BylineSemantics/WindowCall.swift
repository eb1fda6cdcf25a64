// Window functions after checking: what each computes, over which partition, in which order.

import BylineCore
import BylineFunctions
import BylineIO
import BylineStorage
import BylineSyntax

/// A window function in a `select`: computed for each row from the rows of its partition,
/// without merging rows (`rank() over (partition by team order by score desc)`).
package struct WindowCall: Sendable {
    /// What is computed.
    package enum Function: Sendable, Equatable {
        /// 1, 2, 3, … in the partition's order.
        case rowNumber
        /// 1 + the rows before that are not ties.
        case rank
        /// 1 + the distinct order keys before.
        case denseRank
        /// The argument `offset` rows before (`lag`) or after (`lead`) in the partition.
        case lag(offset: Int)
        case lead(offset: Int)
        /// The argument at the first or the last row of the frame (a null there included).
        case firstValue
        case lastValue
        /// count(), count, sum, avg, min or max over the frame.
        case aggregate(AggregateCall)

        /// The names `over` may follow, for help and messages.
        package static let names = BuiltinFunctions.window + BuiltinFunctions.windowAggregates
    }

    /// Which rows of the partition an aggregate sees.
    package enum Frame: Sendable, Equatable {
        /// All of them (no `order by`).
        case partition
        /// From the first through the row itself (`order by`: a running aggregate).
        case running
        /// The `count` rows before the row and the row itself (`rows N preceding`).
        case preceding(Int)
    }

    package var function: Function
    /// The value `lag`, `lead`, `first_value` and `last_value` read.
    package var argument: BoundExpression?
    /// `partition by` keys.
    package var partition: [BoundExpression]
    /// `order by` keys.
    package var order: [(BoundExpression, descending: Bool)]
    package var frame: Frame
    /// The type of its value.
    package var type: DataType

    /// The column positions it reads.
    package var columnsUsed: Set<Int> {
        var used = argument?.columnsUsed ?? []
        if case .aggregate(let call) = function { used.formUnion(call.argument?.columnsUsed ?? []) }
        for key in partition { used.formUnion(key.columnsUsed) }
        for key in order { used.formUnion(key.0.columnsUsed) }
        return used
    }

    /// The same call with every expression transformed (a prepared query's parameters).
    package func mapExpressions(_ transform: (BoundExpression) -> BoundExpression) -> WindowCall {
        var call = self
        call.argument = argument.map(transform)
        if case .aggregate(var aggregate) = function {
            aggregate.argument = aggregate.argument.map(transform)
            call.function = .aggregate(aggregate)
        }
        call.partition = partition.map(transform)
        call.order = order.map { (transform($0.0), descending: $0.descending) }
        return call
    }
}
