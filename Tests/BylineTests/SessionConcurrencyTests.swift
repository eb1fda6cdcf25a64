// A shared session under concurrency: async runs suspend while the engine runs on threads of its
// own (never a thread of the cooperative pool), cancelling a task stops its query within 100 ms, and sync and async calls both compile from
// async code.
import Foundation
import Synchronization
import Testing

@testable import Byline

/// When queries started and stopped, noted on the threads that ran them.
private final class Clocked: Sendable {
    private let state = Mutex<(started: Int, stops: [ContinuousClock.Instant])>((0, []))
    func start() { state.withLock { $0.started += 1 } }
    func stop() { state.withLock { $0.stops.append(.now) } }
    var startedCount: Int { state.withLock { $0.started } }
    var stops: [ContinuousClock.Instant] { state.withLock { $0.stops } }
}

@Suite struct SessionConcurrencyTests {
    /// Long enough to be running when it is cancelled (seconds on two cores), small in memory.
    static let longQuery = "range(30000000) select value * 7 % 1000003 as v order by v desc limit 1"

    @Test func twoLongQueriesInTasksStopWithin100Milliseconds() async throws {
        let session = Session()
        // When each query stopped, taken on the thread that ran it (the awaiting task may resume
        // later when other tests keep the cooperative pool busy).
        let stopped = Clocked()
        var tasks: [Task<Int, any Error>] = []
        for _ in 0..<2 {
            tasks.append(Task { () async throws(BylineError) -> Int in
                try await session.inBackground { flag throws(BylineError) in
                    stopped.start()
                    defer { stopped.stop() }
                    return try session.run(Self.longQuery, name: "long", cancellation: flag).count
                }
            })
        }
        let started = stopped
        let all = tasks
        // Cancelled from a thread of its own, once a query is running.
        let cancelledAt = Mutex<ContinuousClock.Instant?>(nil)
        Thread.detachNewThread {
            while started.startedCount == 0 { usleep(1_000) }
            usleep(300_000)
            cancelledAt.withLock { $0 = .now }
            for task in all { task.cancel() }
        }
        for task in tasks {
            let outcome = await task.result
            guard case .failure(let error) = outcome else {
                Issue.record("a query finished instead of stopping")
                continue
            }
            #expect((error as? BylineError)?.diagnostics.first?.id == .cancelled)
        }
        let cancelled = try #require(cancelledAt.withLock { $0 })
        let stops = stopped.stops
        // The second query waited for the first, then saw its flag set before starting (or its
        // task began after the cancel and never started the query, so it noted no stop).
        #expect(!stops.isEmpty)
        for stop in stops {
            #expect(stop - cancelled < .milliseconds(100))
        }
    }

    @Test func asyncRunsRunOnAThreadOfTheirOwn() async throws {
        // Where the engine ran, seen by a function the query calls (a small query runs on the
        // thread that runs it): a run that blocked the task would be on a cooperative pool thread.
        let threads = Mutex<Set<Bool>>([])
        let session = Session()
        session.limits.threads = 1  // no worker threads: the query runs where it is run
        try session.register(UserFunction(name: "probe", arguments: [.integer], returns: .integer) { values in
            let ours = Thread.current.threadDictionary[Session.backgroundThreadKey] as? Bool ?? false
            threads.withLock { _ = $0.insert(ours) }
            return values[0]
        })
        #expect(try await session.run("range(3) select probe(value)")[0].count == 3)
        #expect(threads.withLock { $0 } == [true])
        // The synchronous call runs where it is called.
        threads.withLock { $0 = [] }
        #expect(try session.runSync("range(3) select probe(value)")[0].count == 3)
        #expect(threads.withLock { $0 } == [false])
    }

    @Test func aSessionIsSharedBetweenTasks() async throws {
        let session = Session()
        try session.runSync("let base = visits")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    // Sync and async calls, both from async code.
                    _ = try session.runSync("let mine\(index) = base limit \(index)")
                    let result = try await session.run("mine\(index) count")
                    guard case .integer(let count) = result[0][0, 0] else { return -1 }
                    return count
                }
            }
            var all: [Int] = []
            for try await count in group { all.append(count) }
            return all.sorted()
        }
        #expect(counts == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect((0..<8).allSatisfy { session.isBinding("mine\($0)") })
    }

    @Test func aTaskCancelledBeforeItRunsStopsAtOnce() async {
        let session = Session()
        let task = Task { () async throws(BylineError) -> Int in
            try await session.run(Self.longQuery).count
        }
        task.cancel()
        let outcome = await task.result
        guard case .failure(let error) = outcome else {
            Issue.record("the query finished instead of stopping")
            return
        }
        #expect((error as? BylineError)?.diagnostics.first?.id == .cancelled)
    }
}
