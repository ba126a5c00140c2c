import AccordLedger
import AccordPresentation
import ArgumentParser

extension ExportTable: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a whole table (verifications, breaches, commitments, guarantees, parties, agreements), streaming.",
        discussion: """
            Rows come in journal order with every recorded field, evidence hashes included, and the seq that \
            recorded them. The import's columns come first, so a csv or ndjson export imports back with \
            `accord import`; corroborations follow their record as rows of kind corroboration. A record or \
            corroboration logged without --id is exported with the id LEDGER-PREFIX:SEQ (the first 8 characters \
            of the ledger's id and its seq), which import and the other commands recognise, so an export imports \
            back into its ledger adding nothing. geojson writes the located verifications or breaches as one \
            RFC 7946 FeatureCollection of points, and counts on stderr the records left out for want of a location.
            In csv and tsv, a text cell that starts with = + - @, a tab or a carriage return (and is not a plain \
            number) gets a leading ' so that a spreadsheet does not run it as a formula (a cell already starting \
            with ' before one of those gets one more); `accord import` removes exactly that '. --raw prints every \
            cell exactly as recorded.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "verifications, breaches, commitments, guarantees, parties or agreements.") var table: ExportTable
    @Option(help: "Output format: \(choices(ExportFormat.self, default: .csv)) (verifications and breaches with a location).")
    var format: ExportFormat = .csv
    @OptionGroup var header: HeaderOption
    @OptionGroup var cells: CellOptions
    @OptionGroup var knowledge: AsOfOption
    @Option(help: ArgumentHelp("Verifications and breaches observed on or before this date.", valueName: "date"))
    var at: String?
    @Option(help: "Verifications and breaches: \(choices(RecordStatusFilter.self, default: .current)).")
    var status: RecordStatusFilter?
    @OptionGroup var remote: RemoteSource

    func validate() throws {
        if !table.holdsRecords && (at != nil || status != nil) {
            throw ValidationError("--at and --status apply to verifications and breaches, not \(table.rawValue)")
        }
        if format == .geojson && !table.holdsRecords {
            throw ValidationError("--format geojson applies to verifications and breaches (records with a location), not \(table.rawValue)")
        }
        try cells.check(csvOrTSV: format == .csv || format == .tsv)
    }

    func run() throws {
        if let server = try remote.server(global) {
            return try server.show("/v1/export/" + table.rawValue, [
                ("format", format.rawValue), ("asOf", knowledge.asOf), ("at", at), ("status", status?.rawValue),
                ("header", header.noHeader ? "false" : nil), ("raw", cells.raw ? "true" : nil),
            ], bom: cells.bom)
        }
        let ledger = try global.openLedgerReadOnly()
        let options = try ExportOptions(QueryInput(at: at, asOf: knowledge.asOf), status: status ?? .current)
        let output = TextOutput(byteOrderMark: cells.bom)
        guard let rows = format.rows else {
            let writer = GeoJSONWriter(columns: table.columns, output: output)
            try ledger.export(table, options: options) { writer.write($0) }
            writer.finish()
            if writer.unlocated > 0 {
                printError("\(writer.unlocated) \(table == .breaches ? "breach" : "verification")\(writer.unlocated == 1 ? "" : "s") "
                           + "without a location left out; \(writer.written) written.")
            }
            return
        }
        let writer = RowWriter(format: rows, columns: table.columns.map(Column.init), output: output, header: !header.noHeader,
                               raw: cells.raw)
        try ledger.export(table, options: options) { writer.write($0) }
        writer.finish()
    }
}
