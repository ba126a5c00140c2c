import AccordTrust
import Foundation
import Testing
@testable import AccordLedger

/// Attacks on a ledger of about 560 entries through raw SQL (and, for the
/// careful attacker, the library's own types), each at several seeded random
/// positions, then `accord audit` run as a user would. Every detection exits
/// 1 and names the first failing entry (or the checkpoint) and the check.
@Suite("Tamper detection")
struct TamperTests {
    /// Picks `count` distinct values from `pool`.
    static func pick(_ count: Int, from pool: [Int64], _ random: inout SeededGenerator) -> [Int64] {
        Array(pool.shuffled(using: &random).prefix(count))
    }

    @Test("the pristine ledger verifies, with and without its outside checkpoints")
    func pristine() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        #expect(fixture.entries >= 500)
        let plain = try AuditRun(accord, fixture.path)
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.entries == fixture.entries)
        #expect(plain.json["storedCheckpoints"] as? Int == 2)
        let both = try AuditRun(accord, fixture.path, ["--checkpoint", fixture.earlyCheckpoint, "--checkpoint", fixture.finalCheckpoint])
        #expect(both.status == 0, "\(both)")
        #expect(both.json["outsideCheckpoints"] as? Int == 2)
        let table = try accord("audit", "--db", fixture.path, "--full")
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("verified: \(fixture.entries) entries"))
        #expect(table.stdout.contains("integrity_check"))
    }

    @Test("an edited payload byte is caught at its entry and at the next link; the last entry's, at it and the Merkle edge")
    func payloadByte() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 1)
        let pool = Array(2..<fixture.entries)
        // The journal stores no leaf hash (schema 18): there is none to edit or recompute beside the
        // bytes; the audit hashes each entry, so an edit changes the hash every later check sees.
        for seq in Self.pick(6, from: pool, &random) + [fixture.entries] {
            let path = try fixture.copy("byte-\(seq).sqlite")
            var bytes = try Attacker.entryBytes(path, seq)
            // The last bytes of every entry are payload (its header is longer than a dozen bytes before them).
            let offset = bytes.count - 1 - Int.random(in: 0..<12, using: &random)
            bytes[offset] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            try Attacker.replaceEntry(path, seq, with: bytes)
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1, "\(audit)")
            // The entry no longer decodes, or it does and its projection (or state root) differs: named either way.
            #expect(audit.first?.seq == seq, "entry \(seq): \(audit)")
            #expect(audit.findings.contains { $0.seq == seq && ["encoding", "projection", "state"].contains($0.check) }, "\(audit)")
            if seq < fixture.entries {
                #expect(audit.findings.contains { $0.check == "chain" && $0.seq == seq + 1 }, "\(audit)")
            }
            #expect(audit.findings.contains { $0.check == "merkle" && $0.detail.contains("edge") }, "\(audit)")
        }
    }

    @Test("at 1,024 entries (one cached node), the last entry's clock flag flipped under the genuine node and edge: report and log refuse")
    func lastEntryAtCachedSize() throws {
        let world = try ImportWorld()
        let before = try #require(Int(try world.query("SELECT count(*) FROM journal")))
        var rows = [ImportCLITests.header]
        for index in 0..<(1024 - before) {
            rows.append("v\(index),UA-release,1,,2025-05-\(10 + index % 20),monitor \(index % 7),monitor,,")
        }
        try world.write("many.csv", rows.joined(separator: "\n") + "\n")
        let imported = try world.importing("many.csv")
        #expect(imported.status == 0, "\(imported.stderr)")
        try #require(try world.query("SELECT count(*) FROM journal") == "1024")
        let genuine = try world.accord.ok("report", "--db", world.db, "--format", "json")
        // Hide a clock override: no projection records the flag, so the state root still holds; the cached
        // node of entries 1-1,024 and the stored edge stay genuine (they give the checkpointed root).
        var entry = try Entry.decodeCanonical(try Attacker.entryBytes(world.db, 1024))
        entry.clock = entry.clock == .system ? .overridden : .system
        try Attacker.replaceEntry(world.db, 1024, with: entry.encoded())
        let report = try world.accord("report", "--db", world.db, "--format", "json")
        #expect(report.status == 1 && report.stdout.isEmpty && report.stderr.contains("stored edge of the Merkle tree"),
                "\(report.stderr)")
        #expect(!genuine.isEmpty)
        let log = try world.accord("log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source", "late",
                                   "--db", world.db)
        #expect(log.status == 1 && log.stderr.contains("entry (1024) cannot be read back as written"), "\(log.stderr)")
        #expect(try world.query("SELECT count(*) FROM journal") == "1024")
        let audit = try AuditRun(world.accord, world.db)
        #expect(audit.status == 1 && audit.findings.contains { $0.check == "merkle" && $0.seq == 1024 }, "\(audit)")
    }

    @Test("an edited projection column is caught, naming the table, column and entry",
          arguments: [("verifications", "quantity"), ("breaches", "severity"), ("commitment_totals", "quantity")])
    func projectionColumn(table: String, column: String) throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 2)
        for round in 0..<3 {
            let path = try fixture.copy("projection-\(round).sqlite")
            var expectedSeq: Int64?
            switch table {
            case "verifications":
                let seq = Self.pick(1, from: fixture.seqs["verification"]!, &random)[0]
                try Attacker.sql(path, liftingGuards: ["verifications_marks_only"], "UPDATE verifications SET quantity = quantity + 1 WHERE seq = \(seq);")
                expectedSeq = seq
            case "breaches":
                let seq = Self.pick(1, from: fixture.seqs["breach"]!, &random)[0]
                try Attacker.sql(path, liftingGuards: ["breaches_marks_only"],
                                 "UPDATE breaches SET severity = CASE severity WHEN 3 THEN 1 ELSE 3 END WHERE seq = \(seq);")
                expectedSeq = seq
            default:
                let rows = try Attacker.sql(path, "SELECT rowid FROM (SELECT commitment, confidence, row_number() OVER () AS rowid FROM commitment_totals);")
                let row = Int.random(in: 1...rows.count, using: &random)
                try Attacker.sql(path, """
                    UPDATE commitment_totals SET quantity = quantity + 7 WHERE (commitment, confidence) =
                        (SELECT commitment, confidence FROM commitment_totals ORDER BY commitment, confidence LIMIT 1 OFFSET \(row - 1));
                    """)
            }
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1, "\(audit)")
            #expect(audit.first?.check == "projection", "\(audit)")
            #expect(audit.first?.seq == expectedSeq, "\(audit)")
            #expect(audit.first?.detail.contains("\(table).\(column) differs") == true, "\(audit)")
            #expect(audit.findings.allSatisfy { $0.check == "projection" }, "only the projection was touched: \(audit)")
        }
    }

    @Test("a deleted middle entry is caught at its seq")
    func deleteMiddle() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 3)
        for seq in Self.pick(3, from: Array(2..<fixture.entries), &random) {
            let path = try fixture.copy("hole-\(seq).sqlite")
            try Attacker.sql(path, liftingGuards: ["journal_no_delete"], "DELETE FROM journal WHERE seq = \(seq);")
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1, "\(audit)")
            #expect(audit.first?.seq == seq && audit.first?.check == "sequence", "\(audit)")
            #expect(audit.first?.detail.contains("entry \(seq) is missing") == true, "\(audit)")
        }
    }

    @Test("a deleted first entry, or an emptied journal, is audited as tampering, not refused as an uninitialised file")
    func deleteFirst() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let first = try fixture.copy("no-first.sqlite")
        try Attacker.sql(first, liftingGuards: ["journal_no_delete"], "DELETE FROM journal WHERE seq = 1;")
        let audit = try AuditRun(accord, first)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.first?.seq == 1 && audit.first?.check == "sequence" && audit.first?.detail.contains("entry 1 is missing") == true, "\(audit)")
        // Other commands refuse it as tampered, and do not suggest `accord init`.
        let report = try accord("report", "--db", first)
        #expect(report.status == 1 && report.stderr.contains("not entry 1") && !report.stderr.contains("accord init"), "\(report.stderr)")

        // The journal emptied, the projections left: their rows have no entries.
        let emptied = try fixture.copy("emptied.sqlite")
        try Attacker.sql(emptied, liftingGuards: ["journal_no_delete"], "DELETE FROM journal;")
        let second = try AuditRun(accord, emptied)
        #expect(second.status == 1 && second.entries == 0, "\(second)")
        #expect(second.first?.seq == 1, "\(second)")
        #expect(second.findings.contains { $0.seq == 1 && $0.check == "projection" && $0.detail.hasPrefix("ledger has a row") }, "\(second)")

        // Everything emptied looks like a file never initialised — unless a checkpoint says otherwise.
        let wiped = try fixture.copy("wiped.sqlite")
        let tables = Audit.projections.map { "DELETE FROM \($0.table);" }.joined(separator: "\n")
        try Attacker.sql(wiped, liftingGuards: ["journal_no_delete", "checkpoints_no_delete"], """
            DELETE FROM journal; DELETE FROM merkle_frontier; DELETE FROM merkle_nodes; DELETE FROM checkpoints;
            \(tables)
            """)
        let alone = try accord("audit", "--db", wiped)
        #expect(alone.status == 66 && alone.stderr.contains("never initialised"), "\(alone.stderr)")
        let third = try AuditRun(accord, wiped, ["--checkpoint", fixture.finalCheckpoint])
        #expect(third.status != 0, "\(third)")
        #expect(third.findings.contains { $0.check == "checkpoint" && $0.detail.contains("journal holds only 0") }, "\(third)")
    }

    @Test("a deleted tail: caught when only the journal or also the Merkle edge is cut; a consistent cut only by an outside checkpoint")
    func deleteTail() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 4)
        let n = fixture.entries
        for cut in [Int64.random(in: 1...3, using: &random), Int64.random(in: 4...25, using: &random)] {
            let kept = n - cut

            // Careless: only journal rows.
            let careless = try fixture.copy("tail-\(cut)-careless.sqlite")
            try Attacker.sql(careless, liftingGuards: ["journal_no_delete"], "DELETE FROM journal WHERE seq > \(kept);")
            let first = try AuditRun(accord, careless)
            #expect(first.status == 1, "\(first)")
            // A journal cut in the middle of a write also ends on an entry without a state root.
            #expect(first.findings.contains { $0.seq == kept + 1 && $0.check == "checkpoint"
                && $0.detail.contains("the checkpoint stored for size \(n) is validly signed, and it covers \(n) entries but the journal holds only \(kept): entries were cut off") },
                    "\(first)")
            #expect(first.first.map { ($0.seq == kept && $0.check == "state") || ($0.seq == kept + 1 && $0.check == "checkpoint") } == true, "\(first)")
            #expect(first.findings.contains { $0.check == "merkle" && $0.detail.contains("edge") }, "\(first)")
            #expect(first.findings.contains { $0.check == "projection" && $0.seq == kept + 1 }, "\(first)")

            // Careful with the tree: the Merkle edge recomputed for the shorter journal.
            let edged = try fixture.copy("tail-\(cut)-edge.sqlite")
            var frontier = MerkleFrontier()
            for line in try Attacker.sql(edged, "SELECT hex(entry) FROM journal WHERE seq <= \(kept) ORDER BY seq;") {
                try frontier.append(Hash32(bytes: Attacker.leafHash(Attacker.unhex(line)))!)
            }
            try Attacker.sql(edged, liftingGuards: ["journal_no_delete"], """
                DELETE FROM journal WHERE seq > \(kept);
                UPDATE merkle_frontier SET size = \(kept), hashes = X'\(Attacker.hex(frontier.serialized))';
                """)
            let second = try AuditRun(accord, edged)
            #expect(second.status == 1, "\(second)")
            #expect(second.findings.contains { $0.seq == kept + 1 && $0.check == "checkpoint" }, "\(second)")
            #expect(second.first.map { ($0.seq == kept && $0.check == "state") || ($0.seq == kept + 1 && $0.check == "checkpoint") } == true, "\(second)")
            #expect(!second.findings.contains { $0.check == "merkle" }, "\(second)")
            #expect(second.findings.contains { $0.check == "projection" && $0.seq == kept + 1 }, "\(second)")

            // Consistent: projections and stored checkpoints too. Only an outside checkpoint can tell.
            let consistent = dir.path("tail-\(cut)-consistent.sqlite")
            try Attacker.cut(fixture.path, to: consistent, keeping: kept, keepCheckpoint: { $0 < kept })
            let unseen = try AuditRun(accord, consistent)
            #expect(unseen.status == 0, "without an outside checkpoint a consistent cut is NOT detected: \(unseen)")
            #expect(unseen.entries == kept)
            let older = try AuditRun(accord, consistent, ["--checkpoint", fixture.earlyCheckpoint])
            #expect(older.status == 0, "a checkpoint older than the cut cannot see it: \(older)")
            let caught = try AuditRun(accord, consistent, ["--checkpoint", fixture.finalCheckpoint])
            #expect(caught.status == 1, "\(caught)")
            #expect(caught.first?.check == "checkpoint" && caught.first?.seq == kept + 1, "\(caught)")
            #expect(caught.first?.detail.hasSuffix("final.checkpoint is validly signed, and it covers \(n) entries but the journal holds only \(kept): entries were cut off") == true,
                    "\(caught)")
        }
    }

    @Test("limit: a stored checkpoint row deleted (guards restored) leaves no trace in the file; its outside copy reveals it")
    func storedCheckpointDeleted() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let path = try fixture.copy("forgotten.sqlite")
        try Attacker.sql(path, liftingGuards: ["checkpoints_no_delete"], "DELETE FROM checkpoints WHERE size = \(fixture.earlySize);")
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 0, "nothing records that a checkpoint was signed: \(audit)")
        #expect(audit.json["storedCheckpoints"] as? Int == 1)
        // The journal itself is intact, but the ledger records every checkpoint
        // it signs, so the outside copy shows the record was lost.
        let outside = try AuditRun(accord, path, ["--checkpoint", fixture.earlyCheckpoint])
        #expect(outside.status == 1, "\(outside)")
        #expect((outside.json["firstFailure"] as? [String: Any])?["detail"].map { "\($0)" }?.contains("holds no record of it") == true,
                "\(outside)")
    }

    @Test("two swapped entries are caught at the first of them")
    func swapSeqs() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 5)
        for _ in 0..<3 {
            let pair = Self.pick(2, from: Array(2...fixture.entries), &random).sorted()
            let (a, b) = (pair[0], pair[1])
            let path = try fixture.copy("swap-\(a)-\(b).sqlite")
            try Attacker.sql(path, liftingGuards: ["journal_no_update"], """
                UPDATE journal SET seq = 1000000000 WHERE seq = \(a);
                UPDATE journal SET seq = \(a) WHERE seq = \(b);
                UPDATE journal SET seq = \(b) WHERE seq = 1000000000;
                """)
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1, "\(audit)")
            #expect(audit.first?.seq == a && audit.first?.check == "sequence", "\(audit)")
            #expect(audit.first?.detail.contains("say it is entry \(b)") == true, "\(audit)")
        }
    }

    /// A well-formed verification entry that chains to `previous`.
    static func forged(seq: Int64, after previous: [UInt8], path: String) throws -> [UInt8] {
        let before = try Entry.decode(previous)
        let entry = Entry(seq: seq, recordedAt: before.recordedAt, actor: "intruder", previousHash: Hash32(bytes: Attacker.leafHash(previous)),
                          signer: nil, payload: .verification(Verification(
                              externalID: nil, commitment: "UA-release", measure: .quantity(4000),
                              observed: try Moment(parsing: "2025-06-02", field: .observed), precision: .day,
                              source: Source(name: "ICRC team 1", kind: .monitor, confidence: .confirmed),
                              evidence: Evidence(sha256: nil, uri: nil), note: nil, location: Location(place: nil, coordinates: nil, precision: nil))))
        return entry.encoded()
    }

    @Test("an inserted entry is caught: in the middle at the seq it displaces, at the end as an entry without projections")
    func insertEntry() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 6)
        for seq in Self.pick(3, from: Array(2...fixture.entries), &random) {
            let path = try fixture.copy("insert-\(seq).sqlite")
            let bytes = try Self.forged(seq: seq, after: try Attacker.entryBytes(path, seq - 1), path: path)
            try Attacker.sql(path, liftingGuards: ["journal_no_update", "journal_contiguous"], """
                UPDATE journal SET seq = seq + 1000000000 WHERE seq >= \(seq);
                UPDATE journal SET seq = seq - 999999999 WHERE seq >= 1000000000;
                INSERT INTO journal (seq, kind_code, signer, entry, signature)
                    VALUES (\(seq), 8, NULL, X'\(Attacker.hex(bytes))', NULL);
                """)
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1, "\(audit)")
            // The forged entry itself is well formed and chained; the entry it displaced no longer fits.
            #expect([seq, seq + 1].contains(audit.first?.seq ?? -1), "\(audit)")
            #expect(audit.findings.contains { $0.seq == seq + 1 && $0.check == "sequence" && $0.detail.contains("say it is entry \(seq)") }, "\(audit)")
            #expect(audit.findings.contains { $0.seq == seq + 1 && $0.check == "chain" }, "\(audit)")
        }

        // Appended at the end with a correct link: the contiguity trigger lets it in.
        let path = try fixture.copy("append.sqlite")
        let n = fixture.entries
        let bytes = try Self.forged(seq: n + 1, after: try Attacker.entryBytes(path, n), path: path)
        try Attacker.sql(path, """
            INSERT INTO journal (seq, kind_code, signer, entry, signature)
                VALUES (\(n + 1), 8, NULL, X'\(Attacker.hex(bytes))', NULL);
            """)
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1, "\(audit)")
        // It ends the journal without the state root every write's last entry carries, and without projections.
        #expect(audit.first?.seq == n + 1 && ["state", "projection"].contains(audit.first?.check ?? ""), "\(audit)")
        #expect(audit.findings.contains { $0.seq == n + 1 && $0.check == "projection" }, "\(audit)")
        #expect(audit.findings.contains { $0.check == "merkle" && $0.detail.contains("edge") }, "\(audit)")
    }

    @Test("a signed entry re-signed with another key is caught")
    func resign() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 7)
        let signed = fixture.signed("verification") + fixture.signed("breach") + fixture.signed("correction")
        let keyFile = ["mon": fixture.monKey, "mon2": fixture.mon2Key]
        for seq in Self.pick(3, from: signed, &random) {
            let owner = fixture.signer[seq]!
            let other = owner == "mon" ? "mon2" : "mon"
            let bytes = try Attacker.entryBytes(fixture.path, seq)

            // The same bytes, signed by the other registered key, or by a key never registered.
            for (label, file) in [("registered", keyFile[other]!), ("unregistered", fixture.ghostKey)] {
                let path = try fixture.copy("resign-\(seq)-\(label).sqlite")
                let signature = try Attacker.sign(bytes, keyFile: file)
                try Attacker.sql(path, liftingGuards: ["journal_no_update"], "UPDATE journal SET signature = X'\(Attacker.hex(signature))' WHERE seq = \(seq);")
                let audit = try AuditRun(accord, path)
                #expect(audit.status == 1, "\(audit)")
                #expect(audit.first?.seq == seq && audit.first?.check == "signature", "\(audit)")
                #expect(audit.first?.detail.contains("signature by \(owner) does not verify") == true, "\(audit)")
            }

            // The bytes changed to name another signer, signed by it (no stored leaf hash to recompute):
            // the entry checks out, the next one no longer chains to it.
            for (name, file) in [(other, keyFile[other]!), ("ghost", fixture.ghostKey)] {
                let path = try fixture.copy("resign-\(seq)-as-\(name).sqlite")
                var entry = try Entry.decode(bytes)
                entry.signer = name
                let changed = entry.encoded()
                let signature = try Attacker.sign(entry.signedBytes(), keyFile: file)
                try Attacker.sql(path, liftingGuards: ["journal_no_update"], """
                    UPDATE journal SET entry = X'\(Attacker.hex(changed))',
                        signer = '\(name)', signature = X'\(Attacker.hex(signature))' WHERE seq = \(seq);
                    """)
                let audit = try AuditRun(accord, path)
                #expect(audit.status == 1, "\(audit)")
                #expect(audit.findings.contains { $0.seq == seq + 1 && $0.check == "chain" }, "\(audit)")
                if name == "ghost" {
                    #expect(audit.first?.seq == seq && audit.first?.outcome == "unverifiable", "\(audit)")
                    #expect(audit.first?.detail.contains("never registered") == true, "\(audit)")
                } else {
                    #expect(audit.first?.seq == seq + 1 && audit.first?.check == "chain", "\(audit)")
                }
            }
        }
    }

    @Test("history rewritten from entry k with every hash recomputed: undetectable alone, caught by an earlier checkpoint")
    func rewriteFromK() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 8)
        let allKeys = ["mon": fixture.monKey, "mon2": fixture.mon2Key]
        let candidates = fixture.unsigned("breach") + fixture.unsigned("verification")
        for k in Self.pick(3, from: candidates, &random) {
            // Downplay a breach, or inflate a verification.
            func change(_ entry: Entry) -> Entry? {
                guard entry.seq == k else { return entry }
                var changed = entry
                switch entry.payload {
                case .breach(var breach):
                    breach.severity = breach.severity == .minor ? .grave : .minor
                    changed.payload = .breach(breach)
                case .verification(var verification):
                    verification.measure = .quantity(4999)
                    changed.payload = .verification(verification)
                default:
                    Issue.record("entry \(k) is not a breach or verification")
                }
                return changed
            }

            // An insider holding every key, who also drops the stored checkpoints the rewrite contradicts.
            let path = dir.path("rewrite-\(k).sqlite")
            try Attacker.rewrite(fixture.path, to: path, from: k, keys: allKeys, keepCheckpoint: { $0 < k }, change: change)
            let alone = try AuditRun(accord, path)
            #expect(alone.status == 0, "the documented limit: a consistent rewrite is NOT detected without a checkpoint: \(alone)")
            #expect(alone.entries == fixture.entries)
            let caught = try AuditRun(accord, path, ["--checkpoint", fixture.finalCheckpoint])
            #expect(caught.status == 1, "\(caught)")
            #expect(caught.first?.check == "checkpoint" && caught.first?.seq == fixture.entries, "\(caught)")
            #expect(caught.first?.detail.contains("final.checkpoint is validly signed, and it has root") == true, "\(caught)")
            #expect(caught.first?.detail.contains("history was rewritten") == true, "\(caught)")
            let early = try AuditRun(accord, path, ["--checkpoint", fixture.earlyCheckpoint])
            if fixture.earlySize >= k {
                #expect(early.status == 1 && early.first?.seq == fixture.earlySize, "\(early)")
            } else {
                #expect(early.status == 0, "a checkpoint taken before entry \(k) existed cannot see its rewrite: \(early)")
            }

            // The same rewrite, leaving the stored checkpoints in place: they expose it.
            let keptCheckpoints = dir.path("rewrite-\(k)-kept.sqlite")
            try Attacker.rewrite(fixture.path, to: keptCheckpoints, from: k, keys: allKeys, keepCheckpoint: { _ in true }, change: change)
            let stored = try AuditRun(accord, keptCheckpoints)
            #expect(stored.status == 1, "\(stored)")
            #expect(stored.findings.contains { $0.check == "checkpoint" && $0.seq == fixture.entries && $0.detail.contains("history was rewritten") },
                    "\(stored)")
        }

        // Without the monitors' keys a signed claim cannot be changed: its old signature no longer verifies.
        // (A signature covers the claim, not its place: signed entries carried over unchanged still verify.)
        let firstSigned = fixture.signed("verification").first!
        let outsider = dir.path("rewrite-outsider.sqlite")
        try Attacker.rewrite(fixture.path, to: outsider, from: firstSigned, keys: [:], keepCheckpoint: { $0 < firstSigned }) { entry in
            guard entry.seq == firstSigned, case .verification(var verification) = entry.payload else { return entry }
            verification.measure = .quantity(4999)
            var changed = entry
            changed.payload = .verification(verification)
            return changed
        }
        let audit = try AuditRun(accord, outsider)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.first?.seq == firstSigned && audit.first?.check == "signature", "\(audit)")
    }

    @Test("a dropped guard trigger alone, or a foreign schema object, is a schema finding")
    func schemaOnly() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let dropped = try fixture.copy("dropped.sqlite")
        try Attacker.sql(dropped, "DROP TRIGGER journal_no_update;")
        let audit = try AuditRun(accord, dropped)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.findings.count == 1 && audit.first?.check == "schema" && audit.first?.seq == nil, "\(audit)")
        #expect(audit.first?.detail.contains("trigger journal_no_update is missing") == true, "\(audit)")
        let table = try accord("audit", "--db", dropped)
        #expect(table.status == 1)
        #expect(table.stdout.hasPrefix("TAMPERED: trigger journal_no_update is missing"), "\(table.stdout)")

        let added = try fixture.copy("added.sqlite")
        try Attacker.sql(added, "CREATE TRIGGER quietly AFTER INSERT ON journal BEGIN SELECT 1; END;")
        let second = try AuditRun(accord, added)
        #expect(second.status == 1 && second.first?.check == "schema", "\(second)")
        #expect(second.first?.detail.contains("trigger quietly is not part of the Accord schema") == true, "\(second)")

        // Dropped or reshaped tables are reported, not an error that ends the audit.
        for (name, sql, expected) in [
            ("table", "DROP TABLE invocations;", "table invocations is missing"),
            ("keys", "DROP TRIGGER keys_revoke_only; DROP TABLE keys;", "table keys is missing"),
            ("checkpoints", "DROP TRIGGER checkpoints_no_delete; DROP TRIGGER checkpoints_no_update; DROP TRIGGER checkpoints_one_root; DROP TABLE checkpoints;",
             "table checkpoints is missing"),
            ("column", "ALTER TABLE verifications ADD COLUMN extra TEXT;", "verifications has the columns"),
            ("frontier", "ALTER TABLE merkle_frontier RENAME COLUMN hashes TO edge;", "merkle_frontier cannot be read"),
        ] {
            let path = try fixture.copy("schema-\(name).sqlite")
            try Attacker.sql(path, sql)
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1 && audit.stderr.isEmpty, "\(name): \(audit)")
            #expect(audit.findings.contains { $0.check == "schema" && $0.detail.contains(expected) }, "\(name): \(audit)")
        }
    }

    @Test("a file cut short is storage corruption (exit 2)", arguments: [0.5, 0.9, 0.0005])
    func cutFile(fraction: Double) throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let path = try fixture.copy("cut.sqlite")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(truncate(path, off_t(Double(size) * fraction)) == 0)
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 2, "\(audit)")
        #expect(audit.outcome == "corrupt" && audit.first?.check == "integrity", "\(audit)")
    }

    @Test("audit opens the file read-only: its bytes are unchanged and no -wal or -shm appears")
    func readOnly() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let tampered = try fixture.copy("tampered.sqlite")
        try Attacker.sql(tampered, liftingGuards: ["journal_no_delete"], "DELETE FROM journal WHERE seq = 100;")
        for (path, status) in [(try fixture.copy("clean.sqlite"), Int32(0)), (tampered, Int32(1))] {
            for suffix in ["-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: path + suffix)) }
            let before = try #require(fileBytes(path))
            for options in [[], ["--full"], ["--checkpoint", fixture.finalCheckpoint]] {
                let audit = try AuditRun(accord, path, options)
                #expect(audit.status == status, "\(audit)")
            }
            // A path relative to the working directory, as users type it.
            let relative = try accord("audit", "--db", URL(fileURLWithPath: path).lastPathComponent)
            #expect(relative.status == status, "\(relative.stdout)")
            #expect(fileBytes(path) == before)
            for suffix in ["-wal", "-shm", "-journal"] {
                #expect(!FileManager.default.fileExists(atPath: path + suffix), "\(path)\(suffix) was created")
            }
        }
    }
}

