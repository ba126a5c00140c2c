import AccordStorage

/// Verifications, breaches and corroborations: the evidence monitors log.
extension Ledger {
    /// Logs a verification. Re-sending the same external id with the same
    /// content is a no-op; with different content it is refused.
    /// - Throws: ``LedgerError``: `.invalid` naming the field that is wrong,
    ///   `.notFound` for an unknown commitment, `.conflict` for an external id
    ///   recorded with other content.
    public func log(_ input: VerificationInput, as recorder: Recorder) throws -> Receipt {
        try record(.log(input), as: recorder)
    }

    /// Reports a breach. Idempotent by external id, like ``log(_:as:)``.
    /// - Throws: ``LedgerError`` `.invalid`, `.notFound`, `.conflict`.
    public func recordBreach(_ input: BreachInput, as recorder: Recorder) throws -> Receipt {
        try record(.breach(input), as: recorder)
    }

    /// Records another source for an existing verification or breach.
    /// - Throws: ``LedgerError`` `.notFound` when the entry is unknown,
    ///   `.invalid` when it is not a verification or breach.
    public func corroborate(_ input: CorroborationInput, as recorder: Recorder) throws -> Receipt {
        try record(.corroborate(input), as: recorder)
    }
}

/// A verification whose fields are valid on their own; what it needs from
/// the ledger (the commitment's kind) is checked in the session.
struct PreparedVerification {
    var commitment: String
    /// The quantity as typed: parsed at the commitment's scale once it is known.
    var quantityText: String?
    var done: Bool
    var notDone: Bool
    var observed: Moment
    var precision: Precision
    var source: Source
    var externalID: String?
    var evidence: Evidence
    var note: String?
    var location: Location

    init(_ input: VerificationInput) throws {
        commitment = try TextRules.identifier(input.commitment, field: .commitment)
        let quantityText = input.quantity.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let given = (quantityText != nil ? 1 : 0) + (input.done ? 1 : 0) + (input.notDone ? 1 : 0)
        guard given == 1 else {
            throw LedgerError.invalid(.quantity, "give exactly one of \(option: .quantity) N, \(option: .done) or \(option: .notDone) "
                                      + "(what was observed)")
        }
        self.quantityText = quantityText
        done = input.done
        notDone = input.notDone
        observed = try Parse.date(input.observed, field: .observed)
        precision = try Parse.word(input.precision, Precision.self, field: .precision) ?? .day
        source = try Parse.source(input.source)
        externalID = try Parse.externalID(input.externalID)
        evidence = try Parse.evidence(input.evidence)
        note = try TextRules.optionalText(input.note, field: .note)
        location = try Parse.location(input.location)
    }

    /// The verification, once the commitment's kind is known.
    func verification(for facts: CommitmentFacts) throws -> Verification {
        let measure: Measure
        switch facts.kind {
        case .quantity:
            guard let quantityText else {
                throw LedgerError.invalid(.quantity, "commitment \(facts.id) counts \(facts.unit ?? "items"): log \(option: .quantity) N, "
                                          + "not \(option: .done)/\(option: .notDone)")
            }
            measure = .quantity(try Parse.quantity(quantityText, field: .quantity, scale: facts.decimals, allowZero: true,
                                                   what: "commitment \(facts.id)"))
        case .action:
            guard quantityText == nil else {
                throw LedgerError.invalid(.quantity, "commitment \(facts.id) is an action: log \(option: .done) or \(option: .notDone), "
                                          + "not a quantity")
            }
            measure = done ? .done : .notDone
        case .restraint:
            throw LedgerError.invalid(.commitment, "commitment \(facts.id) is a restraint: it is judged by breaches", hint: .reportBreach)
        }
        return Verification(externalID: externalID, commitment: commitment, measure: measure, observed: observed,
                            precision: precision, source: source, evidence: evidence, note: note, location: location)
    }
}

struct PreparedCorroboration {
    var target: String
    var source: Source
    /// Whether a confidence was given; without one the corroboration takes
    /// that of the record it corroborates (never promoting it).
    var confidenceGiven: Bool
    var externalID: String?
    var evidence: Evidence
    var note: String?

    /// A corroboration already validated (replayed from a field ledger's claim).
    init(target: String, source: Source, externalID: String?, evidence: Evidence, note: String?) {
        self.target = target
        self.source = source
        confidenceGiven = true
        self.externalID = externalID
        self.evidence = evidence
        self.note = note
    }

