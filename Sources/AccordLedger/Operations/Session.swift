import AccordStorage

/// Who is recording, and with which key, if any.
public struct Recorder {
    /// The recording actor written into each entry.
    public var actor: String
    /// Signs each entry with a registered key.
    public var signer: EntrySigner?

    public init(actor: String, signer: EntrySigner? = nil) {
        self.actor = actor
        self.signer = signer
    }
}

/// What a write did.
public enum Recorded: Sendable, Equatable {
    /// A new entry was appended.
    case added(seq: Int64, kind: EntryKind)
    /// The same content was already recorded at this seq; nothing was written.
    case alreadyPresent(seq: Int64)

    public var seq: Int64 {
        switch self {
        case .added(let seq, _), .alreadyPresent(let seq): seq
        }
    }
}

/// One write transaction on the ledger: appends entries and answers the
/// questions validation needs about the state the transaction sees.
final class Session {
    let db: Database
    let writer: JournalWriter
    let recorder: Recorder
    let now: Timestamp
    /// Commitments already looked up in this transaction (see ``commitmentFacts(_:)``).
    var knownCommitments: [String: CommitmentFacts] = [:]
    static let knownCommitmentLimit = 100_000
    private var externalIDStatement: Statement?

    init(db: Database, recorder: Recorder, now: Timestamp) throws {
        self.db = db
        self.writer = try JournalWriter(db: db)
        self.recorder = recorder
        self.now = now
    }

    private var signerChecked = false

    /// Appends an entry (hashed, chained, signed if a signer was given) and projects it.
    func append(_ payload: Payload) throws -> Recorded {
        if !signerChecked {
            try checkSigner()
            signerChecked = true
        }
        let entry = try writer.append(payload, actor: recorder.actor, signer: recorder.signer, at: now)
        return .added(seq: entry.seq, kind: entry.kind)
    }

    /// The statement that finds the record an external id names (looked up once per row in an import).
    func externalIDLookup() throws -> Statement {
        if let externalIDStatement { return externalIDStatement }
        let statement = try db.cached("SELECT record FROM external_ids WHERE id = ?")
        externalIDStatement = statement
        return statement
    }

    /// The entry at `seq`, decoded from the journal.
    func entry(_ seq: Int64) throws -> Entry? {
        try Ledger.entry(seq, in: db)
    }

    /// When `existing` holds the same payload, nothing to do; otherwise a clear refusal.
    func unchanged(_ payload: Payload, existing seq: Int64, what: String) throws -> Recorded {
        try unchanged(payload, stored: try entry(seq), seq: seq, what: what)
    }

    /// As ``unchanged(_:existing:what:)``, with the entry at `seq` already decoded.
    func unchanged(_ payload: Payload, stored entry: Entry?, seq: Int64, what: String) throws -> Recorded {
        guard let entry else {
            throw LedgerError(.tampered, "\(what) points at entry \(seq), which is missing; run `accord audit`")
        }
        guard entry.payload == payload else {
            throw LedgerError.badInput("\(what) already exists (entry \(seq)) with different content; "
                                       + "choose another id, or correct the existing record")
        }
        return .alreadyPresent(seq: seq)
    }
}

extension Ledger {
    /// Runs `body` in one write transaction with a journal session. Nothing is
    /// written unless `body` returns normally.
    /// - Throws: ``LedgerError`` `.badInput` when the recorder's actor is not
    ///   one line of text; it is written in NFC, like all text in an entry.
    func transact<T>(_ recorder: Recorder, _ body: (Session) throws -> T) throws -> T {
        var recorder = recorder
        recorder.actor = try Ledger.validateActor(recorder.actor)
        let now = try Timestamp.now()
        return try LedgerError.translating {
            try database.write { db in
                try Ledger.requireUnalteredSchema(db)
                let session = try Session(db: db, recorder: recorder, now: now)
                let result = try body(session)
                try session.writer.finish()
                return result
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
            throw LedgerError(.tampered, "journal entry \(seq) cannot be decoded (\(error)); run `accord audit`")
        }
    }
}
