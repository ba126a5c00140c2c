import AccordLedger
import ArgumentParser

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty ledger (or bring an existing one up to date).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: ActorOptions

    func run() throws {
        let (ledger, created) = try Ledger.create(at: global.path, as: recorder.recorder(), lockWait: global.lockWait())
        let version = try ledger.appliedMigrations().last?.version ?? 0
        if created {
            printError("Created ledger \(ledger.path) (schema \(version)).")
        } else {
            printError("\(ledger.path) is already a ledger (schema \(version)); nothing to do.")
        }
    }
}
