import AccordStorage
import Foundation
import Testing

@Suite("Database")
struct DatabaseTests {
    static let appID: Int32 = 0x4143_5244

    @Test("a new file is set up: WAL, synchronous FULL, foreign keys, untrusted schema")
    func connectionSetUp() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("a.sqlite"), mode: .create, configuration: .init(applicationID: Self.appID))
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA synchronous") == 2)
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.scalarInt("PRAGMA trusted_schema") == 0)
        try db.markApplicationID()
        #expect(try db.applicationID() == Self.appID)
    }

    @Test("a missing file is reported, not created")
    func missingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing.sqlite")
        #expect {
            _ = try Database(path: path, mode: .readWrite)
        } throws: { ($0 as? StorageError)?.code == .missingFile }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a text file is refused at once and left byte-identical")
    func textFileRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("notes.txt")
        let content = Data(String(repeating: "not a database\n", count: 200).utf8)
        try content.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Database(path: path, mode: .readWrite, configuration: .init(applicationID: Self.appID))
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.code == .notADatabase && error.message.contains(path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("another application's SQLite file is refused and left byte-identical", arguments: [0, 1234])
    func foreignFileRefused(foreignID: Int32) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("other.sqlite")
        do {
            let other = try Database(path: path, mode: .create)
            try other.execute("PRAGMA journal_mode = DELETE; CREATE TABLE notes (body TEXT); PRAGMA application_id = \(foreignID)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try Database(path: path, mode: .readWrite, configuration: .init(applicationID: Self.appID))
        } throws: { ($0 as? StorageError)?.code == .foreignDatabase }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("an empty SQLite file with no application id is accepted")
    func emptyFileAccepted() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        _ = try Database(path: path, mode: .readWrite, configuration: .init(applicationID: Self.appID))
    }

    @Test("a read transaction sees one snapshot")
    func readSnapshot() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("snap.sqlite")
        let reader = try Database(path: path, mode: .create)
        try reader.execute("CREATE TABLE t (v INTEGER) STRICT; INSERT INTO t VALUES (1)")
        let writer = try Database(path: path, mode: .readWrite)
        try reader.read { db in
            #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
            try writer.write { w in try w.run("INSERT INTO t VALUES (2)") }
            #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
        }
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 2)
    }

    @Test("a failed write transaction rolls back everything")
    func rollback() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (v INTEGER NOT NULL) STRICT")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.write { db in
                try db.run("INSERT INTO t VALUES (1)")
                throw Stop()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(!db.isInTransaction)
    }
}
