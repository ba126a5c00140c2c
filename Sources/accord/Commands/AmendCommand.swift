import AccordLedger
import ArgumentParser

struct AmendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Amend a commitment, party, agreement or guarantee from an effective date.",
        discussion: """
            A report at a date before --effective judges by the earlier terms; on or after it, by the new ones. \
            A report --as-of a point before the amendment was recorded does not know it. The unit, kind and obligor \
            of a commitment cannot be amended: that is a new commitment.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: ArgumentHelp("What is amended: \(AmendmentSubject.allCases.map(\.rawValue).joined(separator: ", ")).",
                                 valueName: "subject"))
    var subject: String
    @Argument(help: "Its id.") var id: String
    @Option(help: "From when the new terms apply.") var effective: String
    @Option(help: "Why.") var reason: String
    @Option(parsing: .unconditional, help: "A commitment's new target quantity.") var target: String?
    @Option(help: "A commitment's new due date.") var due: String?
    @Option(help: "A restraint's new window start.") var from: String?
    @Option(help: "A restraint's new window end.") var until: String?
    @Option(help: "A commitment's new text.") var text: String?
    @Option(help: "A party's new name.") var name: String?
    @Option(help: "An agreement's new title.") var title: String?
    @Option(help: "An agreement's new date.") var date: String?
    @Option(help: "An agreement's new venue.") var venue: String?
    @Option(help: "The commitments a guarantee covers from then on (repeatable).") var covers: [String] = []
    @Option(name: .customLong("respond-within-days"), help: "A guarantee's new response time, in days.") var respondWithinDays: String?
    @Option(help: "A guarantee's new consequence.") var consequence: String?
    @Option(help: ArgumentHelp("Refused: a new unit makes a new commitment.", visibility: .hidden)) var unit: String?
    @Option(help: ArgumentHelp("Refused: a new kind makes a new commitment.", visibility: .hidden)) var kind: String?
    @Option(help: ArgumentHelp("Refused: a new obligor makes a new commitment.", visibility: .hidden)) var party: String?

    func run() throws {
        let ledger = try global.openLedger()
        var input = AmendmentInput(subject: subject, id: id, effective: effective, reason: reason)
        input.target = target
        input.due = due
        input.from = from
        input.until = until
        input.text = text
        input.name = name
        input.title = title
        input.date = date
        input.venue = venue
        input.covers = covers.isEmpty ? nil : covers
        input.respondWithinDays = respondWithinDays
        input.consequence = consequence
        input.unit = unit
        input.kind = kind
        input.party = party
        announce(try ledger.amend(input, as: recorder.recorder()), "amendment of \(subject) \(id)", receiptOptions)
    }
}

struct VoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Mark an entry as entered in error: reports and lists then behave as if it was never made.",
        discussion: """
            The journal keeps both entries, and `accord history` shows them. Definitions, withdrawals, invocations, \
            amendments and evidence can be voided; a definition only once nothing live refers to it.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: RecorderOptions
    @OptionGroup var receiptOptions: ReceiptOptions
    @Argument(help: ArgumentHelp("The entry: its seq, or a record's id.", valueName: "entry")) var entry: String
    @Option(help: "Why it was entered in error.") var reason: String

    func run() throws {
        let ledger = try global.openLedger()
        announce(try ledger.void(entry, reason: reason, as: recorder.recorder()), "void of \(entry)", receiptOptions)
    }
}
