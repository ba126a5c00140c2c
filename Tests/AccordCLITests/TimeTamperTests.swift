import AccordTrust
import Foundation
import Testing
@testable import AccordFiles
@testable import AccordLedger

/// Recorded times the audit can check (issue 11): none later than the audit's
/// own clock, and none later than a signed checkpoint that covers the entry
/// (each with 5 minutes' skew). `accord checkpoint` signs its time in a C2SP
/// extension line, `accord-time …`; checkpoints without one still verify.
@Suite("Tamper detection: recorded times")
struct TimeTamperTests {
    /// A time `seconds` from now by the real clock, as ACCORD_NOW takes it.
    static func fromNow(_ seconds: TimeInterval) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds))
    }

    /// A demo ledger (its clock 2025-06-10T12:00Z) with the key `mon` registered.
    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-10T12:00:00Z"
        try accord.ok("demo", "--db", "ledger.sqlite")
        try accord.ok("key", "generate", "--out", "mon.key")
        try accord.ok("key", "register", "mon", "--public", "mon.key.pub", "--db", "ledger.sqlite")
        return (accord, dir.path("ledger.sqlite"))
    }

    /// Logs a verification with the writer's clock at `now`; returns its seq.
    static func log(_ accord: AccordRunner, at now: String) throws -> Int64 {
        let outcome = try accord(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-30", "--source", "ICRC", "--db", "ledger.sqlite"],
                                 extraEnvironment: ["ACCORD_NOW": now])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try #require(outcome.stderr.split(separator: " ").dropFirst(2).first.flatMap { Int64($0.dropLast()) }, "\(outcome.stderr)")
    }

    @Test("an entry recorded after the time of the audit (by the real clock, whatever ACCORD_NOW says) is tampering")
    func recordedInTheFuture() throws {
        let dir = try TemporaryDirectory()
        let (accord, original) = try Self.ledger(dir)
        try FileManager.default.copyItem(atPath: original, toPath: dir.path("soon.sqlite"))
        // The writer refuses a clock set two days ahead ...
        let refused = try accord(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-30", "--source", "ICRC",
                                  "--db", "ledger.sqlite"], extraEnvironment: ["ACCORD_NOW": Self.fromNow(2 * 86_400)])
        #expect(refused.status == 65 && refused.stderr.contains("later than this machine's clock"), "\(refused.stderr)")
        // ... so the attacker rewrites the last two entries two days ahead, every hash recomputed.
        _ = try Self.log(accord, at: "2025-06-11T00:00:00Z")
        let seq = try Self.log(accord, at: "2025-06-11T00:00:00Z") - 1
        let future = try Moment(parsing: Self.fromNow(2 * 86_400), field: .observed).timestamp
        let path = dir.path("future.sqlite")
        try Attacker.rewrite(original, to: path, from: seq, keepCheckpoint: { _ in false }) { entry in
            var changed = entry
            changed.recordedAt = future
            return changed
        }
        for clock in ["2025-06-10T12:00:00Z", "2099-01-01T00:00:00Z"] {
            var auditor = accord
            auditor.environment["ACCORD_NOW"] = clock
            let audit = try AuditRun(auditor, path)
            #expect(audit.status == 1, "ACCORD_NOW=\(clock): \(audit)")
            #expect(audit.first?.check == "time" && audit.first?.seq == seq, "\(audit)")
            #expect(audit.first?.detail.contains("more than 5 minutes after the time of this audit") == true, "\(audit)")
            #expect(audit.first?.detail.hasSuffix("(and so are 1 later entries)") == true, "\(audit)")
        }
        // Within the skew: a writer's clock a minute ahead is not a finding.
        let soon = dir.path("soon.sqlite")
        let ahead = try accord(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-30", "--source", "ICRC", "--db", soon],
                               extraEnvironment: ["ACCORD_NOW": Self.fromNow(60)])
        #expect(ahead.status == 0)
        #expect(try AuditRun(accord, soon).status == 0)
    }

    @Test("a history rewritten with a future time on one entry is caught at that entry")
    func rewrittenIntoTheFuture() throws {
        let dir = try TemporaryDirectory()
        let fixture = try TrustFixture(dir)
        let accord = AccordRunner(dir)
        let k = fixture.unsigned("breach").last!
        let future = Timestamp(milliseconds: Int64(Date().addingTimeInterval(86_400).timeIntervalSince1970 * 1000))
        let path = dir.path("future.sqlite")
        try Attacker.rewrite(fixture.path, to: path, from: k, keys: ["mon": fixture.monKey, "mon2": fixture.mon2Key],
                             keepCheckpoint: { $0 < k }) { entry in
            guard entry.seq == k else { return entry }
            var changed = entry
            changed.recordedAt = future
            return changed
        }
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.findings.contains { $0.check == "time" && $0.seq == k && $0.detail.hasPrefix("recorded at \(future)") }, "\(audit)")
    }

    @Test("an entry recorded after the signed time of a checkpoint that covers it is tampering (stored and outside copies)")
    func recordedAfterCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        // A writer whose clock runs a month ahead; then a checkpoint by a signer whose clock is right.
        let seq = try Self.log(accord, at: "2025-07-01T00:00:00Z")
        let signed = try accord(["checkpoint", "--key", "mon.key", "--out", "cp.txt", "--db", "ledger.sqlite"],
                                extraEnvironment: ["ACCORD_NOW": "2025-06-11T00:00:00Z"])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try String(contentsOfFile: dir.path("cp.txt"), encoding: .utf8).contains("\naccord-time 2025-06-11T00:00:00.000Z\n"))
        let audit = try AuditRun(accord, path, ["--checkpoint", "cp.txt"])
        #expect(audit.status == 1, "\(audit)")
        let late = audit.findings.filter { $0.check == "time" && $0.seq == seq }
        #expect(late.count == 2, "\(audit)")
        #expect(late.contains { $0.detail == "recorded at 2025-07-01T00:00:00.000Z, more than 5 minutes after the checkpoint stored for size \(seq) "
                                 + "that covers it (size \(seq)) was signed at 2025-06-11T00:00:00.000Z: the recorded time is false" }, "\(audit)")
        #expect(late.contains { $0.detail.contains("after cp.txt that covers it") }, "\(audit)")
        #expect(audit.findings.allSatisfy { $0.check == "time" }, "\(audit)")
    }

    @Test("within 5 minutes' skew of the checkpoint's time, an entry is not a finding")
    func withinSkew() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        _ = try Self.log(accord, at: "2025-06-30T12:00:00Z")
        let signed = try accord(["checkpoint", "--key", "mon.key", "--out", "cp.txt", "--db", "ledger.sqlite"],
                                extraEnvironment: ["ACCORD_NOW": "2025-06-30T11:56:00Z"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let audit = try AuditRun(accord, path, ["--checkpoint", "cp.txt"])
        #expect(audit.status == 0, "\(audit)")
    }

    @Test("a checkpoint signed at a time after the audit's clock is a finding")
    func checkpointInTheFuture() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        let signed = try accord(["checkpoint", "--key", "mon.key", "--out", "cp.txt", "--db", "ledger.sqlite"],
                                extraEnvironment: ["ACCORD_NOW": Self.fromNow(3 * 86_400)])
        #expect(signed.status == 0, "\(signed.stderr)")
        let audit = try AuditRun(accord, path, ["--checkpoint", "cp.txt"])
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.findings.filter { $0.check == "time" && $0.detail.contains("more than 5 minutes after the time of this audit") }.count == 2,
                "stored and outside: \(audit)")
    }

    @Test("signed_at is now covered by the signature: a stored row whose signed_at differs from its note's time is a finding")
    func signedAtAltered() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        try accord.ok("checkpoint", "--key", "mon.key", "--db", "ledger.sqlite")
        try Attacker.sql(path, liftingGuards: ["checkpoints_no_update"], "UPDATE checkpoints SET signed_at = '2025-05-01T00:00:00.000Z';")
        let audit = try AuditRun(accord, path)
        #expect(audit.status == 1, "\(audit)")
        #expect(audit.findings.contains {
            $0.check == "checkpoint" && $0.detail.hasSuffix("has signed_at '2025-05-01T00:00:00.000Z', but its note is signed at 2025-06-10T12:00:00.000Z")
        }, "\(audit)")
    }

    /// A checkpoint of the ledger's whole journal signed with `mon.key` by hand, with these extension lines.
    static func handSigned(_ dir: TemporaryDirectory, _ path: String, extensions: [String]) throws -> (note: String, size: Int64, root: [UInt8]) {
        let size = try #require(Int64(try Attacker.sql(path, "SELECT max(seq) FROM journal;").first ?? ""))
        let root = Attacker.unhex(try #require(try AuditRun(AccordRunner(dir), path).root))
        let id = try #require(try Attacker.sql(path, "SELECT id FROM ledger;").first)
        let body = try Checkpoint(origin: "accord/\(id)", size: UInt64(size), rootHash: try #require(Hash32(bytes: root)), extensions: extensions)
        let note = try SignedNote.sign(body.format(), with: [Keys.signingKey(at: dir.path("mon.key"))]).formatted
        return (note, size, root)
    }

    @Test("a checkpoint without an accord-time line (signed before it existed, or by another tool) still verifies, stored and outside")
    func checkpointWithoutTime() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        _ = try Self.log(accord, at: "2025-07-01T00:00:00Z")
        let old = try Self.handSigned(dir, path, extensions: [])
        #expect(old.note.split(separator: "\n\n")[0].split(separator: "\n").count == 3)
        try Attacker.sql(path, """
            INSERT INTO checkpoints (size, root, key_name, note, signed_at)
                VALUES (\(old.size), X'\(Attacker.hex(old.root))', 'mon', '\(old.note)', '2025-06-11T00:00:00.000Z');
            """)
        try old.note.write(toFile: dir.path("old.txt"), atomically: true, encoding: .utf8)
        let audit = try AuditRun(accord, path, ["--checkpoint", "old.txt"])
        #expect(audit.status == 0, "\(audit)")
        // Another tool's extension line is ignored too.
        let other = try Self.handSigned(dir, path, extensions: ["witness-note anything"])
        try other.note.write(toFile: dir.path("other.txt"), atomically: true, encoding: .utf8)
        let withOther = try AuditRun(accord, path, ["--checkpoint", "old.txt", "--checkpoint", "other.txt"])
        #expect(withOther.status == 0, "\(withOther)")
    }

    @Test("a validly signed checkpoint whose accord-time line is not a time as accord writes it is a finding")
    func malformedTime() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        for (index, line) in ["accord-time yesterday", "accord-time 2025-06-02T00:00:00Z", "accord-time 2025-06-02T00:00:00.000Z"].enumerated() {
            let extensions = index == 2 ? [line, line] : [line]
            let signed = try Self.handSigned(dir, path, extensions: extensions)
            try signed.note.write(toFile: dir.path("cp-\(index).txt"), atomically: true, encoding: .utf8)
            let audit = try AuditRun(accord, path, ["--checkpoint", "cp-\(index).txt"])
            #expect(audit.status == 1, "\(line): \(audit)")
            #expect(audit.findings.contains { $0.check == "checkpoint" && $0.detail.contains("is validly signed, but") }, "\(line): \(audit)")
        }
    }
}
