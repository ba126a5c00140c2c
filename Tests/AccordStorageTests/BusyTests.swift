import AccordStorage
import Foundation
import Testing

@Suite("Busy writers")
struct BusyTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.lock(); count += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }

    /// Holds the write lock on `path` from another thread for `seconds`.
    final class LockHolder: @unchecked Sendable {
        let locked = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)

        init(path: String, seconds: Double) {
            Thread.detachNewThread { [self] in
                do {
                    let db = try Database(path: path, mode: .readWrite)
                    try db.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (0)")
                    locked.signal()
                    Thread.sleep(forTimeInterval: seconds)
                    try db.execute("COMMIT")
                } catch {
                    locked.signal()
                }
                released.signal()
            }
            locked.wait()
        }
    }

    func makeDatabase(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.path("busy.sqlite")
        let db = try Database(path: path, mode: .create)
        try db.execute("CREATE TABLE t (v INTEGER) STRICT")
        return path
    }

    @Test("a writer waits for another connection's lock and then succeeds")
    func writerWaits() throws {
        let dir = try TemporaryDirectory()
        let path = try makeDatabase(dir)
        var configuration = Database.Configuration()
        configuration.lockWaitMilliseconds = 5_000
        let notices = Counter()
        configuration.lockNoticeMilliseconds = 200
        configuration.onLockWait = { notices.add() }
        let writer = try Database(path: path, mode: .readWrite, configuration: configuration)
        let holder = LockHolder(path: path, seconds: 0.5)
        var attempts = 0
        try writer.write { db in
            attempts += 1
            try db.run("INSERT INTO t VALUES (1)")
        }
        holder.released.wait()
        #expect(attempts == 1)  // BEGIN IMMEDIATE waited; the body ran once
        #expect(try writer.scalarInt("SELECT count(*) FROM t") == 2)
        #expect(notices.value == 1)  // told once, past 200 ms of a 500 ms wait
    }

    @Test("past the retry bound the writer fails with the busy error and writes nothing")
    func writerGivesUp() throws {
        let dir = try TemporaryDirectory()
        let path = try makeDatabase(dir)
        var configuration = Database.Configuration()
        configuration.lockWaitMilliseconds = 300
        let writer = try Database(path: path, mode: .readWrite, configuration: configuration)
        let holder = LockHolder(path: path, seconds: 2)
        let started = Date()
        #expect {
            try writer.write { db in try db.run("INSERT INTO t VALUES (1)") }
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.code == .busy && error.isBusy && error.message.contains("stayed locked by another process for 0.")
        }
        // One clock for the whole transaction: about the limit, not the limit per retry.
        #expect(Date().timeIntervalSince(started) < 1.5)
        holder.released.wait()
        #expect(try writer.scalarInt("SELECT count(*) FROM t WHERE v = 1") == 0)
    }
}
