import AccordStorage
import AccordTrust

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
    ///
    /// Lookups read tables, not indexes (`NOT INDEXED`): reads go on over an
    /// altered index (only writes refuse one), and an index made to leave a
    /// row out would hide its entry, where the table's rows are those the
    /// state root vouches for.
    /// - Parameter subject: a commitment id, or an entry's seq or external id.
    /// - Throws: ``LedgerError`` `.badInput` when the subject is unknown.
    public func history(of subject: String, asOf: AsOf? = nil) throws -> (stamp: LedgerStamp, items: [HistoryItem]) {
        try reading(asOf: asOf) { view in
            let db = view.db
            do {
                let n = view.seq
                var seqs: Set<Int64> = []
                let trimmed = TextRules.trimmed(subject)
                if try db.scalarInt("SELECT seq FROM commitments NOT INDEXED WHERE id = ? AND seq <= ?", trimmed, n) != nil {
                    try view.commitmentHistory(trimmed, into: &seqs)
                } else if let entity = try Ledger.definition(named: trimmed, db: db, asOf: n) {
                    try Ledger.definitionHistory(entity, db: db, into: &seqs)
                } else {
                    try view.entryHistory(trimmed, into: &seqs)
                }
                // Every void of an entry shown is shown beside it.
                var voids: [Int64] = []
                try db.forEach("SELECT seq, target FROM voids NOT INDEXED") { row in
                    if seqs.contains(row.int64(1)) { voids.append(row.int64(0)) }
                }
                seqs.formUnion(voids)
                var items: [HistoryItem] = []
                for seq in seqs.sorted() where seq <= n {
                    // The entry's own bytes carry when, who and the signer (the journal's columns repeat them).
                    guard seq >= 1, let entry = try Ledger.entry(seq, in: db) else {
                        throw LedgerError(.tampered, "the ledger has been altered: entry \(seq) is named by a projection but missing "
                                          + "from the journal", hint: .audit)
                    }
                    var decimals: UInt8 = 0
                    if case .amendment(let amendment) = entry.payload, amendment.subject == .commitment {
                        decimals = UInt8(clamping: try db.scalarInt("SELECT decimals FROM commitments NOT INDEXED WHERE id = ?", amendment.id) ?? 0)
                    }
                    items.append(HistoryItem(seq: seq, recordedAt: entry.recordedAt.iso8601, clock: entry.clock, actor: entry.actor,
                                             signer: entry.signer, kind: entry.kind, summary: entry.payload.summary(decimals: decimals),
                                             reason: entry.payload.reason))
                }
                try view.checkIncluded(items.map(\.seq))
                return (try view.stamp(), items)
            }
        }
    }

    /// The party, agreement or guarantee a name defines, as known at `n`
    /// (a guarantee first, then an agreement, then a party).
    static func definition(named id: String, db: Database, asOf n: Int64) throws -> StateEntity? {
        if try db.scalarInt("SELECT seq FROM guarantees NOT INDEXED WHERE id = ? AND seq <= ?", id, n) != nil { return .guarantee(id) }
        if try db.scalarInt("SELECT seq FROM agreements NOT INDEXED WHERE id = ? AND seq <= ?", id, n) != nil { return .agreement(id) }
        if try db.scalarInt("SELECT seq FROM parties NOT INDEXED WHERE id = ? AND seq <= ?", id, n) != nil { return .party(id) }
        return nil
    }

    /// A definition's entry, its amendments and the voids that belong to it.
    static func definitionHistory(_ entity: StateEntity, db: Database, into seqs: inout Set<Int64>) throws {
        let definition: String? = switch entity {
        case .party: "SELECT seq FROM parties NOT INDEXED WHERE id = ?1"
        case .agreement: "SELECT seq FROM agreements NOT INDEXED WHERE id = ?1"
        case .guarantee: "SELECT seq FROM guarantees NOT INDEXED WHERE id = ?1 UNION ALL SELECT seq FROM invocations NOT INDEXED WHERE guarantee = ?1"
        case .commitment, .ledger, .key, .token: nil
        }
        if let definition {
            let id = entity.id
            try db.forEach(definition, [id]) { row in seqs.insert(row.int64(0)) }
        }
        try db.forEach("SELECT seq FROM amendments NOT INDEXED WHERE entity = ?1 UNION ALL SELECT seq FROM voids NOT INDEXED WHERE entity = ?1",
                       [entity.key]) { row in seqs.insert(row.int64(0)) }
    }

}

