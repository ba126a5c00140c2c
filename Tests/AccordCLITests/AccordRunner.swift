import Foundation

/// The result of running the built `accord` binary.
struct Outcome {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the `accord` binary built next to the tests, as a user would.
struct AccordRunner {
    let directory: TemporaryDirectory
    var environment: [String: String] = ["ACCORD_NOW": "2025-06-01T12:00:00Z", "ACCORD_ACTOR": "tester"]

    init(_ directory: TemporaryDirectory) {
        self.directory = directory
    }

    /// The built binary: `ACCORD_TEST_BINARY` when set (to run these tests
    /// against a release build), else next to the test bundle, else the
    /// package's .build/debug.
    static let binary: String = {
        if let chosen = ProcessInfo.processInfo.environment["ACCORD_TEST_BINARY"], !chosen.isEmpty { return chosen }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("accord").path)
            candidates.append(dir.deletingLastPathComponent().appendingPathComponent("accord").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/accord").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last ?? "accord"
    }()

    /// Runs `accord arguments…` in the test's directory. Output goes through
    /// files, so a chatty process can never block on a full pipe.
    @discardableResult
    func callAsFunction(_ arguments: [String], stdin: Data? = nil, binary: String = AccordRunner.binary,
                        extraEnvironment: [String: String] = [:]) throws -> Outcome {
        let id = UUID().uuidString
        let outPath = directory.path(".out-\(id)")
        let errPath = directory.path(".err-\(id)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory.url
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ACCORD_DB")
        for (key, value) in environment { env[key] = value }
        for (key, value) in extraEnvironment { env[key] = value }
        process.environment = env
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let stdin {
            let inPath = directory.path(".in-\(id)")
            try stdin.write(to: URL(fileURLWithPath: inPath))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        let out = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let err = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: out, as: UTF8.self),
                       stderr: String(decoding: err, as: UTF8.self))
    }

    @discardableResult
    func callAsFunction(_ arguments: String...) throws -> Outcome {
        try self(arguments)
    }

    /// Runs and requires success, returning stdout.
    @discardableResult
    func ok(_ arguments: String...) throws -> String {
        try ok(arguments)
    }

    /// Runs and requires success, returning stdout.
    @discardableResult
    func ok(_ arguments: [String]) throws -> String {
        let outcome = try self(arguments)
        guard outcome.status == 0 else {
            throw CommandFailed(arguments: arguments, outcome: outcome)
        }
        return outcome.stdout
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let outcome: Outcome
    var description: String {
        "accord \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr)"
    }
}

/// The bytes of a file, or nil when it does not exist.
func fileBytes(_ path: String) -> Data? {
    FileManager.default.contents(atPath: path)
}
