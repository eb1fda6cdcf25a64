// The Swift API a host program uses: registering tables and functions, preparing queries,
// limits, cancelling from another task, and sessions side by side.
import Foundation
import Synchronization
import Testing

import Byline

@Suite struct EmbeddingTests {
    struct Trade: Encodable {
        var country: String
        var partner: String
        var share: Double?
        var years: [Int]
    }

    @Test func aSwiftTableJoinsAnArticleTable() throws {
        let session = Session()
        try session.register(
            table: "trade",
            rows: [
                Trade(country: "Kazakhstan", partner: "Israel", share: 0.25, years: [2018, 2019]),
                Trade(country: "Congo", partner: "Israel", share: nil, years: []),
            ])
        #expect(session.schema(of: "trade")?.fields.map(\.type) == [.string, .string, .float, .list(.integer)])
        let rows = try session.run(
            "trade join countries on trade.country = countries.name select countries.name, share, capital order by share"
        ).first?.rows
        // countries.name names countries, so "Congo" in the Swift table matches by its alias.
        #expect(rows == [[.string("Kazakhstan"), .float(0.25), .string("Astana")], [.string("Democratic Republic of the Congo"), .null, .null]])
    }

    @Test func columnsRegisterToo() throws {
        let session = Session(tables: [])
        try session.register(table: "t", columns: [("n", [.integer(1), .integer(2)]), ("x", [.float(1.5), .null])])
        #expect(try session.run("t select n + 1 as m, x").first?.rows == [[.integer(2), .float(1.5)], [.integer(3), .null]])
        #expect(throws: BylineError.self) { try session.register(table: "u", columns: [("a", [.null]), ("b", [])]) }
    }

    @Test func aRegisteredFunctionIsTypeChecked() throws {
        let session = Session()
        try session.register(UserFunction(name: "initials", arguments: [.string], returns: .string) { values in
            guard case .string(let name) = values[0] else { return .null }
            return .string(String(name.split(separator: " ").compactMap(\.first)))
        })
        #expect(try session.run("leaders where country = 'Congo' select initials(name)").first?.rows == [[.string("FT")]])
        do {
            _ = try session.run("leaders select initials(source)")
            Issue.record("a list was accepted where a string is expected")
        } catch {
            #expect(error.diagnostics.first?.message == "argument 1 of 'initials' must be a string, but 'source' is a list<integer>")
        }
    }

    @Test func preparedQueriesRunManyTimesOverCurrentTables() throws {
        let session = Session(tables: [])
        try session.register(table: "t", columns: [("n", [.integer(1)])])
        let prepared = try session.prepare("t select n * 10 as m")
        #expect(prepared.fields.map(\.name) == ["m"])
        #expect(try prepared.run().rows == [[.integer(10)]])
        try session.register(table: "t", columns: [("n", [.integer(2), .integer(3)])])
        #expect(try prepared.run().rows == [[.integer(20)], [.integer(30)]])
        #expect(throws: BylineError.self) { try session.prepare("t select nope") }
        #expect(throws: BylineError.self) { try session.prepare("t; t") }
    }

    @Test func errorsCarryEveryDiagnosticAndRender() {
        do {
            _ = try Session().run("leaders where contry = 1\nvisits select nope")
            Issue.record("no error")
        } catch {
            #expect(error.diagnostics.count == 2)
            #expect(error.diagnostics.map(\.id) == [.unknownField, .unknownField])
            #expect(error.diagnostics[1].span?.start == SourceLocation(offset: 39, line: 2, column: 15))
            #expect(error.description.hasPrefix("<input>:1:15: error: unknown field 'contry' in 'leaders'\n"))
        }
    }

    @Test func limitsStopRunawayQueries() {
        let session = Session()
        session.limits = QueryLimits(maximumRows: 10)
        #expect(throws: BylineError.self) { try session.run("range(11)") }
        #expect((try? session.run("range(10)").first?.rowCount) == 10)
        session.limits = QueryLimits(timeout: .milliseconds(50))
        let started = ContinuousClock.now
        do {
            _ = try session.run("range(100000000) select value * 2 as v order by v desc limit 1")
            Issue.record("the query was not stopped")
        } catch {
            #expect(error.diagnostics.first?.message.hasPrefix("the query ran longer than the limit of") == true)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aQueryIsCancelledFromAnotherTask() async throws {
        let flag = CancellationFlag()
        // When the query stopped, measured where it stopped (the awaiting task may resume later).
        let stoppedAt = Mutex<ContinuousClock.Instant?>(nil)
        // The task may start late when other tests keep the cooperative pool busy.
        let startedAt = Mutex<ContinuousClock.Instant?>(nil)
        let work = Task.detached { () -> Result<Int, BylineError> in
            startedAt.withLock { $0 = ContinuousClock.now }
            let session = Session()
            let script = session.check(SourceFile(name: "t", text: "range(100000000) select value * 2 as v order by v desc limit 1"))
            defer { stoppedAt.withLock { $0 = ContinuousClock.now } }
            return Result { () throws(BylineError) -> Int in
                _ = try session.execute(script.statements[0], in: script, cancellation: flag)
                return 0
            }
        }
        // Cancelled from a thread of its own: a task would wait for a free thread of the
        // cooperative pool, which other tests may be keeping busy.
        let cancelledAt = Mutex<ContinuousClock.Instant?>(nil)
        Thread.detachNewThread {
            usleep(100_000)
            flag.cancel()
            cancelledAt.withLock { $0 = ContinuousClock.now }
        }
        let outcome = await work.value
        guard case .failure(let error) = outcome else {
            Issue.record("the query finished instead of stopping")
            return
        }
        #expect(error.diagnostics.first?.id == .cancelled)
        let cancelled = try #require(cancelledAt.withLock { $0 })
        let stopped = try #require(stoppedAt.withLock { $0 })
        let began = try #require(startedAt.withLock { $0 })
        #expect(stopped - max(cancelled, began) < .milliseconds(500))
    }

    @Test func sessionsRunSideBySide() async throws {
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let session = Session()
                    _ = try session.run("let mine = visits limit \(index)")
                    return try session.run("mine count").first?.rows.first?.first.flatMap { value -> Int? in
                        if case .integer(let count) = value { return count }
                        return nil
                    } ?? -1
                }
            }
            var all: [Int] = []
            for try await count in group { all.append(count) }
            return all.sorted()
        }
        #expect(counts == [0, 1, 2, 3, 4, 5, 6, 7])
    }
}
