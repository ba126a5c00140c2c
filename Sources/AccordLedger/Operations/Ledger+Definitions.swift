import AccordStorage

/// Parties, agreements, commitments and guarantees: the structure that
/// evidence is logged against.
extension Ledger {
    /// Adds a party. Re-adding the same party is a no-op.
    /// - Throws: ``LedgerError`` `.invalid` naming the field that is wrong,
    ///   `.conflict` for an id recorded with other content.
    public func addParty(_ input: PartyInput, as recorder: Recorder) throws -> Receipt {
        try record(.addParty(input), as: recorder)
    }

    /// Adds an agreement. Re-adding the same agreement is a no-op.
    /// - Throws: ``LedgerError`` `.invalid`, `.conflict`.
    public func addAgreement(_ input: AgreementInput, as recorder: Recorder) throws -> Receipt {
        try record(.addAgreement(input), as: recorder)
    }

    /// Adds a commitment (and pairs it with its reciprocal).
    /// - Throws: ``LedgerError``: `.invalid` for a bad shape, a reciprocal of
    ///   another unit or a dependency cycle; `.notFound` for an unknown id;
    ///   `.conflict` for a duplicate id.
    public func addCommitment(_ input: CommitmentInput, as recorder: Recorder) throws -> Receipt {
        try record(.addCommitment(input), as: recorder)
    }

    /// Withdraws a commitment: it no longer counts towards any rate.
    /// - Throws: ``LedgerError`` `.notFound`, `.invalid`, `.conflict`.
    public func withdrawCommitment(_ input: WithdrawalInput, as recorder: Recorder) throws -> Receipt {
        try record(.withdrawCommitment(input), as: recorder)
    }

    /// Adds a guarantee over one or more commitments.
    /// - Throws: ``LedgerError`` `.invalid`, `.notFound`, `.conflict`.
    public func addGuarantee(_ input: GuaranteeInput, as recorder: Recorder) throws -> Receipt {
        try record(.addGuarantee(input), as: recorder)
    }

    /// Records that a guarantor invoked a guarantee.
    /// - Throws: ``LedgerError`` `.notFound` for an unknown guarantee,
    ///   `.invalid` for a date on which it answers no trigger.
    public func invokeGuarantee(_ input: InvocationInput, as recorder: Recorder) throws -> Receipt {
        try record(.invokeGuarantee(input), as: recorder)
    }
}

extension Session {
    /// Appends the withdrawal of a commitment.
    func withdraw(_ input: WithdrawalInput) throws -> Recorded {
        try refuseLocalDefinition("withdraw the commitment")
        let id = try TextRules.identifier(input.commitment, field: .commitment)
        _ = try requireCommitment(id, field: .commitment)
        let date = try Parse.optionalCalendarDate(input.date, field: .date) ?? Moment(date: CivilDate(days: now.day))
        let withdrawal = Withdrawal(commitment: id, date: date, reason: try TextRules.text(input.reason, field: .reason))
        if let seq = try db.scalarInt("SELECT seq FROM withdrawals WHERE commitment = ?", id) {
            return try unchanged(.commitmentWithdraw(withdrawal), existing: seq, what: "the withdrawal of \(id)")
        }
        return try append(.commitmentWithdraw(withdrawal))
    }

    /// Appends an invocation of a guarantee, which must answer an open trigger.
    func invoke(_ input: InvocationInput) throws -> Recorded {
        // Not evidence a push carries (its claim names the guarantee, not a record): refused rather than never sent.
        try refuseLocalDefinition("record the invocation", thenPull: false)
        let id = try TextRules.identifier(input.guarantee, field: .guarantee)
        guard try db.scalarInt("SELECT seq FROM guarantees WHERE id = ?", id) != nil else {
            throw LedgerError.unknown(.guarantee, id, in: "\(Field.guarantee)", hint: .add(.guarantee, id))
        }
        let invocation = Invocation(guarantee: id, date: try Parse.calendarDate(input.date, field: .date),
                                    note: try TextRules.optionalText(input.note, field: .note))
        try refuseFuture(invocation.date, field: .date)
        // An invocation answers an open trigger: one per trigger, on or after it.
        if let refusal = try invocationRefusal(invocation) {
            throw LedgerError.invalid(.date, "guarantee \(id) cannot be invoked on \(invocation.date.dayText): \(refusal)")
        }
        return try append(.guaranteeInvoke(invocation))
    }
}

