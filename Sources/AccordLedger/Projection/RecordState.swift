import AccordStorage

/// The current state of one verification or breach, read from the projections.
struct RecordState {
    /// The seq of the entry that first recorded it.
    var record: Int64
    /// The table holding its versions.
    var table: String
    /// The seq of its current version.
    var currentSeq: Int64
    /// The commitment of its current version.
    var commitment: String
    /// The commitment of its first version: whose evidence chain holds its entries.
    var owner: String
    var day: Int64
    /// What a verification observed; nil for a breach.
    var measure: Measure?
    /// The party a breach names; nil for a verification.
    var party: String?
    var source: Source
    var retracted: Bool
    var pendingDisputes: Int
    var rejected: Bool
    /// Entered in error (a `void` entry names it): as if never made.
    var voided = false
    /// A breach by a party other than its commitment's obligor: outside the
    /// commitment, it never counts.
    var outside = false
    /// Sources of corroborations not retracted or voided.
    var corroborations: [Source]

    /// Whether it can count at all (not retracted, voided, rejected or outside its commitment).
    private var live: Bool { !retracted && !voided && !rejected && !outside }

    /// What it adds to its commitment's totals now.
    var contribution: Contribution? {
        guard live, pendingDisputes == 0 else { return nil }
        return Contribution(commitment: commitment, day: day, measure: measure, source: source, corroborations: corroborations)
    }

    /// What it would add but for a pending dispute (nil when it is not disputed).
    var disputedContribution: Contribution? {
        guard live, pendingDisputes > 0 else { return nil }
        return Contribution(commitment: commitment, day: day, measure: measure, source: source, corroborations: corroborations)
    }

    var kind: Record.Kind { table == "verifications" ? .verification : .breach }

    /// Loads the record whose first entry is `record`, or nil when there is none.
    static func load(record: Int64, db: Database) throws -> RecordState? {
        guard var state = try loadVersion(record: record, table: "verifications", db: db)
                ?? loadVersion(record: record, table: "breaches", db: db) else { return nil }
        state.pendingDisputes = Int(try db.scalarInt(
            "SELECT count(*) FROM disputes WHERE record = ? AND adjudication_seq IS NULL", record) ?? 0)
        state.rejected = try db.scalarInt(
            "SELECT count(*) FROM adjudications WHERE record = ? AND ruling = 'rejected'", record) ?? 0 > 0
        state.voided = try db.scalarInt("SELECT count(*) FROM voids WHERE target = ?", record) ?? 0 > 0
        if let party = state.party {
            state.outside = try db.scalarText("SELECT party FROM commitments WHERE id = ?", state.commitment) != party
        }
        try db.forEach("""
            SELECT source, source_kind, confidence FROM corroborations
            WHERE record = ? AND retracted_seq IS NULL AND seq NOT IN (SELECT target FROM voids)
            """, [record]) { row in
            state.corroborations.append(Source(
                name: row.text(0),
                kind: try SourceKind(storedCode: row.int64(1), in: "corroborations.source_kind"),
                confidence: try Confidence(storedCode: row.int64(2), in: "corroborations.confidence")))
        }
        return state
    }

    private static func loadVersion(record: Int64, table: String, db: Database) throws -> RecordState? {
        let isVerification = table == "verifications"
        let columns = isVerification
            ? "seq, commitment, observed_day, source, source_kind, confidence, retracted_seq, superseded_seq, quantity, outcome"
            : "seq, commitment, observed_day, source, source_kind, confidence, retracted_seq, superseded_seq, party"
        var found: RecordState?
        var superseded = false
        try db.forEach("SELECT \(columns) FROM \(table) WHERE seq = ?", [record]) { row in
            superseded = !row.isNull(7)
            found = try state(row, record: record, table: table, isVerification: isVerification)
        }
        guard found != nil else { return nil }
        let owner = found?.commitment
        if superseded {
            found = nil
            try db.forEach("""
                SELECT \(columns) FROM \(table) WHERE record = ? AND record <> seq AND superseded_seq IS NULL
                """, [record]) { row in
                found = try state(row, record: record, table: table, isVerification: isVerification)
            }
        }
        if let owner { found?.owner = owner }
        return found
    }

    private static func state(_ row: Row, record: Int64, table: String, isVerification: Bool) throws -> RecordState {
        var measure: Measure?
        var party: String?
        if isVerification {
            if !row.isNull(8) {
                measure = .quantity(Quantity(units: row.int64(8)))  // units; the scale does not matter to totals
            } else {
                measure = row.text(9) == "done" ? .done : .notDone
            }
        } else {
            party = row.text(8)
        }
        return RecordState(
            record: record, table: table, currentSeq: row.int64(0), commitment: row.text(1), owner: row.text(1), day: row.int64(2),
            measure: measure, party: party,
            source: Source(name: row.text(3), kind: try SourceKind(storedCode: row.int64(4), in: "\(table).source_kind"),
                           confidence: try Confidence(storedCode: row.int64(5), in: "\(table).confidence")),
            retracted: !row.isNull(6), pendingDisputes: 0, rejected: false, corroborations: [])
    }
}