extension LedgerView {
    /// A commitment's entries: its definition's (creation, withdrawal,
    /// reciprocal, amendments, voids; those of the guarantees covering it and
    /// their invocations; a voided amendment that would have put it under a
    /// guarantee, and its void), whose rows the state root vouches for, and every
    /// entry about its records, as its evidence chains vouch for them (a
    /// record's row deleted from `verifications` cannot hide its entries).
    func commitmentHistory(_ id: String, into seqs: inout Set<Int64>) throws {
        let queries = [
            "SELECT seq FROM commitments NOT INDEXED WHERE id = ?1",
            "SELECT seq FROM withdrawals NOT INDEXED WHERE commitment = ?1",
            "SELECT seq FROM reciprocals NOT INDEXED WHERE commitment = ?1",
        ]
        for sql in queries {
            try db.forEach(sql, [id]) { row in seqs.insert(row.int64(0)) }
        }
        try Ledger.definitionHistory(.commitment(id), db: db, into: &seqs)
        // The guarantees that covered it at any time (amendments included), as the checked state holds them
        // (SQLite reads a WITHOUT ROWID table through a covering index even when told NOT INDEXED), with
        // their invocations, amendments and voids.
        let snapshot = try state().snapshot
        for row in snapshot.guarantees {
            if snapshot.everCovered(by: row.guarantee).contains(where: { $0.utf8.elementsEqual(id.utf8) }) {
                try Ledger.definitionHistory(.guarantee(row.guarantee.id), db: db, into: &seqs)
                continue
            }
            // An amendment that put it under the guarantee and was voided (its void joins below, as every shown entry's).
            for amendment in snapshot.amendments[.guarantee(row.guarantee.id)] ?? []
            where snapshot.voided[amendment.seq] != nil && amendment.names(id) {
                seqs.insert(amendment.seq)
            }
        }
        // Records first recorded against another commitment and moved to this one by a correction are its too:
        // for breaches, every record is read (see `evidence(_:)`); verifications moved here are found through
        // the rows (reading every verification chain would take an audit's time on a large ledger).
        let verifications = try self.verifications(of: id)
        for book in [verifications, try evidence(.breach)] {
            for history in book.histories.values where history.versions.contains(where: { $0.record.commitment == id }) {
                seqs.formUnion(history.entries)
            }
        }
    }

    /// The entries about `record`, as its commitment's evidence chain vouches for them.
    /// - Throws: ``LedgerError`` `.tampered` when the chain does not hold the record.
    func recordHistory(_ record: Int64, into seqs: inout Set<Int64>) throws {
        seqs.insert(record)
        guard let first = try Ledger.entry(record, in: db) else { return }
        let owner: (commitment: String, kind: Record.Kind)
        switch first.payload {
        case .verification(let value): owner = (value.commitment, .verification)
        case .breach(let value): owner = (value.commitment, .breach)
        default: return
        }
        guard let history = try EvidenceBook.load(self, kind: owner.kind, owners: [owner.commitment]).histories[record] else {
            throw LedgerError(.tampered, "the ledger has been altered: entry \(record) is not among the records of commitment "
                              + "\(owner.commitment) that the journal vouches for", hint: .audit)
        }
        seqs.formUnion(history.entries)
    }