    init(_ input: CorroborationInput) throws {
        target = try TextRules.line(input.target, field: .corroborates, limit: TextRules.externalIDLimit)
        source = try Parse.source(input.source)
        confidenceGiven = input.source.confidence.map { !TextRules.trimmed($0).isEmpty } ?? false
        externalID = try Parse.externalID(input.externalID)
        evidence = try Parse.evidence(input.evidence)
        note = try TextRules.optionalText(input.note, field: .note)
    }
}

extension Breach {
    init(validating input: BreachInput) throws {
        self.init(externalID: try Parse.externalID(input.externalID),
                  commitment: try TextRules.identifier(input.commitment, field: .commitment),
                  // Left empty until the commitment's obligor is known (Session.record).
                  party: try input.party.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
                      .map { try TextRules.identifier($0, field: .party) } ?? "",
                  observed: try Parse.date(input.observed, field: .observed),
                  precision: try Parse.word(input.precision, Precision.self, field: .precision) ?? .day,
                  severity: try Severity(parsing: TextRules.trimmed(input.severity), field: .severity),
                  source: try Parse.source(input.source),
                  description: try TextRules.optionalText(input.description, field: .description),
                  evidence: try Parse.evidence(input.evidence),
                  note: try TextRules.optionalText(input.note, field: .note),
                  location: try Parse.location(input.location))
    }
}

/// What an entry reference (a seq or an external id) names.
struct RecordReference {
    /// The verification or breach concerned (the seq that first recorded it).
    var record: Int64
    /// The referenced entry itself, when it is a corroboration.
    var corroboration: Int64?
}

extension Session {
    func log(_ prepared: PreparedVerification) throws -> Recorded {
        let facts = try requireCommitment(prepared.commitment, field: .commitment)
        var verification = try prepared.verification(for: facts)
        try refuseFuture(verification.observed, field: .observed)
        if let id = verification.externalID, let target = try externalIDTarget(id) {
            return try unchanged(.verification(verification), existing: target.seq, id: id, derived: target.derived)
        }
        verification.externalID = try fieldExternalID(verification.externalID)
        return try append(.verification(verification))
    }

    /// When the record `id` names holds `record`, as first recorded or as
    /// corrected since, nothing to do; otherwise a refusal that says field by
    /// field how `record` differs from the record as it stands. `derived`:
    /// `id` is the id an export gives a record recorded without one, which
    /// `record` carries and the stored one does not.
    func unchanged(_ record: Record, existing seq: Int64, id: String, derived: Bool = false) throws -> Recorded {
        let record = derived ? record.withoutExternalID : record
        let payload = record.payload
        guard let stored = try entry(seq) else {
            throw LedgerError(.tampered, "id \(id) points at entry \(seq), which is missing", hint: .audit)
        }
        if stored.payload == payload {
            try checkPresentedSignature(payload)
            return .alreadyPresent(seq: seq)
        }
        var current = stored.payload
        if let latest = try db.scalarInt("SELECT max(seq) FROM corrections WHERE record = ?", seq),
           case .correction(let correction)? = try self.entry(latest)?.payload {
            if correction.replacement == record {
                try checkPresentedSignature(payload)
                return .alreadyPresent(seq: latest)
            }
            current = correction.replacement.payload
        }
        let differences = PayloadFields.differences(from: current, to: payload)
        throw LedgerError(conflict: IDConflict(what: "id \(id)", seq: seq, differences: differences, correctable: id))
    }

    func record(_ breach: Breach) throws -> Recorded {
        var breach = breach
        try checkBreach(&breach)
        if let id = breach.externalID, let target = try externalIDTarget(id) {
            return try unchanged(.breach(breach), existing: target.seq, id: id, derived: target.derived)
        }
        breach.externalID = try fieldExternalID(breach.externalID)
        return try append(.breach(breach))
    }

    /// A breach is of its commitment's obligor (the party, when left out) and
    /// observed while the commitment is in force; refused otherwise.
    func checkBreach(_ breach: inout Breach) throws {
        let facts = try requireCommitment(breach.commitment, field: .commitment)
        // A breach belongs to the commitment's obligor: another party cannot breach it.
        if breach.party.isEmpty { breach.party = facts.party }
        guard breach.party == facts.party else {
            throw LedgerError.invalid(.party, "\(Field.party): \(breach.party) is not bound by \(facts.id); its obligor is \(facts.party) "
                                      + "(leave out \(option: .party), or report the breach against a commitment of \(breach.party))")
        }
        try refuseFuture(breach.observed, field: .observed)
        if let refusal = try forceRefusal(facts, day: breach.observed.day) {
            throw LedgerError.invalid(.observed, "\(Field.observed): \(breach.observed.text) is outside \(facts.id): \(refusal)")
        }
    }

