import AccordStorage
import AccordTrust
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Field ledgers: cloned from a mission ledger, working offline, pushing
/// their monitors' evidence back (docs/JOURNAL.md §8).
extension Ledger {
    /// The kinds of entry a definitions bundle carries: what a field ledger
    /// needs to check and judge evidence.
    static let definitionKinds: [EntryKind] = [
        .partyAdd, .agreementAdd, .commitmentAdd, .commitmentWithdraw, .guaranteeAdd, .guaranteeInvoke, .amendment,
        .keyRegister, .keyRevoke,
    ]

    /// Mission side: the definitions (parties, agreements, commitments and
    /// their amendments and withdrawals, guarantees and their invocations,
    /// keys) recorded after mission seq `after`, as a definitions bundle
    /// (JSON bytes) a field ledger adopts (``clone(at:definitions:remote:as:settings:)``,
    /// ``adoptDefinitions(_:as:)``): each entry's bytes and signature, as recorded.
    /// With `checkpointKey` (an admin key registered here), the bundle also
    /// carries a checkpoint signed with it and each entry's inclusion proof
    /// in that checkpoint's tree, so a field ledger that holds the admin key
    /// can prove every definition, and the size, instead of taking them as
    /// carried. With `evidence`, it also carries every evidence entry
    /// (records, corroborations, corrections, retractions, disputes,
    /// adjudications, voids) after `after`, for a reviewer's field ledger to
    /// adopt as read-only copies: only proved, so only with `checkpointKey`.
    /// - Throws: ``LedgerError``.
    public func definitionsBundle(after: Int64 = 0, checkpointKey: NoteSigningKey? = nil, evidence: Bool = false) throws -> [UInt8] {
        guard after >= 0 else { throw LedgerError.invalid(.entry, "after \(after): a seq is 0 or more") }
        guard !evidence || checkpointKey != nil else {
            throw LedgerError(.forbidden, "the mission's evidence is handed to a field ledger only proved: sign the bundle with an "
                              + "admin key registered here")
        }
        let checkpoint = try checkpointKey.map { key in
            try requireReceiptSigner(key)
            return try self.checkpoint(signingWith: key)
        }
        return try LedgerError.translating {
            try database.read { db in
                guard case .ledgerCreate(let created)? = try Ledger.entry(1, in: db)?.payload else {
                    throw LedgerError(.tampered, "entry 1 is not the ledger's creation", hint: .audit)
                }
                let size = try checkpoint?.size ?? db.scalarInt("SELECT max(seq) FROM journal") ?? 0
                let source = checkpoint.map { MemoizingHashSource(db: db, size: $0.size) }
                let carried = Ledger.definitionKinds + (evidence ? Session.pushableKinds.sorted { $0.code < $1.code } : [])
                let kinds = carried.map { String($0.code) }.joined(separator: ", ")
                var items: [JSON] = []
                var leaves: [(seq: Int64, leaf: Hash32)] = []
                try db.forEach("""
                    SELECT seq, entry, signature FROM journal WHERE seq > ? AND seq <= ? AND kind_code IN (\(kinds)) ORDER BY seq
                    """, [after, size]) { row in
                    let bytes = row.blob(1)
                    // The kind column is only an index: the entry's own bytes decide.
                    guard let entry = try? Entry.decodeCanonical(bytes), entry.seq == row.int64(0), carried.contains(entry.kind) else {
                        throw LedgerError(.tampered, "journal entry \(row.int64(0)) does not decode as the definition its kind column says",
                                          hint: .audit)
                    }
                    var members: [(String, JSON)] = [
                        ("seq", .int(entry.seq)), ("entry", .string(ByteEncoding.base64(bytes))),
                        ("signature", row.optionalBlob(2).map { .string(ByteEncoding.base64($0)) } ?? .null),
                    ]
                    leaves.append((entry.seq, Merkle.leafHash(bytes)))
                    if let source {
                        let path = try source.inclusionProof(index: UInt64(entry.seq - 1))
                        members.append(("proof", .array(path.map { .string($0.hex) })))
                    }
                    items.append(.object(members))
                }
                var members: [(String, JSON)] = [
                    ("accord", .string(BundleDocument.definitionsKind)), ("version", .int(1)),
                    ("mission", .string(created.ledgerID)), ("size", .int(size)), ("after", .int(after)),
                ]
                if evidence { members.append(("evidence", .bool(true))) }
                if let checkpoint, let checkpointKey {
                    members.append(("checkpoint", .string(checkpoint.note)))
                    // The admin's word that these are all the definitions in (after, size]: a checkpoint proves each is in
                    // the log, not that none is missing.
                    let manifest = DefinitionsManifest(mission: created.ledgerID, after: after, size: size, leaves: leaves,
                                                       evidence: evidence)
                    members.append(("manifest", .string(try manifest.signed(with: checkpointKey))))
                }
                members.append(("entries", .array(items)))
                let document = JSON.object(members)
                return Array((document.serialized(pretty: true) + "\n").utf8)
            }
        }
    }

