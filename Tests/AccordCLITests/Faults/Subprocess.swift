import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child process ended.
enum Termination: Equatable, CustomStringConvertible {
    /// It called exit with this status.
    case exited(Int32)
    /// A signal ended it (a trap is SIGILL or SIGTRAP; SIGKILL is ours).
    case signaled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(signal)
        }
    }

    var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "signal \(signal)"
        }
    }
}

/// A finished child: how it ended and what it printed.
struct Finished {
    let termination: Termination
    let stdout: [UInt8]
    let stderr: [UInt8]
    /// Seconds from spawn to reaping.
    let seconds: Double

    var out: String { String(decoding: stdout, as: UTF8.self) }

    /// Throws unless the process exited 0.
    func requireSuccess() throws {
        guard termination == .exited(0) else { throw SubprocessError(message: "ended with \(termination): \(err.prefix(300))") }
    }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    var status: Int32? { termination.exitCode }
}

/// A child process started with posix_spawn, its output going to files.
///
/// Arguments are raw bytes, so a test can pass invalid UTF-8 (which Foundation's
/// `Process` cannot). Safe to use from many threads at once.
final class Subprocess {
    let pid: pid_t
    private let outPath: String
    private let errPath: String
    private let started: Double

    /// Starts `executable` with `arguments` in `directory`. `environment`
    /// entries are added to (or replace) this process's environment, minus
    /// `ACCORD_DB`.
    init(_ executable: String, _ arguments: [[UInt8]], directory: String, environment: [String: String] = [:],
         stdin: String? = nil) throws {
        let id = UUID().uuidString
        // Output goes to the system temporary folder, never into `directory`,
        // which may be a full disk.
        outPath = NSTemporaryDirectory() + "/accord-fault-out-" + id
        errPath = NSTemporaryDirectory() + "/accord-fault-err-" + id
        started = monotonicSeconds()

        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ACCORD_DB")
        env.removeValue(forKey: "ACCORD_KEY")
        for (key, value) in environment { env[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = addChdir(&actions, directory)
        // Close every other descriptor in the child: the test process opens
        // files on other threads (a binary being copied, say), and a child that
        // inherited one would hold it open for its whole life (exec of that
        // file then fails with ETXTBSY).
        _ = addCloseFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a test can kill a shell and its children at once.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = [Array(executable.utf8)] + arguments
        let envp = env.map { Array("\($0.key)=\($0.value)".utf8) }
        var child: pid_t = 0
        let result = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&child, executable, &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard result == 0 else {
            throw SubprocessError(message: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Sends `signal` to the child (and its process group).
    func kill(_ signal: Int32 = SIGKILL) {
        _ = sendSignal(-pid, signal)
        _ = sendSignal(pid, signal)
    }

    /// Waits for the child to end and collects its output.
    func wait() throws -> Finished {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SubprocessError(message: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let seconds = monotonicSeconds() - started
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        return Finished(termination: Termination(waitStatus: status), stdout: readAll(outPath), stderr: readAll(errPath),
                        seconds: seconds)
    }

    /// The output so far (for acknowledgements of a child still running or killed).
    func stdoutSoFar() -> [UInt8] { readAll(outPath) }

    /// Runs to completion.
    static func run(_ executable: String, _ arguments: [[UInt8]], directory: String, environment: [String: String] = [:],
                    stdin: String? = nil) throws -> Finished {
        try Subprocess(executable, arguments, directory: directory, environment: environment, stdin: stdin).wait()
    }
}

struct SubprocessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The bytes of a file (empty when it cannot be read).
func readAll(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return [UInt8](data)
}

/// glibc's posix_spawn_file_actions_addchdir_np (2.29+), which the Glibc
/// module does not export.
private let addChdir: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32 = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
        fatalError("posix_spawn_file_actions_addchdir_np is missing: glibc 2.29 or newer is needed")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
}()

/// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+).
private let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
        return { _, _ in 0 }
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Calls `body` with a NULL-terminated array of C strings made from `strings`.
private func withCStrings<R>(_ strings: [[UInt8]], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { bytes in
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
        pointer[bytes.count] = 0
        return pointer
    } + [nil]
    defer { for pointer in pointers { pointer?.deallocate() } }
    return body(pointers)
}

/// `kill(2)`, outside the type whose `kill` method would shadow it (by plain
/// name, so it builds against Glibc and Darwin alike).
private func sendSignal(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
