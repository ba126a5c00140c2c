import AccordStorage

/// What an audit concluded.
public enum AuditOutcome: String, Sendable {
    /// Every check passed.
    case verified
    /// The content disagrees with itself or with a checkpoint: tampering or a bug.
    case tampered
    /// SQLite reports damage to the file itself.
    case corrupt
    /// A signature names a key the ledger does not know.
    case unverifiable
}

/// One failed check.
public struct AuditFinding: Sendable {
    /// How grave the failure is: tampered, corrupt or unverifiable.
    public var outcome: AuditOutcome
    /// The check that failed: integrity, index, schema, sequence, encoding, hash, chain, time,
    /// signature, key, merkle, projection, state, checkpoint, idempotency.
    public var check: String
    /// The first entry concerned, when there is one.
    public var seq: Int64?
    /// What is wrong, for a front end to render (``detail(_:)``).
    public var phrase: Phrase

    /// A finding of `check` (the check's name) about entry `seq` (nil: the ledger as a whole).
    public init(outcome: AuditOutcome, check: String, seq: Int64?, phrase: Phrase) {
        self.outcome = outcome
        self.check = check
        self.seq = seq
        self.phrase = phrase
    }

    /// A finding that says what an error said (its hint included).
    init(outcome: AuditOutcome, check: String, seq: Int64?, error: LedgerError) {
        self.init(outcome: outcome, check: check, seq: seq, phrase: "\(error)")
    }

    /// What is wrong, in a front end's terms.
    public func detail(_ phrasing: some Phrasing) -> String { phrase.rendered(phrasing) }

    /// `{"outcome", "check", "seq", "detail"}`.
    public func json(_ phrasing: some Phrasing) -> JSON {
        .object([("outcome", .string(outcome.rawValue)), ("check", .string(check)), ("seq", JSON(seq)),
                 ("detail", .string(detail(phrasing)))])
    }
}

/// The result of an audit.
public struct AuditReport: Sendable {
    /// The ledger file audited.
    public var path: String
    /// Entries in the journal.
    public var entries: Int64
    /// The Merkle root over every entry, lowercase hex; nil when there are none.
    public var root: String?
    /// The ledger's id from its first entry; nil when it could not be read.
    public var ledgerID: String?
    /// Checkpoints stored in the ledger, each checked against the journal.
    public var storedCheckpoints: Int
    /// Checkpoints given from outside the ledger, each checked against the journal.
    public var outsideCheckpoints: Int
    /// Whether the full check was asked for (the audit runs `integrity_check` either way).
    public var full: Bool
    /// Every failed check, in the order found; empty when the ledger passed.
    public var findings: [AuditFinding]

    /// A report of `path` (a file, or where a journal was read from) with what is known before anything is checked.
    public init(path: String, entries: Int64 = 0, root: String? = nil, ledgerID: String? = nil, storedCheckpoints: Int = 0,
                outsideCheckpoints: Int = 0, full: Bool = false, findings: [AuditFinding] = []) {
        self.path = path
        self.entries = entries
        self.root = root
        self.ledgerID = ledgerID
        self.storedCheckpoints = storedCheckpoints
        self.outsideCheckpoints = outsideCheckpoints
        self.full = full
        self.findings = findings
    }
    /// Entries whose recording time was set by the operator (a clock override),
    /// not taken from the clock: not tampering, but not evidence of time either.
    public var overriddenClock: Int64 = 0
    /// Whether evidence recorded after the first admin key had to be signed.
    public var requireSigned = false
    /// The entry that registered the ledger's first admin key (nil: none).
    public var adminSince: Int64?
    /// The admin keys the journal registered, in order.
    public var adminKeys: [AuditedKey] = []
    /// Evidence entries recorded after the first admin key, signed and unsigned.
    public var signedEvidence: Int64 = 0
    /// Evidence entries recorded after the first admin key without a signature.
    public var unsignedEvidence: Int64 = 0
    /// In a field ledger: the mission it was cloned from, and how many stored
    /// receipts, refusals and kept field checkpoints the `receipts` check
    /// verified (nil: not a field ledger).
    public var fieldAnswers: FieldAnswers?

    /// What a field ledger's `receipts` check verified.
    public struct FieldAnswers: Sendable, Equatable {
        /// The mission ledger's id, as the field ledger's origin says.
        public var mission: String
        /// Stored receipts whose checkpoint, inclusion proof and entry verified.
        public var receipts: Int
        /// Stored refusals whose signed note verified.
        public var refusals: Int
        /// Kept checkpoints of the field ledger's own bundles that match its journal.
        public var checkpoints: Int
        /// For a reviewer's field ledger: adopted copies of the mission's
        /// evidence whose receipt verified (nil: it takes no evidence).
        public var adopted: Int? = nil
    }

    /// The worst outcome found: corrupt, then tampered, then unverifiable.
    public var outcome: AuditOutcome {
        for outcome in [AuditOutcome.corrupt, .tampered, .unverifiable] where findings.contains(where: { $0.outcome == outcome }) {
            return outcome
        }
        return .verified
    }

    /// The report as JSON, the findings' details in a front end's terms.
    public func json(_ phrasing: some Phrasing) -> JSON {
        .object([
            ("outcome", .string(outcome.rawValue)), ("path", .string(path)), ("entries", .int(entries)),
            ("root", JSON(root)), ("ledgerId", JSON(ledgerID)), ("storedCheckpoints", .int(Int64(storedCheckpoints))),
            ("outsideCheckpoints", .int(Int64(outsideCheckpoints))), ("full", .bool(full)),
            ("firstFailure", findings.first?.json(phrasing) ?? .null), ("findings", .array(findings.map { $0.json(phrasing) })),
            ("overriddenClock", .int(overriddenClock)), ("requireSigned", .bool(requireSigned)),
            ("admin", adminSince.map { since in
                .object([
                    ("since", .int(since)),
                    ("keys", .array(adminKeys.map { key in
                        .object([("name", .string(key.name)), ("keyId", .string(key.keyID)), ("registered", .int(key.registered)),
                                 ("revoked", JSON(key.revoked))])
                    })),
                    ("signedEvidence", .int(signedEvidence)), ("unsignedEvidence", .int(unsignedEvidence)),
                ])
            } ?? .null),
        ])
    }
}
