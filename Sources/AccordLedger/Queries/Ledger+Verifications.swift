import AccordStorage

/// Filters for listing and exporting verifications.
public struct VerificationQuery: Sendable {
    /// Only verifications of this commitment id; nil for all.
    public var commitment: String?
    /// Only verifications of this party's commitments; nil for all.
    public var party: String?
    /// Observed on or after this date; nil for no lower bound.
    public var since: Moment?
    /// Observed on or before this date; nil for no upper bound.
    public var until: Moment?
    /// The world date: verifications observed after it are left out; nil for none.
    public var at: Moment?
    /// Which versions to list (default: the live version of each record).
    public var status: RecordStatusFilter = .current
    /// At least this confident, by effective confidence (default: all).
    public var minConfidence: Confidence = .unverified
    /// Read the ledger as it stood at this seq or time; nil for now.
    public var asOf: AsOf?

    /// No filter: live verifications of every commitment at any confidence.
    public init() {}
}

/// One verification version, with everything recorded about it.
public struct VerificationListing: Sendable {
    /// The record (the seq of the entry that first recorded it).
    public var record: Int64
    /// The seq of the entry that recorded this version.
    public var seq: Int64
    /// Where this version stands (current, superseded, retracted …).
    public var status: RecordStatus
    /// The id of the commitment observed.
    public var commitment: String
    /// The quantity observed, at its commitment's scale.
    public var quantity: Quantity?
    /// `done` or `not_done` for an action; nil for a quantity.
    public var outcome: String?
    /// The local calendar date it was observed on (`YYYY-MM-DD`).
    public var observed: String
    /// The time it was observed, with its zone offset, when one was given.
    public var observedAt: String?
    /// How exact the observed date is: day, week or month.
    public var precision: Precision
    /// Who reported it.
    public var source: String
    /// What kind of source reported it.
    public var sourceKind: SourceKind
    /// Its own confidence, as recorded.
    public var confidence: Confidence
    /// The best of its own and its corroborations' confidence.
    public var effectiveConfidence: Confidence
    /// Distinct sources behind it, corroborations included.
    public var sources: Int
    /// The evidence's SHA-256, lowercase hex; nil for none.
    public var evidenceSHA256: String?
    /// Where the evidence is kept; nil for none.
    public var evidenceURI: String?
    /// A free-text note; nil for none.
    public var note: String?
    /// The place's name; nil when not given.
    public var place: String?
    /// Latitude in decimal degrees; nil without coordinates.
    public var lat: String?
    /// Longitude in decimal degrees; nil without coordinates.
    public var lon: String?
    /// How exact the coordinates are (exact, near, region); nil without them.
    public var geoPrecision: String?
    /// The caller's own id for the record; nil when none was given.
    public var externalID: String?
    /// When this version was recorded (UTC, ISO 8601).
    public var recordedAt: String
    /// Pending disputes ("by X: reason") or the adjudication; nil for none.
    public var dispute: String?

    /// Column names follow the import columns, so an export imports back.
    public static let columns = ["id", "kind", "commitment", "quantity", "outcome", "observed", "observed_at", "precision", "source",
                                 "source_kind", "confidence", "evidence_sha256", "evidence_uri", "note", "place", "lat",
                                 "lon", "geo_precision", "record", "seq", "status", "effective_confidence", "sources",
                                 "recorded_at", "dispute"]

    /// The row as cells, one per columns name.
    public var cells: [Cell] {
        [Cell(externalID), .text("verification"), .text(commitment), quantity.map { .decimal($0) } ?? .null, Cell(outcome),
         .text(observed), Cell(observedAt), .text(precision.rawValue), .text(source), .text(sourceKind.rawValue), .text(confidence.rawValue), Cell(evidenceSHA256), Cell(evidenceURI),
         Cell(note), Cell(place), Cell(lat), Cell(lon), Cell(geoPrecision), .int(record), .int(seq), .text(status.rawValue),
         .text(effectiveConfidence.rawValue), Cell(sources), .text(recordedAt), Cell(dispute)]
    }
}

extension Ledger {
    /// Streams verifications, sorted by observed date then seq, as known at
    /// `query.asOf`; returns the ledger state they reflect.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown commitment or party.
    @discardableResult
    public func forEachVerification(_ query: VerificationQuery, _ body: (VerificationListing) throws -> Void) throws -> LedgerStamp {
        try forEachVerification(query, restart: nil, body)
    }

    /// As ``forEachVerification(_:_:)``; with `restart`, the read may run
    /// again, calling `restart` first each time (see ``forEachBreach(_:restart:_:)``).
    func forEachVerification(_ query: VerificationQuery, restart: (() -> Void)?,
                             _ body: (VerificationListing) throws -> Void) throws -> LedgerStamp {
        try reading(asOf: query.asOf, restartable: restart != nil) { view in
            restart?()
            try view.forEachVerification(query, body)
            return try view.stamp()
        }
    }
}

