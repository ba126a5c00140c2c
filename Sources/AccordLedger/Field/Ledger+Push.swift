import AccordCSV
import AccordStorage
import AccordTrust
import Crypto

/// Pushing a field ledger's evidence to the mission ledger, and the receipts that come back.
extension Ledger {
    /// Field side: every local evidence entry the mission has not answered
    /// yet (no receipt, no refusal), in order, as a push bundle (JSON bytes):
    /// each entry's portable claim, signer and signature, and a SHA-256 over
    /// all of it. Nil when there is none. With `limit`, only the first
    /// `limit` of them: a push sends a long backlog in bundles of a bounded
    /// size.
    /// - Throws: ``LedgerError`` `.invalid` when this is not a field ledger.
    ///
    /// An entry that refers to a local entry the mission refused is not sent:
    /// the mission finds what an entry refers to by its name, and there that
    /// name is not this ledger's entry (another monitor's record with the
    /// same id, say). It is shown here as refused, with the reason
    /// (``heldBack(_:)``).
    public func pushBundle(limit: Int? = nil) throws -> [UInt8]? {
        try pushBatch(limit: limit)?.bytes
    }

    /// Field side: as ``pushBundle(limit:)``, with the last local seq the
    /// bundle holds. With `after`, only the entries after that seq: those up
    /// to it were sent in a bundle the mission has not answered yet, so an
    /// entry that refers to one of them without a receipt (which the mission
    /// may yet refuse) ends the bundle before it. It is sent once that answer
    /// is in, in the bundle built from the first unanswered entry.
    /// - Throws: ``LedgerError`` `.invalid` when this is not a field ledger.
    public func pushBatch(limit: Int? = nil, after: Int64? = nil) throws -> PushBatch? {
        try LedgerError.translating {
            try database.write { db in
                // It records the bundle it makes (field_bundles): a write, checked as every write is.
                try Ledger.requireUnalteredSchema(db)
                guard let origin = try Ledger.fieldOrigin(db) else { throw Ledger.notAField }
                let field = try Ledger.ownID(db)
                var entries: [BundleEntry] = []
                let held = try Ledger.heldBack(db)
                let wanted = max(limit ?? Int.max, 1)
                var ended = false
                let answered = try db.cached("SELECT 1 FROM field_receipts WHERE seq = ?")
                try db.forEach("""
                    SELECT j.seq, j.entry, j.signature FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
                    WHERE r.seq IS NULL AND j.kind_code IN (\(Ledger.pushableKindList)) AND j.seq > ? ORDER BY j.seq LIMIT ?
                    """, [after ?? 0, Int64(wanted > Int.max - held.count ? Int.max : wanted + held.count)]) { row in
                    guard !ended, held[row.int64(0)] == nil, entries.count < wanted else { return }
                    let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
                    guard Session.pushableKinds.contains(entry.kind) else { return }
                    if let after {
                        for target in entry.payload.references where target <= after {
                            try answered.bind(target, at: 1)
                            defer { answered.reset() }
                            guard try answered.step() else {
                                ended = true
                                return
                            }
                        }
                    }
                    let claim = try entry.signedBytes(naming: { try Ledger.referenceName(of: $0, in: db, ledgerID: field) })
                    entries.append(BundleEntry(seq: entry.seq, claim: claim, signer: entry.signer, signature: row.optionalBlob(2)))
                }
                guard let last = entries.last?.seq else { return nil }
                let bytes = BundleDocument.entries(field: field, mission: origin.missionID, entries,
                                                   checkpoint: try Ledger.fieldCheckpoint(db))
                return PushBatch(bytes: bytes, lastSeq: last)
            }
        }
    }

    /// Field side: the unanswered entries not to send, each with its reason:
    /// those that refer to a local entry the mission refused, or to one
    /// itself held back (so a chain of them is held back whole). Sent, such
    /// an entry would be recorded against the mission's entry of that name,
    /// which is not the one its signer meant, and its receipt could not be
    /// verified here. Worked out each time from the refusals the mission
    /// signed, never stored: only the mission's word is kept as a refusal.
    static func heldBack(_ db: Database) throws -> [Int64: String] {
        var refused: [Int64: String] = [:]
        try db.forEach("SELECT seq, refused FROM field_receipts WHERE refused IS NOT NULL") { refused[$0.int64(0)] = $0.text(1) }
        guard !refused.isEmpty else { return [:] }
        let kinds = Session.pushableKinds.filter { ![.verification, .breach].contains($0) }
            .map { Int($0.code) }.sorted().map(String.init).joined(separator: ", ")
        var held: [Int64: String] = [:]
        try db.forEach("""
            SELECT j.seq, j.entry FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
            WHERE r.seq IS NULL AND j.kind_code IN (\(kinds)) ORDER BY j.seq
            """) { row in
            let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
            guard let target = entry.payload.references.first(where: { refused[$0] != nil || held[$0] != nil }) else { return }
            held[entry.seq] = "not sent: it refers to local entry \(target), which "
                + (held[target] != nil ? "was not sent either"
                   : "the mission ledger refused (\(refused[target] ?? "")); there, that entry's name is not this ledger's entry")
        }
        return held
    }