    func corroborate(_ prepared: PreparedCorroboration) throws -> Recorded {
        try corroborate(prepared, reference: try resolve(prepared.target, field: .corroborates))
    }

    /// Corroborates the record `reference` names (already resolved from `prepared.target`).
    func corroborate(_ prepared: PreparedCorroboration, reference: RecordReference) throws -> Recorded {
        guard reference.corroboration == nil else {
            throw LedgerError.invalid(.corroborates, "\(Field.corroborates): \(prepared.target) is itself a corroboration; corroborate the "
                                      + "record it supports, entry \(reference.record)")
        }
        var source = prepared.source
        if !prepared.confidenceGiven, let state = try RecordState.load(record: reference.record, db: db) {
            source.confidence = state.source.confidence
        }
        var corroboration = Corroboration(externalID: prepared.externalID, record: reference.record, source: source,
                                          evidence: prepared.evidence, note: prepared.note)
        if let id = corroboration.externalID, let target = try externalIDTarget(id) {
            if target.derived { corroboration.externalID = nil }
            return try unchanged(.corroboration(corroboration), existing: target.seq, what: "id \(id)", id: id)
        }
        corroboration.externalID = try fieldExternalID(corroboration.externalID)
        return try append(.corroboration(corroboration))
    }

    /// The entry an external id names: one given as the record's `id`, or the id an
    /// export gives a record or corroboration recorded without one.
    func externalIDEntry(_ id: String) throws -> Int64? {
        try externalIDTarget(id)?.seq
    }

    /// The entry an external id names, and whether the id is derived from
    /// this ledger's id and the entry's seq (``Ledger/derivedID(ledgerID:seq:)``).
    /// `reference`: the id names the entry another refers to (not the id
    /// of the record or corroboration being recorded).
    /// - Throws: ``LedgerError`` `.badInput` for an id of that form whose
    ///   entry is not a record or corroboration recorded without an id.
    func externalIDTarget(_ id: String, reference: Bool = false) throws -> (seq: Int64, derived: Bool)? {
        let statement = try externalIDLookup()
        try statement.bind(id, at: 1)
        defer { statement.reset() }
        if try statement.step() { return (statement.int64(0), false) }
        guard let seq = try derivedSeq(id) else { return nil }
        // What a field ledger refers to it names by the name this ledger's journal gives the entry (docs/JOURNAL.md
        // §4c): the external id, else this derived one (a reviewer's field ledger refers to the copies it adopted of
        // records made here without an id). A record it sends never takes such a name as its own id: stored as one,
        // it would shadow the record the name is this ledger's for.
        if namesOnly, !reference {
            throw LedgerError.invalid(.externalID, "id \(TextRules.printable(id)) has the form this ledger gives to records made here "
                                      + "without an id (its id's first 8 characters, ':', a seq): a record sent from a field ledger "
                                      + "takes an id of its own")
        }
        let withoutID = try db.scalarInt("""
            SELECT count(*) FROM (
                SELECT seq FROM verifications WHERE seq = ?1 AND record = seq AND external_id IS NULL
                UNION ALL SELECT seq FROM breaches WHERE seq = ?1 AND record = seq AND external_id IS NULL
                UNION ALL SELECT seq FROM corroborations WHERE seq = ?1 AND external_id IS NULL)
            """, seq) ?? 0
        guard withoutID > 0 else {
            throw LedgerError.invalid(.externalID, "id \(TextRules.printable(id)) has the form this ledger gives to records exported without an id "
                                       + "(its id's first 8 characters, ':', a seq), but entry \(seq) is not a verification, breach or "
                                       + "corroboration recorded without one; give another id")
        }
        return (seq, true)
    }

    /// What an entry of each kind records, in words, for messages.
    static let entryWords: [String: String] = [
        "ledger.create": "the ledger's creation", "party.add": "a party", "agreement.add": "an agreement",
        "commitment.add": "a commitment", "commitment.withdraw": "a withdrawal", "guarantee.add": "a guarantee",
        "guarantee.invoke": "an invocation", "correction": "a correction", "retraction": "a retraction", "dispute": "a dispute",
        "adjudication": "an adjudication", "key.register": "a key's registration", "key.revoke": "a key's revocation",
        "ledger.upgrade": "an upgrade of the ledger",
    ]

