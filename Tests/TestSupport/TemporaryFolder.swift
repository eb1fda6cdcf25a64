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

    /// Runs `body` with a new folder, removed afterwards whatever happens.
    public static func with<T>(_ purpose: String = "test", _ body: (TemporaryFolder) throws -> T) throws -> T {
        let folder = try TemporaryFolder(purpose)
        defer { folder.remove() }
        return try body(folder)
    }
}
