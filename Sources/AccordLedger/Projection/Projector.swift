import AccordStorage
import AccordTrust

/// Writes the projection rows for each journal entry, in the entry's own
/// transaction. The same code re-derives the projections during an audit.
///
/// Every entity an entry changes is announced to the ``StateTracker`` first
/// (which checks it against the state root before it changes), and every
/// entry about a record is appended to its commitment's evidence chain.
final class Projector {
    let db: Database
    let tracker: StateTracker
    private(set) var totals = TotalsAccumulator()
    /// Flush the running totals once this many keys are pending (bounds memory in imports).
    var flushThreshold = 100_000
    private let versions: VersionRows
    private var externalIDInsert: Statement?

    init(db: Database, tracker: StateTracker) {
        self.db = db
        self.tracker = tracker
        versions = VersionRows(db: db)
        // A journal rebuilt was checked entry by entry when written; what it comes to is the audit's to judge.
        totals.enforcesLargestTotal = !tracker.rebuilding
    }

    /// Refuses `units` more of `commitment`'s quantities past the largest total
    /// (``TotalsAccumulator/checkRoom(for:adding:db:)``), before the entry is written.
    func checkRoom(for commitment: String, adding units: Int64) throws {
        try totals.checkRoom(for: commitment, adding: units, db: db)
    }

    /// Refuses totals that passed the largest with the entries projected so
    /// far (``TotalsAccumulator/checkLargestTotals(_:)``).
    func checkLargestTotals() throws {
        try totals.checkLargestTotals(db)
    }

    /// Writes pending totals.
    func flush() throws {
        try totals.flush(to: db)
    }

    /// Starts remembering changes to the pending totals (see ``TotalsAccumulator/beginUndo()``).
    func beginUndo() { totals.beginUndo() }

    /// Keeps the changes to the pending totals.
    func commitUndo() { totals.commitUndo() }

    /// Takes back the changes to the pending totals.
    func rollBackUndo() { totals.rollBackUndo() }

    /// Projects `entry`, whose content hash (its leaf hash without a state root) is `content`.
    func apply(_ entry: Entry, content: Hash32) throws {
        let seq = entry.seq
        switch entry.payload {
        case .verification(let verification):
            // The hot path of a bulk import.
            try tracker.chain(verification.commitment, kind: .verification, seq: seq, content: content)
            try insertExternalID(verification.externalID, record: seq)
            try versions.insert(.verification(verification), seq: seq, record: seq)
            totals.addRecord(commitment: verification.commitment, day: verification.observed.day,
                             rank: verification.source.confidence.rank, measure: verification.measure,
                             source: TextRules.sourceKey(verification.source.name))
        case .breach(let breach):
            try tracker.chain(breach.commitment, kind: .breach, seq: seq, content: content)
            try insertExternalID(breach.externalID, record: seq)
            try versions.insert(.breach(breach), seq: seq, record: seq)
            // A breach by anyone but the commitment's obligor is outside it: recorded, never counted.
            if try obligor(of: breach.commitment) == breach.party {
                totals.addRecord(commitment: breach.commitment, day: breach.observed.day, rank: breach.source.confidence.rank,
                                 measure: nil, source: TextRules.sourceKey(breach.source.name))
            }
        default:
            try applyOther(entry, content: content)
        }
        if totals.count >= flushThreshold { try flush() }
    }

