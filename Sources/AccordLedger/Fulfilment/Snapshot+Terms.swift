/// Terms in force: a definition as its amendments left it on a given day.
extension Snapshot {
    /// The amendments of `entity` in force on `day` (effective on or before
    /// it, not voided), in the order they apply: by effective date, then as recorded.
    func amendments(of entity: StateEntity, onDay day: Int64) -> [AmendmentRow] {
        // Most ledgers amend nothing: no key to hash then.
        guard !amendments.isEmpty else { return [] }
        return (amendments[entity] ?? []).filter { $0.effective.day <= day && voided[$0.seq] == nil }
            .sorted { ($0.effective.day, $0.seq) < ($1.effective.day, $1.seq) }
    }

    /// A commitment's withdrawal, unless it was voided.
    func withdrawal(of id: String) -> DatedEntry? {
        withdrawals[id].flatMap { voided[$0.seq] == nil ? $0 : nil }
    }

    /// A commitment's terms in force on `day`.
    func terms(of commitment: Commitment, onDay day: Int64) -> Commitment {
        var terms = commitment
        for row in amendments(of: .commitment(commitment.id), onDay: day) {
            guard case .commitment(let target, let due, let from, let until, let text) = row.terms else { continue }
            if let target { terms.target = target }
            if let due { terms.due = due }
            if let from { terms.from = from }
            if let until { terms.until = until }
            if let text { terms.text = text }
        }
        return terms
    }

    /// A guarantee's terms in force on `day`.
    func terms(of guarantee: Guarantee, onDay day: Int64) -> Guarantee {
        var terms = guarantee
        for row in amendments(of: .guarantee(guarantee.id), onDay: day) {
            guard case .guarantee(let covers, let days, let consequence) = row.terms else { continue }
            if let covers { terms.covers = covers }
            if let days { terms.respondWithinDays = days }
            if let consequence { terms.consequence = consequence }
        }
        return terms
    }

    /// An agreement's date in force on `day`.
    func agreementDate(_ id: String, onDay day: Int64) -> Moment? {
        var date = agreementDates[id]
        for row in amendments(of: .agreement(id), onDay: day) {
            if case .agreement(_, let amended?, _) = row.terms { date = amended }
        }
        return date
    }

    /// Whether a breach observed on `day` can count against `commitment`:
    /// within a restraint's window, or from its agreement's date for a
    /// quantity or action — each as in force on that day — and before the
    /// commitment was withdrawn.
    func inForce(_ commitment: Commitment, onDay day: Int64) -> Bool {
        if let withdrawn = withdrawal(of: commitment.id), withdrawn.date.day <= day { return false }
        let terms = terms(of: commitment, onDay: day)
        switch terms.kind {
        case .restraint:
            if let from = terms.from, day < from.day { return false }
            if let until = terms.until, day > until.day { return false }
            return true
        case .quantity, .action:
            guard let date = agreementDate(terms.agreement, onDay: day) else { return true }
            return day >= date.day
        }
    }

    /// The snapshot as in force on `day`: amended terms applied (names,
    /// titles, targets, deadlines, windows, covers, response times), and
    /// every voided definition, withdrawal, invocation and amendment gone.
    func inForce(onDay day: Int64) -> Snapshot {
        var snapshot = self
        let voidedAgreements = Set(zip(agreementSeqs, agreements).filter { voided[$0.0] != nil }.map { $0.1.id })
        snapshot.parties = zip(partySeqs, parties).filter { voided[$0.0] == nil }.map { seq, party in
            var name = party.name
            for row in amendments(of: .party(party.id), onDay: day) {
                if case .party(let amended?) = row.terms { name = amended }
            }
            return (party.id, name)
        }
        snapshot.partySeqs = partySeqs.filter { voided[$0] == nil }
        snapshot.agreements = zip(agreementSeqs, agreements).filter { voided[$0.0] == nil }.map { seq, agreement in
            var title = agreement.title
            for row in amendments(of: .agreement(agreement.id), onDay: day) {
                if case .agreement(let amended?, _, _) = row.terms { title = amended }
            }
            return (agreement.id, title)
        }
        snapshot.agreementSeqs = agreementSeqs.filter { voided[$0] == nil }
        for (id, _) in agreements {
            snapshot.agreementDates[id] = agreementDate(id, onDay: day)
            for row in amendments(of: .agreement(id), onDay: day) {
                if case .agreement(_, _, let venue?) = row.terms { snapshot.agreementVenues[id] = venue }
            }
        }
        for id in voidedAgreements {
            snapshot.agreementDates[id] = nil
            snapshot.agreementVenues[id] = nil
        }
        // Nothing voided or amended (most ledgers): the same rows, not a copy of each.
        if !voided.isEmpty || !amendments.isEmpty {
            snapshot.commitments = commitments.filter { voided[$0.seq] == nil }.map { row in
                var row = row
                row.commitment = terms(of: row.commitment, onDay: day)
                return row
            }
        }
        snapshot.withdrawals = withdrawals.filter { voided[$0.value.seq] == nil }
        snapshot.guarantees = guarantees.filter { voided[$0.seq] == nil }.map { row in
            var row = row
            row.guarantee = terms(of: row.guarantee, onDay: day)
            return row
        }
        snapshot.invocations = invocations.mapValues { $0.filter { voided[$0.seq] == nil } }
        return snapshot
    }
}
