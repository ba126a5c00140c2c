import AccordSchema
import AccordStorage
import AccordTrust

/// An Accord ledger: one SQLite file holding the journal and its projections.
///
/// Open one per process (or task); it is not `Sendable`.
public final class Ledger {
    /// The connection to the ledger file: the engine's own. Front ends go
    /// through the ledger's methods, so nothing writes around the journal.
    let database: Database

    /// The schema version this build creates and reads.
    public static var schemaVersion: Int { Schema.latestVersion }

    /// The version of the SQLite library this build runs on.
    public static var sqliteVersion: String { Database.sqliteVersion }

    /// The path of the ledger file.
    public var path: String { database.path }

    /// The clock and scratch directory this connection uses.
    public let settings: LedgerSettings

    init(database: Database, settings: LedgerSettings) {
        self.database = database
        self.settings = settings
    }

    /// The connection settings every Accord ledger uses.
    public static var configuration: Database.Configuration { configuration(lockWait: .standard) }

    /// The connection settings, with how long to wait for another process's lock.
    static func configuration(lockWait: LockWait) -> Database.Configuration {
        var configuration = Database.Configuration(applicationID: Schema.applicationID)
        configuration.lockWaitMilliseconds = Int((max(0, lockWait.seconds) * 1000).rounded())
        configuration.onLockWait = lockWait.onWait
        configuration.minimumSQLiteVersion = 3_037_000
        configuration.minimumSQLiteReason = "STRICT tables"
        configuration.validate = { database in
            // Refuse a newer or edited schema before anything touches the file.
            if try database.tableExists("schema_migrations") {
                _ = try Migrator(migrations: Schema.migrations).pending(in: database)
            }
        }
        return configuration
    }

    /// The migrator over the migrations carried in this build.
    public static var migrator: Migrator { Migrator(migrations: Schema.migrations) }

    /// Creates a ledger at `path`, or brings an existing one up to date.
    ///
    /// Returns the ledger and whether the file was new. Refuses files that are
    /// not SQLite, belong to another application, or come from a newer build,
    /// leaving them untouched.
    /// - Parameter adminKey: registered as the ledger's first admin key by
    ///   entry 2, in the transaction that writes entry 1. Given for an
    ///   existing ledger, it must already be one of its admin keys.
    /// - Parameter settings: the clock the first entries are recorded by, and
    ///   the ledger's from then on.
    /// - Throws: ``LedgerError``.
    public static func create(at path: String, as recorder: Recorder, adminKey: NoteVerifierKey? = nil,
                              lockWait: LockWait = .standard,
                              settings: LedgerSettings = LedgerSettings()) throws -> (ledger: Ledger, created: Bool) {
        try checkPath(path)
        _ = try validateActor(recorder.actor)  // before the file is made
        let admin = try adminKey.map { try KeyRegistration(name: $0.name, publicKey: $0.publicKeyBytes, role: .admin).validated() }
        let ledger = try LedgerError.translating {
            let database = try Database(path: path, mode: .create, configuration: configuration(lockWait: lockWait))
            try migrator.migrate(database, now: { (try? settings.clock.now())?.iso8601 ?? "" })
            return Ledger(database: database, settings: settings)
        }
        // The first entry names the ledger; its presence is what makes a ledger.
        let created = try ledger.transact(recorder) { session -> Bool in
            guard session.writer.seq == 0 else {
                if let admin {
                    let known = try session.adminKeys().contains { $0.name == admin.name && $0.revoked == nil }
                        && session.db.scalarInt("SELECT count(*) FROM keys WHERE name = ? AND public_key = ?",
                                                admin.name, admin.publicKey) == 1
                    guard known else {
                        throw LedgerError(.conflict(.state), "\(path) is already a ledger, without admin key \(admin.name); "
                                          + "nothing was changed", hint: .registerAdminKey)
                    }
                }
                return false
            }
            _ = try session.append(.ledgerCreate(LedgerCreated(ledgerID: Ledger.newIdentifier())))
            if let admin { _ = try session.register(admin, firstAdmin: true) }
            return true
        }
        return (ledger, created)
    }

    /// A random (version 4) UUID, lowercase.
    static func newIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = hexString(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return parts.joined(separator: "-")
    }

    /// Switches SQLite's memory statistics off for the whole process, which
    /// makes every allocation cheaper (nothing in Accord reads them). For a
    /// program's entry point, before any ledger is opened or thread started;
    /// a library embedding the engine leaves its host's setting alone.
    public static func skipSQLiteMemoryStatistics() {
        Database.skipMemoryStatistics()
    }

    /// Opens an existing ledger.
    ///
    /// A writable open applies any migrations this build carries that the file
    /// lacks; a read-only open refuses a file that needs them.
    /// - Throws: ``LedgerError`` `.notALedger` when the file is missing, is not
    ///   a ledger, or has a schema newer than this build.
    public static func open(at path: String, readOnly: Bool = false, lockWait: LockWait = .standard,
                            settings: LedgerSettings = LedgerSettings()) throws -> Ledger {
        try open(at: path, mode: readOnly ? .readOnly : .readWrite, requireFirstEntry: true, lockWait: lockWait, settings: settings)
    }

    /// Opens an existing ledger to read it once, as a one-shot command does:
    /// nothing is written and, when no other process has the file open, no
    /// `-wal` or `-shm` file is created beside it (see `Database.Mode.snapshot`).
    /// If another process changes the file meanwhile, the read runs again on
    /// an ordinary read-only connection.
    /// - Throws: ``LedgerError``, as ``open(at:readOnly:)``.
    public static func openSnapshot(at path: String, lockWait: LockWait = .standard,
                                    settings: LedgerSettings = LedgerSettings()) throws -> Ledger {
        try open(at: path, mode: .snapshot, requireFirstEntry: true, lockWait: lockWait, settings: settings)
    }

