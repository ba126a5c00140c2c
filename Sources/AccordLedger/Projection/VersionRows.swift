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
        INSERT INTO verifications (seq, record, external_id, commitment, quantity, outcome, observed, observed_day,
            precision, source, source_kind, confidence, evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let breachSQL = """
        INSERT INTO breaches (seq, record, external_id, commitment, party, observed, observed_day, precision, severity,
            source, source_kind, confidence, description, evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts a version of `root` recorded by entry `seq`.
    func insert(_ record: Record, seq: Int64, record root: Int64) throws {
        switch record {
        case .verification(let v):
            if verificationInsert == nil { verificationInsert = try db.cached(VersionRows.verificationSQL) }
            guard let statement = verificationInsert else { return }
            try statement.bind(seq, at: 1)
            try statement.bind(root, at: 2)
            try statement.bind(v.externalID, at: 3)
            try statement.bind(v.commitment, at: 4)
            try statement.bind(v.measure.quantity, at: 5)
            try statement.bind(v.measure.outcome, at: 6)
            try statement.bind(v.observed.text, at: 7)
            try statement.bind(v.observed.day, at: 8)
            try statement.bind(v.precision.rawValue, at: 9)
            try bindSource(v.source, statement, at: 10)
            try bindEvidence(v.evidence, note: v.note, statement, at: 13)
            try bindLocation(v.location, statement, at: 16)
            try statement.run()
        case .breach(let b):
            if breachInsert == nil { breachInsert = try db.cached(VersionRows.breachSQL) }
            guard let statement = breachInsert else { return }
            try statement.bind(seq, at: 1)
            try statement.bind(root, at: 2)
            try statement.bind(b.externalID, at: 3)
            try statement.bind(b.commitment, at: 4)
            try statement.bind(b.party, at: 5)
            try statement.bind(b.observed.text, at: 6)
            try statement.bind(b.observed.day, at: 7)
            try statement.bind(b.precision.rawValue, at: 8)
            try statement.bind(b.severity.rawValue, at: 9)
            try bindSource(b.source, statement, at: 10)
            try statement.bind(b.description, at: 13)
            try bindEvidence(b.evidence, note: b.note, statement, at: 14)
            try bindLocation(b.location, statement, at: 17)
            try statement.run()
        }
    }

    /// source, source_kind, confidence.
    private func bindSource(_ source: Source, _ statement: Statement, at index: Int32) throws {
        try statement.bind(source.name, at: index)
        try statement.bind(source.kind.rawValue, at: index + 1)
        try statement.bind(source.confidence.rawValue, at: index + 2)
    }

    /// evidence_sha256, evidence_uri, note.
    private func bindEvidence(_ evidence: Evidence, note: String?, _ statement: Statement, at index: Int32) throws {
        try statement.bind(evidence.sha256Hex, at: index)
        try statement.bind(evidence.uri, at: index + 1)
        try statement.bind(note, at: index + 2)
    }

    /// place, lat, lon, geo_precision.
    private func bindLocation(_ location: Location, _ statement: Statement, at index: Int32) throws {
        try statement.bind(location.place, at: index)
        try statement.bind(location.coordinates?.latitudeText, at: index + 1)
        try statement.bind(location.coordinates?.longitudeText, at: index + 2)
        try statement.bind(location.precision?.rawValue, at: index + 3)
    }
}
