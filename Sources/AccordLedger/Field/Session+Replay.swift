/// Recording, in the mission ledger, evidence a field ledger recorded.
extension Session {
    /// The kinds of entry a field ledger pushes: its monitors' evidence.
    static let pushableKinds: Set<EntryKind> = [
        .verification, .breach, .corroboration, .correction, .retraction, .dispute, .adjudication, .void,
    ]

    /// Records the payload of a portable claim through the checks the same
    /// entry made here would pass; the entry it refers to is found by its
    /// name only (never by a seq, which would be the field ledger's).
    func replay(_ claim: Claim, in context: BundleContext? = nil) throws -> Recorded {
        namesOnly = true
        defer { namesOnly = false }
        let name = claim.references.first ?? ""
        if let context, let definer = context.definers[name] {
            // The entry it refers to came in the same bundle: it must be the one that entry became
            // (now, or when the same bundle was applied before: its idempotency key says so).
            let became = try context.recorded[name]
                ?? db.scalarInt("SELECT seq FROM idempotency_keys WHERE key = ? LIMIT 1", "bundle:\(context.field):\(definer)")
            guard let became, try externalIDEntry(name) == became else {
                throw LedgerError.invalid(.entry, "\(Field.entry): \(TextRules.printable(name)) is a record of this same bundle, which "
                                          + "was refused; this entry is refused with it")
            }
        }
        let recorded = try replayPayload(claim, name: name)
        if case .alreadyPresent(let seq) = recorded { try requireSameStatement(claim, at: seq) }
        if let context, let own = claim.payload.externalID { context.recorded[own] = recorded.seq }
        return recorded
    }

    /// An entry already recorded answers a pushed one only when it is the
    /// same statement: the same kind, actor and signer as well as the same
    /// content, so that its receipt shows the field ledger its own entry.
    /// The same content under the same id from another actor or key (another
    /// monitor who gave the same id), or found as a correction's
    /// replacement, is not that entry: it is refused, saying whose the id is.
    private func requireSameStatement(_ claim: Claim, at seq: Int64) throws {
        guard let stored = try entry(seq) else {
            throw LedgerError(.tampered, "entry \(seq) is missing", hint: .audit)
        }
        let signer = recorder.signer?.keyName
        guard stored.kind != claim.kind || Array(stored.actor.utf8) != Array(claim.actor.utf8) || stored.signer != signer else { return }
        func who(_ actor: String, _ key: String?) -> String {
            TextRules.printable(actor, limit: 60) + (key.map { " (signed with key \(TextRules.printable($0, limit: 60)))" } ?? " (unsigned)")
        }
        let what = claim.payload.externalID.map { "id \(TextRules.printable($0, limit: 60))" } ?? "the same content"
        throw LedgerError.conflict(seq, "\(what) is already recorded here as entry \(seq), a \(stored.kind.rawValue) by "
                                   + "\(who(stored.actor, stored.signer)); this \(claim.kind.rawValue) by \(who(claim.actor, signer)) is "
                                   + "another statement, not recorded as that entry: give it an id of its own")
    }

    private func replayPayload(_ claim: Claim, name: String) throws -> Recorded {
        switch claim.payload {
        case .verification(let verification):
            return try replay(verification)
        case .breach(let breach):
            return try record(breach)
        case .corroboration(let corroboration):
            return try corroborate(PreparedCorroboration(target: name, source: corroboration.source,
                                                         externalID: corroboration.externalID,
                                                         evidence: corroboration.evidence, note: corroboration.note))
        case .correction(let correction):
            let (reference, current) = try correctable(name)
            if case .verification(let verification) = correction.replacement { try checkMeasure(verification) }
            return try appendCorrection(of: reference, current: current, replacement: correction.replacement,
                                        reason: correction.reason)
        case .retraction(let retraction):
            return try retract(name, reason: retraction.reason)
        case .dispute(let dispute):
            return try self.dispute(name, by: dispute.by, reason: dispute.reason, source: dispute.source)
        case .adjudication(let adjudication):
            return try adjudicate(name, ruling: adjudication.ruling, reason: adjudication.reason)
        case .void(let voiding):
            return try void(name, reason: voiding.reason)
        default:
            throw LedgerError.invalid(.claim, "a \(claim.kind.rawValue) entry is not evidence a field ledger pushes")
        }
    }

    /// A verification made elsewhere, checked as ``log(_:)`` checks one typed here.
    func replay(_ verification: Verification) throws -> Recorded {
        try checkMeasure(verification)
        try refuseFuture(verification.observed, field: .observed)
        if let id = verification.externalID, let target = try externalIDTarget(id) {
            return try unchanged(.verification(verification), existing: target.seq, id: id, derived: target.derived)
        }
        return try append(.verification(verification))
    }

    /// A verification's measure is what its commitment counts: a quantity
    /// (at the commitment's scale) or an action's outcome; a restraint is
    /// judged by breaches.
    func checkMeasure(_ verification: Verification) throws {
        let facts = try requireCommitment(verification.commitment, field: .commitment)
        switch (facts.kind, verification.measure) {
        case (.quantity, .quantity(let quantity)) where quantity.scale == facts.decimals && quantity.units >= 0:
            return
        case (.action, .done), (.action, .notDone):
            return
        case (.restraint, _):
            throw LedgerError.invalid(.commitment, "commitment \(facts.id) is a restraint: it is judged by breaches", hint: .reportBreach)
        default:
            throw LedgerError.invalid(.quantity, "commitment \(facts.id) is \(facts.kind == .quantity ? "counted" : "an action") here: "
                                      + "the verification's measure does not fit it")
        }
    }
}
