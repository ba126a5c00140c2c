import AccordSchema
import AccordStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary ledger database for a re-derivation (the audit's, an as-of
/// read's): created with the carried schema, not durable, removed when done.
final class ScratchLedger {
    let database: Database
    let path: String

    /// - Parameter directory: where the scratch file is made.
    /// - Throws: ``LedgerError`` `.io` when no scratch file can be made.
    init(directory: String) throws {
        var template = Array("\(directory)/accord-scratch-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw LedgerError(.io, "cannot create a scratch file: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        path = String(nulTerminated: template)
        var configuration = Database.Configuration(applicationID: Schema.applicationID)
        configuration.durable = false
        configuration.cacheSize = -65_536
        do {
            database = try Database(path: path, mode: .create, configuration: configuration)
            try Migrator(migrations: Schema.migrations).migrate(database, now: { "" })
        } catch {
            ScratchLedger.remove(path)
            throw error
        }
    }

    deinit { ScratchLedger.remove(path) }

    private static func remove(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }
}

extension ScratchLedger {
    /// Copies entries 1 through `seq` of the journal in `source` into a new
    /// scratch ledger, byte for byte, checking that each decodes canonically
    /// and chains to the one before, and rebuilding every projection from
    /// them: the ledger exactly as it stood after entry `seq`, derived from
    /// the journal alone.
    /// - Throws: ``LedgerError`` `.tampered` naming the first entry that does not check.
    static func replaying(_ source: Database, through seq: Int64, directory: String) throws -> ScratchLedger {
        let scratch = try ScratchLedger(directory: directory)
        try scratch.database.write { db in
            let writer = try JournalWriter(db: db, rebuilding: true)
            let statement = try source.prepare("SELECT seq, entry, signature FROM journal WHERE seq <= ? ORDER BY seq")
            try statement.bind(seq, at: 1)
            let cursor = statement.cursor()
            while let row = try cursor.next() {
                let entry: Entry
                do {
                    entry = try Entry.decodeCanonical(row.blob(1))
                } catch {
                    throw LedgerError(.tampered, "journal entry \(row.int64(0)) cannot be decoded (\(error))", hint: .audit)
                }
                guard entry.seq == row.int64(0) else {
                    throw LedgerError(.tampered, "journal entry \(row.int64(0)) says it is entry \(entry.seq)", hint: .audit)
                }
                do {
                    try writer.appendVerbatim(entry, bytes: row.blob(1), signature: row.optionalBlob(2))
                } catch let error as LedgerError {
                    throw LedgerError(.tampered, error.phrase, hint: .audit)
                }
            }
            guard writer.seq == seq else {
                throw LedgerError(.tampered, "the journal is missing entry \(writer.seq + 1)", hint: .audit)
            }
            try writer.finish()
        }
        return scratch
    }
}
