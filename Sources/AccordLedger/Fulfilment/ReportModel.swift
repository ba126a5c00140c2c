/// Where a commitment stands. The JSON strings are these raw values.
public enum FulfilmentStatus: String, Sendable, CaseIterable {
    /// Its window opens after the report's date, and nothing has decided it yet.
    case notYetDue = "not_yet_due"
    /// No counted evidence of progress (nothing at or above the confidence threshold).
    case unverified
    /// Counted evidence short of the target (a restraint: its window running without a breach).
    case inProgress = "in_progress"
    /// The counted evidence reached the target, the action was done, or a restraint's window ended without a breach.
    case fulfilled
    /// Past its due date without being fulfilled (never a restraint).
    case overdue
    /// A counted breach was recorded against it.
    case breached
    /// Evidence about it is disputed and not yet adjudicated.
    case disputed
    /// A commitment it depends on is not fulfilled (``CommitmentReport/blockedBy``).
    case blocked
    /// Withdrawn by an entry: no longer counted among the due.
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
    /// Still inside its response time, not yet invoked.
    case open
    /// Invoked within the response time.
    case invoked
    /// Invoked after the response time.
    case invokedLate = "invoked_late"
    /// The response time passed without an invocation.
    case lapsed
}

/// One trigger of a guarantee: the counted breach that opened it, and the answer.
public struct TriggerReport: Sendable, Equatable {
    /// The breach record (its first entry's seq) that opened it.
    public var breach: Int64
    /// The observed day of the breach that opened it.
    public var triggeredOn: Moment
    /// The last day the guarantor could answer in time.
    public var respondBy: Moment
    /// The day the guarantor invoked the guarantee for it; nil when not (yet) invoked.
    public var invokedOn: Moment?
    /// How it ended, or that it is still open.
    public var outcome: TriggerOutcome
}

/// The state of the ledger a report was computed from.
public struct LedgerStamp: Sendable, Equatable {
    /// The last entry the report reflects.
    public var seq: Int64
    /// The Merkle tree size (equal to `seq`) and its root.
    public var treeSize: Int64
    /// The Merkle root at ``treeSize``, lowercase hex.
    public var root: String
    /// The ledger's unique id.
    public var ledgerID: String
    /// When the ledger is a field ledger: what it is a copy of.
    public var fieldCopy: FieldCopy? = nil
}

/// What a field ledger holds: the mission's definitions as of a mission seq
/// (the ledger's own statement, `field_origin`: not tamper-evident) plus its
/// monitors' local entries.
public struct FieldCopy: Sendable, Equatable {
    /// The mission ledger's id.
    public var missionID: String
    /// The mission seq the definitions are as of.
    public var missionSeq: Int64
    /// Local evidence entries.
    public var localEntries: Int64
    /// Of those, how many the mission has not acknowledged (no receipt).
    public var unacknowledged: Int64
    /// For a reviewer's field ledger: the mission's evidence entries it
    /// adopted as read-only copies, each proved by the mission's receipt; nil otherwise.
    public var missionEvidence: Int64? = nil
    /// For a reviewer's field ledger: the mission seq its adopted evidence is as of (as the file says).
    public var evidenceSeq: Int64? = nil
    /// For a reviewer's field ledger: the mission's evidence entries it did not adopt (as the file says).
    public var notAdopted: Int64 = 0

    /// "a field copy of mission 3f2a9c1e… as of mission seq 12 (as this file says) plus 5 local entries (2 not yet acknowledged …)",
    /// and for a reviewer's "…, with 40 entries of the mission's evidence as of mission seq 12 (as this file says; read-only copies, each
    /// with the mission's receipt)", saying how many were not adopted, if any. The seqs are the file's word, which
    /// the audit does not check (the receipts it does).
    public var phrase: String {
        var text = "a field copy of mission \(missionID.prefix(8))… as of mission seq \(missionSeq) (as this file says) plus "
            + "\(localEntries) local entr\(localEntries == 1 ? "y" : "ies") (\(unacknowledged) not yet acknowledged by the mission)"
        if let missionEvidence {
            text += ", with \(missionEvidence) entr\(missionEvidence == 1 ? "y" : "ies") of the mission's evidence as of mission seq "
                + "\(evidenceSeq ?? missionSeq) (as this file says; read-only copies, each with the mission's receipt"
                + (notAdopted > 0 ? "; \(notAdopted) more not adopted, as this file says, so this may differ from the mission's: pull said why"
                   : "") + ")"
        }
        return text
    }
}

