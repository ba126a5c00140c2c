import AccordStorage

/// One entry in a history timeline.
public struct HistoryItem: Sendable {
    public var seq: Int64
    public var recordedAt: String
    /// Whose clock stamped ``recordedAt``: `overridden` when the operator set
    /// the time (`ACCORD_NOW`) instead of the machine's clock.
    public var clock: RecordingClock
    public var actor: String
    public var signer: String?
    public var kind: EntryKind
    public var summary: String
    public var reason: String?

    public static let columns = ["seq", "recorded_at", "clock", "actor", "kind", "summary", "reason", "signer"]

    public var cells: [Cell] {
        [.int(seq), .text(recordedAt), .text(clock.word), .text(actor), .text(kind.rawValue), .text(summary), Cell(reason),
         .text(signer ?? "unsigned")]
    }
}

extension Ledger {
    /// Every entry that touched a commitment (its creation, withdrawal,
    /// guarantees and their invocations, every verification and breach with
    /// their corrections, corroborations, retractions, disputes and
    /// adjudications) or one record, in journal order, as known at `asOf`.
    /// - Parameter subject: a commitment id, or an entry's seq or external id.
    /// - Throws: ``LedgerError`` `.badInput` when the subject is unknown.
    public func history(of subject: String, asOf: AsOf? = nil) throws -> (stamp: LedgerStamp, items: [HistoryItem]) {
        try reading(asOf: asOf) { view in
            let db = view.db
            do {
                let n = view.seq
                var seqs: Set<Int64> = []
                let trimmed = TextRules.trimmed(subject)
                if try db.scalarInt("SELECT seq FROM commitments WHERE id = ? AND seq <= ?", trimmed, n) != nil {
                    try Ledger.commitmentHistory(trimmed, db: db, into: &seqs)
                } else {
                    try Ledger.entryHistory(trimmed, db: db, asOf: n, into: &seqs)
                }
                var items: [HistoryItem] = []
                for seq in seqs.sorted() where seq <= n {
                    // The entry's own bytes carry when, who and the signer (the journal's columns repeat them).
                    guard let entry = try Ledger.entry(seq, in: db) else { continue }
                    items.append(HistoryItem(seq: seq, recordedAt: entry.recordedAt.iso8601, clock: entry.clock, actor: entry.actor,
                                             signer: entry.signer,
                                             kind: entry.kind, summary: entry.payload.summary, reason: entry.payload.reason))
                }
                return (try view.stamp(), items)
            }
        }
    }

    static func commitmentHistory(_ id: String, db: Database, into seqs: inout Set<Int64>) throws {
        let queries = [
            "SELECT seq FROM commitments WHERE id = ?1",
            "SELECT seq FROM withdrawals WHERE commitment = ?1",
            "SELECT seq FROM reciprocals WHERE commitment = ?1",
            "SELECT g.seq FROM guarantees g JOIN guarantee_covers c ON c.guarantee = g.id WHERE c.commitment = ?1",
            "SELECT i.seq FROM invocations i JOIN guarantee_covers c ON c.guarantee = i.guarantee WHERE c.commitment = ?1",
        ]
        for sql in queries {
            try db.forEach(sql, [id]) { row in seqs.insert(row.int64(0)) }
        }
        var records: Set<Int64> = []
        try db.forEach("SELECT record FROM verifications WHERE commitment = ?1 UNION SELECT record FROM breaches WHERE commitment = ?1",
                       [id]) { row in records.insert(row.int64(0)) }
        for record in records { try recordHistory(record, db: db, into: &seqs) }
    }

    static func recordHistory(_ record: Int64, db: Database, into seqs: inout Set<Int64>) throws {
        seqs.insert(record)
        let queries = [
            "SELECT seq FROM verifications WHERE record = ?1 AND record <> seq",
            "SELECT seq FROM breaches WHERE record = ?1 AND record <> seq",
            "SELECT seq FROM corroborations WHERE record = ?1",
            "SELECT r.seq FROM retractions r WHERE r.record = ?1 OR r.record IN (SELECT seq FROM corroborations WHERE record = ?1)",
            "SELECT seq FROM disputes WHERE record = ?1",
            "SELECT seq FROM adjudications WHERE record = ?1",
        ]
        for sql in queries {
            try db.forEach(sql, [record]) { row in seqs.insert(row.int64(0)) }
        }
    }

    static func entryHistory(_ subject: String, db: Database, asOf n: Int64, into seqs: inout Set<Int64>) throws {
        let seq = try db.scalarInt("SELECT record FROM external_ids WHERE id = ?", subject) ?? TextRules.seq(subject)
        guard let seq, seq >= 1, seq <= n else {
            throw LedgerError.badInput("no commitment, entry or id '\(TextRules.printable(subject))'\(seq.map { $0 > n ? " (the ledger's last entry is \(n))" : "" } ?? "")")
        }
        // The record the entry belongs to, if it belongs to one.
        let owner = try db.scalarInt("SELECT record FROM verifications WHERE seq = ?", seq)
            ?? db.scalarInt("SELECT record FROM breaches WHERE seq = ?", seq)
            ?? db.scalarInt("SELECT record FROM corroborations WHERE seq = ?", seq)
            ?? db.scalarInt("SELECT record FROM disputes WHERE seq = ?", seq)
            ?? db.scalarInt("SELECT record FROM adjudications WHERE seq = ?", seq)
        if let owner {
            try recordHistory(owner, db: db, into: &seqs)
            return
        }
        if let retracted = try db.scalarInt("SELECT record FROM retractions WHERE seq = ?", seq) {
            let owner = try db.scalarInt("SELECT record FROM corroborations WHERE seq = ?", retracted) ?? retracted
            try recordHistory(owner, db: db, into: &seqs)
            return
        }
        if let commitment = try db.scalarText("SELECT id FROM commitments WHERE seq = ?", seq) {
            try commitmentHistory(commitment, db: db, into: &seqs)
            return
        }
        seqs.insert(seq)
    }
}
