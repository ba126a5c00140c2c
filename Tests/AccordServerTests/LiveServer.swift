import AccordLedger
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `accord-server` running as its own process on a loopback port.
final class LiveServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let logPath: String

    /// The built binary: next to the test bundle, else the package's .build/debug.
    static let binary: String = {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("accord-server").path)
            candidates.append(dir.deletingLastPathComponent().appendingPathComponent("accord-server").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/accord-server").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last ?? "accord-server"
    }()

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a server on `db` on a free port and waits until it listens
    /// (with `environment` added to this process's).
    init(db: String, directory: TemporaryDirectory, listen: String = "127.0.0.1:0", arguments: [String] = [],
         environment: [String: String] = [:]) throws {
        logPath = directory.path("server-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: LiveServer.binary)
        process.arguments = ["--db", db, "--listen", listen, "--rate-limit", "0", "--log-level", "warning"] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while true {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"port (\d+)"#, options: .regularExpression),
               let number = Int(text[range].dropFirst(5)) {
                port = number
                return
            }
            if !process.isRunning || Date() > deadline {
                if process.isRunning { process.terminate() }
                throw StartFailure(description: "accord-server did not start: \(text)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// What a finished process printed, and how it ended.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `argv` to its end (in `directory` when given), reading both pipes before waiting.
    static func run(_ argv: [String], environment: [String: String] = [:], removing: [String] = [],
                    directory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if !environment.isEmpty || !removing.isEmpty {
            var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            for name in removing { merged[name] = nil }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Standard error goes to a file, so that only one pipe is read before waiting.
        let errPath = NSTemporaryDirectory() + "accord-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                       stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// The `accord` command line built beside the server.
    static func accord(_ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
                       directory: String? = nil) throws -> Outcome {
        let cli = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("accord").path
        return try run([cli] + arguments, environment: environment, removing: removing, directory: directory)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end (at most `seconds`); its exit status, or nil if it did not end.
    func wait(seconds: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// An answer: its status, the receipt's seq when it has one, and the body as text.
    struct Answer: Sendable {
        var status: Int
        var seq: Int64?
        var body: String
    }

    /// Sends a request to `path`; the answer, or nil when none came.
    func send(_ method: String, _ path: String, _ body: String? = nil, token: String?,
              session: URLSession, contentType: String = "application/json") async -> Answer? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = 10
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return Answer(status: http.statusCode, seq: (object?["seq"] as? NSNumber)?.int64Value,
                      body: String(decoding: data, as: UTF8.self))
    }

    /// POSTs `body` to `path`; the answer, or nil when none came.
    func post(_ path: String, _ body: String, token: String, session: URLSession) async -> Answer? {
        await send("POST", path, body, token: token, session: session)
    }
}