    /// Opens an existing ledger; the audit passes `requireFirstEntry: false`
    /// to examine a journal whose first entry was deleted rather than refuse it.
    static func open(at path: String, mode: Database.Mode, requireFirstEntry: Bool, lockWait: LockWait = .standard,
                     settings: LedgerSettings) throws -> Ledger {
        try checkPath(path)
        let readOnly = mode != .readWrite
        return try LedgerError.translating {
            let database = try Database(path: path, mode: mode, configuration: existingLedgerConfiguration(path, lockWait: lockWait))
            if requireFirstEntry, try database.tableExists("journal"),
               try database.scalarInt("SELECT count(*) FROM journal WHERE seq = 1") == 0 {
                if try database.scalarInt("SELECT count(*) FROM journal") ?? 0 > 0 {
                    throw LedgerError(.tampered, "\(path) has journal entries but not entry 1", hint: .auditLedger(path))
                }
                throw LedgerError(.notALedger(.uninitialised), "\(path) was never initialised (its journal is empty)",
                                  hint: .initialise(path))
            }
            let pending = try migrator.pending(in: database)
            if !pending.isEmpty {
                try refuseDeletedMigrations(database, pending: pending, path: path)
                if readOnly {
                    throw LedgerError(.notALedger(.schemaVersion),
                        "\(path) has schema version \(Schema.latestVersion - pending.count) and this build needs "
                        + "\(Schema.latestVersion)", hint: .migrate)
                }
                try Ledger.upgrade(database, clock: settings.clock)
            }
            return Ledger(database: database, settings: settings)
        }
    }

    /// Refuses a ledger whose `schema_migrations` lost rows, rather than take
    /// it for an older ledger (and say to migrate it, or re-run a migration
    /// whose objects exist): a migration missing before one that is recorded,
    /// or missing migrations whose schema the file already has.
    /// - Throws: ``LedgerError`` `.tampered`.
    static func refuseDeletedMigrations(_ database: Database, pending: [Migration], path: String) throws {
        let newest = try migrator.applied(in: database).last?.version ?? 0
        if let gap = pending.first(where: { $0.version < newest }) {
            throw LedgerError(.tampered, "\(path) records migration \(newest) but not migration \(gap.version) (\(gap.name)): "
                              + "a row of schema_migrations was deleted", hint: .auditLedger(path))
        }
        if try Schema.differences(database.schemaObjects()).isEmpty {
            throw LedgerError(.tampered, "\(path) records migrations up to \(newest) but its schema is that of migration "
                              + "\(Schema.latestVersion): a row of schema_migrations was deleted", hint: .auditLedger(path))
        }
    }

    /// The ledger configuration, refusing a database that is not a ledger
    /// before the connection may write to it (the switch to WAL writes the
    /// header of an empty file), so the refused file stays byte-identical.
    static func existingLedgerConfiguration(_ path: String, lockWait: LockWait = .standard) -> Database.Configuration {
        var configuration = configuration(lockWait: lockWait)
        let validate = configuration.validate
        configuration.validate = { database in
            guard try database.tableExists("schema_migrations") else {
                throw LedgerError(.notALedger(.foreign), "\(path) is an empty database, not an Accord ledger", hint: .createLedgerHere)
            }
            try validate?(database)
        }
        return configuration
    }

    /// Refuses an empty path, which SQLite would take for a private in-memory
    /// database: a ledger that vanishes when the process ends.
    static func checkPath(_ path: String) throws {
        if path.isEmpty || path == ":memory:" {
            throw LedgerError(.notALedger(.missing), "the ledger path is empty (or :memory:); a ledger is a file: pass \(option: .ledgerPath) PATH")
        }
    }

    /// The migrations applied to this ledger, in order.
    /// - Throws: ``LedgerError``.
    public func appliedMigrations() throws -> [AppliedMigration] {
        try LedgerError.translating { try Ledger.migrator.applied(in: database) }
    }
}

/// How long a command waits for another process's write lock, and what it
/// does meanwhile.
public struct LockWait: Sendable {
    /// The longest wait, in seconds, for one write (however often it is retried).
    public var seconds: Double
    /// Called once when the wait passes a second.
    public var onWait: (@Sendable () -> Void)?

    /// A wait of at most `seconds` for one write, calling `onWait` once after the first second.
    public init(seconds: Double, onWait: (@Sendable () -> Void)? = nil) {
        self.seconds = seconds
        self.onWait = onWait
    }

    /// 46 seconds.
    public static let standard = LockWait(seconds: 46)
}

/// One migration, applied or not (``Ledger/migrationStatus(at:)``).
public struct MigrationStatus: Sendable {
    /// The migration's number.
    public let version: Int
    /// Its snake_case name.
    public let name: String
    /// The lowercase hex SHA-256 of the migration this build carries.
    public let checksum: String
    /// When it was applied, or nil when it is pending.
    public let appliedAt: String?
}

extension Ledger {
    /// The carried migrations and whether each is applied to the ledger at
    /// `path`, read without changing the file.
    /// - Throws: ``LedgerError``.
    public static func migrationStatus(at path: String) throws -> [MigrationStatus] {
        try checkPath(path)
        return try LedgerError.translating {
            let database = try Database(path: path, mode: .snapshot, configuration: existingLedgerConfiguration(path))
            _ = try migrator.pending(in: database)  // refuses newer or edited schemas
            let applied = Dictionary(uniqueKeysWithValues: try migrator.applied(in: database).map { ($0.version, $0) })
            return migrator.migrations.map { migration in
                MigrationStatus(version: migration.version, name: migration.name, checksum: migration.checksum,
                                appliedAt: applied[migration.version]?.appliedAt)
            }
        }
    }
}
