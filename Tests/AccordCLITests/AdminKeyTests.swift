import AccordTrust
import Foundation
import Testing
@testable import AccordFiles
@testable import AccordLedger

/// Admin keys through the command line (issue 11, finding 7): who may
/// register and revoke keys, proof of possession, the actor a signed entry
/// may carry, `audit --require-signed`, and the audit's verdict on a journal
/// forged past those rules.
@Suite("Admin keys")
struct AdminKeyTests {
    /// The demo ledger (`ledger.sqlite`) given admin key `admin`, and monitor
    /// key `mon` registered from its request (signing also for `forActors`).
    static func adminLedger(_ accord: AccordRunner, forActors: [String] = []) throws -> String {
        let path = try KeyTests.demo(accord)
        try accord.ok("key", "generate", "--out", "admin.key")
        try accord.ok("key", "admin", "--public", "admin.key.pub", "--db", "ledger.sqlite")
        try accord.ok("key", "generate", "--out", "mon.key")
        try accord.ok(["key", "request", "--key", "mon.key", "--out", "mon.request", "--db", "ledger.sqlite"]
                      + forActors.flatMap { ["--for", $0] })
        try accord.ok("key", "register", "--request", "mon.request", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        return path
    }

    /// The number of journal entries.
    static func size(_ path: String) throws -> Int {
        Int(try Attacker.sql(path, "SELECT count(*) FROM journal;").first ?? "") ?? -1
    }

    /// The seq in "Recorded entry N: …".
    static func seq(_ outcome: Outcome) throws -> Int64 {
        try #require(Int64(outcome.stderr.split(separator: " ")[2].dropLast()), "\(outcome.stderr)")
    }

    @Test("init --admin-key registers the admin key as entry 2; key admin is refused once a ledger has one")
    func initWithAdmin() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        try accord.ok("key", "generate", "--out", "admin.key")
        let created = try accord("init", "--db", "new.sqlite", "--admin-key", "admin.key.pub")
        #expect(created.status == 0 && created.stderr.contains("with admin key admin (entry 2)"), "\(created.stderr)")
        let entries = try KeyTests.export(accord, "new.sqlite")
        #expect(entries.map { $0["kind"] as? String } == ["ledger.create", "key.register"])
        // One transaction: only entry 2 carries a state root.
        #expect(entries[0]["stateRoot"] is NSNull && entries[1]["stateRoot"] is String)
        #expect(try Attacker.sql(dir.path("new.sqlite"), "SELECT name, role FROM keys;") == ["admin|admin"])

        // Again with the same key: nothing to do; with another, or with key admin: refused, nothing written.
        #expect(try accord("init", "--db", "new.sqlite", "--admin-key", "admin.key.pub").status == 0)
        try accord.ok("key", "generate", "--out", "other.key")
        let other = try accord("init", "--db", "new.sqlite", "--admin-key", "other.key.pub")
        #expect(other.status == 65 && other.stderr.contains("already a ledger, without admin key other"), "\(other.stderr)")
        let second = try accord("key", "admin", "--public", "other.key.pub", "--db", "new.sqlite")
        #expect(second.status == 65 && second.stderr.contains("already has an admin key (admin, entry 2)"), "\(second.stderr)")
        #expect(try Self.size(dir.path("new.sqlite")) == 2)
        #expect(try AuditRun(accord, dir.path("new.sqlite")).status == 0)

        // A public key file that is not one: no ledger is made.
        let bad = try accord("init", "--db", "none.sqlite", "--admin-key", "admin.key")
        #expect(bad.status == 65 && !FileManager.default.fileExists(atPath: dir.path("none.sqlite")))
    }

    @Test("on a ledger with an admin key, a registration that no admin key signs is refused")
    func registerNeedsAdmin() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.adminLedger(accord)
        try accord.ok("key", "generate", "--out", "rogue.key", "--name", "ICRC-HQ")
        try accord.ok("key", "request", "--key", "rogue.key", "--out", "rogue.request")
        let before = try Self.size(path)

