import AccordStorage

/// Writes the projection rows for each journal entry, in the entry's own
/// transaction. The same code re-derives the projections during an audit.
final class Projector {
    let db: Database
    private(set) var totals = TotalsAccumulator()
    /// Flush the running totals once this many keys are pending (bounds memory in imports).
    var flushThreshold = 100_000
    private let versions: VersionRows
    private var externalIDInsert: Statement?

    init(db: Database) {
        self.db = db
        versions = VersionRows(db: db)
    }

    /// Writes pending totals.
    func flush() throws {
        try totals.flush(to: db)
    }

    func apply(_ entry: Entry) throws {
        let seq = entry.seq
        switch entry.payload {
        case .verification(let verification):
            // The hot path of a bulk import.
            try insertExternalID(verification.externalID, record: seq)
            try versions.insert(.verification(verification), seq: seq, record: seq)
            totals.addRecord(commitment: verification.commitment, day: verification.observed.day,
                             rank: verification.source.confidence.rank, measure: verification.measure,
                             source: verification.source.name)
        case .breach(let breach):
            try insertExternalID(breach.externalID, record: seq)
            try versions.insert(.breach(breach), seq: seq, record: seq)
            totals.addRecord(commitment: breach.commitment, day: breach.observed.day, rank: breach.source.confidence.rank,
                             measure: nil, source: breach.source.name)
        default:
            try applyOther(entry)
        }
        if totals.count >= flushThreshold { try flush() }
    }

