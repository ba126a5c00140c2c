import AccordStorage

/// The tables an export writes.
public enum ExportTable: String, Sendable, CaseIterable {
    /// One table each, named as `ExportTable.rawValue`.
    case verifications, breaches, commitments, guarantees, parties, agreements

    /// The column names, in order: the import's columns first, then the
    /// read-only ones (where the row came from) that an import ignores.
    public var columns: [String] {
        switch self {
        case .verifications:
            ["id", "kind", "commitment", "quantity", "outcome", "observed", "observed_at", "precision", "source", "source_kind", "confidence",
             "evidence_sha256", "evidence_uri", "note", "place", "lat", "lon", "geo_precision", "corroborates"] + ExportTable.recordTail
        case .breaches:
            ["id", "kind", "commitment", "party", "observed", "observed_at", "precision", "severity", "source", "source_kind", "confidence",
             "description", "evidence_sha256", "evidence_uri", "note", "place", "lat", "lon", "geo_precision", "corroborates"]
                + ExportTable.recordTail
        case .commitments:
            ["kind", "id", "agreement", "party", "commitment_kind", "quantity", "decimals", "unit", "due", "from", "until", "reciprocal",
             "depends_on", "text", "seq", "recorded_at", "withdrawn"]
        case .guarantees:
            ["kind", "id", "guarantor", "covers", "consequence", "respond_within_days", "seq", "recorded_at", "invoked"]
        case .parties:
            ["kind", "id", "name", "party_kind", "seq", "recorded_at"]
        case .agreements:
            ["kind", "id", "title", "date", "venue", "seq", "recorded_at"]
        }
    }

    static let recordTail = ["record", "seq", "status", "effective_confidence", "sources", "recorded_at", "signer", "dispute"]

    /// Whether rows are verifications or breaches (and take ``ExportOptions/at`` and ``ExportOptions/status``).
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

    /// Options exporting the ledger as it is now, every record's current version.
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
    /// record's id, or its `record` number when it has none; an import
    /// resolves both, so an export imports back into a ledger holding the same
    /// parties, agreements and commitments with the same rates.
    /// - Returns: the ledger state the rows reflect.
    /// - Throws: ``LedgerError``.
    @discardableResult
    public func export(_ table: ExportTable, options: ExportOptions = ExportOptions(),
                       _ body: ([Cell]) throws -> Void) throws -> LedgerStamp {
        try reading(asOf: options.asOf, restartable: false) { view in
            // The view is checked (Merkle edge, state root) before the first
            // row goes out, so a tampered ledger is refused before any output
            // (a server streaming the rows can still answer a problem).
            let stamp = try view.stamp()
            // Rows go to `body` as they are read, so this read cannot be run twice.
            switch table {
            case .verifications, .breaches:
                try RecordExport(view: view, table: table, options: options).run(body)
            case .commitments, .guarantees, .parties, .agreements:
                try StructureExport(view: view, table: table).run(body)
            }
            return stamp
        }
    }
}

/// Verifications or breaches, commitment by commitment (in the order the
/// commitments were added), each record's versions in journal order followed
/// by its corroborations; folded from the entries behind them, checked
/// against the evidence chains.
struct RecordExport {
    let view: LedgerView
    let table: ExportTable
    let options: ExportOptions

    func run(_ body: ([Cell]) throws -> Void) throws {
        let kind: Record.Kind = table == .verifications ? .verification : .breach
        let columns = table.columns
        func index(_ name: String) -> Int { columns.firstIndex(of: name)! }
        let kindCell: Cell = .text(kind.rawValue)
        let state = try view.state()
        // A record or corroboration recorded without an id gets one that a re-import recognises.
        func id(_ given: String?, _ seq: Int64) -> Cell { .text(given ?? Ledger.derivedID(ledgerID: state.ledgerID, seq: seq)) }
        for commitment in state.snapshot.commitments.map(\.commitment.id) {
            let book = try EvidenceBook.load(view, kind: kind, owners: [commitment])
            for history in book.records {
                var wroteLatest = false
                for (position, version) in history.versions.enumerated() {
                    guard version.record.observed.day <= options.at?.day ?? .max else { continue }
                    let status = history.status(of: position, inForce: try view.inForce(version.record))
                    guard options.status.admits(status) else { continue }
                    let (effective, sources) = history.standing(own: version.record.source)
                    var cells: [Cell] = [id(history.versions.first?.record.externalID, history.record), kindCell]
                    cells.reserveCapacity(columns.count)
                    cells += RecordExport.fields(version.record)
                    cells.append(.null)  // corroborates
                    cells += [.int(history.record), .int(version.seq), .text(status.rawValue), .text(effective.rawValue),
                              .int(Int64(sources)), .text(version.recordedAt.iso8601), .text(version.signerWord),
                              Cell(history.disputeText)]
                    try body(cells)
                    wroteLatest = position == history.versions.count - 1
                }
                // Corroborations follow the record's latest version.
                guard wroteLatest else { continue }
                let corroborates = id(history.versions.first?.record.externalID, history.record)
                for item in history.corroborations where item.live || options.status == .all {
                    var cells = [Cell](repeating: .null, count: columns.count)
                    let c = item.corroboration
                    cells[index("id")] = id(c.externalID, item.seq)
                    cells[index("kind")] = .text("corroboration")
                    cells[index("source")] = .text(c.source.name)
                    cells[index("source_kind")] = .text(c.source.kind.rawValue)
                    cells[index("confidence")] = .text(c.source.confidence.rawValue)
                    cells[index("evidence_sha256")] = Cell(c.evidence.sha256Hex)
                    cells[index("evidence_uri")] = Cell(c.evidence.uri)
                    cells[index("note")] = Cell(c.note)
                    cells[index("corroborates")] = corroborates
                    cells[index("record")] = .int(history.record)
                    cells[index("seq")] = .int(item.seq)
                    cells[index("status")] = .text(item.voided != nil ? "voided" : item.retracted != nil ? "retracted" : "current")
                    cells[index("recorded_at")] = .text(item.recordedAt.iso8601)
                    cells[index("signer")] = .text(item.signer ?? Keys.unsignedWord)
                    try body(cells)
                }
            }
        }
    }

