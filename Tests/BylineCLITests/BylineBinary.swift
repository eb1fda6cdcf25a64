// Runs the built `byline` binary as a user would, capturing its output and exit status.
import Foundation

/// What a run of `byline` produced.
struct Run: Sendable {
    var stdout: String
    var stderr: String
    var status: Int32
}

/// The built `byline` binary and the package's folders.
enum BylineBinary {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `byline` executable beside the test bundle in the build products folder.
    static var url: URL {
        let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var folder = executable.deletingLastPathComponent()
        // On Linux the test runner lives in the products folder itself.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("byline")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/byline")
    }

    /// Runs another program (a shell, sqlite3, psql) in `directory`, capturing its output.
    static func runProgram(_ path: String, _ arguments: [String], in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOutput) in [(output, true), (errors, false)] {
            group.enter()
            DispatchQueue(label: "byline.test.pipe").async {
                collected.set(pipe.fileHandleForReading.readDataToEndOfFile(), isOutput: isOutput)
                group.leave()
            }
        }
        group.wait()
        process.waitUntilExit()
        return Run(
            stdout: String(decoding: collected.output, as: UTF8.self),
            stderr: String(decoding: collected.errors, as: UTF8.self), status: process.terminationStatus)
    }

    /// Runs byline with arguments, optional standard input and extra environment; its standard
    /// output goes to the file `standardOutput` names (a device, say) instead of being captured
    /// when that is given.
    static func run(
        _ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment: [String: String] = [:],
        standardOutput: String? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        if let standardOutput, let handle = FileHandle(forWritingAtPath: standardOutput) {
            process.standardOutput = handle
            try output.fileHandleForWriting.close()
        } else {
            process.standardOutput = output
        }
        process.standardError = errors
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently so a large output cannot fill one and stall the child.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOutput) in [(output, true), (errors, false)] {
            group.enter()
            DispatchQueue(label: "byline.test.pipe").async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isOutput: isOutput)
                group.leave()
            }
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Run(
            stdout: String(decoding: collected.output, as: UTF8.self),
            stderr: String(decoding: collected.errors, as: UTF8.self), status: process.terminationStatus)
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var output = Data()
        private(set) var errors = Data()

        func set(_ data: Data, isOutput: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if isOutput { output = data } else { errors = data }
        }
    }
}
