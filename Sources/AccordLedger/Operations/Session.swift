import AccordStorage

/// Who is recording, and with which key, if any.
public struct Recorder: Sendable {
    /// The recording actor written into each entry.
    public var actor: String
    /// Signs each entry with a registered key.
    public var signer: EntrySigner?
    /// The claim the entry must make, byte for byte, when it was made
    /// elsewhere (an entry pushed from a field ledger, a definition adopted
    /// from the mission): the write is refused if the fields the ledger
    /// builds now make another claim. Its tag decides the entry's format
    /// (version 3 for a portable claim).
    public var presentedClaim: [UInt8]?

    /// A recorder writing as `actor`, signing with `signer` (nil: unsigned).
    public init(actor: String, signer: EntrySigner? = nil, presentedClaim: [UInt8]? = nil) {
        self.actor = actor
        self.signer = signer
        self.presentedClaim = presentedClaim
    }
}

/// What a write did.
public enum Recorded: Sendable, Equatable {
    /// A new entry was appended.
    case added(seq: Int64, kind: EntryKind)
    /// The same content was already recorded at this seq; nothing was written.
    case alreadyPresent(seq: Int64)

    /// The entry's seq, new or already present.
    public var seq: Int64 {
        switch self {
        case .added(let seq, _), .alreadyPresent(let seq): seq
        }
    }
}

/// A signer found good by ``Session/checkSigner()``: its key, the public key it gave, the actor it signed as —
/// names as bytes: Swift's `String` equality is Unicode equivalence, and a key or actor name is matched exactly.
struct CheckedSigner: Hashable {
    var name: [UInt8]
    var publicKey: [UInt8]?
    var actor: [UInt8]
}

/// One write transaction on the ledger: appends entries and answers the
/// questions validation needs about the state the transaction sees.
final class Session {
    let db: Database
    let writer: JournalWriter
    /// Who records the entries appended now: in a batch, each write's own (``record(as:)``).
    private(set) var recorder: Recorder
    /// The recording time, and whose clock gave it.
    let now: Timestamp
    let clock: RecordingClock
    /// Commitments already looked up in this transaction (see ``commitmentFacts(_:)``).
    var knownCommitments: [String: CommitmentFacts] = [:]
    /// Commitments' terms over time, read once per transaction (see ``commitmentTerms(_:)``).
    var knownTerms: [String: (commitment: Commitment, snapshot: Snapshot)] = [:]
    static let knownCommitmentLimit = 100_000
    private var externalIDStatement: Statement?
    /// The savepoint of the batch operation under way, if any (``attempt(isolated:_:)``).
    var isolation = OperationIsolation()
    /// The first characters of the ledger's id, once an id needed them.
    var ledgerPrefix: String?
    /// The ledger's id, once read (``ledgerID()``).
    var knownLedgerID: String?
    /// Whether this is a field ledger, once read (``isFieldLedger()``).
    var knownField: Bool?
    /// While replaying a field ledger's claim: a reference is a name (an
    /// external id, or this ledger's derived id), never a seq, which would
    /// be the field ledger's.
    var namesOnly = false

    init(db: Database, recorder: Recorder, now: Timestamp, clock: RecordingClock = .system, rebuilding: Bool = false) throws {
        self.db = db
        self.writer = try JournalWriter(db: db, rebuilding: rebuilding)
        self.recorder = recorder
        self.now = now
        self.clock = clock
    }

    private var signerChecked = false
    /// The signers (key, public key, actor) already found good in this
    /// transaction, when ``remembersSignerChecks``: a batch's writes (a push
    /// bundle's entries) mostly share one, and a batch writes no key entry.
    private var checkedSigners: Set<CheckedSigner> = []
    /// Set by a batch of ``LedgerOperation``s, none of which registers or
    /// revokes a key: a signer found good once stays good for the transaction.
    var remembersSignerChecks = false

    /// Records what follows as `recorder` (its actor already validated): a
    /// batch's writes each have their own. Its key is checked again before
    /// its first append.
    func record(as recorder: Recorder) {
        self.recorder = recorder
        signerChecked = false
    }

    /// Checks the recorder's key and actor (``checkSigner()``) once per transaction.
    func checkSignerOnce() throws {
        guard !signerChecked else { return }
        guard remembersSignerChecks, let signer = recorder.signer else {
            try checkSigner()
            signerChecked = true
            return
        }
        let checked = CheckedSigner(name: Array(signer.keyName.utf8), publicKey: signer.verifyingKey, actor: Array(recorder.actor.utf8))
        if !checkedSigners.contains(checked) {
            try checkSigner()
            checkedSigners.insert(checked)
        }
        signerChecked = true
    }

