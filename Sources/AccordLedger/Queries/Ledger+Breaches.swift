import AccordStorage

/// Which versions of records to list.
public enum RecordStatusFilter: String, Sendable, CaseIterable {
    /// The live version of each record (contested ones included, marked disputed).
    case current
    /// Versions replaced by a correction.
    case superseded
    case retracted
    /// Live records under a pending dispute.
    case disputed
    /// Records an adjudicator rejected.
    case rejected
    case all
}

/// Filters for `accord breaches`.
public struct BreachQuery: Sendable {
    public var party: String?
    public var commitment: String?
    /// Observed on or after this date.
    public var since: Moment?
    /// Observed on or before this date.
    public var until: Moment?
    /// The world date: breaches observed after it are left out.
    public var at: Moment?
    /// At least this grave.
    public var severity: Severity?
    public var status: RecordStatusFilter = .current
    /// Breaches of commitments this party guarantees.
    public var guarantor: String?
    /// At least this confident (the record's effective confidence).
    public var minConfidence: Confidence = .unverified
    public var asOf: AsOf?

    public init() {}
}

/// One breach version, as listed for auditors.
public struct BreachListing: Sendable {
    public var record: Int64
    public var seq: Int64
    public var status: String
    public var observed: String
    public var precision: String
    public var commitment: String
    public var party: String
    public var severity: String
    /// The best of its own and its corroborations' confidence.
    public var confidence: String
    public var source: String
    public var sourceKind: String
    public var sources: Int
    public var description: String?
    public var evidenceSHA256: String?
    public var evidenceURI: String?
    public var place: String?
    public var lat: String?
    public var lon: String?
    public var geoPrecision: String?
    public var externalID: String?
    public var recordedAt: String
    /// Pending disputes ("by X: reason") or the adjudication.
    public var dispute: String?

    public static let columns = ["record", "seq", "status", "observed", "precision", "commitment", "party", "severity",
                                 "confidence", "source", "source_kind", "sources", "description", "evidence_sha256",
                                 "evidence_uri", "place", "lat", "lon", "geo_precision", "id", "recorded_at", "dispute"]

    public var cells: [Cell] {
        [.int(record), .int(seq), .text(status), .text(observed), .text(precision), .text(commitment), .text(party),
         .text(severity), .text(confidence), .text(source), .text(sourceKind), Cell(sources), Cell(description),
         Cell(evidenceSHA256), Cell(evidenceURI), Cell(place), Cell(lat), Cell(lon), Cell(geoPrecision), Cell(externalID),
         .text(recordedAt), Cell(dispute)]
    }
}

/// The result of a breach query: the rows and the ledger state they reflect.
public struct BreachList: Sendable {
    public var stamp: LedgerStamp
    public var breaches: [BreachListing]

    public var rowSet: RowSet { RowSet(columns: BreachListing.columns, rows: breaches.map(\.cells)) }

    /// JSON: an array of breaches; evidence and location as nested objects.
    public var json: JSON {
        .array(breaches.map(\.json))
    }
}

extension BreachListing {
    public var json: JSON {
        .object([
            ("record", .int(record)), ("seq", .int(seq)), ("status", .string(status)),
            ("commitment", .string(commitment)), ("party", .string(party)), ("observed", .string(observed)),
            ("precision", .string(precision)), ("severity", .string(severity)), ("source", .string(source)),
            ("sourceKind", .string(sourceKind)), ("confidence", .string(confidence)), ("sources", .int(Int64(sources))),
            ("description", JSON(description)),
            ("evidence", .object([("sha256", JSON(evidenceSHA256)), ("uri", JSON(evidenceURI))])),
            ("location", .object([("place", JSON(place)), ("lat", JSON(lat)), ("lon", JSON(lon)), ("precision", JSON(geoPrecision))])),
            ("id", JSON(externalID)), ("recordedAt", .string(recordedAt)), ("dispute", JSON(dispute)),
        ])
    }
}

