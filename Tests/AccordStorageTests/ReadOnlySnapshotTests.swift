import AccordStorage
import Foundation
import Testing

/// A snapshot open leaves a quiet database's folder as it found it: no
/// `-wal` or `-shm` file appears (as `accord audit` promises), and a change
/// made to the file while it is read is reported rather than read torn. A
/// plain read-only connection keeps seeing other processes' commits.
@Suite("Read-only snapshots")
struct ReadOnlySnapshotTests {
    /// A WAL database with one table and `rows` rows, closed again (so its -wal is gone).
    static func makeDatabase(_ path: String, rows: Int = 3) throws {
        let db = try Database(path: path, mode: .create)
        try db.execute("CREATE TABLE t (x INTEGER)")
        for value in 1...rows { try db.run("INSERT INTO t (x) VALUES (?)", value) }
    }

    static func siblings(_ path: String) -> [String] {
        ["-wal", "-shm", "-journal"].filter { FileManager.default.fileExists(atPath: path + $0) }
    }

    @Test("a quiet database is read without creating -wal or -shm, even at a path that needs URI escaping",
          arguments: ["plain.sqlite", "with space.sqlite", "odd?name#1%20.sqlite", "ünï.sqlite"])
    func noSiblingFiles(name: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path(name)
        try Self.makeDatabase(path)
        #expect(Self.siblings(path).isEmpty)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            let db = try Database(path: path, mode: .snapshot)
            #expect(try db.read { try $0.scalarInt("SELECT sum(x) FROM t") } == 6)
            #expect(Self.siblings(path).isEmpty)
            #expect(throws: StorageError.self) { try db.execute("INSERT INTO t (x) VALUES (4)") }
        }
        #expect(Self.siblings(path).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a database another connection has open is read normally and sees its commits")
    func busyDatabase() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("busy.sqlite")
        try Self.makeDatabase(path)
        let writer = try Database(path: path, mode: .readWrite)
        try writer.run("INSERT INTO t (x) VALUES (?)", 10)
        #expect(Self.siblings(path).contains("-wal"))
        let reader = try Database(path: path, mode: .snapshot)
        #expect(try reader.read { try $0.scalarInt("SELECT sum(x) FROM t") } == 16)
    }

    @Test("a long-lived read-only connection sees later commits by others")
    func readOnlyFollowsWriters() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("followed.sqlite")
        try Self.makeDatabase(path)
        let reader = try Database(path: path, mode: .readOnly)
        #expect(try reader.read { try $0.scalarInt("SELECT count(*) FROM t") } == 3)
        do {
            let writer = try Database(path: path, mode: .readWrite)
            try writer.run("INSERT INTO t (x) VALUES (?)", 4)
        }
        #expect(try reader.read { try $0.scalarInt("SELECT count(*) FROM t") } == 4)
    }

    @Test("a file changed under an immutable snapshot is read again through an ordinary connection, never torn")
    func changedMeanwhile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("changing.sqlite")
        try Self.makeDatabase(path, rows: 50)
        let reader = try Database(path: path, mode: .snapshot)
        #expect(try reader.read { try $0.scalarInt("SELECT count(*) FROM t") } == 50)
        var runs = 0
        let count = try reader.read { db -> Int64? in
            runs += 1
            if runs == 1 {
                // Another process writes and checkpoints into the main file mid-read.
                let writer = try Database(path: path, mode: .readWrite)
                try writer.run("INSERT INTO t (x) VALUES (?)", 99)
                try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                // What this run reads may be torn; it must not be what read() returns.
                throw StorageError(code: .sqlite(.corrupt), message: "torn read")
            }
            return try db.scalarInt("SELECT count(*) FROM t")
        }
        #expect(runs == 2)
        #expect(count == 51)
        // The connection now follows other writers like any read-only one.
        do {
            let writer = try Database(path: path, mode: .readWrite)
            try writer.run("INSERT INTO t (x) VALUES (?)", 100)
        }
        #expect(try reader.read { try $0.scalarInt("SELECT count(*) FROM t") } == 52)
    }

    @Test("a read that hands rows out as it goes runs once, on an ordinary connection, and sees one consistent state")
    func notRestartable() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("streaming.sqlite")
        try Self.makeDatabase(path, rows: 50)
        let reader = try Database(path: path, mode: .snapshot)
        var runs = 0
        let count = try reader.read(restartable: false) { db -> Int64? in
            runs += 1
            let before = try db.scalarInt("SELECT count(*) FROM t")
            let writer = try Database(path: path, mode: .readWrite)
            try writer.run("INSERT INTO t (x) VALUES (?)", 99)
            try writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            // The read transaction keeps its snapshot while the writer commits.
            #expect(try db.scalarInt("SELECT count(*) FROM t") == before)
            return before
        }
        #expect(runs == 1)
        #expect(count == 50)
        #expect(try reader.read(restartable: false) { try $0.scalarInt("SELECT count(*) FROM t") } == 51)
    }

    @Test("a second connection for reading gives up at once on a lock held elsewhere, with no notice of waiting")
    func readOpenerDoesNotWait() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("held.sqlite")
        try Self.makeDatabase(path)
        var configuration = Database.Configuration()
        configuration.lockWaitMilliseconds = 20_000
        configuration.lockNoticeMilliseconds = 0
        configuration.onLockWait = { Issue.record("the second connection announced a wait") }
        let first = try Database(path: path, mode: .snapshot, configuration: configuration)
        #expect(try first.read { try $0.scalarInt("SELECT sum(x) FROM t") } == 6)
        // Another process's connection takes the file exclusively and keeps it.
        let holder = try Database(path: path)
        _ = try holder.scalarText("PRAGMA locking_mode = EXCLUSIVE")
        try holder.execute("BEGIN EXCLUSIVE")
        try holder.run("INSERT INTO t (x) VALUES (?)", 4)
        try holder.execute("COMMIT")
        let opener = try #require(first.readOpener)
        let start = Date()
        #expect(throws: StorageError.self) { _ = try opener.open().read { try $0.scalarInt("SELECT sum(x) FROM t") } }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