    /// Appends an entry (hashed, chained, signed if a signer was given) and projects it.
    func append(_ payload: Payload) throws -> Recorded {
        try checkSignerOnce()
        let version = try entryVersion()
        let claim = recorder.signer == nil && recorder.presentedClaim == nil
            ? nil : try self.claim(payload, actor: recorder.actor, version: version)
        if let presented = recorder.presentedClaim, presented != claim {
            throw LedgerError.invalid(.claim, "the entry this ledger would record now differs from the claim it was sent"
                                      + "\(Session.differences(presented, payload)); nothing was written")
        }
        // A claim signed elsewhere is recorded once: sent again (a retry, or
        // a copy of the signature read from the journal), it is the entry
        // that holds it. Verified first, so a copied signature over other
        // fields is refused, not answered with someone else's entry.
        if let signer = recorder.signer, let given = signer.presentedSignature, let claim {
            _ = try signer.sign(claim)
            let ledgerID = try ledgerID()
            if let held = try writer.entries(signedWith: given).first(where: { entry in
                try entry.signer == signer.keyName && entry.version >= 2
                    && entry.signedBytes(naming: { try Ledger.referenceName(of: $0, in: db, ledgerID: ledgerID) }) == claim
            }) {
                return .alreadyPresent(seq: held.seq)
            }
        }
        // A quantity that would take its commitment's evidence past the largest total is refused before it is
        // written (so an import's row, or a write of a group, is refused alone).
        if case .verification(let verification) = payload, case .quantity(let quantity) = verification.measure {
            try writer.projector.checkRoom(for: verification.commitment, adding: quantity.units)
        }
        try willWrite()
        let entry = try writer.append(payload, actor: recorder.actor, signer: recorder.signer, at: now, clock: clock,
                                      version: version, claim: claim)
        // What a correction, a ruling or a void comes to is known once it is projected: checked then, undone with
        // the write (its savepoint in a batch; these writes always have one, or its transaction).
        switch payload {
        case .correction, .adjudication, .void: try writer.projector.checkLargestTotals()
        default: break
        }
        return .added(seq: entry.seq, kind: entry.kind)
    }

    /// The format of the entry appended now: the presented claim's, else
    /// version 3 (portable claims) in a field ledger, else version 2.
    func entryVersion() throws -> UInt8 {
        if let presented = recorder.presentedClaim { return presented.starts(with: Entry.portableClaimTag) ? 3 : 2 }
        return try isFieldLedger() ? 3 : Entry.formatVersion
    }

    /// Whether this ledger was cloned from a mission ledger (it has a ``FieldOrigin``).
    func isFieldLedger() throws -> Bool {
        if let knownField { return knownField }
        let field = try db.scalarInt("SELECT count(*) FROM field_origin") ?? 0 > 0
        knownField = field
        return field
    }

