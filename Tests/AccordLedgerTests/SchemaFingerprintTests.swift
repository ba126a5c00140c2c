import AccordSchema
import AccordStorage
import Testing

/// `Schema.fingerprint` and `Schema.differences`: what the writer and the
/// audit compare a ledger's `sqlite_schema` with.
@Suite("Schema fingerprint")
struct SchemaFingerprintTests {
    /// A database migrated with the carried migrations.
    static func migrated() throws -> Database {
        let database = try Database(path: ":memory:", mode: .create, configuration: Database.Configuration(applicationID: Schema.applicationID))
        try Migrator(migrations: Schema.migrations).migrate(database, now: { "2025-01-01T00:00:00.000Z" })
        return database
    }

    @Test("Schema.fingerprint is that of the schema the carried migrations create")
    func fingerprintIsCurrent() throws {
        let value = Schema.fingerprint(of: try Self.migrated().schemaObjects())
        #expect(value == Schema.fingerprint,
                "the migrations changed the schema: set Schema.fingerprint in Sources/AccordSchema/Schema+Objects.swift to \"\(value)\"")
        #expect(try Schema.differences(try Self.migrated().schemaObjects()).isEmpty)
    }

    @Test("the fingerprint covers SQLite's own objects: autoindexes, whose sql is NULL")
    func coversAutoindexes() throws {
        let objects = try Self.migrated().schemaObjects()
        let autoindexes = objects.filter { $0.name.starts(with: Array("sqlite_autoindex_".utf8)) }
        #expect(autoindexes.count > 5)
        #expect(autoindexes.allSatisfy { $0.sql == nil })
        let without = objects.filter { $0 != autoindexes[0] }
        #expect(Schema.fingerprint(of: without) != Schema.fingerprint)
        #expect(try Schema.differences(without) == [SchemaDifference(kind: .missing, object: autoindexes[0])])
    }

    @Test("ANALYZE's statistics tables are tolerated; an object merely named like SQLite's is not")
    func analyzeTolerated() throws {
        let database = try Self.migrated()
        try database.execute("ANALYZE")
        #expect(try database.schemaObjects().contains { $0.name == Array("sqlite_stat1".utf8) })
        #expect(try Schema.differences(database.schemaObjects()).isEmpty)

        // LIKE 'sqlite_%' would have skipped this one: `_` is a wildcard and LIKE ignores case.
        try database.execute("CREATE TRIGGER SQLiteXj BEFORE INSERT ON journal BEGIN SELECT RAISE(IGNORE); END")
        let differences = try Schema.differences(database.schemaObjects())
        #expect(differences.count == 1)
        #expect(differences.first?.kind == .foreign)
        #expect(differences.first?.object.label == "trigger SQLiteXj")
    }

    @Test("Litestream's two bookkeeping tables are tolerated as it creates them; altered, or with a trigger, they are not")
    func litestreamTolerated() throws {
        let database = try Self.migrated()
        try database.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
        try database.execute("CREATE TABLE _litestream_lock (id INTEGER)")
        #expect(try Schema.differences(database.schemaObjects()).isEmpty)

        try database.execute("CREATE TRIGGER _litestream_x AFTER INSERT ON _litestream_lock BEGIN SELECT 1; END")
        #expect(try Schema.differences(database.schemaObjects()).map(\.object.label) == ["trigger _litestream_x"])
        try database.execute("DROP TRIGGER _litestream_x; DROP TABLE _litestream_lock; CREATE TABLE _litestream_lock (id INTEGER, note TEXT)")
        #expect(try Schema.differences(database.schemaObjects()).map(\.kind) == [.foreign])
    }

    @Test("names are compared as bytes: our trigger re-created under its name in capitals is foreign, and ours missing")
    func bytesNotCase() throws {
        let database = try Self.migrated()
        let sql = try #require(try database.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'journal_no_update'"))
        let renamed = "CREATE TRIGGER JOURNAL_NO_UPDATE" + sql.dropFirst("CREATE TRIGGER journal_no_update".count)
        try database.execute("DROP TRIGGER journal_no_update; \(renamed)")
        let differences = try Schema.differences(database.schemaObjects())
        #expect(differences.map(\.kind) == [.foreign, .missing], "\(differences)")
        #expect(differences.map(\.object.label) == ["trigger JOURNAL_NO_UPDATE", "trigger journal_no_update"])
    }
}
