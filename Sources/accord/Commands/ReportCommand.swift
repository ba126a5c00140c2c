import AccordLedger
import AccordPresentation
import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Fulfilment of each commitment, party, agreement and guarantor.",
        discussion: """
            Only evidence at or above --min-confidence (default confirmed) counts. The heading states the \
            date, the threshold and the ledger seq and root it reflects; `--as-of <seq>` reproduces it later. \
            json prints one object and table and markdown every section, or only --section; csv, tsv and ndjson \
            print one section (--section, default commitments).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var when: WhenOptions
    @Option(help: "Only this agreement.") var agreement: String?
    @Option(help: "Only this party.") var party: String?
    @Option(name: .customLong("min-confidence"), help: "\(choices(Confidence.self)).") var minConfidence: String?
    @Option(help: "Only this section: \(choices(ReportSection.self)) (csv, tsv and ndjson print one: commitments unless given).")
    var section: ReportSection?
    @OptionGroup var remote: RemoteSource

    func run() throws {
        if let server = try remote.server(global) {
            return try server.show("/v1/report", [("at", when.at), ("asOf", when.knowledge.asOf), ("minConfidence", minConfidence),
                                                  ("agreement", agreement), ("party", party), ("section", section?.rawValue)]
                                   + RemoteLedger.presentation(output.format.rawValue, header: output.header, raw: output.raw),
                                   bom: output.cells.bom)
        }
        let ledger = try global.openLedgerReadOnly()
        var input = when.input
        input.minConfidence = minConfidence
        let options = try ReportOptions(input, agreement: agreement, party: party)
        let report = try ledger.report(options)
        report.render(output.format, section: section, header: output.header, raw: output.raw, to: output.stdout())
    }
}

struct BreachesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breaches",
        abstract: "Breaches for auditors: who, what, when, on what evidence, sorted by observed date.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var when: WhenOptions
    @Option(help: "Breaches by this party.") var party: String?
    @Option(help: "Breaches of this commitment.") var commitment: String?
    @Option(help: "Observed on or after this date.") var since: String?
    @Option(help: "Observed on or before this date.") var until: String?
    @Option(help: "At least this grave: \(choices(Severity.self)).") var severity: String?
    @Option(help: "\(choices(RecordStatusFilter.self, default: .current)).")
    var status: RecordStatusFilter = .current
    @Option(help: "Breaches of commitments this party guaranteed on the day they were observed.") var guarantor: String?
    @Option(name: .customLong("min-confidence"), help: "At least this confidence (default: all).") var minConfidence: String?
    @OptionGroup var remote: RemoteSource

    func run() throws {
        if let server = try remote.server(global) {
            return try server.show("/v1/breaches", [
                ("party", party), ("commitment", commitment), ("since", since), ("until", until), ("at", when.at),
                ("asOf", when.knowledge.asOf), ("severity", severity), ("status", status.rawValue), ("guarantor", guarantor),
                ("minConfidence", minConfidence),
            ] + RemoteLedger.presentation(output.format.rawValue, header: output.header, raw: output.raw), bom: output.cells.bom)
        }
        let ledger = try global.openLedgerReadOnly()
        var input = when.input
        (input.since, input.until, input.severity, input.minConfidence) = (since, until, severity, minConfidence)
        var query = try BreachQuery(input)
        query.party = party
        query.commitment = commitment
        query.status = status
        query.guarantor = guarantor
        try ledger.breaches(query).render(output.format, header: output.header, raw: output.raw, to: output.stdout())
    }
}
