import AccordLedger
import Foundation
import Testing

/// Field ledgers through files: `bundle definitions` → `clone --from-bundle`
/// → offline `log` → `bundle` → `import-bundle` → `import-receipts`, a bundle
/// applied twice, a tampered bundle, and the refusals of the field commands.
@Suite("Field ledgers (files)")
struct FieldCLITests {
    /// The runner, at a time after the demo's last entry.
    static func runner(_ dir: TemporaryDirectory) -> AccordRunner {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-01T12:00:00Z"
        return accord
    }

    /// The tree size and root of a ledger: what a refused command must leave unchanged.
    static func digest(_ path: String) throws -> String {
        let proof = try Ledger.open(at: path, readOnly: true).consistencyProof(oldSize: 1)
        return "\(proof.newSize) \(proof.newRoot.hex)"
    }

    /// The demo mission ledger (ledger.sqlite) with keys `mon` (a monitor's)
    /// and `mission` (signs the receipts' checkpoints), and a field ledger
    /// (field.sqlite) cloned from its definitions bundle.
    static func missionAndField(_ accord: AccordRunner) throws {
        _ = try CheckpointTests.ledgerWithKey(accord, keys: ["mon", "mission"], admin: "mission")
        try accord.ok("bundle", "definitions", "--out", "definitions.json", "--db", "ledger.sqlite")
        let clone = try accord("clone", "--from-bundle", "definitions.json", "--db", "field.sqlite")
        #expect(clone.status == 0, "\(clone.stderr)")
        #expect(clone.stderr.contains("Cloned the mission ledger"), "\(clone.stderr)")
    }

    static func logOffline(_ accord: AccordRunner, id: String, quantity: String = "5") throws {
        try accord.ok("log", "UA-release", "--quantity", quantity, "--observed", "2025-05-30", "--source", "ICRC", "--id", id,
                      "--sign-with", "mon.key", "--db", "field.sqlite")
    }

    /// The push status as JSON rows.
    static func status(_ accord: AccordRunner) throws -> [[String: Any]] {
        let text = try accord.ok("push", "--status", "--format", "json", "--db", "field.sqlite")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    @Test("a bundle carried both ways: entries recorded once, receipts taken back, push --status says accepted")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        try Self.logOffline(accord, id: "field-1")
        try Self.logOffline(accord, id: "field-2", quantity: "7")
        #expect(try Self.status(accord).map { $0["state"] as? String } == ["pending", "pending"])

        let bundle = try accord("bundle", "--out", "push.json", "--db", "field.sqlite")
        #expect(bundle.status == 0, "\(bundle.stderr)")
        #expect(bundle.stderr.contains("Wrote 2 entries"), "\(bundle.stderr)")
        let applied = try accord("import-bundle", "push.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("2 recorded, 0 already recorded, 0 refused"), "\(applied.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("push.receipts.json")))
        let mission = try Self.digest(dir.path("ledger.sqlite"))

        // Applied twice: nothing more.
        let again = try accord("import-bundle", "push.json", "--receipts", "again.json", "--checkpoint-key", "mission.key",
                               "--db", "ledger.sqlite")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("0 recorded, 2 already recorded, 0 refused"), "\(again.stderr)")
        #expect(try Self.digest(dir.path("ledger.sqlite")) == mission)

