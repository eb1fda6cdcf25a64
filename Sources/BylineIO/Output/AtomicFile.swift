// A file replaced only by a complete, successful write: streamed to a temporary file in the
// target's folder, then renamed over it, keeping the old file's mode and owner. A symbolic link is
// written through (its target is replaced, the link stays); a device, FIFO or other special file
// is written in place. Temporary files are removed on every failure, and on SIGTERM, SIGINT and
// SIGHUP by `TemporaryFiles.removeAll()`, which the command-line tool calls from its handlers.

import BylineCore
import BylineStorage
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file being written. Call `commit()` to put it in place, or `abort()` to leave the old one.
package final class AtomicFile {
    /// The path the user named.
    public let path: String
    /// The file that will be replaced (the symbolic link's final target, when `path` is one).
    public let target: String
    private var descriptor: Int32
    /// The temporary file, or nil when writing a special file in place.
    private var temporary: String?
    private var slot: Int?
    private var failure: String?
    /// The mode and owner to give the new file (the old file's, when there is one).
    private var mode: mode_t = 0
    private var owner: (uid_t, gid_t)?
    /// How many bytes were written.
    public private(set) var byteCount = 0

    /// Opens a temporary file beside the target (or the special file itself). A file that does
    /// not exist yet gets `newFileMode` (0666 less the umask when nil).
    public init(path: String, newFileMode: mode_t? = nil) throws(WriteError) {
        self.path = path
        target = AtomicFile.finalTarget(of: path)
        var status = stat()
        if stat(target, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                throw WriteError(reason: "it is a directory")
            case S_IFREG:
                // Renaming over a file needs only the folder's permission; a file the user may
                // not write is not theirs to replace.
                guard access(target, W_OK) == 0 else { throw WriteError(reason: "permission denied") }
                mode = status.st_mode & 0o7777
                owner = (status.st_uid, status.st_gid)
            default:
                // A device, FIFO or socket: write to it where it is; there is nothing to replace.
                descriptor = open(target, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                guard descriptor >= 0 else { throw WriteError(reason: AtomicFile.lastError()) }
                return
            }
        } else {
            // A new file gets the usual mode for new files: 0666 less the umask.
            let mask = umask(0)
            umask(mask)
            mode = newFileMode ?? (0o666 & ~mask)
        }
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        // The name is cut to fit: a 255-byte file name must still be savable.
        var prefix = ""
        for scalar in name.unicodeScalars {
            if prefix.utf8.count + String(scalar).utf8.count > 150 { break }
            prefix.unicodeScalars.append(scalar)
        }
        let candidate = (folder.isEmpty ? "." : folder) + "/.\(prefix).byline-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        slot = TemporaryFiles.register(candidate)
        descriptor = open(candidate, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = AtomicFile.lastError()
            TemporaryFiles.unregister(slot)
            throw WriteError(reason: reason)
        }
        temporary = candidate
    }

    deinit {
        if temporary != nil || descriptor >= 0 { abort() }
    }

    /// Why a write failed, when one did (reported again by `commit()`).
    public var writeFailure: String? { failure }

    /// Appends text; a failure is kept and reported by `commit()`.
    public func write(_ text: String) {
        guard failure == nil, descriptor >= 0 else { return }
        if let reason = AtomicFile.writeAll(text, to: descriptor) {
            failure = reason
        } else {
            byteCount += text.utf8.count
        }
    }

    /// Flushes the temporary file, gives it the old file's mode and owner, and renames it over the
    /// target. On failure the temporary file is removed and the target is unchanged.
    public func commit() throws(WriteError) {
        guard descriptor >= 0 else { throw WriteError(reason: failure ?? "the file was already closed") }
        guard let temporary else {
            let closed = close(descriptor)
            descriptor = -1
            if let failure { throw WriteError(reason: failure) }
            if closed != 0 { throw WriteError(reason: AtomicFile.lastError()) }
            return
        }
        if failure == nil, fchmod(descriptor, mode) != 0 { failure = AtomicFile.lastError() }
        if failure == nil, let (uid, gid) = owner, uid != getuid() || gid != getgid() {
            _ = fchown(descriptor, uid, gid)  // allowed only to root; the mode is kept either way
        }
        if failure == nil, fsync(descriptor) != 0 { failure = AtomicFile.lastError() }
        if close(descriptor) != 0, failure == nil { failure = AtomicFile.lastError() }
        descriptor = -1
        if failure == nil, rename(temporary, target) != 0 { failure = AtomicFile.lastError() }
        if let failure {
            unlink(temporary)
            self.temporary = nil
            TemporaryFiles.unregister(slot)
            throw WriteError(reason: failure)
        }
        self.temporary = nil
        TemporaryFiles.unregister(slot)
    }

    /// Removes the temporary file; the target stays as it was.
    public func abort() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if let temporary {
            unlink(temporary)
            self.temporary = nil
        }
        TemporaryFiles.unregister(slot)
        slot = nil
    }

    /// Follows symbolic links to the file they name (which need not exist yet).
    package static func finalTarget(of path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length > 0 else { return current }
            let destination = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if destination.hasPrefix("/") {
                current = destination
            } else {
                current = ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
            }
        }
        return current
    }

    package static func lastError() -> String { describe(errno) }

    /// Writes all of `text` to a file descriptor, retrying after interruptions; returns why it
    /// failed, or nil. (The shell writes to its own descriptors; this is only the file's.)
    public static func writeAll(_ text: String, to descriptor: Int32) -> String? {
        let code = write(text, to: descriptor)
        return code == 0 ? nil : describe(code)
    }

    /// Writes all of `text` to a file descriptor, retrying after interruptions; returns the
    /// system's error number when it failed (EPIPE for a reader that went away), or 0.
    public static func write(_ text: String, to descriptor: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                    let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                #else
                    let written = Darwin.write(descriptor, base + offset, buffer.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }

    /// A system error as Byline's own words.
    public static func describe(_ code: Int32) -> String {
        switch code {
        case EFBIG: return "the file is larger than this process may write (ulimit -f)"
        case ENOSPC: return "no space left on the device"
        case EACCES, EPERM: return "permission denied"
        case ENOENT: return "no such folder"
        case ENAMETOOLONG: return "the file name is too long"
        case EROFS: return "the file system is read-only"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}

/// The temporary files being written, kept where a signal handler can remove them: fixed slots
/// of C strings, because a handler may not allocate or take locks. Global because C signal
/// handlers cannot capture context; guarded by a lock for registration from several threads.
package enum TemporaryFiles {
    package static let slots = 32
    package static let slotSize = 4096
    nonisolated(unsafe) static let storage: UnsafeMutablePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: slots * slotSize)
        pointer.initialize(repeating: 0, count: slots * slotSize)
        return pointer
    }()
    package static let lock = NSLock()

    /// Records a path; nil when every slot is taken (the file is then only removed on errors).
    package static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard bytes.count < slotSize else { return nil }
        lock.lock()
        defer { lock.unlock() }
        _ = storage  // made before any signal can arrive
        for slot in 0..<slots where storage[slot * slotSize] == 0 {
            for (index, byte) in bytes.enumerated() { storage[slot * slotSize + index] = CChar(bitPattern: byte) }
            storage[slot * slotSize + bytes.count] = 0
            return slot
        }
        return nil
    }

    package static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        storage[slot * slotSize] = 0
    }

    /// Removes every registered temporary file. Async-signal-safe: only `unlink` on fixed memory.
    public static func removeAll() {
        for slot in 0..<slots where storage[slot * slotSize] != 0 {
            unlink(storage + slot * slotSize)
        }
    }

    /// Prepares the storage, so that a signal handler never runs its lazy initialiser.
    public static func prepare() { _ = storage }
}
