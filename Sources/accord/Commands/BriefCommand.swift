import AccordFiles
import AccordLedger
import AccordPresentation
import ArgumentParser

extension BriefingFormat: ExpressibleByArgument {}

struct BriefCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brief",
        abstract: "A one-page briefing for a minister or an editor: HTML (and PDF) with charts, or Markdown.",
        discussion: """
            The HTML is one self-contained file (inline CSS and SVG; no script, no network) that prints to one or \
            two A4 pages: the headline figures, fulfilment by party and by commitment, each reciprocal exchange \
            tranche by tranche, the breaches of the period by severity, the guarantees, and the evidence behind \
            each number. Its footer names the ledger seq and Merkle root it reflects and the exact command that \
            reproduces it. --pdf prints that HTML with headless Chromium (apt-get install chromium-headless-shell; \
            ACCORD_CHROMIUM overrides the browser). --format markdown gives the same content as text, on stdout \
            unless --out is given. Files are written whole or not at all.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var when: WhenOptions
    @Option(help: "Only this agreement.") var agreement: String?
    @Option(help: "Only this party's commitments.") var party: String?
    @Option(name: .customLong("min-confidence"), help: "\(choices(Confidence.self, default: .confirmed)).") var minConfidence: String?
    @Option(help: ArgumentHelp("The start of the period whose breaches are counted (default: the agreement's date).", valueName: "date"))
    var since: String?
    @Option(help: ArgumentHelp("The file to write (- for stdout); required for html.", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("Also print the HTML to this PDF file with headless Chromium.", valueName: "file")) var pdf: String?
    @Option(help: "\(choices(BriefingFormat.self, default: .html)).") var format: BriefingFormat = .html
    @OptionGroup var remote: RemoteSource

    func validate() throws {
        if format == .html && out == nil {
            throw ValidationError("--out FILE is required for an HTML briefing (or use --format markdown for text on stdout)")
        }
        if let pdf {
            guard format == .html else { throw ValidationError("--pdf prints the HTML briefing; leave out --format markdown") }
            guard let out, out != "-" else { throw ValidationError("--pdf needs the HTML in a file: give --out FILE") }
            guard pdf != out, pdf != "-" else { throw ValidationError("--pdf needs a file of its own, not '\(pdf)'") }
        }
    }

    func run() throws {
        try global.refuseOverwriting(out, flag: "--out")
        try global.refuseOverwriting(pdf, flag: "--pdf")
        if let server = try remote.server(global) {
            let body = try server.get("/v1/brief", [
                ("format", format.rawValue), ("at", when.at), ("asOf", when.knowledge.asOf), ("minConfidence", minConfidence),
                ("agreement", agreement), ("party", party), ("since", since), ("remote", server.base),
            ])
            let text = String(decoding: body, as: UTF8.self)
            return try write(text, stamp: "from \(server.base)")
        }
        let ledger = try global.openLedgerReadOnly()
        var input = when.input
        (input.minConfidence, input.since) = (minConfidence, since)
        let report = try ReportOptions(input, agreement: agreement, party: party)
        let ledgerName = global.displayName
        let options = BriefingOptions(report: report, since: try input.sinceMoment(),
                                      database: ledgerName.name, databaseOnCommandLine: ledgerName.typed, output: out, format: format)
        let briefing = try ledger.briefing(options)
        let text = briefing.rendered(format)
        try write(text, stamp: "judged at \(briefing.report.at.text), ledger entry \(briefing.report.ledger.seq), "
                  + "root \(briefing.report.ledger.root.prefix(16))…")
    }

    /// Writes the briefing to standard output, or to --out (and --pdf), saying what was written.
    func write(_ text: String, stamp: String) throws {
        guard let out, out != "-" else {
            let output = TextOutput()
            output.write(text)
            output.flush()
            return
        }
        try AtomicFile.write(text, to: out)
        printError("Wrote \(out) (\(format.rawValue), \(stamp)).")
        guard let pdf else { return }
        do {
            let browser = try HeadlessBrowser.locate()
            try browser.printPDF(html: out, to: pdf)
        } catch let error as LedgerError {
            throw CommandFailure(message: "\(error.commandLineMessage). The HTML briefing was written to \(out); no PDF was written.",
                                 exitCode: ExitCode32.failure.rawValue)
        }
        printError("Wrote \(pdf) (printed by headless Chromium).")
    }
}
