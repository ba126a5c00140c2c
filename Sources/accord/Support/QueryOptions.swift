import AccordLedger
import ArgumentParser

/// `--as-of` (knowledge time), declared once for every command that reads
/// the ledger as it was; the engine parses it (``QueryInput``).
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("As the ledger knew it at this seq or time.", valueName: "seq|time"))
    var asOf: String?
}

/// `--at` (world time) and `--as-of` (knowledge time), for reports and listings.
struct WhenOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The world date to judge at (default: today, UTC).", valueName: "date"))
    var at: String?
    @OptionGroup var knowledge: AsOfOption

    /// The raw values, for the engine to parse.
    var input: QueryInput { QueryInput(at: at, asOf: knowledge.asOf) }
}

/// `--at` for the listings of definitions: the terms in force on a date.
struct TermsDateOption: ParsableArguments {
    @Option(help: ArgumentHelp("Show the terms in force on this date (default: today, UTC).", valueName: "date"))
    var at: String?

    /// The date, parsed by the engine (its errors name `--at`).
    func moment() throws -> Moment? { try QueryInput(at: at).atMoment() }
}

/// `--no-header`, for every command that prints rows.
struct HeaderOption: ParsableArguments {
    @Flag(name: .customLong("no-header"), help: "Leave out the header row (csv, tsv, table).")
    var noHeader = false
}
