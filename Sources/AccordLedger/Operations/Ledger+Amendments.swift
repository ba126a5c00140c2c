import AccordStorage

/// What a user gives to amend a definition: its new terms, in force from a date.
public struct AmendmentInput: Sendable {
    /// `commitment`, `party`, `agreement` or `guarantee`.
    public var subject: String
    /// The amended definition's id.
    public var id: String
    /// From when the new terms apply (a date).
    public var effective: String
    /// Why it is amended (required).
    public var reason: String
    /// A commitment's new target, as typed; nil: unchanged.
    public var target: String?
    /// A commitment's new due date, as typed; nil: unchanged.
    public var due: String?
    /// A commitment's new window start, as typed; nil: unchanged.
    public var from: String?
    /// A commitment's new window end, as typed; nil: unchanged.
    public var until: String?
    /// A commitment's new wording; nil: unchanged.
    public var text: String?
    /// A party's new name; nil: unchanged.
    public var name: String?
    /// An agreement's new title; nil: unchanged.
    public var title: String?
    /// An agreement's new date, as typed; nil: unchanged.
    public var date: String?
    /// An agreement's new venue; nil: unchanged.
    public var venue: String?
    /// The commitments a guarantee covers from then on (nil: unchanged).
    public var covers: [String]?
    /// A guarantee's new response time in days, as typed; nil: unchanged.
    public var respondWithinDays: String?
    /// A guarantee's new consequence; nil: unchanged.
    public var consequence: String?
    /// Terms that make another commitment, never an amendment: given, they are refused.
    public var unit: String?
    /// A commitment's kind: refused (a different kind is a new commitment).
    public var kind: String?
    /// A commitment's party: refused (another party's obligation is a new commitment).
    public var party: String?

    /// An amendment's required fields; set the terms it changes.
    public init(subject: String, id: String, effective: String, reason: String) {
        self.subject = subject
        self.id = id
        self.effective = effective
        self.reason = reason
    }
}

extension Ledger {
    /// Amends a commitment, party, agreement or guarantee from an effective
    /// date: a report at an earlier date judges by the earlier terms.
    /// - Throws: ``LedgerError``: `.notFound` for an unknown subject,
    ///   `.conflict` for a voided one, `.invalid` for a term that does not
    ///   apply to it, an invalid value, or nothing to change.
    public func amend(_ input: AmendmentInput, as recorder: Recorder) throws -> Receipt {
        try record(.amend(input), as: recorder)
    }

    /// Marks an entry as entered in error: from then on reports and lists
    /// behave as if it had never been made; the journal keeps both.
    /// - Parameter target: the entry's seq, or a record's external id.
    /// - Throws: ``LedgerError``: `.notFound` for an unknown entry, `.conflict`
    ///   for one already voided or a definition others still refer to,
    ///   `.invalid` for an entry that cannot be voided.
    public func void(_ target: String, reason: String, as recorder: Recorder) throws -> Receipt {
        try record(.void(target: target, reason: reason), as: recorder)
    }
}

/// An amendment whose fields are valid on their own; what it amends is
/// checked in the session.
struct PreparedAmendment {
    var subject: AmendmentSubject
    var id: String
    var effective: Moment
    var reason: String
    var input: AmendmentInput

    init(_ input: AmendmentInput) throws {
        subject = try AmendmentSubject(parsing: TextRules.trimmed(input.subject), field: .subject)
        id = try TextRules.identifier(input.id, field: .id(subject.entity))
        effective = try Parse.calendarDate(input.effective, field: .effective)
        reason = try TextRules.text(input.reason, field: .reason)
        for (value, term, field) in [(input.unit, "unit", Field.unit), (input.kind, "kind", .commitmentKind), (input.party, "obligor", .party)]
        where value != nil {
            throw LedgerError.invalid(field, "a commitment's \(term) cannot be amended: that is a new commitment; withdraw \(id) "
                                      + "(or void it, if it was entered in error) and add another")
        }
        self.input = input
    }
}

extension Session {
    /// Appends an amendment, its terms checked against what it amends.
    func amend(_ prepared: PreparedAmendment) throws -> Recorded {
        try refuseLocalDefinition("amend it")
        let terms = try amendedTerms(prepared.subject, id: prepared.id, prepared.input)
        let amendment = Amendment(id: prepared.id, effective: prepared.effective, reason: prepared.reason, terms: terms)
        forgetTerms()
        return try append(.amendment(amendment))
    }