/// One commitment in a report.
public struct CommitmentReport: Sendable, Equatable {
    /// The commitment's id.
    public var id: String
    /// The id of the agreement it belongs to.
    public var agreement: String
    /// The id of the party that committed.
    public var party: String
    /// Quantity, action or restraint.
    public var kind: CommitmentKind
    /// The target of a quantity commitment, in units of 10^-``decimals`` of ``unit``; nil for an action or restraint.
    public var target: Int64?
    /// What the target counts (`prisoners`, `km`); nil for an action or restraint.
    public var unit: String?
    /// Counted quantity (quantity), 1 or 0 (action: done), nil (restraint).
    public var verified: Int64?
    /// In [0, 1]; nil when withdrawn.
    public var rate: Double?
    /// Where it stands on the report's date.
    public var status: FulfilmentStatus
    /// The day it is due by; nil when it has no due date (a window, a restraint).
    public var due: Moment?
    /// The first day of its window; nil when it has none.
    public var from: Moment?
    /// The last day of its window; nil when it has none.
    public var until: Moment?
    /// The id of the commitment it is reciprocal with; nil when none.
    public var reciprocal: String?
    /// Distinct sources behind the counted evidence.
    public var sources: Int
    /// Counted breaches.
    public var breaches: Int64
    /// The ids of the commitments it depends on (empty when none).
    public var dependsOn: [String]
    /// The dependencies that are not fulfilled (when blocked).
    public var blockedBy: [String]
    /// Records below the confidence threshold that were left out.
    public var leftOut: Int64
    /// True when the commitment counts among the due: its due date (or
    /// window end) is on or before the report's date, or its outcome is
    /// already decided (breached, or fulfilled early).
    public var isDue: Bool
    /// The commitment's wording in the agreement; nil when not recorded.
    public var text: String?
    /// When fulfilled: whether after its due date, and by how many days.
    public var late: Bool?
    /// Days between the due date and ``fulfilledOn`` when fulfilled late; nil otherwise.
    public var daysLate: Int64?
    /// When fulfilled late, the day it was fulfilled (the counted evidence
    /// reached its target, or an action was done); nil otherwise.
    public var fulfilledOn: Moment?
    /// Decimal places of its quantities.
    public var decimals: UInt8 = 0
}

/// One party's commitments in a report, counted.
public struct PartyReport: Sendable, Equatable {
    /// The party's id.
    public var party: String
    /// The party's name on the terms in force.
    public var name: String
    /// Its commitments in scope (withdrawn ones included).
    public var commitments: Int
    /// Of those, the ones counted among the due (``CommitmentReport/isDue``).
    public var due: Int
    /// Of the due, the fulfilled ones.
    public var fulfilled: Int
    /// Of the due, the breached ones.
    public var breached: Int
    /// fulfilled ÷ due, in [0, 1]; nil when none is due.
    public var rate: Double?
    /// Of `fulfilled`: on time, and late (the Peace Accords Matrix's "implemented late").
    public var fulfilledOnTime = 0
    /// Of `fulfilled`, those fulfilled after their due date.
    public var fulfilledLate = 0
}

/// One agreement's commitments in a report, counted.
public struct AgreementReport: Sendable, Equatable {
    /// The agreement's id.
    public var id: String
    /// Its title on the terms in force.
    public var title: String
    /// Its commitments in scope (withdrawn ones included).
    public var commitments: Int
    /// Of those, the ones counted among the due.
    public var due: Int
    /// Of the due, the fulfilled ones.
    public var fulfilled: Int
    /// fulfilled ÷ due, in [0, 1]; nil when none is due.
    public var rate: Double?
    /// Peace Accords Matrix scale: 0 not initiated, 1 minimal, 2 intermediate, 3 full.
    public var pamScore: Int?
    /// Of `fulfilled`, those fulfilled by their due date.
    public var fulfilledOnTime = 0
    /// Of `fulfilled`, those fulfilled after their due date.
    public var fulfilledLate = 0
}

