import AccordStorage
import AccordTrust
import Crypto

/// Taking the mission's receipts back into a field ledger.
extension Ledger {
    /// Field side: verifies and stores the receipts of a push or bundle, and
    /// the refusals. Each receipt must prove itself: the signed mission
    /// checkpoint verifies with a mission admin key this ledger holds; the mission
    /// entry's leaf is in that checkpoint's tree at its seq (the inclusion
    /// proof); and the mission entry records exactly the local one (kind,
    /// actor, signer, payload — its references being the mission seqs of the
    /// local entries they refer to). Each refusal must be signed likewise, for
    /// the local entry's claim as it is.
    /// - Throws: ``LedgerError``: `.invalid` naming the receipt that does not
    ///   verify; nothing is stored then.
    public func importReceipts(_ receipts: [UInt8]) throws -> ReceiptsOutcome {
        let reader = try DocumentReader(parsing: receipts, kind: BundleDocument.receiptsKind, what: "the receipts")
        let mission = try reader.string("mission")
        let field = try reader.string("field")
        let treeSize = try reader.int("treeSize")
        let noteText = try reader.string("checkpoint")
        let items = try reader.items("receipts")
        let received = try settings.clock.now()
        return try LedgerError.translating {
            try database.write { db in
                try Ledger.requireUnalteredSchema(db)
                guard let origin = try Ledger.fieldOrigin(db) else { throw Ledger.notAField }
                let own = try Ledger.ownID(db)
                guard field == own, mission == origin.missionID else {
                    throw LedgerError.invalid(nil, "the receipts are for field ledger \(field) of mission \(mission); this is field ledger "
                                              + "\(own) of mission \(origin.missionID)")
                }
                let root = try Ledger.verifiedMissionRoot(noteText, mission: mission, size: treeSize, db: db)
                // The latest checkpoint of this ledger the mission says, signed, it holds (one this ledger wrote):
                // earlier ones need no proof from now on.
                if let note = try reader.optionalString("fieldCheckpoint"),
                   let text = try? Ledger.verifiedMissionNote(note, what: "the field checkpoint held", db: db) {
                    var held: Int64?
                    try db.forEach("SELECT size, root FROM field_bundles ORDER BY size") { row in
                        guard let root = Hash32(bytes: row.blob(1)) else { return }
                        if FieldCheckpointNote(mission: mission, field: own, size: row.int64(0), root: root).text == text { held = row.int64(0) }
                    }
                    if let held { try db.run("DELETE FROM field_bundles WHERE size < ?", held) }
                }
                var missionSeqs: [Int64: Int64] = [:]
                try db.forEach("SELECT seq, mission_seq FROM field_receipts WHERE mission_seq IS NOT NULL") { row in
                    missionSeqs[row.int64(0)] = row.int64(1)
                }
                var outcome = ReceiptsOutcome(accepted: 0, alreadyStored: 0, refused: 0)
                let verifier = InclusionVerifier(size: UInt64(max(treeSize, 0)), root: root)
                for item in items {
                    let seq = try item.int("seq")
                    guard let local = try Ledger.entry(seq, in: db), Session.pushableKinds.contains(local.kind) else {
                        throw item.refuse("this field ledger has no evidence entry \(seq)", at: "seq")
                    }
                    var stored: (missionSeq: Int64?, refused: String?)?
                    try db.forEach("SELECT mission_seq, refused FROM field_receipts WHERE seq = ?", [seq]) { row in
                        stored = (row.isNull(0) ? nil : row.int64(0), row.isNull(1) ? nil : row.text(1))
                    }
                    if let reason = try item.optionalString("refused") {
                        let note = try item.string("note")
                        let claim = try local.signedBytes(naming: { try Ledger.referenceName(of: $0, in: db, ledgerID: own) })
                        if let problem = Ledger.refusalProblem(note, mission: mission, field: own, local: seq, claim: claim,
                                                               reason: reason, db: db) {
                            throw item.refuse("\(problem); nothing was stored", at: "note")
                        }
                        if stored != nil { outcome.alreadyStored += 1; continue }
                        try db.run("INSERT INTO field_receipts (seq, refused, refusal_note, received_at) VALUES (?, ?, ?, ?)",
                                   seq, reason, note, received.iso8601)
                        outcome.refused += 1
                        continue
                    }
                    let missionSeq = try item.int("missionSeq")
                    let bytes = try item.bytes("entry")
                    let path = try item.hashes("proof")
                    if let problem = Ledger.checkReceipt(local: local, missionSeq: missionSeq, bytes: bytes, path: path, root: root,
                                                         size: treeSize, missionSeqs: missionSeqs, verifier: verifier) {
                        throw item.refuse("\(problem); nothing was stored", at: "entry")
                    }
                    if let stored, stored.missionSeq == nil {
                        // Refused before, recorded since (pushed again by another token, say): the receipt proves it.
                        try db.run("DELETE FROM field_receipts WHERE seq = ?", seq)
                    } else if let stored {
                        guard stored.missionSeq == missionSeq else {
                            throw item.refuse("local entry \(seq) already has a receipt for mission entry "
                                              + "\(stored.missionSeq.map(String.init) ?? "—") (or a refusal)", at: "missionSeq")
                        }
                        outcome.alreadyStored += 1
                        continue
                    }
                    try db.run("""
                        INSERT INTO field_receipts (seq, mission_seq, mission_entry, proof, checkpoint, received_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, seq, missionSeq, bytes, path.flatMap(\.bytes), noteText, received.iso8601)
                    missionSeqs[seq] = missionSeq
                    outcome.accepted += 1
                }
                return outcome
            }
        }
    }

    /// Why a receipt does not prove that mission entry `missionSeq` records
    /// the field ledger's entry `local`, or nil when it does: the mission
    /// entry's leaf is in the tree of `size` entries with `root` (the
    /// inclusion proof `path`), and it records the same kind, actor, signer
    /// and payload, its references being the mission seqs of the local
    /// entries they refer to (`missionSeqs`, by local seq). A copy adopted
    /// from mission ledger `adoptedFrom` (a reviewer's) may be unsigned, and
    /// a record or corroboration made there without an id carries the id that
    /// names it there. With `verifier` (of the same tree), the proofs of one
    /// document share the nodes they have in common.
    static func checkReceipt(local: Entry, missionSeq: Int64, bytes: [UInt8], path: [Hash32], root: Hash32, size: Int64,
                             missionSeqs: [Int64: Int64], adoptedFrom mission: String? = nil,
                             verifier: InclusionVerifier? = nil) -> String? {
        let leaf = Merkle.leafHash(bytes)
        func included() -> Bool {
            if let verifier, verifier.size == UInt64(size), verifier.root == root {
                return (try? verifier.verify(leafHash: leaf, index: UInt64(missionSeq - 1), proof: path)) != nil
            }
            return (try? Merkle.verifyInclusion(leafHash: leaf, index: UInt64(missionSeq - 1), size: UInt64(size), proof: path,
                                                root: root)) != nil
        }
        guard missionSeq >= 1, missionSeq <= size, included() else {
            return "the inclusion proof of mission entry \(missionSeq) does not verify against the signed checkpoint"
        }
        guard let recorded = try? Entry.decodeCanonical(bytes), recorded.seq == missionSeq else {
            return "the mission entry does not decode as entry \(missionSeq)"
        }
        var unmapped: Int64?
        let expected = local.payload.mappingReferences { reference in
            if let mapped = missionSeqs[reference] { return mapped }
            unmapped = reference
            return 0
        }
        if let unmapped { return "local entry \(local.seq) refers to local entry \(unmapped), which has no receipt" }
        let sameSigner = recorded.signer == local.signer || (mission != nil && local.signer == nil)
        let samePayload = recorded.payload == expected
            || (mission.map { mission in
                recorded.payload.externalID == nil
                    && recorded.payload.withExternalID(Ledger.derivedID(ledgerID: mission, seq: missionSeq)) == expected
            } ?? false)
        guard recorded.kind == local.kind, Array(recorded.actor.utf8) == Array(local.actor.utf8), sameSigner, samePayload else {
            var differences = PayloadFields.differences(from: recorded.payload, to: expected)
            if recorded.kind != local.kind { differences.append("kind \(recorded.kind.rawValue) → \(local.kind.rawValue)") }
            if !sameSigner { differences.append("signer \(recorded.signer ?? "none") → \(local.signer ?? "none")") }
            if Array(recorded.actor.utf8) != Array(local.actor.utf8) { differences.append("actor") }
            if differences.isEmpty, recorded.payload.references != expected.references {
                differences.append("it refers to mission entry \(recorded.payload.references.map(String.init).joined(separator: ", ")), "
                                   + "the local entry to \(expected.references.map(String.init).joined(separator: ", "))")
            }
            return "mission entry \(missionSeq) does not record local entry \(local.seq) as it is"
                + (differences.isEmpty ? "" : " (mission → local: " + differences.map { TextRules.printable($0, limit: 200) }
                    .joined(separator: "; ") + ")")
        }
        return nil
    }

    /// The root of a mission checkpoint, once its note verifies with a
    /// mission admin key this field ledger holds (adopted from the mission)
    /// and it is the mission's, of `size` entries.
    static func verifiedMissionRoot(_ text: String, mission: String, size: Int64, db: Database,
                                    what: String = "the receipts' checkpoint", includingRevoked: Bool = false) throws -> Hash32 {
        let body: Checkpoint
        do {
            body = try Checkpoint.parse(try verifiedMissionNote(text, what: what, db: db, includingRevoked: includingRevoked))
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.invalid(.checkpoint, "\(what) cannot be read: \(error)")
        }
        guard body.origin == Ledger.origin(ledgerID: mission), Int64(exactly: body.size) == size else {
            throw LedgerError.invalid(.checkpoint, "\(what) is of \(body.origin) at size \(body.size), not of mission "
                                      + "\(mission) at size \(size)")
        }
        return body.rootHash
    }
}