    private func applyOther(_ entry: Entry) throws {
        let seq = entry.seq
        switch entry.payload {
        case .ledgerCreate(let value):
            try db.run("INSERT INTO ledger (id, created_at, seq) VALUES (?, ?, ?)",
                       value.ledgerID, entry.recordedAt.iso8601, seq)
        case .partyAdd(let party):
            try db.run("INSERT INTO parties (id, name, kind, seq) VALUES (?, ?, ?, ?)",
                       party.id, party.name, party.kind?.rawValue, seq)
        case .agreementAdd(let agreement):
            try db.run("INSERT INTO agreements (id, title, date, venue, seq) VALUES (?, ?, ?, ?, ?)",
                       agreement.id, agreement.title, agreement.date?.text, agreement.venue, seq)
        case .commitmentAdd(let commitment):
            try addCommitment(commitment, seq: seq)
        case .commitmentWithdraw(let withdrawal):
            try db.run("INSERT INTO withdrawals (commitment, date, day, reason, seq) VALUES (?, ?, ?, ?, ?)",
                       withdrawal.commitment, withdrawal.date.text, withdrawal.date.day, withdrawal.reason, seq)
        case .guaranteeAdd(let guarantee):
            try db.run("INSERT INTO guarantees (id, guarantor, consequence, respond_within_days, seq) VALUES (?, ?, ?, ?, ?)",
                       guarantee.id, guarantee.guarantor, guarantee.consequence, guarantee.respondWithinDays, seq)
            for commitment in guarantee.covers {
                try db.run("INSERT INTO guarantee_covers (guarantee, commitment) VALUES (?, ?)", guarantee.id, commitment)
            }
        case .guaranteeInvoke(let invocation):
            try db.run("INSERT INTO invocations (seq, guarantee, date, day, note) VALUES (?, ?, ?, ?, ?)",
                       seq, invocation.guarantee, invocation.date.text, invocation.date.day, invocation.note)
        case .verification, .breach:
            break  // in apply(_:)
        case .corroboration(let corroboration):
            try changing(record: corroboration.record) { _ in
                try insertExternalID(corroboration.externalID, record: seq)
                try db.run("""
                    INSERT INTO corroborations (seq, record, external_id, source, source_kind, confidence,
                        evidence_sha256, evidence_uri, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, seq, corroboration.record, corroboration.externalID, corroboration.source.name,
                    corroboration.source.kind.rawValue, corroboration.source.confidence.rawValue,
                    corroboration.evidence.sha256Hex, corroboration.evidence.uri, corroboration.note)
            }
        case .correction(let correction):
            try changing(record: correction.record) { state in
                try db.run("UPDATE \(state.table) SET superseded_seq = ? WHERE seq = ?", seq, state.currentSeq)
                try versions.insert(correction.replacement, seq: seq, record: correction.record)
                try db.run("INSERT INTO corrections (seq, record, reason) VALUES (?, ?, ?)", seq, correction.record, correction.reason)
            }
        case .retraction(let retraction):
            if let target = try db.scalarInt("SELECT record FROM corroborations WHERE seq = ?", retraction.record) {
                try changing(record: target) { _ in
                    try db.run("UPDATE corroborations SET retracted_seq = ? WHERE seq = ?", seq, retraction.record)
                }
            } else {
                try changing(record: retraction.record) { state in
                    try db.run("UPDATE \(state.table) SET retracted_seq = ? WHERE seq = ?", seq, state.currentSeq)
                }
            }
            try db.run("INSERT INTO retractions (seq, record, reason) VALUES (?, ?, ?)", seq, retraction.record, retraction.reason)
        case .dispute(let dispute):
            try changing(record: dispute.record) { _ in
                try db.run("INSERT INTO disputes (seq, record, disputed_by, reason, source) VALUES (?, ?, ?, ?, ?)",
                           seq, dispute.record, dispute.by, dispute.reason, dispute.source)
            }
        case .adjudication(let adjudication):
            try changing(record: adjudication.record) { _ in
                try db.run("INSERT INTO adjudications (seq, record, ruling, reason) VALUES (?, ?, ?, ?)",
                           seq, adjudication.record, adjudication.ruling.rawValue, adjudication.reason)
                try db.run("UPDATE disputes SET adjudication_seq = ? WHERE record = ? AND adjudication_seq IS NULL",
                           seq, adjudication.record)
            }
        case .keyRegister(let key):
            try db.run("INSERT INTO keys (name, public_key, key_id, registered_seq) VALUES (?, ?, ?, ?)",
                       key.name, key.publicKey, Keys.keyIDHex(name: key.name, publicKey: key.publicKey), seq)
        case .keyRevoke(let revocation):
            try db.run("UPDATE keys SET revoked_seq = ?, revoke_reason = ? WHERE name = ?", seq, revocation.reason, revocation.name)
        }
    }

    private func addCommitment(_ commitment: Commitment, seq: Int64) throws {
        try db.run("""
            INSERT INTO commitments (id, agreement, party, kind, target, unit, due, due_day, window_from, from_day,
                window_until, until_day, text, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, commitment.id, commitment.agreement, commitment.party, commitment.kind.rawValue, commitment.target,
            commitment.unit, commitment.due?.text, commitment.due?.day, commitment.from?.text, commitment.from?.day,
            commitment.until?.text, commitment.until?.day, commitment.text, seq)
        if let counterpart = commitment.reciprocal {
            try db.run("INSERT INTO reciprocals (commitment, counterpart, seq) VALUES (?, ?, ?)", commitment.id, counterpart, seq)
            try db.run("INSERT INTO reciprocals (commitment, counterpart, seq) VALUES (?, ?, ?)", counterpart, commitment.id, seq)
        }
        for dependency in commitment.dependsOn {
            try db.run("INSERT INTO dependencies (commitment, depends_on, seq) VALUES (?, ?, ?)", commitment.id, dependency, seq)
        }
    }

    private func insertExternalID(_ id: String?, record: Int64) throws {
        guard let id else { return }
        if externalIDInsert == nil { externalIDInsert = try db.cached("INSERT INTO external_ids (id, record) VALUES (?, ?)") }
        guard let statement = externalIDInsert else { return }
        try statement.bind(id, at: 1)
        try statement.bind(record, at: 2)
        try statement.run()
    }

    /// Runs `change` on a record's rows, moving its contribution in the totals
    /// from what it was before to what it is after.
    /// A missing record is an inconsistency (the entry names a record that the
    /// projections do not hold), reported as such.
    private func changing(record: Int64, _ change: (RecordState) throws -> Void) throws {
        guard let state = try RecordState.load(record: record, db: db) else {
            throw LedgerError(.tampered, "entry refers to record \(record), which is not a verification or breach")
        }
        let before = state.contribution
        try change(state)
        let after = try RecordState.load(record: record, db: db)?.contribution
        guard before != after else { return }
        if let before { totals.remove(before) }
        if let after { totals.add(after) }
    }
}

extension Record {
    /// The projection table holding versions of this kind of record.
    var table: String {
        switch self {
        case .verification: "verifications"
        case .breach: "breaches"
        }
    }
}
