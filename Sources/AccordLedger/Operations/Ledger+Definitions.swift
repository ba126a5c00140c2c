import AccordStorage

/// Parties, agreements, commitments and guarantees: the structure that
/// evidence is logged against.
extension Ledger {
    /// Adds a party. Re-adding the same party is a no-op.
    /// - Throws: ``LedgerError`` `.badInput` naming the field that is wrong.
    public func addParty(_ input: PartyInput, as recorder: Recorder) throws -> Receipt {
        let party = try Party(validating: input)
        return try record(recorder) { session in
            try session.add(party)
        }
    }

    /// Adds an agreement. Re-adding the same agreement is a no-op.
    /// - Throws: ``LedgerError`` `.badInput`.
    public func addAgreement(_ input: AgreementInput, as recorder: Recorder) throws -> Receipt {
        let agreement = try Agreement(validating: input)
        return try record(recorder) { session in
            try session.add(agreement)
        }
    }

    /// Adds a commitment (and pairs it with its reciprocal).
    /// - Throws: ``LedgerError`` `.badInput` for a bad shape, an unknown id, a
    ///   reciprocal of another unit, a dependency cycle, a duplicate id.
    public func addCommitment(_ input: CommitmentInput, as recorder: Recorder) throws -> Receipt {
        let commitment = try Commitment(validating: input)
        return try record(recorder) { session in
            try session.add(commitment)
        }
    }

    /// Withdraws a commitment: it no longer counts towards any rate.
    /// - Throws: ``LedgerError`` `.badInput`.
    public func withdrawCommitment(_ input: WithdrawalInput, as recorder: Recorder) throws -> Receipt {
        try record(recorder) { session in
            let id = try TextRules.identifier(input.commitment, field: "commitment")
            _ = try session.requireCommitment(id, field: "commitment")
            let date = try Parse.optionalCalendarDate(input.date, field: "date") ?? Moment(date: CivilDate(days: session.now.day))
            let withdrawal = Withdrawal(commitment: id, date: date, reason: try TextRules.text(input.reason, field: "reason"))
            if let seq = try session.db.scalarInt("SELECT seq FROM withdrawals WHERE commitment = ?", id) {
                return try session.unchanged(.commitmentWithdraw(withdrawal), existing: seq, what: "the withdrawal of \(id)")
            }
            return try session.append(.commitmentWithdraw(withdrawal))
        }
    }

    /// Adds a guarantee over one or more commitments.
    /// - Throws: ``LedgerError`` `.badInput`.
    public func addGuarantee(_ input: GuaranteeInput, as recorder: Recorder) throws -> Receipt {
        let guarantee = try Guarantee(validating: input)
        return try record(recorder) { session in
            try session.add(guarantee)
        }
    }

    /// Records that a guarantor invoked a guarantee.
    /// - Throws: ``LedgerError`` `.badInput`.
    public func invokeGuarantee(_ input: InvocationInput, as recorder: Recorder) throws -> Receipt {
        try record(recorder) { session in
            let id = try TextRules.identifier(input.guarantee, field: "guarantee")
            guard try session.db.scalarInt("SELECT seq FROM guarantees WHERE id = ?", id) != nil else {
                throw LedgerError.badInput("guarantee: no guarantee '\(id)'; add it with `accord guarantee add`")
            }
            let invocation = Invocation(guarantee: id, date: try Parse.calendarDate(input.date, field: "date"),
                                        note: try TextRules.optionalText(input.note, field: "note"))
            try session.refuseFuture(invocation.date, field: "date")
            // An invocation answers an open trigger: one per trigger, on or after it.
            if let refusal = try session.invocationRefusal(invocation) {
                throw LedgerError.badInput("guarantee \(id) cannot be invoked on \(invocation.date.dayText): \(refusal)")
            }
            return try session.append(.guaranteeInvoke(invocation))
        }
    }
}

extension Party {
    init(validating input: PartyInput) throws {
        self.init(id: try TextRules.identifier(input.id, field: "party id"),
                  name: try TextRules.line(input.name, field: "name"),
                  kind: try Parse.word(input.kind, PartyKind.self, field: "party kind"))
    }
}

extension Agreement {
    init(validating input: AgreementInput) throws {
        self.init(id: try TextRules.identifier(input.id, field: "agreement id"),
                  title: try TextRules.line(input.title, field: "title"),
                  date: try Parse.optionalCalendarDate(input.date, field: "date"),
                  venue: try TextRules.optionalLine(input.venue, field: "venue"))
    }
}