    /// Appends the voiding of the entry `target` names (`reason` already validated).
    func void(_ target: String, reason: String) throws -> Recorded {
        let trimmed = TextRules.trimmed(target)
        guard let seq = try externalIDTarget(trimmed, reference: true)?.seq ?? (namesOnly ? nil : TextRules.seq(trimmed)),
              let entry = try entry(seq) else {
            throw LedgerError.notFound(.entry, trimmed, "\(Field.entry): no entry with id or seq '\(TextRules.printable(trimmed))'")
        }
        if let earlier = try db.scalarInt("SELECT seq FROM voids WHERE target = ?", seq) {
            throw LedgerError.conflict(earlier, "entry \(seq) was already voided by entry \(earlier)")
        }
        try refuseVoidingReferenced(entry)
        if case .breach = entry.payload { try refuseStrandingInvocations(without: seq, action: "voided") }
        forgetTerms()
        forgetCommitments()
        return try append(.void(Voiding(entry: seq, reason: reason)))
    }
}

extension Session {
    /// The terms an amendment gives, checked against what it amends.
    func amendedTerms(_ subject: AmendmentSubject, id: String, _ input: AmendmentInput) throws -> AmendedTerms {
        func refuse(_ given: [(String?, Field)]) throws {
            for (value, field) in given where value != nil {
                throw LedgerError.invalid(field, "\(option: field) does not apply to a \(subject.rawValue)")
            }
        }
        func date(_ raw: String?, _ field: Field) throws -> Moment? { try Parse.optionalCalendarDate(raw, field: field) }
        let terms: AmendedTerms
        switch subject {
        case .commitment:
            try refuse([(input.name, .name), (input.title, .title), (input.date, .date), (input.venue, .venue),
                        (input.covers.map { $0.joined() }, .covers), (input.respondWithinDays, .respondWithinDays),
                        (input.consequence, .consequence)])
            let facts = try requireCommitment(id, field: .commitment)
            let current = try commitmentTerms(id).commitment
            var target: Int64?
            if let raw = input.target {
                guard facts.kind == .quantity else {
                    throw LedgerError.invalid(.target, "\(option: .target): \(id) is a \(facts.kind.rawValue), with no quantity")
                }
                target = try Parse.quantity(raw, field: .target, scale: facts.decimals, allowZero: false, what: "commitment \(id)").units
            }
            let due = try date(input.due, .due), from = try date(input.from, .from), until = try date(input.until, .until)
            if due != nil && facts.kind == .restraint {
                throw LedgerError.invalid(.due, "\(option: .due): \(id) is a restraint, with a window (\(option: .from)/\(option: .until)), "
                                          + "not a due date")
            }
            if (from != nil || until != nil) && facts.kind != .restraint {
                throw LedgerError.invalid(from != nil ? .from : .until, "\(option: .from)/\(option: .until): \(id) is a "
                                          + "\(facts.kind.rawValue), with a due date, not a window")
            }
            if let start = from ?? current.from, let end = until ?? current.until, end.day < start.day {
                throw LedgerError.invalid(.until, "commitment \(id): its window would end (\(end.dayText)) before it starts (\(start.dayText))")
            }
            terms = .commitment(target: target, due: due, from: from, until: until,
                                text: try TextRules.optionalText(input.text, field: .text))
        case .party:
            try refuse([(input.target, .target), (input.due, .due), (input.from, .from), (input.until, .until), (input.text, .text),
                        (input.title, .title), (input.date, .date), (input.venue, .venue), (input.covers.map { $0.joined() }, .covers),
                        (input.respondWithinDays, .respondWithinDays), (input.consequence, .consequence)])
            try requireParty(id, field: .party)
            terms = .party(name: try TextRules.optionalLine(input.name, field: .name))
        case .agreement:
            try refuse([(input.target, .target), (input.due, .due), (input.from, .from), (input.until, .until), (input.text, .text),
                        (input.name, .name), (input.covers.map { $0.joined() }, .covers),
                        (input.respondWithinDays, .respondWithinDays), (input.consequence, .consequence)])
            try requireLive("agreements", id, entity: .agreement)
            terms = .agreement(title: try TextRules.optionalLine(input.title, field: .title), date: try date(input.date, .date),
                               venue: try TextRules.optionalLine(input.venue, field: .venue))
        case .guarantee:
            try refuse([(input.target, .target), (input.due, .due), (input.from, .from), (input.until, .until), (input.text, .text),
                        (input.name, .name), (input.title, .title), (input.date, .date), (input.venue, .venue)])
            try requireLive("guarantees", id, entity: .guarantee)
            var covers: [String]?
            if let given = input.covers {
                var list: [String] = []
                for raw in given {
                    let commitment = try TextRules.identifier(raw, field: .covers)
                    _ = try requireCommitment(commitment, field: .covers)
                    if !list.contains(commitment) { list.append(commitment) }
                }
                guard !list.isEmpty else {
                    throw LedgerError.invalid(.covers, "\(option: .covers): a guarantee covers at least one commitment")
                }
                covers = list
            }
            var days: Int64?
            if let raw = input.respondWithinDays {
                days = try Parse.count(raw, field: .respondWithinDays, allowZero: true, maximum: 3650, unit: " (ten years)")
            }
            terms = .guarantee(covers: covers, respondWithinDays: days,
                               consequence: try TextRules.optionalText(input.consequence, field: .consequence))
        }
        let nothing: Bool
        switch terms {
        case .commitment(let a, let b, let c, let d, let e): nothing = a == nil && b == nil && c == nil && d == nil && e == nil
        case .party(let a): nothing = a == nil
        case .agreement(let a, let b, let c): nothing = a == nil && b == nil && c == nil
        case .guarantee(let a, let b, let c): nothing = a == nil && b == nil && c == nil
        }
        if nothing { throw LedgerError.invalid(nil, "nothing to amend: give the \(subject.rawValue)'s new terms") }
        return terms
    }

