import AccordSchema
import AccordStorage
import AccordTrust

extension Ledger {
    /// The first schema version whose ledgers carry state roots: upgrading to
    /// it (or past it) rebuilds every projection from the journal.
    static let stateRootSchema = 7

    /// Brings an existing ledger's schema up to this build's, in one
    /// transaction: the pending migrations, then (for a ledger with entries)
    /// every projection rebuilt from the journal, and a `ledger.upgrade` entry
    /// recording it and carrying the state root. A failure leaves the file as it was.
    /// - Throws: ``LedgerError``: `.tampered` when an entry cannot be replayed
    ///   (audit it with the build that wrote it).
    static func upgrade(_ database: Database, clock: LedgerClock) throws {
        let time = try clock.reading()
        try database.write { db in
            let pending = try migrator.pending(in: db)  // again, inside the transaction
            guard let newest = pending.last?.version else { return }
            let from = try migrator.applied(in: db).last?.version ?? 0
            // The migrations run against the schema as this transaction reads it, not one parsed before
            // (Ledger.requireUnalteredSchema); rare enough to parse it again every time.
            try db.parseSchemaAgain()
            for migration in pending {
                if migration.version == leaflessSchema { try checkStoredLeafHashes(db) }
                if migration.version == slimJournalSchema { try checkStoredTimesAndActors(db) }
                try migrator.apply(migration, in: db, now: time.time.iso8601)
            }
            // What the rebuilt projections are written into and sealed under is the migrations' schema, as in every write.
            try requireUnalteredSchema(db)
            let entries = try db.tableExists("journal") ? try db.scalarInt("SELECT count(*) FROM journal") ?? 0 : 0
            guard entries > 0, newest >= stateRootSchema else { return }
            try rebuildProjections(db)
            let session = try Session(db: db, recorder: Recorder(actor: "accord"), now: time.time, clock: time.clock,
                                      rebuilding: true)
            var expected: Int64 = 1
            try forEachEntry(db) { entry in
                guard entry.seq == expected else {
                    throw LedgerError(.tampered, "the journal is missing entry \(expected); it cannot be upgraded")
                }
                expected += 1
                do {
                    try session.writer.projector.apply(entry, content: entry.contentHash)
                } catch let error as LedgerError {
                    throw LedgerError(.tampered, "entry \(entry.seq) cannot be replayed to upgrade the ledger (\(error))")
                }
            }
            _ = try session.append(.ledgerUpgrade(LedgerUpgrade(fromSchema: UInt32(from), toSchema: UInt32(newest))))
            try session.writer.finish()
        }
    }

    /// The first schema version whose journal keeps no leaf hash (migration
    /// 0018 drops the column).
    static let leaflessSchema = 18

    /// Checks every stored leaf hash against SHA-256(0x00 ‖ entry), while the
    /// column still exists: once it is dropped, an entry edited without its
    /// stored hash would look as written. (The entries' chain, the Merkle
    /// edge and the cached subtrees are checked by the audit, not here.)
    /// - Throws: ``LedgerError`` `.tampered` naming the first entry whose
    ///   stored hash differs (audit it with the build that wrote it).
    static func checkStoredLeafHashes(_ db: Database) throws {
        guard try db.tableExists("journal"),
              try db.scalarInt("SELECT count(*) FROM pragma_table_info('journal') WHERE name = 'leaf_hash'") == 1 else { return }
        let cursor = try db.prepare("SELECT seq, leaf_hash, entry FROM journal ORDER BY seq").cursor()
        while let row = try cursor.next() {
            guard Hash32(bytes: row.blob(1)) == row.leafHash(2) else {
                throw LedgerError(.tampered, "journal entry \(row.int64(0)) does not match its stored leaf hash: it was altered "
                                  + "after it was written; it cannot be upgraded (audit it with the build that wrote it)",
                                  hint: .audit)
            }
        }
    }

    /// The first schema version whose journal keeps no `recorded_ms` or
    /// `actor` column (migration 0020 drops them; the entry holds both).
    static let slimJournalSchema = 20

    /// Checks every row's `recorded_ms` and `actor` against the time and the
    /// actor its entry's bytes hold (the actor byte for byte), while the
    /// columns still exist, as the audit did: once they are dropped, a column
    /// altered without its entry would leave no trace.
    /// - Throws: ``LedgerError`` `.tampered` naming the first entry that
    ///   disagrees (audit it with the build that wrote it).
    static func checkStoredTimesAndActors(_ db: Database) throws {
        guard try db.tableExists("journal"),
              try db.scalarInt("SELECT count(*) FROM pragma_table_info('journal') WHERE name IN ('recorded_ms', 'actor')") == 2
        else { return }
        let cursor = try db.prepare("SELECT seq, recorded_ms, CAST(actor AS BLOB), entry FROM journal ORDER BY seq").cursor()
        while let row = try cursor.next() {
            let bytes = row.blob(3)
            guard row.value(1) == Entry.recordedAt(in: bytes).map({ .integer($0.milliseconds) }),
                  Entry.actorBytes(in: bytes).map(Array.init) == row.blob(2) else {
                throw LedgerError(.tampered, "the recording time or actor stored for journal entry \(row.int64(0)) disagrees "
                                  + "with the entry: it was altered after it was written; it cannot be upgraded "
                                  + "(audit it with the build that wrote it)", hint: .audit)
            }
        }
    }

    /// Empties every projection table, so the journal can be replayed into them.
    static func rebuildProjections(_ db: Database) throws {
        for (table, _) in Audit.projections.reversed() where try db.tableExists(table) {
            try db.execute("DELETE FROM \(table)")
        }
    }

    /// Calls `body` with every journal entry, decoded, in order.
    static func forEachEntry(_ db: Database, _ body: (Entry) throws -> Void) throws {
        let cursor = try db.prepare("SELECT seq, entry FROM journal ORDER BY seq").cursor()
        while let row = try cursor.next() {
            let entry: Entry
            do {
                entry = try Entry.decode(row.blob(1))
            } catch {
                throw LedgerError(.tampered, "journal entry \(row.int64(0)) cannot be decoded (\(error))")
            }
            try body(entry)
        }
    }
}