    private func applyOther(_ entry: Entry, content: Hash32) throws {
        let seq = entry.seq
        switch entry.payload {
        case .ledgerCreate(let value):
            try tracker.willChange(.ledger)
            try db.runChecked("INSERT INTO ledger (id, created_at, seq) VALUES (?, ?, ?)",
                              [value.ledgerID, entry.recordedAt.iso8601, seq], what: "the ledger's identity")
        case .partyAdd(let party):
            try tracker.willChange(.party(party.id))
            try db.runChecked("INSERT INTO parties (id, name, kind, seq) VALUES (?, ?, ?, ?)",
                              [party.id, party.name, DatabaseValue(party.kind?.rawValue), seq], what: "party \(party.id)")
        case .agreementAdd(let agreement):
            try tracker.willChange(.agreement(agreement.id))
            try db.runChecked("INSERT INTO agreements (id, title, date, venue, seq) VALUES (?, ?, ?, ?, ?)",
                              [agreement.id, agreement.title, DatabaseValue(agreement.date?.text), DatabaseValue(agreement.venue), seq],
                              what: "agreement \(agreement.id)")
        case .commitmentAdd(let commitment):
            try addCommitment(commitment, seq: seq)
        case .commitmentWithdraw(let withdrawal):
            try tracker.willChange(.commitment(withdrawal.commitment))
            try db.runChecked("INSERT INTO withdrawals (commitment, date, day, reason, seq) VALUES (?, ?, ?, ?, ?)",
                              [withdrawal.commitment, withdrawal.date.text, withdrawal.date.day, withdrawal.reason, seq],
                              what: "the withdrawal of \(withdrawal.commitment)")
        case .guaranteeAdd(let guarantee):
            try tracker.willChange(.guarantee(guarantee.id))
            try db.runChecked("INSERT INTO guarantees (id, guarantor, consequence, respond_within_days, seq) VALUES (?, ?, ?, ?, ?)",
                              [guarantee.id, guarantee.guarantor, guarantee.consequence, guarantee.respondWithinDays, seq],
                              what: "guarantee \(guarantee.id)")
            for commitment in guarantee.covers {
                try db.runChecked("INSERT INTO guarantee_covers (guarantee, commitment) VALUES (?, ?)", [guarantee.id, commitment],
                                  what: "the cover of guarantee \(guarantee.id)")
            }
        case .guaranteeInvoke(let invocation):
            try tracker.willChange(.guarantee(invocation.guarantee))
            try db.runChecked("INSERT INTO invocations (seq, guarantee, date, day, note) VALUES (?, ?, ?, ?, ?)",
                              [seq, invocation.guarantee, invocation.date.text, invocation.date.day, DatabaseValue(invocation.note)],
                              what: "the invocation of \(invocation.guarantee)")
        case .verification, .breach:
            break  // in apply(_:content:)
        case .corroboration(let corroboration):
            try changing(record: corroboration.record, seq: seq, content: content) { _ in
                try insertExternalID(corroboration.externalID, record: seq)
                try db.runChecked("""
                    INSERT INTO corroborations (seq, record, external_id, source, source_kind, confidence,
                        evidence_sha256, evidence_uri, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, EvidenceRows.corroboration(corroboration, seq: seq), what: "corroboration \(seq)")
            }
        case .correction(let correction):
            try changing(record: correction.record, seq: seq, content: content,
                         alsoTouching: correction.replacement.commitment) { state in
                try db.runChecked("UPDATE \(state.table) SET superseded_seq = ? WHERE seq = ?", [seq, state.currentSeq],
                                  what: "the superseded version of \(correction.record)")
                try versions.insert(correction.replacement, seq: seq, record: correction.record)
                try db.runChecked("INSERT INTO corrections (seq, record, reason) VALUES (?, ?, ?)",
                                  EvidenceRows.correction(correction, seq: seq), what: "correction \(seq)")
            }
        case .retraction(let retraction):
            if let target = try db.scalarInt("SELECT record FROM corroborations WHERE seq = ?", retraction.record) {
                try changing(record: target, seq: seq, content: content) { _ in
                    try db.runChecked("UPDATE corroborations SET retracted_seq = ? WHERE seq = ?", [seq, retraction.record],
                                      what: "the retraction of corroboration \(retraction.record)")
                }
            } else {
                try changing(record: retraction.record, seq: seq, content: content) { state in
                    try db.runChecked("UPDATE \(state.table) SET retracted_seq = ? WHERE seq = ?", [seq, state.currentSeq],
                                      what: "the retraction of \(retraction.record)")
                }
            }
            try db.runChecked("INSERT INTO retractions (seq, record, reason) VALUES (?, ?, ?)",
                              EvidenceRows.retraction(retraction, seq: seq), what: "retraction \(seq)")
        case .dispute(let dispute):
            try changing(record: dispute.record, seq: seq, content: content) { _ in
                try db.runChecked("INSERT INTO disputes (seq, record, disputed_by, reason, source) VALUES (?, ?, ?, ?, ?)",
                                  EvidenceRows.dispute(dispute, seq: seq), what: "dispute \(seq)")
            }
        case .adjudication(let adjudication):
            try changing(record: adjudication.record, seq: seq, content: content) { _ in
                try db.runChecked("INSERT INTO adjudications (seq, record, ruling, reason) VALUES (?, ?, ?, ?)",
                                  EvidenceRows.adjudication(adjudication, seq: seq), what: "adjudication \(seq)")
                try db.run("UPDATE disputes SET adjudication_seq = ? WHERE record = ? AND adjudication_seq IS NULL",
                           seq, adjudication.record)
            }
        case .keyRegister(let key):
            try tracker.willChange(.key(key.name))
            try db.runChecked("""
                INSERT INTO keys (name, public_key, key_id, registered_seq, role, actors) VALUES (?, ?, ?, ?, ?, ?)
                """, [key.name, key.publicKey, Keys.keyIDHex(name: key.name, publicKey: key.publicKey), seq, key.role.rawValue,
                      key.actors.joined(separator: " ")], what: "key \(key.name)")
        case .keyRevoke(let revocation):
            try tracker.willChange(.key(revocation.name))
            try db.runChecked("UPDATE keys SET revoked_seq = ?, revoke_reason = ? WHERE name = ?",
                              [seq, DatabaseValue(revocation.reason), revocation.name], what: "the revocation of key \(revocation.name)")
        case .ledgerUpgrade:
            try tracker.willChange(.ledger)
        case .tokenIssue(let token):
            try tracker.willChange(.token(token.name))
            try db.runChecked("""
                INSERT INTO tokens (name, role, token_sha256, expires, expires_day, key_name, issued_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [token.name, token.role.rawValue, token.tokenSHA256, DatabaseValue(token.expires?.text),
                      token.expires?.day, DatabaseValue(token.key), seq], what: "token \(token.name)")
        case .tokenRevoke(let revocation):
            try tracker.willChange(.token(revocation.name))
            try db.runChecked("UPDATE tokens SET revoked_seq = ?, revoke_reason = ? WHERE name = ?",
                              [seq, DatabaseValue(revocation.reason), revocation.name], what: "the revocation of token \(revocation.name)")
        case .amendment(let amendment):
            try addAmendment(amendment, seq: seq)
        case .void(let voiding):
            try void(voiding, seq: seq, content: content)
        }
    }

    private func addAmendment(_ amendment: Amendment, seq: Int64) throws {
        let entity = amendment.entity
        try tracker.willChange(entity)
        var values: [DatabaseValue] = [.integer(seq), .text(entity.key), .text(amendment.effective.text),
                                       .integer(amendment.effective.day), .text(amendment.reason)]
        func moment(_ value: Moment?) -> [DatabaseValue] {
            [DatabaseValue(value?.text), value.map { .integer($0.day) } ?? .null]
        }
        var target: Int64?, due: Moment?, from: Moment?, until: Moment?, text: String?, name: String?, title: String?
        var date: Moment?, venue: String?, covers: [String]?, days: Int64?, consequence: String?
        switch amendment.terms {
        case .commitment(let t, let d, let f, let u, let x): (target, due, from, until, text) = (t, d, f, u, x)
        case .party(let n): name = n
        case .agreement(let t, let d, let v): (title, date, venue) = (t, d, v)
        case .guarantee(let c, let r, let x): (covers, days, consequence) = (c, r, x)
        }
        values += [target.map { .integer($0) } ?? .null] + moment(due) + moment(from) + moment(until)
        values += [DatabaseValue(text), DatabaseValue(name), DatabaseValue(title), DatabaseValue(date?.text), DatabaseValue(venue),
                   DatabaseValue(covers?.joined(separator: " ")), days.map { .integer($0) } ?? .null, DatabaseValue(consequence)]
        try db.runChecked("""
            INSERT INTO amendments (seq, entity, effective, effective_day, reason, target, due, due_day, window_from, from_day,
                window_until, until_day, text, name, title, date, venue, covers, respond_within_days, consequence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values, what: "amendment \(seq)")
    }

    /// Marks an entry as entered in error. A voided record stops counting
    /// (like a retracted one); a voided definition, withdrawal, invocation or
    /// amendment is left out of what reports and lists read.
    private func void(_ voiding: Voiding, seq: Int64, content: Hash32) throws {
        func insert(_ entity: StateEntity) throws {
            try db.runChecked("INSERT INTO voids (seq, target, entity, reason) VALUES (?, ?, ?, ?)",
                              [seq, voiding.entry, entity.key, voiding.reason], what: "void \(seq)")
        }
        // What the target was is read from the projections it made, not from
        // the journal: the audit re-derives them where no journal table is.
        let target = voiding.entry
        if try db.scalarInt("SELECT 1 FROM verifications WHERE seq = ?1 AND record = ?1 UNION ALL SELECT 1 FROM breaches WHERE seq = ?1 AND record = ?1",
                            target) != nil {
            try changing(record: target, seq: seq, content: content) { state in try insert(.commitment(state.owner)) }
        } else if let record = try db.scalarInt("SELECT record FROM corroborations WHERE seq = ?", target) {
            try changing(record: record, seq: seq, content: content) { state in try insert(.commitment(state.owner)) }
        } else if let entity = try definedEntity(bySeq: target) {
            try tracker.willChange(entity)
            try insert(entity)
        } else {
            throw LedgerError(.tampered, "entry \(seq) voids entry \(target), which is not a definition, withdrawal, invocation, amendment or record")
        }
    }

    /// The definition an entry made or changed (its creation, a withdrawal,
    /// an invocation or an amendment), found in the projections.
    private func definedEntity(bySeq seq: Int64) throws -> StateEntity? {
        let lookups: [(String, (String) -> StateEntity?)] = [
            ("SELECT id FROM parties WHERE seq = ?", { .party($0) }),
            ("SELECT id FROM agreements WHERE seq = ?", { .agreement($0) }),
            ("SELECT id FROM commitments WHERE seq = ?", { .commitment($0) }),
            ("SELECT commitment FROM withdrawals WHERE seq = ?", { .commitment($0) }),
            ("SELECT id FROM guarantees WHERE seq = ?", { .guarantee($0) }),
            ("SELECT guarantee FROM invocations WHERE seq = ?", { .guarantee($0) }),
            ("SELECT entity FROM amendments WHERE seq = ?", { StateEntity(key: $0) }),
        ]
        for (sql, entity) in lookups {
            if let id = try db.scalarText(sql, seq) { return entity(id) }
        }
        return nil
    }

    private func addCommitment(_ commitment: Commitment, seq: Int64) throws {
        try tracker.willChange(.commitment(commitment.id))
        try db.runChecked("""
            INSERT INTO commitments (id, agreement, party, kind, target, decimals, unit, due, due_day, window_from, from_day,
                window_until, until_day, text, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [commitment.id, commitment.agreement, commitment.party, commitment.kind.rawValue, commitment.target,
                  Int64(commitment.decimals), DatabaseValue(commitment.unit), DatabaseValue(commitment.due?.text),
                  commitment.due?.day, DatabaseValue(commitment.from?.text), commitment.from?.day,
                  DatabaseValue(commitment.until?.text), commitment.until?.day, DatabaseValue(commitment.text), seq],
            what: "commitment \(commitment.id)")
        if let counterpart = commitment.reciprocal {
            try tracker.willChange(.commitment(counterpart))
            try db.runChecked("INSERT INTO reciprocals (commitment, counterpart, seq) VALUES (?, ?, ?)",
                              [commitment.id, counterpart, seq], what: "the reciprocal of \(commitment.id)")
            try db.runChecked("INSERT INTO reciprocals (commitment, counterpart, seq) VALUES (?, ?, ?)",
                              [counterpart, commitment.id, seq], what: "the reciprocal of \(counterpart)")
        }
        for dependency in commitment.dependsOn {
            try db.runChecked("INSERT INTO dependencies (commitment, depends_on, seq) VALUES (?, ?, ?)",
                              [commitment.id, dependency, seq], what: "a dependency of \(commitment.id)")
        }
    }

    /// Commitments' obligors, looked up once per transaction (obligors are never amended).
    private var obligors: [String: String] = [:]

    private func obligor(of commitment: String) throws -> String? {
        if let known = obligors[commitment] { return known }
        let party = try db.scalarText("SELECT party FROM commitments WHERE id = ?", commitment)
        if let party { obligors[commitment] = party }
        return party
    }

    private func insertExternalID(_ id: String?, record: Int64) throws {
        guard let id else { return }
        if externalIDInsert == nil { externalIDInsert = try db.cached("INSERT INTO external_ids (id, record) VALUES (?, ?)") }
        guard let statement = externalIDInsert else { return }
        try statement.bind(id, at: 1)
        try statement.bind(record, at: 2)
        try Database.confirm(try statement.run(), what: "external id \(id)")
    }

    /// Runs `change` on a record's rows, moving its contribution in the totals
    /// from what it was before to what it is after, keeping its disputed
    /// contribution, and appending the entry to the evidence chain of the
    /// commitment that owns the record (that of its first version).
    /// A missing record is an inconsistency (the entry names a record that the
    /// projections do not hold), reported as such.
    private func changing(record: Int64, seq: Int64, content: Hash32, alsoTouching other: String? = nil,
                          _ change: (RecordState) throws -> Void) throws {
        guard let state = try RecordState.load(record: record, db: db) else {
            throw LedgerError(.tampered, "entry refers to record \(record), which is not a verification or breach")
        }
        try tracker.chain(state.owner, kind: state.kind, seq: seq, content: content)
        try tracker.willChange(.commitment(state.commitment))
        if let other { try tracker.willChange(.commitment(other)) }
        let before = state.contribution
        try change(state)
        guard let after = try RecordState.load(record: record, db: db) else {
            throw LedgerError(.tampered, "record \(record) vanished from the projections while entry \(seq) was applied")
        }
        try recordDisputed(after)
        guard before != after.contribution else { return }
        if let before { totals.remove(before) }
        if let contribution = after.contribution { totals.add(contribution) }
    }

    /// Keeps `disputed_contributions`: what a record under a pending dispute
    /// would add to its commitment, so reports can mark the commitment disputed.
    private func recordDisputed(_ state: RecordState) throws {
        try db.run("DELETE FROM disputed_contributions WHERE record = ?", state.record)
        guard let contribution = state.disputedContribution else { return }
        try db.runChecked("INSERT INTO disputed_contributions (record, commitment, day, rank, breach) VALUES (?, ?, ?, ?, ?)",
                          [state.record, contribution.commitment, contribution.day, Int64(contribution.rank),
                           Int64(state.kind == .breach ? 1 : 0)],
                          what: "the disputed contribution of \(state.record)")
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
