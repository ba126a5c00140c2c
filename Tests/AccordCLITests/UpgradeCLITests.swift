import Foundation
import Testing

/// Ledgers written by the release before format version 2 (schema 6; see
/// Tests/Fixtures/schema6/README.md), upgraded by this build: the journal kept
/// byte for byte, every projection rebuilt, reports and listings as before,
/// the audit verified, and the old root a prefix of the new one.
@Suite("Upgrading a schema-6 ledger")
struct UpgradeCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema6")

    static func fixture(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent(name)) }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// The report with every rate rounded to 4 places, as releases before unrounded rates printed them.
    static func roundingRates(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, item) in object {
                if ["rate", "followThrough"].contains(key), let number = item as? Double, !(item is Bool) {
                    var rounded = (number * 10_000).rounded() / 10_000
                    if number > 0 && rounded <= 0 { rounded = 0.0001 }
                    if number < 1 && rounded >= 1 { rounded = 0.9999 }
                    result[key] = rounded
                } else {
                    result[key] = roundingRates(item)
                }
            }
            return result
        }
        if let array = value as? [Any] { return array.map(roundingRates) }
        return value
    }

    @Test("migrate rebuilds the projections and records the upgrade; reports, breaches, audit and roots agree with the old release")
    func upgrade() throws {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-02T00:00:00Z"
        let db = dir.path("old.sqlite")
        try Self.fixture("demo.ledger").write(to: URL(fileURLWithPath: db))
        try Self.fixture("checkpoint-34.txt").write(to: URL(fileURLWithPath: dir.path("checkpoint-34.txt")))
        let oldRows = try Attacker.sql(db, "SELECT seq, hex(entry) FROM journal ORDER BY seq;")
        #expect(oldRows.count == 35)
        // Schema 6 stored each leaf hash; since schema 18 they are computed from the entries.
        let oldLeaves = try Attacker.sql(db, "SELECT lower(hex(leaf_hash)) FROM journal ORDER BY seq;")
        // Schema 6 stored each time and actor as text; since schema 20 the view decodes them from the (version-1) entries.
        let viewQuery = "SELECT seq, kind, recorded_at, actor, signer, bytes FROM journal_entries ORDER BY seq;"
        let oldView = try Attacker.sql(db, viewQuery)
        #expect(oldView.count == 35 && oldView.first?.hasPrefix("1|ledger.create|2025-07-01T00:00:00.000Z|monitor|") == true)

        // Read-only commands refuse a ledger that needs upgrading, and change nothing.
        let refused = try accord("report", "--db", db, "--at", "2025-06-30")
        #expect(refused.status == 66 && refused.stderr.contains("accord migrate"), "\(refused.stderr)")

        let migrate = try accord("migrate", "--db", db)
        #expect(migrate.status == 0 && migrate.stderr.contains("is at schema 20"), "\(migrate.stderr)")
        // The old entries are untouched; one entry records the upgrade and carries the first state root.
        let rows = try Attacker.sql(db, "SELECT seq, hex(entry) FROM journal ORDER BY seq;")
        #expect(Array(rows.prefix(35)) == oldRows)
        #expect(rows.count == 36)
        #expect(Array(try Attacker.sql(db, viewQuery).prefix(35)) == oldView)
        // The leaf hashes the export gives are those the old release stored.
        let leaves = try accord.ok("journal", "export", "--db", db).split(separator: "\n")
            .compactMap { try (Self.json(String($0)) as? [String: Any])?["leafHash"] as? String }
        #expect(leaves.count == 36 && Array(leaves.prefix(35)) == oldLeaves)
        let history = try accord.ok("history", "36", "--db", db, "--format", "csv")
        #expect(history.contains("ledger.upgrade") && history.contains("from schema 6 to 20"), "\(history)")

        // The same report and breaches as the old release printed (its stamp aside: the journal grew by one).
        var old = try #require(try Self.json(String(decoding: try Self.fixture("report-2025-06-30.json"), as: UTF8.self)) as? [String: Any])
        var new = try #require(try Self.json(try accord.ok("report", "--db", db, "--at", "2025-06-30", "--format", "json")) as? [String: Any])
        #expect((new["ledger"] as? [String: Any])?["seq"] as? Int == 36)
        #expect((new["ledger"] as? [String: Any])?["id"] as? String == (old["ledger"] as? [String: Any])?["id"] as? String)
        old["ledger"] = nil
        new["ledger"] = nil
        // The old release rounded rates to 4 places; this one prints them unrounded.
        new = Self.roundingRates(new) as? [String: Any] ?? [:]
        // Fields added since (lateness, triggers, decimals, local dates, the signer) aside, every old one is the same.
        #expect(Self.holds(new, old), "report differs:\n\(new)\nwas\n\(old)")
        let oldBreaches = try Self.json(String(decoding: try Self.fixture("breaches-all.json"), as: UTF8.self))
        let newBreaches = try Self.json(try accord.ok("breaches", "--db", db, "--status", "all", "--format", "json"))
        #expect(Self.holds(newBreaches, oldBreaches), "breaches differ: \(newBreaches)")

        // The audit verifies it, with the checkpoint the old release signed.
        let audit = try AuditRun(accord, db, ["--checkpoint", dir.path("checkpoint-34.txt")])
        #expect(audit.status == 0, "\(audit)")
        // The old root is the root of the first 35 entries, and a prefix of the new tree.
        let oldRoot = String(decoding: try Self.fixture("root-35.txt"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let proof = try #require(try Self.json(try accord.ok("prove", "consistency", "35", "36", "--db", db)) as? [String: Any])
        #expect(proof["oldRoot"] as? String == oldRoot)
        #expect(proof["verified"] as? Bool == true)

        // And it keeps working: a new entry, a clean audit.
        try accord.ok("log", "UA-release", "--db", db, "--quantity", "1", "--observed", "2025-06-30", "--source", "ICRC")
        #expect(try AuditRun(accord, db).status == 0)
    }

    /// True when `new` holds everything `old` does: the same keys with the
    /// same values (recursively), arrays of the same length; new keys allowed.
    static func holds(_ new: Any, _ old: Any) -> Bool {
        switch (new, old) {
        case (let new as [String: Any], let old as [String: Any]):
            return old.allSatisfy { key, value in new[key].map { holds($0, value) } ?? false }
        case (let new as [Any], let old as [Any]):
            return new.count == old.count && zip(new, old).allSatisfy { holds($0, $1) }
        default:
            return (new as? NSObject)?.isEqual(old) ?? false
        }
    }

    static let portsFixtures = fixtures.deletingLastPathComponent().appendingPathComponent("schema6-ports")

    @Test("an old ledger's breach by another party than the obligor, before the window, no longer counts or triggers")
    func outsideBreachOfAnOldLedger() throws {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-02T00:00:00Z"
        let db = dir.path("ports.sqlite")
        try Data(contentsOf: Self.portsFixtures.appendingPathComponent("ports.ledger")).write(to: URL(fileURLWithPath: db))
        // What the old release said: breached, and the guarantee triggered.
        let old = try #require(try Self.json(String(decoding: try Data(contentsOf: Self.portsFixtures.appendingPathComponent(
            "report-2025-06-28.json")), as: UTF8.self)) as? [String: Any])
        #expect(old.row("commitments", "RU-ports")?["status"] as? String == "breached")
        #expect(old.row("guarantees", "TR-straits")?["status"] as? String == "triggered")

        try accord.ok("migrate", "--db", db)
        let report = try accord.report("--db", db, "--at", "2025-06-28")
        #expect(report.row("commitments", "RU-ports")?["status"] as? String == "not_yet_due")
        #expect(report.row("commitments", "RU-ports")?["breaches"] as? Int == 0)
        let guarantee = try #require(report.row("guarantees", "TR-straits"))
        #expect(guarantee["status"] as? String == "dormant")
        #expect((guarantee["triggers"] as? [Any])?.isEmpty == true)
        // The invocation before any trigger answers nothing.
        let tr = try #require(report.row("guarantors", "TR", key: "party"))
        #expect(tr["invoked"] as? Int == 0 && tr["triggered"] as? Int == 0)
        #expect(tr["followThrough"] is NSNull)
        // The breach is still listed, as outside the commitment, and the brief does not count it.
        let breaches = try accord.ok("breaches", "--db", db, "--format", "csv")
        #expect(breaches.contains(",outside,"), "\(breaches)")
        let brief = try accord.ok("brief", "--db", db, "--at", "2025-06-28", "--format", "markdown")
        #expect(brief.contains("**Breaches since 2025-06-20: 0**"), "\(brief)")
        #expect(brief.contains("no, outside the commitment"), "\(brief)")
        #expect(try AuditRun(accord, db).status == 0)
    }
}