        let plain = try accord("key", "register", "ICRC-HQ", "--public", "rogue.key.pub", "--db", "ledger.sqlite")
        #expect(plain.status == 65 && plain.stderr.contains("this ledger has admin keys (admin): to register a key, sign"), "\(plain.stderr)")
        let request = try accord("key", "register", "--request", "rogue.request", "--db", "ledger.sqlite")
        #expect(request.status == 65 && request.stderr.contains("sign the entry with one (--sign-with ADMIN.key)"))
        let byMonitor = try accord("key", "register", "--request", "rogue.request", "--sign-with", "mon.key", "--db", "ledger.sqlite")
        #expect(byMonitor.status == 65 && byMonitor.stderr.contains("key mon is not an admin key"), "\(byMonitor.stderr)")
        // Registering oneself as an admin, or a second "first" admin, is refused too.
        let adminRequest = try accord("key", "admin", "--request", "rogue.request", "--db", "ledger.sqlite")
        #expect(adminRequest.status == 65)
        let selfAdmin = try accord("key", "admin", "--public", "rogue.key.pub", "--db", "ledger.sqlite")
        #expect(selfAdmin.status == 65 && selfAdmin.stderr.contains("already has an admin key"))
        #expect(try Self.size(path) == before)

        // The admin registers it; a further admin only from an admin-role request, signed by an admin.
        let done = try accord("key", "register", "--request", "rogue.request", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(done.status == 0 && done.stderr.contains("key ICRC-HQ registered"), "\(done.stderr)")
        try accord.ok("key", "generate", "--out", "admin2.key")
        try accord.ok("key", "request", "--key", "admin2.key", "--role", "admin", "--out", "admin2.request")
        let byHQ = try accord("key", "register", "--request", "admin2.request", "--sign-with", "rogue.key", "--db", "ledger.sqlite")
        #expect(byHQ.status == 65 && byHQ.stderr.contains("not an admin key"))
        let admin2 = try accord("key", "register", "--request", "admin2.request", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(admin2.status == 0 && admin2.stderr.contains("admin key admin2 registered"), "\(admin2.stderr)")
        try accord.ok("key", "generate", "--out", "late.key")
        try accord.ok("key", "request", "--key", "late.key", "--out", "late.request")
        try accord.ok("key", "register", "--request", "late.request", "--sign-with", "admin2.key", "--db", "ledger.sqlite")
        #expect(try Attacker.sql(path, "SELECT name, role, actors FROM keys ORDER BY registered_seq;")
                == ["admin|admin|", "mon|monitor|", "ICRC-HQ|monitor|", "admin2|admin|", "late|monitor|"])
        #expect(try AuditRun(accord, path).status == 0)
    }

    @Test("a registration without a proof of possession, or with one that does not verify, is refused")
    func possession() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.adminLedger(accord)
        try accord.ok("key", "generate", "--out", "new.key")
        try accord.ok("key", "generate", "--out", "other.key")
        let before = try Self.size(path)

