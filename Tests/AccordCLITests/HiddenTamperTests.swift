import AccordTrust
import Foundation
import Testing
@testable import AccordLedger

/// Attacks below the projections (issue 11): an index that hides a row, a
/// schema object named to slip past a LIKE, text changed to bytes Unicode
/// calls equivalent, a ledger rebuilt under a new id, and the file's own
/// records of what it is (`schema_migrations`, `application_id`). Each was
/// missed or mis-reported before; each must now be a tamper verdict (exit 1,
/// in the JSON too), and a write into an altered schema refused.
@Suite("Tamper detection below the projections")
struct HiddenTamperTests {
    /// The demo ledger as `ledger.sqlite`, with the README's clock.
    static func demo(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-10T12:00:00Z"
        try accord.ok("demo", "--db", "ledger.sqlite")
        return (accord, dir.path("ledger.sqlite"))
    }

    /// The seq of "Recorded entry N: …".
    static func recorded(_ outcome: Outcome) throws -> Int64 {
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try #require(outcome.stderr.split(separator: " ").dropFirst(2).first.flatMap { Int64($0.dropLast()) }, "\(outcome.stderr)")
    }

    static func count(_ path: String, _ table: String) throws -> String {
        try Attacker.sql(path, "SELECT count(*) FROM \(table) NOT INDEXED;").first ?? "?"
    }

    /// A forged row, and the index that is swapped for one leaving it out.
    struct HiddenRow: CustomTestStringConvertible, Sendable {
        let table: String
        /// The columns the audit orders the table by.
        let key: String
        let index: String
        let columns: String
        let unique: Bool
        let insert: String
        let hidden: String
        /// How the audit names the row.
        let named: String
        var testDescription: String { "\(table) behind \(index)" }

        static let all: [HiddenRow] = [
            HiddenRow(table: "withdrawals", key: "commitment", index: "sqlite_autoindex_withdrawals_1", columns: "commitment", unique: true,
                      insert: "INSERT INTO withdrawals (commitment, date, day, reason, seq) VALUES ('RU-no-strikes', '2025-06-01', 20240, 'forged', 30);",
                      hidden: "commitment = 'RU-no-strikes'", named: "commitment=RU-no-strikes"),
            HiddenRow(table: "commitments", key: "id", index: "sqlite_autoindex_commitments_1", columns: "id", unique: true,
                      insert: "INSERT INTO commitments (id, agreement, party, kind, seq) VALUES ('RU-forged', 'istanbul-2025', 'RU', 'action', 1000);",
                      hidden: "id = 'RU-forged'", named: "id=RU-forged"),
            HiddenRow(table: "parties", key: "id", index: "sqlite_autoindex_parties_1", columns: "id", unique: true,
                      insert: "INSERT INTO parties (id, name, kind, seq) VALUES ('XX', 'Forged', 'state', 1000);",
                      hidden: "id = 'XX'", named: "id=XX"),
            HiddenRow(table: "agreements", key: "id", index: "sqlite_autoindex_agreements_1", columns: "id", unique: true,
                      insert: "INSERT INTO agreements (id, title, seq) VALUES ('forged-deal', 'Forged', 1000);",
                      hidden: "id = 'forged-deal'", named: "id=forged-deal"),
            HiddenRow(table: "guarantees", key: "id", index: "sqlite_autoindex_guarantees_1", columns: "id", unique: true,
                      insert: "INSERT INTO guarantees (id, guarantor, consequence, respond_within_days, seq) VALUES ('XX-forged', 'US', 'None', 1, 1000);",
                      hidden: "id = 'XX-forged'", named: "id=XX-forged"),
            // A WITHOUT ROWID table: the row is named by its place in key order.
            HiddenRow(table: "guarantee_covers", key: "guarantee, commitment", index: "guarantee_covers_commitment", columns: "commitment", unique: false,
                      insert: "INSERT INTO guarantee_covers (guarantee, commitment) VALUES ('US-sanctions', 'texts-final');",
                      hidden: "commitment = 'texts-final'", named: "guarantee=US-sanctions, commitment=texts-final"),
        ]
    }

