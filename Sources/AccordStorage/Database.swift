import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to a SQLite database file.
///
/// A connection is not `Sendable`: use one per process or task. Every
/// connection is set up the same way (see ``Configuration``): extended result
/// codes, WAL, `synchronous=FULL`, a busy timeout, foreign keys on, untrusted
/// schema, defensive mode. Opening proves the file is a SQLite database at once,
/// and checks its `application_id` before anything is written to it.
/// See https://www.sqlite.org/c3ref/open.html
public final class Database {
    /// How to open the file.
    public enum Mode: Sendable {
        /// The file must exist; read and write.
        case readWrite
        /// Create the file if it does not exist; read and write.
        case create
        /// The file must exist; never written. (SQLite may still create the
        /// `-wal` and `-shm` files of a WAL database beside it.)
        case readOnly
        /// Read once, as a one-shot command does: never written, and, when no
        /// other connection has the file open (no `-wal`, `-shm` or `-journal`
        /// beside it), read as an immutable snapshot so that no file is created
        /// either. If another process changed the file meanwhile, ``read(restartable:_:)``
        /// reopens it as an ordinary read-only connection and runs the read
        /// again (a read that cannot be repeated switches before it starts).
        /// Otherwise as ``readOnly``.
        case snapshot
    }

    /// Settings applied to every connection.
    public struct Configuration: Sendable {
        /// Stamped in the header as `PRAGMA application_id` by ``markApplicationID()``;
        /// a file carrying another non-zero id is refused.
        public var applicationID: Int32?
        /// The oldest SQLite library the schema can use, as `sqlite3_libversion_number()`.
        public var minimumSQLiteVersion: Int32 = 3_037_000
        /// Why ``minimumSQLiteVersion`` is needed, for the refusal message.
        public var minimumSQLiteReason = "STRICT tables"
        /// How long a write transaction (or a statement outside one) waits in
        /// all for another process's lock, however often it is retried, before
        /// it fails with `.busy`. The default, 46 s, is what nine tries of five
        /// seconds came to before this was one clock.
        public var lockWaitMilliseconds = 46_000
        /// After how long waiting ``onLockWait`` is called (once).
        public var lockNoticeMilliseconds = 1_000
        /// Called once when a wait for another process's lock passes
        /// ``lockNoticeMilliseconds`` (a command line prints that it is waiting).
        public var onLockWait: (@Sendable () -> Void)?
        /// `PRAGMA cache_size` (negative values are KiB), nil for SQLite's default.
        public var cacheSize: Int?
        /// False for scratch databases that may be lost on a crash (no WAL,
        /// no fsync): the audit's re-derivation, for instance.
        public var durable = true
        /// Checks run after the file is proven to be a database of this
        /// application and before anything may write to it (such as the switch
        /// to WAL), so a refused file stays byte-identical.
        public var validate: (@Sendable (Database) throws -> Void)?

        /// A configuration for a database of `applicationID` (`PRAGMA application_id`; nil to accept any file).
        public init(applicationID: Int32? = nil) {
            self.applicationID = applicationID
        }
    }

    /// The file name given to ``init(path:mode:configuration:)``.
    public let path: String
    /// How the file was opened: read-write, read-only or as a snapshot.
    public let mode: Mode
    /// The settings the connection was opened with.
    public let configuration: Configuration
    private(set) var handle: OpaquePointer
    /// The busy handler's clock and notice.
    let lockWaiter: LockWaiter
    var statementCache: [String: Statement] = [:]
    /// The file as it was when opened as an immutable snapshot (see ``Mode/snapshot``).
    private(set) var snapshot: FileIdentity?
    /// The ``schemaVersion()`` at which a caller last found the schema as it
    /// should be, so that a long-lived connection checks it again only after it
    /// changed; nil until then, and again after the connection is reopened.
    public var checkedSchemaVersion: Int64?
    /// `PRAGMA data_version` read before the connection last parsed the schema
    /// (see ``schemaMayBeStale()``).
    var parsedDataVersion: Int64?

