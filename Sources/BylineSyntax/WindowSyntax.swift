// The syntax of a window: `rank() over (partition by team order by score desc)`.

import BylineCore

/// `over ( [partition by …] [order by …] [rows N preceding] )` after a call: the rows a window
/// function sees beside each row.
package struct WindowSpecification: Sendable, Equatable {
    /// `partition by EXPR, …`: rows with equal values form one partition (nulls equal).
    public var partition: [Expression]
    /// `order by EXPR [asc|desc], …`: the order within a partition (stable, nulls last).
    public var order: [OrderItem]
    /// `rows N preceding`: an aggregate sees the N rows before each row and the row itself.
    public var preceding: Int?
}
