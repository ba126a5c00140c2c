@testable import AccordLedger
import AccordSchema
import AccordStorage
import AccordTrust
import Foundation
import Testing

/// Migration 0020: the journal without its `recorded_ms` and `actor` columns,
/// which the entry bytes hold; the view `journal_entries` reads them from there.
@Suite("Schema upgrades: the journal's time and actor read from the entry")
struct JournalColumnsUpgradeTests {
    /// The rows of the journal's view and of the views that read it, one line each.
    static func viewRows(_ database: Database) throws -> [String] {
        var lines: [String] = []
        for query in ["SELECT * FROM journal_entries ORDER BY seq", "SELECT * FROM record_history ORDER BY record, seq",
                      "SELECT * FROM current_verifications ORDER BY seq", "SELECT * FROM current_breaches ORDER BY seq"] {
            try database.forEach(query) { row in lines.append(row.values.map { "\($0)" }.joined(separator: " ")) }
        }
        return lines
    }

    /// An actor of 191 bytes (the length's low byte above 0x7f), most of them not ASCII.
    static let longActor = "Überwachung " + String(repeating: "é", count: 89) + "-desk"

    /// A ledger as this build writes it (over a cached block of 1,024 leaves), with entries by a non-ASCII actor,
    /// a breach and a correction (so that every view that reads journal_entries has rows).
    static func slimJournalLedger(at path: String) throws -> Ledger {
        let ledger = try ProofLedger.make(at: path, entries: 1100)
        let desk = Recorder(actor: longActor)
        _ = try ledger.addParty(PartyInput(id: "AT", name: "Österreich", kind: "state"), as: desk)
        let breach = BreachInput(commitment: "UA-release", observed: "2025-05-20", severity: "minor",
                                 source: SourceInput(name: "Zoë's desk", kind: "monitor"))
        _ = try ledger.recordBreach(breach, as: desk)
        return ledger
    }

    @Test("journal_without_time_and_actor_columns: a schema-19 ledger upgrades with the same journal export, roots and views, and audits clean")
    func journalWithoutTimeAndActor() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.slimJournalLedger(at: dir.path("new.sqlite"))
        var exported: [String] = []
        try ledger.exportJournal { exported.append($0.serialized()) }
        let entries = exported.count
        #expect(exported.last?.contains(Self.longActor) == true)
        let root = try ledger.consistencyProof(oldSize: 1).newRoot
        let path = dir.path("old.sqlite")
        _ = try MigrationUpgradeTests.twin(of: ledger, at: path, before: "journal_without_time_and_actor_columns")
        let views: [String]
        do {
            let old = try Database(path: path, mode: .readOnly, configuration: Ledger.configuration)
            #expect(try old.scalarInt("SELECT max(version) FROM schema_migrations") == 19)
            #expect(try old.scalarInt("SELECT count(*) FROM journal WHERE actor = ?", Self.longActor) == 2)
            views = try Self.viewRows(old)
        }
        #expect(views.filter { $0.contains(Self.longActor) }.count >= 3, "\(views.suffix(4))")
        #expect(try Audit.run(path: ledger.path).outcome == .verified)

