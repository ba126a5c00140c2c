import AccordLedger
import AccordPresentation
import ArgumentParser

struct CommitmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commitment",
        abstract: "Add, list, show or withdraw commitments.",
        subcommands: [Add.self, List.self, Show.self, Withdraw.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", 
            abstract: "Add one obligation of one party: a quantity, an action or a restraint.",
            discussion: """
                Give exactly one shape: --quantity N --unit TEXT (by --due), --action (by --due), or \
                --restraint (over --from … [--until]). --reciprocal pairs two quantity commitments of the same \
                unit (naming one pairs both); --depends-on makes this one blocked until the other is fulfilled.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The commitment's id.") var id: String
        @Option(help: "The agreement it belongs to.") var agreement: String
        @Option(help: "The party that owes it.") var party: String
        @Option(parsing: .unconditional, help: "Target quantity (a quantity commitment).") var quantity: String?
        @Option(help: "Unit of the quantity, e.g. prisoners.") var unit: String?
        @Option(help: "Decimal places of its quantities, 0–6 (default 0: whole numbers), e.g. 2 for 12.50 tonnes.") var decimals: String?
        @Flag(help: "Done or not done by the due date.") var action = false
        @Flag(help: "A standing obligation over a window.") var restraint = false
        @Option(help: "Due date.") var due: String?
        @Option(help: "Start of the window.") var from: String?
        @Option(help: "End of the window (inclusive).") var until: String?
        @Option(help: "The other side of a reciprocal exchange.") var reciprocal: String?
        @Option(name: .customLong("depends-on"), help: "A commitment that must be fulfilled first (repeatable).")
        var dependsOn: [String] = []
        @Option(help: "The commitment's text.") var text: String?

        func run() throws {
            let ledger = try global.openLedger()
            var input = CommitmentInput(id: id, agreement: agreement, party: party)
            input.quantity = quantity
            input.unit = unit
            input.decimals = decimals
            input.action = action
            input.restraint = restraint
            input.due = due
            input.from = from
            input.until = until
            input.reciprocal = reciprocal
            input.dependsOn = dependsOn
            input.text = text
            announce(try ledger.addCommitment(input, as: recorder.recorder()), "commitment \(id)", receiptOptions)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List commitments.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var terms: TermsDateOption
        @Option(help: "Only this agreement's.") var agreement: String?
        @Option(help: "Only this party's.") var party: String?

        func run() throws {
            try global.openLedgerReadOnly().commitmentList(agreement: agreement, party: party, at: try terms.moment())
                .render(output.format, header: output.header, raw: output.raw, to: output.stdout())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one commitment, its status and its evidence.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The commitment's id.") var id: String
        @Option(help: "The world date to judge it at (default today).") var at: String?
        @Option(name: .customLong("min-confidence"), help: "\(choices(Confidence.self)).") var minConfidence: String?
        @OptionGroup var remote: RemoteSource

        func run() throws {
            if let server = try remote.server(global) {
                return try server.show("/v1/commitments/" + RemoteLedger.encoded(id), [("at", at), ("minConfidence", minConfidence)]
                                       + RemoteLedger.presentation(output.format.rawValue, header: output.header, raw: output.raw),
                                       bom: output.cells.bom)
            }
            let ledger = try global.openLedgerReadOnly()
            let detail = try ledger.commitmentDetail(id, options: try ReportOptions(QueryInput(at: at, minConfidence: minConfidence)))
            detail.render(output.format, header: output.header, raw: output.raw, to: output.stdout())
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Withdraw a commitment; it no longer counts towards any rate.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The commitment's id.") var id: String
        @Option(help: "Why.") var reason: String
        @Option(name: [.customLong("effective"), .customLong("date")],
                help: "From when it no longer counts (default today); a date in the past withdraws it from reports at that date on.")
        var date: String?

        func run() throws {
            let ledger = try global.openLedger()
            let input = WithdrawalInput(commitment: id, date: date, reason: reason)
            announce(try ledger.withdrawCommitment(input, as: recorder.recorder()), "withdrawal of \(id)", receiptOptions)
        }
    }
}
