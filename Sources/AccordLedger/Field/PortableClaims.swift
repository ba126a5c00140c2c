import AccordStorage

extension Ledger {
    /// The name a portable claim (docs/JOURNAL.md §4c) gives the entry at
    /// `seq`: the external id of the verification, breach or corroboration
    /// it first recorded, else `<first 8 characters of the ledger's id>:<seq>`
    /// (``derivedID(ledgerID:seq:)``). Read from the projections of `db` as
    /// they stand (a write's own, or an audit's re-derived ones).
    static func referenceName(of seq: Int64, in db: Database, ledgerID: String) throws -> String {
        let statement = try db.cached("""
            SELECT external_id FROM verifications WHERE seq = ?1 AND record = ?1
            UNION ALL SELECT external_id FROM breaches WHERE seq = ?1 AND record = ?1
            UNION ALL SELECT external_id FROM corroborations WHERE seq = ?1
            """)
        try statement.bind(seq, at: 1)
        defer { statement.reset() }
        if try statement.step(), !statement.isNull(0) { return statement.text(0) }
        return derivedID(ledgerID: ledgerID, seq: seq)
    }
}

extension Session {
    /// The id of the ledger this session writes to (entry 1's).
    func ledgerID() throws -> String {
        if let knownLedgerID { return knownLedgerID }
        guard case .ledgerCreate(let created)? = try entry(1)?.payload else {
            throw LedgerError(.tampered, "entry 1 is not the ledger's creation", hint: .audit)
        }
        knownLedgerID = created.ledgerID
        return created.ledgerID
    }

    /// What the entry a session appends with `payload` signs over, in the
    /// entry format `version` (names of references read from this session's state).
    func claim(_ payload: Payload, actor: String, version: UInt8) throws -> [UInt8] {
        var names: [Int64: String]?
        if version >= 3 {
            let ledgerID = try ledgerID()
            var named: [Int64: String] = [:]
            for seq in payload.references { named[seq] = try Ledger.referenceName(of: seq, in: db, ledgerID: ledgerID) }
            names = named
        }
        return Claim.encode(kind: payload.kind, actor: actor, payload: payload, version: version, names: names)
    }
}

/// A signature over a push bundle's claim, verified on another thread
/// before the transaction that records it may commit (``SignatureVerification``):
/// it signs only those exact bytes, so the entry is recorded with it only if
/// the ledger builds the same claim.
struct VerifiedClaimSignature: EntrySigner {
    let keyName: String
    let publicKey: [UInt8]
    let claim: [UInt8]
    let signature: [UInt8]

    var verifyingKey: [UInt8]? { publicKey }
    var presentedSignature: [UInt8]? { signature }

    func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes == claim else {
            throw LedgerError.invalid(.signature, "\(Field.signature): not the claim key \(keyName) signed; nothing was written")
        }
        return signature
    }
}
