// Sorting rows: keys read straight from typed columns where they can be (strings by the rank of
// their dictionary code), a stable order, and a bounded heap when only the first rows are wanted.

extension Int {
    /// The product, or the largest integer when it would overflow.
    func saturatingTimes(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? Int.max : product
    }
}

/// One `order by` key, ready to compare two physical rows without boxing where possible.
enum SortKey {
    case integers([Int], nulls: [Bool]?, descending: Bool)
    case integers32([Int32], nulls: [Bool]?, descending: Bool)
    case floats([Double], nulls: [Bool]?, descending: Bool)
    /// Dictionary codes and each code's rank in sorted order (-1 codes are null).
    case ranks([Int32], rank: [Int32], descending: Bool)
    /// Dictionary codes compared by their strings: for a dictionary nearly as large as the rows,
    /// where ranking every string first would cost more than the sort (a top-k above all).
    case strings([Int32], strings: [String], descending: Bool)
    /// Anything else, computed per row.
    case values([Int: Value], descending: Bool)

    /// Builds the key for an expression over a relation's rows.
    static func make(
        _ expression: BoundExpression, descending: Bool, columns: [Column], rows: [Int], compiler: ExpressionCompiler,
        wanted: Int? = nil
    ) -> SortKey {
        // Ranking a dictionary sorts all its strings: worth it when the rows to order are many
        // against the strings; for the first few rows of many (top-k), or a dictionary much
        // larger than the rows, comparing the strings themselves is cheaper.
        let few = (wanted ?? rows.count).multipliedReportingOverflow(by: 16)
        func direct(_ dictionary: StringDictionary) -> Bool {
            dictionary.strings.count > 4096
                && ((!few.overflow && few.partialValue < rows.count) || dictionary.strings.count > rows.count.saturatingTimes(4))
        }
        if case .column(let index) = expression {
            switch columns[index].storage {
            case .integers(let values, let nulls): return .integers(values, nulls: nulls.flags, descending: descending)
            case .integers32(let values, let nulls):
                return .integers32(values, nulls: nulls.flags, descending: descending)
            case .floats(let values, let nulls): return .floats(values, nulls: nulls.flags, descending: descending)
            case .strings(let codes, let dictionary) where direct(dictionary):
                return .strings(codes, strings: dictionary.strings, descending: descending)
            case .strings(let codes, let dictionary):
                let strings = dictionary.strings
                let order = strings.indices.sorted { ExactText.compare(strings[$0], strings[$1]) < 0 }
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
        case .integers32(let values, let nulls, let descending):
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
        case .strings(let codes, let strings, let descending):
            let left = codes[a]
            let right = codes[b]
            if left < 0 || right < 0 { return left == right ? 0 : (left < 0 ? 1 : -1) }
            if left == right { return 0 }
            let order = ExactText.compare(strings[Int(left)], strings[Int(right)])
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

/// Orders rows by keys, stably. A sort can be stopped part-way: every 4,096 comparisons it asks
/// `shouldStop`, and once told to stop it finishes at once with a meaningless order, which the
/// caller throws away.
final class Sorter {
    let keys: [SortKey]
    private let shouldStop: () -> Bool
    private var comparisons = 0
    /// Whether the sort was stopped (its result must not be used).
    private(set) var stopped = false

    init(keys: [SortKey], shouldStop: @escaping () -> Bool = { false }) {
        self.keys = keys
        self.shouldStop = shouldStop
    }

    /// Whether row `a` comes before row `b`: by the keys, then by input position.
    @inline(__always)
    func precedes(_ a: Int, _ b: Int, positionA: Int, positionB: Int) -> Bool {
        comparisons &+= 1
        if comparisons & 0xFFF == 0, !stopped, shouldStop() { stopped = true }
        if stopped { return false }
        for key in keys {
            let order = key.compare(a, b)
            if order != 0 { return order < 0 }
        }
        return positionA < positionB
    }

    /// How many rows are sorted as one run before runs are merged.
    static let runLength = 8192

    /// All rows in order: runs sorted separately, then merged pairwise, so a stop request is seen
    /// between runs and merges rather than only at the end.
    func sorted(_ rows: [Int]) -> [Int] {
        var runs: [[Int]] = []
        var start = 0
        while start < rows.count {
            let end = min(start + Self.runLength, rows.count)
            runs.append(Array(start..<end).sorted { precedes(rows[$0], rows[$1], positionA: $0, positionB: $1) })
            if stopped || shouldStop() {
                stopped = true
                return []
            }
            start = end
        }
        while runs.count > 1 {
            var merged: [[Int]] = []
            var index = 0
            while index < runs.count {
                if index + 1 < runs.count {
                    merged.append(merge(runs[index], runs[index + 1], rows))
                } else {
                    merged.append(runs[index])
                }
                if stopped || shouldStop() {
                    stopped = true
                    return []
                }
                index += 2
            }
            runs = merged
        }
        return (runs.first ?? []).map { rows[$0] }
    }

    /// Merges two sorted runs of positions; on ties the earlier position (left run) wins.
    private func merge(_ a: [Int], _ b: [Int], _ rows: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if precedes(rows[b[j]], rows[a[i]], positionA: b[j], positionB: a[i]) {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
            }
            if stopped { return out }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
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
