import AccordStorage
import Synchronization

/// A second connection to a ledger file at its head, for reading part of
/// what a view reads on another thread (a connection serves one thread at a
/// time): the per-day rows of a historical report, for instance, split
/// between both cores (docs/PERFORMANCE.md, "P3 historical: both cores").
///
/// The two connections must read the same state of the file, and SQLite
/// offers no portable way to give a second connection the first one's
/// snapshot. So the second checks, inside its own read transaction, what the
/// first checked or relied on: that the journal ends on the same entry, byte
/// for byte, and that the schema is the one Accord's migrations create,
/// parsed again in that transaction (a column renamed without a write to the
/// journal would make the rows' values mean something else; the per-day rows
/// are also read by position, in the order their digest hashes them). Every
/// write that changes what a report reads appends
/// to the journal in the same transaction, so with both the same, the rows are
/// those the first would read. What it reads is then checked against the
/// state the first connection verified (each commitment's daily digest), as
/// the first's own reads are.
///
/// When anything differs or fails (another process wrote in between, the
/// schema was changed, the file cannot be opened, a row does not match its
/// digest), the second connection's work gives nothing, and the first reads
/// that share itself: it then refuses what is altered, through the
/// connection whose state was verified.
struct SiblingReader: Sendable {
    let opener: Database.ReadOpener
    /// The view's last entry: its seq and its bytes as stored.
    let seq: Int64
    let lastBytes: [UInt8]

    /// Runs `body` with a new connection inside one read transaction, when
    /// that transaction sees the view's last entry as the last and Accord's
    /// schema; nil when it sees another, or when anything throws.
    func read<T>(_ body: (Database) throws -> T) -> T? {
        do {
            let db = try opener.open()
            return try db.read { db in
                let found = try LedgerView.journalEnd(db) ?? (0, [])
                guard found.seq == seq, found.bytes == lastBytes else { return nil }
                try Ledger.requireUnalteredSchema(db, reading: true)
                return try body(db)
            }
        } catch {
            return nil
        }
    }
}
