/// One schema migration: a numbered SQL script.
public struct Migration: Sendable, Equatable {
    /// 1, 2, 3 ... without gaps.
    public let version: Int
    /// The snake_case name from the file name.
    public let name: String
    /// The SQL text, exactly as in the file.
    public let sql: String
    /// The lowercase hex SHA-256 of the file's bytes.
    public let checksum: String

    /// A migration from its parts (the checksum as computed from the file's bytes).
    public init(version: Int, name: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = checksum
    }
}

/// A migration recorded in `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    /// The migration's number.
    public let version: Int
    /// Its snake_case name, as recorded when it was applied.
    public let name: String
    /// The lowercase hex SHA-256 of the file as applied.
    public let checksum: String
    /// When it was applied (UTC, ISO 8601 text as SQLite wrote it).
    public let appliedAt: String
}

/// Applies numbered migrations in order, each in its own transaction, and
/// records them in `schema_migrations` (version, name, SHA-256, time).
///
/// It refuses a database whose schema is newer than the migrations it carries,
/// and one in which an applied migration's checksum differs from the carried file.
public struct Migrator: Sendable {
    /// The migrations carried, by version.
    public let migrations: [Migration]

    /// A migrator for `migrations`, in any order (they are sorted by version).
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT
        """

    /// The migrations recorded in the database, in order (empty for a new file).
    /// - Throws: ``StorageError``.
    public func applied(in database: Database) throws -> [AppliedMigration] {
        guard try database.tableExists("schema_migrations") else { return [] }
        var result: [AppliedMigration] = []
        try database.forEach("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version") { row in
            result.append(AppliedMigration(version: row.int(0), name: row.text(1),
                                           checksum: row.text(2), appliedAt: row.text(3)))
        }
        return result
    }

    /// Checks the applied migrations against the carried ones and returns those
    /// still to apply.
    /// - Throws: ``StorageError`` `.schemaTooNew` or `.migrationModified`.
    public func pending(in database: Database) throws -> [Migration] {
        let applied = try applied(in: database)
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for record in applied {
            guard let migration = known[record.version] else {
                throw StorageError(
                    code: .schemaTooNew,
                    message: "\(database.path) has schema version \(applied.last?.version ?? record.version) "
                        + "but this build of Accord knows only up to \(migrations.last?.version ?? 0); "
                        + "use a newer accord",
                    path: database.path)
            }
            // Compared as bytes: a name Unicode calls equivalent is still another name.
            if !migration.checksum.utf8.elementsEqual(record.checksum.utf8) || !migration.name.utf8.elementsEqual(record.name.utf8) {
                throw StorageError(
                    code: .migrationModified,
                    message: "\(database.path) applied migration \(record.version) (\(record.name)) "
                        + "with checksum \(record.checksum), but this build carries \(migration.version) (\(migration.name)) "
                        + "with checksum \(migration.checksum); a migration file was edited after it was applied",
                    path: database.path)
            }
        }
        let done = Set(applied.map(\.version))
        return migrations.filter { !done.contains($0.version) }
    }

    /// Applies one migration inside the caller's write transaction and records it.
    /// - Throws: ``StorageError``.
    public func apply(_ migration: Migration, in db: Database, now: String) throws {
        try db.execute(Migrator.createTable)
        if try db.applicationID() == 0 { try db.markApplicationID() }
        do {
            try db.execute(migration.sql)
        } catch let error as StorageError {
            throw StorageError(code: error.code, message: "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                               sql: error.sql, path: error.path)
        }
        try db.run("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                   migration.version, migration.name, migration.checksum, now)
    }

    /// Applies every pending migration, each in its own write transaction, and
    /// returns those applied. Re-running is a no-op.
    /// - Parameter now: the time recorded as `applied_at`.
    /// - Throws: ``StorageError``; a failed migration leaves the earlier ones applied.
    @discardableResult
    public func migrate(_ database: Database, now: () -> String) throws -> [Migration] {
        var appliedNow: [Migration] = []
        for migration in try pending(in: database) {
            let didApply = try database.write { db -> Bool in
                try db.execute(Migrator.createTable)
                // Another process may have applied it since we looked.
                if try db.scalarInt("SELECT count(*) FROM schema_migrations WHERE version = ?", migration.version) ?? 0 > 0 {
                    return false
                }
                if try db.applicationID() == 0 { try db.markApplicationID() }
                do {
                    try db.execute(migration.sql)
                } catch let error as StorageError {
                    throw StorageError(code: error.code,
                                       message: "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                                       sql: error.sql, path: error.path)
                }
                try db.run("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                           migration.version, migration.name, migration.checksum, now())
                return true
            }
            if didApply { appliedNow.append(migration) }
        }
        return appliedNow
    }
}
