import AccordStorage
import Foundation
import Testing

@Suite("Migrator")
struct MigratorTests {
    static let first = Migration(version: 1, name: "first", sql: "CREATE TABLE a (x INTEGER) STRICT;", checksum: "c1")
    static let second = Migration(version: 2, name: "second", sql: "CREATE TABLE b (y TEXT) STRICT;", checksum: "c2")
    static let now: @Sendable () -> String = { "2025-05-16T00:00:00.000Z" }

    @Test("migrations apply once, in order; re-running is a no-op")
    func appliesOnce() throws {
        let db = try Database(path: ":memory:", mode: .create, configuration: .init(applicationID: 77))
        let migrator = Migrator(migrations: [Self.second, Self.first])
        #expect(try migrator.migrate(db, now: Self.now).map(\.version) == [1, 2])
        #expect(try migrator.migrate(db, now: Self.now).isEmpty)
        let applied = try migrator.applied(in: db)
        #expect(applied.map(\.version) == [1, 2])
        #expect(applied.map(\.checksum) == ["c1", "c2"])
        #expect(applied.allSatisfy { $0.appliedAt == Self.now() })
        #expect(try db.applicationID() == 77)
        #expect(try db.tableExists("a") && db.tableExists("b"))
    }

    @Test("only pending migrations apply to an older database")
    func appliesPending() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try Migrator(migrations: [Self.first]).migrate(db, now: Self.now)
        let applied = try Migrator(migrations: [Self.first, Self.second]).migrate(db, now: Self.now)
        #expect(applied == [Self.second])
    }

    @Test("a database with a newer schema is refused")
    func newerRefused() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try Migrator(migrations: [Self.first, Self.second]).migrate(db, now: Self.now)
        #expect {
            try Migrator(migrations: [Self.first]).migrate(db, now: Self.now)
        } throws: { ($0 as? StorageError)?.code == .schemaTooNew }
    }

    @Test("an edited migration is refused")
    func editedRefused() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try Migrator(migrations: [Self.first]).migrate(db, now: Self.now)
        let edited = Migration(version: 1, name: "first", sql: Self.first.sql + " -- edited", checksum: "c1-edited")
        #expect {
            try Migrator(migrations: [edited, Self.second]).migrate(db, now: Self.now)
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.code == .migrationModified && error.message.contains("c1-edited")
        }
        #expect(try !db.tableExists("b"))
    }

    @Test("a failing migration leaves the earlier ones applied and itself not")
    func failingMigration() throws {
        let db = try Database(path: ":memory:", mode: .create)
        let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE c (z INTEGER) STRICT; SELEKT;", checksum: "c3")
        #expect(throws: StorageError.self) {
            try Migrator(migrations: [Self.first, broken]).migrate(db, now: Self.now)
        }
        #expect(try Migrator(migrations: [Self.first]).applied(in: db).map(\.version) == [1])
        #expect(try !db.tableExists("c"))
    }
}
