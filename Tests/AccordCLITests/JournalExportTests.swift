import Crypto
import Foundation
import Testing
@testable import AccordLedger

/// `accord journal export`, checked entry by entry against the stored bytes,
/// and an independent verifier in Python (`verify_journal.py`, written from
/// docs/JOURNAL.md) that must agree with `accord audit`.
@Suite("Journal export")
struct JournalExportTests {
    static let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("verify_journal.py").path

    /// Runs the Python verifier over an export, with extra arguments.
    static func python(_ export: String, _ arguments: [String] = []) throws -> (status: Int32, report: [String: Any]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", verifier] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Feed stdin from another thread: the export is larger than a pipe holds.
        let data = Data(export.utf8)
        let writer = Thread {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = (try? JSONSerialization.jsonObject(with: out)) as? [String: Any] ?? ["unparsed": String(decoding: out, as: UTF8.self)]
        return (process.terminationStatus, report)
    }

    static var pythonHasEd25519: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test("each exported line carries the stored bytes, their leaf hash, the chain, and a signature that verifies")
    func linesMatchTheJournal() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let export = try accord.ok("journal", "export", "--db", fixture.path)
        let lines = export.split(separator: "\n")
        #expect(Int64(lines.count) == fixture.entries)
        let stored = try Attacker.sql(fixture.path, "SELECT e.seq, e.kind, e.recorded_at, e.actor, coalesce(e.signer, ''), hex(j.entry) FROM journal_entries e JOIN journal j ON j.seq = e.seq ORDER BY e.seq;")
        let keys = ["mon": try KeyTests.publicKey(fixture.monKey + ".pub"), "mon2": try KeyTests.publicKey(fixture.mon2Key + ".pub")]
        var previous: String?
        var signed = 0
        for (line, row) in zip(lines, stored) {
            let entry = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(entry.keys) == ["seq", "kind", "bytes", "leafHash", "previousHash", "recordedAt", "actor", "signer", "signature",
                                        "clock", "stateRoot"])
            let columns = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let seq = try #require(entry["seq"] as? Int)
            #expect(String(seq) == columns[0])
            #expect(entry["kind"] as? String == columns[1] && entry["recordedAt"] as? String == columns[2] && entry["actor"] as? String == columns[3])
            let bytes = try #require(Data(base64Encoded: entry["bytes"] as? String ?? ""))
            #expect(Attacker.hex(Array(bytes)) == columns[5], "entry \(seq)")
            let leaf = Attacker.hex(Attacker.leafHash(Array(bytes))).lowercased()
            #expect(entry["leafHash"] as? String == leaf)
            #expect((entry["previousHash"] as? String) == previous, "entry \(seq) chains")
            #expect((previous == nil) == (seq == 1))
            previous = leaf
            if let signer = entry["signer"] as? String {
                #expect(signer == columns[4])
                let signature = try #require(Data(base64Encoded: entry["signature"] as? String ?? ""))
                // Version 2 signs the claim (kind, actor, payload), not the whole entry (docs/JOURNAL.md §5).
                let claim = try Entry.decodeCanonical(Array(bytes)).signedBytes()
                #expect(try #require(keys[signer]).isValidSignature(signature, for: claim), "signature of entry \(seq)")
                signed += 1
            } else {
                #expect(entry["signature"] is NSNull && columns[4].isEmpty)
            }
        }
        #expect(signed == fixture.signer.count)

