import Foundation
import Testing
@testable import AccordLedger

/// Reports, briefs, breach lists, commitment views and exports check what they
/// read against the state root in the journal's last entry (docs/JOURNAL.md,
/// "State roots"): an edit made with the sqlite3 shell is refused, never printed.
@Suite("Reads check the state root")
struct StateRootTests {
    /// The demo ledger, recorded in July 2025 so every demo event is in the past.
    static func demo(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-01T00:00:00Z"
        let db = dir.path("demo.sqlite")
        try accord.ok("demo", "--db", db)
        return (accord, db)
    }

    /// Every read that prints figures or records, on `db`.
    static let reads: [[String]] = [
        ["report", "--at", "2025-06-10"], ["report", "--at", "2025-05-24"], ["brief", "--at", "2025-06-10", "--format", "markdown"],
        ["breaches"], ["commitment", "show", "RU-no-strikes", "--at", "2025-06-10"], ["export", "breaches"],
        ["export", "verifications"], ["export", "commitments"],
    ]

    @Test("an untouched ledger reads")
    func pristine() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        for read in Self.reads {
            let outcome = try accord(read + ["--db", db])
            #expect(outcome.status == 0, "\(read): \(outcome.stderr)")
        }
    }

    /// Runs `sql` on a fresh copy of the demo ledger, then expects `reads` to
    /// refuse with exit 1 saying the ledger was altered (and `mentioning`).
    func expectRefused(_ sql: String, guards: [String] = [], reads: [[String]] = StateRootTests.reads,
                       mentioning: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        try Attacker.sql(db, liftingGuards: guards, sql)
        for read in reads {
            let outcome = try accord(read + ["--db", db])
            #expect(outcome.status == 1, "\(read) after \(sql): \(outcome.stdout.prefix(300)) \(outcome.stderr)", sourceLocation: sourceLocation)
            // An export streams commitment by commitment, each checked before its rows are written:
            // it may have written the rows of those it checked before it met the altered one.
            if read.first != "export" {
                #expect(outcome.stdout.isEmpty, "\(read) printed figures from an altered ledger", sourceLocation: sourceLocation)
            }
            #expect(outcome.stderr.hasPrefix("Error: ") && outcome.stderr.contains("altered") && outcome.stderr.contains("accord audit"),
                    "\(read): \(outcome.stderr)", sourceLocation: sourceLocation)
            if let mentioning {
                #expect(outcome.stderr.contains(mentioning), "\(read): \(outcome.stderr)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("deleted running totals (the report would show the breached restraint in progress) are refused")
    func deletedTotals() throws {
        try expectRefused("DELETE FROM commitment_totals WHERE commitment = 'RU-no-strikes';", mentioning: "RU-no-strikes")
    }

    @Test("inflated totals, overall or per day, are refused")
    func inflatedTotals() throws {
        try expectRefused("UPDATE commitment_totals SET quantity = quantity + 300000 WHERE commitment = 'UA-release';",
                          mentioning: "UA-release")
        // A report before the commitment's last evidence reads its per-day rows.
        try expectRefused("UPDATE daily_totals SET quantity = quantity + 300000 WHERE commitment = 'UA-release';",
                          reads: [["report", "--at", "2025-05-24"]], mentioning: "per-day totals of commitment UA-release")
    }

    @Test("a forged withdrawal, party name or guarantee cover is refused")
    func forgedDefinitions() throws {
        try expectRefused("INSERT INTO withdrawals (commitment, date, day, reason, seq) VALUES ('RU-no-strikes', '2025-05-20', 20228, 'x', 9999);",
                          mentioning: "RU-no-strikes")
        try expectRefused("UPDATE parties SET name = 'Ukraine (occupied)' WHERE id = 'UA';", mentioning: "party:UA")
        try expectRefused("DELETE FROM guarantee_covers WHERE commitment = 'RU-no-strikes';", mentioning: "guarantee:US-sanctions")
    }

    @Test("a Merkle edge edited to show another root is refused")
    func editedFrontier() throws {
        try expectRefused("UPDATE merkle_frontier SET hashes = randomblob(length(hashes));",
                          reads: [["report", "--at", "2025-06-10"], ["breaches"]], mentioning: "Merkle tree")
    }

    @Test("a breach row changed to a look-alike party, or deleted, is refused by the listings that read it")
    func alteredBreachRows() throws {
        let listings: [[String]] = [["breaches", "--party", "RU"], ["breaches"], ["commitment", "show", "RU-no-strikes", "--at", "2025-06-10"],
                                    ["brief", "--at", "2025-06-10", "--format", "markdown"], ["export", "breaches"]]
        // RU with a Cyrillic У: the same to the eye, other bytes.
        try expectRefused("UPDATE breaches SET party = 'R' || char(0x0423) WHERE party = 'RU';", guards: ["breaches_marks_only"],
                          reads: listings, mentioning: "breaches row of entry")
        try expectRefused("DELETE FROM breaches WHERE commitment = 'RU-no-strikes';", reads: listings)
        try expectRefused("UPDATE corroborations SET source = source || '.';", guards: ["corroborations_marks_only"],
                          reads: [["export", "verifications"], ["commitment", "show", "UA-release", "--at", "2025-06-10"]],
                          mentioning: "corroborations row")
    }

    @Test("an earlier state is rebuilt from the journal alone, whatever the tables say")
    func asOfReplays() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        let before = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--as-of", "20", "--format", "json")
        try Attacker.sql(db, "DELETE FROM commitment_totals; DELETE FROM daily_totals;")
        #expect(try accord("report", "--db", db, "--at", "2025-06-10").status == 1)
        let after = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--as-of", "20", "--format", "json")
        #expect(after == before)
        #expect(after.contains("\"seq\": 20"))
    }

    @Test("a write that a hidden trigger swallows is refused, not acknowledged")
    func swallowedWrite() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        let entries = try Attacker.sql(db, "SELECT count(*) FROM journal;")
        try Attacker.sql(db, """
            CREATE TRIGGER hide_breaches BEFORE INSERT ON breaches WHEN NEW.commitment = 'RU-no-strikes'
            BEGIN SELECT RAISE(IGNORE); END;
            """)
        let outcome = try accord("breach", "RU-no-strikes", "--db", db, "--party", "RU", "--observed", "2025-06-20",
                                 "--severity", "grave", "--source", "UN")
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Recorded entry"), "\(outcome.stderr)")
        #expect(try Attacker.sql(db, "SELECT count(*) FROM journal;") == entries)
    }

    /// A ledger (`many.sqlite`) of 600 quantity commitments C000…C599, and
    /// in `rows.csv` 2,400 verifications of them on four days, at two
    /// confidences from two sources, left to be imported; its path.
    static func manyCommitments(_ dir: TemporaryDirectory, _ accord: AccordRunner) throws -> String {
        let db = dir.path("many.sqlite")
        try accord.ok("init", "--db", db)
        var structure = "kind,id,name,title,agreement,party,quantity,unit,due\nparty,P,Party P,,,,,,\nagreement,A,,Agreement A,,,,,\n"
        var rows = "kind,id,commitment,quantity,observed,source,confidence\n"
        for index in 0..<600 {
            let id = String(format: "C%03d", index)
            structure += "commitment,\(id),,,A,P,\(40 + index % 9),prisoners,2025-05-03\n"
            for day in 1...4 {
                rows += "verification,\(id)-\(day),\(id),\(1 + (index * day) % 13),2025-05-0\(day),\(["ICRC", "UN"][(index + day) % 2]),"
                    + "\(["confirmed", "probable"][(index * day) % 2])\n"
            }
        }
        try Data(structure.utf8).write(to: URL(fileURLWithPath: dir.path("structure.csv")))
        try Data(rows.utf8).write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        try accord.ok("import", dir.path("structure.csv"), "--db", db)
        return db
    }

    @Test("reports over hundreds of commitments, read on two threads, equal those rebuilt from the journal; an altered row is refused")
    func historicalOnTwoThreads() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        // More commitments than a report at a date reads on one thread (TotalsEvidence.parallelMinimum), each with records on
        // four days. (A view reads its state on two threads from 100,000 entries: TwoThreadStateTests.)
        let db = try Self.manyCommitments(dir, accord)
        try accord.ok("import", dir.path("rows.csv"), "--db", db)
        // One more entry, so that --as-of the one before it rebuilds the same evidence from the journal, read on one thread.
        try accord.ok("party", "add", "Q", "--name", "Party Q", "--db", db)
        func commitments(_ arguments: [String]) throws -> (seq: Int, commitments: NSArray) {
            let json = try accord.ok(["report", "--format", "json", "--db", db] + arguments)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary)
            return (try #require((object["ledger"] as? NSDictionary)?["seq"] as? Int), try #require(object["commitments"] as? NSArray))
        }
        for arguments in [["--at", "2025-05-02", "--min-confidence", "probable"], []] {
            let head = try commitments(arguments)
            let rebuilt = try commitments(arguments + ["--as-of", "\(head.seq - 1)"])
            #expect(rebuilt.seq == head.seq - 1 && head.commitments.count == 600)
            #expect(head.commitments == rebuilt.commitments)
            // With five descriptors (a second connection may not open, a dispatch queue could not start its threads) the
            // same report, read on one thread if need be.
            let limited = try accord(["-c", "ulimit -n 5 && exec \"$0\" \"$@\"", AccordRunner.binary, "report", "--format", "json",
                                      "--db", db] + arguments, binary: "/bin/sh")
            let unlimited = try accord.ok(["report", "--format", "json", "--db", db] + arguments)
            #expect(limited.status == 0 && limited.stdout == unlimited, "\(limited.status) \(limited.stderr)")
        }
        // The audit rebuilds the state of all 600 commitments from the journal, their rows read table by table and
        // hashed on two threads (StateTracker.finish), and arrives at the journal's root.
        let audited = try accord("audit", "--db", db)
        #expect(audited.status == 0 && audited.stdout.hasPrefix("verified: "), "\(audited.stdout.prefix(300)) \(audited.stderr)")
        // C000 is read on the first thread, C001 on the second (they alternate in the order of their ids' bytes).
        for commitment in ["C000", "C001"] {
            let copy = dir.path("\(commitment).sqlite")
            try FileManager.default.copyItem(atPath: db, toPath: copy)
            let changed = try Attacker.sql(copy, "UPDATE daily_totals SET quantity = quantity + 1 WHERE commitment = '\(commitment)' AND day = 20209; SELECT changes();")
            #expect(changed == ["1"], "\(changed)")
            let outcome = try accord("report", "--at", "2025-05-02", "--db", copy)
            #expect(outcome.status == 1 && outcome.stderr.contains("the per-day totals of commitment \(commitment) do not match"),
                    "\(commitment): \(outcome.stdout.prefix(200)) \(outcome.stderr)")
        }
        // Altered totals, sources and digests of commitments read at the head.
        for (commitment, change) in [("C002", "UPDATE commitment_totals SET records = records + 1 WHERE confidence = 0 AND"),
                                     ("C003", "UPDATE commitment_sources SET sources = sources + 1 WHERE confidence = 0 AND"),
                                     ("C004", "UPDATE commitment_digests SET daily = zeroblob(32) WHERE")] {
            let copy = dir.path("\(commitment).sqlite")
            try FileManager.default.copyItem(atPath: db, toPath: copy)
            let changed = try Attacker.sql(copy, "\(change) commitment = '\(commitment)'; SELECT changes();")
            #expect(changed == ["1"], "\(changed)")
            let outcome = try accord("report", "--db", copy)
            #expect(outcome.status == 1 && outcome.stderr.contains("the rows of commitment:\(commitment) do not match"),
                    "\(commitment): \(outcome.stdout.prefix(200)) \(outcome.stderr)")
        }
    }
}