/// One guarantee in a report: what it covers and where its triggers stand.
public struct GuaranteeReport: Sendable, Equatable {
    /// The guarantee's id.
    public var id: String
    /// The id of the guarantor party.
    public var guarantor: String
    /// The state of its latest trigger (dormant when none).
    public var status: GuaranteeStatus
    /// The ids of the commitments it covers.
    public var covers: [String]
    /// What the guarantor undertook to do on a breach, as recorded.
    public var consequence: String
    /// Days the guarantor has to invoke it after a counted breach.
    public var respondWithinDays: Int64
    /// The latest trigger's day, deadline and answer.
    public var triggeredOn: Moment?
    /// The latest trigger's last day to answer in time; nil when never triggered.
    public var respondBy: Moment?
    /// The day the latest trigger was invoked; nil when not invoked or never triggered.
    public var invokedOn: Moment?
    /// Every trigger, in order.
    public var triggers: [TriggerReport] = []
    /// The guarantor's invocations (not voided, on or before the report's
    /// date) that answer no trigger: each answered one when it was recorded,
    /// and later entries took that trigger away (for example the breach
    /// disputed or corrected, a corroboration retracted, covers amended or an
    /// amendment voided). Shown, not dropped: the guarantor did act.
    public var invocationsWithoutTrigger: [InvocationWithoutTrigger] = []
}

/// A guarantor's invocation that answers no trigger of its guarantee.
public struct InvocationWithoutTrigger: Sendable, Equatable {
    /// The invocation's entry.
    public var entry: Int64
    /// The day the guarantor invoked the guarantee.
    public var invokedOn: Moment
}

/// One guarantor's record over its guarantees: how it answered their triggers.
public struct GuarantorReport: Sendable, Equatable {
    /// The guarantor party's id.
    public var party: String
    /// Its guarantees in scope.
    public var guarantees: Int
    /// Triggers, over all its guarantees.
    public var triggered: Int
    /// Triggers answered within the response time.
    public var invoked: Int
    /// Triggers whose response time passed without an invocation.
    public var lapsed: Int
    /// Triggers still inside their response time.
    public var pending: Int
    /// Triggers answered after the response time (not followed through).
    public var invokedLate = 0
    /// invoked ÷ (invoked + invoked late + lapsed); nil when none has been decided.
    public var followThrough: Double?
}

/// One day's verified quantities on both sides of a reciprocal pair.
public struct Tranche: Sendable, Equatable {
    /// The observed day.
    public var date: Moment
    /// Side A's counted quantity that day, in units of 10^-decimals.
    public var a: Int64
    /// Side B's counted quantity that day, in units of 10^-decimals.
    public var b: Int64
}

/// Two reciprocal quantity commitments side by side, tranche by tranche.
public struct ReciprocityReport: Sendable, Equatable {
    /// Side A's commitment id (the side added first).
    public var a: String
    /// Side B's commitment id.
    public var b: String
    /// The unit both sides count; nil when they have none.
    public var unit: String?
    /// Side A's target, in units of 10^-``decimals``; nil when it has none.
    public var targetA: Int64?
    /// Side B's target, in units of 10^-``decimals``; nil when it has none.
    public var targetB: Int64?
    /// The days either side has counted evidence, in date order.
    public var tranches: [Tranche]
    /// Side A's counted total, in units of 10^-``decimals``.
    public var totalA: Int64
    /// Side B's counted total, in units of 10^-``decimals``.
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
    /// The lowest confidence counted: records below it are left out.
    public var minConfidence: Confidence
    /// The ledger state the report reflects (seq, tree size, root).
    public var ledger: LedgerStamp
    /// The agreement the report is limited to; nil for all.
    public var agreementFilter: String?
    /// The party the report is limited to; nil for all.
    public var partyFilter: String?
    /// Every commitment in scope (the agreement and party filters).
    public var commitments: [CommitmentReport]
    /// Each party's counts.
    public var parties: [PartyReport]
    /// Each agreement's counts.
    public var agreements: [AgreementReport]
    /// Every guarantee covering a commitment in scope.
    public var guarantees: [GuaranteeReport]
    /// Each guarantor's record over its guarantees.
    public var guarantors: [GuarantorReport]
    /// The reciprocal pairs in scope, side by side.
    public var reciprocity: [ReciprocityReport]
}