    /// A record's own fields, in the order of the columns from "commitment" on.
    static func fields(_ record: Record) -> [Cell] {
        switch record {
        case .verification(let v):
            return [.text(v.commitment), quantity(v.measure), Cell(v.measure.outcome)] + observed(v.observed)
                + [.text(v.precision.rawValue), .text(v.source.name), .text(v.source.kind.rawValue),
                    .text(v.source.confidence.rawValue), Cell(v.evidence.sha256Hex), Cell(v.evidence.uri), Cell(v.note)]
                + location(v.location)
        case .breach(let b):
            return [.text(b.commitment), .text(b.party)] + observed(b.observed) + [.text(b.precision.rawValue),
                    .text(b.severity.rawValue), .text(b.source.name), .text(b.source.kind.rawValue),
                    .text(b.source.confidence.rawValue), Cell(b.description), Cell(b.evidence.sha256Hex), Cell(b.evidence.uri),
                    Cell(b.note)] + location(b.location)
        }
    }

    /// observed (the local date) and observed_at (the time with its offset, when given): one type per column.
    static func observed(_ moment: Moment) -> [Cell] {
        [.text(moment.dayText), moment.hasTime ? .text(moment.text) : .null]
    }

    /// A quantity as it was given, exactly: at its commitment's decimal scale, never its scaled units.
    static func quantity(_ measure: Measure) -> Cell {
        guard case .quantity(let value) = measure else { return .null }
        return .decimal(value)
    }

    static func location(_ location: Location) -> [Cell] {
        [Cell(location.place), Cell(location.coordinates?.latitudeText), Cell(location.coordinates?.longitudeText),
         Cell(location.precision?.rawValue)]
    }
}

/// Parties, agreements, commitments or guarantees as recorded, from their
/// journal entries (so lists keep the order they were given in, and an export
/// imports back into its own ledger as already present), voided ones left
/// out. Amendments are not rows of these tables: the history and the
/// journal export show them.
struct StructureExport {
    let view: LedgerView
    let table: ExportTable

    func run(_ body: ([Cell]) throws -> Void) throws {
        let snapshot = try view.state().snapshot
        let seqs: [Int64]
        switch table {
        case .commitments: seqs = snapshot.commitments.map(\.seq)
        case .guarantees: seqs = snapshot.guarantees.map(\.seq)
        case .parties: seqs = snapshot.partySeqs
        case .agreements: seqs = snapshot.agreementSeqs
        case .verifications, .breaches: seqs = []
        }
        for seq in seqs where snapshot.voided[seq] == nil {
            guard let entry = try Ledger.entry(seq, in: view.db) else {
                throw LedgerError(.tampered, "journal entry \(seq) is missing", hint: .audit)
            }
            let recordedAt = Cell.text(entry.recordedAt.iso8601)
            switch entry.payload {
            case .partyAdd(let party):
                try body([.text("party"), .text(party.id), .text(party.name), Cell(party.kind?.rawValue), .int(seq), recordedAt])
            case .agreementAdd(let agreement):
                try body([.text("agreement"), .text(agreement.id), .text(agreement.title), Cell(agreement.date?.text),
                          Cell(agreement.venue), .int(seq), recordedAt])
            case .commitmentAdd(let c):
                try body([.text("commitment"), .text(c.id), .text(c.agreement), .text(c.party), .text(c.kind.rawValue),
                          .quantity(c.target, scale: c.decimals), c.kind == .quantity ? .int(Int64(c.decimals)) : .null, Cell(c.unit),
                          Cell(c.due?.text), Cell(c.from?.text), Cell(c.until?.text), Cell(c.reciprocal),
                          .text(c.dependsOn.joined(separator: " ")), Cell(c.text), .int(seq), recordedAt,
                          Cell(snapshot.withdrawal(of: c.id)?.date.text)])
            case .guaranteeAdd(let g):
                let dates = (snapshot.invocations[g.id] ?? []).filter { snapshot.voided[$0.seq] == nil }.map(\.date.text)
                try body([.text("guarantee"), .text(g.id), .text(g.guarantor), .text(g.covers.joined(separator: " ")),
                          .text(g.consequence), .int(g.respondWithinDays), .int(seq), recordedAt,
                          dates.isEmpty ? .null : .text(dates.joined(separator: " "))])
            default:
                throw LedgerError(.tampered, "journal entry \(seq) is a \(entry.kind.rawValue) entry, "
                                  + "but the \(table.rawValue) table names it", hint: .audit)
            }
        }
    }
}