    @Test("a forged row hidden by an index swapped for a partial one is tampering, named with its table and row",
          arguments: HiddenRow.all)
    func indexHidesRow(_ row: HiddenRow) throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.demo(dir)
        try Attacker.sql(path, row.insert)
        try Attacker.hide(path, in: row.table, behind: row.index, columns: row.columns, unique: row.unique, where: row.hidden)
        // The row is in the table, but not in the index a query reads it through. (The table is read in
        // key order: under NOT INDEXED alone, SQLite still scans a WITHOUT ROWID table's covering index.)
        #expect(try Attacker.sql(path, """
            SELECT count(*) FROM (SELECT * FROM \(row.table) NOT INDEXED ORDER BY \(row.key) LIMIT -1) WHERE \(row.hidden);
            """) == ["1"])
        #expect(try Attacker.sql(path, "SELECT count(*) FROM \(row.table) INDEXED BY \(row.index) WHERE \(row.hidden);") == ["0"])
        if row.table == "withdrawals" {
            // What the attack was for (the report showing the commitment withdrawn) fails:
            // the report reads the table whole and checks it against the journal's state root.
            let report = try accord("report", "--db", path, "--section", "commitments", "--format", "csv")
            #expect(report.status == 1 && report.stdout.isEmpty, "\(report.stdout)")
            #expect(report.stderr.contains("the ledger has been altered: the rows of commitment:RU-no-strikes"), "\(report.stderr)")
        }
        for options in [[], ["--full"]] {
            let audit = try AuditRun(accord, path, options)
            #expect(audit.status == 1 && audit.outcome == "tampered", "\(options): \(audit)")
            #expect(audit.findings.contains {
                $0.check == "index" && $0.detail.hasPrefix("\(row.table) has a row (\(row.named)") && $0.detail.contains("its index \(row.index) leaves out")
            }, "\(options): \(audit)")
            // Read past the index, the comparison sees the row too.
            #expect(audit.findings.contains { $0.check == "projection" && $0.detail.hasPrefix("\(row.table) has a row the journal does not produce") },
                    "\(options): \(audit)")
            #expect(!audit.findings.contains { $0.outcome == "corrupt" }, "\(audit)")
        }
        let table = try accord("audit", "--db", path)
        #expect(table.status == 1 && table.stdout.hasPrefix("TAMPERED: "), "\(table.stdout)")
    }

    @Test("an index holding a row its table lacks, or a wrong count, is tampering; real page damage stays corrupt")
    func indexClassification() throws {
        #expect(Auditor.consistencyProblem("row 7 missing from index breaches_party") != nil)
        #expect(Auditor.consistencyProblem("rowid 7 missing from index breaches_party") != nil)
        #expect(Auditor.consistencyProblem("wrong # of entries in index breaches_party") != nil)
        #expect(Auditor.consistencyProblem("non-unique entry in index sqlite_autoindex_parties_1") != nil)
        #expect(Auditor.consistencyProblem("NULL value in parties.name") != nil)
        #expect(Auditor.consistencyProblem("non-INTEGER value in journal.seq") != nil)
        #expect(Auditor.consistencyProblem("CHECK constraint failed in commitments") != nil)
        for damage in ["Page 12: btreeInitPage() returns error code 11", "On tree page 5 cell 3: Rowid 9 out of order",
                       "Page 40 is never used", "2nd reference to page 9", "Freelist: invalid page number 99"] {
            #expect(Auditor.consistencyProblem(damage) == nil, "\(damage)")
        }
    }

    /// Schema attacks: each would change what is written without a trace in the journal.
    static let schemaAttacks: [(name: String, sql: String, named: String)] = [
        // LIKE 'sqlite_%' skipped it: `_` matches any character and LIKE ignores case.
        ("hidden trigger", """
            CREATE TRIGGER sqliteXj BEFORE INSERT ON journal WHEN NEW.kind_code = 9 AND instr(NEW.entry, 'RU') > 0
            BEGIN SELECT RAISE(IGNORE); END;
            """, "trigger sqliteXj is not part of the Accord schema"),
        ("altered guard", """
            DROP TRIGGER journal_no_delete;
            CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END;
            """, "trigger journal_no_delete differs from the one the migrations create"),
        ("dropped guard", "DROP TRIGGER journal_contiguous;", "trigger journal_contiguous is missing"),
        ("extra index", "CREATE INDEX breaches_severity ON breaches (severity);", "index breaches_severity is not part of the Accord schema"),
    ]

    @Test("a schema object added, altered or dropped: writes are refused naming it, nothing is stored, and the audit names it",
          arguments: schemaAttacks.indices)
    func schemaAltered(_ which: Int) throws {
        let attack = Self.schemaAttacks[which]
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.demo(dir)
        try accord.ok("key", "generate", "--out", "mon.key")
        try accord.ok("key", "register", "mon", "--public", "mon.key.pub", "--db", path)
        try Attacker.sql(path, attack.sql)
        let entries = try Self.count(path, "journal")
        let breaches = try Self.count(path, "breaches")
        let breach = try accord("breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-05", "--severity", "major",
                                "--source", "UN HRMMU", "--db", path)
        #expect(breach.status == 1, "\(attack.name): \(breach.stderr)")
        #expect(breach.stderr == "Error: the ledger's schema was altered: \(attack.named); nothing was written; run `accord audit --db \(path)`\n",
                "\(attack.name): \(breach.stderr)")
        #expect(breach.stdout.isEmpty)
        #expect(try Self.count(path, "journal") == entries && Self.count(path, "breaches") == breaches)
        // Every write transaction checks: another kind of entry, and signing a checkpoint.
        let log = try accord("log", "UA-release", "--quantity", "1", "--observed", "2025-06-05", "--source", "ICRC", "--db", path)
        #expect(log.status == 1 && log.stderr.contains("schema was altered"), "\(log.stderr)")
        let checkpoint = try accord("checkpoint", "--key", "mon.key", "--db", path)
        #expect(checkpoint.status == 1 && checkpoint.stderr.contains(attack.named), "\(checkpoint.stderr)")
        #expect(try Self.count(path, "journal") == entries && Self.count(path, "checkpoints") == "0")

        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.findings.contains { $0.check == "schema" && $0.detail == attack.named }, "\(audit)")
        // Reads still work.
        #expect(try accord("report", "--db", path).status == 0)
    }

    @Test("columns swapped by name, the views put back byte for byte and the table's type written TABLE (SQLite reads it ignoring case): reads refuse")
    func columnsSwappedUnderAnotherTypeSpelling() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.demo(dir)
        #expect(try accord("report", "--db", path).status == 0)
        let views = try Attacker.sql(path, "SELECT name, hex(sql) FROM sqlite_master WHERE type IN ('view', 'trigger');")
        let restore = views.map { line -> String in
            let parts = line.split(separator: "|", maxSplits: 1)
            return "UPDATE sqlite_master SET sql = CAST(X'\(parts[1])' AS TEXT) WHERE name = '\(parts[0])';"
        }.joined(separator: "\n")
        let version = try #require(Int(try Attacker.sql(path, "PRAGMA schema_version;").first ?? ""))
        try Attacker.sql(path, """
            ALTER TABLE commitment_totals RENAME COLUMN done TO swapped;
            ALTER TABLE commitment_totals RENAME COLUMN not_done TO done;
            ALTER TABLE commitment_totals RENAME COLUMN swapped TO not_done;
            PRAGMA writable_schema = ON;
            \(restore)
            UPDATE sqlite_master SET type = 'TABLE' WHERE name = 'commitment_totals';
            PRAGMA schema_version = \(version + 5);
            """)
        for command in [["report"], ["commitment", "show", "UA-release"], ["breaches"]] {
            let read = try accord(command + ["--db", path])
            #expect(read.status == 1 && read.stderr.contains("schema was altered"), "\(command): \(read.stderr)")
        }
    }

    @Test("a long-lived writer checks the schema again once it changed, and writes again once it is restored")
    func writerNoticesLaterChange() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("ledger.sqlite")
        let recorder = Recorder(actor: "tester")
        _ = try Ledger.create(at: path, as: recorder)
        let ledger = try Ledger.open(at: path)
        _ = try ledger.addParty(PartyInput(id: "UA", name: "Ukraine", kind: "state"), as: recorder)
        try Attacker.sql(path, "CREATE TRIGGER sqlite1 BEFORE INSERT ON parties BEGIN SELECT RAISE(IGNORE); END;")
        #expect {
            try ledger.addParty(PartyInput(id: "RU", name: "Russian Federation", kind: "state"), as: recorder)
        } throws: { error in
            (error as? LedgerError)?.kind == .tampered && "\(error)".contains("trigger sqlite1 is not part of the Accord schema")
        }
        try Attacker.sql(path, "DROP TRIGGER sqlite1;")
        _ = try ledger.addParty(PartyInput(id: "RU", name: "Russian Federation", kind: "state"), as: recorder)
        #expect(try Self.count(path, "parties") == "2")
        #expect(try Audit.run(path: path).outcome == .verified)
    }

    @Test("ANALYZE's statistics are not tampering: the audit verifies and writes go on")
    func analyzeAllowed() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.demo(dir)
        try Attacker.sql(path, "ANALYZE;")
        #expect(try Attacker.sql(path, "SELECT count(*) FROM sqlite_stat1;") != ["0"])
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 0, "\(audit)")
        try accord.ok("log", "UA-release", "--quantity", "1", "--observed", "2025-06-05", "--source", "ICRC", "--db", path)
    }

    @Test("text is compared as bytes: a Kelvin sign for the K of a party, a decomposed é in a name, a look-alike signer or key name")
    func bytesNotUnicode() throws {
        let dir = try TemporaryDirectory()
        let (accord, pristine) = try Self.demo(dir)
        try accord.ok("party", "add", "UK", "--name", "United Kingdom", "--kind", "state", "--db", pristine)
        try accord.ok("party", "add", "CF", "--name", "République centrafricaine", "--db", pristine)
        try accord.ok("commitment", "add", "UK-no-strikes", "--agreement", "istanbul-2025", "--party", "UK", "--restraint",
                      "--from", "2025-05-16", "--until", "2025-06-30", "--db", pristine)
        let breachSeq = try Self.recorded(try accord("breach", "UK-no-strikes", "--party", "UK", "--observed", "2025-06-05",
                                                      "--severity", "minor", "--source", "Monitor", "--db", pristine))
        try accord.ok("key", "generate", "--out", "Kmon.key", "--name", "Kmon")
        try accord.ok("key", "register", "Kmon", "--public", "Kmon.key.pub", "--db", pristine)
        let signedSeq = try Self.recorded(try accord("log", "UA-release", "--quantity", "1", "--observed", "2025-06-05", "--source", "ICRC",
                                                     "--sign-with", "Kmon.key", "--db", pristine))
        try accord.ok("checkpoint", "--key", "Kmon.key", "--out", "cp.txt", "--db", pristine)
        #expect(try AuditRun(accord, pristine, ["--checkpoint", "cp.txt"]).status == 0)

        let kelvin = "char(8490)"  // U+212A KELVIN SIGN: Swift's == takes it for K
        #expect("\u{212A}" == "K" && Array("\u{212A}".utf8) != Array("K".utf8))
        #expect("Re\u{301}publique" == "République")
        let attacks: [(name: String, sql: String, check: String, seq: Int64?, detail: String)] = [
            ("breaches.party", "UPDATE breaches SET party = 'U' || \(kelvin) WHERE seq = \(breachSeq);",
             "projection", breachSeq, "breaches.party differs from what the journal gives"),
            ("parties.name", "UPDATE parties SET name = 'Re' || char(769) || 'publique centrafricaine' WHERE id = 'CF';",
             "projection", nil, "parties.name differs from what the journal gives"),
            // The actor has no column since schema 20 (it is read from the entry); the signer still has one.
            ("journal.signer", "UPDATE journal SET signer = \(kelvin) || 'mon' WHERE seq = \(signedSeq);",
             "encoding", signedSeq, "the kind_code or signer column disagrees with the entry bytes"),
            ("checkpoints.key_name", "UPDATE checkpoints SET key_name = \(kelvin) || 'mon';",
             "checkpoint", nil, "is recorded as signed by"),
        ]
        for attack in attacks {
            let path = dir.path("\(attack.name).sqlite")
            try FileManager.default.copyItem(atPath: pristine, toPath: path)
            let guards = ["breaches_marks_only", "journal_no_update", "checkpoints_no_update"]
            try Attacker.sql(path, liftingGuards: guards, attack.sql)
            for options in [[], ["--full"]] {
                let audit = try AuditRun(accord, path, options)
                #expect(audit.status == 1, "\(attack.name) \(options): \(audit)")
                #expect(audit.findings.contains { $0.check == attack.check && $0.detail.contains(attack.detail) && (attack.seq == nil || $0.seq == attack.seq) },
                        "\(attack.name) \(options): \(audit)")
            }
        }
    }

    @Test("a ledger rebuilt under a new ledger id, audited with a checkpoint of the original: a finding, in the JSON too")
    func rebuiltUnderNewID() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let rebuilt = dir.path("rebuilt.sqlite")
        try Attacker.rewrite(fixture.path, to: rebuilt, from: 1, keys: ["mon": fixture.monKey, "mon2": fixture.mon2Key],
                             keepCheckpoint: { _ in false }) { entry in
            guard case .ledgerCreate = entry.payload else { return entry }
            var changed = entry
            changed.payload = .ledgerCreate(LedgerCreated(ledgerID: "00000000-0000-4000-8000-000000000000"))
            return changed
        }
        #expect(try AuditRun(accord, rebuilt).status == 0, "self-consistent on its own")
        for extra in [[], ["--trusted-key", fixture.mon2Key + ".pub"]] {
            let audit = try AuditRun(accord, rebuilt, ["--checkpoint", fixture.finalCheckpoint] + extra)
            #expect(audit.status == 1 && audit.outcome == "tampered" && audit.stderr.isEmpty, "\(audit)")
            #expect(audit.findings.contains {
                $0.check == "checkpoint" && $0.detail.contains("final.checkpoint is a checkpoint of another log (accord/")
                    && $0.detail.contains("not of this ledger (accord/00000000-0000-4000-8000-000000000000)")
            }, "\(audit)")
        }
        let table = try accord("audit", "--db", rebuilt, "--checkpoint", fixture.finalCheckpoint)
        #expect(table.status == 1 && table.stdout.hasPrefix("TAMPERED: ") && table.stderr.isEmpty, "\(table)")
    }

    @Test("schema_migrations rows deleted or altered, or the application_id changed: audited as tampering, not refused",
          arguments: ["delete-3", "delete-latest", "checksum", "name", "application-id-0", "application-id-42"])
    func fileRecords(_ attack: String) throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.demo(dir)
        let latest = try #require(Int(try Attacker.sql(path, "SELECT max(version) FROM schema_migrations;").first ?? ""))
        let (sql, detail): (String, String) = switch attack {
        case "delete-3": ("DELETE FROM schema_migrations WHERE version = 3;", "schema_migrations has no row for migration 3")
        case "delete-latest": ("DELETE FROM schema_migrations WHERE version = \(latest);", "schema_migrations has no row for migration \(latest)")
        case "checksum": ("UPDATE schema_migrations SET checksum = 'abc' WHERE version = 2;", "schema_migrations records migration 2 as domain, checksum abc")
        case "name": ("UPDATE schema_migrations SET name = 'd' || char(333) || 'main' WHERE version = 2;", "schema_migrations records migration 2 as")
        case "application-id-0": ("PRAGMA application_id = 0;", "the file's application_id is 0")
        default: ("PRAGMA application_id = 42;", "the file's application_id is 42")
        }
        try Attacker.sql(path, sql)
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1 && audit.outcome == "tampered" && audit.stderr.isEmpty, "\(attack): \(audit)")
        #expect(audit.entries > 0, "the journal was read: \(audit)")
        #expect(audit.findings.contains { $0.check == "schema" && $0.detail.hasPrefix(detail) }, "\(attack): \(audit)")
        #expect(audit.findings.allSatisfy { $0.check == "schema" }, "only the file's records were touched: \(audit)")
        let table = try accord("audit", "--db", path)
        #expect(table.status == 1 && table.stdout.hasPrefix("TAMPERED: "), "\(table)")

        // Other commands refuse the file in one line that says what to do, and change nothing.
        let before = try #require(fileBytes(path))
        for arguments in [["report", "--db", path], ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-05", "--source", "ICRC", "--db", path]] {
            let outcome = try accord(arguments)
            #expect([1, 66].contains(outcome.status) && outcome.stdout.isEmpty, "\(attack) \(arguments[0]): \(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("Error: ") && outcome.stderr.split(separator: "\n").count == 1, "\(outcome.stderr)")
            if attack.hasPrefix("delete") || attack == "checksum" {
                #expect(outcome.stderr.contains("accord audit"), "\(attack) \(arguments[0]): \(outcome.stderr)")
            }
        }
        #expect(fileBytes(path) == before)
    }

    @Test("a SQLite file without a journal table is still not a ledger (exit 66)")
    func notALedger() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        for (name, sql) in [("foreign.sqlite", "PRAGMA application_id = 42; CREATE TABLE notes (body TEXT);"),
                            ("ours.sqlite", "PRAGMA application_id = 1094931012; CREATE TABLE notes (body TEXT);")] {
            try Attacker.sql(dir.path(name), sql)
            let audit = try accord("audit", "--db", dir.path(name))
            #expect(audit.status == 66 && audit.stdout.isEmpty, "\(name): \(audit.stderr)")
            #expect(audit.stderr.contains("not an Accord ledger"), "\(audit.stderr)")
        }
    }
}