    /// Opens (or creates) a database and sets the connection up.
    ///
    /// - Throws: ``StorageError`` with `.missingFile` when the file is absent
    ///   (and `mode` is not `.create`), `.notADatabase` when it is not SQLite,
    ///   `.foreignDatabase` when it belongs to another application,
    ///   `.sqliteTooOld` when the system library is too old, `.sqlite` otherwise.
    public init(path: String, mode: Mode = .readWrite, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.mode = mode
        self.configuration = configuration
        lockWaiter = LockWaiter(configuration: configuration)

        let version = sqlite3_libversion_number()
        if version < configuration.minimumSQLiteVersion {
            throw StorageError(
                code: .sqliteTooOld,
                message: "the system SQLite is \(Database.versionString(version)) but Accord needs "
                    + "\(Database.versionString(configuration.minimumSQLiteVersion)) or newer "
                    + "(\(configuration.minimumSQLiteReason)); install a newer libsqlite3",
                path: path)
        }

        let isMemory = path == ":memory:" || path.isEmpty
        if !isMemory && mode != .create && access(path, F_OK) != 0 {
            throw StorageError(code: .missingFile, message: "\(path) does not exist", path: path)
        }
        // SQLite reports a directory as a disk I/O error; say what it is.
        var status = stat()
        if !isMemory && stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            throw StorageError(code: .notADatabase, message: "\(path) is a directory, not a SQLite database", path: path)
        }

        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI
        switch mode {
        case .readOnly, .snapshot: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        // A read-only open of a WAL database creates -wal and -shm files unless
        // it is immutable; that is safe only while no other connection is open.
        var filename = path
        var snapshot: FileIdentity?
        if mode == .snapshot, !isMemory, let identity = FileIdentity(path: path),
           let uri = Database.immutableURI(path), Database.isQuiescent(path) {
            filename = uri
            snapshot = identity
        }
        self.snapshot = snapshot
        handle = try Database.openHandle(filename, flags: flags, path: path)
        do {
            try setUp()
        } catch {
            statementCache.removeAll()
            sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Renders a `sqlite3_libversion_number()` value as 3.X.Y.
    public static func versionString(_ number: Int32) -> String {
        "\(number / 1_000_000).\(number / 1_000 % 1_000).\(number % 1_000)"
    }

    /// The version of the SQLite library in use, e.g. "3.40.1".
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// Replaces an immutable-snapshot connection with an ordinary read-only
    /// one (after another process changed the file under it).
    /// The new connection is opened before the old one is closed, so the
    /// database always holds a live handle, whatever fails.
    func reopenWithoutSnapshot() throws {
        let flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI | SQLITE_OPEN_READONLY
        let opened = try Database.openHandle(path, flags: flags, path: path)
        statementCache.removeAll()
        sqlite3_close_v2(handle)
        handle = opened
        snapshot = nil
        checkedSchemaVersion = nil
        try setUp()
    }

    /// Switches SQLite's memory statistics off for the whole process: no Accord
    /// code reads them, and keeping them takes a global mutex on every
    /// allocation (about 7% of the instructions of a process that appends one
    /// entry; docs/PERFORMANCE.md, "P2: a faster start"). The setting is the
    /// process's and not thread-safe: for a program's entry point, before SQLite
    /// is first used; a library leaves its host's setting alone. Does nothing
    /// once SQLite is in use.
    public static func skipMemoryStatistics() {
        _ = accord_config_memstatus(0)
    }

    /// Opens a connection, closing it again if the open fails.
    /// - Throws: ``StorageError`` with SQLite's message and the system error number.
    private static func openHandle(_ filename: String, flags: Int32, path: String) throws -> OpaquePointer {
        var opened: OpaquePointer?
        let result = sqlite3_open_v2(filename, &opened, flags, nil)
        guard let opened else {
            throw StorageError(code: .sqlite(ResultCode(rawValue: result)),
                               message: "cannot open \(path): out of memory", path: path)
        }
        guard result == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(opened))
            let system = sqlite3_system_errno(opened)
            sqlite3_close_v2(opened)
            throw StorageError(code: .sqlite(ResultCode(rawValue: result)),
                               message: "cannot open \(path): \(message)", path: path, systemErrno: system != 0 ? system : nil)
        }
        return opened
    }

    private func setUp() throws {
        sqlite3_extended_result_codes(handle, 1)
        lockWaiter.install(on: handle)
        var ignored: Int32 = 0
        _ = accord_db_config_bool(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &ignored)
        _ = accord_db_config_bool(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, &ignored)
        _ = accord_db_config_bool(handle, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &ignored)

        // Prove the file is a SQLite database before anything else touches it. The first statement
        // that reads the schema parses it: note before it what other connections had committed.
        do {
            parsedDataVersion = try dataVersion()
            _ = try scalarInt("SELECT count(*) FROM sqlite_master")
        } catch let error as StorageError {
            if let code = error.resultCode, ResultCode.notADatabase ~= code || ResultCode.corrupt ~= code {
                throw StorageError(code: .notADatabase,
                                   message: "\(path) is not a SQLite database (\(error.message))",
                                   path: path)
            }
            throw error
        }

        // Refuse another application's file before writing anything to it.
        if let expected = configuration.applicationID {
            let found = Int32(truncatingIfNeeded: try scalarInt("PRAGMA application_id") ?? 0)
            if found != 0 && found != expected {
                throw StorageError(
                    code: .foreignDatabase,
                    message: "\(path) is a SQLite database of another application (application_id \(found))",
                    path: path)
            }
            if found == 0, try scalarInt("SELECT count(*) FROM sqlite_master") ?? 0 > 0 {
                throw StorageError(
                    code: .foreignDatabase,
                    message: "\(path) is a SQLite database of another application (it has tables but no Accord application_id)",
                    path: path)
            }
        }

        try configuration.validate?(self)

        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA trusted_schema = OFF")
        if let cacheSize = configuration.cacheSize {
            try execute("PRAGMA cache_size = \(cacheSize)")
        }
        if !configuration.durable {
            _ = try scalarText("PRAGMA journal_mode = MEMORY")
            try execute("PRAGMA synchronous = OFF")
            return
        }
        if mode == .readWrite || mode == .create {
            let journalMode = try scalarText("PRAGMA journal_mode = WAL")?.lowercased()
            let isMemory = path == ":memory:" || path.isEmpty
            guard journalMode == "wal" || (isMemory && journalMode == "memory") else {
                throw StorageError(code: .sqlite(.error),
                                   message: "\(path) could not be switched to WAL mode (journal_mode is \(journalMode ?? "unknown"))",
                                   path: path)
            }
        }
        try execute("PRAGMA synchronous = FULL")
    }

