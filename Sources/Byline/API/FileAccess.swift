// Which files statements may touch: all, none, or only those inside one folder.
import Foundation

/// A policy for statements that read or write files (`load`, `save`, `.read`, `.output`).
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

    /// The path a statement's file name refers to (relative names are inside a confining folder).
    public func resolve(_ path: String) -> String {
        if case .confined(let folder) = self, !path.hasPrefix("/") {
            return URL(fileURLWithPath: folder).appendingPathComponent(path).path
        }
        return path
    }
}