extension LedgerView {
    /// Verifications matching `query`, sorted by observed date then seq,
    /// folded from the entries behind them (checked against the evidence chains).
    func forEachVerification(_ query: VerificationQuery, _ body: (VerificationListing) throws -> Void) throws {
        let snapshot = try state().snapshot
        if let commitment = query.commitment, !snapshot.commitments.contains(where: { $0.commitment.id == commitment }) {
            throw LedgerError.unknown(.commitment, commitment, in: "\(option: .commitment)")
        }
        if let party = query.party, !snapshot.parties.contains(where: { $0.id == party }) {
            throw LedgerError.unknown(.party, party, in: "\(option: .party)")
        }
        let partyOf = Dictionary(snapshot.commitments.map { ($0.commitment.id, $0.commitment.party) }, uniquingKeysWith: { a, _ in a })
        // Filtered, the records moved here from another commitment are found through the rows (reading every
        // verification chain would take an audit's time on a large ledger); see `evidence(_:)` and docs/JOURNAL.md.
        let book = try query.commitment.map { try verifications(of: $0) } ?? evidence(.verification)
        let latestDay = [query.until?.day, query.at?.day].compactMap { $0 }.min()
        var listings: [(day: Int64, listing: VerificationListing)] = []
        for history in book.records {
            for (index, version) in history.versions.enumerated() {
                guard case .verification(let verification) = version.record else { continue }
                let day = verification.observed.day
                if let commitment = query.commitment, verification.commitment != commitment { continue }
                if let party = query.party, partyOf[verification.commitment] != party { continue }
                if let since = query.since, day < since.day { continue }
                if let latestDay, day > latestDay { continue }
                let status = history.status(of: index)
                guard query.status.admits(status) else { continue }
                let (effective, sources) = history.standing(own: verification.source)
                guard effective >= query.minConfidence else { continue }
                listings.append((day, VerificationListing(history: history, version: version, verification: verification,
                                                          status: status, effective: effective, sources: sources)))
            }
        }
        for item in listings.sorted(by: { ($0.day, $0.listing.seq) < ($1.day, $1.listing.seq) }) { try body(item.listing) }
    }
}

extension LedgerView {
    /// The verifications about commitment `id`: those of every commitment that
    /// held one of its records (found through the rows, as reading every
    /// verification chain would take an audit's time on a large ledger),
    /// checked against those commitments' chains. A record moved here whose
    /// row was deleted would be missing: so the records found that count here,
    /// and those that would but for a pending dispute, are held to the checked
    /// totals and disputed contributions, which hold every one of them.
    /// - Throws: ``LedgerError`` `.tampered` when they differ.
    func verifications(of id: String) throws -> EvidenceBook {
        let book = try EvidenceBook.load(self, kind: .verification, owners: try LedgerView.owners(of: [id], kind: .verification, db: db))
        // By confidence rank: [0] the records that count, [1] those under a pending dispute.
        var found = [[Int64]](repeating: [0, 0, 0], count: 2), checked = found
        for history in book.histories.values {
            guard let current = history.current, case .verification(let verification) = current.record,
                  verification.commitment.utf8.elementsEqual(id.utf8) else { continue }
            let status = history.status(of: history.versions.count - 1)
            guard status == .current || status == .disputed else { continue }
            found[status == .current ? 0 : 1][history.standing(own: verification.source).effective.rank] += 1
        }
        let state = try state()
        for row in state.totals where row.commitment.utf8.elementsEqual(id.utf8) && (0...2).contains(row.rank) {
            checked[0][row.rank] += row.amounts.records - row.amounts.breaches
        }
        for (commitment, keys) in state.disputed where commitment.utf8.elementsEqual(id.utf8) {
            for key in keys where !key.breach && (0...2).contains(key.rank) { checked[1][key.rank] += 1 }
        }
        guard found == checked else {
            // "4 counted (confirmed 3, unverified 1), none under a pending dispute".
            func text(_ counts: [[Int64]]) -> String {
                zip(counts, ["counted", "under a pending dispute"]).map { byRank, what in
                    let levels = Confidence.allCases.filter { byRank[$0.rank] > 0 }.map { "\($0.rawValue) \(byRank[$0.rank])" }
                    return levels.isEmpty ? "none \(what)" : "\(byRank.reduce(0, +)) \(what) (\(levels.joined(separator: ", ")))"
                }.joined(separator: ", ")
            }
            throw LedgerError(.tampered, "the ledger has been altered: the checked totals hold, of the verifications of commitment \(id), "
                              + "\(text(checked)); the verification rows lead to \(text(found)): a row of a verification moved here "
                              + "is missing or altered", hint: .audit)
        }
        return book
    }
}

extension VerificationListing {
    init(history: EvidenceBook.History, version: EvidenceBook.Version, verification: Verification, status: RecordStatus,
         effective: Confidence, sources: Int) {
        self.init(record: history.record, seq: version.seq, status: status, commitment: verification.commitment,
                  quantity: { if case .quantity(let value) = verification.measure { return value } else { return nil } }(),
                  outcome: verification.measure.outcome,
                  observed: verification.observed.dayText, observedAt: verification.observed.hasTime ? verification.observed.text : nil,
                  precision: verification.precision,
                  source: verification.source.name, sourceKind: verification.source.kind,
                  confidence: verification.source.confidence, effectiveConfidence: effective, sources: sources,
                  evidenceSHA256: verification.evidence.sha256Hex, evidenceURI: verification.evidence.uri, note: verification.note,
                  place: verification.location.place, lat: verification.location.coordinates?.latitudeText,
                  lon: verification.location.coordinates?.longitudeText, geoPrecision: verification.location.precision?.rawValue,
                  externalID: verification.externalID, recordedAt: version.recordedAt.iso8601, dispute: history.disputeText)
    }
}
