import AccordStorage

/// What a user gives to correct a verification or breach. Fields left nil
/// keep the current version's value; an empty string clears an optional field.
public struct CorrectionInput: Sendable {
    /// The corrected entry: a seq or an external id.
    public var target: String
    /// Why it is corrected (required).
    public var reason: String
    /// The new commitment id; nil: unchanged.
    public var commitment: String?
    /// The new quantity, as typed; nil: unchanged.
    public var quantity: String?
    /// True to make an action's outcome done.
    public var done = false
    /// True to make an action's outcome not done.
    public var notDone = false
    /// The new observed date or time, as typed; nil: unchanged.
    public var observed: String?
    /// The new date precision, as typed; nil: unchanged.
    public var precision: String?
    /// A breach's new party; nil: unchanged.
    public var party: String?
    /// A breach's new severity, as typed; nil: unchanged.
    public var severity: String?
    /// A breach's new description; nil: unchanged.
    public var description: String?
    /// The new source's name; nil: unchanged.
    public var source: String?
    /// The new source kind, as typed; nil: unchanged.
    public var sourceKind: String?
    /// The new confidence, as typed; nil: unchanged.
    public var confidence: String?
    /// New evidence; empty: unchanged.
    public var evidence = EvidenceInput()
    /// A new note; nil: unchanged.
    public var note: String?
    /// A new location; empty: unchanged.
    public var location = LocationInput()

    /// A correction of `target` (a seq or an external id) for `reason`; set the fields that change.
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
    /// - Throws: ``LedgerError``: `.notFound` for an unknown entry, `.invalid`
    ///   for a retracted one, a field that does not fit, or a correction that
    ///   changes nothing.
    public func correct(_ input: CorrectionInput, as recorder: Recorder) throws -> Receipt {
        try record(.correct(input), as: recorder)
    }

    /// Withdraws a verification, breach or corroboration from every count.
    /// - Throws: ``LedgerError``: `.notFound` for an unknown entry, `.conflict`
    ///   for one already retracted, `.invalid` for an entry that is not a
    ///   record (e.g. a retraction).
    public func retract(_ target: String, reason: String, as recorder: Recorder) throws -> Receipt {
        try record(.retract(target: target, reason: reason), as: recorder)
    }

    /// Contests a verification or breach: it stops counting until adjudicated.
    /// - Throws: ``LedgerError``: `.notFound`, `.invalid`.
    public func dispute(_ target: String, by: String, reason: String, source: String?, as recorder: Recorder) throws -> Receipt {
        try record(.dispute(target: target, by: by, reason: reason, source: source), as: recorder)
    }

    /// Settles the pending disputes on a record: upheld, it counts again;
    /// rejected, it never counts.
    /// - Throws: ``LedgerError`` `.invalid(.entry)` when the record is not disputed.
    public func adjudicate(_ target: String, ruling: Ruling, reason: String, as recorder: Recorder) throws -> Receipt {
        try record(.adjudicate(target: target, ruling: ruling, reason: reason), as: recorder)
    }
}

extension Session {
    /// Appends a correction of the record `input.target` names (`reason` already validated).
    func correct(_ input: CorrectionInput, reason: String) throws -> Recorded {
        let (reference, current) = try correctable(input.target)
        return try appendCorrection(of: reference, current: current, replacement: try corrected(current, with: input), reason: reason)
    }

    /// The record `target` names and its current version, when it can be corrected.
    func correctable(_ target: String) throws -> (RecordReference, Record) {
        let reference = try resolve(target, field: .entry)
        guard reference.corroboration == nil else {
            throw LedgerError.invalid(.entry, "\(Field.entry): \(target) is a corroboration; retract it and log a new one "
                                      + "instead of correcting it")
        }
        let state = try liveState(reference, action: "correct")
        guard let current = try currentVersion(state) else {
            throw LedgerError(.tampered, "the current version of entry \(reference.record) cannot be read", hint: .audit)
        }
        return (reference, current)
    }

    /// Appends the correction of `reference` (now `current`) to `replacement`, checked against its commitment.
    func appendCorrection(of reference: RecordReference, current: Record, replacement: Record, reason: String) throws -> Recorded {
        var replacement = replacement
        if case .breach(var breach) = replacement {
            try checkBreach(&breach)
            replacement = .breach(breach)
        }
        guard replacement != current else {
            throw LedgerError.invalid(nil, "nothing to correct: the fields given equal the current version of entry \(reference.record)")
        }
        return try append(.correction(Correction(record: reference.record, reason: reason, replacement: replacement)))
    }

    /// Appends the retraction of the record or corroboration `target` names.
    func retract(_ target: String, reason: String) throws -> Recorded {
        let reference = try resolve(target, field: .entry)
        let retracted = reference.corroboration ?? reference.record
        if let seq = try db.scalarInt("SELECT seq FROM retractions WHERE record = ?", retracted) {
            throw LedgerError.conflict(seq, "entry \(retracted) was already retracted by entry \(seq)")
        }
        if reference.corroboration == nil { try refuseStrandingInvocations(without: reference.record, action: "retracted") }
        return try append(.retraction(Retraction(record: retracted, reason: reason)))
    }

    /// Appends a dispute of the record `target` names.
    func dispute(_ target: String, by: String, reason: String, source: String?) throws -> Recorded {
        let reference = try resolve(target, field: .entry)
        guard reference.corroboration == nil else {
            throw LedgerError.invalid(.entry, "\(Field.entry): \(target) is a corroboration; dispute the record it supports, "
                                      + "entry \(reference.record)")
        }
        _ = try liveState(reference, action: "dispute")
        return try append(.dispute(Dispute(record: reference.record, by: by, reason: reason, source: source)))
    }

