import AccordStorage

/// Filters for listing and exporting verifications.
public struct VerificationQuery: Sendable {
    public var commitment: String?
    public var party: String?
    public var since: Moment?
    public var until: Moment?
    public var at: Moment?
    public var status: RecordStatusFilter = .current
    public var minConfidence: Confidence = .unverified
    public var asOf: AsOf?

    public init() {}
}

/// One verification version, with everything recorded about it.
public struct VerificationListing: Sendable {
    public var record: Int64
    public var seq: Int64
    public var status: String
    public var commitment: String
    public var quantity: Int64?
    public var outcome: String?
    public var observed: String
    public var precision: String
    public var source: String
    public var sourceKind: String
    /// Its own confidence, as recorded.
    public var confidence: String
    /// The best of its own and its corroborations' confidence.
    public var effectiveConfidence: String
    public var sources: Int
    public var evidenceSHA256: String?
    public var evidenceURI: String?
    public var note: String?
    public var place: String?
    public var lat: String?
    public var lon: String?
    public var geoPrecision: String?
    public var externalID: String?
    public var recordedAt: String
    public var dispute: String?

    /// Column names follow the import columns, so an export imports back.
    public static let columns = ["id", "kind", "commitment", "quantity", "outcome", "observed", "precision", "source",
                                 "source_kind", "confidence", "evidence_sha256", "evidence_uri", "note", "place", "lat",
                                 "lon", "geo_precision", "record", "seq", "status", "effective_confidence", "sources",
                                 "recorded_at", "dispute"]

    public var cells: [Cell] {
        [Cell(externalID), .text("verification"), .text(commitment), Cell(quantity), Cell(outcome), .text(observed),
         .text(precision), .text(source), .text(sourceKind), .text(confidence), Cell(evidenceSHA256), Cell(evidenceURI),
         Cell(note), Cell(place), Cell(lat), Cell(lon), Cell(geoPrecision), .int(record), .int(seq), .text(status),
         .text(effectiveConfidence), Cell(sources), .text(recordedAt), Cell(dispute)]
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
        try LedgerError.translating {
            try database.read(restartable: restart != nil) { db in
                restart?()
                let view = try LedgerView(db: db, asOf: query.asOf)
                let n = view.seq
                if let commitment = query.commitment,
                   try db.scalarInt("SELECT count(*) FROM commitments WHERE id = ? AND seq <= ?", commitment, n) == 0 {
                    throw LedgerError.badInput("--commitment: no commitment '\(commitment)'")
                }
                if let party = query.party, try db.scalarInt("SELECT count(*) FROM parties WHERE id = ? AND seq <= ?", party, n) == 0 {
                    throw LedgerError.badInput("--party: no party '\(party)'")
                }
                let facts = try RecordFacts.load(db, asOf: n)
                try db.forEach("""
                    SELECT v.record, v.seq, v.commitment, v.quantity, v.outcome, v.observed, v.precision, v.source,
                           v.source_kind, v.confidence, v.evidence_sha256, v.evidence_uri, v.note, v.place, v.lat, v.lon,
                           v.geo_precision, v.external_id, j.recorded_at, v.superseded_seq, v.retracted_seq
                    FROM verifications v JOIN journal j ON j.seq = v.seq
                    WHERE v.seq <= ?1 AND (?2 IS NULL OR v.commitment = ?2)
                      AND (?3 IS NULL OR v.commitment IN (SELECT id FROM commitments WHERE party = ?3))
                      AND (?4 IS NULL OR v.observed_day >= ?4) AND (?5 IS NULL OR v.observed_day <= ?5)
                    ORDER BY v.observed_day, v.seq
                    """, [n, DatabaseValue(query.commitment), DatabaseValue(query.party), query.since?.day,
                          [query.until?.day, query.at?.day].compactMap { $0 }.min()]) { row in
                    let record = row.int64(0)
                    let status = facts.status(record: record, superseded: row.optionalInt64(19), retracted: row.optionalInt64(20))
                    guard query.status.admits(status) else { return }
                    let own = Confidence(rawValue: row.text(9)) ?? .unverified
                    let (effective, sources) = facts.standing(of: record, own: own, source: row.text(7))
                    guard effective >= query.minConfidence else { return }
                    try body(VerificationListing(
                        record: record, seq: row.int64(1), status: status.rawValue, commitment: row.text(2),
                        quantity: row.optionalInt64(3), outcome: row.optionalText(4), observed: row.text(5),
                        precision: row.text(6), source: row.text(7), sourceKind: row.text(8), confidence: own.rawValue,
                        effectiveConfidence: effective.rawValue, sources: sources,
                        evidenceSHA256: row.optionalText(10), evidenceURI: row.optionalText(11), note: row.optionalText(12),
                        place: row.optionalText(13), lat: row.optionalText(14), lon: row.optionalText(15),
                        geoPrecision: row.optionalText(16), externalID: row.optionalText(17), recordedAt: row.text(18),
                        dispute: facts.disputeText(record: record)))
                }
                return try view.stamp()
            }
        }
    }
}
