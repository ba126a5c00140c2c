import AccordCSV
import AccordStorage
import AccordTrust
import Crypto

/// Pushing a field ledger's evidence to the mission ledger, and the receipts that come back.
extension Ledger {
    /// Field side: every local evidence entry the mission has not answered
    /// yet (no receipt, no refusal), in order, as a push bundle (JSON bytes):
    /// each entry's portable claim, signer and signature, and a SHA-256 over
    /// all of it. Nil when there is none.
    /// - Throws: ``LedgerError`` `.invalid` when this is not a field ledger.
    public func pushBundle() throws -> [UInt8]? {
        try LedgerError.translating {
            try database.read { db in
                guard let origin = try Ledger.fieldOrigin(db) else { throw Ledger.notAField }
                let field = try Ledger.ownID(db)
                var entries: [BundleEntry] = []
                try db.forEach("""
                    SELECT j.seq, j.entry, j.signature FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
                    WHERE r.seq IS NULL AND j.kind IN (\(Ledger.pushableKindList)) ORDER BY j.seq
                    """) { row in
                    let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
                    guard Session.pushableKinds.contains(entry.kind) else { return }
                    let claim = try entry.signedBytes(naming: { try Ledger.referenceName(of: $0, in: db, ledgerID: field) })
                    entries.append(BundleEntry(seq: entry.seq, claim: claim, signer: entry.signer, signature: row.optionalBlob(2)))
                }
                guard !entries.isEmpty else { return nil }
                return BundleDocument.entries(field: field, mission: origin.missionID, entries)
            }
        }
    }

    /// Field side: every local evidence entry and where it stands.
    /// - Throws: ``LedgerError`` `.invalid` when this is not a field ledger.
    public func pushStatus() throws -> [PushStatus] {
        try LedgerError.translating {
            try database.read { db in
                guard try Ledger.fieldOrigin(db) != nil else { throw Ledger.notAField }
                var rows: [PushStatus] = []
                try db.forEach("""
                    SELECT j.seq, j.entry, r.mission_seq, r.refused FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
                    WHERE j.kind IN (\(Ledger.pushableKindList)) ORDER BY j.seq
                    """) { row in
                    let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
                    let state: PushStatus.State = row.isNull(2) ? (row.isNull(3) ? .pending : .refused) : .accepted
                    rows.append(PushStatus(seq: entry.seq, kind: entry.kind, externalID: entry.payload.externalID, state: state,
                                           missionSeq: row.isNull(2) ? nil : row.int64(2), reason: row.isNull(3) ? nil : row.text(3)))
                }
                return rows
            }
        }
    }

