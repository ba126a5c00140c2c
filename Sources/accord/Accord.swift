import AccordLedger
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
            Exit codes: 0 success, 64 usage, 65 bad input data, 66 no ledger or not a ledger, 75 busy, 1 other failure; \
            talking to a server, 69 no server or it cannot do this, 75 try again later, 77 token refused.
            """,
        version: "accord \(version) (schema \(Ledger.schemaVersion), SQLite \(Ledger.sqliteVersion))",
        groupedSubcommands: [
            CommandGroup(name: "Record", subcommands: [
                PartyCommand.self, AgreementCommand.self, CommitmentCommand.self, GuaranteeCommand.self, LogCommand.self,
                BreachCommand.self, ImportCommand.self, CorrectCommand.self, RetractCommand.self, DisputeCommand.self,
                AdjudicateCommand.self, AmendCommand.self, VoidCommand.self,
            ]),
            CommandGroup(name: "Report", subcommands: [
                ReportCommand.self, BreachesCommand.self, HistoryCommand.self, ExportCommand.self, BriefCommand.self,
                JournalCommand.self,
            ]),
            CommandGroup(name: "Audit", subcommands: [AuditCommand.self, CheckpointCommand.self, ProveCommand.self]),
            CommandGroup(name: "Manage", subcommands: [
                DemoCommand.self, InitCommand.self, KeyCommand.self, MigrateCommand.self, TokenCommand.self,
                AccessLogCommand.self,
            ]),
            CommandGroup(name: "Field", subcommands: [
                CloneCommand.self, PushCommand.self, PullCommand.self, SyncCommand.self, BundleCommand.self,
                ImportBundleCommand.self, ImportReceiptsCommand.self,
            ]),
            CommandGroup(name: "Serve", subcommands: [ServeCommand.self]),
        ]
    )

    /// `accord help NAME …` for a command that does not exist is a usage
    /// error (the parser would print the general help and exit 0).
    static func refuseUnknownHelpTopic(_ arguments: [String]) throws {
        guard arguments.first == "help" else { return }
        var commands: [ParsableCommand.Type] = configuration.subcommands
        var path = "accord"
        for word in arguments.dropFirst() where !word.hasPrefix("-") {
            var match: ParsableCommand.Type?
            var names: [String] = []
            for command in commands {
                let name = command.configuration.commandName ?? command._commandName
                names.append(name)
                if name == word { match = command }
            }
            guard let match else {
                let names = names.joined(separator: ", ")
                throw CommandFailure(message: "no command '\(OneLine.escaped(word, limit: 40))' in \(path); the commands are \(names)",
                                     exitCode: ExitCode32.usage.rawValue)
            }
            path += " " + word
            commands = match.configuration.subcommands
            if commands.isEmpty { return }
        }
    }

    static func main() {
        Ledger.skipSQLiteMemoryStatistics()
        do {
            try ArgumentChecks.checkEncoding()
            let arguments = GlobalOptions.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
            try ArgumentChecks.checkRepeats(arguments)
            try ArgumentChecks.checkEmptyValues(arguments)
            try refuseUnknownHelpTopic(arguments)
            // A plain `accord log` or `accord report` line skips the parser's reflection (see QuickParse).
            if var command = QuickParse.command(arguments) {
                try command.run()
                return
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exitReporting(error)
        }
    }
}