    /// Appends the adjudication of the pending disputes on the record `target` names.
    func adjudicate(_ target: String, ruling: Ruling, reason: String) throws -> Recorded {
        let reference = try resolve(target, field: .entry)
        let pending = try db.scalarInt(
            "SELECT count(*) FROM disputes WHERE record = ? AND adjudication_seq IS NULL", reference.record) ?? 0
        guard reference.corroboration == nil, pending > 0 else {
            throw LedgerError.invalid(.entry, "entry \(target) is not disputed; only a disputed verification or breach can be adjudicated")
        }
        return try append(.adjudication(Adjudication(record: reference.record, ruling: ruling, reason: reason)))
    }
}

extension Session {
    /// The record's state, refusing one that is retracted or rejected.
    func liveState(_ reference: RecordReference, action: String) throws -> RecordState {
        guard let state = try RecordState.load(record: reference.record, db: db) else {
            throw LedgerError.invalid(.entry, "entry \(reference.record) is not a verification or breach")
        }
        if state.retracted {
            throw LedgerError.invalid(.entry, "entry \(reference.record) was retracted; there is nothing left to \(action)")
        }
        if state.rejected {
            throw LedgerError.invalid(.entry, "entry \(reference.record) was rejected by an adjudicator; there is nothing left to \(action)")
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
            name: try input.source.map { try TextRules.line($0, field: .source) } ?? current.source.name,
            kind: try Parse.word(input.sourceKind, SourceKind.self, field: .sourceKind) ?? current.source.kind,
            confidence: try Parse.word(input.confidence, Confidence.self, field: .confidence) ?? current.source.confidence)
        let observed = try input.observed.map { try Parse.date($0, field: .observed) } ?? current.observed
        try refuseFuture(observed, field: .observed)
        let commitmentID = try input.commitment.map { try TextRules.identifier($0, field: .commitment) } ?? current.commitment
        let facts = try requireCommitment(commitmentID, field: .commitment)

        switch current {
        case .verification(let old):
            if input.party != nil || input.severity != nil || input.description != nil {
                throw LedgerError.invalid(input.party != nil ? .party : input.severity != nil ? .severity : .description,
                                          "entry is a verification: \(option: .party), \(option: .severity) and \(option: .description) "
                                          + "belong to breaches")
            }
            var measure = old.measure
            let given = (input.quantity != nil ? 1 : 0) + (input.done ? 1 : 0) + (input.notDone ? 1 : 0)
            guard given <= 1 else {
                throw LedgerError.invalid(.quantity, "give at most one of \(option: .quantity), \(option: .done) and \(option: .notDone)")
            }
            if let quantity = input.quantity {
                measure = .quantity(try Parse.quantity(quantity, field: .quantity, scale: facts.decimals, allowZero: true,
                                                       what: "commitment \(facts.id)"))
            }
            if input.done { measure = .done }
            if input.notDone { measure = .notDone }
            switch (facts.kind, measure) {
            case (.quantity, .quantity), (.action, .done), (.action, .notDone): break
            case (.restraint, _):
                throw LedgerError.invalid(.commitment, "commitment \(facts.id) is a restraint: verifications do not apply to it")
            case (.quantity, _):
                throw LedgerError.invalid(.quantity, "commitment \(facts.id) counts \(facts.unit ?? "items"): give \(option: .quantity) N")
            case (.action, .quantity):
                throw LedgerError.invalid(.done, "commitment \(facts.id) is an action: give \(option: .done) or \(option: .notDone)")
            }
            return .verification(Verification(
                externalID: old.externalID, commitment: commitmentID, measure: measure, observed: observed,
                precision: try Parse.word(input.precision, Precision.self, field: .precision) ?? old.precision,
                source: source, evidence: try correctedEvidence(old.evidence, input.evidence),
                note: try optional(input.note, current: old.note) { try TextRules.optionalText($0, field: .note) },
                location: try correctedLocation(old.location, input.location)))
        case .breach(let old):
            if input.quantity != nil || input.done || input.notDone {
                throw LedgerError.invalid(input.quantity != nil ? .quantity : input.done ? .done : .notDone,
                                          "entry is a breach: \(option: .quantity), \(option: .done) and \(option: .notDone) belong to "
                                          + "verifications")
            }
            let party = try input.party.map { try TextRules.identifier($0, field: .party) } ?? old.party
            try requireParty(party, field: .party)
            return .breach(Breach(
                externalID: old.externalID, commitment: commitmentID, party: party, observed: observed,
                precision: try Parse.word(input.precision, Precision.self, field: .precision) ?? old.precision,
                severity: try Parse.word(input.severity, Severity.self, field: .severity) ?? old.severity,
                source: source,
                description: try optional(input.description, current: old.description) { try TextRules.optionalText($0, field: .description) },
                evidence: try correctedEvidence(old.evidence, input.evidence),
                note: try optional(input.note, current: old.note) { try TextRules.optionalText($0, field: .note) },
                location: try correctedLocation(old.location, input.location)))
        }
    }

    private func correctedEvidence(_ old: Evidence, _ input: EvidenceInput) throws -> Evidence {
        var evidence = old
        if input.contentDigest != nil || input.sha256 != nil {
            let clearing = (input.sha256.map { TextRules.trimmed($0).isEmpty } ?? false) && input.contentDigest == nil
            evidence.sha256 = clearing ? nil
                : try Parse.evidence(EvidenceInput(contentDigest: input.contentDigest, sha256: input.sha256)).sha256
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
