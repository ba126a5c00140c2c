import AccordLedger
import ArgumentParser

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations this build carries, or list them.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "List the migrations and whether each is applied; change nothing.")
    var list = false

    func run() throws {
        if list {
            let statuses = try Ledger.migrationStatus(at: global.path)
            for status in statuses {
                let version = String(repeating: "0", count: max(0, 4 - String(status.version).count)) + String(status.version)
                let state = status.appliedAt.map { "applied \($0)" } ?? "pending"
                print("\(version)  \(status.name)  \(status.checksum)  \(state)")
            }
            return
        }
        let ledger = try global.openLedger()
        let version = try ledger.appliedMigrations().last?.version ?? 0
        printError("\(ledger.path) is at schema \(version).")
    }
}
