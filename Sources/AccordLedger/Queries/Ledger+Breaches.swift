import AccordStorage

/// Which versions of records to list.
public enum RecordStatusFilter: String, Sendable, CaseIterable {
    /// The live version of each record (contested ones included, marked disputed).
    case current
    /// Versions replaced by a correction.
    case superseded
    /// Versions retracted by a reviewer.
    case retracted
    /// Live records under a pending dispute.
    case disputed
    /// Records an adjudicator rejected.
    case rejected
    /// Breaches outside their commitment (by another party than its obligor,
    /// or outside its window or before its agreement): recorded, never counted.
    case outside
    /// Records voided as entered in error.
    case voided
    /// Every version, voided ones included.
    case all
}

/// Filters for the breach listing (``Ledger/breaches(_:)``).
public struct BreachQuery: Sendable {
    /// Only breaches by this party id; nil for all.
    public var party: String?
    /// Only breaches of this commitment id; nil for all.
    public var commitment: String?
    /// Observed on or after this date.
    public var since: Moment?
    /// Observed on or before this date.
    public var until: Moment?
    /// The world date: breaches observed after it are left out.
    public var at: Moment?
    /// At least this grave.
    public var severity: Severity?
    /// Which versions to list (default: the live version of each record).
    public var status: RecordStatusFilter = .current
    /// Breaches of commitments this party guaranteed on the day they were observed.
    public var guarantor: String?
    /// At least this confident (the record's effective confidence).
    public var minConfidence: Confidence = .unverified
    /// Read the ledger as it stood at this seq or time; nil for now.
    public var asOf: AsOf?

    /// No filter: live breaches of every party and commitment at any confidence.
    public init() {}
}

/// One breach version, as listed for auditors.
public struct BreachListing: Sendable {
    /// The record (the seq of the entry that first recorded it).
    public var record: Int64
    /// The seq of the entry that recorded this version.
    public var seq: Int64
    /// Where this version stands (current, superseded, retracted …).
    public var status: RecordStatus
    /// The local calendar date it was observed on (`YYYY-MM-DD`).
    public var observed: String
    /// The time it was observed, with its zone offset, when one was given.
    public var observedAt: String?
    /// How exact the observed date is: day, week or month.
    public var precision: Precision
    /// The id of the commitment breached.
    public var commitment: String
    /// The id of the party in breach.
    public var party: String
    /// Minor, major or grave.
    public var severity: Severity
    /// The best of its own and its corroborations' confidence.
    public var confidence: Confidence
    /// Who reported it.
    public var source: String
    /// What kind of source reported it.
    public var sourceKind: SourceKind
    /// Distinct sources behind it, corroborations included.
    public var sources: Int
    /// What happened; nil when not given.
    public var description: String?
    /// The evidence's SHA-256, lowercase hex; nil for none.
    public var evidenceSHA256: String?
    /// Where the evidence is kept; nil for none.
    public var evidenceURI: String?
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
    /// The key that signed this version's entry, or `unsigned`.
    public var signer: String = Keys.unsignedWord
    /// Pending disputes ("by X: reason") or the adjudication.
    public var dispute: String?

    /// The column names of cells, in order.
    public static let columns = ["record", "seq", "status", "observed", "observed_at", "precision", "commitment", "party", "severity",
                                 "confidence", "source", "source_kind", "sources", "description", "evidence_sha256",
                                 "evidence_uri", "place", "lat", "lon", "geo_precision", "id", "recorded_at", "signer", "dispute"]

    /// The row as cells, one per columns name.
    public var cells: [Cell] {
        [.int(record), .int(seq), .text(status.rawValue), .text(observed), Cell(observedAt), .text(precision.rawValue), .text(commitment), .text(party),
         .text(severity.rawValue), .text(confidence.rawValue), .text(source), .text(sourceKind.rawValue), Cell(sources), Cell(description),
         Cell(evidenceSHA256), Cell(evidenceURI), Cell(place), Cell(lat), Cell(lon), Cell(geoPrecision), Cell(externalID),
         .text(recordedAt), .text(signer), Cell(dispute)]
    }
}

/// The result of a breach query: the rows and the ledger state they reflect.
public struct BreachList: Sendable {
    /// The ledger state the rows reflect.
    public var stamp: LedgerStamp
    /// The breaches listed, in the listing's order.
    public var breaches: [BreachListing]

    /// The rows with their column names, for a front end's row writers.
    public var rowSet: RowSet { RowSet(columns: BreachListing.columns, rows: breaches.map(\.cells)) }

    /// JSON: an array of breaches; evidence and location as nested objects.
    public var json: JSON {
        .array(breaches.map(\.json))
    }
}

