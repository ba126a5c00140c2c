import AccordStorage
import AccordTrust

/// What a reviewer's field ledger needs while it adopts the mission's
/// evidence from one bundle: which mission entries it holds (its own, by
/// their receipts, and those adopted before), and its own entries the
/// mission has not answered yet.
final class EvidenceAdoption {
    let mission: String
    /// The bundle's signed mission checkpoint, kept with each adopted copy.
    let checkpoint: String
    /// Local seq by mission seq: this ledger's entries the mission recorded
    /// (their receipts), copies adopted before, and the definitions.
    var missionToLocal: [Int64: Int64] = [:]
    var localToMission: [Int64: Int64] = [:]
    /// Unanswered local evidence entries (with their signatures), by kind and actor.
    var pending: [String: [(entry: Entry, signature: [UInt8]?)]] = [:]
    /// The local seqs of the definitions this ledger adopted, by their
    /// content (kind, actor, payload), in order: a bundle's definitions
    /// already held are matched to them, so evidence that refers to a
    /// definition (a void) finds it.
    var definitions: [[UInt8]: [Int64]] = [:]
    var outcome = EvidenceOutcome()

    init(session: Session, checkpoint: String) throws {
        guard let origin = try Ledger.fieldOrigin(session.db) else { throw Ledger.notAField }
        mission = origin.missionID
        self.checkpoint = checkpoint
        try session.db.forEach("SELECT seq, mission_seq FROM field_receipts WHERE mission_seq IS NOT NULL") { row in
            missionToLocal[row.int64(1)] = row.int64(0)
            localToMission[row.int64(0)] = row.int64(1)
        }
        try session.db.forEach("""
            SELECT j.seq, j.entry, j.signature FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
            WHERE r.seq IS NULL AND j.kind_code IN (\(Ledger.pushableKindList)) ORDER BY j.seq
            """) { row in
            let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
            pending[EvidenceAdoption.bucket(entry.kind, entry.actor), default: []].append((entry, row.optionalBlob(2)))
        }
        let kinds = Ledger.definitionKinds.map { String($0.code) }.joined(separator: ", ")
        try session.db.forEach("SELECT seq, entry FROM journal WHERE kind_code IN (\(kinds)) ORDER BY seq") { row in
            let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
            definitions[EvidenceAdoption.content(entry), default: []].append(entry.seq)
        }
    }

    /// The local entry a definition of the bundle (`entry`, a mission
    /// entry) is: `local`, adopted now, or (nil) the one adopted before
    /// with the same content; nil when there is none.
    func localDefinition(_ entry: Entry, adoptedAs local: Int64?) -> Int64? {
        guard missionToLocal[entry.seq] == nil else { return nil }
        if let local { return local }
        let key = EvidenceAdoption.content(entry)
        guard let held = definitions[key]?.first else { return nil }
        definitions[key]?.removeFirst()
        return held
    }

    static func content(_ entry: Entry) -> [UInt8] {
        Claim.encode(kind: entry.kind, actor: entry.actor, payload: entry.payload)
    }

    static func bucket(_ kind: EntryKind, _ actor: String) -> String {
        "\(kind.code) " + actor
    }

    /// Records that mission entry `missionSeq` was not adopted, and why (kept in `field_skipped`).
    func skip(_ missionSeq: Int64, _ reason: String, in db: Database) throws {
        outcome.skipped.append(.init(missionSeq: missionSeq, reason: reason))
        try db.run("INSERT OR REPLACE INTO field_skipped (mission_seq, reason) VALUES (?, ?)", missionSeq, reason)
    }
}

