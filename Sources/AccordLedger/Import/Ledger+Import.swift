import AccordCSV
import AccordStorage

extension Ledger {
    /// Imports the CSV or JSON Lines rows `source` streams (verifications by
    /// default; also breaches, corroborations, parties, agreements,
    /// commitments, guarantees). The front end opens what it was given (a
    /// file, standard input, an upload spooled to a file) and the engine reads
    /// it chunk by chunk; it opens nothing itself.
    ///
    /// Every row goes through the same validation and the same session
    /// functions as the matching single operation (``LedgerOperation``),
    /// in input order, in one write transaction. The input is read, and each
    /// row checked on its own, on a second thread a few hundred rows ahead of
    /// the one that writes (``ImportReadAhead``). Unless
    /// ``ImportOptions/keepGoing`` is set, one bad row leaves the ledger
    /// unchanged; the summary lists the bad rows either way. Rows whose `id`
    /// is already recorded with the same content are skipped and counted.
    /// Memory stays flat: rows are read, validated and appended a bounded
    /// number at a time.
    ///
    /// - Parameters:
    ///   - name: how messages name the input (`batch.csv`, `stdin`, `body`).
    ///   - options: ``ImportOptions/format`` (or the mapping's) must be set:
    ///     a stream has no file extension to tell it.
    ///   - rejects: where each rejected record goes, exactly as read, with why;
    ///     nil to keep only ``ImportSummary/issues``.
    ///   - progress: called every few thousand rows.
    /// - Returns: what was done; check ``ImportSummary/rejected`` and
    ///   ``ImportSummary/added``.
    /// - Throws: ``LedgerError`` `invalid` for input that cannot be read as
    ///   rows at all (no header, unknown columns); other kinds when the ledger
    ///   itself fails, in which case nothing was written; what `rejects` throws.
    public func importRows(from source: ByteSource, name: String, options: ImportOptions, as recorder: Recorder,
                           rejects: (any ImportRejects)? = nil,
                           progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        guard let format = options.format ?? options.mapping.format else {
            throw LedgerError.invalid(nil, "give the rows' format (CSV or JSON Lines): \(name) has no extension to tell it")
        }
        let reader = ImportReader(source: source, name: name, format: format, mapping: options.mapping,
                                  keepsRaw: rejects != nil)
        return try importRows(reader, options: options, as: recorder, rejects: rejects, progress: progress)
    }

    private func importRows(_ reader: ImportReader, options: ImportOptions, as recorder: Recorder,
                            rejects: (any ImportRejects)?, progress: ((ImportProgress) -> Void)?) throws -> ImportSummary {
        try reader.start()
        let importer = Importer(reader: reader, options: options, rejects: rejects, progress: progress)
        if reader.format == .csv {
            try importer.requireColumns()
        }
        return try importer.run(on: self, as: recorder)
    }
}

/// Reads rows and applies each through a ``Session``; collects the summary.
///
/// Once ``run(on:as:)`` starts reading, the reader belongs to the reading
/// thread (``ImportReadAhead``): only its constants are used here.
final class Importer {
    let reader: ImportReader
    let options: ImportOptions
    let progress: ((ImportProgress) -> Void)?
    /// How a refused row's message names fields: as the file's columns.
    let phrasing: ImportPhrasing
    var summary: ImportSummary
    /// The size of the input, when known.
    private let totalBytes: Int?
    /// Where rejected records go, given by the front end.
    private let rejectsSink: (any ImportRejects)?
    /// The sink once ``ImportRejects/begin(header:byteOrderMark:)`` succeeded, until it is finished.
    private var rejects: (any ImportRejects)?
    /// Records of this file without an id, by their `record` column, for
    /// corroborations that name them by number.
    var fileRecords: FileRecords?
    private var started = false
    /// The line each entry this import appended came from, by seq from
    /// ``ImportSummary/firstSeq``: a conflict with a row of this file cites
    /// its line, not an entry that is not written yet.
    private var addedLines = AddedLines()
    private var linesInOrder = true
    /// The input's records, read and prepared ahead (set by ``run(on:as:)``).
    private var steps: ImportReadAhead?

    /// Thrown inside the transaction to roll it back after a dry run or a refused file.
    private struct RollBack: Error {}

    init(reader: ImportReader, options: ImportOptions, rejects: (any ImportRejects)?, progress: ((ImportProgress) -> Void)?) {
        self.reader = reader
        self.options = options
        rejectsSink = rejects
        self.progress = progress
        phrasing = ImportPhrasing(frontEnd: options.phrasing)
        summary = ImportSummary(file: reader.name)
        totalBytes = reader.totalBytes
    }

    /// Refuses a CSV header that lacks a column every row needs.
    func requireColumns() throws {
        let header = Set(reader.header)
        let named = reader.mapping.isEmpty ? "" : " (after the mapping)"
        // Without `kind` or `corroborates` every row is a verification.
        guard !header.contains(.kind), !header.contains(.corroborates) else { return }
        var missing = ImportRowKind.verification.required.filter { !header.contains($0) }.map(\.name)
        if !header.contains(.quantity) && !header.contains(.outcome) { missing.append("quantity or outcome") }
        guard missing.isEmpty else {
            throw LedgerError.invalid(nil, "\(reader.name):1: missing column\(missing.count == 1 ? "" : "s")\(named) \(missing.joined(separator: ", ")); "
                                       + "without a kind column every row is a verification, which needs "
                                       + "commitment, observed, source and a quantity or an outcome")
        }
    }