extension Party {
    init(validating input: PartyInput) throws {
        self.init(id: try TextRules.identifier(input.id, field: .id(.party)),
                  name: try TextRules.line(input.name, field: .name),
                  kind: try Parse.word(input.kind, PartyKind.self, field: .partyKind))
    }
}

extension Agreement {
    init(validating input: AgreementInput) throws {
        self.init(id: try TextRules.identifier(input.id, field: .id(.agreement)),
                  title: try TextRules.line(input.title, field: .title),
                  date: try Parse.optionalCalendarDate(input.date, field: .date),
                  venue: try TextRules.optionalLine(input.venue, field: .venue))
    }
}

extension Commitment {
    init(validating input: CommitmentInput) throws {
        let id = try TextRules.identifier(input.id, field: .id(.commitment))
        let quantityText = input.quantity.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let unitText = input.unit.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let shapes = (quantityText != nil ? 1 : 0) + (input.action ? 1 : 0) + (input.restraint ? 1 : 0)
        if quantityText != nil && input.action {
            throw LedgerError.invalid(.quantity, "commitment \(id): an action has no quantity; give either \(option: .action) or "
                                      + "\(option: .quantity) N \(option: .unit) TEXT")
        }
        if quantityText != nil && input.restraint {
            throw LedgerError.invalid(.quantity, "commitment \(id): a restraint has no quantity; give either \(option: .restraint) or "
                                      + "\(option: .quantity) N \(option: .unit) TEXT")
        }
        guard shapes == 1 else {
            throw LedgerError.invalid(.commitmentKind, "commitment \(id): give exactly one of \(option: .quantity) N \(option: .unit) TEXT, "
                                      + "\(option: .action) or \(option: .restraint)")
        }
        let kind: CommitmentKind = quantityText != nil ? .quantity : input.action ? .action : .restraint
        var target: Int64?
        var unit: String?
        var decimals: UInt8 = 0
        if let raw = input.decimals, !TextRules.trimmed(raw).isEmpty {
            guard kind == .quantity else {
                throw LedgerError.invalid(.decimals, "commitment \(id): \(option: .decimals) belongs with \(option: .quantity); "
                                          + "\(kind.rawValue) commitments count no quantity")
            }
            decimals = UInt8(try Parse.count(raw, field: .decimals, allowZero: true, maximum: Int64(Quantity.maximumScale)))
        }
        if let quantityText {
            target = try Parse.quantity(quantityText, field: .quantity, scale: decimals, allowZero: false, what: "commitment \(id)").units
            guard let unitText else {
                throw LedgerError.invalid(.unit, "commitment \(id): a quantity needs its unit (\(option: .unit) prisoners)")
            }
            unit = try TextRules.line(unitText, field: .unit)
        } else if unitText != nil {
            throw LedgerError.invalid(.unit, "commitment \(id): \(option: .unit) belongs with \(option: .quantity); "
                                      + "\(kind.rawValue) commitments have no unit")
        }
        let due = try Parse.optionalCalendarDate(input.due, field: .due)
        let from = try Parse.optionalCalendarDate(input.from, field: .from)
        let until = try Parse.optionalCalendarDate(input.until, field: .until)
        if kind == .restraint {
            guard from != nil else {
                throw LedgerError.invalid(.from, "commitment \(id): a restraint needs its window: \(option: .from) DATE [\(option: .until) DATE]")
            }
            guard due == nil else {
                throw LedgerError.invalid(.due, "commitment \(id): a restraint has a window (\(option: .from)/\(option: .until)), not a due date")
            }
        }
        if let from, let until, until.day < from.day {
            throw LedgerError.invalid(.until, "commitment \(id): \(option: .until) \(until) is before \(option: .from) \(from)")
        }
        var dependsOn: [String] = []
        for raw in input.dependsOn {
            let dependency = try TextRules.identifier(raw, field: .dependsOn)
            if dependency == id {
                throw LedgerError.invalid(.dependsOn, "commitment \(id): it cannot depend on itself (a dependency cycle)")
            }
            if !dependsOn.contains(dependency) { dependsOn.append(dependency) }
        }
        var reciprocal: String?
        if let raw = input.reciprocal, !TextRules.trimmed(raw).isEmpty {
            reciprocal = try TextRules.identifier(raw, field: .reciprocal)
            if reciprocal == id { throw LedgerError.invalid(.reciprocal, "commitment \(id): it cannot be its own reciprocal") }
            if kind != .quantity {
                throw LedgerError.invalid(.reciprocal, "commitment \(id): only quantity commitments can be reciprocal (an exchange of N for N)")
            }
        }
        self.init(id: id, agreement: try TextRules.identifier(input.agreement, field: .agreement),
                  party: try TextRules.identifier(input.party, field: .party), kind: kind, target: target, decimals: decimals,
                  unit: unit,
                  due: due, from: from, until: until, reciprocal: reciprocal, dependsOn: dependsOn,
                  text: try TextRules.optionalText(input.text, field: .text))
    }
}