@Suite("Receipts and recording times")
struct ReceiptTests {
    @Test("a recording command's JSON receipt proves inclusion; a retry returns the same entry")
    func receipts() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try StateRootTests.demo(dir)
        let arguments = ["log", "UA-release", "--db", db, "--quantity", "4", "--observed", "2025-06-20", "--source", "ICRC",
                         "--id", "late-4", "--format", "json"]
        let first = try #require(JSONSerialization.jsonObject(with: Data(try accord.ok(arguments).utf8)) as? [String: Any])
        #expect(first["status"] as? String == "recorded")
        #expect(first["kind"] as? String == "verification")
        let seq = try #require(first["seq"] as? Int)
        let size = try #require(first["treeSize"] as? Int)
        #expect(size == seq)
        let proof = try #require(JSONSerialization.jsonObject(with: Data(try accord.ok("prove", "inclusion", String(seq), "--size",
                                                                                       String(size), "--db", db).utf8)) as? [String: Any])
        #expect(proof["root"] as? String == first["root"] as? String)
        #expect(proof["leafHash"] as? String == first["leafHash"] as? String)
        let again = try #require(JSONSerialization.jsonObject(with: Data(try accord.ok(arguments).utf8)) as? [String: Any])
        #expect(again["status"] as? String == "already recorded")
        #expect(again["seq"] as? Int == seq && again["leafHash"] as? String == first["leafHash"] as? String)
        // In text, on stderr, one line.
        let text = try accord("log", "UA-release", "--db", db, "--quantity", "5", "--observed", "2025-06-21", "--source", "ICRC")
        #expect(text.stderr.hasPrefix("Recorded entry \(seq + 1): verification of UA-release (leaf "), "\(text.stderr)")
        #expect(text.stderr.contains(", tree \(seq + 1), root "))
    }

    @Test("ACCORD_NOW is written into the entry as overridden; a time ahead of the clock, or a last entry ahead of it, is refused")
    func overriddenClock() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try StateRootTests.demo(dir)
        let history = try accord.ok("history", "RU-no-strikes", "--db", db, "--format", "csv")
        #expect(history.contains(",overridden,"), "\(history)")
        let audit = try accord("audit", "--db", db)
        #expect(audit.status == 0 && audit.stdout.contains("recorded at a time set with ACCORD_NOW"), "\(audit.stdout)")

        let ahead = try accord(["log", "UA-release", "--db", db, "--quantity", "1", "--observed", "2025-06-20", "--source", "ICRC"],
                               extraEnvironment: ["ACCORD_NOW": "2999-12-31T00:00:00Z"])
        #expect(ahead.status == 65 && ahead.stderr.contains("later than this machine's clock"), "\(ahead.stderr)")

        // A last entry forged into the future would drag every later entry with it: refused instead.
        let forged = dir.path("future.sqlite")
        let last = Int64(try Attacker.sql(db, "SELECT max(seq) FROM journal;").first ?? "0") ?? 0
        try Attacker.rewrite(db, to: forged, from: last, keepCheckpoint: { _ in false }) { entry in
            var changed = entry
            changed.recordedAt = try! Moment(parsing: "2999-12-31T00:00:00Z", field: .observed).timestamp
            return changed
        }
        let after = try accord("log", "UA-release", "--db", forged, "--quantity", "1", "--observed", "2025-06-20", "--source", "ICRC")
        #expect(after.status == 1 && after.stderr.contains("later than this machine's clock"), "\(after.stderr)")
    }
}
