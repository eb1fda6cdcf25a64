// Which files statements may touch: all, none, or only those inside one folder.
import BylineCore
import BylineStorage
import Foundation

/// A policy for statements that read or write files (`load`, `save`, `.read`, `.output`,
/// `.once`, `.import`), open databases (`.open`) or start other programs (the pager). Every such
/// path asks it; `--safe` is `.none`.
public enum FileAccess: Sendable, Equatable {
    /// Any file the process can reach.
    case unrestricted
    /// No file at all (for untrusted queries).
    case none
    /// Only files inside this folder; relative paths are resolved against it.
    case confined(to: String)

    /// Why `path` may not be used, or nil when it may.
    public func denial(for path: String, writing: Bool) -> String? {
        switch self {
        case .unrestricted:
            return nil
        case .none:
            return "file access is turned off, so '\(path)' cannot be \(writing ? "written" : "read")"
        case .confined(let folder):
            let root = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
            let target = URL(fileURLWithPath: resolve(path)).standardizedFileURL
            // Resolve links in the existing part of the path, so a link cannot lead outside.
            var existing = target
            var rest: [String] = []
            while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
                rest.insert(existing.lastPathComponent, at: 0)
                existing.deleteLastPathComponent()
            }
            var resolved = existing.resolvingSymlinksInPath()
            for part in rest { resolved.appendPathComponent(part) }
            let full = resolved.standardizedFileURL.path
            if full == root || full.hasPrefix(root.hasSuffix("/") ? root : root + "/") { return nil }
            return "'\(path)' is outside the folder '\(folder)' that file access is confined to"
        }
    }

    /// Why the database at `location` (a server address or an SQLite file) may not be opened,
    /// or nil when it may. A server is another machine's data, reached over the network: only
    /// unrestricted access reaches it. An SQLite file is a file that opening may create and
    /// writing changes, so it is judged as a file written.
    public func denial(forDatabase location: String) -> String? {
        switch self {
        case .unrestricted:
            return nil
        case .none:
            return "database access is turned off, so '\(location)' cannot be opened"
        case .confined:
            if FileAccess.isServerAddress(location) {
                return "file access is confined to a folder, so the database server '\(location)' cannot be opened"
            }
            return denial(for: FileAccess.sqlitePath(location), writing: true)
        }
    }

    /// Whether starting another program (the pager) is allowed: only with unrestricted access.
    public var allowsPrograms: Bool { self == .unrestricted }

    /// Whether a database location names a server rather than an SQLite file: PostgreSQL (a
    /// `postgresql://` or `postgres://` URI, or a libpq connection string) or Spark Connect (`sc://`).
    public static func isServerAddress(_ location: String) -> Bool {
        let lowered = location.lowercased()
        return lowered.hasPrefix("postgresql:") || lowered.hasPrefix("postgres:") || lowered.contains("dbname=") || lowered.contains("host=")
            || isSparkAddress(location)
    }

    /// Whether a database location names a Spark Connect server (`sc://HOST:PORT`).
    public static func isSparkAddress(_ location: String) -> Bool { location.lowercased().hasPrefix("sc://") }

    /// The file an SQLite location names (`sqlite:` taken off).
    public static func sqlitePath(_ location: String) -> String {
        location.lowercased().hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
    }

    /// The path a statement's file name refers to (relative names are inside a confining folder).
    public func resolve(_ path: String) -> String {
        if case .confined(let folder) = self, !path.hasPrefix("/") {
            return URL(fileURLWithPath: folder).appendingPathComponent(path).path
        }
        return path
    }
}