    /// Refuses an id with no live (recorded, not voided) row in `table`.
    func requireLive(_ table: String, _ id: String, entity: Entity) throws {
        guard let seq = try db.scalarInt("SELECT seq FROM \(table) WHERE id = ?", id) else {
            throw LedgerError.unknown(entity, id)
        }
        if let voided = try db.scalarInt("SELECT seq FROM voids WHERE target = ?", seq) {
            throw LedgerError.conflict(voided, "\(entity.rawValue) \(id) was voided by entry \(voided)")
        }
    }

    /// Refuses to void an entry that cannot be voided, or a definition that
    /// live definitions or evidence still refer to (void those first).
    func refuseVoidingReferenced(_ entry: Entry) throws {
        func referenced(_ sql: String, _ value: String, _ what: String) throws {
            if let seq = try db.scalarInt(sql, value) {
                throw LedgerError.conflict(seq, "entry \(entry.seq) cannot be voided while \(what) (entry \(seq)) refers to it; void that first")
            }
        }
        let live = "seq NOT IN (SELECT target FROM voids)"
        switch entry.payload {
        case .partyAdd(let party):
            try referenced("SELECT seq FROM commitments WHERE party = ? AND \(live)", party.id, "a commitment")
            try referenced("SELECT seq FROM guarantees WHERE guarantor = ? AND \(live)", party.id, "a guarantee")
        case .agreementAdd(let agreement):
            try referenced("SELECT seq FROM commitments WHERE agreement = ? AND \(live)", agreement.id, "a commitment")
        case .commitmentAdd(let commitment):
            for table in ["verifications", "breaches"] {
                try referenced("SELECT seq FROM \(table) WHERE commitment = ? AND seq = record AND \(live)", commitment.id, "a record")
            }
            try referenced("SELECT c.seq FROM commitments c JOIN reciprocals r ON r.commitment = c.id WHERE r.counterpart = ? AND c.\(live)",
                           commitment.id, "its reciprocal")
            try referenced("SELECT c.seq FROM commitments c JOIN dependencies d ON d.commitment = c.id WHERE d.depends_on = ? AND c.\(live)",
                           commitment.id, "a commitment that depends on it")
            try referenced("SELECT g.seq FROM guarantees g JOIN guarantee_covers gc ON gc.guarantee = g.id WHERE gc.commitment = ? AND g.\(live)",
                           commitment.id, "a guarantee")
            // `guarantee_covers` holds the covers as first recorded; an amendment may have put it under a guarantee since.
            let snapshot = try currentState().snapshot
            for row in snapshot.guarantees where snapshot.voided[row.seq] == nil {
                for amendment in snapshot.amendments[.guarantee(row.guarantee.id)] ?? []
                where snapshot.voided[amendment.seq] == nil && amendment.names(commitment.id) {
                    throw LedgerError.conflict(amendment.seq, "entry \(entry.seq) cannot be voided while an amendment of guarantee "
                                               + "\(row.guarantee.id) (entry \(amendment.seq)) refers to it; void that first")
                }
            }
        case .guaranteeAdd(let guarantee):
            try referenced("SELECT seq FROM invocations WHERE guarantee = ? AND \(live)", guarantee.id, "an invocation")
        case .commitmentWithdraw, .guaranteeInvoke, .amendment, .verification, .breach, .corroboration:
            break
        default:
            throw LedgerError.invalid(.entry, "entry \(entry.seq) is a \(entry.kind.rawValue) entry; only definitions, withdrawals, "
                                      + "invocations, amendments and evidence can be voided")
        }
    }
}