@Suite("Audit with trusted keys")
struct TrustedKeyAuditTests {
    @Test("a rewrite that also drops the checkpoint key's registration is unverifiable alone, tampering with --trusted-key")
    func trustedKeyExposesDisownedCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let registrations = try #require(fixture.seqs["key"])
        let firstKey = try #require(registrations.min())
        // Everything from the first key registration on is cut, consistently.
        let cut = dir.path("disowned.sqlite")
        try Attacker.cut(fixture.path, to: cut, keeping: firstKey - 1, keepCheckpoint: { _ in false })
        let alone = try AuditRun(accord, cut, ["--checkpoint", fixture.finalCheckpoint])
        #expect(alone.status == 3, "no key of this ledger vouches for the checkpoint: \(alone)")
        let trusted = try AuditRun(accord, cut, ["--checkpoint", fixture.finalCheckpoint, "--trusted-key", fixture.mon2Key + ".pub"])
        #expect(trusted.status == 1, "\(trusted)")
        #expect(trusted.first?.check == "checkpoint", "\(trusted)")
        #expect(trusted.first?.detail.contains("entries were cut off") == true, "\(trusted)")
        // A trusted key that did not sign it adds nothing.
        let wrong = try AuditRun(accord, cut, ["--checkpoint", fixture.finalCheckpoint, "--trusted-key", fixture.ghostKey + ".pub"])
        #expect(wrong.status == 3, "\(wrong)")
    }
}
