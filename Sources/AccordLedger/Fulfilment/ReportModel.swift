/// Where a commitment stands. The JSON strings are these raw values.
public enum FulfilmentStatus: String, Sendable, CaseIterable {
    case notYetDue = "not_yet_due"
    case unverified
    case inProgress = "in_progress"
    case fulfilled
    case overdue
    case breached
    case disputed
    case blocked
    case withdrawn
}

/// Where a guarantee stands.
public enum GuaranteeStatus: String, Sendable, CaseIterable {
    /// No confirmed breach of a covered commitment.
    case dormant
    /// A confirmed breach; the response time is running.
    case triggered
    /// The guarantor invoked it within the response time.
    case invoked
    /// The response time passed without an invocation.
    case lapsed
}

/// The state of the ledger a report was computed from.
public struct LedgerStamp: Sendable, Equatable {
    /// The last entry the report reflects.
    public var seq: Int64
    /// The Merkle tree size (equal to `seq`) and its root.
    public var treeSize: Int64
    public var root: String
    /// The ledger's unique id.
    public var ledgerID: String
}

/// One commitment in a report.
public struct CommitmentReport: Sendable, Equatable {
    public var id: String
    public var agreement: String
    public var party: String
    public var kind: CommitmentKind
    public var target: Int64?
    public var unit: String?
    /// Counted quantity (quantity), 1 or 0 (action: done), nil (restraint).
    public var verified: Int64?
    /// In [0, 1]; nil when withdrawn.
    public var rate: Double?
    public var status: FulfilmentStatus
    public var due: Moment?
    public var from: Moment?
    public var until: Moment?
    public var reciprocal: String?
    /// Distinct sources behind the counted evidence.
    public var sources: Int
    /// Counted breaches.
    public var breaches: Int64
    public var dependsOn: [String]
    /// The dependencies that are not fulfilled (when blocked).
    public var blockedBy: [String]
    /// Records below the confidence threshold that were left out.
    public var leftOut: Int64
    /// True when the due date (or window end) is on or before the report's date.
    public var isDue: Bool
    public var text: String?
}

public struct PartyReport: Sendable, Equatable {
    public var party: String
    public var name: String
    public var commitments: Int
    public var due: Int
    public var fulfilled: Int
    public var breached: Int
    public var rate: Double?
}

public struct AgreementReport: Sendable, Equatable {
    public var id: String
    public var title: String
    public var commitments: Int
    public var due: Int
    public var fulfilled: Int
    public var rate: Double?
    /// Peace Accords Matrix scale: 0 not initiated, 1 minimal, 2 intermediate, 3 full.
    public var pamScore: Int?
}

public struct GuaranteeReport: Sendable, Equatable {
    public var id: String
    public var guarantor: String
    public var status: GuaranteeStatus
    public var covers: [String]
    public var consequence: String
    public var respondWithinDays: Int64
    /// The day of the first confirmed breach of a covered commitment.
    public var triggeredOn: Moment?
    /// The last day the guarantor could respond.
    public var respondBy: Moment?
    /// The first invocation within the response time (or after, when lapsed).
    public var invokedOn: Moment?
}

public struct GuarantorReport: Sendable, Equatable {
    public var party: String
    public var guarantees: Int
    public var triggered: Int
    public var invoked: Int
    public var lapsed: Int
    /// Triggered guarantees still inside their response time.
    public var pending: Int
    /// invoked / (invoked + lapsed); nil when none has been decided.
    public var followThrough: Double?
}

public struct Tranche: Sendable, Equatable {
    public var date: Moment
    public var a: Int64
    public var b: Int64
}

public struct ReciprocityReport: Sendable, Equatable {
    public var a: String
    public var b: String
    public var unit: String?
    public var targetA: Int64?
    public var targetB: Int64?
    public var tranches: [Tranche]
    public var totalA: Int64
    public var totalB: Int64
    /// totalA − totalB.
    public var balance: Int64
}

/// A fulfilment report: every number in it is reproducible from the stamp,
/// the date and the threshold.
public struct Report: Sendable, Equatable {
    /// The world date the report evaluates.
    public var at: Moment
    public var minConfidence: Confidence
    public var ledger: LedgerStamp
    public var agreementFilter: String?
    public var partyFilter: String?
    public var commitments: [CommitmentReport]
    public var parties: [PartyReport]
    public var agreements: [AgreementReport]
    public var guarantees: [GuaranteeReport]
    public var guarantors: [GuarantorReport]
    public var reciprocity: [ReciprocityReport]
}
