import AccordLedger
import AccordSchema
import AccordStorage
import ArgumentParser

@main
struct Accord: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "accord",
        abstract: "A tamper-evident ledger of negotiated commitments, guarantees and the evidence they were kept.",
        discussion: """
            The ledger is one SQLite file: --db PATH, or ACCORD_DB, or accord.sqlite in the current \
            directory.
            Exit codes: 0 success, 64 usage, 65 bad input data, 66 no ledger or not a ledger, 75 busy, 1 other failure.
            """,
        version: "accord \(version) (schema \(Schema.latestVersion), SQLite \(Database.sqliteVersion))",
        subcommands: [
            DemoCommand.self,
            InitCommand.self,
            PartyCommand.self,
            AgreementCommand.self,
            CommitmentCommand.self,
            GuaranteeCommand.self,
            LogCommand.self,
            BreachCommand.self,
            ImportCommand.self,
            ExportCommand.self,
            ReportCommand.self,
            BreachesCommand.self,
            BriefCommand.self,
            HistoryCommand.self,
            CorrectCommand.self,
            RetractCommand.self,
            DisputeCommand.self,
            AdjudicateCommand.self,
            AmendCommand.self,
            VoidCommand.self,
            KeyCommand.self,
            CheckpointCommand.self,
            ProveCommand.self,
            AuditCommand.self,
            JournalCommand.self,
            MigrateCommand.self,
            TokenCommand.self,
            AccessLogCommand.self,
            ServeCommand.self,
        ]
    )

    static func main() {
        do {
            try ArgumentChecks.checkEncoding()
            let arguments = GlobalOptions.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
            try ArgumentChecks.checkRepeats(arguments)
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exitReporting(error)
        }
    }
}
