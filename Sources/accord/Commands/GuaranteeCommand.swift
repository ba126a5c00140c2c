import AccordLedger
import ArgumentParser

struct GuaranteeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guarantee",
        abstract: "Add, invoke or list guarantees.",
        subcommands: [Add.self, Invoke.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", 
            abstract: "A guarantor backs commitments with a consequence.",
            discussion: "A confirmed breach of a covered commitment triggers it; the guarantor must invoke it within --respond-within-days (default 30) or it has lapsed.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The guarantee's id.") var id: String
        @Option(help: "The guaranteeing party.") var guarantor: String
        @Option(parsing: .upToNextOption, help: "The commitments it covers.") var covers: [String] = []
        @Option(help: "What the guarantor will do on a breach.") var consequence: String
        @Option(name: .customLong("respond-within-days"), parsing: .unconditional, help: "Days it has to respond (default 30).")
        var respondWithinDays: String?

        func run() throws {
            let ledger = try global.openLedger()
            let input = GuaranteeInput(id: id, guarantor: guarantor, covers: covers, consequence: consequence,
                                       respondWithinDays: respondWithinDays)
            announce(try ledger.addGuarantee(input, as: recorder.recorder()), "guarantee \(id)", receiptOptions)
        }
    }

    struct Invoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "invoke", abstract: "Record that the guarantor acted on a guarantee.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The guarantee's id.") var id: String
        @Option(help: "When it was invoked.") var date: String
        @Option(help: "What was done.") var note: String?

        func run() throws {
            let ledger = try global.openLedger()
            let input = InvocationInput(guarantee: id, date: date, note: note)
            announce(try ledger.invokeGuarantee(input, as: recorder.recorder()), "invocation of \(id)", receiptOptions)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the guarantees.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var terms: TermsDateOption

        func run() throws {
            try global.openLedgerReadOnly().guaranteeList(at: try terms.moment()).render(output.format, header: output.header, raw: output.raw, to: output.stdout())
        }
    }
}
