import Crypto
import Foundation
import Testing
@testable import AccordLedger

/// Monitor keys through the command line: generate, register, sign, revoke;
/// every refusal; and signatures checked by verifying them (Ed25519 may be
/// randomized, so signature bytes are never compared).
@Suite("Monitor keys")
struct KeyTests {
    /// A runner whose clock is after the demo's last event.
    static func runner(_ dir: TemporaryDirectory) -> AccordRunner {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-01T12:00:00Z"
        return accord
    }

    /// The demo ledger in `dir`, as `ledger.sqlite`.
    static func demo(_ accord: AccordRunner) throws -> String {
        try accord.ok("demo", "--db", "ledger.sqlite")
        return accord.directory.path("ledger.sqlite")
    }

    /// Logs one verification of the demo's UA-release, with extra arguments.
    static func log(_ accord: AccordRunner, _ extra: String...) throws -> Outcome {
        try accord(["log", "UA-release", "--quantity", "5", "--observed", "2025-06-20", "--source", "ICRC", "--db", "ledger.sqlite"] + extra)
    }

    /// The raw Ed25519 public key in a `name+id+base64(0x01 ‖ key)` file, decoded here.
    static func publicKey(_ file: String) throws -> Curve25519.Signing.PublicKey {
        let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: "+", maxSplits: 2)
        #expect(parts.count == 3)
        let raw = try #require(Data(base64Encoded: String(parts[2])))
        #expect(raw.count == 33 && raw.first == 0x01)
        return try Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
    }

    /// `accord journal export`, one dictionary per entry.
    static func export(_ accord: AccordRunner, _ db: String = "ledger.sqlite") throws -> [[String: Any]] {
        try accord.ok("journal", "export", "--db", db).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("generate writes a private key (0600) and its public half, and refuses to overwrite or a bad name")
    func generate() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        let out = try accord("key", "generate", "--out", "alice.key")
        #expect(out.status == 0)
        let publicText = try String(contentsOfFile: dir.path("alice.key.pub"), encoding: .utf8)
        #expect(out.stdout == publicText)
        #expect(publicText.hasPrefix("alice+"))
        let privateText = try String(contentsOfFile: dir.path("alice.key"), encoding: .utf8)
        #expect(privateText.hasPrefix("PRIVATE+KEY+alice+"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path("alice.key"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        _ = try Self.publicKey(dir.path("alice.key.pub"))

        let again = try accord("key", "generate", "--out", "alice.key")
        #expect(again.status == 65 && again.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: dir.path("alice.key"), encoding: .utf8) == privateText)
        let named = try accord("key", "generate", "--out", "b.key", "--name", "bob")
        #expect(named.status == 0 && named.stdout.hasPrefix("bob+"))
        let bad = try accord("key", "generate", "--out", "c.key", "--name", "c+d")
        #expect(bad.status == 65 && bad.stderr.hasPrefix("Error: key name"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("c.key")))
    }

    @Test("register, sign, revoke: signed entries verify; unknown, mismatching and revoked keys are refused")
    func lifecycle() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        let path = try Self.demo(accord)
        try accord.ok("key", "generate", "--out", "mon.key")

        // Not registered yet.
        let unknown = try Self.log(accord, "--sign-with", "mon.key")
        #expect(unknown.status == 65 && unknown.stderr.contains("key mon is not registered"), "\(unknown.stderr)")

        // Registering takes the public file, under its own name, once.
        let privateFile = try accord("key", "register", "mon", "--public", "mon.key", "--db", "ledger.sqlite")
        #expect(privateFile.status == 65 && privateFile.stderr.contains("holds a private key"))
        let wrongName = try accord("key", "register", "monitor", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        #expect(wrongName.status == 65 && wrongName.stderr.contains("names its key 'mon'"))
        let registered = try accord("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        #expect(registered.status == 0 && registered.stderr.contains("key mon registered"))
        let twice = try accord("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        #expect(twice.status == 0 && twice.stderr.contains("nothing written"))

        // A different key that carries the same name.
        try FileManager.default.createDirectory(atPath: dir.path("impostor"), withIntermediateDirectories: false)
        try accord.ok("key", "generate", "--out", "impostor/mon.key")
        let impostor = try accord("key", "register", "mon", "--public", "impostor/mon.key.pub", "--db", "ledger.sqlite")
        #expect(impostor.status == 65 && impostor.stderr.contains("already registered"), "\(impostor.stderr)")
        let mismatch = try Self.log(accord, "--sign-with", "impostor/mon.key")
        #expect(mismatch.status == 65 && mismatch.stderr.contains("not the one registered as mon"))

        // Signed entries: a verification, a breach, a dispute.
        #expect(try Self.log(accord, "--sign-with", "mon.key").status == 0)
        try accord.ok("breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-21", "--severity", "grave",
                      "--source", "HRMMU", "--sign-with", "mon.key", "--db", "ledger.sqlite")
        try accord.ok("dispute", "hrmmu-2025-06-01", "--by", "RU", "--reason", "denied", "--sign-with", "mon.key", "--db", "ledger.sqlite")

        // Revoked: no more signing, nor checkpoints; revoking twice or an unknown key is refused.
        let revoke = try accord("key", "revoke", "mon", "--reason", "laptop lost", "--db", "ledger.sqlite")
        #expect(revoke.status == 0)
        let revokedAt = try #require(Int(revoke.stderr.split(separator: " ")[2].dropLast()))
        let afterRevoke = try Self.log(accord, "--sign-with", "mon.key")
        #expect(afterRevoke.status == 65 && afterRevoke.stderr.contains("key mon was revoked by entry \(revokedAt)"), "\(afterRevoke.stderr)")
        let checkpoint = try accord("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite")
        #expect(checkpoint.status == 65 && checkpoint.stderr.contains("revoked"))
        let again = try accord("key", "revoke", "mon", "--db", "ledger.sqlite")
        #expect(again.status == 65 && again.stderr.contains("already revoked by entry \(revokedAt)"))
        let reRegister = try accord("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        #expect(reRegister.status == 65 && reRegister.stderr.contains("never reused"), "\(reRegister.stderr)")
        let nobody = try accord("key", "revoke", "nobody", "--db", "ledger.sqlite")
        #expect(nobody.status == 65 && nobody.stderr.contains("no key named 'nobody'"))

        // Every signature verifies with the registered public key, and only over its own bytes.
        let key = try Self.publicKey(dir.path("mon.key.pub"))
        let entries = try Self.export(accord)
        let signed = entries.filter { $0["signer"] as? String == "mon" }
        #expect(signed.count == 3)
        for entry in signed {
            let bytes = try #require(Data(base64Encoded: entry["bytes"] as? String ?? ""))
            let signature = try #require(Data(base64Encoded: entry["signature"] as? String ?? ""))
            // Version 2 signs the claim: the kind, the actor and the payload (docs/JOURNAL.md §5).
            let claim = try Entry.decodeCanonical(Array(bytes)).signedBytes()
            #expect(key.isValidSignature(signature, for: claim))
            var altered = claim
            altered[altered.count - 1] ^= 1
            #expect(!key.isValidSignature(signature, for: altered))
            #expect((entry["seq"] as? Int ?? 0) < revokedAt)
        }
        #expect(entries.filter { $0["signer"] is NSNull }.allSatisfy { $0["signature"] is NSNull })
        let kinds = entries.compactMap { $0["kind"] as? String }
        #expect(kinds.filter { $0 == "key.register" }.count == 1 && kinds.filter { $0 == "key.revoke" }.count == 1)

        let audit = try AuditRun(accord, path)
        #expect(audit.status == 0, "\(audit)")
    }

    @Test("an entry signed by a key the journal never registered is unverifiable (exit 3)")
    func unregisteredSigner() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        let path = try Self.demo(accord)
        try accord.ok("key", "generate", "--out", "ghost.key")
        // Slip the key into the projection only (no key.register entry), sign with it, and take it out again.
        let raw = try Self.publicKey(dir.path("ghost.key.pub")).rawRepresentation
        let keyID = String(try String(contentsOfFile: dir.path("ghost.key.pub"), encoding: .utf8).split(separator: "+")[1])
        try Attacker.sql(path, "INSERT INTO keys (name, public_key, key_id, registered_seq) VALUES ('ghost', X'\(Attacker.hex(Array(raw)))', '\(keyID)', 999999);")
        let signed = try Self.log(accord, "--sign-with", "ghost.key")
        #expect(signed.status == 0, "\(signed.stderr)")
        let seq = try #require(Int64(signed.stderr.split(separator: " ")[2].dropLast()))
        try Attacker.sql(path, "DELETE FROM keys WHERE name = 'ghost';")

        let audit = try AuditRun(accord, path)
        #expect(audit.status == 3, "\(audit)")
        #expect(audit.outcome == "unverifiable")
        #expect(audit.findings.count == 1)
        #expect(audit.first?.seq == seq && audit.first?.check == "signature" && audit.first?.outcome == "unverifiable", "\(audit)")
        #expect(audit.first?.detail.contains("signed by ghost, a key this ledger never registered") == true, "\(audit)")
        let table = try accord("audit", "--db", "ledger.sqlite")
        #expect(table.status == 3)
        #expect(table.stdout.hasPrefix("UNVERIFIABLE: entry \(seq): signed by ghost"), "\(table.stdout)")
    }

    @Test("an entry signed after its key's revocation is tampering, even with a valid signature")
    func signedAfterRevocation() throws {
        let dir = try TemporaryDirectory()
        let accord = Self.runner(dir)
        let path = try Self.demo(accord)
        try accord.ok("key", "generate", "--out", "mon.key")
        try accord.ok("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        let revoke = try accord("key", "revoke", "mon", "--db", "ledger.sqlite")
        let revokedAt = try #require(Int64(revoke.stderr.split(separator: " ")[2].dropLast()))
        // Whoever holds the lost key un-revokes it in the projection, signs, and re-revokes it.
        try Attacker.sql(path, liftingGuards: ["keys_revoke_only"], "UPDATE keys SET revoked_seq = NULL WHERE name = 'mon';")
        let signed = try Self.log(accord, "--sign-with", "mon.key")
        #expect(signed.status == 0, "\(signed.stderr)")
        let seq = try #require(Int64(signed.stderr.split(separator: " ")[2].dropLast()))
        try Attacker.sql(path, liftingGuards: ["keys_revoke_only"], "UPDATE keys SET revoked_seq = \(revokedAt) WHERE name = 'mon';")

        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.first?.seq == seq && audit.first?.check == "signature", "\(audit)")
        #expect(audit.first?.detail.contains("signed by mon, which was revoked by entry \(revokedAt)") == true, "\(audit)")
    }
}
