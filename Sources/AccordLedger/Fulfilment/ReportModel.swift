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

/// Where a guarantee stands: the state of its latest trigger.
public enum GuaranteeStatus: String, Sendable, CaseIterable {
    /// No counted breach of a covered commitment.
    case dormant
    /// A trigger is open; the response time is running.
    case triggered
    /// The guarantor invoked it within the response time.
    case invoked
    /// The guarantor invoked it after the response time.
    case invokedLate = "invoked_late"
    /// The response time passed without an invocation.
    case lapsed
}

/// How one trigger ended (or that it is still open).
public enum TriggerOutcome: String, Sendable, CaseIterable {
    case open
    case invoked
    case invokedLate = "invoked_late"
    case lapsed
}

/// One trigger of a guarantee: the counted breach that opened it, and the answer.
public struct TriggerReport: Sendable, Equatable {
    /// The breach record (its first entry's seq) that opened it.
    public var breach: Int64
    public var triggeredOn: Moment
    /// The last day the guarantor could answer in time.
    public var respondBy: Moment
    public var invokedOn: Moment?
    public var outcome: TriggerOutcome
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
    /// True when the commitment counts among the due: its due date (or
    /// window end) is on or before the report's date, or its outcome is
    /// already decided (breached, or fulfilled early).
    public var isDue: Bool
    public var text: String?
    /// When fulfilled: whether after its due date, and by how many days.
    public var late: Bool?
    public var daysLate: Int64?
    /// When fulfilled late, the day it was fulfilled (the counted evidence
    /// reached its target, or an action was done); nil otherwise.
    public var fulfilledOn: Moment?
    /// Decimal places of its quantities.
    public var decimals: UInt8 = 0
}

public struct PartyReport: Sendable, Equatable {
    public var party: String
    public var name: String
    public var commitments: Int
    public var due: Int
    public var fulfilled: Int
    public var breached: Int
    public var rate: Double?
    /// Of `fulfilled`: on time, and late (the Peace Accords Matrix's "implemented late").
    public var fulfilledOnTime = 0
    public var fulfilledLate = 0
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
    public var fulfilledOnTime = 0
    public var fulfilledLate = 0
}

public struct GuaranteeReport: Sendable, Equatable {
    public var id: String
    public var guarantor: String
    public var status: GuaranteeStatus
    public var covers: [String]
    public var consequence: String
    public var respondWithinDays: Int64
    /// The latest trigger's day, deadline and answer.
    public var triggeredOn: Moment?
    public var respondBy: Moment?
    public var invokedOn: Moment?
    /// Every trigger, in order.
    public var triggers: [TriggerReport] = []
}

public struct GuarantorReport: Sendable, Equatable {
    public var party: String
    public var guarantees: Int
    /// Triggers, over all its guarantees.
    public var triggered: Int
    /// Triggers answered within the response time.
    public var invoked: Int
    public var lapsed: Int
    /// Triggers still inside their response time.
    public var pending: Int
    /// Triggers answered after the response time (not followed through).
    public var invokedLate = 0
    /// invoked ÷ (invoked + invoked late + lapsed); nil when none has been decided.
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
    /// Decimal places of the quantities (both sides count the same unit).
    public var decimals: UInt8 = 0
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
