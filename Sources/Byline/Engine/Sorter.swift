// Sorting rows: keys read straight from typed columns where they can be (strings by the rank of
// their dictionary code), a stable order, and a bounded heap when only the first rows are wanted.

/// One `order by` key, ready to compare two physical rows without boxing where possible.
enum SortKey {
    case integers([Int], nulls: [Bool]?, descending: Bool)
    case floats([Double], nulls: [Bool]?, descending: Bool)
    /// Dictionary codes and each code's rank in sorted order (-1 codes are null).
    case ranks([Int32], rank: [Int32], descending: Bool)
    /// Anything else, computed per row.
    case values([Int: Value], descending: Bool)

    /// Builds the key for an expression over a relation's rows.
    static func make(
        _ expression: BoundExpression, descending: Bool, columns: [Column], rows: [Int], compiler: ExpressionCompiler
    ) -> SortKey {
        if case .column(let index) = expression {
            switch columns[index].storage {
            case .integers(let values, let nulls): return .integers(values, nulls: nulls.flags, descending: descending)
            case .floats(let values, let nulls): return .floats(values, nulls: nulls.flags, descending: descending)
            case .strings(let codes, let dictionary):
                let order = dictionary.strings.indices.sorted { dictionary.strings[$0] < dictionary.strings[$1] }
                var rank = [Int32](repeating: 0, count: dictionary.strings.count)
                for (position, code) in order.enumerated() { rank[code] = Int32(position) }
                return .ranks(codes, rank: rank, descending: descending)
            default:
                break
            }
        }
        let evaluate = compiler.value(expression)
        var values: [Int: Value] = [:]
        values.reserveCapacity(rows.count)
        for row in rows { values[row] = evaluate(row) }
        return .values(values, descending: descending)
    }

    /// Negative when row `a` sorts before row `b`; nulls sort last in both directions.
    @inline(__always)
    func compare(_ a: Int, _ b: Int) -> Int {
        switch self {
        case .integers(let values, let nulls, let descending):
            if let nulls, nulls[a] || nulls[b] { return nulls[a] == nulls[b] ? 0 : (nulls[a] ? 1 : -1) }
            let order = values[a] < values[b] ? -1 : (values[a] == values[b] ? 0 : 1)
            return descending ? -order : order
        case .floats(let values, let nulls, let descending):
            if let nulls, nulls[a] || nulls[b] { return nulls[a] == nulls[b] ? 0 : (nulls[a] ? 1 : -1) }
            let order = values[a] < values[b] ? -1 : (values[a] == values[b] ? 0 : 1)
            return descending ? -order : order
        case .ranks(let codes, let rank, let descending):
            let left = codes[a]
            let right = codes[b]
            if left < 0 || right < 0 { return left == right ? 0 : (left < 0 ? 1 : -1) }
            let order = rank[Int(left)] < rank[Int(right)] ? -1 : (left == right ? 0 : 1)
            return descending ? -order : order
        case .values(let values, let descending):
            let left = values[a] ?? .null
            let right = values[b] ?? .null
            if left.isNull || right.isNull { return left.isNull == right.isNull ? 0 : (left.isNull ? 1 : -1) }
            let order = Value.compare(left, right) ?? 0
            return descending ? -order : order
        }
    }
}

/// Orders rows by keys, stably.
struct Sorter {
    let keys: [SortKey]

    /// Whether row `a` comes before row `b`: by the keys, then by input position.
    @inline(__always)
    func precedes(_ a: Int, _ b: Int, positionA: Int, positionB: Int) -> Bool {
        for key in keys {
            let order = key.compare(a, b)
            if order != 0 { return order < 0 }
        }
        return positionA < positionB
    }

    /// All rows in order.
    func sorted(_ rows: [Int]) -> [Int] {
        let order = rows.indices.sorted { precedes(rows[$0], rows[$1], positionA: $0, positionB: $1) }
        return order.map { rows[$0] }
    }

    /// The first `count` rows in order, with a bounded heap: O(n log count) instead of sorting all.
    func first(_ count: Int, of rows: [Int]) -> [Int] {
        guard count > 0 else { return [] }
        guard count < rows.count / 4 else { return Array(sorted(rows).prefix(count)) }
        // A max-heap of positions: the root is the worst row kept so far.
        var heap: [Int] = []
        heap.reserveCapacity(count)
        func worse(_ x: Int, _ y: Int) -> Bool { precedes(rows[y], rows[x], positionA: y, positionB: x) }
        for position in rows.indices {
            if heap.count < count {
                heap.append(position)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard worse(heap[child], heap[parent]) else { break }
                    heap.swapAt(child, parent)
                    child = parent
                }
            } else if precedes(rows[position], rows[heap[0]], positionA: position, positionB: heap[0]) {
                heap[0] = position
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    let right = left + 1
                    var largest = parent
                    if left < heap.count, worse(heap[left], heap[largest]) { largest = left }
                    if right < heap.count, worse(heap[right], heap[largest]) { largest = right }
                    if largest == parent { break }
                    heap.swapAt(parent, largest)
                    parent = largest
                }
            }
        }
        return heap.sorted { precedes(rows[$0], rows[$1], positionA: $0, positionB: $1) }.map { rows[$0] }
    }
}