    /// Field side: creates a field ledger at `path` from a definitions bundle:
    /// a new ledger (its own id) whose first entries are the mission's
    /// definitions, each with its actor, signer and signature as recorded.
    /// `remote`: the server it came from (kept; never a token).
    /// - Throws: ``LedgerError``: `.invalid` naming the entry for a bad
    ///   bundle, `.conflict` when `path` is already a ledger. Nothing is left
    ///   at `path` when it fails.
    public static func clone(at path: String, definitions: [UInt8], remote: String?, as recorder: Recorder,
                             settings: LedgerSettings = LedgerSettings()) throws -> (ledger: Ledger, outcome: AdoptionOutcome) {
        let bundle = try DefinitionsBundle(parsing: definitions)
        let (ledger, created) = try create(at: path, as: recorder, settings: settings)
        guard created else {
            throw LedgerError(.conflict(.state), "\(path) is already a ledger; clone into a new file")
        }
        do {
            let outcome = try ledger.transact(recorder) { session in
                try session.db.run("INSERT INTO field_origin (id, mission_id, mission_seq, remote) VALUES (1, ?, 0, ?)",
                                   bundle.mission, remote)
                session.knownField = true
                return try session.adopt(bundle, after: 0, evidenceAfter: nil)
            }
            return (ledger, outcome)
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            throw error
        }
    }

    /// Field side: adopts the definitions of a bundle (a pull): those after
    /// the mission seq this field ledger is as of; the rest are skipped.
    /// - Throws: ``LedgerError``; nothing is written on a refusal.
    public func adoptDefinitions(_ bundle: [UInt8], as recorder: Recorder) throws -> AdoptionOutcome {
        let bundle = try DefinitionsBundle(parsing: bundle)
        return try transact(recorder) { session in
            guard let origin = try Ledger.fieldOrigin(session.db) else { throw Ledger.notAField }
            guard bundle.mission == origin.missionID else {
                throw LedgerError.invalid(nil, "the bundle holds the definitions of mission ledger \(bundle.mission); this field ledger "
                                          + "was cloned from \(origin.missionID)")
            }
            return try session.adopt(bundle, after: origin.missionSeq, evidenceAfter: origin.evidenceSeq)
        }
    }

    /// Field side: where this field ledger came from, or nil for a ledger that is not a field ledger.
    /// - Throws: ``LedgerError``.
    public func fieldOrigin() throws -> FieldOrigin? {
        try LedgerError.translating { try database.read { try Ledger.fieldOrigin($0) } }
    }

    static func fieldOrigin(_ db: Database) throws -> FieldOrigin? {
        var origin: FieldOrigin?
        try db.forEach("SELECT mission_id, mission_seq, remote, evidence_seq FROM field_origin WHERE id = 1") { row in
            origin = FieldOrigin(missionID: row.text(0), missionSeq: row.int64(1), remote: row.isNull(2) ? nil : row.text(2),
                                 evidenceSeq: row.optionalInt64(3))
        }
        return origin
    }

    static let notAField = LedgerError.invalid(nil, "this ledger is not a field ledger: it was not cloned from a mission ledger")
}

/// A definitions bundle as read: each entry decoded and checked to be a definition.
struct DefinitionsBundle {
    var mission: String
    /// The mission journal's size the bundle says it is as of: believed only
    /// once ``checkpoint`` proves it.
    var size: Int64
    /// The mission seq it holds the definitions after.
    var after: Int64
    /// A mission checkpoint of `size` entries (a signed note), when the bundle carries one.
    var checkpoint: String?
    /// The admin's signed list of the definitions in (`after`, `size`] (a ``DefinitionsManifest``), with a checkpoint.
    var manifest: String?
    /// Whether it carries the mission's evidence as well (for a reviewer's field ledger).
    var evidence: Bool
    var entries: [(entry: Entry, signature: [UInt8]?, pointer: String)]
    /// Each entry's bytes as the mission recorded them.
    var bytes: [[UInt8]] = []
    /// Each entry's leaf hash and inclusion proof in the checkpoint's tree (with a checkpoint).
    var proofs: [(leaf: Hash32, path: [Hash32])] = []

