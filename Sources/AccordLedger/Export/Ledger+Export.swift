import AccordStorage

/// The tables `accord export` writes.
public enum ExportTable: String, Sendable, CaseIterable {
    case verifications, breaches, commitments, guarantees, parties, agreements

    /// The column names, in order: the import's columns first, then the
    /// read-only ones (where the row came from) that an import ignores.
    public var columns: [String] {
        switch self {
        case .verifications:
            ["id", "kind", "commitment", "quantity", "outcome", "observed", "precision", "source", "source_kind", "confidence",
             "evidence_sha256", "evidence_uri", "note", "place", "lat", "lon", "geo_precision", "corroborates"] + ExportTable.recordTail
        case .breaches:
            ["id", "kind", "commitment", "party", "observed", "precision", "severity", "source", "source_kind", "confidence",
             "description", "evidence_sha256", "evidence_uri", "note", "place", "lat", "lon", "geo_precision", "corroborates"]
                + ExportTable.recordTail
        case .commitments:
            ["kind", "id", "agreement", "party", "commitment_kind", "quantity", "unit", "due", "from", "until", "reciprocal",
             "depends_on", "text", "seq", "recorded_at", "withdrawn"]
        case .guarantees:
            ["kind", "id", "guarantor", "covers", "consequence", "respond_within_days", "seq", "recorded_at", "invoked"]
        case .parties:
            ["kind", "id", "name", "party_kind", "seq", "recorded_at"]
        case .agreements:
            ["kind", "id", "title", "date", "venue", "seq", "recorded_at"]
        }
    }

    static let recordTail = ["record", "seq", "status", "effective_confidence", "sources", "recorded_at", "dispute"]

    /// Whether rows are verifications or breaches (and take `--at` and `--status`).
    public var holdsRecords: Bool { self == .verifications || self == .breaches }
}

/// What to export.
public struct ExportOptions: Sendable {
    /// As the ledger knew it at this seq or time (default: now).
    public var asOf: AsOf?
    /// Verifications and breaches observed on or before this date only.
    public var at: Moment?
    /// Which versions of verifications and breaches.
    public var status: RecordStatusFilter = .current

    public init(asOf: AsOf? = nil, at: Moment? = nil, status: RecordStatusFilter = .current) {
        self.asOf = asOf
        self.at = at
        self.status = status
    }
}

extension Ledger {
    /// Streams every row of a table, in journal order, as known at
    /// `options.asOf`, with the columns of ``ExportTable/columns``.
    ///
    /// Verifications and breaches carry every recorded field, evidence hashes
    /// included, and the seq that recorded them. A corroboration follows its
    /// record as a row of kind `corroboration` whose `corroborates` names the
    /// record's id, or its `record` number when it has none; `accord import`
    /// resolves both, so an export imports back into a ledger holding the same
    /// parties, agreements and commitments with the same rates.
    /// - Returns: the ledger state the rows reflect.
    /// - Throws: ``LedgerError``.
    @discardableResult
    public func export(_ table: ExportTable, options: ExportOptions = ExportOptions(),
                       _ body: ([Cell]) throws -> Void) throws -> LedgerStamp {
        try LedgerError.translating {
            // Rows go to `body` as they are read, so this read cannot be run twice.
            try database.read(restartable: false) { db in
                let view = try LedgerView(db: db, asOf: options.asOf)
                switch table {
                case .verifications, .breaches:
                    try RecordExport(db: db, table: table, asOf: view.seq, options: options).run(body)
                case .commitments, .guarantees, .parties, .agreements:
                    try StructureExport(db: db, table: table, asOf: view.seq).run(body)
                }
                return try view.stamp()
            }
        }
    }
}

/// Verifications or breaches, each followed by its corroborations.
private struct RecordExport {
    let db: Database
    let table: ExportTable
    let asOf: Int64
    let options: ExportOptions

    /// One corroboration of the record being written.
    struct Corroboration {
        var seq: Int64
        var cells: [Cell]
        var source: String
        var rank: Int
        var retracted: Bool
    }

