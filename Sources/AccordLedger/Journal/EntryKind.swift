/// The kinds of journal entry, with their canonical codes (never reused).
public enum EntryKind: String, CaseIterable, Sendable {
    /// The first entry: the ledger's identity.
    case ledgerCreate = "ledger.create"
    /// Adds a party.
    case partyAdd = "party.add"
    /// Adds an agreement.
    case agreementAdd = "agreement.add"
    /// Adds a commitment to an agreement.
    case commitmentAdd = "commitment.add"
    /// Withdraws a commitment from a date.
    case commitmentWithdraw = "commitment.withdraw"
    /// Adds a guarantee over commitments.
    case guaranteeAdd = "guarantee.add"
    /// Records that a guarantor invoked a guarantee.
    case guaranteeInvoke = "guarantee.invoke"
    /// Logs a verification (evidence of fulfilment).
    case verification
    /// Reports a breach.
    case breach
    /// Adds a source to a verification or breach.
    case corroboration
    /// Replaces a verification or breach with a corrected version.
    case correction
    /// Retracts a verification, breach or corroboration.
    case retraction
    /// Contests a verification or breach.
    case dispute
    /// Rules on a disputed record.
    case adjudication
    /// Registers a signing key.
    case keyRegister = "key.register"
    /// Revokes a signing key.
    case keyRevoke = "key.revoke"
    /// Records a schema upgrade and the projections' rebuild.
    case ledgerUpgrade = "ledger.upgrade"
    /// Amends a definition from an effective date.
    case amendment
    /// Voids an entry recorded in error.
    case void
    /// Issues a server token (its SHA-256 only).
    case tokenIssue = "token.issue"
    /// Revokes a server token.
    case tokenRevoke = "token.revoke"

    /// The byte the kind is stored as in the journal (never reused).
    public var code: UInt8 {
        switch self {
        case .ledgerCreate: 1
        case .partyAdd: 2
        case .agreementAdd: 3
        case .commitmentAdd: 4
        case .commitmentWithdraw: 5
        case .guaranteeAdd: 6
        case .guaranteeInvoke: 7
        case .verification: 8
        case .breach: 9
        case .corroboration: 10
        case .correction: 11
        case .retraction: 12
        case .dispute: 13
        case .adjudication: 14
        case .keyRegister: 15
        case .keyRevoke: 16
        case .ledgerUpgrade: 17
        case .amendment: 18
        case .void: 19
        case .tokenIssue: 20
        case .tokenRevoke: 21
        }
    }

    /// Whether entries of this kind are *evidence*: claims about what happened
    /// in the world, or about the records of it, that change what reports
    /// count — verifications, breaches, corroborations, corrections,
    /// retractions, disputes, adjudications, invocations of guarantees, and
    /// voids (which can take evidence out of every count).
    /// Definitions (parties, agreements, commitments, guarantees, withdrawals, amendments),
    /// keys (governed by the admin rules) and the ledger's own entries are not.
    /// An audit that requires signatures (`requireSigned`) requires evidence recorded after a
    /// ledger's first admin key to be signed (docs/JOURNAL.md §4).
    public var isEvidence: Bool {
        switch self {
        case .verification, .breach, .corroboration, .correction, .retraction, .dispute, .adjudication, .guaranteeInvoke, .void: true
        case .ledgerCreate, .partyAdd, .agreementAdd, .commitmentAdd, .commitmentWithdraw, .guaranteeAdd, .keyRegister,
             .keyRevoke, .ledgerUpgrade, .amendment, .tokenIssue, .tokenRevoke: false
        }
    }

    /// The kind stored as `code`; nil for a byte no kind uses.
    public init?(code: UInt8) {
        guard let match = EntryKind.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// The kind whose code a journal row's `kind_code` holds; nil for any
    /// other integer (only a row altered with other tools has one).
    init?(storedCode: Int64) {
        guard let byte = UInt8(exactly: storedCode) else { return nil }
        self.init(code: byte)
    }
}
