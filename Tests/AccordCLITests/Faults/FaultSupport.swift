import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings shared by the fault suites.
///
/// `ACCORD_LONG_TESTS=1` switches every suite to its long size;
/// `ACCORD_FAULT_SEED=N` replaces the fixed seeds (each suite prints the seed
/// it used in its failure messages, so a failure can be replayed).
enum Faults {
    static let long: Bool = environment("ACCORD_LONG_TESTS") == "1"

    /// The seed for a suite: ACCORD_FAULT_SEED, else the suite's fixed seed.
    static func seed(_ fixed: UInt64) -> UInt64 {
        environment("ACCORD_FAULT_SEED").flatMap { UInt64($0) } ?? fixed
    }

    /// CI size, or long size under ACCORD_LONG_TESTS=1.
    static func size<T>(ci: T, long: T) -> T { self.long ? long : ci }

    /// The `accord` binary the CLI tests use.
    static var accord: String { AccordRunner.binary }

    /// The fault writer built next to `accord`.
    static var faultWriter: String {
        URL(fileURLWithPath: accord).deletingLastPathComponent().appendingPathComponent("accord-fault-writer").path
    }

    /// The environment every fault suite gives `accord`.
    static let environment: [String: String] = ["ACCORD_NOW": "2025-06-10T12:00:00Z", "ACCORD_ACTOR": "fault-suite"]

    /// Prints a line of figures for docs/RELIABILITY.md (visible in `swift test` output).
    static func report(_ suite: String, _ line: String) {
        FileHandle.standardError.write(Data("[\(suite)] \(line)\n".utf8))
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

// SeededGenerator (SplitMix64) lives in TrustFixture.swift and is shared.

/// Runs `body(0..<count)` on `count` threads of its own (never on the test
/// runner's cooperative pool, which blocking `waitpid` calls would starve) and
/// returns the results in order.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[T], Error>) in
        let box = ResultBox<T>(count: count)
        for index in 0..<count {
            let thread = Thread {
                let result = Result { try body(index) }
                if box.store(result, at: index) {
                    continuation.resume(with: Result { try box.results.map { try $0!.get() } })
                }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}

/// Collects the threads' results; the last to finish resumes the caller.
private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [Result<T, Error>?]
    private var remaining: Int

    init(count: Int) {
        results = Array(repeating: nil, count: count)
        remaining = count
    }

    func store(_ result: Result<T, Error>, at index: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        results[index] = result
        remaining -= 1
        return remaining == 0
    }
}

/// A flag threads can set and read.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

/// Thread-safe list of problems found by worker threads.
final class Problems: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ problem: String) {
        lock.lock()
        items.append(problem)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

// Immutable after init (its one stored property is a `let`), so it may cross threads.
extension TemporaryDirectory: @unchecked Sendable {}

extension TemporaryDirectory {
    /// Runs `accord` in this directory with the fault suites' environment.
    func accord(_ arguments: [String], environment: [String: String] = [:]) throws -> Finished {
        try Subprocess.run(Faults.accord, arguments.map { Array($0.utf8) }, directory: url.path,
                           environment: Faults.environment.merging(environment) { $1 })
    }

    /// Runs `accord` and requires exit 0.
    @discardableResult
    func accordOK(_ arguments: [String]) throws -> Finished {
        let finished = try accord(arguments)
        guard finished.termination == .exited(0) else {
            throw SubprocessError(message: "accord \(arguments.joined(separator: " ")) ended with \(finished.termination): \(finished.err)")
        }
        return finished
    }
}

/// What a fault suite requires of every `accord` run that did not succeed: a
/// normal exit (no signal, no Swift trap) with one `Error:` line on stderr.
/// Returns a description of what is wrong, or nil.
func cleanFailureProblem(_ finished: Finished, allowed: Set<Int32>) -> String? {
    guard case .exited(let code) = finished.termination else {
        return "ended by \(finished.termination) (a crash); stderr: \(finished.err.prefix(300))"
    }
    if finished.err.contains("Fatal error") || finished.err.contains("Stack dump") {
        return "a Swift trap (\(code)): \(finished.err.prefix(300))"
    }
    guard allowed.contains(code) else {
        return "exit \(code), expected one of \(allowed.sorted()); stderr: \(finished.err.prefix(300))"
    }
    let lines = finished.err.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    guard lines.count == 1, lines[0].hasPrefix("Error: ") else {
        return "stderr is not one `Error:` line (\(lines.count) lines): \(finished.err.prefix(300).debugDescription)"
    }
    return nil
}

/// The fault and abuse suites (R1–R5, docs/RELIABILITY.md), nested here so
/// `swift test --filter FaultSuites` runs them all.
@Suite("Fault and abuse suites")
enum FaultSuites {}