        let upgraded = try Ledger.open(at: path)
        #expect(try upgraded.appliedMigrations().last?.version == Schema.migrations.last?.version)
        var columns: [String] = []
        try upgraded.database.forEach("SELECT name FROM pragma_table_info('journal')") { columns.append($0.text(0)) }
        #expect(columns == ["seq", "kind_code", "signer", "entry", "signature"])
        // The same entries, times and actors (now read from the bytes) and the same root; one entry records the upgrade.
        var after: [String] = []
        try upgraded.exportJournal { after.append($0.serialized()) }
        #expect(after.count == entries + 1 && Array(after.prefix(entries)) == exported)
        #expect(after.last?.contains(#""actor":"accord""#) == true)
        // The views show the same rows (the upgrade entry aside, which only journal_entries lists).
        var now = try Self.viewRows(upgraded.database)
        #expect(now.count == views.count + 1)
        now.remove(at: entries)
        #expect(now == views)
        let proof = try upgraded.consistencyProof(oldSize: Int64(entries))
        #expect(proof.oldRoot == root && proof.newSize == Int64(entries) + 1)
        let report = try Audit.run(path: path)
        #expect(report.outcome == .verified, "\(report.findings.map { $0.phrase })")
        #expect(report.root == proof.newRoot.hex)
    }

    static let alteredColumns = [
        "UPDATE journal SET recorded_ms = recorded_ms + 1 WHERE seq = 600",
        "UPDATE journal SET actor = 'fixturE' WHERE seq = 600",
        // The same text to Swift's ==, other bytes: a Kelvin sign for the K.
        "UPDATE journal SET actor = replace(actor, 'desk', 'des' || char(8490)) WHERE seq = (SELECT max(seq) FROM journal)",
    ]

    @Test("journal_without_time_and_actor_columns: a schema-19 ledger whose recorded_ms or actor disagrees with its entry is refused, unchanged",
          arguments: alteredColumns)
    func journalWithoutTimeAndActorRefusesAlteredColumns(sql: String) throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.slimJournalLedger(at: dir.path("new.sqlite"))
        let path = dir.path("old.sqlite")
        _ = try MigrationUpgradeTests.twin(of: ledger, at: path, before: "journal_without_time_and_actor_columns")
        let seq: Int64
        do {
            let database = try Database(path: path, mode: .readWrite, configuration: Ledger.configuration)
            seq = sql.contains("600") ? 600 : try #require(try database.scalarInt("SELECT max(seq) FROM journal"))
            let trigger = try #require(try database.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'journal_no_update'"))
            try database.execute("DROP TRIGGER journal_no_update")
            #expect(try database.run(sql) == 1)
            try database.execute(trigger)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try Ledger.open(at: path)
            Issue.record("the altered schema-19 ledger was upgraded")
        } catch let error as LedgerError {
            #expect(error.kind == .tampered
                    && "\(error)".contains("the recording time or actor stored for journal entry \(seq) disagrees with the entry"),
                    "\(error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let database = try Database(path: path, mode: .readOnly, configuration: Ledger.configuration)
        #expect(try database.scalarInt("SELECT max(version) FROM schema_migrations") == 19)
    }

    @Test("journal_entries reads each entry's time and actor from its bytes: versions 1 to 3, times before 1970 and in 9999, actors not ASCII and longer than 255 bytes")
    func journalEntriesDecodeEntries() throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.path("v.sqlite"), mode: .create, configuration: Ledger.configuration)
        try Ledger.migrator.migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        // 300 bytes and more: the u32 length's two low bytes both matter (no valid actor is this long; the view decodes any).
        let long = String(repeating: "Ж", count: 150) + "-desk"
        let cases: [(version: UInt8, ms: Int64, actor: String)] = [
            (1, 1_747_386_000_000, "monitor"), (2, -1, "Zoë"), (2, 1_747_386_001_234, long), (3, 253_402_300_799_999, "x"),
            (1, -86_400_001, long + "ü"), (3, 0, Self.longActor), (2, 1_747_386_001_235, "a\u{0}b"),
        ]
        var expected: [String] = []
        var previous: Hash32?
        for (index, item) in cases.enumerated() {
            let seq = Int64(index + 1)
            let entry = Entry(seq: seq, recordedAt: Timestamp(milliseconds: item.ms), clock: .overridden, actor: item.actor,
                              previousHash: previous, signer: nil,
                              payload: .ledgerCreate(LedgerCreated(ledgerID: "00000000-0000-4000-8000-000000000000")),
                              version: item.version)
            let bytes = entry.encoded()
            previous = Merkle.leafHash(bytes)
            let decoded = try Entry.decodeCanonical(bytes)
            #expect(decoded.version == item.version && decoded.actor == item.actor && decoded.recordedAt.milliseconds == item.ms)
            #expect(Entry.recordedAt(in: bytes) == decoded.recordedAt)
            #expect(Entry.actorBytes(in: bytes).map(Array.init) == Array(item.actor.utf8))
            _ = try database.run("INSERT INTO journal (seq, kind_code, entry) VALUES (?, 1, ?)", seq, bytes)
            expected.append("\(seq)|ledger.create|\(decoded.recordedAt.iso8601)|\(Array(item.actor.utf8))||\(bytes.count)")
        }
        var viewed: [String] = []
        try database.forEach("SELECT seq, kind, recorded_at, CAST(actor AS BLOB), coalesce(signer, ''), bytes, typeof(actor) FROM journal_entries ORDER BY seq") { row in
            #expect(row.text(6) == "text")
            viewed.append("\(row.int64(0))|\(row.text(1))|\(row.text(2))|\(row.blob(3))|\(row.text(4))|\(row.int64(5))")
        }
        #expect(viewed == expected)
        #expect(expected[1].contains("|1969-12-31T23:59:59.999Z|") && expected[3].contains("|9999-12-31T23:59:59.999Z|"), "\(expected)")
    }
}
