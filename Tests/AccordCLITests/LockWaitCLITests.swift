import Foundation
import Testing

/// Another process holding the ledger's write lock: the sqlite3 shell inside
/// `BEGIN IMMEDIATE`, kept open by its own `.shell sleep`.
final class LockHolder {
    let process = Process()
    let flag: String

    init(_ dir: TemporaryDirectory, db: String, seconds: Double) throws {
        flag = dir.path("locked-\(UUID().uuidString)")
        let script = "BEGIN IMMEDIATE;\n.shell touch '\(flag)'\n.shell sleep \(seconds)\nCOMMIT;\n"
        let input = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", db]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        // Wait until the shell holds the lock.
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: flag) {
            guard Date() < deadline, process.isRunning else { throw CommandFailed(arguments: ["sqlite3"], outcome: Outcome(status: -1, stdout: "", stderr: "no lock")) }
            usleep(10_000)
        }
    }

    func finish() {
        process.waitUntilExit()
    }
}

@Suite("Waiting for another writer")
struct LockWaitCLITests {
    static let waiting = "Waiting for the ledger lock held by another process…"

    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        let accord = AccordRunner(dir)
        let db = dir.path("ledger.sqlite")
        try accord.ok("init", "--db", db)
        try accord.ok("party", "add", "UA", "--name", "Ukraine", "--db", db)
        return (accord, db)
    }

    @Test("past --wait the write gives up with exit 75, saying once that it waited, how long, and what to try")
    func givesUp() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let holder = try LockHolder(dir, db: db, seconds: 6)
        defer { holder.finish() }
        let started = Date()
        let outcome = try accord("party", "add", "RU", "--name", "Russia", "--db", db, "--wait", "2")
        let seconds = Date().timeIntervalSince(started)
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr.components(separatedBy: Self.waiting).count == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("stayed locked by another process for 2"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--wait SECONDS"), "\(outcome.stderr)")
        #expect(seconds >= 2 && seconds < 5.5, "\(seconds) s")
        holder.finish()
        #expect(try sqlite(db, "SELECT count(*) FROM parties").trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test("a write waits for the other process, says so once after about a second, and succeeds")
    func waitsAndSucceeds() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let holder = try LockHolder(dir, db: db, seconds: 2.5)
        defer { holder.finish() }
        let outcome = try accord("party", "add", "RU", "--name", "Russia", "--db", db)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix(Self.waiting + "\n"), "\(outcome.stderr)")
        #expect(outcome.stderr.components(separatedBy: Self.waiting).count == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Recorded entry 3"), "\(outcome.stderr)")
    }

    @Test("--wait 0 gives up at once, without the notice; a short wait is silent; a bad --wait is a usage error")
    func zeroAndShort() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        var holder = try LockHolder(dir, db: db, seconds: 3)
        let outcome = try accord("--wait", "0", "party", "add", "RU", "--name", "Russia", "--db", db)
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains(Self.waiting), "\(outcome.stderr)")
        holder.finish()
        holder = try LockHolder(dir, db: db, seconds: 0.3)
        let quick = try accord("party", "add", "RU", "--name", "Russia", "--db", db)
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(!quick.stderr.contains(Self.waiting), "\(quick.stderr)")
        holder.finish()
        for bad in ["-1", "soon", "1e9"] {
            let refused = try accord("party", "list", "--db", db, "--wait", bad)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.contains("--wait"), "\(refused.stderr)")
        }
    }
}