extension Ledger {
    /// Breaches, sorted by observed date, as known at `query.asOf`.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown party, commitment or guarantor.
    public func breaches(_ query: BreachQuery) throws -> BreachList {
        var listings: [BreachListing] = []
        let stamp = try forEachBreach(query, restart: { listings.removeAll() }) { listings.append($0) }
        return BreachList(stamp: stamp, breaches: listings)
    }

    /// Streams breaches, sorted by observed date, as known at `query.asOf`;
    /// returns the ledger state they reflect.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown party, commitment or guarantor.
    @discardableResult
    public func forEachBreach(_ query: BreachQuery, _ body: (BreachListing) throws -> Void) throws -> LedgerStamp {
        try forEachBreach(query, restart: nil, body)
    }

    /// As ``forEachBreach(_:_:)``; with `restart`, the read may run again
    /// (a writer changed the file under a snapshot), calling `restart` first
    /// each time so the caller can drop what it collected. Without it, rows
    /// handed out cannot be taken back, so such a change is a busy error.
    func forEachBreach(_ query: BreachQuery, restart: (() -> Void)?, _ body: (BreachListing) throws -> Void) throws -> LedgerStamp {
        try LedgerError.translating {
            try database.read(restartable: restart != nil) { db in
                restart?()
                let view = try LedgerView(db: db, asOf: query.asOf)
                let n = view.seq
                for (value, table, field) in [(query.party, "parties", "--party"), (query.guarantor, "parties", "--guarantor"),
                                              (query.commitment, "commitments", "--commitment")] {
                    if let value, try db.scalarInt("SELECT count(*) FROM \(table) WHERE id = ? AND seq <= ?", value, n) == 0 {
                        throw LedgerError.badInput("\(field): no \(table == "parties" ? "party" : "commitment") '\(value)'")
                    }
                }
                var covered: Set<String>?
                if let guarantor = query.guarantor {
                    var set: Set<String> = []
                    try db.forEach("""
                        SELECT gc.commitment FROM guarantee_covers gc JOIN guarantees g ON g.id = gc.guarantee
                        WHERE g.guarantor = ? AND g.seq <= ?
                        """, [guarantor, n]) { row in set.insert(row.text(0)) }
                    covered = set
                }
                let facts = try RecordFacts.load(db, asOf: n)
                try db.forEach("""
                    SELECT b.record, b.seq, b.observed, b.precision, b.commitment, b.party, b.severity, b.confidence,
                           b.source, b.source_kind, b.description, b.evidence_sha256, b.evidence_uri, b.place, b.lat, b.lon,
                           b.geo_precision, b.external_id, j.recorded_at, b.superseded_seq, b.retracted_seq, b.observed_day
                    FROM breaches b JOIN journal j ON j.seq = b.seq
                    WHERE b.seq <= ?1 AND (?2 IS NULL OR b.party = ?2) AND (?3 IS NULL OR b.commitment = ?3)
                      AND (?4 IS NULL OR b.observed_day >= ?4) AND (?5 IS NULL OR b.observed_day <= ?5)
                    ORDER BY b.observed_day, b.seq
                    """, [n, DatabaseValue(query.party), DatabaseValue(query.commitment), query.since?.day,
                          [query.until?.day, query.at?.day].compactMap { $0 }.min()]) { row in
                    let record = row.int64(0)
                    if let covered, !covered.contains(row.text(4)) { return }
                    if let severity = query.severity, (Severity(rawValue: row.text(6)) ?? .minor) < severity { return }
                    let status = facts.status(record: record, superseded: row.optionalInt64(19), retracted: row.optionalInt64(20))
                    guard query.status.admits(status) else { return }
                    let own = Confidence(rawValue: row.text(7)) ?? .unverified
                    let (effective, sources) = facts.standing(of: record, own: own, source: row.text(8))
                    guard effective >= query.minConfidence else { return }
                    try body(BreachListing(
                        record: record, seq: row.int64(1), status: status.rawValue, observed: row.text(2),
                        precision: row.text(3), commitment: row.text(4), party: row.text(5), severity: row.text(6),
                        confidence: effective.rawValue, source: row.text(8), sourceKind: row.text(9), sources: sources,
                        description: row.optionalText(10), evidenceSHA256: row.optionalText(11), evidenceURI: row.optionalText(12),
                        place: row.optionalText(13), lat: row.optionalText(14), lon: row.optionalText(15),
                        geoPrecision: row.optionalText(16), externalID: row.optionalText(17), recordedAt: row.text(18),
                        dispute: facts.disputeText(record: record)))
                }
                return try view.stamp()
            }
        }
    }
}