extension Commitment {
    init(validating input: CommitmentInput) throws {
        let id = try TextRules.identifier(input.id, field: "commitment id")
        let quantityText = input.quantity.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let unitText = input.unit.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let shapes = (quantityText != nil ? 1 : 0) + (input.action ? 1 : 0) + (input.restraint ? 1 : 0)
        if quantityText != nil && input.action {
            throw LedgerError.badInput("commitment \(id): an action has no quantity; give either --action or --quantity N --unit TEXT")
        }
        if quantityText != nil && input.restraint {
            throw LedgerError.badInput("commitment \(id): a restraint has no quantity; give either --restraint or --quantity N --unit TEXT")
        }
        guard shapes == 1 else {
            throw LedgerError.badInput("commitment \(id): give exactly one of --quantity N --unit TEXT, --action or --restraint")
        }
        let kind: CommitmentKind = quantityText != nil ? .quantity : input.action ? .action : .restraint
        var target: Int64?
        var unit: String?
        var decimals: UInt8 = 0
        if let raw = input.decimals, !TextRules.trimmed(raw).isEmpty {
            guard kind == .quantity else {
                throw LedgerError.badInput("commitment \(id): --decimals belongs with --quantity; \(kind.rawValue) commitments count no quantity")
            }
            decimals = UInt8(try Parse.count(raw, field: "decimals", allowZero: true, maximum: Int64(Quantity.maximumScale)))
        }
        if let quantityText {
            target = try Parse.quantity(quantityText, field: "quantity", scale: decimals, allowZero: false, what: "commitment \(id)").units
            guard let unitText else {
                throw LedgerError.badInput("commitment \(id): a quantity needs its unit (--unit prisoners)")
            }
            unit = try TextRules.line(unitText, field: "unit")
        } else if unitText != nil {
            throw LedgerError.badInput("commitment \(id): --unit belongs with --quantity; \(kind.rawValue) commitments have no unit")
        }
        let due = try Parse.optionalCalendarDate(input.due, field: "due")
        let from = try Parse.optionalCalendarDate(input.from, field: "from")
        let until = try Parse.optionalCalendarDate(input.until, field: "until")
        if kind == .restraint {
            guard from != nil else {
                throw LedgerError.badInput("commitment \(id): a restraint needs its window: --from DATE [--until DATE]")
            }
            guard due == nil else {
                throw LedgerError.badInput("commitment \(id): a restraint has a window (--from/--until), not a due date")
            }
        }
        if let from, let until, until.day < from.day {
            throw LedgerError.badInput("commitment \(id): --until \(until) is before --from \(from)")
        }
        var dependsOn: [String] = []
        for raw in input.dependsOn {
            let dependency = try TextRules.identifier(raw, field: "depends-on")
            if dependency == id {
                throw LedgerError.badInput("commitment \(id): it cannot depend on itself (a dependency cycle)")
            }
            if !dependsOn.contains(dependency) { dependsOn.append(dependency) }
        }
        var reciprocal: String?
        if let raw = input.reciprocal, !TextRules.trimmed(raw).isEmpty {
            reciprocal = try TextRules.identifier(raw, field: "reciprocal")
            if reciprocal == id { throw LedgerError.badInput("commitment \(id): it cannot be its own reciprocal") }
            if kind != .quantity {
                throw LedgerError.badInput("commitment \(id): only quantity commitments can be reciprocal (an exchange of N for N)")
            }
        }
        self.init(id: id, agreement: try TextRules.identifier(input.agreement, field: "agreement"),
                  party: try TextRules.identifier(input.party, field: "party"), kind: kind, target: target, decimals: decimals,
                  unit: unit,
                  due: due, from: from, until: until, reciprocal: reciprocal, dependsOn: dependsOn,
                  text: try TextRules.optionalText(input.text, field: "text"))
    }
}

extension Guarantee {
    init(validating input: GuaranteeInput) throws {
        let id = try TextRules.identifier(input.id, field: "guarantee id")
        var covers: [String] = []
        for raw in input.covers {
            let commitment = try TextRules.identifier(raw, field: "covers")
            if !covers.contains(commitment) { covers.append(commitment) }
        }
        guard !covers.isEmpty else {
            throw LedgerError.badInput("guarantee \(id): name the commitments it covers with --covers")
        }
        var days: Int64 = 30
        if let raw = input.respondWithinDays, !TextRules.trimmed(raw).isEmpty {
            days = try Parse.count(raw, field: "respond-within-days", allowZero: true, maximum: 3650, unit: " (ten years)")
        }
        self.init(id: id, guarantor: try TextRules.identifier(input.guarantor, field: "guarantor"), covers: covers,
                  consequence: try TextRules.text(input.consequence, field: "consequence"), respondWithinDays: days)
    }
}

/// A commitment as the projections hold it, for validation.
struct CommitmentFacts {
    var id: String
    var party: String
    var kind: CommitmentKind
    var unit: String?
    /// Decimal places of its quantities.
    var decimals: UInt8
    var seq: Int64
    /// The entry that voided it, if it was entered in error.
    var voided: Int64? = nil
}

extension Session {
    func add(_ party: Party) throws -> Recorded {
        if let seq = try db.scalarInt("SELECT seq FROM parties WHERE id = ?", party.id) {
            return try unchanged(.partyAdd(party), existing: seq, what: "party \(party.id)")
        }
        return try append(.partyAdd(party))
    }

    func add(_ agreement: Agreement) throws -> Recorded {
        if let seq = try db.scalarInt("SELECT seq FROM agreements WHERE id = ?", agreement.id) {
            return try unchanged(.agreementAdd(agreement), existing: seq, what: "agreement \(agreement.id)")
        }
        return try append(.agreementAdd(agreement))
    }

