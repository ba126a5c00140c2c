import AccordStorage
import AccordTrust

/// A request's idempotency key (a server's `Idempotency-Key` header): whose
/// key it is, the key, and the SHA-256 of the request that carries it
/// (``LedgerWrite/idempotency``).
public struct IdempotencyKey: Sendable, Equatable {
    /// Whose key it is (a token's name): keys of different callers never meet.
    public var actor: String
    /// The key as the caller sent it.
    public var key: String
    /// The SHA-256 of the request it came with (its route and body).
    public var requestSHA256: [UInt8]

    /// A key of `actor` for the request hashed to `requestSHA256`.
    public init(actor: String, key: String, requestSHA256: [UInt8]) {
        self.actor = actor
        self.key = key
        self.requestSHA256 = requestSHA256
    }
}

extension IdempotencyKey {
    /// The kinds of entry a keyed request can record: one per
    /// ``LedgerOperation`` (``LedgerOperation/entryKind``).
    public static let recordableKinds: Set<EntryKind> = [
        .partyAdd, .agreementAdd, .commitmentAdd, .commitmentWithdraw, .guaranteeAdd, .guaranteeInvoke, .verification,
        .breach, .corroboration, .correction, .retraction, .dispute, .adjudication, .amendment, .void, .tokenRevoke,
    ]
}

extension LedgerOperation {
    /// The kind of entry this operation records.
    public var entryKind: EntryKind {
        switch self {
        case .addParty: .partyAdd
        case .addAgreement: .agreementAdd
        case .addCommitment: .commitmentAdd
        case .withdrawCommitment: .commitmentWithdraw
        case .addGuarantee: .guaranteeAdd
        case .invokeGuarantee: .guaranteeInvoke
        case .log: .verification
        case .breach: .breach
        case .corroborate: .corroboration
        case .correct: .correction
        case .retract: .retraction
        case .dispute: .dispute
        case .adjudicate: .adjudication
        case .amend: .amendment
        case .void: .void
        case .revokeToken: .tokenRevoke
        case .pushed(let claim, _): claim.kind
        }
    }
}

extension Session {
    /// Runs `write` once per idempotency key (none: just runs it). The first
    /// time `write` appends an entry, the key is kept with its seq, in the
    /// same transaction (and the same savepoint, in a batch), so the key
    /// exists exactly when the entry does; again with the same request,
    /// nothing is written and the original entry is already present. A
    /// write that appends nothing (the same external id and content already
    /// recorded, perhaps by another actor) keeps no key: a repeat finds the
    /// same entry the same way.
    ///
    /// The table is outside the journal, so a row is believed only when the
    /// entry it names exists, was recorded by the key's actor, and is of the
    /// kind `kind` (the operation's): otherwise a row added with other tools
    /// would answer "already recorded" for a request never written.
    /// - Throws: ``LedgerError`` `.conflict` with the entry the key recorded
    ///   when it was used for another request; `.tampered` when the row names
    ///   an entry that is missing, another actor's or of another kind;
    ///   whatever `write` throws (and then the key is not kept).
    func once(_ idempotency: IdempotencyKey?, kind: EntryKind, _ write: () throws -> Recorded) throws -> Recorded {
        guard let idempotency else { return try write() }
        var found: (seq: Int64, digest: [UInt8])?
        try db.forEach("SELECT seq, request_sha256 FROM idempotency_keys WHERE actor = ? AND key = ?",
                       [idempotency.actor, idempotency.key]) { row in
            found = (row.int64(0), row.blob(1))
        }
        if let found {
            let key = TextRules.printable(idempotency.key, limit: 60)
            let entry = try entry(found.seq)
            guard let entry, Array(entry.actor.utf8) == Array(idempotency.actor.utf8),
                  entry.kind == kind || found.digest != idempotency.requestSHA256 else {
                let what = entry.map { "(kind \($0.kind.rawValue), recorded by \(TextRules.printable($0.actor, limit: 60)))" }
                    ?? "(which does not exist)"
                throw LedgerError(.tampered, "idempotency key '\(key)' of \(TextRules.printable(idempotency.actor, limit: 60)) "
                                  + "names entry \(found.seq) \(what), which this request (kind \(kind.rawValue)) cannot have "
                                  + "recorded: the idempotency_keys table was altered with other tools; nothing was written",
                                  hint: .audit)
            }
            guard found.digest == idempotency.requestSHA256 else {
                throw LedgerError.conflict(found.seq, "idempotency key '\(key)' was "
                                           + "used for another request, which recorded entry \(found.seq); use a new key for a "
                                           + "new request")
            }
            return .alreadyPresent(seq: found.seq)
        }
        let recorded = try write()
        if case .added = recorded {
            _ = try db.run("INSERT INTO idempotency_keys (actor, key, request_sha256, seq) VALUES (?, ?, ?, ?)",
                           idempotency.actor, idempotency.key, idempotency.requestSHA256, recorded.seq)
        }
        return recorded
    }
}

extension Ledger {
    /// The receipt of an entry already in the journal (status already
    /// recorded, the current tree): what a repeated request answers.
    /// - Throws: ``LedgerError`` when there is no such entry.
    public func receipt(ofEntry seq: Int64) throws -> Receipt {
        try LedgerError.translating {
            try database.read { db in
                var head: (size: Int64, root: Hash32)?
                return try Receipt.make(.alreadyPresent(seq: seq), commit: nil, db: db, head: &head)
            }
        }
    }
}