    /// Stamps ``Configuration/applicationID`` into the file header.
    /// See https://www.sqlite.org/pragma.html#pragma_application_id
    public func markApplicationID() throws {
        guard let id = configuration.applicationID else { return }
        try execute("PRAGMA application_id = \(id)")
    }

    /// The `application_id` in the file header.
    public func applicationID() throws -> Int32 {
        Int32(truncatingIfNeeded: try scalarInt("PRAGMA application_id") ?? 0)
    }

    // MARK: - Running SQL

    /// Runs one or more statements that return no rows the caller needs.
    /// - Throws: ``StorageError``.
    /// See https://www.sqlite.org/c3ref/exec.html
    public func execute(_ sql: String) throws {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        if result != SQLITE_OK { throw error(result, sql: sql) }
    }

    /// Runs `body` with this connection's temporary storage in memory
    /// (`PRAGMA temp_store = MEMORY`), and the setting as it was after. For
    /// a transaction that takes a savepoint for each of many writes: SQLite
    /// keeps the pages a savepoint may roll back (the statement journal) in
    /// memory up to 64 KiB, and once it has outgrown that, in a temporary
    /// file, written page by page for every savepoint after. In memory it
    /// holds what the largest savepoint changed, and is emptied at each
    /// release. Inside an open transaction (where the setting cannot
    /// change), or when it cannot be set, `body` simply runs.
    /// See https://www.sqlite.org/pragma.html#pragma_temp_store
    public func withTemporaryStorageInMemory<T>(_ body: () throws -> T) rethrows -> T {
        guard !isInTransaction, let previous = try? scalarInt("PRAGMA temp_store"), previous != 2,
              (try? execute("PRAGMA temp_store = MEMORY")) != nil else { return try body() }
        defer { try? execute("PRAGMA temp_store = \(previous)") }
        return try body()
    }

    /// A new prepared statement (not cached).
    /// - Throws: ``StorageError`` when the SQL does not compile.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement from this connection's cache, prepared on first use.
    /// The statement is reset, with its bindings cleared, before it is returned.
    /// If the cached one is still being stepped (a loop over its rows asks for
    /// the same SQL), a fresh statement is returned instead, so that the outer
    /// loop is not cut short by a reset.
    /// - Throws: ``StorageError`` when the SQL does not compile.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            if statement.isBusy { return try Statement(database: self, sql: sql) }
            statement.reset()
            return statement
        }
        let statement = try Statement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs a cached statement with the given bindings to completion.
    /// - Returns: the rows it inserted, updated or deleted.
    /// - Throws: ``StorageError``.
    @discardableResult
    public func run(_ sql: String, _ values: DatabaseValueConvertible...) throws -> Int {
        let statement = try cached(sql)
        try statement.bind(values)
        return try statement.run()
    }

    /// The first column of the first row, as an integer (nil when no row or NULL).
    public func scalarInt(_ sql: String, _ values: DatabaseValueConvertible...) throws -> Int64? {
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// The first column of the first row, as text (nil when no row or NULL).
    public func scalarText(_ sql: String, _ values: DatabaseValueConvertible...) throws -> String? {
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.text(0)
    }

    /// Calls `body` for each row of a query; the row is valid only inside the call.
    public func forEach(_ sql: String, _ values: [DatabaseValueConvertible] = [], _ body: (Row) throws -> Void) throws {
        let statement = try cached(sql)
        try statement.bind(values)
        let cursor = statement.cursor()
        while let row = try cursor.next() { try body(row) }
    }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// True when a table (or view) of that name exists in the main schema.
    public func tableExists(_ name: String) throws -> Bool {
        try scalarInt("SELECT count(*) FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')", name) ?? 0 > 0
    }

    func error(_ result: Int32, sql: String?) -> StorageError {
        let extended = sqlite3_extended_errcode(handle)
        let code = ResultCode(rawValue: extended != 0 && (extended & 0xff) == (result & 0xff) ? extended : result)
        let system = sqlite3_system_errno(handle)
        return StorageError(code: .sqlite(code), message: String(cString: sqlite3_errmsg(handle)),
                            sql: sql, path: path, systemErrno: system != 0 ? system : nil)
    }
}
