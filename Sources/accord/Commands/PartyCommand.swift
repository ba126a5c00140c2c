import AccordLedger
import ArgumentParser

struct PartyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party",
        abstract: "Add or list parties: states, armed groups, organisations.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a party, identified by a short id such as UA or ICRC.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The party's id.") var id: String
        @Option(help: "Its full name.") var name: String
        @Option(help: "state, group or organisation.") var kind: String?

        func run() throws {
            let ledger = try global.openLedger()
            let recorded = try ledger.addParty(PartyInput(id: id, name: name, kind: kind), as: recorder.recorder())
            announce(recorded, "party \(id)", receiptOptions)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the parties.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var terms: TermsDateOption

        func run() throws {
            try global.openLedgerReadOnly().partyList(at: try terms.moment()).render(output.format, header: output.header, raw: output.raw, to: output.stdout())
        }
    }
}

struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Add or list agreements (what was concluded, when and where).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an agreement; its commitments name it.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var recorder: RecorderOptions
        @OptionGroup var receiptOptions: ReceiptOptions
        @Argument(help: "The agreement's id.") var id: String
        @Option(help: "What it is called.") var title: String
        @Option(help: "When it was concluded (YYYY-MM-DD).") var date: String?
        @Option(help: "Where.") var venue: String?

        func run() throws {
            let ledger = try global.openLedger()
            let input = AgreementInput(id: id, title: title, date: date, venue: venue)
            announce(try ledger.addAgreement(input, as: recorder.recorder()), "agreement \(id)", receiptOptions)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the agreements.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var terms: TermsDateOption

        func run() throws {
            try global.openLedgerReadOnly().agreementList(at: try terms.moment()).render(output.format, header: output.header, raw: output.raw, to: output.stdout())
        }
    }
}