    init(parsing bytes: [UInt8]) throws {
        let reader = try DocumentReader(parsing: bytes, kind: BundleDocument.definitionsKind, what: "the definitions bundle")
        mission = try reader.string("mission")
        size = try reader.int("size")
        after = try reader.int("after")
        guard after >= 0, after <= size else { throw reader.refuse("is not a seq from 0 to the size, \(size)", at: "after") }
        checkpoint = try reader.optionalString("checkpoint")
        manifest = try reader.optionalString("manifest")
        evidence = try reader.flag("evidence")
        if evidence, checkpoint == nil {
            throw reader.refuse("a bundle with the mission's evidence must prove it: it carries no checkpoint; nothing was adopted",
                                at: "evidence")
        }
        let carried = Ledger.definitionKinds + (evidence ? Array(Session.pushableKinds) : [])
        entries = []
        var last = after
        for item in try reader.items("entries") {
            let seq = try item.int("seq")
            let entry: Entry
            let bytes = try item.bytes("entry")
            do {
                entry = try Entry.decodeCanonical(bytes)
            } catch let error as LedgerError {
                throw error
            } catch {
                throw item.refuse("the entry does not decode (\(error))", at: "entry")
            }
            guard entry.seq == seq, seq > last, seq <= size else {
                throw item.refuse("the entry is entry \(entry.seq), not the next definition up to \(size) after \(last)", at: "seq")
            }
            guard carried.contains(entry.kind) else {
                throw item.refuse("a \(entry.kind.rawValue) entry is not a definition" + (evidence ? " or evidence" : ""), at: "entry")
            }
            last = seq
            entries.append((entry, try item.optionalBytes("signature"), item.pointer))
            self.bytes.append(bytes)
            if checkpoint != nil {
                proofs.append((Merkle.leafHash(bytes), try item.hashes("proof")))
            }
        }
    }

    /// The mission seq the bundle proves the field ledger is as of: with a
    /// checkpoint signed by a mission admin key the field ledger holds (in
    /// `db`, once the bundle's own keys are adopted) that every entry's
    /// inclusion proof verifies against, its size; without one, only the
    /// last definition it carries (a `size` taken on the bundle's word could
    /// make later pulls skip what the mission defines until it grows that large).
    /// - Throws: ``LedgerError`` `.invalid` when the checkpoint or a proof does not verify.
    func provenSeq(in db: Database) throws -> (seq: Int64, proven: Bool) {
        guard let checkpoint else { return (entries.last?.entry.seq ?? after, false) }
        guard let manifest else {
            throw LedgerError.invalid(nil, "the definitions bundle carries a checkpoint but not the admin's signed list of the "
                                      + "definitions it holds: the checkpoint proves each is in the mission's log, not that none is "
                                      + "missing; nothing was adopted")
        }
        let listed = Ledger.DefinitionsManifest(mission: mission, after: after, size: size,
                                                leaves: zip(entries, proofs).map { ($0.entry.seq, $1.leaf) }, evidence: evidence)
        guard try Ledger.verifiedMissionNote(manifest, what: "the definitions' list", db: db) == listed.text else {
            throw LedgerError.invalid(nil, "the definitions bundle's entries are not those its signed list names (after mission seq "
                                      + "\(after), up to \(size)): some were left out or added; nothing was adopted")
        }
        let root = try Ledger.verifiedMissionRoot(checkpoint, mission: mission, size: size, db: db, what: "the definitions' checkpoint")
        for (index, (entry, _, pointer)) in entries.enumerated() {
            let (leaf, path) = proofs[index]
            guard (try? Merkle.verifyInclusion(leafHash: leaf, index: UInt64(entry.seq - 1), size: UInt64(size), proof: path,
                                               root: root)) != nil else {
                throw LedgerError.invalid(nil, "the definitions bundle, at \(pointer)/proof: mission entry \(entry.seq) is not in the "
                                          + "tree of the signed mission checkpoint; nothing was adopted")
            }
        }
        return (size, true)
    }
}

