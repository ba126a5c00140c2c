import AccordStorage

/// The records an import file defined without an id, by the number its
/// `record` column gave them (their seq in the ledger the file was exported
/// from), so a later corroboration row can name them by that number.
///
/// Kept in a temporary table, not in memory, so a large file stays flat.
final class FileRecords {
    private let db: Database
    private var insert: Statement?
    private var select: Statement?

    init(db: Database) throws {
        self.db = db
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS accord_import_records (record INTEGER PRIMARY KEY, seq INTEGER NOT NULL)")
        try db.execute("DELETE FROM temp.accord_import_records")
        insert = try db.prepare("INSERT OR REPLACE INTO temp.accord_import_records (record, seq) VALUES (?, ?)")
        select = try db.prepare("SELECT seq FROM temp.accord_import_records WHERE record = ?")
    }

    func remember(record: Int64, seq: Int64) throws {
        guard let insert else { return }
        try insert.bind(record, at: 1)
        try insert.bind(seq, at: 2)
        try insert.run()
    }

    /// The seq in this ledger of the file's record `record`, if the file defined it.
    func seq(record: Int64) throws -> Int64? {
        guard let select else { return nil }
        try select.bind(record, at: 1)
        defer { select.reset() }
        guard try select.step() else { return nil }
        return select.int64(0)
    }

    /// Drops the table (inside the import's transaction).
    func drop() throws {
        insert = nil
        select = nil
        try db.execute("DROP TABLE IF EXISTS temp.accord_import_records")
    }
}

extension Importer {
    /// Notes a verification or breach defined without an id, for corroborations that follow.
    func remember(_ row: RowOrigin, _ recorded: Recorded, _ session: Session) throws {
        guard case .added(let seq, _) = recorded, let record = row.definesRecord else { return }
        if fileRecords == nil { fileRecords = try FileRecords(db: session.db) }
        try fileRecords?.remember(record: record, seq: seq)
    }

    /// What a corroboration row's `corroborates` names: in a file with a
    /// `record` column, a number is a record of that file; otherwise (or for an
    /// id) as a single corroboration resolves it.
    func corroborated(_ target: String, row: RowOrigin, _ session: Session) throws -> RecordReference {
        if row.hasRecordColumn, let number = TextRules.seq(target) {
            if let seq = try fileRecords?.seq(record: number) {
                return try session.reference(seq, field: .corroborates)
            }
            if try session.externalIDEntry(target) == nil {
                throw LedgerError.notFound(.entry, target, "corroborates: no record \(number) earlier in this file; in a file with a record column "
                                           + "a number names a row above it by its record value (use the id of a record that has one)")
            }
        }
        return try session.resolve(target, field: .corroborates)
    }
}
