/// What an entry records. Each case's fields are written in a fixed order
/// (docs/JOURNAL.md, "Payloads").
public enum Payload: Hashable, Sendable {
    /// The payload of a ``EntryKind/ledgerCreate`` entry.
    case ledgerCreate(LedgerCreated)
    /// The payload of a ``EntryKind/partyAdd`` entry.
    case partyAdd(Party)
    /// The payload of a ``EntryKind/agreementAdd`` entry.
    case agreementAdd(Agreement)
    /// The payload of a ``EntryKind/commitmentAdd`` entry.
    case commitmentAdd(Commitment)
    /// The payload of a ``EntryKind/commitmentWithdraw`` entry.
    case commitmentWithdraw(Withdrawal)
    /// The payload of a ``EntryKind/guaranteeAdd`` entry.
    case guaranteeAdd(Guarantee)
    /// The payload of a ``EntryKind/guaranteeInvoke`` entry.
    case guaranteeInvoke(Invocation)
    /// The payload of a ``EntryKind/verification`` entry.
    case verification(Verification)
    /// The payload of a ``EntryKind/breach`` entry.
    case breach(Breach)
    /// The payload of a ``EntryKind/corroboration`` entry.
    case corroboration(Corroboration)
    /// The payload of a ``EntryKind/correction`` entry.
    case correction(Correction)
    /// The payload of a ``EntryKind/retraction`` entry.
    case retraction(Retraction)
    /// The payload of a ``EntryKind/dispute`` entry.
    case dispute(Dispute)
    /// The payload of a ``EntryKind/adjudication`` entry.
    case adjudication(Adjudication)
    /// The payload of a ``EntryKind/keyRegister`` entry.
    case keyRegister(KeyRegistration)
    /// The payload of a ``EntryKind/keyRevoke`` entry.
    case keyRevoke(KeyRevocation)
    /// The payload of a ``EntryKind/ledgerUpgrade`` entry.
    case ledgerUpgrade(LedgerUpgrade)
    /// The payload of a ``EntryKind/amendment`` entry.
    case amendment(Amendment)
    /// The payload of a ``EntryKind/void`` entry.
    case void(Voiding)
    /// The payload of a ``EntryKind/tokenIssue`` entry.
    case tokenIssue(TokenIssue)
    /// The payload of a ``EntryKind/tokenRevoke`` entry.
    case tokenRevoke(TokenRevocation)

    /// The kind of entry this payload belongs to.
    public var kind: EntryKind {
        switch self {
        case .ledgerCreate: .ledgerCreate
        case .partyAdd: .partyAdd
        case .agreementAdd: .agreementAdd
        case .commitmentAdd: .commitmentAdd
        case .commitmentWithdraw: .commitmentWithdraw
        case .guaranteeAdd: .guaranteeAdd
        case .guaranteeInvoke: .guaranteeInvoke
        case .verification: .verification
        case .breach: .breach
        case .corroboration: .corroboration
        case .correction: .correction
        case .retraction: .retraction
        case .dispute: .dispute
        case .adjudication: .adjudication
        case .keyRegister: .keyRegister
        case .keyRevoke: .keyRevoke
        case .ledgerUpgrade: .ledgerUpgrade
        case .amendment: .amendment
        case .void: .void
        case .tokenIssue: .tokenIssue
        case .tokenRevoke: .tokenRevoke
        }
    }

