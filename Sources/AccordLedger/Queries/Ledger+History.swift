import AccordStorage

/// One entry in a history timeline.
public struct HistoryItem: Sendable {
    /// The entry's seq.
    public var seq: Int64
    /// When it was recorded (UTC, ISO 8601).
    public var recordedAt: String
    /// Whose clock stamped ``recordedAt``: `overridden` when the operator set
    /// the time (a clock override) instead of the machine's clock.
    public var clock: RecordingClock
    /// Who recorded it.
    public var actor: String
    /// The key that signed it; nil when unsigned.
    public var signer: String?
    /// The entry's kind.
    public var kind: EntryKind
    /// What it did, in one line.
    public var summary: String
    /// The reason it gives (corrections, retractions, amendments …); nil for none.
    public var reason: String?

    /// The column names of ``cells``, in order.
    public static let columns = ["seq", "recorded_at", "clock", "actor", "kind", "summary", "reason", "signer"]

    /// The item as cells, one per ``columns`` name.
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
                } else if let entity = try Ledger.definition(named: trimmed, db: db, asOf: n) {
                    try Ledger.definitionHistory(entity, db: db, into: &seqs)
                } else {
                    try Ledger.entryHistory(trimmed, db: db, asOf: n, into: &seqs)
                }
                // Every void of an entry shown is shown beside it.
                var voids: [Int64] = []
                try db.forEach("SELECT seq, target FROM voids") { row in
                    if seqs.contains(row.int64(1)) { voids.append(row.int64(0)) }
                }
                seqs.formUnion(voids)
                var items: [HistoryItem] = []
                for seq in seqs.sorted() where seq <= n {
                    // The entry's own bytes carry when, who and the signer (the journal's columns repeat them).
                    guard let entry = try Ledger.entry(seq, in: db) else { continue }
                    var decimals: UInt8 = 0
                    if case .amendment(let amendment) = entry.payload, amendment.subject == .commitment {
                        decimals = UInt8(clamping: try db.scalarInt("SELECT decimals FROM commitments WHERE id = ?", amendment.id) ?? 0)
                    }
                    items.append(HistoryItem(seq: seq, recordedAt: entry.recordedAt.iso8601, clock: entry.clock, actor: entry.actor,
                                             signer: entry.signer, kind: entry.kind, summary: entry.payload.summary(decimals: decimals),
                                             reason: entry.payload.reason))
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
        try definitionHistory(.commitment(id), db: db, into: &seqs)
        try db.forEach("SELECT guarantee FROM guarantee_covers WHERE commitment = ?1", [id]) { row in
            try definitionHistory(.guarantee(row.text(0)), db: db, into: &seqs)
        }
        var records: Set<Int64> = []
        try db.forEach("SELECT record FROM verifications WHERE commitment = ?1 UNION SELECT record FROM breaches WHERE commitment = ?1",
                       [id]) { row in records.insert(row.int64(0)) }
        for record in records { try recordHistory(record, db: db, into: &seqs) }
    }

    /// The party, agreement or guarantee a name defines, as known at `n`
    /// (a guarantee first, then an agreement, then a party).
    static func definition(named id: String, db: Database, asOf n: Int64) throws -> StateEntity? {
        if try db.scalarInt("SELECT seq FROM guarantees WHERE id = ? AND seq <= ?", id, n) != nil { return .guarantee(id) }
        if try db.scalarInt("SELECT seq FROM agreements WHERE id = ? AND seq <= ?", id, n) != nil { return .agreement(id) }
        if try db.scalarInt("SELECT seq FROM parties WHERE id = ? AND seq <= ?", id, n) != nil { return .party(id) }
        return nil
    }

    /// A definition's entry, its amendments and the voids that belong to it.
    static func definitionHistory(_ entity: StateEntity, db: Database, into seqs: inout Set<Int64>) throws {
        let definition: String? = switch entity {
        case .party: "SELECT seq FROM parties WHERE id = ?1"
        case .agreement: "SELECT seq FROM agreements WHERE id = ?1"
        case .guarantee: "SELECT seq FROM guarantees WHERE id = ?1 UNION ALL SELECT seq FROM invocations WHERE guarantee = ?1"
        case .commitment, .ledger, .key, .token: nil
        }
        if let definition {
            let id = entity.id
            try db.forEach(definition, [id]) { row in seqs.insert(row.int64(0)) }
        }
        try db.forEach("SELECT seq FROM amendments WHERE entity = ?1 UNION ALL SELECT seq FROM voids WHERE entity = ?1",
                       [entity.key]) { row in seqs.insert(row.int64(0)) }
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
            throw LedgerError.notFound(.entry, subject, "no commitment, entry or id '\(TextRules.printable(subject))'\(seq.map { $0 > n ? " (the ledger's last entry is \(n))" : "" } ?? "")")
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
        // An amendment or a void: the history of what it belongs to.
        if let key = try db.scalarText("SELECT entity FROM amendments WHERE seq = ?1 UNION ALL SELECT entity FROM voids WHERE seq = ?1", seq),
           let entity = StateEntity(key: key) {
            if case .commitment(let id) = entity {
                try commitmentHistory(id, db: db, into: &seqs)
            } else {
                try definitionHistory(entity, db: db, into: &seqs)
            }
            seqs.insert(seq)
            return
        }
        seqs.insert(seq)
    }
}