        let taken = try accord("import-receipts", "push.receipts.json", "--db", "field.sqlite")
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stderr.contains("Stored 2 receipts"), "\(taken.stderr)")
        let rows = try Self.status(accord)
        #expect(rows.map { $0["state"] as? String } == ["accepted", "accepted"], "\(rows)")
        #expect(rows.allSatisfy { $0["missionSeq"] is Int }, "\(rows)")
        // The receipts of the second application are the same entries: stored already.
        let second = try accord("import-receipts", "again.json", "--db", "field.sqlite")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("Stored 0 receipts (2 already stored)"), "\(second.stderr)")

        let nothing = try accord("bundle", "--out", "empty.json", "--db", "field.sqlite")
        #expect(nothing.status == 0)
        #expect(nothing.stderr.contains("Nothing to bundle"), "\(nothing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("empty.json")))
        // Both ledgers still audit clean; the field ledger's audit says what of the mission's word it verified.
        let missionAudit = try accord("audit", "--db", "ledger.sqlite")
        #expect(missionAudit.status == 0 && !missionAudit.stdout.contains("field ledger of mission"))
        let fieldAudit = try accord("audit", "--db", "field.sqlite")
        #expect(fieldAudit.status == 0, "\(fieldAudit.stderr)")
        #expect(fieldAudit.stdout.range(of: #"field ledger of mission \S+: [1-9][0-9]* receipts? and 0 refusals verified against "#
                                        + "mission admin keys", options: .regularExpression) != nil, "\(fieldAudit.stdout)")
    }

    @Test("pull --from-bundle: the definitions recorded since, proved by an admin key; those already held are skipped; unproved ones are refused")
    func pullFromBundle() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        try accord.ok("party", "add", "OSCE", "--name", "OSCE SMM", "--kind", "organisation", "--db", "ledger.sqlite")
        // The field ledger holds the mission's admin key: a bundle nobody proved is refused, and nothing adopted.
        try accord.ok("bundle", "definitions", "--out", "carried.json", "--db", "ledger.sqlite")
        let carried = try accord("pull", "--from-bundle", "carried.json", "--db", "field.sqlite")
        #expect(carried.status == 65 && carried.stderr.contains("admin keys (mission)"), "\(carried.stderr)")
        try accord.ok("bundle", "definitions", "--out", "all.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        let pulled = try accord("pull", "--from-bundle", "all.json", "--db", "field.sqlite")
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stderr.contains("Pulled 1 definition from all.json (proved in a checkpoint signed by a mission admin key)"),
                "\(pulled.stderr)")
        let again = try accord("pull", "--from-bundle", "all.json", "--db", "field.sqlite")
        #expect(again.stderr.contains("Pulled 0 definitions"), "\(again.stderr)")
        // The new party is there to log against, offline.
        #expect(try accord.ok("party", "list", "--db", "field.sqlite").contains("OSCE SMM"))
        let refused = try accord("pull", "--from-bundle", "all.json", "--token", "t", "--db", "field.sqlite")
        #expect(refused.status == 64, "\(refused.stderr)")
    }

    @Test("a reviewer without a network: bundle definitions --evidence (only with an admin key) → pull --from-bundle adopts the monitors' evidence, proved; a record pushed from the field is not copied twice; the report is the mission's")
    func reviewerEvidenceByBundle() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        try Self.logOffline(accord, id: "field-1")
        try accord.ok("bundle", "--out", "push.json", "--db", "field.sqlite")
        try accord.ok("import-bundle", "push.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        try accord.ok("import-receipts", "push.receipts.json", "--db", "field.sqlite")
        let unproved = try accord("bundle", "definitions", "--evidence", "--out", "e.json", "--db", "ledger.sqlite")
        #expect(unproved.status == 64 && unproved.stderr.contains("--evidence needs --checkpoint-key"), "\(unproved.stderr)")
        #expect(try accord("pull", "--evidence", "--from-bundle", "x.json", "--db", "field.sqlite").status == 64)
        try accord.ok("bundle", "definitions", "--evidence", "--out", "evidence.json", "--checkpoint-key", "mission.key",
                      "--db", "ledger.sqlite")
        // The monitor's own field ledger turns into a reviewer's: its own record has a receipt, the rest is copied.
        let pulled = try accord("pull", "--from-bundle", "evidence.json", "--db", "field.sqlite")
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stderr.contains("entries of the mission's evidence as read-only copies"), "\(pulled.stderr)")
        #expect(try Self.status(accord).map { $0["state"] as? String } == ["accepted"], "copies are not listed as its own")
        let mission = try accord.ok("report", "--at", "2025-06-30", "--format", "csv", "--db", "ledger.sqlite")
        let field = try accord.ok("report", "--at", "2025-06-30", "--format", "csv", "--db", "field.sqlite")
        #expect(mission == field)
        let heading = try accord.ok("report", "--at", "2025-06-30", "--db", "field.sqlite")
        #expect(heading.contains("of the mission's evidence as of mission seq") && heading.contains("(as this file says; read-only copies, each with the mission's receipt)"), "\(heading)")
        let audit = try accord("audit", "--db", "field.sqlite")
        #expect(audit.status == 0 && audit.stdout.contains("adopted copies of the mission's evidence"), "\(audit.stdout)")
        // A bundle whose evidence was passed off as definitions only is refused whole; nothing changes.
        let before = try Self.digest(dir.path("field.sqlite"))
        let text = try String(contentsOfFile: dir.path("evidence.json"), encoding: .utf8)
        try text.replacingOccurrences(of: "\"evidence\": true", with: "\"evidence\": false")
            .write(toFile: dir.path("forged.json"), atomically: true, encoding: .utf8)
        let forged = try accord("pull", "--from-bundle", "forged.json", "--db", "field.sqlite")
        #expect(forged.status == 65 && forged.stderr.contains("not a definition"), "\(forged.stderr)")
        #expect(try Self.digest(dir.path("field.sqlite")) == before)

        // The seq the adopted evidence is as of is the file's word: said so, in text and JSON, whatever the file says.
        for evidenceSeq in ["5000", "NULL"] {
            try sqlite(dir.path("field.sqlite"), "UPDATE field_origin SET evidence_seq = \(evidenceSeq)")
            let said = try accord.ok("report", "--at", "2025-06-30", "--db", "field.sqlite")
            #expect(said.contains("of the mission's evidence as of mission seq") && said.contains("(as this file says; read-only"),
                    "\(evidenceSeq): \(said.prefix(600))")
            let json = try accord.ok("report", "--at", "2025-06-30", "--format", "json", "--db", "field.sqlite")
            #expect(json.contains("\"evidenceSeqVerified\": false"), "\(evidenceSeq): \(json.prefix(900))")
        }
    }

    @Test("a bundle with one altered byte is refused whole, naming the entry; nothing is written")
    func tamperedBundle() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        try Self.logOffline(accord, id: "field-1")
        try Self.logOffline(accord, id: "field-2", quantity: "7")
        try accord.ok("bundle", "--out", "push.json", "--db", "field.sqlite")
        var bytes = try #require(fileBytes(dir.path("push.json")))
        // One byte inside the second entry's claim (base64), changed to another base64 letter.
        let text = String(decoding: bytes, as: UTF8.self)
        let claims = text.ranges(of: "\"claim\": \"")
        try #require(claims.count == 2, "\(text)")
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: claims[1].upperBound) + 20
        bytes[offset] = bytes[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try bytes.write(to: URL(fileURLWithPath: dir.path("push.json")))

        let before = try Self.digest(dir.path("ledger.sqlite"))
        let refused = try accord("import-bundle", "push.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.hasPrefix("Error: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("/entries/1"), "the refusal names the entry: \(refused.stderr)")
        #expect(try Self.digest(dir.path("ledger.sqlite")) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.path("push.receipts.json")))

        // One byte of the first entry's signature: the digest no longer matches, and the signature names the entry.
        try accord.ok("bundle", "--out", "push2.json", "--db", "field.sqlite")
        var signed = try #require(fileBytes(dir.path("push2.json")))
        let signedText = String(decoding: signed, as: UTF8.self)
        let signature = try #require(signedText.ranges(of: "\"signature\": \"").first)
        let at = signedText.utf8.distance(from: signedText.utf8.startIndex, to: signature.upperBound) + 10
        signed[at] = signed[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try signed.write(to: URL(fileURLWithPath: dir.path("push2.json")))
        let forged = try accord("import-bundle", "push2.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        #expect(forged.status == 65 && forged.stderr.contains("/entries/0/signature (field entry")
                && forged.stderr.contains("does not verify"), "\(forged.stderr)")
        #expect(try Self.digest(dir.path("ledger.sqlite")) == before)
    }

    @Test("refusals: an existing file, a ledger that is not a field ledger, a missing token, a bad URL, no --out")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        let before = try Self.digest(dir.path("field.sqlite"))
        var outcome = try accord("clone", "--from-bundle", "definitions.json", "--db", "field.sqlite")
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("field.sqlite already exists"), "\(outcome.stderr)")
        #expect(try Self.digest(dir.path("field.sqlite")) == before)

        outcome = try accord("clone", "--db", "other.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        outcome = try accord("clone", "ftp://example.org", "--token", "t", "--db", "other.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        outcome = try accord("clone", "http://user:secret@127.0.0.1:9", "--db", "other.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("without a user or token"), "\(outcome.stderr)")
        outcome = try accord(["clone", "http://127.0.0.1:9", "--db", "other.sqlite"], extraEnvironment: ["ACCORD_TOKEN": ""])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--token"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("other.sqlite")))
        outcome = try accord("clone", "--from-bundle", "no-such.json", "--db", "other.sqlite")
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("no-such.json"), "\(outcome.stderr)")

        // The mission ledger is not a field ledger.
        outcome = try accord("push", "--token", "t", "--remote", "http://127.0.0.1:9", "--db", "ledger.sqlite")
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("not a field ledger"), "\(outcome.stderr)")
        // Cloned from a bundle: no server to push to.
        try Self.logOffline(accord, id: "field-1")
        outcome = try accord("push", "--token", "t", "--db", "field.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--remote"), "\(outcome.stderr)")
        // Nothing listens there: try again later, nothing lost.
        outcome = try accord("push", "--token", "t", "--remote", "http://127.0.0.1:9", "--db", "field.sqlite")
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("cannot reach"), "\(outcome.stderr)")
        #expect(try Self.status(accord).map { $0["state"] as? String } == ["pending"])

        outcome = try accord("bundle", "--db", "field.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        outcome = try accord("import-bundle", "definitions.json", "--receipts", "ledger.sqlite", "--checkpoint-key", "mission.key",
                             "--db", "ledger.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--receipts ledger.sqlite"), "\(outcome.stderr)")
        outcome = try accord("import-bundle", "definitions.json", "--db", "ledger.sqlite")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--checkpoint-key"), "\(outcome.stderr)")
        outcome = try accord("import-receipts", "definitions.json", "--db", "field.sqlite")
        #expect(outcome.status == 65, "\(outcome.stderr)")
    }

    @Test("import-bundle refuses unsigned entries (whoever carried the file could have rewritten them) unless --allow-unsigned")
    func unsignedEntriesCarriedByHand() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        try accord.ok("log", "UA-release", "--quantity", "3", "--observed", "2025-05-30", "--source", "ICRC", "--id", "u-1",
                      "--actor", "kyiv", "--db", "field.sqlite")
        try accord.ok("bundle", "--out", "push.json", "--db", "field.sqlite")
        let refused = try accord("import-bundle", "push.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        #expect(refused.status == 0 && refused.stderr.contains("0 recorded, 0 already recorded, 1 refused"), "\(refused.stderr)")
        #expect(refused.stderr.contains("unsigned entry"), "\(refused.stderr)")
        let allowed = try accord("import-bundle", "push.json", "--allow-unsigned", "--receipts", "again.json",
                                 "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        #expect(allowed.status == 0 && allowed.stderr.contains("1 recorded"), "\(allowed.stderr)")
    }

    @Test("a refused entry voided here leaves the refused ones: push --status says voided, and its void local, nothing to send")
    func refusedThenVoided() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        try accord.ok("log", "UA-release", "--quantity", "3", "--observed", "2025-05-30", "--source", "ICRC", "--id", "u-1",
                      "--actor", "kyiv", "--db", "field.sqlite")
        try Self.logOffline(accord, id: "s-1")
        try accord.ok("bundle", "--out", "push.json", "--db", "field.sqlite")
        try accord.ok("import-bundle", "push.json", "--receipts", "r.json", "--checkpoint-key", "mission.key", "--db", "ledger.sqlite")
        try accord.ok("import-receipts", "r.json", "--db", "field.sqlite")
        var rows = try Self.status(accord)
        #expect(rows.map { $0["state"] as? String } == ["refused", "accepted"], "\(rows)")
        let refused = try #require(rows.first?["seq"] as? Int)
        try accord.ok("void", String(refused), "--reason", "logged unsigned by mistake", "--db", "field.sqlite")
        rows = try Self.status(accord)
        #expect(rows.map { $0["state"] as? String } == ["voided", "accepted", "local"], "\(rows)")
        #expect((rows[0]["reason"] as? String ?? "").hasPrefix("voided here by entry \(refused + 2) (an unsigned entry"), "\(rows)")
        #expect(rows[2]["reason"] as? String == "voids entry \(refused), which the mission ledger never recorded: nothing to send")
        let bundle = try accord("bundle", "--out", "again.json", "--db", "field.sqlite")
        #expect(bundle.status == 0 && bundle.stderr.contains("Nothing to bundle"), "\(bundle.stderr)")
        #expect(try accord("audit", "--db", "field.sqlite").status == 0)
    }

    @Test("a field ledger refuses definitions, invocations and tokens of its own: a push would never carry them")
    func noDefinitionsOfItsOwn() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        try Self.missionAndField(accord)
        let before = try Self.digest(dir.path("field.sqlite"))
        for (arguments, what) in [
            (["party", "add", "FR", "--name", "France"], "add the party on the mission ledger, then pull"),
            (["agreement", "add", "paris", "--title", "Paris"], "add the agreement on the mission ledger, then pull"),
            (["commitment", "add", "FR-aid", "--agreement", "istanbul-2025", "--party", "UA", "--action", "--due", "2025-07-01"],
             "add the commitment on the mission ledger, then pull"),
            (["amend", "commitment", "UA-release", "--effective", "2025-06-01", "--reason", "x", "--target", "5"],
             "amend it on the mission ledger, then pull"),
            (["commitment", "withdraw", "UA-release", "--reason", "x"], "withdraw the commitment on the mission ledger, then pull"),
            (["guarantee", "invoke", "US-sanctions", "--date", "2025-06-05"], "record the invocation on the mission ledger;"),
            (["token", "issue", "--role", "viewer", "--name", "v"], "issue the token on the mission ledger;"),
        ] {
            let outcome = try accord(arguments + ["--db", "field.sqlite"])
            #expect(outcome.status == 65 && outcome.stderr.hasPrefix("Error: this is a field ledger: a push carries only its records")
                    && outcome.stderr.contains(what), "\(arguments): \(outcome.status) \(outcome.stderr)")
        }
        #expect(try Self.digest(dir.path("field.sqlite")) == before)
        // The mission ledger itself still defines.
        try accord.ok("party", "add", "FR", "--name", "France", "--db", "ledger.sqlite")
    }
}