/// Per-record facts as known at some seq: retractions, disputes,
/// adjudications and corroborations.
struct RecordFacts {
    enum Status: String {
        case current, superseded, retracted, disputed, rejected
    }

    var seq: Int64
    var retracted: Set<Int64> = []
    var pending: [Int64: [String]] = [:]
    var rulings: [Int64: [String]] = [:]
    var rejected: Set<Int64> = []
    var corroborations: [Int64: [Source]] = [:]

    /// - Parameter corroborations: whether to load every corroboration's source too.
    /// A record's confidence counting its live corroborations (the best of
    /// them all), and the number of distinct sources behind it.
    func standing(of record: Int64, own: Confidence, source: String) -> (effective: Confidence, sources: Int) {
        let corroborating = corroborations[record] ?? []
        return (corroborating.map(\.confidence).reduce(own) { max($0, $1) }, Set([source] + corroborating.map(\.name)).count)
    }

    static func load(_ db: Database, asOf seq: Int64, corroborations: Bool = true) throws -> RecordFacts {
        var facts = RecordFacts(seq: seq)
        try db.forEach("SELECT record FROM retractions WHERE seq <= ?", [seq]) { row in facts.retracted.insert(row.int64(0)) }
        try db.forEach("""
            SELECT record, disputed_by, reason, seq FROM disputes
            WHERE seq <= ?1 AND (adjudication_seq IS NULL OR adjudication_seq > ?1) ORDER BY seq
            """, [seq]) { row in
            facts.pending[row.int64(0), default: []].append("disputed by \(row.text(1)) (entry \(row.int64(3))): \(row.text(2))")
        }
        try db.forEach("SELECT record, ruling, reason, seq FROM adjudications WHERE seq <= ? ORDER BY seq", [seq]) { row in
            facts.rulings[row.int64(0), default: []].append("\(row.text(1)) (entry \(row.int64(3))): \(row.text(2))")
            if row.text(1) == "rejected" { facts.rejected.insert(row.int64(0)) }
        }
        guard corroborations else { return facts }
        try db.forEach("SELECT seq, record, source, source_kind, confidence FROM corroborations WHERE seq <= ? ORDER BY seq",
                       [seq]) { row in
            guard !facts.retracted.contains(row.int64(0)) else { return }
            facts.corroborations[row.int64(1), default: []].append(Source(
                name: row.text(2), kind: SourceKind(rawValue: row.text(3)) ?? .other,
                confidence: Confidence(rawValue: row.text(4)) ?? .unverified))
        }
        return facts
    }

    /// The status of one version, given its superseded and retracted marks.
    func status(record: Int64, superseded: Int64?, retracted: Int64?) -> Status {
        if let superseded, superseded <= seq { return .superseded }
        if let retracted, retracted <= seq { return .retracted }
        if rejected.contains(record) { return .rejected }
        if pending[record] != nil { return .disputed }
        return .current
    }

    func disputeText(record: Int64) -> String? {
        let parts = (pending[record] ?? []) + (rulings[record] ?? [])
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension RecordStatusFilter {
    func admits(_ status: RecordFacts.Status) -> Bool {
        switch self {
        case .all: true
        case .current: status == .current || status == .disputed
        case .superseded: status == .superseded
        case .retracted: status == .retracted
        case .disputed: status == .disputed
        case .rejected: status == .rejected
        }
    }
}
