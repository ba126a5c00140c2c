/// The ledger's own identity, the payload of its first entry.
public struct LedgerCreated: Hashable, Sendable {
    /// A random UUID naming this ledger (the checkpoint origin uses it).
    public var ledgerID: String
}

/// A state, armed group or organisation.
public struct Party: Hashable, Sendable {
    /// The party's id, unique in the ledger.
    public var id: String
    /// The party's name as shown.
    public var name: String
    /// State, group or organisation; nil when not given.
    public var kind: PartyKind?
}

/// What was concluded, when and where; it groups commitments.
public struct Agreement: Hashable, Sendable {
    /// The agreement's id, unique in the ledger.
    public var id: String
    /// Its title.
    public var title: String
    /// The day it was signed; nil when not given.
    public var date: Moment?
    /// Where it was signed; nil when not given.
    public var venue: String?
}

/// One obligation of one party.
public struct Commitment: Hashable, Sendable {
    /// The commitment's id, unique in the ledger.
    public var id: String
    /// The id of the agreement it belongs to.
    public var agreement: String
    /// The id of the party that committed.
    public var party: String
    /// Quantity, action or restraint.
    public var kind: CommitmentKind
    /// The target quantity, in units of 10^−``decimals`` (quantity commitments only).
    public var target: Int64?
    /// How many decimal places its quantities have (0–6; 0 for actions and restraints).
    public var decimals: UInt8 = 0
    /// The unit of the target (quantity commitments only).
    public var unit: String?
    /// The deadline of a quantity or action commitment.
    public var due: Moment?
    /// The start of the window (required for restraints).
    public var from: Moment?
    /// The end of the window, inclusive.
    public var until: Moment?
    /// The other side of a reciprocal exchange.
    public var reciprocal: String?
    /// Commitments that must be fulfilled before this one can be.
    public var dependsOn: [String]
    /// Its wording in the agreement; nil when not given.
    public var text: String?

    /// A commitment from validated parts (``init(validating:)`` checks what a user typed).
    public init(id: String, agreement: String, party: String, kind: CommitmentKind, target: Int64?, decimals: UInt8 = 0,
                unit: String?, due: Moment?, from: Moment?, until: Moment?, reciprocal: String?, dependsOn: [String],
                text: String?) {
        self.id = id
        self.agreement = agreement
        self.party = party
        self.kind = kind
        self.target = target
        self.decimals = decimals
        self.unit = unit
        self.due = due
        self.from = from
        self.until = until
        self.reciprocal = reciprocal
        self.dependsOn = dependsOn
        self.text = text
    }

    /// The target as a quantity at the commitment's scale.
    public var targetQuantity: Quantity? { target.map { Quantity(units: $0, scale: decimals) } }
}

/// A commitment dropped by the parties.
public struct Withdrawal: Hashable, Sendable {
    /// The id of the commitment withdrawn.
    public var commitment: String
    /// The day from which it no longer counts.
    public var date: Moment
    /// Why it was withdrawn.
    public var reason: String
}

/// A guarantor's backing of commitments with a stated consequence.
public struct Guarantee: Hashable, Sendable {
    /// The guarantee's id, unique in the ledger.
    public var id: String
    /// The id of the guarantor party.
    public var guarantor: String
    /// The ids of the commitments it covers.
    public var covers: [String]
    /// What the guarantor undertook to do on a breach.
    public var consequence: String
    /// Days after a trigger within which the guarantor must invoke it.
    public var respondWithinDays: Int64
}

/// The guarantor acting on a guarantee.
public struct Invocation: Hashable, Sendable {
    /// The id of the guarantee invoked.
    public var guarantee: String
    /// The day the guarantor invoked it.
    public var date: Moment
    /// A note on the invocation; nil for none.
    public var note: String?
}
