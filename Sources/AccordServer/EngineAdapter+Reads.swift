import AccordLedger
import AccordPresentation
import Foundation

/// Reads, rendered as the command line renders them (`GET /v1/report` is
/// byte for byte `accord report --format json`), each inside one read
/// transaction on one of the host's readers.
extension EngineAdapter {
    static func render(_ request: ReadRequest, ledger: Ledger) throws -> ReadBody {
        switch request {
        case .report(let parameters, let presentation):
            let report = try ledger.report(try reportOptions(parameters))
            let section = try presentation.section.map { try word($0, ReportSection.self, field: "section") }
            let format = try outputFormat(presentation)
            let output = TextOutput(collecting: ())
            report.render(format ?? .json, section: section, header: presentation.header, raw: presentation.raw, to: output)
            return ReadBody(contentType: mediaType(format ?? .json), bytes: Array(output.collected.utf8), rows: report.commitments.count)
        case .breaches(let parameters, let presentation):
            let list = try ledger.breaches(try breachQuery(parameters))
            guard let format = try outputFormat(presentation) else { return json(list.json, rows: list.breaches.count) }
            let output = TextOutput(collecting: ())
            list.render(format, header: presentation.header, raw: presentation.raw, to: output)
            return ReadBody(contentType: mediaType(format), bytes: Array(output.collected.utf8), rows: list.breaches.count)
        case .commitments(let agreement, let party, let at):
            let rows = try ledger.commitmentList(agreement: agreement, party: party, at: try QueryInput(at: at).atMoment())
            return rendered(rows, .json)
        case .commitment(let id, let at, let minConfidence, let presentation):
            let options = try reportOptions(ReportParameters(at: at, minConfidence: minConfidence))
            let format = try outputFormat(presentation)
            let detail = try ledger.commitmentDetail(id, options: options)
            let output = TextOutput(collecting: ())
            detail.render(format ?? .json, header: format == nil || presentation.header, raw: presentation.raw, to: output)
            return ReadBody(contentType: mediaType(format ?? .json), bytes: Array(output.collected.utf8), rows: 1)
        case .history(let entry, let asOf, let presentation):
            let result = try ledger.history(of: entry, asOf: try QueryInput(asOf: asOf).asOfPoint())
            guard let format = try outputFormat(presentation) else {
                return rendered(RowSet(columns: HistoryItem.columns, rows: result.items.map(\.cells)), .json)
            }
            let output = TextOutput(collecting: ())
            HistoryListing(subject: entry, stamp: result.stamp, items: result.items)
                .render(format, header: presentation.header, raw: presentation.raw, to: output)
            return ReadBody(contentType: mediaType(format), bytes: Array(output.collected.utf8), rows: result.items.count)
        case .export(let table, let format, let asOf, let at, let status, let header, let raw):
            let plan = try exportPlan(table: table, format: format, asOf: asOf, at: at, status: status, header: header, raw: raw)
            let output = TextOutput(collecting: ())
            let rows = try runExport(plan, ledger: ledger, output: output) { _ in }
            return ReadBody(contentType: plan.contentType, bytes: Array(output.collected.utf8), rows: rows)
        case .brief(let format, let report, let since, let remote):
            let briefingFormat = try word(format ?? "html", BriefingFormat.self, field: "format")
            let name = NSStringLike(text: ledger.path).lastComponent
            var options = BriefingOptions(report: try reportOptions(report), since: try QueryInput(since: since).sinceMoment(),
                                          database: name, format: briefingFormat)
            if let remote {
                guard remote.count <= 400, (remote.hasPrefix("http://") || remote.hasPrefix("https://")),
                      !remote.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
                    throw ServiceError(.invalid(field: "remote"), "remote: give the server's http:// or https:// URL as the "
                                       + "client named it (at most 400 characters, no spaces)")
                }
                options.remote = remote
            }
            let briefing = try ledger.briefing(options)
            return ReadBody(contentType: briefingFormat == .html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8",
                            bytes: Array(briefing.rendered(briefingFormat).utf8), rows: briefing.report.commitments.count)
        case .journal:
            var bytes: [UInt8] = []
            let rows = try runJournal(ledger: ledger) { chunk, _ in bytes += chunk }
            return ReadBody(contentType: journalContentType, bytes: bytes, rows: rows)
        case .inclusionProof(let seq, let size):
            let seqNumber = try number(seq, "seq")
            let sizeNumber = try size.map { try number($0, "size") }
            do {
                return json(try ledger.inclusionProof(seq: seqNumber, size: sizeNumber).json, rows: 1)
            } catch let error as LedgerError {
                // The engine's fields: the entry is the request's seq, the tree size its size.
                switch error.kind {
                case .invalid(.entry?): throw ServiceError(.invalid(field: "seq"), error.message(APIPhrasing()))
                case .invalid(.treeSize?): throw ServiceError(.invalid(field: "size"), error.message(APIPhrasing()))
                default: throw error
                }
            }
        case .consistencyProof(let old, let new):
            let oldNumber = try number(old, "old")
            let newNumber = try new.map { try number($0, "new") }
            do {
                return json(try ledger.consistencyProof(oldSize: oldNumber, newSize: newNumber).json, rows: 1)
            } catch let error as LedgerError {
                // Both are tree sizes to the engine: new is at fault when it is outside the ledger.
                guard case .invalid(.treeSize?) = error.kind else { throw error }
                let head = try ledger.consistencyProof(oldSize: 1).newSize
                let newIsBad = newNumber.map { $0 < 1 || $0 > head } ?? false
                throw ServiceError(.invalid(field: newIsBad ? "new" : "old"),
                                   (newIsBad ? "new: " : "old: ") + error.message(APIPhrasing()))
            }
        case .checkpoint:
            let proof = try ledger.consistencyProof(oldSize: 1)
            return json(.object([("treeSize", .int(proof.newSize)), ("root", .string(proof.newRoot.hex)), ("note", .null)]))
        }
    }
}