    func add(_ commitment: Commitment) throws -> Recorded {
        let id = commitment.id
        if let existing = try commitmentFacts(id) {
            if let voided = existing.voided {
                throw LedgerError.badInput("commitment \(id) was voided by entry \(voided), and ids are never reused; choose another id")
            }
            return try unchanged(.commitmentAdd(commitment), existing: existing.seq, what: "commitment \(id)")
        }
        guard try db.scalarInt("SELECT seq FROM agreements WHERE id = ?", commitment.agreement) != nil else {
            throw LedgerError.badInput("commitment \(id): no agreement '\(commitment.agreement)'; add it with `accord agreement add`")
        }
        try requireParty(commitment.party, field: "commitment \(id): party")
        if let counterpart = commitment.reciprocal {
            let other = try requireCommitment(counterpart, field: "commitment \(id): reciprocal")
            guard other.kind == .quantity else {
                throw LedgerError.badInput("commitment \(id): its reciprocal \(counterpart) is a \(other.kind.rawValue), not a quantity")
            }
            guard other.unit == commitment.unit, other.decimals == commitment.decimals else {
                throw LedgerError.badInput("commitment \(id): its reciprocal \(counterpart) counts \(other.unit ?? "-"), not \(commitment.unit ?? "-"); an exchange pairs the same unit")
            }
            if let paired = try db.scalarText("SELECT counterpart FROM reciprocals WHERE commitment = ?", counterpart) {
                throw LedgerError.badInput("commitment \(id): \(counterpart) is already paired with \(paired)")
            }
        }
        for dependency in commitment.dependsOn {
            _ = try requireCommitment(dependency, field: "commitment \(id): depends-on")
            if try dependsTransitively(dependency, on: id) {
                throw LedgerError.badInput("commitment \(id): depending on \(dependency) would make a dependency cycle")
            }
        }
        return try append(.commitmentAdd(commitment))
    }

    func add(_ guarantee: Guarantee) throws -> Recorded {
        if let seq = try db.scalarInt("SELECT seq FROM guarantees WHERE id = ?", guarantee.id) {
            return try unchanged(.guaranteeAdd(guarantee), existing: seq, what: "guarantee \(guarantee.id)")
        }
        try requireParty(guarantee.guarantor, field: "guarantee \(guarantee.id): guarantor")
        for commitment in guarantee.covers {
            _ = try requireCommitment(commitment, field: "guarantee \(guarantee.id): covers")
        }
        return try append(.guaranteeAdd(guarantee))
    }

    func requireParty(_ id: String, field: String) throws {
        guard try db.scalarInt("SELECT seq FROM parties WHERE id = ?", id) != nil else {
            throw LedgerError.badInput("\(field): no party '\(id)'; add it with `accord party add \(id) --name …`")
        }
    }

    /// The commitment's facts; remembered for the rest of the transaction
    /// (commitments are only ever added), so a bulk import reads each once.
    func commitmentFacts(_ id: String) throws -> CommitmentFacts? {
        if let known = knownCommitments[id] { return known }
        var facts: CommitmentFacts?
        try db.forEach("""
            SELECT id, party, kind, unit, decimals, seq, (SELECT v.seq FROM voids v WHERE v.target = c.seq)
            FROM commitments c WHERE id = ?
            """, [id]) { row in
            facts = CommitmentFacts(id: row.text(0), party: row.text(1),
                                    kind: CommitmentKind(rawValue: row.text(2)) ?? .action,
                                    unit: row.optionalText(3), decimals: UInt8(clamping: row.int64(4)), seq: row.int64(5),
                                    voided: row.optionalInt64(6))
        }
        if let facts, knownCommitments.count < Session.knownCommitmentLimit { knownCommitments[id] = facts }
        return facts
    }

    func requireCommitment(_ id: String, field: String) throws -> CommitmentFacts {
        guard let facts = try commitmentFacts(id) else {
            throw LedgerError.badInput("\(field): no commitment '\(id)'; list them with `accord commitment list`")
        }
        if let voided = facts.voided {
            throw LedgerError.badInput("\(field): commitment \(id) was voided by entry \(voided) (entered in error)")
        }
        return facts
    }

    /// True when `start` depends, directly or not, on `target`.
    func dependsTransitively(_ start: String, on target: String) throws -> Bool {
        var seen: Set<String> = []
        var stack = [start]
        while let next = stack.popLast() {
            if next == target { return true }
            guard seen.insert(next).inserted else { continue }
            try db.forEach("SELECT depends_on FROM dependencies WHERE commitment = ?", [next]) { row in
                stack.append(row.text(0))
            }
        }
        return false
    }

    /// Refuses dates more than a day after the recording time.
    func refuseFuture(_ moment: Moment, field: String) throws {
        if moment.day > now.day + 1 {
            throw LedgerError.badInput("\(field) \(moment) is in the future (the ledger's clock says \(Moment(instant: now).dayText))")
        }
    }
}
