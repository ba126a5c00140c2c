/// The kinds of journal entry, with their canonical codes (never reused).
public enum EntryKind: String, CaseIterable, Sendable {
    case ledgerCreate = "ledger.create"
    case partyAdd = "party.add"
    case agreementAdd = "agreement.add"
    case commitmentAdd = "commitment.add"
    case commitmentWithdraw = "commitment.withdraw"
    case guaranteeAdd = "guarantee.add"
    case guaranteeInvoke = "guarantee.invoke"
    case verification
    case breach
    case corroboration
    case correction
    case retraction
    case dispute
    case adjudication
    case keyRegister = "key.register"
    case keyRevoke = "key.revoke"
    case ledgerUpgrade = "ledger.upgrade"
    case amendment
    case void
    case tokenIssue = "token.issue"
    case tokenRevoke = "token.revoke"

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

    public init?(code: UInt8) {
        guard let match = EntryKind.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}