    /// The seq in an id of the form `<this ledger's id prefix>:<seq>`.
    func derivedSeq(_ id: String) throws -> Int64? {
        // Most ids are not of this form: say so from the bytes (every new id of an import asks;
        // the split into Characters below costs more than the rest of the lookup).
        let utf8 = id.utf8
        guard utf8.count > Ledger.derivedIDPrefixLength,
              utf8.dropFirst(Ledger.derivedIDPrefixLength).first == UInt8(ascii: ":"),
              !utf8.prefix(Ledger.derivedIDPrefixLength).contains(UInt8(ascii: ":")) else { return nil }
        let parts = id.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == Ledger.derivedIDPrefixLength,
              let seq = TextRules.seq(String(parts[1])), String(seq) == parts[1] else { return nil }
        if ledgerPrefix == nil {
            guard case .ledgerCreate(let created)? = try entry(1)?.payload else { return nil }
            ledgerPrefix = String(created.ledgerID.prefix(Ledger.derivedIDPrefixLength))
        }
        return String(parts[0]) == ledgerPrefix ? seq : nil
    }

    /// Resolves a reference typed by a user: an external id, else a seq.
    /// - Throws: ``LedgerError`` `.badInput` when it names no verification,
    ///   breach or corroboration.
    func resolve(_ text: String, field: Field) throws -> RecordReference {
        let trimmed = TextRules.trimmed(text)
        guard let seq = try externalIDTarget(trimmed, reference: true)?.seq ?? (namesOnly ? nil : TextRules.seq(trimmed)) else {
            throw LedgerError.notFound(.entry, trimmed, "\(field): no entry with id or seq '\(TextRules.printable(trimmed))'")
        }
        return try reference(seq, field: field)
    }

    /// What the entry at `seq` is, when it is a verification, breach or corroboration.
    /// - Throws: ``LedgerError`` `.badInput` otherwise.
    func reference(_ seq: Int64, field: Field) throws -> RecordReference {
        let found: RecordReference?
        if let root = try db.scalarInt("SELECT record FROM verifications WHERE seq = ?", seq) {
            found = RecordReference(record: root, corroboration: nil)
        } else if let root = try db.scalarInt("SELECT record FROM breaches WHERE seq = ?", seq) {
            found = RecordReference(record: root, corroboration: nil)
        } else if let root = try db.scalarInt("SELECT record FROM corroborations WHERE seq = ?", seq) {
            found = RecordReference(record: root, corroboration: seq)
        } else {
            found = nil
        }
        if let found {
            // A voided record (or corroboration) is as if never made: nothing can be added to it.
            for voidable in [found.record, found.corroboration].compactMap({ $0 }) {
                if let void = try db.scalarInt("SELECT seq FROM voids WHERE target = ?", voidable) {
                    throw LedgerError.invalid(field, "\(field): entry \(voidable) was voided by entry \(void) as entered in error")
                }
            }
            return found
        }
        if let code = try db.scalarInt("SELECT kind_code FROM journal WHERE seq = ?", seq) {
            let kind = EntryKind(storedCode: code)?.rawValue ?? "kind \(code)"
            let what = Session.entryWords[kind].map { "\($0) (\(kind))" } ?? "a \(kind) entry"
            throw LedgerError.invalid(field, "\(field): entry \(seq) records \(what), not a verification, breach or corroboration")
        }
        throw LedgerError.notFound(.entry, "\(seq)", "\(field): no entry \(seq) (the ledger's last entry is \(writer.seq))")
    }
}

extension Record {
    /// The record as an entry's payload.
    var payload: Payload {
        switch self {
        case .verification(let value): .verification(value)
        case .breach(let value): .breach(value)
        }
    }

    /// The record as recorded without an external id.
    var withoutExternalID: Record {
        switch self {
        case .verification(var value):
            value.externalID = nil
            return .verification(value)
        case .breach(var value):
            value.externalID = nil
            return .breach(value)
        }
    }
}

extension Ledger {
    /// How many characters of the ledger's id a derived id begins with.
    static let derivedIDPrefixLength = 8

    /// The id an export gives a record or corroboration recorded without
    /// one: the first 8 characters of the ledger's id, ':', and the seq of the
    /// entry that recorded it (`3f2a9c1e:17`). Imports, corroborations,
    /// corrections and the rest recognise it in the same ledger.
    static func derivedID(ledgerID: String, seq: Int64) -> String {
        "\(ledgerID.prefix(derivedIDPrefixLength)):\(seq)"
    }
}