    /// In a field ledger, the id a record or corroboration recorded without
    /// one gets: `<ledger id prefix>:<seq>`, the id an export would give it,
    /// made part of the entry so that it names it in the mission ledger too.
    /// An id given in a field ledger may not have that form with another
    /// ledger's prefix: in the mission ledger it would name another entry.
    func fieldExternalID(_ given: String?) throws -> String? {
        guard try isFieldLedger() else { return given }
        let own = String(try ledgerID().prefix(Ledger.derivedIDPrefixLength))
        guard let given else { return Ledger.derivedID(ledgerID: own, seq: writer.seq + 1) }
        let parts = given.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].utf8.count == Ledger.derivedIDPrefixLength, String(parts[0]) != own,
           TextRules.seq(String(parts[1])) != nil {
            throw LedgerError.invalid(.externalID, "id \(TextRules.printable(given)) has the form of an id another ledger gives its "
                                      + "entries (8 characters, ':', a seq); on a field ledger give another id")
        }
        return given
    }

    /// " (sent → here: field a → b; …)" for a presented claim that differs from the payload built now.
    static func differences(_ presented: [UInt8], _ payload: Payload) -> String {
        guard let claim = try? Claim(decoding: presented) else { return "" }
        let differences = PayloadFields.differences(from: claim.payload, to: payload)
        return differences.isEmpty ? "" : " (sent → here: " + differences.joined(separator: "; ") + ")"
    }

    /// The statement that finds the record an external id names (looked up once per row in an import).
    func externalIDLookup() throws -> Statement {
        if let externalIDStatement { return externalIDStatement }
        let statement = try db.cached("SELECT record FROM external_ids WHERE id = ?")
        externalIDStatement = statement
        return statement
    }

    /// The entry at `seq`, decoded from the journal (or, for the entry this
    /// transaction appended last, which is written when it ends, from memory).
    func entry(_ seq: Int64) throws -> Entry? {
        if let pending = writer.pendingEntry(seq) { return pending }
        return try Ledger.entry(seq, in: db)
    }

    /// When `existing` holds the same payload, nothing to do; otherwise a clear refusal.
    func unchanged(_ payload: Payload, existing seq: Int64, what: String, id: String? = nil) throws -> Recorded {
        try unchanged(payload, stored: try entry(seq), seq: seq, what: what, id: id)
    }

    /// As ``unchanged(_:existing:what:)``, with the entry at `seq` already decoded.
    /// - Throws: ``LedgerError`` `.badInput` carrying an ``IDConflict`` that
    ///   says field by field what differs.
    func unchanged(_ payload: Payload, stored entry: Entry?, seq: Int64, what: String, id: String? = nil) throws -> Recorded {
        guard let entry else {
            throw LedgerError(.tampered, "\(what) points at entry \(seq), which is missing", hint: .audit)
        }
        guard entry.payload == payload else {
            var conflict = IDConflict(what: what, seq: seq, differences: PayloadFields.differences(from: entry.payload, to: payload))
            switch entry.payload {
            case .verification, .breach: conflict.correctable = id
            case .corroboration: conflict.retractable = id
            default: break
            }
            throw LedgerError(conflict: conflict)
        }
        try checkPresentedSignature(payload)
        return .alreadyPresent(seq: seq)
    }

    /// A signature sent with a write that turns out to be already recorded
    /// is checked all the same: "already recorded" never answers a signature
    /// that does not verify over the claim these fields make.
    /// - Throws: ``LedgerError`` `.invalid(.signature)`.
    func checkPresentedSignature(_ payload: Payload) throws {
        guard let signer = recorder.signer, signer.presentedSignature != nil else { return }
        _ = try signer.sign(try claim(payload, actor: recorder.actor, version: try entryVersion()))
    }
}

extension Ledger {
    /// Runs `body` in one write transaction with a journal session. Nothing is
    /// written unless `body` returns normally.
    /// - Throws: ``LedgerError`` `.invalid(.actor)` when the recorder's actor is
    ///   not one line of text; it is written in NFC, like all text in an entry.
    func transact<T>(_ recorder: Recorder, _ body: (Session) throws -> T) throws -> T {
        try transactCommitting(recorder, body).result
    }

    /// As ``transact(_:_:)``, also returning what the transaction appended.
    ///
    /// The recording time is the ledger's clock (marked in each entry as
    /// overridden when it is not the system clock). A time, or a last entry,
    /// later than the system clock by more than ``Timestamp/allowedSkewMilliseconds``
    /// is refused: an entry is never recorded in the future.
    func transactCommitting<T>(_ recorder: Recorder, _ body: (Session) throws -> T) throws -> (result: T, commit: JournalCommit?) {
        var recorder = recorder
        recorder.actor = try Ledger.validateActor(recorder.actor)
        let time = try settings.clock.reading()
        let limit = Timestamp(milliseconds: time.system.milliseconds + Timestamp.allowedSkewMilliseconds)
        if time.time > limit {
            throw LedgerError.invalid(.recordedAt, "\(time.source ?? "the clock") (\(time.time.iso8601)) is later than this "
                                      + "machine's clock (\(time.system.iso8601)); an entry is never recorded in the future")
        }
        return try LedgerError.translating {
            try database.write { db in
                try Ledger.requireUnalteredSchema(db)
                let session = try Session(db: db, recorder: recorder, now: time.time, clock: time.clock)
                if let last = session.writer.lastRecorded, last > limit {
                    throw LedgerError(.tampered, "the journal's last entry is recorded at \(last.iso8601), later than this "
                                      + "machine's clock (\(time.system.iso8601)): the ledger or the clock is wrong; "
                                      + "nothing was written")
                }
                let result = try body(session)
                let commit = try session.writer.finish()
                return (result, commit)
            }
        }
    }

    /// Decodes the journal entry at `seq`.
    static func entry(_ seq: Int64, in db: Database) throws -> Entry? {
        let statement = try db.cached("SELECT entry FROM journal WHERE seq = ?")
        try statement.bind(seq, at: 1)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        let bytes = statement.blob(0)
        do {
            return try Entry.decode(bytes)
        } catch {
            throw LedgerError(.tampered, "journal entry \(seq) cannot be decoded (\(error))", hint: .audit)
        }
    }
}
