@testable import AccordLedger
import AccordTrust
import Testing

/// A ledger rebuilt from its journal export alone audits as the ledger does;
/// an export out of order, or with an entry's bytes or stated leaf hash
/// altered, is refused naming the entry.
@Suite struct JournalReplicaTests {
    /// A small ledger and its journal, as the export gives it.
    static func exported() throws -> (LedgerFixture, [ExportedEntry]) {
        let fixture = try LedgerFixture()
        try fixture.quantity("C1")
        try fixture.log("C1", quantity: 10, on: "2025-05-20")
        try fixture.log("C1", quantity: 5, on: "2025-05-21")
        var entries: [ExportedEntry] = []
        try fixture.ledger.database.read { db in
            try db.forEach("SELECT seq, entry, signature FROM journal ORDER BY seq") { row in
                entries.append(ExportedEntry(seq: row.int64(0), bytes: row.blob(1), signature: row.optionalBlob(2),
                                             leafHash: Merkle.leafHash(row.blob(1))))
            }
        }
        return (fixture, entries)
    }

    @Test func aReplicaAuditsAsItsLedger() throws {
        let (fixture, entries) = try Self.exported()
        let replica = try JournalReplica(entries: entries, settings: LedgerSettings(scratchDirectory: fixture.directory.path("")))
        let report = try Audit.run(replica)
        #expect(report.outcome == .verified, "\(report.findings.map { $0.phrase })")
        #expect(report.entries == Int64(entries.count))
        let original = try Audit.run(path: fixture.path)
        #expect(report.root == original.root)
    }

    @Test func anAlteredExportIsRefusedAtItsEntry() throws {
        let (fixture, entries) = try Self.exported()
        let settings = LedgerSettings(scratchDirectory: fixture.directory.path(""))
        func refusal(_ altered: [ExportedEntry]) -> Int64? {
            do {
                _ = try JournalReplica(entries: altered, settings: settings)
                return nil
            } catch let failure as ReplayFailure {
                return failure.seq
            } catch {
                return -1
            }
        }
        // Two entries swapped.
        var swapped = entries
        swapped.swapAt(2, 3)
        #expect(refusal(swapped) == 4)
        // The stated leaf hash of entry 3 not that of its bytes.
        var stated = entries
        stated[2].leafHash = Hash32(bytes: [UInt8](repeating: 0, count: 32))
        #expect(refusal(stated) == 3)
        // A byte of entry 3 changed, no leaf hash stated: it no longer decodes, or entry 4 no longer chains to it.
        var changed = entries
        changed[2].leafHash = nil
        changed[2].bytes[changed[2].bytes.count - 1] ^= 1
        let seq = refusal(changed)
        #expect(seq == 3 || seq == 4, "\(String(describing: seq))")
        // One missing.
        var missing = entries
        missing.remove(at: 1)
        #expect(refusal(missing) == 3)
    }
}
