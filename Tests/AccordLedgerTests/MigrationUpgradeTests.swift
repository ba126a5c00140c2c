@testable import AccordLedger
import AccordSchema
import AccordStorage
import Foundation
import Testing

@Suite("Schema upgrades")
struct MigrationUpgradeTests {
    @Test("0005 rebuilds the per-event tables with their rows intact and their CHECKs still enforced")
    func fastChecksKeepRows() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        let database = try Database(path: path, mode: .create, configuration: Ledger.configuration)
        try Migrator(migrations: Array(Schema.migrations.prefix(4))).migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        try database.execute("""
            INSERT INTO parties (id, name, kind, seq) VALUES ('UA', 'Ukraine', 'state', 2);
            INSERT INTO agreements (id, title, seq) VALUES ('a', 'A', 3);
            INSERT INTO commitments (id, agreement, party, kind, target, unit, due, due_day, seq)
                VALUES ('c', 'a', 'UA', 'quantity', 10, 'people', '2025-05-25', 20233, 4);
            INSERT INTO verifications (seq, record, commitment, quantity, observed, observed_day, precision, source, source_kind, confidence)
                VALUES (5, 5, 'c', 3, '2025-05-20', 20228, 'week', 'ICRC', 'monitor', 'probable');
            INSERT INTO breaches (seq, record, commitment, party, observed, observed_day, precision, severity, source, source_kind, confidence, geo_precision, lat, lon)
                VALUES (6, 6, 'c', 'UA', '2025-05-21', 20229, 'day', 'grave', 'UN', 'ngo', 'confirmed', 'near', '1.5', '2');
            INSERT INTO corroborations (seq, record, source, source_kind, confidence) VALUES (7, 5, 'Wire', 'media', 'unverified');
            """)
        func dump() throws -> [String] {
            var lines: [String] = []
            for table in ["verifications", "breaches", "corroborations"] {
                try database.forEach("SELECT * FROM \(table) ORDER BY seq") { row in
                    lines.append(table + ": " + row.values.map { "\($0)" }.joined(separator: " "))
                }
            }
            return lines
        }
        let before = try dump()
        try Ledger.migrator.migrate(database, now: { "2025-06-02T00:00:00.000Z" })
        #expect(try Ledger.migrator.applied(in: database).count == Schema.latestVersion)
        #expect(try dump() == before)
        // The views were recreated and read the rebuilt tables (no journal rows here, so they join to nothing).
        #expect(try database.scalarInt("SELECT count(*) FROM current_verifications") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM record_history") == 0)
        #expect(throws: StorageError.self) {
            try database.execute("INSERT INTO corroborations (seq, record, source, source_kind, confidence) VALUES (8, 5, 'X', 'blog', 'confirmed')")
        }
        #expect(throws: StorageError.self) {
            try database.execute("""
                INSERT INTO verifications (seq, record, commitment, quantity, observed, observed_day, precision, source, source_kind, confidence)
                VALUES (9, 9, 'c', 1, '2025-05-20', 20228, 'fortnight', 'ICRC', 'monitor', 'confirmed')
                """)
        }
    }

    @Test("0015 keeps the journal's kind and time as the entry holds them, the views show them as before, and the hash CHECK still refuses non-hex")
    func slimStorage() throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.path("old.sqlite"), mode: .create, configuration: Ledger.configuration)
        try Migrator(migrations: Array(Schema.migrations.prefix(14))).migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        let hash = String(repeating: "0123456789abcdef", count: 4)
        try database.execute("""
            INSERT INTO journal (seq, kind, recorded_at, actor, entry, leaf_hash)
                VALUES (1, 'ledger.create', '2025-05-16T09:00:00.000Z', 'monitor-1', x'01', zeroblob(32)),
                       (2, 'verification', '2025-05-16T09:00:01.234Z', 'm', x'02', zeroblob(32)),
                       (3, 'token.revoke', '1969-12-31T23:59:59.999Z', 'm', x'03', zeroblob(32)),
                       (4, 'commitment.add', '2025-05-16T09:00:01.234Z', 'm', x'04', zeroblob(32)),
                       (5, 'verification', '2025-05-17T10:11:12.013Z', 'desk', x'05', zeroblob(32));
            INSERT INTO parties (id, name, kind, seq) VALUES ('UA', 'Ukraine', 'state', 2);
            INSERT INTO agreements (id, title, seq) VALUES ('a', 'A', 3);
            INSERT INTO commitments (id, agreement, party, kind, target, unit, due, due_day, seq)
                VALUES ('c', 'a', 'UA', 'quantity', 10, 'people', '2025-05-25', 20233, 4);
            INSERT INTO verifications (seq, record, commitment, quantity, observed, observed_day, precision, source, source_kind,
                                       confidence, evidence_sha256)
                VALUES (5, 5, 'c', 3, '2025-05-20', 20228, 'week', 'ICRC', 'monitor', 'probable', '\(hash)');
            """)
        func view() throws -> [String] {
            var lines: [String] = []
            for query in ["SELECT seq, kind, recorded_at, actor FROM journal_entries ORDER BY seq",
                          "SELECT * FROM current_verifications ORDER BY seq", "SELECT * FROM record_history ORDER BY record, seq"] {
                try database.forEach(query) { row in lines.append(row.values.map { "\($0)" }.joined(separator: " ")) }
            }
            return lines
        }
        let before = try view()
        #expect(before.count == 7 && before.last?.contains(#"text("2025-05-17T10:11:12.013Z") text("desk")"#) == true, "\(before)")
        try Ledger.migrator.migrate(database, now: { "2025-06-02T00:00:00.000Z" })
        #expect(try view() == before)
        var stored: [[DatabaseValue]] = []
        try database.forEach("SELECT kind_code, recorded_ms FROM journal ORDER BY seq") { stored.append($0.values) }
        #expect(stored.prefix(3) == [[.integer(1), .integer(1_747_386_000_000)], [.integer(8), .integer(1_747_386_001_234)],
                                     [.integer(21), .integer(-1)]])
        #expect(try database.scalarText("SELECT evidence_sha256 FROM verifications WHERE seq = 5") == hash)
        for bad in [hash.uppercased(), String(hash.dropLast()) + "g", String(hash.dropLast()), String(hash.dropLast()) + " "] {
            #expect(throws: StorageError.self, "\(bad)") {
                try database.execute("""
                    INSERT INTO corroborations (seq, record, source, source_kind, confidence, evidence_sha256)
                    VALUES (6, 5, 'X', 'media', 'confirmed', '\(bad)')
                    """)
            }
        }
        try database.execute("""
            INSERT INTO corroborations (seq, record, source, source_kind, confidence, evidence_sha256)
            VALUES (6, 5, 'X', 'media', 'confirmed', '\(hash)')
            """)
    }

    @Test("reviewer_evidence: an existing field ledger keeps its receipts as its own (adopted 0) and takes no evidence until asked")
    func reviewerEvidence() throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.path("old.sqlite"), mode: .create, configuration: Ledger.configuration)
        let index = try #require(Schema.migrations.firstIndex { $0.name == "reviewer_evidence" })
        try Migrator(migrations: Array(Schema.migrations.prefix(index))).migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        try database.execute("""
            INSERT INTO field_origin (id, mission_id, mission_seq, remote) VALUES (1, 'm', 12, NULL);
            INSERT INTO field_receipts (seq, mission_seq, mission_entry, proof, checkpoint, received_at)
                VALUES (20, 40, x'01', x'', 'note', '2025-06-01T00:00:00.000Z');
            """)
        try Ledger.migrator.migrate(database, now: { "2025-06-02T00:00:00.000Z" })
        #expect(try database.scalarInt("SELECT count(*) FROM field_origin WHERE evidence_seq IS NULL AND mission_seq = 12") == 1)
        #expect(try database.scalarInt("SELECT adopted FROM field_receipts WHERE seq = 20") == 0)
        // A refusal is never an adopted copy.
        #expect(throws: StorageError.self) {
            try database.execute("""
                INSERT INTO field_receipts (seq, refused, refusal_note, received_at, adopted) VALUES (21, 'no', 'n', 'now', 1)
                """)
        }
    }
}
