// The memory one query may build: a count that every thread of a run charges before a structure
// grows (hash tables, sort buffers, join pairs, group tables, computed columns, long strings and
// lists), so a query that would pass the budget stops with an error instead of being killed.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Synchronization

/// Bytes charged by one run, across all its threads. Charges are estimates made before the
/// memory is taken, and are not given back when a step's structures are freed: the budget bounds
/// what a statement builds, which is at least what it holds at once.
package final class MemoryBudget: Sendable {
    /// The most bytes the run may charge.
    package let maximum: Int
    /// What the session's tables held when the run began (counted as used).
    package let held: Int
    private let used: Atomic<Int>

    package init(maximum: Int, held: Int = 0) {
        self.maximum = maximum
        self.held = max(0, held)
        used = Atomic(max(0, held))
    }

    /// Adds `bytes` to what the run has charged; false, and nothing added, when the total would
    /// pass the maximum.
    package func charge(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        var current = used.load(ordering: .relaxed)
        while true {
            let (total, overflow) = current.addingReportingOverflow(bytes)
            if overflow || total > maximum { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: total, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// `count` things of `size` bytes each, saturating at the largest integer.
    package static func bytes(_ count: Int, each size: Int) -> Int {
        let (product, overflow) = max(0, count).multipliedReportingOverflow(by: max(0, size))
        return overflow ? Int.max : product
    }
}

extension QueryLimits {
    /// The memory a query may build when no limit is given: half of the smallest of the machine's
    /// memory and the process's memory limit from its control group (a container's limit), or a
    /// quarter of its address-space limit (`ulimit -v`) when that is smaller, and at least 64 MiB.
    /// Half, because the budget counts what a query's structures need, and the process needs
    /// room beside them (its code, the allocator's spare memory, arrays that grow by doubling);
    /// a quarter of the address space, because thread stacks and the allocator's per-thread
    /// arenas reserve address space they may never use.
    public static let defaultMaximumMemory: Int = {
        var smallest = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
            smallest = min(smallest, Int(clamping: limit.rlim_cur) / 2)
        }
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0
            {
                smallest = min(smallest, bytes)
            }
        }
        return max(64 << 20, smallest / 2)
    }()

    /// A size as `--memory` and `.memory` take it: a whole number of bytes, or of KiB, MiB, GiB or
    /// TiB with the suffix `K`, `M`, `G` or `T` (`512M`, `2G`; an optional `B` or `iB` after it).
    /// Nil for anything else, zero, or more than the largest integer.
    public static func memorySize(_ text: String) -> Int? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces)).uppercased()[...]
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        var shift = 0
        if let last = digits.last, let index = ["K", "M", "G", "T"].firstIndex(of: String(last)) {
            shift = 10 * (index + 1)
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits), count > 0 else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : bytes
    }

    /// A size in bytes as a person reads it: whole GiB, MiB or KiB when it is one, else bytes.
    public static func describeMemory(_ bytes: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift {
            let whole = bytes >> shift
            if whole << shift == bytes { return "\(whole) \(unit)" }
            let tenths = (bytes >> (shift - 10)) * 10 / 1024
            return "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