    func write(to w: inout CanonicalWriter) {
        switch self {
        case .ledgerCreate(let value):
            w.string(value.ledgerID)
        case .partyAdd(let value):
            w.string(value.id)
            w.string(value.name)
            w.optional(value.kind) { $0.word($1) }
        case .agreementAdd(let value):
            w.string(value.id)
            w.string(value.title)
            w.optional(value.date) { $0.moment($1) }
            w.optionalString(value.venue)
        case .commitmentAdd(let value):
            w.string(value.id)
            w.string(value.agreement)
            w.string(value.party)
            w.word(value.kind)
            w.optional(value.target) { $0.i64($1) }
            if w.version >= 2 { w.u8(value.decimals) }
            w.optionalString(value.unit)
            w.optional(value.due) { $0.moment($1) }
            w.optional(value.from) { $0.moment($1) }
            w.optional(value.until) { $0.moment($1) }
            w.optionalString(value.reciprocal)
            w.list(value.dependsOn) { $0.string($1) }
            w.optionalString(value.text)
        case .commitmentWithdraw(let value):
            w.string(value.commitment)
            w.moment(value.date)
            w.string(value.reason)
        case .guaranteeAdd(let value):
            w.string(value.id)
            w.string(value.guarantor)
            w.list(value.covers) { $0.string($1) }
            w.string(value.consequence)
            w.i64(value.respondWithinDays)
        case .guaranteeInvoke(let value):
            w.string(value.guarantee)
            w.moment(value.date)
            w.optionalString(value.note)
        case .verification(let value):
            w.verification(value)
        case .breach(let value):
            w.breach(value)
        case .corroboration(let value):
            w.optionalString(value.externalID)
            w.reference(value.record)
            w.source(value.source)
            w.evidence(value.evidence)
            w.optionalString(value.note)
        case .correction(let value):
            w.reference(value.record)
            w.string(value.reason)
            switch value.replacement {
            case .verification(let record):
                w.u8(EntryKind.verification.code)
                w.verification(record)
            case .breach(let record):
                w.u8(EntryKind.breach.code)
                w.breach(record)
            }
        case .retraction(let value):
            w.reference(value.record)
            w.string(value.reason)
        case .dispute(let value):
            w.reference(value.record)
            w.string(value.by)
            w.string(value.reason)
            w.optionalString(value.source)
        case .adjudication(let value):
            w.reference(value.record)
            w.word(value.ruling)
            w.string(value.reason)
        case .keyRegister(let value):
            w.string(value.name)
            w.raw(value.publicKey)
            if w.version >= 2 {
                w.word(value.role)
                w.list(value.actors) { $0.string($1) }
                w.optional(value.possession) { $0.raw($1) }
            }
        case .keyRevoke(let value):
            w.string(value.name)
            w.optionalString(value.reason)
        case .ledgerUpgrade(let value):
            w.u32(value.fromSchema)
            w.u32(value.toSchema)
        case .amendment(let value):
            w.word(value.subject)
            w.string(value.id)
            w.moment(value.effective)
            w.string(value.reason)
            switch value.terms {
            case .commitment(let target, let due, let from, let until, let text):
                w.optional(target) { $0.i64($1) }
                w.optional(due) { $0.moment($1) }
                w.optional(from) { $0.moment($1) }
                w.optional(until) { $0.moment($1) }
                w.optionalString(text)
            case .party(let name):
                w.optionalString(name)
            case .agreement(let title, let date, let venue):
                w.optionalString(title)
                w.optional(date) { $0.moment($1) }
                w.optionalString(venue)
            case .guarantee(let covers, let days, let consequence):
                w.optional(covers) { $0.list($1) { $0.string($1) } }
                w.optional(days) { $0.i64($1) }
                w.optionalString(consequence)
            }
        case .void(let value):
            w.reference(value.entry)
            w.string(value.reason)
        case .tokenIssue(let value):
            w.string(value.name)
            w.word(value.role)
            w.raw(value.tokenSHA256)
            w.optional(value.expires) { $0.moment($1) }
            w.optionalString(value.key)
        case .tokenRevoke(let value):
            w.string(value.name)
            w.optionalString(value.reason)
        }
    }

