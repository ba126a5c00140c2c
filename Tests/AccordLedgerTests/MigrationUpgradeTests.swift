@testable import AccordLedger
import AccordSchema
import AccordStorage
import Foundation
import Testing

@Suite("Schema upgrades")
struct MigrationUpgradeTests {
    @Test("a ledger written at schema 4 upgrades to the latest with its data intact and audits clean")
    func upgradeFromSchema4() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        let recorder = Recorder(actor: "tester")
        var counts: [String: Int64] = [:]
        do {
            let database = try Database(path: path, mode: .create, configuration: Ledger.configuration)
            let old = Migrator(migrations: Array(Schema.migrations.prefix(4)))
            try old.migrate(database, now: { "2025-06-01T00:00:00.000Z" })
            let ledger = Ledger(database: database)
            _ = try ledger.transact(recorder) { session in
                try session.append(.ledgerCreate(LedgerCreated(ledgerID: Ledger.newIdentifier())))
            }
            try Demo.populate(ledger, as: recorder)
            for table in ["verifications", "breaches", "corroborations", "commitment_totals", "journal"] {
                counts[table] = try database.scalarInt("SELECT count(*) FROM \(table)")
            }
            #expect(try Ledger.migrator.applied(in: database).count == 4)
        }
        // Opening it for writing applies the rest.
        let ledger = try Ledger.open(at: path)
        #expect(try ledger.appliedMigrations().count == Schema.latestVersion)
        for (table, count) in counts {
            #expect(try ledger.database.scalarInt("SELECT count(*) FROM \(table)") == count, "\(table)")
        }
        #expect(try ledger.database.scalarInt("SELECT count(*) FROM current_breaches") == 2)
        let audit = try Audit.run(path: path)
        #expect(audit.outcome == .verified, "\(audit.summary)")
        // And it takes new evidence.
        var input = VerificationInput(commitment: "UA-release", observed: "2025-05-26", source: SourceInput(name: "ICRC"))
        input.quantity = "1"
        _ = try ledger.log(input, as: recorder)
    }
}