extension BreachListing {
    /// One breach as a JSON object; evidence and location nested.
    public var json: JSON {
        .object([
            ("record", .int(record)), ("seq", .int(seq)), ("status", .string(status.rawValue)),
            ("commitment", .string(commitment)), ("party", .string(party)), ("observed", .string(observed)),
            ("observedAt", JSON(observedAt)),
            ("precision", .string(precision.rawValue)), ("severity", .string(severity.rawValue)), ("source", .string(source)),
            ("sourceKind", .string(sourceKind.rawValue)), ("confidence", .string(confidence.rawValue)), ("sources", .int(Int64(sources))),
            ("description", JSON(description)),
            ("evidence", .object([("sha256", JSON(evidenceSHA256)), ("uri", JSON(evidenceURI))])),
            ("location", .object([("place", JSON(place)), ("lat", JSON(lat)), ("lon", JSON(lon)), ("precision", JSON(geoPrecision))])),
            ("id", JSON(externalID)), ("recordedAt", .string(recordedAt)), ("signer", .string(signer)), ("dispute", JSON(dispute)),
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
        try reading(asOf: query.asOf, restartable: restart != nil) { view in
            restart?()
            try view.forEachBreach(query, body)
            return try view.stamp()
        }
    }
}

extension LedgerView {
    /// Breaches matching `query`, sorted by observed date then seq, folded
    /// from the entries behind them (checked against the evidence chains).
    func forEachBreach(_ query: BreachQuery, _ body: (BreachListing) throws -> Void) throws {
        if let since = query.since, let until = query.until, since.day > until.day {
            throw LedgerError.invalid(.since, "\(option: .since) \(since.text) is after \(option: .periodEnd) \(until.text); the period must end on or after it starts")
        }
        let snapshot = try state().snapshot
        for (value, entity, field) in [(query.party, Entity.party, Field.party), (query.guarantor, .party, .guarantor),
                                       (query.commitment, .commitment, .commitment)] {
            guard let value else { continue }
            let known = entity == .party ? snapshot.parties.contains { $0.id == value }
                : snapshot.commitments.contains { $0.commitment.id == value }
            if !known { throw LedgerError.unknown(entity, value, in: "\(option: field)") }
        }
        // The guarantor's guarantees (not voided), each as recorded, by the commitments they ever covered: a breach
        // is theirs when one of them covered its commitment on the day it was observed, on the terms in force then
        // (amendments included), as their triggers count it.
        let guaranteed = query.guarantor.map { guarantor in
            var byCommitment: [String: [Guarantee]] = [:]
            for row in snapshot.guarantees where row.guarantee.guarantor == guarantor && snapshot.voided[row.seq] == nil {
                for commitment in snapshot.everCovered(by: row.guarantee) { byCommitment[commitment, default: []].append(row.guarantee) }
            }
            return byCommitment
        }
        let book = try evidence(.breach)
        let latestDay = [query.until?.day, query.at?.day].compactMap { $0 }.min()
        var listings: [(day: Int64, listing: BreachListing)] = []
        for history in book.records {
            for (index, version) in history.versions.enumerated() {
                guard case .breach(let breach) = version.record else { continue }
                let day = breach.observed.day
                if let party = query.party, breach.party != party { continue }
                if let commitment = query.commitment, breach.commitment != commitment { continue }
                if let since = query.since, day < since.day { continue }
                if let latestDay, day > latestDay { continue }
                if let guaranteed, !(guaranteed[breach.commitment] ?? []).contains(where: {
                    snapshot.terms(of: $0, onDay: day).covers.contains(breach.commitment)
                }) { continue }
                if let severity = query.severity, breach.severity < severity { continue }
                let status = history.status(of: index, inForce: try inForce(version.record))
                guard query.status.admits(status) else { continue }
                let (effective, sources) = history.standing(own: breach.source)
                guard effective >= query.minConfidence else { continue }
                listings.append((day, BreachListing(history: history, version: version, breach: breach, status: status,
                                                    effective: effective, sources: sources)))
            }
        }
        for item in listings.sorted(by: { ($0.day, $0.listing.seq) < ($1.day, $1.listing.seq) }) { try body(item.listing) }
    }

    /// The commitments whose evidence chains hold the records with a version in any of `commitments`.
    static func owners(of commitments: Set<String>, kind: Record.Kind, db: Database) throws -> Set<String> {
        let table = kind == .verification ? "verifications" : "breaches"
        var owners = commitments
        for commitment in commitments {
            try db.forEach("""
                SELECT DISTINCT f.commitment FROM \(table) v JOIN \(table) f ON f.seq = v.record
                WHERE v.commitment = ? AND v.record <> v.seq
                """, [commitment]) { owners.insert($0.text(0)) }
        }
        return owners
    }
}

extension BreachListing {
    init(history: EvidenceBook.History, version: EvidenceBook.Version, breach: Breach, status: RecordStatus,
         effective: Confidence, sources: Int) {
        self.init(record: history.record, seq: version.seq, status: status, observed: breach.observed.dayText,
                  observedAt: breach.observed.hasTime ? breach.observed.text : nil,
                  precision: breach.precision, commitment: breach.commitment, party: breach.party,
                  severity: breach.severity, confidence: effective, source: breach.source.name,
                  sourceKind: breach.source.kind, sources: sources, description: breach.description,
                  evidenceSHA256: breach.evidence.sha256Hex, evidenceURI: breach.evidence.uri, place: breach.location.place,
                  lat: breach.location.coordinates?.latitudeText, lon: breach.location.coordinates?.longitudeText,
                  geoPrecision: breach.location.precision?.rawValue, externalID: breach.externalID,
                  recordedAt: version.recordedAt.iso8601, signer: version.signerWord, dispute: history.disputeText)
    }
}

/// Where one version of a record stands, as listings give it.
public enum RecordStatus: String, Sendable, CaseIterable, CustomStringConvertible {
    /// As RecordStatusFilter says of each: live; replaced by a correction; retracted; under a pending dispute; rejected by an adjudicator; outside its commitment (never counted); voided.
    case current, superseded, retracted, disputed, rejected, outside, voided

    /// The word, as listings print it.
    public var description: String { rawValue }
}

extension RecordStatusFilter {
    func admits(_ status: RecordStatus) -> Bool {
        switch self {
        case .all: true
        case .current: status == .current || status == .disputed || status == .outside
        case .superseded: status == .superseded
        case .retracted: status == .retracted
        case .disputed: status == .disputed
        case .rejected: status == .rejected
        case .outside: status == .outside
        case .voided: status == .voided
        }
    }
}