    func run(_ body: ([Cell]) throws -> Void) throws {
        let columns = table.columns
        let facts = try RecordFacts.load(db, asOf: asOf, corroborations: false)
        // The records that have corroborations: only those need a look (one query each).
        var corroborated: Set<Int64> = []
        try db.forEach("SELECT DISTINCT record FROM corroborations WHERE seq <= ?", [asOf]) { corroborated.insert($0.int64(0)) }
        let isVerification = table == .verifications
        // The record's own fields, in the order of `columns` from "commitment" on.
        let fields = isVerification
            ? "x.commitment, x.quantity, x.outcome, x.observed, x.precision, x.source, x.source_kind, x.confidence, "
                + "x.evidence_sha256, x.evidence_uri, x.note, x.place, x.lat, x.lon, x.geo_precision"
            : "x.commitment, x.party, x.observed, x.precision, x.severity, x.source, x.source_kind, x.confidence, "
                + "x.description, x.evidence_sha256, x.evidence_uri, x.note, x.place, x.lat, x.lon, x.geo_precision"
        let fieldCount: Int32 = isVerification ? 15 : 16
        let sourceIndex: Int32 = 11
        let confidenceIndex: Int32 = 13
        let statement = try db.cached("""
            SELECT x.seq, x.record, x.superseded_seq, x.retracted_seq, j.recorded_at, x.external_id, \(fields)
            FROM \(table.rawValue) x JOIN journal j ON j.seq = x.seq
            WHERE x.seq <= ?1 AND (?2 IS NULL OR x.observed_day <= ?2)
            ORDER BY x.seq
            """)
        try statement.bind(asOf, at: 1)
        try statement.bind(options.at.map { DatabaseValue.integer($0.day) } ?? .null, at: 2)
        let cursor = statement.cursor()
        let kind: Cell = .text(isVerification ? "verification" : "breach")
        while let row = try cursor.next() {
            let record = row.int64(1)
            let superseded = row.optionalInt64(2)
            let status = facts.status(record: record, superseded: superseded, retracted: row.optionalInt64(3))
            guard options.status.admits(status) else { continue }
            let ownSource = row.text(sourceIndex)
            let own = Confidence(rawValue: row.text(confidenceIndex))?.rank ?? 2
            let externalID = row.optionalText(5)
            let corroborations = corroborated.contains(record)
                ? try self.corroborations(of: record, corroborates: externalID ?? String(record)) : []
            let live = corroborations.filter { !$0.retracted }
            let effective = live.map(\.rank).reduce(own, min)
            let sources = Set([ownSource] + live.map(\.source)).count
            var cells: [Cell] = [Cell(externalID), kind]
            cells.reserveCapacity(columns.count)
            for index in 6..<(6 + fieldCount) { cells.append(Cell(row.value(index))) }
            cells.append(.null)  // corroborates
            cells += [.int(record), .int(row.int64(0)), .text(status.rawValue),
                      .text(Confidence(rank: effective)?.rawValue ?? "unverified"), .int(Int64(sources)),
                      .text(row.text(4)), Cell(facts.disputeText(record: record))]
            try body(cells)
            // Corroborations follow the record's latest version.
            guard (superseded ?? .max) > asOf else { continue }
            for corroboration in corroborations where !corroboration.retracted || options.status == .all {
                try body(corroboration.cells)
            }
        }
    }

