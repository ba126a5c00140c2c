import AccordTrust

/// Where a field ledger came from: the mission ledger it was cloned from,
/// the mission seq its definitions are as of, and the remote it pushes to.
public struct FieldOrigin: Sendable, Equatable {
    /// The mission ledger's id.
    public var missionID: String
    /// The mission seq the field ledger's definitions are as of (its last pull).
    public var missionSeq: Int64
    /// The server it was cloned from (nil: cloned from a bundle file).
    public var remote: String?
    /// For a reviewer's field ledger, the mission seq the mission's evidence
    /// it adopted is as of; nil when it takes none.
    public var evidenceSeq: Int64? = nil
}

/// One local evidence entry of a field ledger and what became of it.
public struct PushStatus: Sendable, Equatable {
    /// Where it stands.
    public enum State: String, Sendable {
        /// Not yet acknowledged by the mission ledger.
        case pending
        /// Recorded by the mission ledger: a verified receipt is stored.
        case accepted
        /// Refused by the mission ledger, or not sent because it refers to an
        /// entry that was (``reason`` says why).
        case refused
        /// Refused (or not sent), then voided here: nothing more to do.
        case voided
        /// A void here of an entry the mission ledger never recorded: kept
        /// here only, nothing to send.
        case local
    }
    /// The entry's local seq.
    public var seq: Int64
    /// The entry's kind.
    public var kind: EntryKind
    /// The record's external id, if it has one.
    public var externalID: String?
    /// Where it stands.
    public var state: State
    /// The mission seq, when accepted.
    public var missionSeq: Int64?
    /// Why it was refused, when refused.
    public var reason: String?
}

/// What applying a bundle of field entries to the mission ledger came to.
public struct BundleOutcome: Sendable {
    /// The receipts document for the field ledger (JSON bytes, docs/JOURNAL.md "Bundles").
    public var receipts: [UInt8]
    /// Entries newly recorded.
    public var recorded: Int
    /// Entries the mission ledger already held (a bundle applied again).
    public var alreadyRecorded: Int
    /// Entries refused, by local seq, with the reason.
    public var refused: [(seq: Int64, reason: String)]
}

/// What taking a receipts document back into the field ledger came to.
public struct ReceiptsOutcome: Sendable, Equatable {
    /// Receipts verified and stored now.
    public var accepted: Int
    /// Receipts already stored.
    public var alreadyStored: Int
    /// Refusals stored (entries the mission refused).
    public var refused: Int

    /// The counts of one receipts document (a push adds up several).
    public init(accepted: Int = 0, alreadyStored: Int = 0, refused: Int = 0) {
        self.accepted = accepted
        self.alreadyStored = alreadyStored
        self.refused = refused
    }
}

/// What adopting a definitions bundle (clone or pull) came to.
public struct AdoptionOutcome: Sendable, Equatable {
    /// Definitions newly recorded in the field ledger.
    public var adopted: Int
    /// The mission seq the field ledger is now as of.
    public var missionSeq: Int64
    /// Whether the bundle proved its definitions and that seq: a mission
    /// checkpoint signed by an admin key the field ledger holds, and each
    /// definition's inclusion proof in it. Otherwise they are as carried, and
    /// the seq is that of the last definition.
    public var proven: Bool
    /// With the mission's evidence (a reviewer's pull): what became of it; nil otherwise.
    public var evidence: EvidenceOutcome? = nil
}

/// What adopting the mission's evidence into a reviewer's field ledger came to.
public struct EvidenceOutcome: Sendable, Equatable {
    /// Entries of other monitors (or of the mission itself) adopted as read-only copies.
    public var adopted = 0
    /// This ledger's own entries found recorded (their receipts stored now, as a push would).
    public var recovered = 0
    /// Entries not adopted, by mission seq, each with the reason.
    public var skipped: [Skipped] = []

    /// An entry not adopted.
    public struct Skipped: Sendable, Equatable {
        /// Its mission seq.
        public var missionSeq: Int64
        /// Why it was not adopted.
        public var reason: String
    }
}
