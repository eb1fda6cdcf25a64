// The database entry points of a session (Session+Database.swift) hold the session's lock, as
// every other entry point does: while another call holds it, they wait.
import Foundation
import Testing

@testable import Byline

@Suite struct SessionDatabaseLockTests {
    /// Runs `call` on a thread of its own while this test holds the session's lock, and says
    /// whether it finished before the lock was let go (it must not) and after (it must).
    private func waitsForTheLock(_ name: String, _ call: @escaping @Sendable (Session) -> Void) {
        let session = Session()
        let done = DispatchSemaphore(value: 0)
        session.lock.lock()
        Thread.detachNewThread {
            call(session)
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 0.1) == .timedOut, "\(name) did not wait for the session's lock")
        session.lock.unlock()
        #expect(done.wait(timeout: .now() + 10) == .success, "\(name) did not finish")
    }

    @Test func everyDatabaseEntryPointTakesTheSessionsLock() {
        waitsForTheLock("tableNames") { _ = $0.tableNames }
        waitsForTheLock("isDatabaseTable") { _ = $0.isDatabaseTable("leaders") }
        waitsForTheLock("closeDatabase") { $0.closeDatabase() }
        waitsForTheLock("refreshDatabaseTables") { try? $0.refreshDatabaseTables() }
        waitsForTheLock("push") { try? $0.push(["leaders"]) }
        waitsForTheLock("store") { session in
            if let table = ArticleDataset.tables.first { try? session.store(table, as: "copy") }
        }
        waitsForTheLock("compile") { _ = try? $0.compile("leaders count") }
    }
}