extension Session {
    /// Records each definition of `bundle` after mission seq `after` as its
    /// own entry — the same actor and payload; the same signer and
    /// signature when its claim does not depend on where it is recorded
    /// (version 2 and later) — and moves the field ledger's mission seq on.
    /// A bundle with the mission's evidence also has each evidence entry
    /// after `evidenceAfter` (nil: none adopted yet, so all of it) adopted
    /// as a read-only copy (``adoptEvidence(_:bytes:signature:path:pointer:context:)``).
    func adopt(_ bundle: DefinitionsBundle, after: Int64, evidenceAfter: Int64?) throws -> AdoptionOutcome {
        let own = recorder
        defer { record(as: own) }
        guard bundle.after <= after else {
            throw LedgerError.invalid(nil, "the definitions bundle holds what the mission defined after mission seq \(bundle.after), but "
                                      + "this field ledger is as of mission seq \(after): what was defined between would be missed; "
                                      + "ask for the definitions after \(after)")
        }
        let evidenceStart = evidenceAfter ?? 0
        guard !bundle.evidence || bundle.after <= evidenceStart else {
            throw LedgerError.invalid(nil, "the bundle holds the mission's evidence after mission seq \(bundle.after), but this field "
                                      + "ledger holds it only up to mission seq \(evidenceStart): what was recorded between would be "
                                      + "missed; ask for what was recorded after \(evidenceStart)")
        }
        let evidence = bundle.evidence ? try EvidenceAdoption(session: self, checkpoint: bundle.checkpoint ?? "") : nil
        let admins = try adminKeys().filter { $0.revoked == nil }.map(\.name)
        if !admins.isEmpty, bundle.checkpoint == nil {
            throw LedgerError.invalid(nil, "this field ledger holds the mission's admin keys (\(admins.joined(separator: ", "))): it adopts "
                                      + "definitions only in a bundle proved with one of them (a checkpoint and a list of the "
                                      + "definitions signed by an admin key); this one carries no proof, and whoever carried it could "
                                      + "have written it; nothing was adopted")
        }
        var adopted = 0
        for (index, (entry, signature, pointer)) in bundle.entries.enumerated() {
            if !Ledger.definitionKinds.contains(entry.kind) {
                if let evidence, entry.seq > evidenceStart {
                    try adoptEvidence(entry, bytes: bundle.bytes[index], signature: signature, path: bundle.proofs[index].path,
                                      pointer: pointer, context: evidence)
                }
                continue
            }
            guard entry.seq > after else {
                if let evidence {
                    try keepDefinition(entry, adoptedAs: nil, bytes: bundle.bytes[index], path: bundle.proofs[index].path,
                                       context: evidence)
                }
                continue
            }
            var adopter = Recorder(actor: entry.actor)
            if entry.version >= 2 {
                adopter.presentedClaim = entry.signedBytes()
                if let name = entry.signer {
                    var key: [UInt8]?
                    try db.forEach("SELECT public_key FROM keys WHERE name = ?", [name]) { key = $0.blob(0) }
                    guard let signature, let key else {
                        throw LedgerError.invalid(nil, "the definitions bundle, at \(pointer): entry \(entry.seq) is signed by key \(name), "
                                                  + "which the bundle did not register before it, or its signature is missing")
                    }
                    adopter.signer = ClaimSignature(keyName: name, publicKey: key, signature: signature)
                }
            }
            record(as: adopter)
            do {
                // Keys under the rules a key operation here follows: once there is an admin key, only an admin's signature
                // registers or revokes one.
                switch entry.payload {
                case .keyRegister(let registration):
                    _ = try register(registration, firstAdmin: registration.role == .admin && adminKeys().isEmpty)
                case .keyRevoke:
                    try checkSignerOnce()
                    let keys = try adminKeys()
                    if !keys.isEmpty { try requireAdminSigner(keys, to: "revoke a key") }
                    _ = try append(entry.payload)
                default:
                    _ = try append(entry.payload)
                }
            } catch let error as LedgerError {
                throw LedgerError(error.kind, "the definitions bundle, at \(pointer): mission entry \(entry.seq) cannot be adopted: "
                                  + "\(error.message)")
            }
            if let evidence {
                try keepDefinition(entry, adoptedAs: writer.seq, bytes: bundle.bytes[index], path: bundle.proofs[index].path,
                                   context: evidence)
            }
            adopted += 1
        }
        let proven = try bundle.provenSeq(in: db)
        let seq = max(after, proven.seq)
        try db.run("UPDATE field_origin SET mission_seq = ? WHERE id = 1", seq)
        var outcome = AdoptionOutcome(adopted: adopted, missionSeq: seq, proven: proven.proven)
        if let evidence {
            // provenSeq verified the checkpoint, the list and every inclusion proof: what was adopted is the mission's.
            try db.run("UPDATE field_origin SET evidence_seq = ? WHERE id = 1", max(evidenceStart, proven.seq))
            outcome.evidence = evidence.outcome
        }
        return outcome
    }
}
