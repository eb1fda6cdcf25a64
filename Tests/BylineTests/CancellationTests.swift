// Cancelling from another task stops every long operation — scan, sort, join, load — at its next
// block of rows (the bound below allows for a busy machine).
import Foundation
import Testing
import TestSupport

@testable import Byline

@Suite(.serialized) struct CancellationTests {
    /// The engine checks every block of rows, well under 100 ms apart; the bound allows for a
    /// machine busy with the rest of the suite (two cores, other tests in parallel).
    static let bound: Duration = .milliseconds(250)

    /// Runs `work` on its own thread (not the shared task pool, which other tests may keep busy),
    /// cancels after `delay`, and returns how long stopping took and the diagnostic it stopped with.
    func cancel(after delay: Duration, _ work: @escaping @Sendable (CancellationFlag) -> Diagnostic?) -> (Duration, Diagnostic?) {
        let flag = CancellationFlag()
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let thread = Thread {
            box.diagnostic = work(flag)
            done.signal()
        }
        thread.start()
        Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
        let cancelled = ContinuousClock.now
        flag.cancel()
        done.wait()
        return (ContinuousClock.now - cancelled, box.diagnostic)
    }

    final class ResultBox: @unchecked Sendable {
        var diagnostic: Diagnostic?
    }

    static func run(_ session: Session, _ text: String, _ flag: CancellationFlag) -> Diagnostic? {
        let script = session.check(SourceFile(name: "t", text: text), cancellation: flag)
        if let first = script.diagnostics.first { return first }
        do {
            for statement in script.statements { _ = try session.execute(statement, in: script, cancellation: flag) }
            return nil
        } catch {
            return error.diagnostics.first
        }
    }

    @Test func aScanStops() throws {
        let (latency, diagnostic) = cancel(after: .milliseconds(200)) { flag in
            Self.run(Session(), "range(100000000) where value % 7 = 3 count", flag)
        }
        #expect(diagnostic?.id == .cancelled)
        #expect(latency < Self.bound, "took \(latency)")
    }

    @Test func aSortStops() throws {
        let session = Session()
        _ = try session.run("let big = range(3000000) select value * 7919 % 1000003 as v")
        let shared = UncheckedSession(session)
        let (latency, diagnostic) = cancel(after: .milliseconds(150)) { flag in
            Self.run(shared.session, "big order by v", flag)
        }
        #expect(diagnostic?.id == .cancelled)
        #expect(latency < Self.bound, "took \(latency)")
    }

    /// Ranking the distinct strings of a column (before the rows are sorted) stops too.
    @Test func aSortOfManyDistinctStringsStops() throws {
        let session = Session()
        var random = SplitMix64(state: 7)
        let values: [Value] = (0..<1_500_000).map { index in .string("https://news.example/\(random.next() % 1000)/\(index)") }
        try session.register(table: "urls", columns: [(name: "url", values: values)])
        let shared = UncheckedSession(session)
        // Late enough that the rows are numbered and the ranking of 1.5M strings has begun.
        let (latency, diagnostic) = cancel(after: .milliseconds(700)) { flag in
            Self.run(shared.session, "urls order by url", flag)
        }
        #expect(diagnostic?.id == .cancelled)
        #expect(latency < Self.bound, "took \(latency)")
    }

    @Test func aJoinStops() throws {
        let (latency, diagnostic) = cancel(after: .milliseconds(200)) { flag in
            Self.run(Session(), "range(20000) join range(2000) as r on range.value < r.value count", flag)
        }
        #expect(diagnostic?.id == .cancelled)
        #expect(latency < Self.bound, "took \(latency)")
    }

    /// An oversized equi-join (5M rows against 50,000 on 1,000 keys: 250M pairs) probed on 1, 2
    /// and 4 threads stops when cancelled, and the session runs the next query.
    @Test(arguments: [1, 2, 4]) func anOversizedJoinStopsOnEveryThreadCount(threads: Int) throws {
        let session = Session(tables: [])
        session.limits.threads = threads
        session.limits.minimumRowsPerThread = Executor.blockSize
        session.limits.maximumJoinPairs = 400_000_000  // the cancel, not the pair limit, stops it
        session.limits.maximumMemory = 2 << 30  // and if the cancel were missed, the budget would
        _ = try session.run("let r = range(50000) select value % 1000 as j")
        let shared = UncheckedSession(session)
        let (latency, diagnostic) = cancel(after: .milliseconds(150)) { flag in
            Self.run(shared.session, "range(5000000) select value % 1000 as k join r on k = r.j count", flag)
        }
        #expect(diagnostic?.id == .cancelled, "\(threads) threads: \(String(describing: diagnostic?.message))")
        #expect(latency < Self.bound, "\(threads) threads: took \(latency)")
        #expect(try session.value("range(10) count") == .integer(10))
    }

    @Test func aLoadStops() throws {
        let path = try TemporaryFolder.forProcess("cancel").appendingPathComponent("big.csv").path
        var text = "id,name,score\n"
        text.reserveCapacity(30_000_000)
        for index in 0..<1_500_000 { text += "\(index),name\(index % 97),\(index % 13).5\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (latency, diagnostic) = cancel(after: .milliseconds(150)) { flag in
            Self.run(Session(), "load \"\(path)\" as big", flag)
        }
        #expect(diagnostic?.id == .cancelled)
        #expect(latency < Self.bound, "took \(latency)")
    }
}

/// Hands a session to one other task at a time (the tests never use it from two at once).
struct UncheckedSession: @unchecked Sendable {
    let session: Session
    init(_ session: Session) { self.session = session }
}