    /// Field side: every local evidence entry and where it stands. A refused
    /// entry (or one not sent) that was voided here since is `voided`, and its
    /// void, which there is nothing to send for, `local`.
    /// - Throws: ``LedgerError`` `.invalid` when this is not a field ledger.
    public func pushStatus() throws -> [PushStatus] {
        try LedgerError.translating {
            try database.read { db in
                guard try Ledger.fieldOrigin(db) != nil else { throw Ledger.notAField }
                var rows: [PushStatus] = []
                var position: [Int64: Int] = [:]
                let held = try Ledger.heldBack(db)
                try db.forEach("""
                    SELECT j.seq, j.entry, r.mission_seq, r.refused FROM journal AS j LEFT JOIN field_receipts AS r ON r.seq = j.seq
                    WHERE j.kind_code IN (\(Ledger.pushableKindList)) AND coalesce(r.adopted, 0) = 0 ORDER BY j.seq
                    """) { row in
                    let entry = try Ledger.decodeStored(row.blob(1), seq: row.int64(0))
                    let reason = row.isNull(3) ? held[entry.seq] : row.text(3)
                    var state: PushStatus.State = row.isNull(2) ? (reason == nil ? .pending : .refused) : .accepted
                    var said = reason
                    // A void of an entry the mission refused, or that was not sent: both need nothing more.
                    if entry.kind == .void, row.isNull(2), let target = entry.payload.references.first, let at = position[target],
                       rows[at].state == .refused {
                        rows[at].state = .voided
                        rows[at].reason = "voided here by entry \(entry.seq) (\(rows[at].reason ?? "refused"))"
                        state = .local
                        said = "voids entry \(target), which the mission ledger never recorded: nothing to send"
                    }
                    position[entry.seq] = rows.count
                    rows.append(PushStatus(seq: entry.seq, kind: entry.kind, externalID: entry.payload.externalID, state: state,
                                           missionSeq: row.isNull(2) ? nil : row.int64(2), reason: said))
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
    ///   - unsigned: whose unsigned entries are recorded (the rest are refused one by one).
    ///   - role: the role of the server token that pushed it: only entries
    ///     of the kinds it records are (``TokenRole/pushedKinds``), the rest
    ///     are refused one by one; nil for whoever holds this ledger, every kind.
    ///   - checkpointKey: signs the checkpoint the receipts prove inclusion
    ///     in (a key registered in this ledger).
    /// - Throws: ``LedgerError``; nothing is recorded when the bundle is refused whole.
    public func applyBundle(_ bundle: [UInt8], unsigned: UnsignedEntries, role: TokenRole? = nil,
                            checkpointKey: NoteSigningKey) throws -> BundleOutcome {
        try requireReceiptSigner(checkpointKey)
        let bundle = try EntriesBundle(parsing: bundle)
        let mission = try LedgerError.translating { try database.read { try Ledger.ownID($0) } }
        guard bundle.mission == mission else {
            throw LedgerError.invalid(nil, "the bundle is for mission ledger \(bundle.mission); this ledger is \(mission)")
        }
        // Everything that makes the bundle what its writer wrote is checked before anything is
        // recorded: each entry first (to name the one altered), then the digest over all of them.
        let claims = try bundle.entries.enumerated().map { index, item in
            do {
                return try Claim(decoding: item.claim)
            } catch let error as LedgerError {
                throw LedgerError.invalid(.claim, "the bundle, at \(bundle.pointers[index])/claim (field entry \(item.seq)): "
                                          + "\(error.message); it was refused whole and nothing was recorded")
                    .pointing(at: "\(bundle.pointers[index])/claim")
            }
        }
        // By the name's bytes: `String` keys would match a Unicode-equivalent name to another key's.
        var keys: [[UInt8]: [UInt8]?] = [:]
        for name in bundle.entries.compactMap(\.signer) where keys[Array(name.utf8)] == nil {
            keys[Array(name.utf8)] = .some(try publicKey(ofKey: name))
        }
        for (index, item) in bundle.entries.enumerated() where (item.signer == nil) != (item.signature == nil) {
            throw LedgerError.invalid(.signature, "the bundle, at \(bundle.pointers[index]) (field entry \(item.seq)): a signer without a "
                                      + "signature, or a signature without a signer; it was refused whole and nothing was recorded")
                .pointing(at: "\(bundle.pointers[index])/signature")
        }
        // The signature that a digest mismatch comes from names the entry altered, as a claim's encoding does.
        func altered(_ index: Int) -> LedgerError {
            let item = bundle.entries[index]
            return LedgerError.invalid(.signature, "the bundle, at \(bundle.pointers[index])/signature (field entry \(item.seq)): "
                                       + "the signature by key \(item.signer ?? "") does not verify over the entry's claim: the bundle "
                                       + "was altered; it was refused whole and nothing was recorded")
                .pointing(at: "\(bundle.pointers[index])/signature")
        }
        do {
            try bundle.checkDigest()
        } catch {
            throw SignatureVerification(bundle.entries, keys: keys).firstBad().map(altered) ?? error
        }
        let advance = try checkFieldHistory(bundle)
        var writes: [LedgerWrite] = []
        var refusals: [Int: String] = [:]
        var definers: [String: Int64] = [:]
        for (index, claim) in claims.enumerated() {
            if let name = claim.payload.externalID, definers[name] == nil { definers[name] = bundle.entries[index].seq }
        }
        let context = BundleContext(field: bundle.field, definers: definers)
        for (index, item) in bundle.entries.enumerated() {
            let claim = claims[index]
            let request = SHA256.hash(data: item.claim + (item.signature ?? [])).byteArray
            let idempotency = IdempotencyKey(actor: claim.actor, key: "bundle:\(bundle.field):\(item.seq)", requestSHA256: request)
            // The very entry recorded before, by its key and request (pushed with another token, its answer lost), is answered
            // as recorded, never refused; anything else of a kind the token's role does not record is refused.
            if let refusal = role?.pushRefusal(of: claim.kind), try LedgerError.translating({ try database.read {
                try $0.scalarInt("SELECT 1 FROM idempotency_keys WHERE actor = ? AND key = ? AND request_sha256 = ?",
                                 idempotency.actor, idempotency.key, idempotency.requestSHA256)
            } }) == nil {
                refusals[index] = refusal
                continue
            }
            var recorder = Recorder(actor: claim.actor, presentedClaim: item.claim)
            if let name = item.signer, let signature = item.signature {
                guard let key = keys[Array(name.utf8)] ?? nil else {
                    refusals[index] = "signed by key \(name), which this mission ledger has not registered"
                    continue
                }
                recorder.signer = VerifiedClaimSignature(keyName: name, publicKey: key, claim: item.claim, signature: signature)
            } else if let refusal = unsigned.refusal(of: claim.actor) {
                refusals[index] = refusal
                continue
            }
            writes.append(LedgerWrite(.pushed(claim, context), as: recorder, idempotency: idempotency))
        }
        // The signatures are verified on both cores while the entries are recorded; the
        // transaction commits only once every one has verified (else nothing is recorded).
        let verification = SignatureVerification(bundle.entries, keys: keys)
        let results: [Session.Attempt?]
        do {
            // Only each entry's seq goes into its receipt (read after the commit, with its proof).
            results = try attempt(writes, atomically: false) { db in
                if let index = verification.firstBad() { throw BundleAltered(index: index) }
                // A bundle that records nothing (none of its entries is this field ledger's signed word) moves nothing on.
                if let advance, !writes.isEmpty {
                    try db.run("""
                        INSERT INTO field_checkpoints (field, size, root) VALUES (?, ?, ?)
                        ON CONFLICT (field) DO UPDATE SET size = excluded.size, root = excluded.root WHERE excluded.size > field_checkpoints.size
                        """, bundle.field, advance.size, advance.root.bytes)
                }
            }.attempts
        } catch let bad as BundleAltered {
            throw altered(bad.index)
        }
        let checkpoint = try self.checkpoint(signingWith: checkpointKey)
        var outcome = BundleOutcome(receipts: [], recorded: 0, alreadyRecorded: 0, refused: [])
        var answers: [(seq: Int64, answer: PushAnswer)] = []
        var next = results.makeIterator()
        for (index, item) in bundle.entries.enumerated() {
            var reason = refusals[index]
            if reason == nil {
                switch next.next() {
                case .success(let recorded)??:
                    if case .added = recorded { outcome.recorded += 1 } else { outcome.alreadyRecorded += 1 }
                    answers.append((item.seq, .recorded(recorded.seq)))
                    continue
                case .failure(let error)??: reason = error.message
                default: reason = "not recorded"
                }
            }
            // A refusal is the mission's word: signed, for this entry's claim, with the checkpoint's admin key.
            let refusal = RefusalNote(mission: mission, field: bundle.field, seq: item.seq,
                                      claimSHA256: SHA256.hash(data: item.claim).byteArray, reason: RefusalNote.oneLine(reason ?? ""))
            answers.append((item.seq, .refused(refusal.reason, note: try refusal.signed(with: checkpointKey))))
            outcome.refused.append((item.seq, refusal.reason))
        }
        let items = try receiptItems(answers, size: checkpoint.size)
        var members: [(String, JSON)] = [
            ("accord", .string(BundleDocument.receiptsKind)), ("version", .int(1)), ("mission", .string(mission)),
            ("field", .string(bundle.field)), ("treeSize", .int(checkpoint.size)), ("checkpoint", .string(checkpoint.note)),
        ]
        if let held = try heldFieldCheckpoint(bundle.field) {
            let note = FieldCheckpointNote(mission: mission, field: bundle.field, size: held.size, root: held.root)
            members.append(("fieldCheckpoint", .string(try note.signed(with: checkpointKey))))
        }
        members.append(("receipts", .array(items)))
        // The bytes of `serialized(pretty: true)` and a newline, written once (the document is tens of megabytes).
        var receipts: [UInt8] = []
        receipts.reserveCapacity(1_024 + 1_600 * answers.count)
        JSON.object(members).write(to: &receipts, pretty: true)
        receipts.append(UInt8(ascii: "\n"))
        outcome.receipts = receipts
        return outcome
    }

    /// The receipts' items: for an entry recorded, its mission seq, its
    /// bytes and its inclusion proof in the tree of `size` entries (all read
    /// in one transaction); for one refused, the reason.
    func receiptItems(_ answers: [(seq: Int64, answer: PushAnswer)], size: Int64) throws -> [JSON] {
        try LedgerError.translating {
            try database.read { db in
                let source = MemoizingHashSource(db: db, size: size)
                return try answers.map { seq, answer in
                    switch answer {
                    case .refused(let reason, let note):
                        return .object([("seq", .int(seq)), ("refused", .string(reason)), ("note", .string(note))])
                    case .recorded(let missionSeq):
                        let path = try source.inclusionProof(index: UInt64(missionSeq - 1))
                        return .object([("seq", .int(seq)), ("missionSeq", .int(missionSeq)),
                                        ("entry", .string(ByteEncoding.base64(try db.scalarEntryBytes(missionSeq)))),
                                        ("proof", .array(path.map { .string($0.hex) }))])
                    }
                }
            }
        }
    }

    /// The codes of the kinds a field ledger pushes, for an SQL `IN (…)` list on the journal's `kind_code`.
    static let pushableKindList = Session.pushableKinds.map { Int($0.code) }.sorted().map(String.init).joined(separator: ", ")

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

/// A push bundle (JSON bytes) and the last local seq it holds.
public struct PushBatch: Sendable {
    /// The bundle, as ``Ledger/pushBundle(limit:)`` makes it.
    public let bytes: [UInt8]
    /// The last local entry in it.
    public let lastSeq: Int64
}

/// What the mission ledger answered for one entry of a push bundle.
enum PushAnswer {
    /// Recorded (now or before) at this mission seq.
    case recorded(Int64)
    /// Refused, for this reason (one line), and the mission's signed word for it (a ``Ledger/RefusalNote``).
    case refused(String, note: String)
}

/// A bundle entry's signature did not verify: thrown inside the transaction to roll it back whole.
struct BundleAltered: Error {
    var index: Int
}

/// What the entries of one push bundle recorded, by name: an entry that
/// refers to a record or corroboration of the same bundle must find the very
/// entry that bundle entry became (not another of the same name, already in
/// the mission ledger), and is refused when that entry was.
public final class BundleContext: @unchecked Sendable {
    /// The field ledger the bundle came from.
    let field: String
    /// The names the bundle's own records and corroborations carry, and the
    /// field seq of the entry that carries each.
    let definers: [String: Int64]
    /// Where each was recorded (or found already recorded), once it was.
    var recorded: [String: Int64] = [:]

    init(field: String, definers: [String: Int64]) {
        self.field = field
        self.definers = definers
    }
}