extension Session {
    /// Adopts one evidence entry of the mission (`entry`, recorded there as
    /// `bytes`, with `path` its inclusion proof in the bundle's checkpoint,
    /// which the caller verifies before the transaction ends) into a
    /// reviewer's field ledger:
    /// - one of this ledger's own entries (a receipt stored, or an
    ///   unanswered entry it records exactly) is not copied: its receipt is
    ///   stored, as a push would;
    /// - another entry is recorded here as a read-only copy, marked adopted,
    ///   with the mission's bytes and proof as its receipt (so it is never
    ///   pushed back): the same kind, actor and payload, its references
    ///   being the copies (or own entries) of the mission entries referred
    ///   to, and a record or corroboration made there without an id given
    ///   the id that names it there (`<mission id prefix>:<seq>`), so that
    ///   this ledger's entries can refer to it by the same name. It keeps the
    ///   signer and signature when its claim is the same here (version 2
    ///   without a reference, or version 3, and no id added); otherwise it is
    ///   recorded unsigned, and its receipt is what proves it;
    /// - an entry that refers to one not held here, or whose id is held here
    ///   by another entry, is not adopted (the outcome says why, and
    ///   `field_skipped` keeps it, so that reports can say so).
    func adoptEvidence(_ entry: Entry, bytes: [UInt8], signature: [UInt8]?, path: [Hash32], pointer: String,
                       context: EvidenceAdoption) throws {
        let missionSeq = entry.seq
        guard context.missionToLocal[missionSeq] == nil else { return }
        var unmapped: Int64?
        var payload = entry.payload.mappingReferences { reference in
            if let local = context.missionToLocal[reference] { return local }
            unmapped = unmapped ?? reference
            return 0
        }
        if let unmapped {
            let reason = context.outcome.skipped.contains { $0.missionSeq == unmapped }
                ? "it refers to mission entry \(unmapped), which was not adopted either"
                : "it refers to mission entry \(unmapped), which this field ledger does not hold"
            try context.skip(missionSeq, reason, in: db)
            return
        }
        // One of this ledger's own entries, recorded there but unanswered here (a push cut before its receipts came
        // back): the same statement, and the same signature when signed.
        let bucket = EvidenceAdoption.bucket(entry.kind, entry.actor)
        if let candidates = context.pending[bucket],
           let index = candidates.firstIndex(where: { own, ownSignature in
               own.signer == entry.signer && (own.signer == nil || ownSignature == signature)
                   && own.payload.mappingReferences({ context.localToMission[$0] ?? 0 }) == entry.payload
           }) {
            let own = candidates[index].entry
            context.pending[bucket]?.remove(at: index)
            try keepMissionCopy(of: own.seq, missionSeq: missionSeq, bytes: bytes, path: path, adopted: false, context: context)
            context.outcome.recovered += 1
            return
        }
        if payload.externalID == nil, [.verification, .breach, .corroboration].contains(entry.kind) {
            payload = payload.withExternalID(Ledger.derivedID(ledgerID: context.mission, seq: missionSeq))
        }
        if let id = payload.externalID, let held = try db.scalarInt("SELECT record FROM external_ids WHERE id = ?", id) {
            try context.skip(missionSeq, "its id \(TextRules.printable(id)) is held here by local entry \(held), another statement",
                             in: db)
            return
        }
        let unsigned = Recorder(actor: entry.actor)
        var adopter = unsigned
        let sameClaim = payload.externalID == entry.payload.externalID && entry.version >= 2
            && (entry.version >= 3 || entry.payload.references.isEmpty)
        if sameClaim, let name = entry.signer, let signature {
            // A key revoked since signs nothing here any more: the copy is then unsigned, and its receipt proves it.
            var key: [UInt8]?
            try db.forEach("SELECT public_key FROM keys WHERE name = ? AND revoked_seq IS NULL", [name]) { key = $0.blob(0) }
            if let key {
                let ledgerID = try ledgerID()
                adopter.presentedClaim = try entry.signedBytes(naming: { reference in
                    try Ledger.referenceName(of: context.missionToLocal[reference] ?? 0, in: db, ledgerID: ledgerID)
                })
                adopter.signer = ClaimSignature(keyName: name, publicKey: key, signature: signature)
            }
        }
        record(as: adopter)
        let recorded: Recorded
        do {
            do {
                recorded = try append(payload)
            } catch is LedgerError where adopter.signer != nil {
                // The bundle's signature is outside the checkpoint's proof (a leaf hashes the entry's bytes): one that does
                // not verify here (altered in carriage) is dropped, and the copy is proved by its receipt alone.
                record(as: unsigned)
                recorded = try append(payload)
            }
        } catch let error as LedgerError {
            throw LedgerError(error.kind, "the bundle, at \(pointer): mission entry \(missionSeq) cannot be adopted: \(error.message)")
        }
        guard case .added(let seq, _) = recorded else {
            // The same claim and signature are held here already (as an entry the mission answered otherwise).
            try context.skip(missionSeq, "this field ledger holds it already, as local entry \(recorded.seq)", in: db)
            return
        }
        try keepMissionCopy(of: seq, missionSeq: missionSeq, bytes: bytes, path: path, adopted: true, context: context)
        context.outcome.adopted += 1
    }

    /// A definition of a proved bundle with evidence (the mission's `entry`, recorded there as `bytes`, `path` its
    /// inclusion proof) is kept with its receipt like an adopted copy, once its local entry is known: evidence that
    /// refers to it (a void) then maps to it, now and in later pulls and audits.
    func keepDefinition(_ entry: Entry, adoptedAs local: Int64?, bytes: [UInt8], path: [Hash32], context: EvidenceAdoption) throws {
        guard let local = context.localDefinition(entry, adoptedAs: local),
              try db.scalarInt("SELECT count(*) FROM field_receipts WHERE seq = ?", local) == 0 else { return }
        try keepMissionCopy(of: local, missionSeq: entry.seq, bytes: bytes, path: path, adopted: true, context: context)
    }

    private func keepMissionCopy(of local: Int64, missionSeq: Int64, bytes: [UInt8], path: [Hash32], adopted: Bool,
                                 context: EvidenceAdoption) throws {
        try db.run("""
            INSERT INTO field_receipts (seq, mission_seq, mission_entry, proof, checkpoint, received_at, adopted)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, local, missionSeq, bytes, path.flatMap(\.bytes), context.checkpoint, now.iso8601, adopted ? 1 : 0)
        context.missionToLocal[missionSeq] = local
        context.localToMission[local] = missionSeq
    }
}

extension Payload {
    /// The record or corroboration with `id` as its external id (other payloads unchanged).
    func withExternalID(_ id: String) -> Payload {
        switch self {
        case .verification(var value):
            value.externalID = id
            return .verification(value)
        case .breach(var value):
            value.externalID = id
            return .breach(value)
        case .corroboration(var value):
            value.externalID = id
            return .corroboration(value)
        default:
            return self
        }
    }
}
