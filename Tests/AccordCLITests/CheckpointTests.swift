import Crypto
import Foundation
import Testing

/// `accord checkpoint` and `accord audit --checkpoint`, read as an outside
/// verifier reads them: the C2SP tlog-checkpoint body and signed-note
/// signature are parsed and verified here without Accord's code.
@Suite("Checkpoints")
struct CheckpointTests {
    /// A demo ledger with the key `mon` registered; returns the ledger path.
    /// The demo ledger with `keys` registered, `admin` among them as its first admin key.
    static func ledgerWithKey(_ accord: AccordRunner, keys: [String] = ["mon"], admin: String? = nil) throws -> String {
        let path = try KeyTests.demo(accord)
        for name in keys {
            try accord.ok("key", "generate", "--out", "\(name).key")
            if name == admin {
                try accord.ok("key", "admin", "--public", "\(name).key.pub", "--db", "ledger.sqlite")
            } else {
                try accord.ok("key", "register", name, "--public", "\(name).key.pub", "--db", "ledger.sqlite")
            }
        }
        return path
    }

    /// A parsed and verified signed checkpoint.
    struct Note {
        let origin: String
        let size: Int
        let root: [UInt8]
        let body: String
        let signers: [String]
        /// The time its `accord-time` extension line signs.
        let time: String
    }

