import AccordStorage
import AccordTrust

/// The check of a field ledger's receipts (check `receipts`).
extension Auditor {
    /// Every receipt a field ledger stores must prove itself again, as when
    /// it was taken in (``Ledger/importReceipts(_:)``): its checkpoint signed
    /// by a key this ledger registered, of the mission ledger it was cloned
    /// from; the mission entry in that checkpoint's tree; and that entry
    /// recording the local one. Every stored refusal likewise: signed by a
    /// mission admin key, for the local entry's claim as it is, and the
    /// reason shown. A receipt or refusal forged with other tools would
    /// otherwise keep an entry from ever being pushed. And each checkpoint
    /// its bundles carried (`field_bundles`) is its journal's root at that size.
    mutating func checkFieldReceipts() throws {
        let db = self.db
        var findings: [(seq: Int64, detail: String)] = []
        var forgedCheckpoints: [Int64] = []
        var orphaned = false
        var verified: AuditReport.FieldAnswers?
        _ = try readable("field_receipts") {
            guard let origin = try Ledger.fieldOrigin(db) else {
                // A ledger that is no field ledger holds no receipts or field checkpoints: a field ledger whose origin was deleted.
                let rows = try db.scalarInt("SELECT (SELECT count(*) FROM field_receipts) + (SELECT count(*) FROM field_bundles)") ?? 0
                orphaned = rows > 0
                return
            }
            var answers = AuditReport.FieldAnswers(mission: origin.missionID, receipts: 0, refusals: 0, checkpoints: 0,
                                                   adopted: origin.evidenceSeq.map { _ in 0 })
            var roots: [String: Result<(Hash32, Int64), LedgerError>] = [:]
            var missionSeqs: [Int64: Int64] = [:]
            try db.forEach("""
                SELECT seq, mission_seq, mission_entry, proof, checkpoint, adopted FROM field_receipts NOT INDEXED
                WHERE mission_seq IS NOT NULL ORDER BY seq
                """) { row in
                let seq = row.int64(0), missionSeq = row.int64(1)
                let note = row.text(4)
                if roots[note] == nil {
                    roots[note] = Result {
                        let body = try Checkpoint.parse(SignedNote(parsing: note).text)
                        let size = Int64(clamping: body.size)
                        // A mission admin key revoked since still vouches for what it signed before.
                        return (try Ledger.verifiedMissionRoot(note, mission: origin.missionID, size: size, db: db,
                                                               includingRevoked: true), size)
                    }.mapError { ($0 as? LedgerError) ?? LedgerError.invalid(.checkpoint, "\($0)") }
                }
                let proof = row.blob(3)
                guard case .success(let (root, size))? = roots[note] else {
                    findings.append((seq, "the receipt's mission checkpoint does not verify"))
                    return
                }
                guard proof.count % 32 == 0, let local = try Ledger.entry(seq, in: db) else {
                    findings.append((seq, "the receipt names no local entry, or its proof is not a list of hashes"))
                    return
                }
                let path = stride(from: 0, to: proof.count, by: 32).compactMap { Hash32(bytes: Array(proof[$0..<($0 + 32)])) }
                let adopted = row.int64(5) == 1
                if let problem = Ledger.checkReceipt(local: local, missionSeq: missionSeq, bytes: row.blob(2), path: path, root: root,
                                                     size: size, missionSeqs: missionSeqs, adoptedFrom: adopted ? origin.missionID : nil) {
                    findings.append((seq, problem))
                    return
                }
                missionSeqs[seq] = missionSeq
                if adopted {
                    // A definition is kept with its receipt too (evidence may refer to it); only evidence is counted.
                    if Session.pushableKinds.contains(local.kind) { answers.adopted = (answers.adopted ?? 0) + 1 }
                } else {
                    answers.receipts += 1
                }
            }
            // A copy of a mission record made there without an id carries the mission's name for it, an id no entry of this
            // ledger's own may take: one without its adopted receipt had the receipt deleted (it would be pushed as its own).
            let prefix = String(origin.missionID.prefix(Ledger.derivedIDPrefixLength)) + ":"
            try db.forEach("""
                SELECT e.record FROM external_ids AS e LEFT JOIN field_receipts AS r ON r.seq = e.record
                WHERE substr(e.id, 1, ?) = ? AND coalesce(r.adopted, 0) = 0 ORDER BY e.record
                """, [Int64(prefix.utf8.count), prefix]) { row in
                findings.append((row.int64(0), "entry \(row.int64(0)) carries the mission's name for one of its records, as only an "
                                 + "adopted copy does, but no adopted receipt proves it"))
            }
            // The field ledger's checkpoints its bundles carried: each the root of its journal's first entries.
            let source = JournalHashSource(db: db)
            let head = try db.scalarInt("SELECT max(seq) FROM journal") ?? 0
            try db.forEach("SELECT size, root FROM field_bundles NOT INDEXED ORDER BY size") { row in
                let size = row.int64(0)
                guard size >= 1, size <= head, try Merkle.root(size: UInt64(size), source: source).bytes == row.blob(1) else {
                    forgedCheckpoints.append(size)
                    return
                }
                answers.checkpoints += 1
            }
            let field = try Ledger.ownID(db)
            try db.forEach("""
                SELECT seq, refused, refusal_note FROM field_receipts NOT INDEXED WHERE mission_seq IS NULL ORDER BY seq
                """) { row in
                let seq = row.int64(0)
                guard !row.isNull(1), !row.isNull(2), let local = try Ledger.entry(seq, in: db) else {
                    findings.append((seq, "the refusal names no local entry, or carries no signed note"))
                    return
                }
                let claim = try local.signedBytes(naming: { try Ledger.referenceName(of: $0, in: db, ledgerID: field) })
                if let problem = Ledger.refusalProblem(row.text(2), mission: origin.missionID, field: field, local: seq, claim: claim,
                                                       reason: row.text(1), db: db, includingRevoked: true) {
                    findings.append((seq, problem))
                    return
                }
                answers.refusals += 1
            }
            verified = answers
        }
        for finding in findings {
            fail(.tampered, "receipts", finding.seq, "the receipt or refusal stored for entry \(finding.seq) proves nothing: \(finding.detail) "
                 + "(the field_receipts table was altered with other tools)")
        }
        report.fieldAnswers = verified
        if orphaned {
            fail(.tampered, "receipts", nil, "this ledger holds receipts or field checkpoints but no field origin: it is a field "
                 + "ledger whose field_origin row was deleted with other tools")
        }
        for size in forgedCheckpoints {
            fail(.tampered, "receipts", nil, "field_bundles says a bundle carried this field ledger's first \(size) entries with a root "
                 + "they do not have (the table was altered with other tools, or the journal was)")
        }
    }
}