        // The admin holds only the public key file: no proof.
        let noProof = try accord("key", "register", "new", "--public", "new.key.pub", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(noProof.status == 65 && noProof.stderr.contains("proof of possession"), "\(noProof.stderr)")

        let line = try accord.ok("key", "request", "--key", "new.key").trimmingCharacters(in: .newlines)
        let fields = line.split(separator: " ").map(String.init)
        #expect(fields.count == 5 && fields[0] == "accord-key-request-v1" && fields[2] == "monitor" && fields[3] == "-", "\(line)")
        let otherFields = try accord.ok("key", "request", "--key", "other.key").split(separator: " ").map(String.init)
        // Altered after it was signed: another actor, another role, another key's proof, a proof flipped by one bit.
        var flipped = Array(try #require(Data(base64Encoded: fields[4])))
        flipped[10] ^= 1
        let altered = [
            [fields[0], fields[1], fields[2], "ICRC", fields[4]],
            [fields[0], fields[1], "admin", fields[3], fields[4]],
            [fields[0], fields[1], fields[2], fields[3], otherFields[4].trimmingCharacters(in: .newlines)],
            [fields[0], fields[1], fields[2], fields[3], Data(flipped).base64EncodedString()],
        ]
        for (index, parts) in altered.enumerated() {
            try (parts.joined(separator: " ") + "\n").write(toFile: dir.path("altered-\(index).request"), atomically: true, encoding: .utf8)
            let refused = try accord("key", "register", "--request", "altered-\(index).request", "--sign-with", "admin.key",
                                     "--db", "ledger.sqlite")
            #expect(refused.status == 65 && refused.stderr.contains("proof of possession of key new does not verify"),
                    "request \(index): \(refused.stderr)")
        }
        let garbage = try accord("key", "register", "--request", "new.key.pub", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(garbage.status == 65 && garbage.stderr.contains("is not a key request"), "\(garbage.stderr)")
        #expect(try Self.size(path) == before)

        try (line + "\n").write(toFile: dir.path("new.request"), atomically: true, encoding: .utf8)
        let wrongName = try accord("key", "register", "newer", "--request", "new.request", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(wrongName.status == 65 && wrongName.stderr.contains("requests key new, not newer"))
        try accord.ok("key", "register", "--request", "new.request", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(try AuditRun(accord, path).status == 0)
    }

    @Test("only an admin key revokes a key, and never the last admin key")
    func revokeNeedsAdmin() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.adminLedger(accord)
        try accord.ok("key", "generate", "--out", "other.key")
        try accord.ok("key", "request", "--key", "other.key", "--out", "other.request")
        try accord.ok("key", "register", "--request", "other.request", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        let before = try Self.size(path)

        let byMonitor = try accord("key", "revoke", "other", "--sign-with", "mon.key", "--db", "ledger.sqlite")
        #expect(byMonitor.status == 65 && byMonitor.stderr.contains("key mon is not an admin key"), "\(byMonitor.stderr)")
        let unsigned = try accord("key", "revoke", "other", "--db", "ledger.sqlite")
        #expect(unsigned.status == 65 && unsigned.stderr.contains("to revoke a key, sign the entry with one"))
        let ownKey = try accord("key", "revoke", "mon", "--sign-with", "mon.key", "--db", "ledger.sqlite")
        #expect(ownKey.status == 65)
        let lastAdmin = try accord("key", "revoke", "admin", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(lastAdmin.status == 65 && lastAdmin.stderr.contains("last admin key"), "\(lastAdmin.stderr)")
        #expect(try Self.size(path) == before)

        let revoked = try accord("key", "revoke", "other", "--reason", "left the mission", "--sign-with", "admin.key", "--db", "ledger.sqlite")
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let after = try KeyTests.log(accord, "--sign-with", "other.key")
        #expect(after.status == 65 && after.stderr.contains("was revoked"))
        #expect(try AuditRun(accord, path).status == 0)
    }

    @Test("a signed entry's actor is its key's name or one the key was registered for; it defaults to the key's name")
    func actorRule() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.adminLedger(accord, forActors: ["ICRC", "ICRC-HQ"])
        let before = try Self.size(path)
        let asIcrc = try KeyTests.log(accord, "--sign-with", "mon.key", "--actor", "icrc")
        #expect(asIcrc.status == 65, "\(asIcrc.stderr)")
        #expect(asIcrc.stderr.contains("--actor icrc: key mon signs only as mon, ICRC, ICRC-HQ"), "\(asIcrc.stderr)")
        let asAdmin = try accord("party", "add", "XX", "--name", "X", "--sign-with", "mon.key", "--actor", "admin", "--db", "ledger.sqlite")
        #expect(asAdmin.status == 65)
        // ACCORD_ACTOR is set (tester) but a signed entry takes the key's name.
        let plain = try KeyTests.log(accord, "--sign-with", "mon.key")
        #expect(plain.status == 0, "\(plain.stderr)")
        let forICRC = try KeyTests.log(accord, "--sign-with", "mon.key", "--actor", "ICRC")
        #expect(forICRC.status == 0, "\(forICRC.stderr)")
        let unsigned = try KeyTests.log(accord)
        #expect(unsigned.status == 0)
        let entries = try KeyTests.export(accord).suffix(3)
        #expect(entries.map { $0["actor"] as? String } == ["mon", "ICRC", "tester"])
        #expect(entries.map { $0["signer"] as? String } == ["mon", "mon", nil])
        #expect(try Self.size(path) == before + 3)
        #expect(try AuditRun(accord, path).status == 0)

        // A token's name is the actor of its entries: a token bound to mon must be named for an actor mon signs as.
        let misnamed = try accord("token", "issue", "--role", "monitor", "--name", "field-x", "--key", "mon", "--db", "ledger.sqlite")
        #expect(misnamed.status == 65, "\(misnamed.stderr)")
        #expect(misnamed.stderr.contains("key mon signs only as mon, ICRC, ICRC-HQ"), "\(misnamed.stderr)")
        #expect(try Self.size(path) == before + 3)
        let named = try accord("token", "issue", "--role", "monitor", "--name", "ICRC", "--key", "mon", "--db", "ledger.sqlite")
        #expect(named.status == 0, "\(named.stderr)")

        // Without admin keys, --actor is free as before; --sign-with alone still records as the key's name.
        let other = try TemporaryDirectory()
        let free = KeyTests.runner(other)
        _ = try KeyTests.demo(free)
        try free.ok("key", "generate", "--out", "mon.key")
        try free.ok("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        #expect(try KeyTests.log(free, "--sign-with", "mon.key", "--actor", "icrc").status == 0)
        #expect(try KeyTests.log(free, "--sign-with", "mon.key").status == 0)
        #expect(try KeyTests.export(free).suffix(2).map { $0["actor"] as? String } == ["icrc", "mon"])
        #expect(try AuditRun(free, other.path("ledger.sqlite")).status == 0)
    }

    @Test("audit --require-signed fails on each unsigned evidence entry recorded after the first admin key, and only those")
    func requireSigned() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.adminLedger(accord)
        let unsigned = try Self.seq(try KeyTests.log(accord))
        #expect(try KeyTests.log(accord, "--sign-with", "mon.key").status == 0)
        try accord.ok("party", "add", "XX", "--name", "Definitions need no signature", "--db", "ledger.sqlite")
        let dispute = try Self.seq(try accord("dispute", "hrmmu-2025-06-01", "--by", "RU", "--reason", "denied", "--db", "ledger.sqlite"))

        let plain = try AuditRun(accord, path)
        #expect(plain.status == 0, "\(plain)")
        let admin = try #require(plain.json["admin"] as? [String: Any])
        #expect(admin["since"] as? Int == 32 && admin["signedEvidence"] as? Int == 1 && admin["unsignedEvidence"] as? Int == 2, "\(admin)")
        #expect(plain.json["requireSigned"] as? Bool == false)

        let strict = try AuditRun(accord, path, ["--require-signed"])
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.outcome == "tampered")
        // The demo's 31 unsigned entries came before the admin key; definitions are not evidence.
        #expect(strict.findings.map(\.seq) == [unsigned, dispute], "\(strict)")
        #expect(strict.findings.allSatisfy { $0.check == "signature" && $0.detail.contains("--require-signed requires every evidence entry") })
        #expect(strict.first?.detail.contains("an unsigned verification entry") == true, "\(strict)")
        if JournalExportTests.pythonHasEd25519 {
            let export = try accord.ok("journal", "export", "--db", "ledger.sqlite")
            #expect(try JournalExportTests.python(export).status == 0)
            let python = try JournalExportTests.python(export, ["--require-signed"])
            #expect(python.status == 1 && ((python.report["firstFailure"] as? [String: Any])?["seq"] as? NSNumber)?.int64Value == unsigned,
                    "\(python.report)")
        }
        let table = try accord("audit", "--require-signed", "--db", "ledger.sqlite")
        #expect(table.status == 1 && table.stdout.hasPrefix("TAMPERED: entry \(unsigned): an unsigned verification entry"), "\(table.stdout)")

        // A ledger without an admin key cannot say whose signatures count: unverifiable.
        let other = try TemporaryDirectory()
        let free = KeyTests.runner(other)
        _ = try KeyTests.demo(free)
        let none = try AuditRun(free, other.path("ledger.sqlite"), ["--require-signed"])
        #expect(none.status == 3 && none.first?.check == "signature" && none.first?.detail.contains("no admin key") == true, "\(none)")
        #expect(try AuditRun(free, other.path("ledger.sqlite")).status == 0)
    }

    /// The ledger `ledger.sqlite` in `dir`, plus one unsigned entry (`party
    /// add XX`) at its end, rewritten by a careful attacker (every hash, root
    /// and projection recomputed) with that entry replaced by `forged`.
    static func forge(_ dir: TemporaryDirectory, _ accord: AccordRunner, _ name: String,
                      _ forged: (Entry) throws -> Entry) throws -> (path: String, seq: Int64) {
        let source = dir.path("ledger.sqlite")
        var seq = Int64(try size(source))
        if (try KeyTests.export(accord).last?["kind"] as? String) != "party.add" {
            seq = try Self.seq(try accord("party", "add", "XX", "--name", "Placeholder", "--db", "ledger.sqlite"))
        }
        let target = dir.path(name)
        var failure: Error?
        let keys = ["mon", "admin"].filter { FileManager.default.fileExists(atPath: dir.path("\($0).key")) }
        try Attacker.rewrite(source, to: target, from: seq, keys: Dictionary(uniqueKeysWithValues: keys.map { ($0, dir.path("\($0).key")) }),
                             keepCheckpoint: { _ in true }) { entry in
            guard entry.seq == seq else { return entry }
            do { return try forged(entry) } catch {
                failure = error
                return entry
            }
        }
        if let failure { throw failure }
        return (target, seq)
    }

    /// A registration of key `rogue` (from `rogue.key`), with a proof of possession signed by `proofKey`.
    static func registration(_ dir: TemporaryDirectory, role: KeyRole = .monitor, proofKey: String? = "rogue.key") throws -> KeyRegistration {
        if !FileManager.default.fileExists(atPath: dir.path("rogue.key")) {
            _ = try Keys.generate(name: "rogue", path: dir.path("rogue.key"))
            _ = try Keys.generate(name: "rogue", path: dir.path("thief.key"))
        }
        let rogue = try Keys.signingKey(at: dir.path("rogue.key"))
        var registration = KeyRegistration(name: "rogue", publicKey: rogue.verifierKey.publicKeyBytes, role: role)
        if let proofKey {
            registration.possession = try Keys.signingKey(at: dir.path(proofKey)).signature(for: registration.possessionMessage)
        }
        return registration
    }

    /// A journal entry in place of `original`, with another payload, signer and actor.
    static func entry(_ original: Entry, _ payload: Payload, signer: String?, actor: String) -> Entry {
        Entry(seq: original.seq, recordedAt: original.recordedAt, clock: original.clock, actor: actor,
              previousHash: original.previousHash, signer: signer, payload: payload)
    }

    @Test("the audit names key entries forged into the journal past the admin rules, and entries signed as another actor")
    func forgedKeyEntries() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        _ = try Self.adminLedger(accord)
        let entry = Self.entry
        let cases: [(name: String, check: String, detail: String, forge: (Entry) throws -> Entry)] = [
            ("unsigned", "key", "registers key rogue without a signature", { e in
                entry(e, .keyRegister(try Self.registration(dir)), nil, "tester") }),
            ("by-monitor", "key", "registers key rogue, signed by mon, which is not an admin key", { e in
                entry(e, .keyRegister(try Self.registration(dir)), "mon", "mon") }),
            ("admin-by-monitor", "key", "which is not an admin key", { e in
                entry(e, .keyRegister(try Self.registration(dir, role: .admin)), "mon", "mon") }),
            ("no-proof", "key", "registers key rogue without a proof of possession", { e in
                entry(e, .keyRegister(try Self.registration(dir, proofKey: nil)), "admin", "admin") }),
            ("wrong-proof", "key", "the proof of possession of key rogue does not verify", { e in
                entry(e, .keyRegister(try Self.registration(dir, proofKey: "thief.key")), "admin", "admin") }),
            ("revoke-unsigned", "key", "revokes key mon without a signature", { e in
                entry(e, .keyRevoke(KeyRevocation(name: "mon", reason: "forged")), nil, "tester") }),
            ("revoke-by-monitor", "key", "revokes key admin, signed by mon, which is not an admin key", { e in
                entry(e, .keyRevoke(KeyRevocation(name: "admin", reason: nil)), "mon", "mon") }),
            ("other-actor", "signature", "signed by mon as 'icrc', an actor that key was not registered for", { e in
                entry(e, e.payload, "mon", "icrc") }),
        ]
        for item in cases {
            let (path, seq) = try Self.forge(dir, accord, "\(item.name).sqlite", item.forge)
            let audit = try AuditRun(accord, path)
            #expect(audit.status == 1, "\(item.name): \(audit)")
            #expect(audit.first?.seq == seq && audit.first?.check == item.check, "\(item.name): \(audit)")
            #expect(audit.first?.detail.contains(item.detail) == true, "\(item.name): \(audit)")
            // The verifier written from docs/JOURNAL.md alone agrees.
            if JournalExportTests.pythonHasEd25519 {
                let python = try JournalExportTests.python(try accord.ok("journal", "export", "--db", path))
                let failure = python.report["firstFailure"] as? [String: Any]
                #expect(python.status == 1 && (failure?["seq"] as? NSNumber)?.int64Value == seq, "\(item.name): \(python.report)")
            }
        }
        // The same rewrite with a faithful entry, or one the rules allow, verifies: the findings come from the forgery.
        let (faithful, _) = try Self.forge(dir, accord, "faithful.sqlite") { $0 }
        #expect(try AuditRun(accord, faithful).status == 0)
        let (allowed, _) = try Self.forge(dir, accord, "allowed.sqlite") { e in
            entry(e, .keyRegister(try Self.registration(dir)), "admin", "admin")
        }
        #expect(try AuditRun(accord, allowed).status == 0)
        if JournalExportTests.pythonHasEd25519 {
            #expect(try JournalExportTests.python(try accord.ok("journal", "export", "--db", allowed)).status == 0)
        }
    }

