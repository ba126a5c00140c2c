import AccordLedger

/// The two shapes a briefing comes in.
public enum BriefingFormat: String, Sendable, CaseIterable {
    /// One self-contained HTML page (inline CSS and SVG) that prints to A4.
    case html
    /// The same content as Markdown text, for pasting into a memo.
    case markdown
}

/// What a briefing covers, and how it was asked for (to print the command
/// that reproduces it).
public struct BriefingOptions: Sendable {
    /// The report behind every number: date, as-of, threshold, filters.
    public var report: ReportOptions
    /// The start of the period whose breaches the headline counts
    /// (default: the earliest date of the agreements in scope).
    public var since: Moment?
    /// The ledger as the user named it: the `--db` path as typed, or (when
    /// it came from the environment or the default) its file name only, so
    /// the briefing never shows a path the user did not type.
    public var database: String
    /// Whether `database` was typed on the command line (`--db`): only then
    /// does the reproduce command carry it.
    public var databaseOnCommandLine: Bool
    /// The output file as the user gave it; nil for standard output.
    public var output: String?
    /// HTML, Markdown or PDF.
    public var format: BriefingFormat
    /// The server the briefing was asked of, as the client named it: the
    /// footer names it beside `database` (the served file's name) and the
    /// reproduce command asks it again; nil for a ledger file.
    public var remote: String?

    /// Options for a briefing of `database` (as the user named it); the rest default to a report as of now, all breaches, HTML to standard output.
    public init(report: ReportOptions = ReportOptions(), since: Moment? = nil, database: String,
                databaseOnCommandLine: Bool = true, output: String? = nil, format: BriefingFormat = .html) {
        self.report = report
        self.since = since
        self.database = database
        self.databaseOnCommandLine = databaseOnCommandLine
        self.output = output
        self.format = format
    }
}

/// A one-page briefing for a minister or an editor: the fulfilment report,
/// the breaches of the period and the evidence behind each number, stamped
/// with the ledger state it reflects.
///
/// Build one with ``Ledger/briefing(_:)``; render it with ``html`` or ``markdown``.
public struct Briefing: Sendable {
    /// The fulfilment report every number comes from.
    public var report: Report
    /// The start of the period the headline's breaches fall in; nil for all
    /// breaches up to the report's date.
    public var since: Moment?
    /// Breaches of the commitments in scope observed on or before the report's
    /// date, at any confidence (live or disputed versions), by observed date.
    public var breaches: [BreachListing]
    /// Party names by id (guarantors included).
    public var partyNames: [String: String]
    /// Each commitment's counted sources, exactly those the report counts,
    /// one "name (kind)" per source (look-alike spellings are one source:
    /// ``TextRules/sourceKey(_:)``), first recorded first.
    public var sources: [String: [String]]
    /// The real time the briefing was made.
    public var generatedAt: Timestamp
    /// The ledger as the user named it, and the output as given, for the
    /// footer and the reproduce command (see ``BriefingOptions/database``).
    public var database: String
    /// Whether the ledger was named on the command line (`BriefingOptions/databaseOnCommandLine`).
    public var databaseOnCommandLine = true
    /// The output file as the user gave it; nil for standard output.
    public var output: String?
    /// The form it is rendered in: HTML, Markdown or PDF.
    public var format: BriefingFormat
    /// The server it was asked of (``BriefingOptions/remote``); nil for a ledger file.
    public var remote: String?

    /// The ledger as the footer names it: its name, and the server it was read from.
    public var ledgerName: String { remote.map { "\(database) at \($0)" } ?? database }

    /// A briefing from facts already read (``Ledger/briefing(_:)`` reads them at one seq).
    public init(report: Report, since: Moment?, breaches: [BreachListing], partyNames: [String: String],
                sources: [String: [String]], generatedAt: Timestamp, database: String, output: String?,
                format: BriefingFormat) {
        self.report = report
        self.since = since
        self.breaches = breaches
        self.partyNames = partyNames
        self.sources = sources
        self.generatedAt = generatedAt
        self.database = database
        self.output = output
        self.format = format
    }

    /// The exact `accord brief …` command that reproduces this briefing: the
    /// date, the seq it reflects, the period, the threshold and the filters.
    public var reproduceCommand: String {
        var words = ["accord", "brief"] + (remote.map { ["--remote", $0] } ?? (databaseOnCommandLine ? ["--db", database] : []))
            + ["--at", report.at.text, "--as-of", String(report.ledger.seq)]
        if let since { words += ["--since", since.text] }
        if report.minConfidence != .confirmed { words += ["--min-confidence", report.minConfidence.rawValue] }
        if let agreement = report.agreementFilter { words += ["--agreement", agreement] }
        if let party = report.partyFilter { words += ["--party", party] }
        if format != .html { words += ["--format", format.rawValue] }
        if let output { words += ["--out", output] }
        return words.map(BriefText.shellQuoted).joined(separator: " ")
    }

    /// The briefing in `format`.
    public func rendered(_ format: BriefingFormat) -> String {
        switch format {
        case .html: html
        case .markdown: markdown
        }
    }
}

extension Briefing {
    /// A briefing of `facts`, for the footer and the reproduce command as `options` name the ledger and output.
    public init(_ facts: BriefingFacts, options: BriefingOptions) {
        self.init(report: facts.report, since: facts.since, breaches: facts.breaches, partyNames: facts.partyNames,
                  sources: facts.sources, generatedAt: facts.generatedAt, database: options.database,
                  output: options.output, format: options.format)
        databaseOnCommandLine = options.databaseOnCommandLine
        remote = options.remote
    }
}

extension Ledger {
    /// Gathers a briefing (``Ledger/briefingFacts(report:since:)``: every part
    /// read at the seq the report reflects) to render as `options` say.
    /// - Throws: ``LedgerError`` `.invalid` for an unknown filter id, an
    ///   `asOf` beyond the head, or a period that starts after the report's date.
    public func briefing(_ options: BriefingOptions) throws -> Briefing {
        Briefing(try briefingFacts(report: options.report, since: options.since), options: options)
    }
}
