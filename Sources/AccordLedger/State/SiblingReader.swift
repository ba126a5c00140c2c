import AccordStorage
import Dispatch
import Synchronization

/// A second connection to a ledger file at its head, for reading part of
/// what a view reads on another thread (a connection serves one thread at a
/// time): the per-day rows of a historical report, for instance, split
/// between both cores (docs/PERFORMANCE.md, "P3 historical: both cores").
///
/// The two connections must read the same state of the file, and SQLite
/// offers no portable way to give a second connection the first one's
/// snapshot. So the second checks, inside its own read transaction, that the
/// journal ends on the same entry, byte for byte. Every write that changes
/// what a report reads appends to the journal in the same transaction, so the
/// same last entry means the same state; when another process wrote in
/// between, the second connection reads nothing and its share falls back to
/// the first. What it reads is checked against the state the first
/// connection verified (each commitment's daily digest), as the first's own
/// reads are: a tampered row is refused whichever thread read it.
struct SiblingReader: Sendable {
    let opener: Database.ReadOpener
    /// The view's last entry: its seq and its bytes as stored.
    let seq: Int64
    let lastBytes: [UInt8]

    /// Runs `body` with a new connection inside one read transaction, when
    /// that transaction sees the view's last entry as the last; nil when it
    /// sees another (a write came between).
    /// - Throws: what opening the file or `body` throws.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        let db = try opener.open()
        return try db.read { db in
            var found: (seq: Int64, bytes: [UInt8]) = (0, [])
            try db.forEach("SELECT seq, entry FROM journal ORDER BY seq DESC LIMIT 1") { row in found = (row.int64(0), row.blob(1)) }
            guard found.seq == seq, found.bytes == lastBytes else { return nil }
            return try body(db)
        }
    }
}

/// Work run once on another thread, and its result waited for.
final class BackgroundWork<Value: Sendable>: Sendable {
    /// What the work returned or threw; until it ends, that it has not.
    private let outcome = Mutex<Result<Value, any Error>>(.failure(Unfinished()))
    private let group = DispatchGroup()

    /// Starts `work` on a thread of the global queue.
    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async(group: group) { [self] in
            let result = Result { try work() }
            outcome.withLock { $0 = result }
        }
    }

    /// Waits for the work to end; what it returned.
    /// - Throws: what it threw.
    func value() throws -> Value {
        group.wait()
        return try outcome.withLock { $0 }.get()
    }

    /// The outcome before the work has one (never seen once it has ended).
    private struct Unfinished: Error {}
}