    static func read(_ kind: EntryKind, from r: inout CanonicalReader) throws -> Payload {
        switch kind {
        case .ledgerCreate:
            return .ledgerCreate(LedgerCreated(ledgerID: try r.string()))
        case .partyAdd:
            return .partyAdd(Party(id: try r.string(), name: try r.string(),
                                   kind: try r.optional { try $0.word(PartyKind.self) }))
        case .agreementAdd:
            return .agreementAdd(Agreement(id: try r.string(), title: try r.string(),
                                           date: try r.optional { try $0.moment() },
                                           venue: try r.optionalString()))
        case .commitmentAdd:
            let id = try r.string(), agreement = try r.string(), party = try r.string()
            let kind = try r.word(CommitmentKind.self)
            let target = try r.optional { try $0.quantity(scaled: false).units }
            let decimalsOffset = r.offset
            let decimals = r.version >= 2 ? try r.u8() : 0
            guard decimals <= Quantity.maximumScale, decimals == 0 || kind == .quantity else {
                throw CanonicalReader.Failure(offset: decimalsOffset, reason: "decimals \(decimals) out of range for a \(kind) commitment")
            }
            return .commitmentAdd(Commitment(
                id: id, agreement: agreement, party: party, kind: kind, target: target, decimals: decimals,
                unit: try r.optionalString(),
                due: try r.optional { try $0.moment() }, from: try r.optional { try $0.moment() },
                until: try r.optional { try $0.moment() }, reciprocal: try r.optionalString(),
                dependsOn: try r.list { try $0.string() }, text: try r.optionalString()))
        case .commitmentWithdraw:
            return .commitmentWithdraw(Withdrawal(commitment: try r.string(), date: try r.moment(), reason: try r.string()))
        case .guaranteeAdd:
            return .guaranteeAdd(Guarantee(id: try r.string(), guarantor: try r.string(),
                                           covers: try r.list { try $0.string() }, consequence: try r.string(),
                                           respondWithinDays: try r.i64()))
        case .guaranteeInvoke:
            return .guaranteeInvoke(Invocation(guarantee: try r.string(), date: try r.moment(), note: try r.optionalString()))
        case .verification:
            return .verification(try r.verification())
        case .breach:
            return .breach(try r.breach())
        case .corroboration:
            return .corroboration(Corroboration(externalID: try r.optionalString(), record: try r.reference(),
                                                source: try r.source(), evidence: try r.evidence(),
                                                note: try r.optionalString()))
        case .correction:
            let record = try r.reference()
            let reason = try r.string()
            let code = try r.u8()
            let replacement: Record
            switch EntryKind(code: code) {
            case .verification: replacement = .verification(try r.verification())
            case .breach: replacement = .breach(try r.breach())
            default: throw r.fail("a correction replaces a verification or a breach, not kind \(code)")
            }
            return .correction(Correction(record: record, reason: reason, replacement: replacement))
        case .retraction:
            return .retraction(Retraction(record: try r.reference(), reason: try r.string()))
        case .dispute:
            return .dispute(Dispute(record: try r.reference(), by: try r.string(), reason: try r.string(),
                                    source: try r.optionalString()))
        case .adjudication:
            return .adjudication(Adjudication(record: try r.reference(), ruling: try r.word(Ruling.self), reason: try r.string()))
        case .keyRegister:
            let name = try r.string(), publicKey = try r.raw(32)
            guard r.version >= 2 else { return .keyRegister(KeyRegistration(name: name, publicKey: publicKey)) }
            return .keyRegister(KeyRegistration(name: name, publicKey: publicKey, role: try r.word(KeyRole.self),
                                                actors: try r.list { try $0.string() },
                                                possession: try r.optional { try $0.raw(64) }))
        case .keyRevoke:
            return .keyRevoke(KeyRevocation(name: try r.string(), reason: try r.optionalString()))
        case .ledgerUpgrade:
            return .ledgerUpgrade(LedgerUpgrade(fromSchema: try r.u32(), toSchema: try r.u32()))
        case .amendment:
            let subject = try r.word(AmendmentSubject.self)
            let id = try r.string(), effective = try r.moment(), reason = try r.string()
            let terms: AmendedTerms
            switch subject {
            case .commitment:
                terms = .commitment(target: try r.optional { try $0.quantity(scaled: false).units }, due: try r.optional { try $0.moment() },
                                    from: try r.optional { try $0.moment() }, until: try r.optional { try $0.moment() },
                                    text: try r.optionalString())
            case .party:
                terms = .party(name: try r.optionalString())
            case .agreement:
                terms = .agreement(title: try r.optionalString(), date: try r.optional { try $0.moment() }, venue: try r.optionalString())
            case .guarantee:
                terms = .guarantee(covers: try r.optional { try $0.list { try $0.string() } },
                                   respondWithinDays: try r.optional { try $0.i64() }, consequence: try r.optionalString())
            }
            return .amendment(Amendment(id: id, effective: effective, reason: reason, terms: terms))
        case .void:
            return .void(Voiding(entry: try r.reference(), reason: try r.string()))
        case .tokenIssue:
            guard r.version >= 2 else { throw r.fail("token.issue entries are version 2 only") }
            return .tokenIssue(TokenIssue(name: try r.string(), role: try r.word(TokenRole.self), tokenSHA256: try r.raw(32),
                                          expires: try r.optional { try $0.moment() }, key: try r.optionalString()))
        case .tokenRevoke:
            guard r.version >= 2 else { throw r.fail("token.revoke entries are version 2 only") }
            return .tokenRevoke(TokenRevocation(name: try r.string(), reason: try r.optionalString()))
        }
    }
}
