@testable import AccordLedger
import AccordSchema
import AccordStorage
import AccordTrust
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
        // Up to 0015, which keeps these tables' columns (0017 reshapes two of them: its own test below).
        let upTo15 = Migrator(migrations: Array(Schema.migrations.prefix(15)))
        try upTo15.migrate(database, now: { "2025-06-02T00:00:00.000Z" })
        #expect(try upTo15.applied(in: database).count == 15)
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
        try Migrator(migrations: Array(Schema.migrations.prefix(15))).migrate(database, now: { "2025-06-02T00:00:00.000Z" })
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

    @Test("0017 keeps the evidence hash as its 32 bytes, the observed text only for a time and words by their codes; the views show the same columns and values")
    func slimProjections() throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.path("old.sqlite"), mode: .create, configuration: Ledger.configuration)
        let index = try #require(Schema.migrations.firstIndex { $0.name == "slim_projections" })
        try Migrator(migrations: Array(Schema.migrations.prefix(index))).migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        // Bytes that text could mangle: 00, 80, ff, a quote, a newline.
        let hash = "00ff80017f0a0d5c27223bdeadbeef" + String(repeating: "0123456789abcdef", count: 2) + "ff"
        let other = String(repeating: "f", count: 62) + "00"
        try database.execute("""
            INSERT INTO journal (seq, kind_code, recorded_ms, actor, entry, leaf_hash)
                VALUES (1, 1, 1747386000000, 'monitor-1', x'01', zeroblob(32)), (2, 2, 1747386000001, 'm', x'02', zeroblob(32)),
                       (3, 3, 1747386000002, 'm', x'03', zeroblob(32)), (4, 4, 1747386000003, 'm', x'04', zeroblob(32)),
                       (5, 8, 1747386001234, 'desk', x'05', zeroblob(32)), (6, 9, 1747386001235, 'desk', x'06', zeroblob(32)),
                       (7, 10, 1747386001236, 'desk', x'07', zeroblob(32)), (8, 8, 1747386001237, 'desk', x'08', zeroblob(32));
            INSERT INTO parties (id, name, kind, seq) VALUES ('UA', 'Ukraine', 'state', 2);
            INSERT INTO agreements (id, title, seq) VALUES ('a', 'A', 3);
            INSERT INTO commitments (id, agreement, party, kind, target, unit, due, due_day, seq)
                VALUES ('c', 'a', 'UA', 'quantity', 10, 'people', '2025-05-25', 20233, 4);
            INSERT INTO verifications (seq, record, external_id, commitment, quantity, observed, observed_day, precision, source,
                                       source_kind, confidence, evidence_sha256, evidence_uri, note, place, lat, lon, geo_precision)
                VALUES (5, 5, 'v-5', 'c', 3, '2025-05-20', 20228, 'week', 'ICRC', 'monitor', 'probable', '\(hash)',
                        'https://e.example/5', 'a note', 'Sumy', '50.9', '34.8', 'near'),
                       (8, 8, NULL, 'c', 4, '2025-05-21T01:15:00+03:00', 20229, 'day', 'UN', 'ngo', 'confirmed', NULL,
                        NULL, NULL, NULL, NULL, NULL, NULL);
            INSERT INTO breaches (seq, record, commitment, party, observed, observed_day, precision, severity, source, source_kind,
                                  confidence, evidence_sha256)
                VALUES (6, 6, 'c', 'UA', '2025-05-22T23:00:00Z', 20230, 'day', 'grave', 'UN', 'ngo', 'confirmed', '\(other)');
            INSERT INTO corroborations (seq, record, source, source_kind, confidence, evidence_sha256)
                VALUES (7, 5, 'Wire', 'media', 'confirmed', '\(other)');
            """)
        func view() throws -> [String] {
            var lines: [String] = []
            for query in ["SELECT * FROM current_verifications ORDER BY seq", "SELECT * FROM current_breaches ORDER BY seq",
                          "SELECT * FROM counted_breaches ORDER BY seq", "SELECT * FROM record_history ORDER BY record, seq"] {
                try database.forEach(query) { row in lines.append(row.values.map { "\($0)" }.joined(separator: " ")) }
            }
            return lines
        }
        let before = try view()
        #expect(before.count == 8 && before[0].contains(hash) && before[1].contains("2025-05-21T01:15:00+03:00"), "\(before)")
        // Up to schema 19: from 20 on the views read the time and actor from the entry bytes, which these rows only stand for.
        let slimJournal = try #require(Schema.migrations.firstIndex { $0.name == "journal_without_time_and_actor_columns" })
        try Migrator(migrations: Array(Schema.migrations.prefix(slimJournal))).migrate(database, now: { "2025-06-02T00:00:00.000Z" })
        #expect(try Ledger.migrator.applied(in: database).count == slimJournal)
        #expect(try view() == before)
        var stored: [[DatabaseValue]] = []
        try database.forEach("SELECT seq, observed_at, evidence_sha256 FROM verifications ORDER BY seq") { stored.append($0.values) }
        try database.forEach("SELECT seq, observed_at, evidence_sha256 FROM breaches") { stored.append($0.values) }
        try database.forEach("SELECT seq, NULL, evidence_sha256 FROM corroborations") { stored.append($0.values) }
        func bytes(_ hex: String) -> DatabaseValue {
            let digits = Array(hex.utf8).map { $0 <= 0x39 ? $0 - 0x30 : $0 - 0x57 }
            return .blob(stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] })
        }
        #expect(stored == [[.integer(5), .null, bytes(hash)], [.integer(8), .text("2025-05-21T01:15:00+03:00"), .null],
                           [.integer(6), .text("2025-05-22T23:00:00Z"), bytes(other)], [.integer(7), .null, bytes(other)]])
        for bad in ["x'00'", "'\(hash)'", "zeroblob(33)", "'2025-05-20'"] {
            #expect(throws: StorageError.self, "\(bad)") {
                try database.execute("""
                    INSERT INTO corroborations (seq, record, source, source_kind, confidence, evidence_sha256)
                    VALUES (9, 5, 'X', 4, 1, \(bad))
                    """)
            }
        }
        #expect(throws: StorageError.self) {
            try database.execute("""
                INSERT INTO verifications (seq, record, commitment, quantity, observed_at, observed_day, precision, source, source_kind, confidence)
                VALUES (9, 9, 'c', 1, '2025-05-20', 20228, 1, 'ICRC', 2, 1)
                """)
        }
        try database.execute("""
            INSERT INTO corroborations (seq, record, source, source_kind, confidence, evidence_sha256)
            VALUES (9, 5, 'X', 4, 1, zeroblob(32))
            """)
        // Words are kept by their codes (docs/JOURNAL.md §1); the CHECKs refuse the words and other numbers.
        var words: [[DatabaseValue]] = []
        try database.forEach("SELECT precision, source_kind, confidence, geo_precision FROM verifications ORDER BY seq") { words.append($0.values) }
        try database.forEach("SELECT precision, source_kind, confidence, severity FROM breaches") { words.append($0.values) }
        try database.forEach("SELECT source_kind, confidence FROM corroborations WHERE seq = 7") { words.append($0.values) }
        #expect(words == [[.integer(2), .integer(2), .integer(2), .integer(2)], [.integer(1), .integer(3), .integer(1), .null],
                          [.integer(1), .integer(3), .integer(1), .integer(3)], [.integer(4), .integer(1)]])
        for bad in ["'media', 1", "4, 'confirmed'", "7, 1", "4, 0", "4, 4"] {
            #expect(throws: StorageError.self, "\(bad)") {
                try database.execute("INSERT INTO corroborations (seq, record, source, source_kind, confidence) VALUES (10, 5, 'X', \(bad))")
            }
        }
        #expect(throws: StorageError.self) { try database.execute("UPDATE breaches SET severity = 'grave'") }
    }

    /// A schema-17 twin of `ledger` at `path`: the same rows, the journal with
    /// the leaf hash schema 17 stored beside each entry (and the time and
    /// actor columns, kept until schema 19).
    /// - Returns: the stored leaf hashes in hex, in seq order.
    static func schema17Twin(of ledger: Ledger, at path: String) throws -> [String] {
        try twin(of: ledger, at: path, before: "journal_without_leaf_hash")
    }

    /// A twin of `ledger` at `path` at the schema before migration `name`
    /// (0018 or 0020): the same rows, the journal with the columns that schema
    /// stored beside each entry: `recorded_ms` and `actor` as the entry holds
    /// them, and before 0018 the leaf hash.
    /// - Returns: the stored leaf hashes in hex, in seq order (none before 0018).
    static func twin(of ledger: Ledger, at path: String, before name: String) throws -> [String] {
        var stored: [String] = []
        let database = try Database(path: path, mode: .create, configuration: Ledger.configuration)
        let index = try #require(Schema.migrations.firstIndex { $0.name == name })
        let withLeaf = name == "journal_without_leaf_hash"
        // Before schema 19 the per-day sources were rows of their own, and source_totals kept their sum.
        let sourceDays = try #require(Schema.migrations.firstIndex { $0.name == "source_days" })
        let withSourceRows = index <= sourceDays
        try Migrator(migrations: Array(Schema.migrations.prefix(index))).migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        try database.execute("PRAGMA foreign_keys = OFF")
        try database.execute("ATTACH DATABASE '\(ledger.path)' AS new")
        var tables: [String] = []
        try database.forEach("""
            SELECT name FROM new.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            AND name NOT IN ('journal', 'schema_migrations'\(withSourceRows ? ", 'source_totals'" : "")) ORDER BY name
            """) { tables.append($0.text(0)) }
        #expect(tables.contains("merkle_nodes") && tables.contains("verifications"))
        try database.execute("BEGIN")
        for table in tables { try database.execute("INSERT INTO main.\(table) SELECT * FROM new.\(table)") }
        var sources: [(String, Int64, String, [SourceDays.Day])] = []
        if withSourceRows { try database.forEach("SELECT commitment, confidence, source, days FROM new.source_totals") { row in
            sources.append((row.text(0), row.int64(1), row.text(2), try SourceDays.decode(row.blob(3))))
        } }
        for (commitment, confidence, source, days) in sources {
            _ = try database.run("INSERT INTO main.source_totals (commitment, confidence, source, refs) VALUES (?, ?, ?, ?)",
                             commitment, confidence, source, days.reduce(0) { $0 + $1.refs })
            for item in days {
                _ = try database.run("""
                    INSERT INTO main.daily_source_totals (commitment, day, confidence, source, refs) VALUES (?, ?, ?, ?, ?)
                    """, commitment, item.day, confidence, source, item.refs)
            }
        }
        let insert = try database.prepare("""
            INSERT INTO main.journal (seq, kind_code, recorded_ms, actor, signer, entry, signature\(withLeaf ? ", leaf_hash" : ""))
            SELECT seq, kind_code, ?, ?, signer, entry, signature\(withLeaf ? ", ?" : "") FROM new.journal WHERE seq = ?
            """)
        var entries: [(Int64, [UInt8])] = []
        try database.forEach("SELECT seq, entry FROM new.journal ORDER BY seq") { entries.append(($0.int64(0), $0.blob(1))) }
        for (seq, entry) in entries {
            let decoded = try Entry.decodeCanonical(entry)
            try insert.bind(decoded.recordedAt.milliseconds, at: 1)
            try insert.bind(decoded.actor, at: 2)
            if withLeaf {
                let leaf = ReferenceMerkle.sha256([0x00] + entry)
                try insert.bind(leaf, at: 3)
                stored.append(leaf.map { String(format: "%02x", $0) }.joined())
            }
            try insert.bind(seq, at: withLeaf ? 4 : 3)
            _ = try insert.run()
            insert.reset()
        }
        try database.execute("COMMIT")
        try database.execute("DETACH DATABASE new")
        return stored
    }

    @Test("journal_without_leaf_hash: a schema-17 ledger with an entry edited without its stored leaf hash is refused, naming it, unchanged",
          arguments: [600, 1100] as [Int64])
    func journalWithoutLeafHashRefusesEditedEntry(seq: Int64) throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("new.sqlite"), entries: 1100)
        let path = dir.path("old.sqlite")
        _ = try Self.schema17Twin(of: ledger, at: path)
        do {
            // The entry's clock flipped (no projection records it), its stored leaf hash left as written.
            let database = try Database(path: path, mode: .readWrite, configuration: Ledger.configuration)
            var bytes: [UInt8] = []
            try database.forEach("SELECT entry FROM journal WHERE seq = ?", [seq]) { bytes = $0.blob(0) }
            var entry = try Entry.decodeCanonical(bytes)
            entry.clock = entry.clock == .system ? .overridden : .system
            let trigger = try #require(try database.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'journal_no_update'"))
            try database.execute("DROP TRIGGER journal_no_update")
            _ = try database.run("UPDATE journal SET entry = ? WHERE seq = ?", DatabaseValue.blob(entry.encoded()), seq)
            try database.execute(trigger)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try Ledger.open(at: path)
            Issue.record("the edited schema-17 ledger was upgraded")
        } catch let error as LedgerError {
            #expect(error.kind == .tampered && "\(error)".contains("journal entry \(seq) does not match its stored leaf hash"),
                    "\(error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let database = try Database(path: path, mode: .readOnly, configuration: Ledger.configuration)
        #expect(try database.scalarInt("SELECT max(version) FROM schema_migrations") == 17)
    }

    @Test("journal_without_leaf_hash: a schema-17 ledger upgrades with the same journal export and roots, and audits clean")
    func journalWithoutLeafHash() throws {
        let dir = try TemporaryDirectory()
        // A ledger as this build writes it, over a cached block of 1,024 leaves, and its schema-17 twin: the
        // same rows, the journal with the leaf hash schema 17 stored beside each entry.
        let ledger = try ProofLedger.make(at: dir.path("new.sqlite"), entries: 1100)
        var exported: [String] = []
        try ledger.exportJournal { exported.append($0.serialized()) }
        let root = try ledger.consistencyProof(oldSize: 1).newRoot
        let path = dir.path("old.sqlite")
        let stored = try Self.schema17Twin(of: ledger, at: path)
        #expect(try Database(path: path, mode: .readOnly, configuration: Ledger.configuration)
            .scalarInt("SELECT count(*) FROM journal") == 1100)
        #expect(try Audit.run(path: ledger.path).outcome == .verified)

        let upgraded = try Ledger.open(at: path)
        #expect(try upgraded.appliedMigrations().last?.version == Schema.migrations.last?.version)
        var columns: [String] = []
        try upgraded.database.forEach("SELECT name FROM pragma_table_info('journal')") { columns.append($0.text(0)) }
        #expect(!columns.contains("leaf_hash") && columns.contains("entry"))
        // The same entries, the same leaf hashes (now computed) and the same root; one entry records the upgrade.
        var after: [String] = []
        var leaves: [String] = []
        try upgraded.exportJournal { line in
            after.append(line.serialized())
            if case .object(let fields) = line, case .string(let leaf)? = fields.first(where: { $0.0 == "leafHash" })?.1 {
                leaves.append(leaf)
            }
        }
        #expect(after.count == 1101 && Array(after.prefix(1100)) == exported)
        #expect(Array(leaves.prefix(1100)) == stored)
        let proof = try upgraded.consistencyProof(oldSize: 1100)
        #expect(proof.oldRoot == root && proof.newSize == 1101)
        #expect(try upgraded.inclusionProof(seq: 1101).root == proof.newRoot)
        let report = try Audit.run(path: path)
        #expect(report.outcome == .verified, "\(report.findings.map { $0.phrase })")
        #expect(report.root == proof.newRoot.hex)
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