        // --format json: the same objects in one array.
        let array = try #require(JSONSerialization.jsonObject(with: Data(try accord.ok("journal", "export", "--format", "json", "--db", fixture.path).utf8)) as? [[String: Any]])
        #expect(Int64(array.count) == fixture.entries)
        #expect(array.last?["leafHash"] as? String == previous)
        #expect(try accord("journal", "export", "--format", "csv", "--db", fixture.path).status == 64)
    }

    @Test("a verifier in Python, from the export alone, agrees with the audit on a sound ledger and its proofs")
    func pythonAgreesOnSound() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let audit = try AuditRun(accord, fixture.path)
        let root = try #require(audit.root)
        // The checkpoint's root, in hex.
        let body = try String(contentsOfFile: fixture.finalCheckpoint, encoding: .utf8).components(separatedBy: "\n")
        let checkpointRoot = Attacker.hex(Array(try #require(Data(base64Encoded: body[2])))).lowercased()
        #expect(checkpointRoot == root)
        var proofs: [String] = []
        for (index, arguments) in [["inclusion", "1"], ["inclusion", "300", "--size", "301"], ["inclusion", "\(fixture.entries)"],
                                   ["consistency", "1"], ["consistency", "100", "256"], ["consistency", "\(fixture.earlySize)"]].enumerated() {
            let file = dir.path("proof-\(index).json")
            let proof = try accord(["prove"] + arguments + ["--db", fixture.path])
            #expect(proof.status == 0, "\(proof.stderr)")
            try proof.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            proofs += ["--proof", file]
        }
        let export = try accord.ok("journal", "export", "--db", fixture.path)
        let outside = try Self.python(export, ["--root", checkpointRoot] + proofs)
        #expect(outside.status == 0, "\(outside.report)")
        #expect(outside.report["ok"] as? Bool == true)
        #expect(outside.report["root"] as? String == root)
        #expect((outside.report["entries"] as? NSNumber)?.int64Value == fixture.entries)
        #expect(outside.report["proofsChecked"] as? Int == 6)
        #expect(outside.report["signaturesChecked"] as? Bool == Self.pythonHasEd25519)
        // A wrong root is noticed.
        let wrong = try Self.python(export, ["--root", String(repeating: "0", count: 64)])
        #expect(wrong.status == 1)
    }

    @Test("the Python verifier and the audit agree on tampered journals, down to the first failing entry")
    func pythonAgreesOnTampered() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        var random = SeededGenerator(seed: 9)
        let n = fixture.entries
        var cases: [(String, (String) throws -> Void)] = []
        for seq in TamperTests.pick(2, from: Array(2..<n), &random) {
            cases.append(("payload byte of \(seq)", { path in
                var bytes = try Attacker.entryBytes(path, seq)
                bytes[bytes.count - 3] ^= 0x10
                try Attacker.replaceEntry(path, seq, with: bytes)
            }))
            cases.append(("entry \(seq) deleted", { path in
                try Attacker.sql(path, liftingGuards: ["journal_no_delete"], "DELETE FROM journal WHERE seq = \(seq);")
            }))
            cases.append(("entry \(seq) swapped with \(seq + 1)", { path in
                try Attacker.sql(path, liftingGuards: ["journal_no_update"], """
                    UPDATE journal SET seq = 1000000000 WHERE seq = \(seq);
                    UPDATE journal SET seq = \(seq) WHERE seq = \(seq + 1);
                    UPDATE journal SET seq = \(seq + 1) WHERE seq = 1000000000;
                    """)
            }))
        }
        let signed = TamperTests.pick(2, from: Array(fixture.signer.keys), &random)
        for seq in signed {
            cases.append(("entry \(seq) re-signed by ghost", { path in
                let signature = try Attacker.sign(try Attacker.entryBytes(path, seq), keyFile: fixture.ghostKey)
                try Attacker.sql(path, liftingGuards: ["journal_no_update"], "UPDATE journal SET signature = X'\(Attacker.hex(signature))' WHERE seq = \(seq);")
            }))
        }
        for (index, (label, attack)) in cases.enumerated() {
            let path = try fixture.copy("case-\(index).sqlite")
            try attack(path)
            let audit = try AuditRun(accord, path)
            let outside = try Self.python(try accord.ok("journal", "export", "--db", path))
            #expect(audit.status == 1 && outside.status == 1, "\(label): audit \(audit) python \(outside.report)")
            let pythonFirst = ((outside.report["firstFailure"] as? [String: Any])?["seq"] as? NSNumber)?.int64Value
            if label.contains("re-signed"), !Self.pythonHasEd25519 { continue }
            #expect(pythonFirst != nil && pythonFirst == audit.first?.seq, "\(label): audit \(audit) python \(outside.report)")
        }

        // The documented limit holds for any verifier: a consistent rewrite passes
        // on its own; the root an earlier checkpoint signed exposes it.
        let k = fixture.unsigned("breach")[5]
        let rewritten = dir.path("rewritten.sqlite")
        try Attacker.rewrite(fixture.path, to: rewritten, from: k, keys: ["mon": fixture.monKey, "mon2": fixture.mon2Key],
                             keepCheckpoint: { $0 < k }) { entry in
            guard entry.seq == k, case .breach(var breach) = entry.payload else { return entry }
            breach.severity = breach.severity == .minor ? .grave : .minor
            var changed = entry
            changed.payload = .breach(breach)
            return changed
        }
        let export = try accord.ok("journal", "export", "--db", rewritten)
        #expect(try Self.python(export).status == 0)
        #expect(try AuditRun(accord, rewritten).status == 0)
        let body = try String(contentsOfFile: fixture.finalCheckpoint, encoding: .utf8).components(separatedBy: "\n")
        let signedRoot = Attacker.hex(Array(try #require(Data(base64Encoded: body[2])))).lowercased()
        #expect(try Self.python(export, ["--root", signedRoot]).status == 1)
        #expect(try AuditRun(accord, rewritten, ["--checkpoint", fixture.finalCheckpoint]).status == 1)
    }
}
