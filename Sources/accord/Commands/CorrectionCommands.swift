import AccordLedger
import AccordPresentation
import ArgumentParser

struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct a verification or breach: a new entry supersedes its current version.",
        discussion: """
            Give only the fields that change; the rest are kept. An empty value (--note "") clears an optional \
            field. The original stays readable in `accord history`; reports use the corrected version.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: "The entry to correct: its seq or its external id.") var entry: String
    @Option(help: "Why it is corrected.") var reason: String
    @Option(help: "Move it to another commitment.") var commitment: String?
    @Option(parsing: .unconditional, help: "The corrected quantity.") var quantity: String?
    @Flag(help: "The action was done.") var done = false
    @Flag(name: .customLong("not-done"), help: "The action was not done.") var notDone = false
    @Option(help: "When it was observed.") var observed: String?
    @Option(help: "day, week or month.") var precision: String?
    @Option(help: "The party in breach (breaches).") var party: String?
    @Option(help: "minor, major or grave (breaches).") var severity: String?
    @Option(help: "What happened (breaches).") var description: String?
    @OptionGroup var evidence: EvidenceOptions

    func validate() throws {
        if evidence.externalID != nil {
            throw ValidationError("a correction keeps the record's external id; --id cannot change it")
        }
    }

    func run() throws {
        let ledger = try global.openLedger()
        var input = CorrectionInput(target: entry, reason: reason)
        input.commitment = commitment
        input.quantity = quantity
        input.done = done
        input.notDone = notDone
        input.observed = observed
        input.precision = precision
        input.party = party
        input.severity = severity
        input.description = description
        input.source = evidence.source
        input.sourceKind = evidence.sourceKind
        input.confidence = evidence.confidence
        input.evidence = try evidence.evidenceInput()
        input.note = evidence.note
        input.location = evidence.locationInput
        announce(try ledger.correct(input, as: recorder.recorder()), "correction of \(entry)", receiptOptions)
    }
}

struct RetractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw a verification, breach or corroboration from every count; it stays readable.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: "The entry to retract: its seq or its external id.") var entry: String
    @Option(help: "Why it is retracted.") var reason: String

    func run() throws {
        let ledger = try global.openLedger()
        announce(try ledger.retract(entry, reason: reason, as: recorder.recorder()), "retraction of \(entry)", receiptOptions)
    }
}

struct DisputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "Contest a verification or breach; it stops counting until adjudicated.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: "The contested entry: its seq or its external id.") var entry: String
    @Option(help: "Who contests it: a party or a monitor.") var by: String
    @Option(help: "Why.") var reason: String
    @Option(help: "The source of the counter-claim.") var source: String?

    func run() throws {
        let ledger = try global.openLedger()
        announce(try ledger.dispute(entry, by: by, reason: reason, source: source, as: recorder.recorder()), "dispute of \(entry)", receiptOptions)
    }
}

struct AdjudicateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adjudicate",
        abstract: "Settle a dispute: --upheld (the record counts again) or --rejected (it never counts).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: "The disputed entry: its seq or its external id.") var entry: String
    @Flag(help: "The record stands.") var upheld = false
    @Flag(help: "The record is set aside.") var rejected = false
    @Option(help: "Why.") var reason: String

    func validate() throws {
        if upheld == rejected { throw ValidationError("give exactly one of --upheld or --rejected") }
    }

    func run() throws {
        let ledger = try global.openLedger()
        announce(try ledger.adjudicate(entry, ruling: upheld ? .upheld : .rejected, reason: reason, as: recorder.recorder()),
                 "adjudication of \(entry)", receiptOptions)
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every entry that touched a commitment, a definition or a record, with seq, time, actor and reason.",
        discussion: "Amendments and voids are shown beside what they changed, with their reasons.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A commitment, guarantee, agreement or party id, or an entry's seq or external id.") var subject: String
    @OptionGroup var knowledge: AsOfOption
    @OptionGroup var remote: RemoteSource

    func run() throws {
        if let server = try remote.server(global) {
            return try server.show("/v1/history/" + RemoteLedger.encoded(subject), [("asOf", knowledge.asOf)]
                                   + RemoteLedger.presentation(output.format.rawValue, header: output.header, raw: output.raw),
                                   bom: output.cells.bom)
        }
        let ledger = try global.openLedgerReadOnly()
        let (stamp, items) = try ledger.history(of: subject, asOf: try QueryInput(asOf: knowledge.asOf).asOfPoint())
        HistoryListing(subject: subject, stamp: stamp, items: items)
            .render(output.format, header: output.header, raw: output.raw, to: output.stdout())
    }
}