extension Guarantee {
    init(validating input: GuaranteeInput) throws {
        let id = try TextRules.identifier(input.id, field: .id(.guarantee))
        var covers: [String] = []
        for raw in input.covers {
            let commitment = try TextRules.identifier(raw, field: .covers)
            if !covers.contains(commitment) { covers.append(commitment) }
        }
        guard !covers.isEmpty else {
            throw LedgerError.invalid(.covers, "guarantee \(id): name the commitments it covers with \(option: .covers)")
        }
        var days: Int64 = 30
        if let raw = input.respondWithinDays, !TextRules.trimmed(raw).isEmpty {
            days = try Parse.count(raw, field: .respondWithinDays, allowZero: true, maximum: 3650, unit: " (ten years)")
        }
        self.init(id: id, guarantor: try TextRules.identifier(input.guarantor, field: .guarantor), covers: covers,
                  consequence: try TextRules.text(input.consequence, field: .consequence), respondWithinDays: days)
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
        try refuseLocalDefinition("add the party")
        if let seq = try db.scalarInt("SELECT seq FROM parties WHERE id = ?", party.id) {
            return try unchanged(.partyAdd(party), existing: seq, what: "party \(party.id)")
        }
        return try append(.partyAdd(party))
    }

    func add(_ agreement: Agreement) throws -> Recorded {
        try refuseLocalDefinition("add the agreement")
        if let seq = try db.scalarInt("SELECT seq FROM agreements WHERE id = ?", agreement.id) {
            return try unchanged(.agreementAdd(agreement), existing: seq, what: "agreement \(agreement.id)")
        }
        return try append(.agreementAdd(agreement))
    }

