import AccordStorage

/// What a write needs to know of a commitment's terms over time: its window
/// and its agreement's date as amendments left them on a given day.
extension Session {
    /// Why a breach observed on `day` cannot be of `facts`' commitment (nil
    /// when it can): a restraint counts only within its window, a quantity or
    /// an action only from its agreement's date, each as in force that day.
    func forceRefusal(_ facts: CommitmentFacts, day: Int64) throws -> String? {
        let terms = try commitmentTerms(facts.id)
        guard !terms.snapshot.inForce(terms.commitment, onDay: day) else { return nil }
        if let withdrawn = terms.snapshot.withdrawal(of: facts.id), withdrawn.date.day <= day {
            return "it was withdrawn from \(withdrawn.date.dayText)"
        }
        let inForce = terms.snapshot.terms(of: terms.commitment, onDay: day)
        switch inForce.kind {
        case .restraint:
            let until = inForce.until.map { " to \($0.dayText)" } ?? " on"
            return "the restraint is in force from \(inForce.from?.dayText ?? "?")\(until)"
        case .quantity, .action:
            let date = terms.snapshot.agreementDate(inForce.agreement, onDay: day)?.dayText ?? "?"
            return "it is in force from its agreement's date, \(date)"
        }
    }

    /// A commitment as recorded, with the amendments (of it and of its
    /// agreement) and the agreement's date that decide its terms on any day;
    /// read once per transaction.
    func commitmentTerms(_ id: String) throws -> (commitment: Commitment, snapshot: Snapshot) {
        if let known = knownTerms[id] { return known }
        var commitment: Commitment?
        let statement = try db.cached("SELECT * FROM commitments WHERE id = ?")
        try statement.bind(id, at: 1)
        let columns = Columns(statement.columnNames, table: "commitments")
        let cursor = statement.cursor()
        if let row = try cursor.next() { commitment = try ReadRow.reading(row, columns) { try $0.commitment() } }
        guard let commitment else { throw LedgerError.unknown(.commitment, id) }
        var snapshot = Snapshot(seq: writer.seq)
        if let date = try db.scalarText("SELECT date FROM agreements WHERE id = ?", commitment.agreement) {
            snapshot.agreementDates[commitment.agreement] = try? Moment(canonical: date)
        }
        try db.forEach("SELECT w.seq, w.date FROM withdrawals w WHERE w.commitment = ? AND w.seq NOT IN (SELECT target FROM voids)",
                       [id]) { row in
            if let date = try? Moment(canonical: row.text(1)) { snapshot.withdrawals[id] = Snapshot.DatedEntry(seq: row.int64(0), date: date) }
        }
        for entity in [StateEntity.commitment(id), .agreement(commitment.agreement)] {
            let amendments = try db.cached("""
                SELECT * FROM amendments WHERE entity = ? AND seq NOT IN (SELECT target FROM voids) ORDER BY seq
                """)
            try amendments.bind(entity.key, at: 1)
            let amendmentColumns = Columns(amendments.columnNames, table: "amendments")
            let rows = amendments.cursor()
            while let row = try rows.next() {
                snapshot.amendments[entity, default: []].append(try ReadRow.reading(row, amendmentColumns) { try $0.amendment(of: entity) })
            }
        }
        let terms = (commitment, snapshot)
        if knownTerms.count < Session.knownCommitmentLimit { knownTerms[id] = terms }
        return terms
    }

    /// Forgets what this transaction remembered of a commitment's terms (it was amended).
    func forgetTerms() { knownTerms.removeAll() }

    /// Forgets what this transaction remembered of commitments (one was voided).
    func forgetCommitments() { knownCommitments.removeAll() }
}

extension Session {
    /// The projections as this transaction has left them so far, read whole
    /// and not checked against a state root (the transaction is still
    /// writing): for checks that need the whole picture, such as triggers.
    func currentState() throws -> VerifiedState {
        try projectorFlushed()
        return try VerifiedState.load(db, expected: nil, headSeq: writer.seq)
    }

    /// Writes pending running totals so that reads within the transaction see them.
    func projectorFlushed() throws {
        try writer.projector.flush()
    }

    /// Why `invocation` answers no trigger of its guarantee (nil when it answers one).
    func invocationRefusal(_ invocation: Invocation) throws -> String? {
        let state = try currentState()
        let snapshot = state.snapshot.inForce(onDay: invocation.date.day)
        guard let guarantee = snapshot.guarantees.first(where: { $0.guarantee.id == invocation.guarantee })?.guarantee else {
            return "it is not in force then"
        }
        let (recorded, covers) = state.snapshot.guaranteeHistory(guarantee.id) ?? (guarantee, Set(guarantee.covers))
        let book = try EvidenceBook.load(db: db, digests: nil, kind: .breach,
                                         owners: try LedgerView.owners(of: covers, kind: .breach, db: db), entry: entry)
        return TriggerCycles.refusal(invokingOn: invocation.date,
                                     breaches: book.countedBreaches(of: covers, atDay: invocation.date.day, state: state),
                                     invocations: (snapshot.invocations[guarantee.id] ?? []).map(\.date),
                                     terms: { state.snapshot.terms(of: recorded, onDay: $0) })
    }
}

extension Session {
    /// Refuses to take breach `record` out of every count when a guarantor's
    /// invocation answers the trigger it opened: the invocation would then
    /// answer nothing. Void that invocation first.
    func refuseStrandingInvocations(without record: Int64, action: String) throws {
        // Every commitment the record was on: a correction may have moved it to one a guarantee covers.
        var commitments: Set<String> = []
        try db.forEach("SELECT commitment FROM breaches WHERE seq = ?1 UNION ALL SELECT commitment FROM breaches WHERE record = ?1 AND record <> seq",
                       [record]) { commitments.insert($0.text(0)) }
        guard !commitments.isEmpty else { return }
        let state = try currentState()
        let snapshot = state.snapshot
        for row in snapshot.guarantees where snapshot.voided[row.seq] == nil {
            // The full snapshot's rows are the guarantees as recorded (ids are never reused).
            let recorded = row.guarantee, covers = snapshot.everCovered(by: recorded)
            guard !covers.isDisjoint(with: commitments) else { continue }
            let invocations = (snapshot.invocations[recorded.id] ?? []).filter { snapshot.voided[$0.seq] == nil }
            guard !invocations.isEmpty else { continue }
            let book = try EvidenceBook.load(db: db, digests: nil, kind: .breach,
                                             owners: try LedgerView.owners(of: covers, kind: .breach, db: db), entry: entry)
            let breaches = book.countedBreaches(of: covers, atDay: .max, state: state)
            func answered(_ breaches: [TriggerCycles.CountedBreach]) -> [Moment] {
                TriggerCycles.fold(breaches: breaches, invocations: invocations.map(\.date), atDay: .max,
                                   terms: { snapshot.terms(of: recorded, onDay: $0) }).compactMap(\.invokedOn)
            }
            let before = answered(breaches), after = answered(breaches.filter { $0.record != record })
            if after.count < before.count, let stranded = before.first(where: { !after.contains($0) }) {
                let seq = invocations.first { $0.date == stranded }?.seq
                throw LedgerError(.conflict(.state), "entry \(record) opened the trigger of guarantee \(recorded.id) that its invocation of "
                                           + "\(stranded.dayText)\(seq.map { " (entry \($0))" } ?? "") answers; if it is \(action), that "
                                           + "invocation answers nothing: void the invocation first")
            }
        }
    }
}