    /// The corroborations of `record` as known at `asOf`, as rows of `table`.
    private func corroborations(of record: Int64, corroborates: String) throws -> [Corroboration] {
        let columns = table.columns
        func index(_ name: String) -> Int { columns.firstIndex(of: name)! }
        var result: [Corroboration] = []
        try db.forEach("""
            SELECT c.seq, c.external_id, c.source, c.source_kind, c.confidence, c.evidence_sha256, c.evidence_uri, c.note,
                   c.retracted_seq, j.recorded_at
            FROM corroborations c JOIN journal j ON j.seq = c.seq
            WHERE c.record = ? AND c.seq <= ? ORDER BY c.seq
            """, [record, asOf]) { row in
            let retracted = row.optionalInt64(8).map { $0 <= asOf } ?? false
            var cells = [Cell](repeating: .null, count: columns.count)
            cells[index("id")] = Cell(row.optionalText(1))
            cells[index("kind")] = .text("corroboration")
            cells[index("source")] = .text(row.text(2))
            cells[index("source_kind")] = .text(row.text(3))
            cells[index("confidence")] = .text(row.text(4))
            cells[index("evidence_sha256")] = Cell(row.optionalText(5))
            cells[index("evidence_uri")] = Cell(row.optionalText(6))
            cells[index("note")] = Cell(row.optionalText(7))
            cells[index("corroborates")] = .text(corroborates)
            cells[index("record")] = .int(record)
            cells[index("seq")] = .int(row.int64(0))
            cells[index("status")] = .text(retracted ? "retracted" : "current")
            cells[index("recorded_at")] = .text(row.text(9))
            result.append(Corroboration(seq: row.int64(0), cells: cells, source: row.text(2),
                                        rank: Confidence(rawValue: row.text(4))?.rank ?? 2, retracted: retracted))
        }
        return result
    }
}

/// Parties, agreements, commitments or guarantees, from their journal entries
/// (so lists keep the order they were given in).
private struct StructureExport {
    let db: Database
    let table: ExportTable
    let asOf: Int64

    func run(_ body: ([Cell]) throws -> Void) throws {
        let statement = try db.cached("""
            SELECT x.seq, j.entry, j.recorded_at FROM \(table.rawValue) x JOIN journal j ON j.seq = x.seq
            WHERE x.seq <= ? ORDER BY x.seq
            """)
        try statement.bind(asOf, at: 1)
        let cursor = statement.cursor()
        while let row = try cursor.next() {
            let seq = row.int64(0)
            let entry: Entry
            do {
                entry = try Entry.decode(row.blob(1))
            } catch {
                throw LedgerError(.tampered, "journal entry \(seq) cannot be decoded (\(error)); run `accord audit`")
            }
            let recordedAt = Cell.text(row.text(2))
            switch entry.payload {
            case .partyAdd(let party):
                try body([.text("party"), .text(party.id), .text(party.name), Cell(party.kind?.rawValue), .int(seq), recordedAt])
            case .agreementAdd(let agreement):
                try body([.text("agreement"), .text(agreement.id), .text(agreement.title), Cell(agreement.date?.text),
                          Cell(agreement.venue), .int(seq), recordedAt])
            case .commitmentAdd(let c):
                let withdrawn = try db.scalarText("SELECT date FROM withdrawals WHERE commitment = ? AND seq <= ?", c.id, asOf)
                try body([.text("commitment"), .text(c.id), .text(c.agreement), .text(c.party), .text(c.kind.rawValue),
                          Cell(c.target), Cell(c.unit), Cell(c.due?.text), Cell(c.from?.text), Cell(c.until?.text),
                          Cell(c.reciprocal), .text(c.dependsOn.joined(separator: " ")), Cell(c.text), .int(seq), recordedAt,
                          Cell(withdrawn)])
            case .guaranteeAdd(let g):
                let invoked = try db.scalarText("""
                    SELECT group_concat(date, ' ') FROM (SELECT date FROM invocations WHERE guarantee = ? AND seq <= ? ORDER BY day, seq)
                    """, g.id, asOf)
                try body([.text("guarantee"), .text(g.id), .text(g.guarantor), .text(g.covers.joined(separator: " ")),
                          .text(g.consequence), .int(g.respondWithinDays), .int(seq), recordedAt, Cell(invoked)])
            default:
                throw LedgerError(.tampered, "journal entry \(seq) is a \(entry.kind.rawValue) entry, "
                                  + "but the \(table.rawValue) table names it; run `accord audit`")
            }
        }
    }
}
