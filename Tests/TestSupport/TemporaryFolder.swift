// A folder for one test's files, removed with everything in it when the test is done.

import Foundation

/// A fresh folder under the system's temporary directory. Call `remove()` (or use
/// `TemporaryFolder.with`) so the suite leaves the temporary directory as it found it.
public final class TemporaryFolder: @unchecked Sendable {
    // @unchecked: the only stored property is an immutable URL; the class exists for `deinit`.
    /// The folder's location.
    public let url: URL

    /// Creates an empty folder named `byline-PURPOSE-…`.
    public init(_ purpose: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("byline-\(purpose)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of a file in the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes text to a file in the folder, returning its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let path = self.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Removes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    deinit { remove() }

    /// A folder that lasts until the test process ends, then is removed with everything in it
    /// (for helpers that hand out paths and cannot know when a test is done with them).
    public static func forProcess(_ purpose: String) throws -> URL {
        let folder = try TemporaryFolder(purpose)
        ProcessFolders.shared.keep(folder)
        return folder.url
    }

    /// Runs `body` with a new folder, removed afterwards whatever happens.
    public static func with<T>(_ purpose: String = "test", _ body: (TemporaryFolder) throws -> T) throws -> T {
        let folder = try TemporaryFolder(purpose)
        defer { folder.remove() }
        return try body(folder)
    }
}

/// The folders `forProcess` made, removed when the process exits.
final class ProcessFolders: @unchecked Sendable {
    // @unchecked: `folders` is only touched under `lock`.
    static let shared = ProcessFolders()
    private let lock = NSLock()
    private var folders: [TemporaryFolder] = []

    private init() {
        atexit { ProcessFolders.shared.removeAll() }
    }

    func keep(_ folder: TemporaryFolder) {
        lock.lock()
        folders.append(folder)
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        for folder in folders { folder.remove() }
        folders = []
        lock.unlock()
    }
}