    func run(on ledger: Ledger, as recorder: Recorder) throws -> ImportSummary {
        if let sink = rejectsSink {
            try sink.begin(header: reader.format == .csv ? headerBytes() : nil, byteOrderMark: reader.hadByteOrderMark)
            rejects = sink
        }
        defer { if let rejects { try? rejects.finish() } }
        let steps = ImportReadAhead(reader: reader, preparer: RowPreparer(format: reader.format, allowedKinds: options.allowedKinds),
                                    threaded: options.readsAhead)
        self.steps = steps
        defer { steps.stop() }
        guard let first = try steps.next() else {
            try rejects?.finish()
            rejects = nil
            return summary
        }
        do {
            try ledger.transact(recorder) { session in
                guard !started else {
                    throw LedgerError(.busy, "another writer interrupted the import; nothing was written; run it again")
                }
                started = true
                try Importer.prepare(session.db)
                if let threshold = options.totalsFlushThreshold { session.writer.projector.flushThreshold = threshold }
                defer { Importer.restore(session.db) }
                try process(first, session)
                while let step = try steps.next() {
                    try process(step, session)
                }
                try fileRecords?.drop()
                reportProgress()
                if options.dryRun || (summary.rejected > 0 && !options.keepGoing) { throw RollBack() }
                // The last running totals, while the import's cache and settings hold.
                try session.writer.finish()
            }
        } catch is RollBack {
            // Nothing was written: a dry run, or bad rows without keepGoing.
        }
        if let rejects {
            self.rejects = nil
            try rejects.finish()
        }
        return summary
    }

    /// Connection settings for the import's transaction: a larger page cache,
    /// so the indexes that take rows in random order (by commitment and date)
    /// mostly stay in memory. (Every constraint stays on; the record tables'
    /// CHECKs are written so that they cost next to nothing — migration 0005.)
    static func prepare(_ db: Database) throws {
        try db.execute("PRAGMA cache_size = -\(cacheKiB)")
    }

    static func restore(_ db: Database) {
        try? db.execute("PRAGMA cache_size = -2000")
    }

    /// The page cache for an import, in KiB (SQLite's default is 2,000).
    static let cacheKiB = 16_384

    /// The CSV header for a rejects file: as read, or (when too long to keep) written again.
    private func headerBytes() -> [UInt8] {
        if let raw = reader.headerRaw { return raw }
        let delimiter = String(Character(Unicode.Scalar(reader.delimiter ?? UInt8(ascii: ","))))
        return Array((reader.headerNames.map(CSVField.quoted).joined(separator: delimiter) + "\r\n").utf8)
    }

    private func process(_ step: ImportStep, _ session: Session) throws {
        summary.rows += 1
        switch step.content {
        case .skipped:
            summary.filtered += 1
        case .bad(let line, let message):
            reject(line: line, message: message.rendered(phrasing), raw: step.raw)
        case .row(let row, let prepared):
            // Each row is one operation of the batch; a refused row is rejected,
            // anything else ends the import. Rows are refused before they write,
            // so they run without a savepoint each (see Session.attempt).
            switch try session.attempt(isolated: false, { try apply(prepared, row, session) }) {
            case .success(.added(let seq, _)):
                summary.added += 1
                if summary.firstSeq == nil { summary.firstSeq = seq }
                summary.lastSeq = seq
                noteLine(seq, line: row.line)
            case .success(.alreadyPresent):
                summary.alreadyPresent += 1
            case .failure(let error):
                reject(line: row.line, message: message(error), raw: step.raw)
            }
        }
        if summary.rows & 4095 == 0 { reportProgress() }
    }

    private func noteLine(_ seq: Int64, line: Int) {
        guard linesInOrder, let first = summary.firstSeq, seq - first == Int64(addedLines.count),
              addedLines.append(line: line) else {
            linesInOrder = false
            return
        }
    }

    /// The error's message, fields named as columns; for an id first given
    /// earlier in this file, citing that line.
    private func message(_ error: LedgerError) -> String {
        guard let conflict = error.idConflict, let first = summary.firstSeq, conflict.seq >= first else {
            return error.message(phrasing)
        }
        let index = Int(conflict.seq - first)
        guard linesInOrder, let line = addedLines.line(at: index) else {
            return conflict.phrase(at: "entry \(conflict.seq), added by this import", inThisImport: true).rendered(phrasing)
        }
        return conflict.phrase(at: "line \(line) of \(reader.name)", inThisImport: true).rendered(phrasing)
    }

    private func reportProgress() {
        progress?(ImportProgress(rows: summary.rows, bytesRead: steps?.bytesConsumed ?? 0, totalBytes: totalBytes))
    }

    private func reject(line: Int, message: String, raw: [UInt8]?) {
        summary.rejected += 1
        if summary.issues.count < options.issueLimit {
            summary.issues.append(ImportIssue(file: reader.name, line: line, message: message))
        }
        rejects?.reject(raw: raw, line: line, message: message)
    }
}