    /// The record an entry is about, read from the entry itself (a retraction
    /// of a corroboration: the corroborated record); nil for an entry about none.
    func record(of seq: Int64) throws -> Int64? {
        guard let entry = try Ledger.entry(seq, in: db) else { return nil }
        switch entry.payload {
        case .verification, .breach: return seq
        case .correction(let value): return value.record
        case .corroboration(let value): return value.record
        case .dispute(let value): return value.record
        case .adjudication(let value): return value.record
        case .retraction(let value):
            if let target = try Ledger.entry(value.record, in: db), case .corroboration(let corroboration) = target.payload {
                return corroboration.record
            }
            return value.record
        default: return nil
        }
    }

    /// The history an entry's seq or external id names: the record it is
    /// about, the commitment it defines, or the definition it amends or voids.
    func entryHistory(_ subject: String, into seqs: inout Set<Int64>) throws {
        let n = seq
        let named = try db.scalarInt("SELECT record FROM external_ids WHERE id = ?", subject)
        let seq = named ?? TextRules.seq(subject)
        guard let seq, seq >= 1, seq <= n else {
            throw LedgerError.notFound(.entry, subject, "no commitment, entry or id '\(TextRules.printable(subject))'\(seq.map { $0 > n ? " (the ledger's last entry is \(n))" : "" } ?? "")")
        }
        // external_ids is a lookup nothing vouches for: the entry it names must carry the id itself.
        if named != nil {
            let carried: String? = switch try Ledger.entry(seq, in: db)?.payload {
            case .verification(let value)?: value.externalID
            case .breach(let value)?: value.externalID
            case .corroboration(let value)?: value.externalID
            default: nil
            }
            guard let carried, Array(carried.utf8) == Array(subject.utf8) else {
                throw LedgerError(.tampered, "the ledger has been altered: external_ids names entry \(seq) for the id "
                                  + "'\(TextRules.printable(subject))', which that entry does not carry", hint: .audit)
            }
        }
        if let record = try record(of: seq) {
            try recordHistory(record, into: &seqs)
            seqs.insert(seq)
            return
        }
        if let commitment = try db.scalarText("SELECT id FROM commitments NOT INDEXED WHERE seq = ?", seq) {
            try commitmentHistory(commitment, into: &seqs)
            return
        }
        // An amendment or a void: the history of what it belongs to.
        if let key = try db.scalarText("SELECT entity FROM amendments NOT INDEXED WHERE seq = ?1 UNION ALL SELECT entity FROM voids NOT INDEXED WHERE seq = ?1", seq),
           let entity = StateEntity(key: key) {
            if case .commitment(let id) = entity {
                try commitmentHistory(id, into: &seqs)
            } else {
                try Ledger.definitionHistory(entity, db: db, into: &seqs)
            }
            seqs.insert(seq)
            return
        }
        seqs.insert(seq)
    }

    /// Checks that each of `seqs`' entries, as stored, is the entry at that
    /// place in the tree whose root this view prints (an inclusion proof over
    /// hashes computed from the entries, checked against the root): the
    /// stamp re-hashes only the last block of 1,024, so an entry edited
    /// earlier in the journal would otherwise be shown. A view rebuilt up to
    /// an earlier entry was replayed from entries checked against the head.
    /// - Throws: ``LedgerError`` `.tampered` naming the first entry that is not.
    func checkIncluded(_ seqs: [Int64]) throws {
        guard isHead, !seqs.isEmpty else { return }
        let root = try verifiedRoot()
        let source = MemoizingHashSource(db: db, size: seq)
        for entry in seqs.sorted() {
            guard entry >= 1, entry <= seq else {
                throw LedgerError(.tampered, "the ledger has been altered: entry \(entry) is named but the journal has entries "
                                  + "1 to \(seq)", hint: .audit)
            }
            let index = UInt64(entry - 1)
            let leaf = try source.leafHashes(index..<(index + 1))[0]
            let path = try source.inclusionProof(index: index)
            guard (try? Merkle.verifyInclusion(leafHash: leaf, index: index, size: UInt64(seq), proof: path, root: root)) != nil else {
                throw LedgerError(.tampered, "the ledger has been altered: journal entry \(entry) is not that of the tree of its "
                                  + "\(seq) entries", hint: .audit)
            }
        }
    }
}
