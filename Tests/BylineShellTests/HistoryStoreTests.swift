// The history file: path rules, escaping, merging, the cap, and failures that only warn.
import Foundation
import Testing
import TestSupport

@testable import BylineShell

@Suite struct HistoryStoreTests {
    private func temporaryPath() -> String {
        // A folder removed when the tests end; the history file itself is made by the store.
        ((try? TemporaryFolder.forProcess("history")) ?? FileManager.default.temporaryDirectory).appendingPathComponent("sub/history").path
    }

    @Test func pathFollowsTheEnvironment() {
        #expect(HistoryStore.defaultPath(environment: ["BYLINE_HISTORY": "/a/h", "XDG_STATE_HOME": "/x"]) == "/a/h")
        #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/x", "HOME": "/home/u"]) == "/x/byline/history")
        #expect(HistoryStore.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.local/state/byline/history")
    }

    @Test func entriesRoundTripWithLineBreaksAndBackslashes() {
        let entries = ["leaders", "visits where\n  year > 2000", #"sentences where text contains "\\n""#]
        #expect(HistoryStore.decode(HistoryStore.encode(entries)) == entries)
    }

    @Test func appendsMergeWithWhatIsThereAndKeepTheNewest() {
        let path = temporaryPath()
        let one = HistoryStore(path: path, limit: 5) { _ in }
        let two = HistoryStore(path: path, limit: 5) { _ in }
        one.append(["a", "b"])
        two.append(["c"])
        one.append(["d", "e", "f"])
        #expect(one.load() == ["b", "c", "d", "e", "f"])
        #expect(two.load() == one.load())
    }

    @Test func anUnwritablePathWarnsOnce() {
        var warnings: [String] = []
        let store = HistoryStore(path: "/proc/no-such-dir/history") { warnings.append($0) }
        store.append(["a"])
        store.append(["b"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("warning: cannot save history to '/proc/no-such-dir/history'") == true)
        #expect(warnings.first?.contains(".;") == false)  // found in review: "…doesn’t exist.; history will not be kept"
        #expect(warnings.first?.hasSuffix("; history will not be kept") == true)
        #expect(store.load().isEmpty)
    }

    @Test func noTemporaryFileIsLeftBehind() throws {
        let path = temporaryPath()
        HistoryStore(path: path) { _ in }.append(["x"])
        let folder = (path as NSString).deletingLastPathComponent
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["history", "history.lock"])
    }
}

@Suite struct HistoryPasswordTests {
    @Test(arguments: [
        (".open postgresql://me:secret@db.example/news", ".open postgresql://me:***@db.example/news"),
        (".open postgres://me:p%40ss@host:5432/db?sslmode=require", ".open postgres://me:***@host:5432/db?sslmode=require"),
        (".open postgresql://me@host/db", ".open postgresql://me@host/db"),
        (".open dbname=news host=db password=secret user=me", ".open dbname=news host=db password=*** user=me"),
        ("leaders where name = \"a://b:c@d\"", "leaders where name = \"a://b:***@d\""),
        ("leaders count", "leaders count"),
    ])
    func passwordsAreNotKept(_ entry: String, _ kept: String) {
        #expect(HistoryStore.redactingPasswords(entry) == kept)
    }
}
