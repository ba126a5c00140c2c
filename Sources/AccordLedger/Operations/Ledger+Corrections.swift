import AccordStorage

/// What a user gives to correct a verification or breach. Fields left nil
/// keep the current version's value; an empty string clears an optional field.
public struct CorrectionInput: Sendable {
    /// The corrected entry: a seq or an external id.
    public var target: String
    public var reason: String
    public var commitment: String?
    public var quantity: String?
    public var done = false
    public var notDone = false
    public var observed: String?
    public var precision: String?
    public var party: String?
    public var severity: String?
    public var description: String?
    public var source: String?
    public var sourceKind: String?
    public var confidence: String?
    public var evidence = EvidenceInput()
    public var note: String?
    public var location = LocationInput()

    public init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }
}

/// Corrections, retractions, disputes and adjudications: later entries that
/// change what counts, never what was recorded.
extension Ledger {
    /// Supersedes the current version of a verification or breach with a
    /// corrected one. The original stays readable.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown or retracted entry,
    ///   a field that does not fit, or a correction that changes nothing.
    public func correct(_ input: CorrectionInput, as recorder: Recorder) throws -> Receipt {
        let reason = try TextRules.text(input.reason, field: "reason")
        return try record(recorder) { session in
            let reference = try session.resolve(input.target, field: "entry")
            guard reference.corroboration == nil else {
                throw LedgerError.badInput("entry: \(input.target) is a corroboration; retract it and log a new one instead of correcting it")
            }
            let state = try session.liveState(reference, action: "correct")
            guard let current = try session.currentVersion(state) else {
                throw LedgerError(.tampered, "the current version of entry \(reference.record) cannot be read; run `accord audit`")
            }
            var replacement = try session.corrected(current, with: input)
            if case .breach(var breach) = replacement {
                try session.checkBreach(&breach)
                replacement = .breach(breach)
            }
            guard replacement != current else {
                throw LedgerError.badInput("nothing to correct: the fields given equal the current version of entry \(reference.record)")
            }
            return try session.append(.correction(Correction(record: reference.record, reason: reason, replacement: replacement)))
        }
    }

    /// Withdraws a verification, breach or corroboration from every count.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown entry, one already
    ///   retracted, or an entry that is not a record (e.g. a retraction).
    public func retract(_ target: String, reason: String, as recorder: Recorder) throws -> Receipt {
        let reason = try TextRules.text(reason, field: "reason")
        return try record(recorder) { session in
            let reference = try session.resolve(target, field: "entry")
            let retracted = reference.corroboration ?? reference.record
            if let seq = try session.db.scalarInt("SELECT seq FROM retractions WHERE record = ?", retracted) {
                throw LedgerError.badInput("entry \(retracted) was already retracted by entry \(seq)")
            }
            if reference.corroboration == nil { try session.refuseStrandingInvocations(without: reference.record, action: "retracted") }
            return try session.append(.retraction(Retraction(record: retracted, reason: reason)))
        }
    }

    /// Contests a verification or breach: it stops counting until adjudicated.
    /// - Throws: ``LedgerError`` `.badInput`.
    public func dispute(_ target: String, by: String, reason: String, source: String?, as recorder: Recorder) throws -> Receipt {
        let by = try TextRules.line(by, field: "by")
        let reason = try TextRules.text(reason, field: "reason")
        let source = try TextRules.optionalLine(source, field: "source")
        return try record(recorder) { session in
            let reference = try session.resolve(target, field: "entry")
            guard reference.corroboration == nil else {
                throw LedgerError.badInput("entry: \(target) is a corroboration; dispute the record it supports, entry \(reference.record)")
            }
            _ = try session.liveState(reference, action: "dispute")
            return try session.append(.dispute(Dispute(record: reference.record, by: by, reason: reason, source: source)))
        }
    }

    /// Settles the pending disputes on a record: upheld, it counts again;
    /// rejected, it never counts.
    /// - Throws: ``LedgerError`` `.badInput` when the record is not disputed.
    public func adjudicate(_ target: String, ruling: Ruling, reason: String, as recorder: Recorder) throws -> Receipt {
        let reason = try TextRules.text(reason, field: "reason")
        return try record(recorder) { session in
            let reference = try session.resolve(target, field: "entry")
            let pending = try session.db.scalarInt(
                "SELECT count(*) FROM disputes WHERE record = ? AND adjudication_seq IS NULL", reference.record) ?? 0
            guard reference.corroboration == nil, pending > 0 else {
                throw LedgerError.badInput("entry \(target) is not disputed; only a disputed verification or breach can be adjudicated")
            }
            return try session.append(.adjudication(Adjudication(record: reference.record, ruling: ruling, reason: reason)))
        }
    }
}

extension Session {
    /// The record's state, refusing one that is retracted or rejected.
    func liveState(_ reference: RecordReference, action: String) throws -> RecordState {
        guard let state = try RecordState.load(record: reference.record, db: db) else {
            throw LedgerError.badInput("entry \(reference.record) is not a verification or breach")
        }
        if state.retracted {
            throw LedgerError.badInput("entry \(reference.record) was retracted; there is nothing left to \(action)")
        }
        if state.rejected {
            throw LedgerError.badInput("entry \(reference.record) was rejected by an adjudicator; there is nothing left to \(action)")
        }
        return state
    }