/// An export's table, format and options, checked before the ledger is read.
struct ExportPlan: Sendable {
    var table: ExportTable
    var format: ExportFormat
    var options: ExportOptions
    var contentType: String
    /// Whether rows come with their header row (csv, tsv).
    var header = true
    /// Whether cells are written as recorded, unguarded (csv, tsv).
    var raw = false
}

extension EngineAdapter {
    static let journalContentType = "application/x-ndjson"

    /// What `GET /v1/export/{table}` asks for, as `accord export` checks it.
    /// - Throws: ``ServiceError`` (unknown table, bad format or parameters), ``LedgerError``.
    static func exportPlan(table: String, format: String?, asOf: String?, at: String?, status: String?, header: Bool = true,
                           raw: Bool = false) throws -> ExportPlan {
        guard let exportTable = ExportTable(rawValue: table) else {
            throw ServiceError(.notFound, "no export table '\(TextRules.printable(table, limit: 40))'; use one of "
                               + ExportTable.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let exportFormat = try word(format ?? "csv", ExportFormat.self, field: "format",
                                    allowed: [.csv, .tsv, .json, .ndjson, .geojson])
        if exportFormat == .geojson && !exportTable.holdsRecords {
            throw ServiceError(.invalid(field: "format"),
                               "format: geojson applies to verifications and breaches (records with a location), not \(table)")
        }
        var options = try ExportOptions(QueryInput(at: at, asOf: asOf))
        if let status { options.status = try word(status, RecordStatusFilter.self, field: "status") }
        if !exportTable.holdsRecords, at != nil || status != nil {
            throw ServiceError(.invalid(field: at != nil ? "at" : "status"),
                               "at and status apply to verifications and breaches, not \(table)")
        }
        let contentType = exportFormat.rows.map(mediaType) ?? "application/geo+json"
        return ExportPlan(table: exportTable, format: exportFormat, options: options, contentType: contentType, header: header,
                          raw: raw)
    }

    /// Writes an export to `output` exactly as `accord export --format X`
    /// writes it; `afterRow` is called with the rows written so far after
    /// each row (it may throw to stop the read). The ledger's checks (Merkle
    /// edge, state root) run before the first row.
    /// - Returns: the rows written (for GeoJSON, the located records).
    static func runExport(_ plan: ExportPlan, ledger: Ledger, output: TextOutput,
                          afterRow: (Int) throws -> Void) throws -> Int {
        guard let outputFormat = plan.format.rows else {
            // GeoJSON: the located records as one FeatureCollection, as `accord export --format geojson`.
            let writer = GeoJSONWriter(columns: plan.table.columns, output: output)
            try ledger.export(plan.table, options: plan.options) { row in
                writer.write(row)
                try afterRow(writer.written)
            }
            writer.finish()
            return writer.written
        }
        let writer = RowWriter(format: outputFormat, columns: plan.table.columns.map(Column.init), output: output,
                               header: plan.header, raw: plan.raw)
        var rows = 0
        try ledger.export(plan.table, options: plan.options) { row in
            writer.write(row)
            rows += 1
            try afterRow(rows)
        }
        writer.finish()
        return rows
    }

    /// The journal as `accord journal export` (NDJSON) prints it, handed to
    /// `emit` in chunks of about 64 KiB with the entries wholly written so far.
    /// - Returns: the entries written.
    static func runJournal(ledger: Ledger, emit: ([UInt8], Int) throws -> Void) throws -> Int {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 16 + 4096)
        var rows = 0
        try ledger.exportJournal { entry in
            entry.write(to: &bytes, pretty: false)
            bytes.append(10)
            rows += 1
            if bytes.count >= 1 << 16 {
                try emit(bytes, rows)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        if !bytes.isEmpty { try emit(bytes, rows) }
        return rows
    }
}

extension EngineAdapter {
    /// The output format a read asks for; nil for the API's JSON.
    /// - Throws: ``ServiceError`` `.invalid` at `format` for a word that is
    ///   not one, or (without a format) at `section`, `header` or `raw`, which
    ///   only shape a format's output.
    static func outputFormat(_ presentation: Presentation) throws -> OutputFormat? {
        guard let format = presentation.format else {
            if !presentation.header || presentation.raw {
                let field = presentation.raw ? "raw" : "header"
                throw ServiceError(.invalid(field: field), "\(field): applies with format (the API's JSON has no header row "
                                   + "and no spreadsheet guard)")
            }
            return nil
        }
        return try word(format, OutputFormat.self, field: "format")
    }
}

/// The last path component, for the brief's footer.
private struct NSStringLike {
    let text: String
    var lastComponent: String { text.split(separator: "/").last.map(String.init) ?? text }
}
