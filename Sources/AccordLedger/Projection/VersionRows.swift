import AccordStorage

/// Inserts verification and breach version rows through two prepared
/// statements, binding each value directly (the hot path of a bulk import).
final class VersionRows {
    let db: Database
    private var verificationInsert: Statement?
    private var breachInsert: Statement?

    init(db: Database) {
        self.db = db
    }

    static let verificationSQL = """
        INSERT INTO verifications (seq, record, external_id, commitment, quantity, outcome, observed_at, observed_day,
            precision, source, source_kind, confidence, evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let breachSQL = """
        INSERT INTO breaches (seq, record, external_id, commitment, party, observed_at, observed_day, precision, severity,
            source, source_kind, confidence, description, evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts a version of `root` recorded by entry `seq`.
    func insert(_ record: Record, seq: Int64, record root: Int64) throws {
        let statement: Statement
        switch record {
        case .verification:
            if verificationInsert == nil { verificationInsert = try db.cached(VersionRows.verificationSQL) }
            guard let cached = verificationInsert else { return }
            statement = cached
        case .breach:
            if breachInsert == nil { breachInsert = try db.cached(VersionRows.breachSQL) }
            guard let cached = breachInsert else { return }
            statement = cached
        }
        for (index, value) in VersionRows.values(record, seq: seq, record: root).enumerated() {
            try statement.bind(value, at: Int32(index + 1))
        }
        try Database.confirm(try statement.run(), what: "\(record.kind.rawValue) \(seq)")
    }

    /// The columns a version row is inserted with, in the order of the
    /// INSERT statements above (the table's columns before its marks); the
    /// listings check stored rows against them.
    static func values(_ record: Record, seq: Int64, record root: Int64) -> [DatabaseValue] {
        switch record {
        case .verification(let v):
            return [.integer(seq), .integer(root), DatabaseValue(v.externalID), .text(v.commitment),
                    v.measure.quantity.map { .integer($0) } ?? .null, DatabaseValue(v.measure.outcome), observedAt(v.observed),
                    .integer(v.observed.day), v.precision.storedCode]
                + source(v.source) + evidence(v.evidence, note: v.note) + location(v.location)
        case .breach(let b):
            return [.integer(seq), .integer(root), DatabaseValue(b.externalID), .text(b.commitment), .text(b.party),
                    observedAt(b.observed), .integer(b.observed.day), b.precision.storedCode, b.severity.storedCode]
                + source(b.source) + [DatabaseValue(b.description)] + evidence(b.evidence, note: b.note) + location(b.location)
        }
    }

    /// source, source_kind, confidence (the kind and the confidence by their codes).
    static func source(_ source: Source) -> [DatabaseValue] {
        [.text(source.name), source.kind.storedCode, source.confidence.storedCode]
    }

    /// `observed_at`: the time as given, NULL for a plain date (whose day is `observed_day`).
    static func observedAt(_ observed: Moment) -> DatabaseValue {
        observed.hasTime ? .text(observed.text) : .null
    }

    /// `evidence_sha256`: the hash's 32 bytes, as the entry holds them; NULL for none.
    static func sha256(_ evidence: Evidence) -> DatabaseValue {
        evidence.sha256.map { .blob($0) } ?? .null
    }

    /// evidence_sha256, evidence_uri, note.
    static func evidence(_ evidence: Evidence, note: String?) -> [DatabaseValue] {
        [sha256(evidence), DatabaseValue(evidence.uri), DatabaseValue(note)]
    }

    /// place, lat, lon, geo_precision.
    static func location(_ location: Location) -> [DatabaseValue] {
        [DatabaseValue(location.place), DatabaseValue(location.coordinates?.latitudeText),
         DatabaseValue(location.coordinates?.longitudeText), location.precision?.storedCode ?? .null]
    }
}