    /// Parses `text` strictly as https://c2sp.org/tlog-checkpoint in a signed note and
    /// verifies every signature with the public key files given (name → file).
    static func parse(_ text: String, keys: [String: String]) throws -> Note {
        let parts = text.components(separatedBy: "\n\n")
        #expect(parts.count == 2, "one blank line between body and signatures")
        let body = parts[0] + "\n"
        let lines = parts[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Three lines, then one extension line: the time it was signed.
        #expect(lines.count == 4)
        let time = lines.count == 4 && lines[3].hasPrefix("accord-time ") ? String(lines[3].dropFirst("accord-time ".count)) : ""
        #expect(time.count == 24 && time.hasSuffix("Z"), "\(lines)")
        let size = try #require(Int(lines[1]))
        #expect(String(size) == lines[1], "canonical decimal")
        let root = try #require(Data(base64Encoded: lines[2]))
        #expect(root.count == 32 && root.base64EncodedString() == lines[2])
        var signers: [String] = []
        #expect(parts[1].hasSuffix("\n"))
        for line in parts[1].split(separator: "\n") {
            #expect(line.hasPrefix("\u{2014} "))
            let fields = line.dropFirst(2).split(separator: " ")
            #expect(fields.count == 2)
            let name = String(fields[0])
            let blob = try #require(Data(base64Encoded: String(fields[1])))
            #expect(blob.count == 4 + 64)
            let keyFile = try #require(keys[name], "signed by unexpected key \(name)")
            let publicKey = try KeyTests.publicKey(keyFile)
            // key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..<4]
            let id = Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + Array(publicKey.rawRepresentation)).prefix(4))
            #expect(Array(blob.prefix(4)) == id, "key id of \(name)")
            #expect(publicKey.isValidSignature(blob.dropFirst(4), for: Data(body.utf8)), "signature by \(name)")
            signers.append(name)
        }
        return Note(origin: lines[0], size: size, root: Array(root), body: body, signers: signers, time: time)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("a checkpoint is a C2SP signed note: origin accord/<ledger id>, the size, the root the audit computes")
    func format() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.ledgerWithKey(accord)
        let printed = try accord("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite")
        #expect(printed.status == 0, "\(printed.stderr)")
        let note = try Self.parse(printed.stdout, keys: ["mon": dir.path("mon.key.pub")])
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 0, "\(audit)")
        let ledgerID = try #require(audit.json["ledgerId"] as? String)
        #expect(try Attacker.sql(path, "SELECT id FROM ledger;") == [ledgerID])
        #expect(note.origin == "accord/\(ledgerID)")
        #expect(Int64(note.size) == audit.entries)
        #expect(Self.hex(note.root) == audit.root)
        #expect(note.signers == ["mon"])
        // The time is the signer's clock (ACCORD_NOW here), and the stored signed_at is the same.
        #expect(note.time == "2025-07-01T12:00:00.000Z")
        let proof = try #require(JSONSerialization.jsonObject(with: Data(try accord.ok("prove", "inclusion", "1", "--db", "ledger.sqlite").utf8)) as? [String: Any])
        #expect(proof["root"] as? String == audit.root)

        // --out writes the same note to a file; the ledger keeps one row for the size.
        try accord.ok("checkpoint", "--key", "mon.key", "--out", "cp.txt", "--db", "ledger.sqlite")
        let written = try String(contentsOfFile: dir.path("cp.txt"), encoding: .utf8)
        #expect(try Self.parse(written, keys: ["mon": dir.path("mon.key.pub")]).body == note.body)
        #expect(try Attacker.sql(path, "SELECT size, key_name, hex(root), signed_at FROM checkpoints;")
                == ["\(note.size)|mon|\(Self.hex(note.root).uppercased())|\(note.time)"])
        let audited = try AuditRun(accord, path, ["--checkpoint", "cp.txt"])
        #expect(audited.status == 0 && audited.json["storedCheckpoints"] as? Int == 1, "\(audited)")
    }

    @Test("signing twice at one size is idempotent; a second key adds its own row for the same root")
    func idempotent() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.ledgerWithKey(accord, keys: ["mon", "mon2"])
        let keys = ["mon": dir.path("mon.key.pub"), "mon2": dir.path("mon2.key.pub")]
        let first = try Self.parse(try accord.ok("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite"), keys: keys)
        let second = try Self.parse(try accord.ok("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite"), keys: keys)
        #expect(first.body == second.body)
        #expect(try Attacker.sql(path, "SELECT count(*) FROM checkpoints;") == ["1"])
        let other = try Self.parse(try accord.ok("checkpoint", "--key", "mon2.key", "--db", "ledger.sqlite"), keys: keys)
        #expect(other.body == first.body && other.signers == ["mon2"])
        #expect(try Attacker.sql(path, "SELECT count(DISTINCT root), count(*) FROM checkpoints;") == ["1|2"])
        // After another entry, a new size.
        #expect(try KeyTests.log(accord).status == 0)
        let grown = try Self.parse(try accord.ok("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite"), keys: keys)
        #expect(grown.size == first.size + 1 && grown.root != first.root)
        #expect(try AuditRun(accord, path).status == 0)
    }

    @Test("a different root already signed for this size is refused, and nothing is recorded")
    func forkRefused() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.ledgerWithKey(accord)
        let size = try #require(Int(try Attacker.sql(path, "SELECT max(seq) FROM journal;").first ?? ""))
        // As if the ledger had signed another history at this size.
        let fake = String(repeating: "AB", count: 32)
        try Attacker.sql(path, "INSERT INTO checkpoints (size, root, key_name, note, signed_at) VALUES (\(size), X'\(fake)', 'mon', 'forged', '2025-06-30T00:00:00.000Z');")
        let refused = try accord("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite")
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("a checkpoint of size \(size) was already signed with root \(fake.lowercased())"), "\(refused.stderr)")
        #expect(refused.stderr.contains("history was rewritten"))
        #expect(refused.stdout.isEmpty)
        #expect(try Attacker.sql(path, "SELECT count(*) FROM checkpoints;") == ["1"])
        // The trigger refuses it too, whoever writes.
        #expect(throws: Attacker.ShellFailed.self) {
            try Attacker.sql(path, "INSERT INTO checkpoints (size, root, key_name, note, signed_at) VALUES (\(size), X'\(String(repeating: "CD", count: 32))', 'other', 'x', 'y');")
        }
        // The audit names the forged row.
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1 && audit.first?.check == "checkpoint", "\(audit)")
    }

    @Test("a root the stored tree edge gives but the journal's leaves do not is never signed")
    func edgeDisagrees() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.ledgerWithKey(accord)
        var edge = Attacker.unhex(try Attacker.sql(path, "SELECT hex(hashes) FROM merkle_frontier;").first ?? "")
        edge[edge.count - 1] ^= 0x01
        try Attacker.sql(path, "UPDATE merkle_frontier SET hashes = X'\(Attacker.hex(edge))';")
        let refused = try accord("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite")
        #expect(refused.status == 1 && refused.stderr.contains("nothing was signed"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(try Attacker.sql(path, "SELECT count(*) FROM checkpoints;") == ["0"])
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1 && audit.first?.check == "merkle", "\(audit)")
    }

    @Test("only a registered, unrevoked key with the registered bytes signs checkpoints")
    func keysRefused() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        _ = try Self.ledgerWithKey(accord)
        try accord.ok("key", "generate", "--out", "stranger.key")
        let stranger = try accord("checkpoint", "--key", "stranger.key", "--db", "ledger.sqlite")
        #expect(stranger.status == 65 && stranger.stderr.contains("key stranger is not registered"), "\(stranger.stderr)")
        try FileManager.default.createDirectory(atPath: dir.path("impostor"), withIntermediateDirectories: false)
        try accord.ok("key", "generate", "--out", "impostor/mon.key")
        let impostor = try accord("checkpoint", "--key", "impostor/mon.key", "--db", "ledger.sqlite")
        #expect(impostor.status == 65 && impostor.stderr.contains("not the one registered as mon"))
        let missing = try accord("checkpoint", "--db", "ledger.sqlite")
        #expect(missing.status == 64 && missing.stderr.contains("--key FILE"))
        #expect(try Attacker.sql(accord.directory.path("ledger.sqlite"), "SELECT count(*) FROM checkpoints;") == ["0"])
    }

    @Test("audit --checkpoint: another ledger's is a finding; a larger one means entries were cut off; an older one verifies")
    func outsideCheckpoints() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.ledgerWithKey(accord)
        try accord.ok("checkpoint", "--key", "mon.key", "--out", "old.checkpoint", "--db", "ledger.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: dir.path("copy.sqlite"))
        for _ in 0..<3 { #expect(try KeyTests.log(accord).status == 0) }
        try accord.ok("checkpoint", "--key", "mon.key", "--out", "new.checkpoint", "--db", "ledger.sqlite")

        // The ledger grew since the old checkpoint: history only grew.
        let grown = try AuditRun(accord, path, ["--checkpoint", "old.checkpoint", "--checkpoint", "new.checkpoint"])
        #expect(grown.status == 0, "\(grown)")
        // The copy stopped before the new checkpoint: entries were cut off (or not yet copied).
        let cut = try AuditRun(accord, dir.path("copy.sqlite"), ["--checkpoint", "new.checkpoint"])
        #expect(cut.status == 1, "\(cut)")
        let copySize = cut.entries
        #expect(cut.first?.check == "checkpoint" && cut.first?.seq == copySize + 1, "\(cut)")
        #expect(cut.first?.detail == "new.checkpoint is validly signed, and it covers \(copySize + 3) entries but the journal holds only \(copySize): entries were cut off", "\(cut)")

        // Another ledger's checkpoint is a finding: this ledger may be the one it named, rebuilt under a new id.
        try accord.ok("demo", "--db", "other.sqlite")
        let foreign = try AuditRun(accord, dir.path("other.sqlite"), ["--checkpoint", "new.checkpoint"])
        #expect(foreign.status == 1 && foreign.outcome == "tampered" && foreign.stderr.isEmpty, "\(foreign)")
        #expect(foreign.first?.check == "checkpoint", "\(foreign)")
        #expect(foreign.first?.detail.contains("new.checkpoint is a checkpoint of another log (accord/") == true, "\(foreign)")
        // Not a checkpoint at all.
        try "hello\n".write(toFile: dir.path("junk.txt"), atomically: true, encoding: .utf8)
        let junk = try accord("audit", "--db", "ledger.sqlite", "--checkpoint", "junk.txt")
        #expect(junk.status == 65 && junk.stderr.contains("junk.txt is not a signed checkpoint"), "\(junk.stderr)")
        let absent = try accord("audit", "--db", "ledger.sqlite", "--checkpoint", "absent.txt")
        #expect(absent.status == 65 && absent.stderr.contains("absent.txt"), "\(absent.stderr)")
    }

    @Test("an altered or foreign-signed outside checkpoint is reported as such, not as a rewritten ledger")
    func alteredCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let accord = KeyTests.runner(dir)
        let path = try Self.ledgerWithKey(accord)
        let text = try accord.ok("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite")
        var lines = text.components(separatedBy: "\n")
        // Another root, the signature kept.
        lines[2] = Data(repeating: 7, count: 32).base64EncodedString()
        try lines.joined(separator: "\n").write(toFile: dir.path("altered.checkpoint"), atomically: true, encoding: .utf8)
        let altered = try AuditRun(accord, path, ["--checkpoint", "altered.checkpoint"])
        #expect(altered.status == 1, "\(altered)")
        #expect(altered.first?.check == "checkpoint", "\(altered)")
        #expect(altered.first?.detail.contains("the signature by mon does not verify") == true, "\(altered)")
        #expect(altered.first?.detail.contains("history was rewritten") == false, "\(altered)")

        // The right body signed by a key this ledger does not know.
        try accord.ok("key", "generate", "--out", "stranger.key")
        let body = text.components(separatedBy: "\n\n")[0] + "\n"
        let stranger = try String(contentsOfFile: dir.path("stranger.key"), encoding: .utf8)
        let seed = try #require(Data(base64Encoded: String(stranger.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 4)[4])))
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed.dropFirst())
        let id = Array(SHA256.hash(data: Array("stranger".utf8) + [0x0A, 0x01] + Array(key.publicKey.rawRepresentation)).prefix(4))
        let signature = try key.signature(for: Data(body.utf8))
        let foreign = body + "\n\u{2014} stranger " + Data(id + Array(signature)).base64EncodedString() + "\n"
        try foreign.write(toFile: dir.path("stranger.checkpoint"), atomically: true, encoding: .utf8)
        let unknown = try AuditRun(accord, path, ["--checkpoint", "stranger.checkpoint"])
        #expect(unknown.status == 3, "\(unknown)")
        #expect(unknown.first?.detail.contains("signed by no key registered in this ledger") == true, "\(unknown)")
    }
}
