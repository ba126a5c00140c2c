#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Database {
    /// Runs `body` in a write transaction: `BEGIN IMMEDIATE`, then `COMMIT`, or
    /// `ROLLBACK` when `body` throws.
    ///
    /// While another process holds the write lock, SQLite's busy handler waits
    /// (``Configuration/onLockWait`` is told once past
    /// ``Configuration/lockNoticeMilliseconds``); when a statement still gets
    /// SQLITE_BUSY, the whole closure is run again, until the transaction has
    /// waited ``Configuration/lockWaitMilliseconds`` in all, after which a
    /// `.busy` ``StorageError`` says how long it waited. `body` must therefore
    /// compute everything it writes inside the transaction. Called inside an
    /// open transaction, `body` simply joins it.
    /// - Throws: what `body` throws, or ``StorageError``.
    /// See https://www.sqlite.org/lang_transaction.html
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        if isInTransaction { return try body(self) }
        return try transaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in a read transaction that sees one snapshot of the file.
    ///
    /// On a connection opened as an immutable snapshot (``Mode/snapshot``),
    /// SQLite takes no locks. If another process changed the file while `body`
    /// ran, what it read (or the error it threw) may come from a torn file, so
    /// the connection becomes an ordinary read-only one and `body` runs again:
    /// `body` must therefore be a pure function of the database — build what it
    /// returns inside the call, and change nothing outside it (a second run
    /// would otherwise add to what the first, torn one left). A body that hands
    /// rows out as it reads them cannot be run twice: pass `restartable: false`,
    /// and it reads through an ordinary read-only connection from the start
    /// (locks, and a consistent WAL snapshot, whatever other writers do).
    /// - Throws: what `body` throws, or ``StorageError``.
    public func read<T>(restartable: Bool = true, _ body: (Database) throws -> T) throws -> T {
        if isInTransaction { return try body(self) }
        if snapshot != nil && !restartable { try reopenWithoutSnapshot() }
        if let snapshot {
            do {
                let result = try transaction("BEGIN DEFERRED", body)
                if FileIdentity(path: path) == snapshot { return result }
            } catch {
                if FileIdentity(path: path) == snapshot { throw error }
            }
            try reopenWithoutSnapshot()
        }
        return try transaction("BEGIN DEFERRED", body)
    }

    private func transaction<T>(_ begin: String, _ body: (Database) throws -> T) throws -> T {
        var attempt = 0
        lockWaiter.beginTransaction()
        defer { lockWaiter.endTransaction() }
        while true {
            do {
                try execute(begin)
                let result = try body(self)
                try execute("COMMIT")
                return result
            } catch {
                if isInTransaction { try? execute("ROLLBACK") }
                guard let storage = error as? StorageError, storage.isBusy else { throw error }
                attempt += 1
                if lockWaiter.exhausted {
                    let seconds = lockWaiter.waited
                    let shown = seconds < 10 ? String(Double((seconds * 10).rounded()) / 10) : String(Int(seconds.rounded()))
                    throw StorageError(
                        code: .busy,
                        message: "\(path) stayed locked by another process for \(shown) s",
                        sql: storage.sql, path: path)
                }
                // A short, growing pause lets the other writer finish.
                usleep(UInt32(min(attempt * 20_000, 200_000)))
            }
        }
    }
}

extension Database {
    /// Opens a savepoint inside the current transaction: what is written after
    /// it can be undone alone with ``rollBack(toSavepoint:)``.
    /// - Throws: ``StorageError``.
    /// See https://www.sqlite.org/lang_savepoint.html
    public func beginSavepoint(_ name: String) throws {
        // Prepared once per connection: a batch opens one for each of thousands of writes.
        try cached("SAVEPOINT \(name)").run()
    }

    /// Keeps what was written since the savepoint, and closes it.
    /// - Throws: ``StorageError``.
    public func releaseSavepoint(_ name: String) throws {
        try cached("RELEASE \(name)").run()
    }

    /// Undoes what was written since the savepoint, and closes it; the
    /// enclosing transaction stays open.
    /// - Throws: ``StorageError``.
    public func rollBack(toSavepoint name: String) throws {
        try execute("ROLLBACK TO \(name)")
        try execute("RELEASE \(name)")
    }
}
