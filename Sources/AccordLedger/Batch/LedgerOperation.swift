/// One write a caller asks of the ledger, as the user gave it (validated by
/// the ledger): what a single command records, and what a batch is made of
/// (``Ledger/record(_:as:atomically:)``).
public enum LedgerOperation: Sendable {
    /// Add a party.
    case addParty(PartyInput)
    /// Add an agreement.
    case addAgreement(AgreementInput)
    /// Add a commitment.
    case addCommitment(CommitmentInput)
    /// Withdraw a commitment.
    case withdrawCommitment(WithdrawalInput)
    /// Add a guarantee.
    case addGuarantee(GuaranteeInput)
    /// Record a guarantor's invocation.
    case invokeGuarantee(InvocationInput)
    /// A verification.
    case log(VerificationInput)
    /// Report a breach.
    case breach(BreachInput)
    /// Add a source to a verification or breach.
    case corroborate(CorroborationInput)
    /// Correct a verification or breach.
    case correct(CorrectionInput)
    /// `target`: a seq or a record's external id, here and below.
    case retract(target: String, reason: String)
    /// Dispute a record: who disputes it, why, and on whose word (nil: none).
    case dispute(target: String, by: String, reason: String, source: String?)
    /// Rule on a disputed record.
    case adjudicate(target: String, ruling: Ruling, reason: String)
    /// Amend a definition's terms from a date.
    case amend(AmendmentInput)
    /// Void an entry recorded in error.
    case void(target: String, reason: String)
    /// Revokes a server token by name; with `keepingAnAdmin`, not the last
    /// admin token valid today (decided in the write's own transaction, so
    /// two revocations at once cannot both pass).
    case revokeToken(name: String, reason: String?, keepingAnAdmin: Bool = false)
    /// Evidence a field ledger recorded: its portable claim (version 3),
    /// recorded with exactly these fields, the entries it refers to found by
    /// name (``Claim/references``), with every check the same entry made
    /// here would pass. Give the recorder the claim as ``Recorder/presentedClaim``.
    /// The context (of ``Ledger/applyBundle(_:unsigned:role:checkpointKey:)``) ties
    /// references to records of the same bundle.
    case pushed(Claim, BundleContext? = nil)
}

/// An operation whose inputs were checked on their own, ready to run in a
/// write transaction (where what it needs from the ledger is checked).
struct PreparedOperation {
    let apply: (Session) throws -> Recorded
}

extension LedgerOperation {
    /// Validates what can be validated without the ledger, so that a bad
    /// value is refused before any transaction begins.
    /// - Throws: ``LedgerError`` `.invalid` naming the field.
    func prepared() throws -> PreparedOperation {
        switch self {
        case .addParty(let input):
            let party = try Party(validating: input)
            return PreparedOperation { try $0.add(party) }
        case .addAgreement(let input):
            let agreement = try Agreement(validating: input)
            return PreparedOperation { try $0.add(agreement) }
        case .addCommitment(let input):
            let commitment = try Commitment(validating: input)
            return PreparedOperation { try $0.add(commitment) }
        case .withdrawCommitment(let input):
            return PreparedOperation { try $0.withdraw(input) }
        case .addGuarantee(let input):
            let guarantee = try Guarantee(validating: input)
            return PreparedOperation { try $0.add(guarantee) }
        case .invokeGuarantee(let input):
            return PreparedOperation { try $0.invoke(input) }
        case .log(let input):
            let prepared = try PreparedVerification(input)
            return PreparedOperation { try $0.log(prepared) }
        case .breach(let input):
            let breach = try Breach(validating: input)
            return PreparedOperation { try $0.record(breach) }
        case .corroborate(let input):
            let prepared = try PreparedCorroboration(input)
            return PreparedOperation { try $0.corroborate(prepared) }
        case .correct(let input):
            let reason = try TextRules.text(input.reason, field: .reason)
            return PreparedOperation { try $0.correct(input, reason: reason) }
        case .retract(let target, let reason):
            let reason = try TextRules.text(reason, field: .reason)
            return PreparedOperation { try $0.retract(target, reason: reason) }
        case .dispute(let target, let by, let reason, let source):
            let by = try TextRules.line(by, field: .by)
            let reason = try TextRules.text(reason, field: .reason)
            let source = try TextRules.optionalLine(source, field: .source)
            return PreparedOperation { try $0.dispute(target, by: by, reason: reason, source: source) }
        case .adjudicate(let target, let ruling, let reason):
            let reason = try TextRules.text(reason, field: .reason)
            return PreparedOperation { try $0.adjudicate(target, ruling: ruling, reason: reason) }
        case .amend(let input):
            let prepared = try PreparedAmendment(input)
            return PreparedOperation { try $0.amend(prepared) }
        case .void(let target, let reason):
            let reason = try TextRules.text(reason, field: .reason)
            return PreparedOperation { try $0.void(target, reason: reason) }
        case .revokeToken(let name, let reason, let keepingAnAdmin):
            let reason = try TextRules.optionalText(reason, field: .reason)
            return PreparedOperation { try $0.revokeToken(name, reason: reason, keepingAnAdmin: keepingAnAdmin) }
        case .pushed(let claim, let context):
            guard claim.version >= 3, Session.pushableKinds.contains(claim.kind) else {
                throw LedgerError.invalid(.claim, "a \(claim.kind.rawValue) entry (claim version \(claim.version)) is not evidence a field "
                                          + "ledger pushes: only the portable claims of records, corroborations, corrections, "
                                          + "retractions, disputes, adjudications and voids are")
            }
            return PreparedOperation { try $0.replay(claim, in: context) }
        }
    }
}