    /// Mission side: applies a push bundle, in order, each entry as its own
    /// write (a refused one does not stop the others), and returns the
    /// receipts. A bundle that does not verify whole — its digest, each
    /// claim's encoding, each signature by a key this ledger registered —
    /// is refused whole, naming the entry. Applying it again adds nothing
    /// (each entry is recorded once: by its id, its signature, and the
    /// idempotency key `bundle:<field ledger id>:<seq>`).
    /// - Parameters:
    ///   - unsignedActor: unsigned entries are recorded only when their actor
    ///     is this one (the pusher's name); nil: any actor (a local administrator).
    ///   - checkpointKey: signs the checkpoint the receipts prove inclusion
    ///     in (a key registered in this ledger).
    /// - Throws: ``LedgerError``; nothing is recorded when the bundle is refused whole.
    public func applyBundle(_ bundle: [UInt8], unsignedActor: String?, checkpointKey: NoteSigningKey) throws -> BundleOutcome {
        let bundle = try EntriesBundle(parsing: bundle)
        let mission = try LedgerError.translating { try database.read { try Ledger.ownID($0) } }
        guard bundle.mission == mission else {
            throw LedgerError.invalid(nil, "the bundle is for mission ledger \(bundle.mission); this ledger is \(mission)")
        }
        // Everything that makes the bundle what its writer wrote is checked before anything is recorded.
        var writes: [LedgerWrite] = []
        var refusals: [Int: String] = [:]
        for (index, item) in bundle.entries.enumerated() {
            let pointer = bundle.pointers[index]
            let claim: Claim
            do {
                claim = try Claim(decoding: item.claim)
            } catch let error as LedgerError {
                throw LedgerError.invalid(.claim, "the bundle, at \(pointer)/claim (field entry \(item.seq)): \(error.message); "
                                          + "it was refused whole and nothing was recorded")
            }
            var recorder = Recorder(actor: claim.actor, presentedClaim: item.claim)
            switch (item.signer, item.signature) {
            case (let name?, let signature?):
                guard let key = try publicKey(ofKey: name) else {
                    refusals[index] = "signed by key \(name), which this mission ledger has not registered"
                    continue
                }
                guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
                      publicKey.isValidSignature(signature, for: item.claim) else {
                    throw LedgerError.invalid(.signature, "the bundle, at \(pointer)/signature (field entry \(item.seq)): the signature "
                                              + "by key \(name) does not verify over the entry's claim: the bundle was altered; it was "
                                              + "refused whole and nothing was recorded")
                }
                recorder.signer = ClaimSignature(keyName: name, publicKey: key, signature: signature)
            case (nil, nil):
                if let unsignedActor, claim.actor != unsignedActor {
                    refusals[index] = "an unsigned entry by \(claim.actor) is recorded only when \(claim.actor) pushes it; sign it with "
                        + "a registered key"
                    continue
                }
            default:
                throw LedgerError.invalid(.signature, "the bundle, at \(pointer) (field entry \(item.seq)): a signer without a signature, "
                                          + "or a signature without a signer; it was refused whole and nothing was recorded")
            }
            let request = Array(SHA256.hash(data: item.claim + (item.signature ?? [])))
            let key = IdempotencyKey(actor: claim.actor, key: "bundle:\(bundle.field):\(item.seq)", requestSHA256: request)
            writes.append(LedgerWrite(.pushed(claim), as: recorder, idempotency: key))
        }
        try bundle.checkDigest()
        let results = try record(writes, atomically: false)
        let checkpoint = try self.checkpoint(signingWith: checkpointKey)
        var outcome = BundleOutcome(receipts: [], recorded: 0, alreadyRecorded: 0, refused: [])
        var items: [JSON] = []
        var next = results.makeIterator()
        for (index, item) in bundle.entries.enumerated() {
            let reason: String
            if let refusal = refusals[index] {
                reason = refusal
            } else {
                switch next.next() {
                case .recorded(let receipt)?, .alreadyRecorded(let receipt)?:
                    if receipt.recorded { outcome.recorded += 1 } else { outcome.alreadyRecorded += 1 }
                    let proof = try inclusionProof(seq: receipt.seq, size: checkpoint.size)
                    let bytes = try LedgerError.translating { try database.read { try $0.scalarEntryBytes(receipt.seq) } }
                    items.append(.object([("seq", .int(item.seq)), ("missionSeq", .int(receipt.seq)),
                                          ("entry", .string(ByteEncoding.base64(bytes))),
                                          ("proof", .array(proof.path.map { .string($0.hex) }))]))
                    continue
                case .failed(let error)?:
                    reason = error.message
                default:
                    reason = "not recorded"
                }
            }
            outcome.refused.append((item.seq, reason))
            items.append(.object([("seq", .int(item.seq)), ("refused", .string(reason))]))
        }
        let document = JSON.object([
            ("accord", .string(BundleDocument.receiptsKind)), ("version", .int(1)), ("mission", .string(mission)),
            ("field", .string(bundle.field)), ("treeSize", .int(checkpoint.size)), ("checkpoint", .string(checkpoint.note)),
            ("receipts", .array(items)),
        ])
        outcome.receipts = Array((document.serialized(pretty: true) + "\n").utf8)
        return outcome
    }

    /// The kinds a field ledger pushes, for an SQL `IN (…)` list.
    static let pushableKindList = Session.pushableKinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")

    /// The ledger's own id (entry 1's).
    static func ownID(_ db: Database) throws -> String {
        guard case .ledgerCreate(let created)? = try Ledger.entry(1, in: db)?.payload else {
            throw LedgerError(.tampered, "entry 1 is not the ledger's creation", hint: .audit)
        }
        return created.ledgerID
    }

    /// Decodes an entry read from the journal, refusing one that is not canonical or not at its seq.
    static func decodeStored(_ bytes: [UInt8], seq: Int64) throws -> Entry {
        guard let entry = try? Entry.decodeCanonical(bytes), entry.seq == seq else {
            throw LedgerError(.tampered, "journal entry \(seq) cannot be decoded", hint: .audit)
        }
        return entry
    }
}

extension Database {
    /// The stored bytes of journal entry `seq`.
    func scalarEntryBytes(_ seq: Int64) throws -> [UInt8] {
        var bytes: [UInt8]?
        try forEach("SELECT entry FROM journal WHERE seq = ?", [seq]) { bytes = $0.blob(0) }
        guard let bytes else { throw LedgerError(.tampered, "journal entry \(seq) is missing", hint: .audit) }
        return bytes
    }
}

extension Payload {
    /// The external id of the record or corroboration it records, if any.
    var externalID: String? {
        switch self {
        case .verification(let value): value.externalID
        case .breach(let value): value.externalID
        case .corroboration(let value): value.externalID
        default: nil
        }
    }
}