    /// The record as its current version says, decoded from the journal.
    func currentVersion(_ state: RecordState) throws -> Record? {
        switch try entry(state.currentSeq)?.payload {
        case .verification(let value)?: return .verification(value)
        case .breach(let value)?: return .breach(value)
        case .correction(let value)?: return value.replacement
        default: return nil
        }
    }

    /// `current` with the fields the user gave replaced, validated again.
    func corrected(_ current: Record, with input: CorrectionInput) throws -> Record {
        func optional(_ value: String?, current: String?, _ validate: (String) throws -> String?) rethrows -> String? {
            guard let value else { return current }
            return TextRules.trimmed(value).isEmpty ? nil : try validate(value)
        }
        let source = Source(
            name: try input.source.map { try TextRules.line($0, field: "source") } ?? current.source.name,
            kind: try Parse.word(input.sourceKind, SourceKind.self, field: "source_kind") ?? current.source.kind,
            confidence: try Parse.word(input.confidence, Confidence.self, field: "confidence") ?? current.source.confidence)
        let observed = try input.observed.map { try Parse.date($0, field: "observed") } ?? current.observed
        try refuseFuture(observed, field: "observed")
        let commitmentID = try input.commitment.map { try TextRules.identifier($0, field: "commitment") } ?? current.commitment
        let facts = try requireCommitment(commitmentID, field: "commitment")

        switch current {
        case .verification(let old):
            if input.party != nil || input.severity != nil || input.description != nil {
                throw LedgerError.badInput("entry is a verification: --party, --severity and --description belong to breaches")
            }
            var measure = old.measure
            let given = (input.quantity != nil ? 1 : 0) + (input.done ? 1 : 0) + (input.notDone ? 1 : 0)
            guard given <= 1 else { throw LedgerError.badInput("give at most one of --quantity, --done and --not-done") }
            if let quantity = input.quantity {
                measure = .quantity(try Parse.quantity(quantity, field: "quantity", scale: facts.decimals, allowZero: true,
                                                       what: "commitment \(facts.id)"))
            }
            if input.done { measure = .done }
            if input.notDone { measure = .notDone }
            switch (facts.kind, measure) {
            case (.quantity, .quantity), (.action, .done), (.action, .notDone): break
            case (.restraint, _):
                throw LedgerError.badInput("commitment \(facts.id) is a restraint: verifications do not apply to it")
            case (.quantity, _):
                throw LedgerError.badInput("commitment \(facts.id) counts \(facts.unit ?? "items"): give --quantity N")
            case (.action, .quantity):
                throw LedgerError.badInput("commitment \(facts.id) is an action: give --done or --not-done")
            }
            return .verification(Verification(
                externalID: old.externalID, commitment: commitmentID, measure: measure, observed: observed,
                precision: try Parse.word(input.precision, Precision.self, field: "precision") ?? old.precision,
                source: source, evidence: try correctedEvidence(old.evidence, input.evidence),
                note: try optional(input.note, current: old.note) { try TextRules.optionalText($0, field: "note") },
                location: try correctedLocation(old.location, input.location)))
        case .breach(let old):
            if input.quantity != nil || input.done || input.notDone {
                throw LedgerError.badInput("entry is a breach: --quantity, --done and --not-done belong to verifications")
            }
            let party = try input.party.map { try TextRules.identifier($0, field: "party") } ?? old.party
            try requireParty(party, field: "party")
            return .breach(Breach(
                externalID: old.externalID, commitment: commitmentID, party: party, observed: observed,
                precision: try Parse.word(input.precision, Precision.self, field: "precision") ?? old.precision,
                severity: try Parse.word(input.severity, Severity.self, field: "severity") ?? old.severity,
                source: source,
                description: try optional(input.description, current: old.description) { try TextRules.optionalText($0, field: "description") },
                evidence: try correctedEvidence(old.evidence, input.evidence),
                note: try optional(input.note, current: old.note) { try TextRules.optionalText($0, field: "note") },
                location: try correctedLocation(old.location, input.location)))
        }
    }

    private func correctedEvidence(_ old: Evidence, _ input: EvidenceInput) throws -> Evidence {
        var evidence = old
        if input.file != nil || input.sha256 != nil {
            let clearing = (input.sha256.map { TextRules.trimmed($0).isEmpty } ?? false) && input.file == nil
            evidence.sha256 = clearing ? nil : try Parse.evidence(EvidenceInput(file: input.file, sha256: input.sha256)).sha256
        }
        if let uri = input.uri {
            evidence.uri = try Parse.evidenceURI(uri)
        }
        return evidence
    }

    private func correctedLocation(_ old: Location, _ input: LocationInput) throws -> Location {
        var raw = LocationInput(place: old.place, lat: old.coordinates?.latitudeText, lon: old.coordinates?.longitudeText,
                                precision: old.precision?.rawValue)
        if let place = input.place { raw.place = place }
        if let lat = input.lat { raw.lat = lat }
        if let lon = input.lon { raw.lon = lon }
        if let precision = input.precision { raw.precision = precision }
        return try Parse.location(raw)
    }
}
