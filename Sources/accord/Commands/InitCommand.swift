import AccordFiles
import AccordLedger
import ArgumentParser

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty ledger (or bring an existing one up to date).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: ActorOptions
    @Option(name: .customLong("admin-key"), help: ArgumentHelp(
        "Register this public key (FILE.pub) as the ledger's admin key, as entry 2: only entries signed by an admin key "
            + "then register or revoke keys.", valueName: "file"))
    var adminKey: String?

    func run() throws {
        let admin = try adminKey.map { try Keys.verifierKey(at: $0) }
        let (ledger, created) = try Ledger.create(at: global.path, as: recorder.recorder(), adminKey: admin, lockWait: global.lockWait(),
                                                    settings: global.settings)
        let version = try ledger.appliedMigrations().last?.version ?? 0
        if created {
            let with = admin.map { " with admin key \($0.name) (entry 2)" } ?? ""
            printError("Created ledger \(ledger.path) (schema \(version))\(with).")
        } else {
            printError("\(ledger.path) is already a ledger (schema \(version)); nothing to do.")
        }
    }
}