    func add(_ commitment: Commitment) throws -> Recorded {
        try refuseLocalDefinition("add the commitment")
        let id = commitment.id
        if let existing = try commitmentFacts(id) {
            if let voided = existing.voided {
                throw LedgerError.conflict(voided, "commitment \(id) was voided by entry \(voided), and ids are never reused; choose another id")
            }
            return try unchanged(.commitmentAdd(commitment), existing: existing.seq, what: "commitment \(id)")
        }
        guard try db.scalarInt("SELECT seq FROM agreements WHERE id = ?", commitment.agreement) != nil else {
            throw LedgerError.unknown(.agreement, commitment.agreement, in: "commitment \(id)", hint: .add(.agreement, commitment.agreement))
        }
        try requireParty(commitment.party, field: .party, label: "commitment \(id): \(Field.party)")
        if let counterpart = commitment.reciprocal {
            let other = try requireCommitment(counterpart, field: .reciprocal, label: "commitment \(id): \(Field.reciprocal)")
            guard other.kind == .quantity else {
                throw LedgerError.invalid(.reciprocal, "commitment \(id): its reciprocal \(counterpart) is a \(other.kind.rawValue), not a quantity")
            }
            guard other.unit == commitment.unit, other.decimals == commitment.decimals else {
                throw LedgerError.invalid(.reciprocal, "commitment \(id): its reciprocal \(counterpart) counts \(other.unit ?? "-"), not \(commitment.unit ?? "-"); an exchange pairs the same unit")
            }
            if let paired = try db.scalarText("SELECT counterpart FROM reciprocals WHERE commitment = ?", counterpart) {
                throw LedgerError.invalid(.reciprocal, "commitment \(id): \(counterpart) is already paired with \(paired)")
            }
        }
        for dependency in commitment.dependsOn {
            _ = try requireCommitment(dependency, field: .dependsOn, label: "commitment \(id): \(Field.dependsOn)")
            if try dependsTransitively(dependency, on: id) {
                throw LedgerError.invalid(.dependsOn, "commitment \(id): depending on \(dependency) would make a dependency cycle")
            }
        }
        return try append(.commitmentAdd(commitment))
    }

    func add(_ guarantee: Guarantee) throws -> Recorded {
        try refuseLocalDefinition("add the guarantee")
        if let seq = try db.scalarInt("SELECT seq FROM guarantees WHERE id = ?", guarantee.id) {
            return try unchanged(.guaranteeAdd(guarantee), existing: seq, what: "guarantee \(guarantee.id)")
        }
        try requireParty(guarantee.guarantor, field: .guarantor, label: "guarantee \(guarantee.id): \(Field.guarantor)")
        for commitment in guarantee.covers {
            _ = try requireCommitment(commitment, field: .covers, label: "guarantee \(guarantee.id): \(Field.covers)")
        }
        return try append(.guaranteeAdd(guarantee))
    }

    /// Refuses a party id the ledger does not hold.
    /// - Parameter label: how the message names the field (default: the field).
    func requireParty(_ id: String, field: Field, label: Phrase? = nil) throws {
        guard try db.scalarInt("SELECT seq FROM parties WHERE id = ?", id) != nil else {
            throw LedgerError.unknown(.party, id, in: label ?? "\(field)", hint: .add(.party, id))
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
                                    kind: try CommitmentKind(stored: row.text(2), in: "commitments.kind"),
                                    unit: row.optionalText(3), decimals: UInt8(clamping: row.int64(4)), seq: row.int64(5),
                                    voided: row.optionalInt64(6))
        }
        if let facts, knownCommitments.count < Session.knownCommitmentLimit { knownCommitments[id] = facts }
        return facts
    }

    /// The facts of a commitment the ledger holds and has not voided.
    /// - Parameter label: how the message names the field (default: the field).
    func requireCommitment(_ id: String, field: Field, label: Phrase? = nil) throws -> CommitmentFacts {
        guard let facts = try commitmentFacts(id) else {
            throw LedgerError.unknown(.commitment, id, in: label ?? "\(field)", hint: .list(.commitment))
        }
        if let voided = facts.voided {
            throw LedgerError.conflict(voided, "\(label ?? "\(field)"): commitment \(id) was voided by entry \(voided) (entered in error)")
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
    func refuseFuture(_ moment: Moment, field: Field) throws {
        if moment.day > now.day + 1 {
            throw LedgerError.invalid(field, "\(field) \(moment) is in the future (the ledger's clock says \(Moment(instant: now).dayText))")
        }
    }
}
