// Sorting rows: keys read straight from typed columns where they can be (strings by the rank of
// their dictionary code), a stable order, and a bounded heap when only the first rows are wanted.
//
// Where the first key has an order-preserving 64-bit form (numbers, ranks, the first bytes of a
// string), rows are sorted by that form with a radix sort (stable, so input order breaks ties)
// and only runs of equal forms go to the general comparison; `order by … limit N offset M` first
// selects, by the same forms, the rows that can rank between M and M + N, and sorts only those.

import BylineCore
import BylineFunctions
import BylineSemantics
import BylineStorage
import BylineSyntax

/// One `order by` key, ready to compare two physical rows without boxing where possible.
package enum SortKey {
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
    package static func make(
        _ expression: BoundExpression, descending: Bool, columns: [Column], rows: [Int], compiler: ExpressionCompiler,
        wanted: Int? = nil, shouldStop: () -> Bool = { false }
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
                return .ranks(codes, rank: SortKey.ranks(of: dictionary.strings, shouldStop: shouldStop), descending: descending)
            default:
                break
            }
        }
        let evaluate = compiler.value(expression)
        // An expression of numbers or text is computed once per row into a column of its own,
        // then ordered as a stored column is: kept in a dictionary of boxed values it was looked
        // up on every comparison (`order by value + 0` of a million rows took 25 times as long
        // as `select value + 0 as v order by v`).
        var computed: [Value] = []
        var isColumn = false
        if case .column = expression { isColumn = true }
        if !isColumn, let last = rows.max() {
            computed = [Value](repeating: .null, count: last + 1)
            var type: DataType?
            var oneType = true
            for row in rows {
                let value = evaluate(row)
                computed[row] = value
                let kind: DataType
                switch value {
                case .null: continue
                case .integer: kind = .integer
                case .float: kind = .float
                case .string: kind = .string
                default: kind = .list(.null)
                }
                if type == nil { type = kind } else if type != kind { oneType = false }
            }
            if oneType, let type, type != .list(.null) {
                var builder = ColumnBuilder(type: type, capacity: computed.count)
                for value in computed { builder.append(value) }
                return make(
                    .column(columns.count), descending: descending, columns: columns + [builder.build()], rows: rows, compiler: compiler,
                    wanted: wanted, shouldStop: shouldStop)
            }
        }
        var values: [Int: Value] = [:]
        values.reserveCapacity(rows.count)
        for row in rows { values[row] = computed.isEmpty ? evaluate(row) : computed[row] }
        return .values(values, descending: descending)
    }

    /// Each string's position in sorted order. Asked to stop (Ctrl-C on ten million strings), it
    /// returns ranks in no useful order; the caller checks for the stop and throws them away.
    package static func ranks(of strings: [String], shouldStop: () -> Bool = { false }) -> [Int32] {
        var order: [Int32]
        if strings.count < 1 << 12 || strings.count >= Int(Int32.max) {
            order = strings.indices.sorted { ExactText.compare(strings[$0], strings[$1]) < 0 }.map { Int32(truncatingIfNeeded: $0) }
        } else {
            var shared = Int.max
            for (index, text) in strings.enumerated().dropFirst() where shared > 0 {
                if index & 0xFFFF == 0, shouldStop() { return [Int32](repeating: 0, count: strings.count) }
                shared = sharedPrefix(text, strings[0], limit: shared)
            }
            order = (0..<Int32(truncatingIfNeeded: strings.count)).map { $0 }
            sortByText(&order, strings, from: shared == Int.max ? 0 : shared, shouldStop: shouldStop)
        }
        var rank = [Int32](repeating: 0, count: strings.count)
        for (position, code) in order.enumerated() { rank[Int(code)] = Int32(truncatingIfNeeded: position) }
        return rank
    }

    /// Sorts indices of strings by the strings (which share their first `offset` bytes): by eight
    /// bytes at a time (a radix sort), then each run that shares them by the next eight, and so
    /// on; small runs, and runs whose strings end within the bytes they share, by comparison.
    package static func sortByText(_ order: inout [Int32], _ strings: [String], from offset: Int, shouldStop: () -> Bool = { false }) {
        var pending: [(range: Range<Int>, offset: Int)] = [(0..<order.count, offset)]
        var runs = 0
        while let (range, offset) = pending.popLast() {
            runs &+= 1
            if runs & 0xFF == 0 || range.count > 1 << 16, shouldStop() { return }
            if range.count < 32 {
                order[range].sort { ExactText.compare(strings[Int($0)], strings[Int($1)]) < 0 }
                continue
            }
            var run = Array(order[range])
            var forms: [UInt64] = []
            forms.reserveCapacity(run.count)
            for (index, code) in run.enumerated() {
                if index & 0xFFFF == 0xFFFF, shouldStop() { return }
                forms.append(form(strings[Int(code)], from: offset))
            }
            var stopped = false
            Sorter.radixSort(&forms, &run) {
                stopped = stopped || (range.count > 1 << 16 && shouldStop())
                return stopped
            }
            if stopped { return }
            order.replaceSubrange(range, with: run)
            var start = 0
            while start < forms.count {
                var end = start + 1
                while end < forms.count, forms[end] == forms[start] { end += 1 }
                if end - start > 1 {
                    let tied = (range.lowerBound + start)..<(range.lowerBound + end)
                    if order[tied].contains(where: { strings[Int($0)].utf8.count > offset + 8 }) {
                        pending.append((tied, offset + 8))
                    } else {
                        order[tied].sort { ExactText.compare(strings[Int($0)], strings[Int($1)]) < 0 }
                    }
                }
                start = end
            }
        }
    }

    /// Negative when row `a` sorts before row `b`; nulls sort last in both directions.
    @inline(__always)
    package func compare(_ a: Int, _ b: Int) -> Int {
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

/// The first key of a sort in its order-preserving 64-bit form: for two rows whose forms differ,
/// the smaller sorts first; equal forms leave the order to `SortKey.compare` and the other keys.
package struct KeyForms {
    /// The forms of the rows whose key is not null, in input order.
    package var forms: [UInt64]
    /// Their positions in the rows being sorted.
    package var positions: [Int32]
    /// Positions of the rows whose key is null (they sort last), in input order.
    package var nulls: [Int32]
    /// Whether equal forms mean equal keys (numbers and ranks; not string prefixes).
    package var exact: Bool
}

extension SortKey {
    /// An integer in an unsigned form with the same order.
    @inline(__always) package static func form(_ value: Int) -> UInt64 { UInt64(bitPattern: Int64(value)) ^ (1 << 63) }

    /// A float in an unsigned form with the same order (-0.0 and 0.0 alike, as they compare equal).
    @inline(__always) package static func form(_ value: Double) -> UInt64 {
        let bits = (value == 0 ? 0.0 : value).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Eight bytes of UTF-8 from `offset` (zeros past the end), big-endian: byte order is scalar order.
    package static func form(_ text: String, from offset: Int) -> UInt64 {
        withUTF8(text) { bytes in
            var form: UInt64 = 0
            for index in offset..<(offset + 8) { form = form << 8 | (index < bytes.count ? UInt64(bytes[index]) : 0) }
            return form
        }
    }

    package static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// How many leading bytes `text` shares with `reference`, at most `limit`.
    package static func sharedPrefix(_ text: String, _ reference: String, limit: Int) -> Int {
        withUTF8(text) { a in
            withUTF8(reference) { b in
                var count = 0
                let end = min(limit, a.count, b.count)
                while count < end, a[count] == b[count] { count += 1 }
                return count
            }
        }
    }

    /// The key's forms over `rows`, or nil when it has none (computed values) or there are too many
    /// rows to number in 32 bits.
    package func forms(of rows: [Int]) -> KeyForms? {
        guard rows.count < Int(Int32.max) else { return nil }
        var forms: [UInt64] = []
        var positions: [Int32] = []
        var nulls: [Int32] = []
        forms.reserveCapacity(rows.count)
        positions.reserveCapacity(rows.count)
        func collect(descending: Bool, _ form: (Int) -> UInt64?) {
            let flip: UInt64 = descending ? ~0 : 0
            for (position, row) in rows.enumerated() {
                if let value = form(row) {
                    forms.append(value ^ flip)
                    positions.append(Int32(truncatingIfNeeded: position))
                } else {
                    nulls.append(Int32(truncatingIfNeeded: position))
                }
            }
        }
        var exact = true
        switch self {
        case .integers(let values, let flags, let descending):
            collect(descending: descending) { row in flags?[row] == true ? nil : SortKey.form(values[row]) }
        case .integers32(let values, let flags, let descending):
            collect(descending: descending) { row in flags?[row] == true ? nil : SortKey.form(Int(values[row])) }
        case .floats(let values, let flags, let descending):
            if rows.contains(where: { values[$0].isNaN && flags?[$0] != true }) { return nil }
            collect(descending: descending) { row in flags?[row] == true ? nil : SortKey.form(values[row]) }
        case .ranks(let codes, let rank, let descending):
            collect(descending: descending) { row in codes[row] < 0 ? nil : UInt64(rank[Int(codes[row])]) }
        case .strings(let codes, let strings, let descending):
            exact = false
            // Skip the bytes every string shares (a common scheme and host, say), so the eight
            // bytes of the form tell strings apart. Over the dictionary when it is the smaller set.
            let byCode = strings.count <= rows.count
            var reference: String?
            var shared = Int.max
            func share(_ text: String) {
                guard let first = reference else { reference = text; return }
                if shared > 0 { shared = SortKey.sharedPrefix(text, first, limit: shared) }
            }
            if byCode {
                for text in strings { share(text) }
            } else {
                for row in rows where codes[row] >= 0 { share(strings[Int(codes[row])]) }
            }
            if shared == Int.max { shared = 0 }
            if byCode {
                let table = strings.map { SortKey.form($0, from: shared) }
                collect(descending: descending) { row in codes[row] < 0 ? nil : table[Int(codes[row])] }
            } else {
                collect(descending: descending) { row in codes[row] < 0 ? nil : SortKey.form(strings[Int(codes[row])], from: shared) }
            }
        case .values:
            return nil
        }
        return KeyForms(forms: forms, positions: positions, nulls: nulls, exact: exact)
    }
}

/// Orders rows by keys, stably. A sort can be stopped part-way: every 4,096 comparisons it asks
/// `shouldStop`, and once told to stop it finishes at once with a meaningless order, which the
/// caller throws away.
package final class Sorter {
    package let keys: [SortKey]
    private let shouldStop: () -> Bool
    private var comparisons = 0
    /// Whether the sort was stopped (its result must not be used).
    package private(set) var stopped = false
    /// How the last sort ran, for `explain analyze`.
    package private(set) var method = ""
    /// Where a top-k counts the rows it has gone through (a full sort does not count).
    package var progress: RunProgress?

    /// How many threads a radix sort's passes may use.
    package let threads: Int

    package init(keys: [SortKey], threads: Int = 1, shouldStop: @escaping () -> Bool = { false }) {
        self.keys = keys
        self.threads = threads
        self.shouldStop = shouldStop
    }

    /// Whether row `a` comes before row `b`: by the keys, then by input position.
    @inline(__always)
    package func precedes(_ a: Int, _ b: Int, positionA: Int, positionB: Int) -> Bool {
        comparisons &+= 1
        if comparisons & 0xFFF == 0, !stopped, shouldStop() { stopped = true }
        if stopped { return false }
        for key in keys {
            let order = key.compare(a, b)
            if order != 0 { return order < 0 }
        }
        return positionA < positionB
    }

    // MARK: - By forms

    /// Rows ranked `low..<high` in sorted order (fewer when there are fewer rows).
    package func range(_ low: Int, _ high: Int, of rows: [Int]) -> [Int] {
        let high = min(high, rows.count)
        guard low < high else { return [] }
        if low == 0, high < rows.count / 4 { return first(high, of: rows) }
        method = "selection by the first key's form"
        guard let key = keys.first, let forms = key.forms(of: rows) else {
            let all = sorted(rows)
            return stopped ? [] : Array(all[low..<high])
        }
        var result: [Int] = []
        let present = forms.forms.count
        if low < present {
            var candidates = forms.forms
            var positions = forms.positions
            var (from, to) = (low, min(high, present))
            select(&candidates, &positions, from: &from, to: &to)
            method += ": \(candidates.count) candidates"
            order(&candidates, &positions, exact: forms.exact, rows: rows)
            if stopped { return [] }
            result = positions[from..<to].map { rows[Int($0)] }
        }
        if high > present {
            let nulls = orderedNulls(forms.nulls, rows: rows)
            if stopped { return [] }
            result += nulls[max(0, low - present)..<(high - present)].map { rows[Int($0)] }
        }
        return result
    }

    /// Narrows `forms` to the rows that can rank `from..<to`, by 16 bits of the form at a time,
    /// and shifts `from` and `to` to ranks among what is left.
    private func select(_ forms: inout [UInt64], _ positions: inout [Int32], from: inout Int, to: inout Int) {
        var shift = 48
        var counts = [Int](repeating: 0, count: 1 << 16)
        while shift >= 0, forms.count > 4096, !stopped {
            for index in counts.indices { counts[index] = 0 }
            for form in forms { counts[Int(truncatingIfNeeded: (form >> UInt64(shift)) & 0xFFFF)] += 1 }
            var below = 0
            var lowBucket = 0
            while below + counts[lowBucket] <= from {
                below += counts[lowBucket]
                lowBucket += 1
            }
            var through = below + counts[lowBucket]
            var highBucket = lowBucket
            while through < to {
                highBucket += 1
                through += counts[highBucket]
            }
            var keptForms: [UInt64] = []
            var keptPositions: [Int32] = []
            keptForms.reserveCapacity(through - below)
            keptPositions.reserveCapacity(through - below)
            for (index, form) in forms.enumerated() {
                let bucket = Int(truncatingIfNeeded: (form >> UInt64(shift)) & 0xFFFF)
                if bucket >= lowBucket && bucket <= highBucket {
                    keptForms.append(form)
                    keptPositions.append(positions[index])
                }
            }
            forms = keptForms
            positions = keptPositions
            from -= below
            to -= below
            if shouldStop() { stopped = true }
            // A range across buckets keeps whole buckets, which finer bits would not narrow much.
            if lowBucket != highBucket { break }
            shift -= 16
        }
    }

    /// Sorts positions by their forms (a stable radix sort, so input order breaks ties), then each
    /// run of equal forms by the keys when the forms do not decide.
    private func order(_ forms: inout [UInt64], _ positions: inout [Int32], exact: Bool, rows: [Int]) {
        Sorter.radixSort(&forms, &positions, threads: threads) { [self] in
            if shouldStop() { stopped = true }
            return stopped
        }
        guard !stopped, !(exact && keys.count == 1) else { return }
        // Equal exact forms of the first key are equal keys: a run of them is ordered by the
        // second key's forms (unboxed compares), which decide alone when it is the last key.
        var second: SecondForms??
        var sinceAsked = 0
        var start = 0
        while start < forms.count, !stopped {
            var end = start + 1
            while end < forms.count, forms[end] == forms[start] { end += 1 }
            if end - start > 1 {
                if exact, second == nil { second = .some(secondForms(rows)) }
                if exact, let next = second ?? nil {
                    let (form, isNull, decides) = (next.forms, next.isNull, next.decides)
                    positions[start..<end].sort { [self] a, b in
                        let (x, y) = (Int(a), Int(b))
                        if isNull[x] != isNull[y] { return isNull[y] }  // nulls last
                        if !isNull[x], form[x] != form[y] { return form[x] < form[y] }
                        if decides { return x < y }
                        return precedes(rows[x], rows[y], positionA: x, positionB: y)
                    }
                    sinceAsked += end - start
                    if sinceAsked > 65_536 {
                        sinceAsked = 0
                        if shouldStop() { stopped = true }
                    }
                } else {
                    positions[start..<end].sort { precedes(rows[Int($0)], rows[Int($1)], positionA: Int($0), positionB: Int($1)) }
                }
            }
            start = end
        }
    }

    /// The second key's form at every position of `rows`, for ordering runs of equal first keys.
    private struct SecondForms {
        var forms: [UInt64]
        var isNull: [Bool]
        /// Whether equal forms are equal keys and no key follows: position decides the rest.
        var decides: Bool
    }

    /// The second key's forms, position by position; nil when there is none or it has no forms.
    private func secondForms(_ rows: [Int]) -> SecondForms? {
        guard keys.count >= 2, let keyForms = keys[1].forms(of: rows) else { return nil }
        var forms = [UInt64](repeating: 0, count: rows.count)
        var isNull = [Bool](repeating: false, count: rows.count)
        for (index, position) in keyForms.positions.enumerated() { forms[Int(position)] = keyForms.forms[index] }
        for position in keyForms.nulls { isNull[Int(position)] = true }
        return SecondForms(forms: forms, isNull: isNull, decides: keyForms.exact && keys.count == 2)
    }

    /// Rows whose first key is null, in order of the other keys (input order when there are none).
    private func orderedNulls(_ nulls: [Int32], rows: [Int]) -> [Int32] {
        guard keys.count > 1 else { return nulls }
        return nulls.sorted { precedes(rows[Int($0)], rows[Int($1)], positionA: Int($0), positionB: Int($1)) }
    }

    /// A stable least-significant-digit radix sort of forms, carrying positions, 16 bits a pass;
    /// passes where every form has the same digit are skipped. `stop` is asked twice a pass.
    /// With `threads`, each pass counts and moves contiguous ranges at once: a range's digits go
    /// to its own run of each bucket, after the earlier ranges' runs, so the order is exactly one
    /// thread's.
    package static func radixSort(_ forms: inout [UInt64], _ positions: inout [Int32], threads: Int = 1, stop: () -> Bool) {
        let count = forms.count
        guard count > 1 else { return }
        if count < 1 << 12 {
            let pairs = zip(forms, positions).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            forms = pairs.map(\.0)
            positions = pairs.map(\.1)
            return
        }
        let parts = max(1, min(threads, count >> 16))
        let ranges = (0..<parts).map { (count * $0 / parts)..<(count * ($0 + 1) / parts) }
        var otherForms = [UInt64](repeating: 0, count: count)
        var otherPositions = [Int32](repeating: 0, count: count)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            /// Each range's count per digit, then where its next form of that digit goes.
            var counts = forms.withUnsafeBufferPointer { source in
                Parallel.run(parts, workers: parts) { part in
                    var counts = [Int](repeating: 0, count: 1 << 16)
                    for form in source[ranges[part]] { counts[Int(truncatingIfNeeded: (form >> shift) & 0xFFFF)] += 1 }
                    return counts
                }
            }
            let first = Int(truncatingIfNeeded: (forms[0] >> shift) & 0xFFFF)
            if counts.reduce(0, { $0 + $1[first] }) == count { continue }
            // Asked between counting and moving too: a pass over 100M rows takes about a second.
            if stop() { return }
            var offset = 0
            for digit in 0..<(1 << 16) {
                for part in 0..<parts {
                    let bucket = counts[part][digit]
                    counts[part][digit] = offset
                    offset += bucket
                }
            }
            forms.withUnsafeBufferPointer { sourceForms in
                positions.withUnsafeBufferPointer { sourcePositions in
                    otherForms.withUnsafeMutableBufferPointer { targetForms in
                        otherPositions.withUnsafeMutableBufferPointer { targetPositions in
                            // Each range writes only its own runs of the targets.
                            _ = Parallel.run(parts, workers: parts) { part in
                                var next = counts[part]
                                next.withUnsafeMutableBufferPointer { next in
                                    for index in ranges[part] {
                                        let form = sourceForms[index]
                                        let digit = Int(truncatingIfNeeded: (form >> shift) & 0xFFFF)
                                        let target = next[digit]
                                        next[digit] = target + 1
                                        targetForms[target] = form
                                        targetPositions[target] = sourcePositions[index]
                                    }
                                }
                                return ()
                            }
                        }
                    }
                }
            }
            swap(&forms, &otherForms)
            swap(&positions, &otherPositions)
            if stop() { return }
        }
    }

    /// How many rows are sorted as one run before runs are merged.
    package static let runLength = 8192

    /// All rows in order: runs sorted separately, then merged pairwise, so a stop request is seen
    /// between runs and merges rather than only at the end.
    package func sorted(_ rows: [Int]) -> [Int] {
        method = "radix sort"
        if rows.count > 1, let key = keys.first, var forms = key.forms(of: rows) {
            order(&forms.forms, &forms.positions, exact: forms.exact, rows: rows)
            let result = (forms.positions + orderedNulls(forms.nulls, rows: rows)).map { rows[Int($0)] }
            return stopped ? [] : result
        }
        return mergeSorted(rows)
    }

    /// All rows in order by comparisons alone (keys without forms).
    private func mergeSorted(_ rows: [Int]) -> [Int] {
        method = "merge sort"
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
    package func first(_ count: Int, of rows: [Int]) -> [Int] {
        guard count > 0 else { return [] }
        guard count < rows.count / 4 else { return range(0, count, of: rows) }
        method = "top-\(count) heap"
        // A max-heap of positions: the root is the worst row kept so far.
        var heap: [Int] = []
        heap.reserveCapacity(count)
        func worse(_ x: Int, _ y: Int) -> Bool { precedes(rows[y], rows[x], positionA: y, positionB: x) }
        progress?.expect(rows: rows.count)
        for position in rows.indices {
            if position & 0xFFF == 0xFFF { progress?.advance(0x1000) }
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