    @Test("without an admin key the rules do not apply: an unsigned registration without proof, any actor, verify as before")
    func noAdminNoRules() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        _ = try KeyTests.demo(accord)
        try accord.ok("key", "generate", "--out", "mon.key")
        try accord.ok("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        let (unsigned, _) = try Self.forge(dir, accord, "unsigned.sqlite") { e in
            Self.entry(e, .keyRegister(try Self.registration(dir, proofKey: nil)), signer: nil, actor: "tester")
        }
        #expect(try AuditRun(accord, unsigned).status == 0)
        let (actor, _) = try Self.forge(dir, accord, "actor.sqlite") { e in Self.entry(e, e.payload, signer: "mon", actor: "icrc") }
        #expect(try AuditRun(accord, actor).status == 0)
        // A proof of possession that is there must verify, admin keys or not.
        let (wrong, seq) = try Self.forge(dir, accord, "wrong.sqlite") { e in
            Self.entry(e, .keyRegister(try Self.registration(dir, proofKey: "thief.key")), signer: nil, actor: "tester")
        }
        let audit = try AuditRun(accord, wrong)
        #expect(audit.status == 1 && audit.first?.seq == seq && audit.first?.check == "key", "\(audit)")
        // A request registers without an admin's signature, and --role admin on register makes the first admin.
        try accord.ok("key", "generate", "--out", "req.key")
        try accord.ok("key", "request", "--key", "req.key", "--for", "ICRC", "--out", "req.request")
        let request = try accord("key", "register", "--request", "req.request", "--db", "ledger.sqlite")
        #expect(request.status == 0 && request.stderr.contains("key req registered, signing also as ICRC"), "\(request.stderr)")
        try accord.ok("key", "generate", "--out", "boss.key")
        let boss = try accord("key", "register", "boss", "--public", "boss.key.pub", "--role", "admin", "--db", "ledger.sqlite")
        #expect(boss.status == 0 && boss.stderr.contains("admin key boss registered"), "\(boss.stderr)")
        try accord.ok("key", "generate", "--out", "late.key")
        let after = try accord("key", "register", "late", "--public", "late.key.pub", "--db", "ledger.sqlite")
        #expect(after.status == 65 && after.stderr.contains("this ledger has admin keys (boss)"), "\(after.stderr)")
        #expect(try AuditRun(accord, dir.path("ledger.sqlite")).status == 0)
    }

    @Test("breach listings and exports name the signer, or unsigned; an export with its signer column imports back")
    func signerShown() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        _ = try Self.adminLedger(accord)
        try accord.ok("breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-21", "--severity", "grave",
                      "--source", "HRMMU", "--id", "signed-breach", "--sign-with", "mon.key", "--db", "ledger.sqlite")
        try accord.ok("log", "UA-release", "--quantity", "5", "--observed", "2025-06-20", "--source", "ICRC", "--id", "signed-v",
                      "--sign-with", "mon.key", "--db", "ledger.sqlite")
        try accord.ok("log", "--corroborates", "signed-v", "--source", "Press", "--sign-with", "mon.key", "--db", "ledger.sqlite")

        let json = try #require(JSONSerialization.jsonObject(with: Data(try accord.ok("breaches", "--format", "json", "--db", "ledger.sqlite").utf8))
                                as? [[String: Any]])
        // The demo's two breaches, then the signed one (by observed date).
        #expect(json.map { $0["signer"] as? String } == ["unsigned", "unsigned", "mon"], "\(json)")
        let table = try accord.ok("breaches", "--db", "ledger.sqlite").split(separator: "\n").map(String.init)
        #expect(table[1].contains("STATUS   SIGNER    SOURCE"), "\(table)")
        #expect(table[2].contains(" unsigned ") && table[4].contains(" mon "), "\(table)")
        let csv = try accord.ok("breaches", "--format", "csv", "--db", "ledger.sqlite")
        #expect(csv.hasPrefix("record,") && csv.contains(",recorded_at,signer,dispute\r\n"), "\(csv)")

        let export = try accord.ok("export", "verifications", "--db", "ledger.sqlite")
        #expect(export.hasPrefix("id,") && export.contains(",recorded_at,signer,dispute\r\n"))
        let rows = try accord.ok("export", "verifications", "--format", "ndjson", "--db", "ledger.sqlite").split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let signed = rows.filter { $0["id"] as? String == "signed-v" || $0["corroborates"] as? String == "signed-v" }
        #expect(signed.count == 2 && signed.allSatisfy { $0["signer"] as? String == "mon" }, "\(signed)")
        #expect(rows.filter { $0["signer"] as? String == "unsigned" }.count == rows.count - 2)
        let breachExport = try accord.ok("export", "breaches", "--db", "ledger.sqlite")
        #expect(breachExport.hasPrefix("id,") && breachExport.contains(",recorded_at,signer,dispute\r\n"))

        // Importing the export back: the signer column is read-only, ignored like recorded_at.
        try export.write(toFile: dir.path("verifications.csv"), atomically: true, encoding: .utf8)
        let fresh = try TemporaryDirectory()
        let other = KeyTests.runner(fresh)
        try other.ok("init", "--db", "copy.sqlite")
        for table in ["parties", "agreements", "commitments"] {
            try accord.ok("export", table, "--db", "ledger.sqlite").write(toFile: fresh.path("\(table).csv"), atomically: true, encoding: .utf8)
            try other.ok("import", "\(table).csv", "--db", "copy.sqlite")
        }
        try FileManager.default.copyItem(atPath: dir.path("verifications.csv"), toPath: fresh.path("verifications.csv"))
        let imported = try other("import", "verifications.csv", "--db", "copy.sqlite")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("0 rejected"))
    }
}
