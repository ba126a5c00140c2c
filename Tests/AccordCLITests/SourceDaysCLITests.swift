import Foundation
import Testing
@testable import AccordLedger

/// Per-day sources kept in their source's row (schema 19, migration
/// 0019_source_days): a ledger the schema-18 release wrote upgrades to the
/// same answers, and a byte changed in `source_totals.days` is refused by the
/// reads that use it and found by the audit.
@Suite("Per-day sources in their source's row")
struct SourceDaysCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema18-sources")

    static func fixture(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent(name)) }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The fixture upgraded to this build's schema (Tests/Fixtures/schema18-sources/README.md).
    static func upgraded(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-02T00:00:00Z"
        let db = dir.path("sources.sqlite")
        try fixture("sources.ledger").write(to: URL(fileURLWithPath: db))
        let migrate = try accord("migrate", "--db", db)
        #expect(migrate.status == 0 && migrate.stderr.contains("is at schema 20"), "\(migrate.stderr)")
        return (accord, db)
    }

    /// The same answer as the old release printed, its stamp aside (the journal grew by the upgrade's entry).
    static func expectSame(_ printed: String, as file: String, stamp: Bool = false,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        var old = try json(String(decoding: try fixture(file), as: UTF8.self))
        var new = try json(printed)
        if !stamp {
            #expect((new["ledger"] as? [String: Any])?["seq"] as? Int == 464, sourceLocation: sourceLocation)
            old["ledger"] = nil
            new["ledger"] = nil
        }
        #expect(NSDictionary(dictionary: old).isEqual(to: new), "\(file) differs after the upgrade", sourceLocation: sourceLocation)
    }

    @Test("a schema-18 ledger upgrades: per-day sources move into source_totals.days, the same reports (past dates, as of an old entry) and views, audited clean")
    func upgrade() throws {
        let dir = try TemporaryDirectory()
        let before = try Attacker.sql(Self.fixtures.appendingPathComponent("sources.ledger").path, """
            SELECT commitment || ' ' || day || ' ' || confidence || ' ' || source || ' ' || refs FROM daily_source_totals;
            """)
        #expect(before.count > 300)
        let (accord, db) = try Self.upgraded(dir)
        let history = try accord.ok("history", "464", "--db", db, "--format", "csv")
        #expect(history.contains("ledger.upgrade") && history.contains("from schema 18 to 20"), "\(history)")
        #expect(try Attacker.sql(db, "SELECT count(*) FROM sqlite_master WHERE name = 'daily_source_totals';") == ["0"])

        // The same multiset of per-day sources, now inside the rows of source_totals.
        var after: [String] = []
        for line in try Attacker.sql(db, "SELECT commitment, confidence, source, hex(days) FROM source_totals;") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 4)
            for item in try SourceDays.decode(Attacker.unhex(fields[3])) {
                after.append("\(fields[0]) \(item.day) \(fields[1]) \(fields[2]) \(item.refs)")
            }
        }
        #expect(after.sorted() == before.sorted())

        for day in ["2023-04-01", "2024-06-30", "2025-06-30"] {
            try Self.expectSame(try accord.ok("report", "--db", db, "--at", day, "--format", "json"), as: "report-\(day).json")
        }
        // As of entry 458 (before the amendment): replayed from the journal, checked against the root entry 458
        // carries, which the old release computed — unchanged, stamp and all.
        try Self.expectSame(try accord.ok("report", "--db", db, "--at", "2025-06-30", "--as-of", "458", "--format", "json"),
                            as: "report-2025-06-30-as-of-458.json", stamp: true)
        for commitment in ["C0019", "C0003"] {
            try Self.expectSame(try accord.ok("commitment", "show", commitment, "--db", db, "--at", "2024-06-30", "--format", "json"),
                                as: "show-\(commitment)-2024-06-30.json")
        }
        let audit = try accord("audit", "--db", db)
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")

        // And it takes new evidence on the same days, as the old release would have counted it.
        try accord.ok("breach", "C0019", "--observed", "2024-02-10", "--severity", "minor", "--source", "Source 08", "--db", db)
        try accord.ok("retract", "b3", "--reason", "duplicate of b4", "--db", db)
        let report = try Self.json(try accord.ok("report", "--db", db, "--at", "2024-06-30", "--format", "json"))
        let c0019 = try #require((report["commitments"] as? [[String: Any]])?.first { $0["id"] as? String == "C0019" })
        #expect(c0019["sources"] as? Int == 2 && c0019["breaches"] as? Int == 2, "\(c0019)")
        #expect(try accord("audit", "--db", db).status == 0)
    }

    /// A change to the `days` of C0019's row for Source 05 (confirmed): the bytes as stored, and what replaces them.
    struct Edit: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable ([UInt8]) -> [UInt8]
        var testDescription: String { name }

        static let all: [Edit] = [
            // Still a list, another one: the first day a day earlier.
            Edit(name: "a day moved") { bytes in
                var days = try! SourceDays.decode(bytes)
                days[0].day -= 1
                return SourceDays.encode(days)
            },
            // Still a list, another one: one more reference on the first day.
            Edit(name: "a count raised") { bytes in
                var days = try! SourceDays.decode(bytes)
                days[0].refs += 1
                return SourceDays.encode(days)
            },
            // Not a list as Accord writes it: a varint that does not end.
            Edit(name: "a cut varint") { bytes in bytes + [0x80] },
            // Not in its one shortest form: the same list, one byte longer.
            Edit(name: "a longer form of the same days") { bytes in
                let end = bytes.firstIndex { $0 & 0x80 == 0 }!
                var out = bytes
                out[end] |= 0x80
                out.insert(0x00, at: end + 1)
                return out
            },
        ]
    }

    @Test("a byte changed in source_totals.days is refused by the reads that use it and found by the audit", arguments: Edit.all)
    func tamperedDays(_ edit: Edit) throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.upgraded(dir)
        let row = "commitment = 'C0019' AND confidence = 0 AND source = 'source 05'"
        let stored = try Attacker.unhex(try #require(try Attacker.sql(db, "SELECT hex(days) FROM source_totals WHERE \(row);").first))
        let changed = edit.change(stored)
        #expect(changed != stored)
        try Attacker.sql(db, "UPDATE source_totals SET days = x'\(changed.map { String(format: "%02x", $0) }.joined())' WHERE \(row);")
        for read in [["report", "--at", "2024-06-30"], ["report"], ["commitment", "show", "C0019", "--at", "2024-06-30"],
                     ["brief", "--at", "2024-06-30", "--format", "markdown"]] {
            let outcome = try accord(read + ["--db", db])
            #expect(outcome.status == 1 && outcome.stdout.isEmpty, "\(read): \(outcome.stdout.prefix(200)) \(outcome.stderr)")
            #expect(outcome.stderr.contains("altered") && outcome.stderr.contains("accord audit"), "\(read): \(outcome.stderr)")
        }
        // A write that touches the commitment refuses too, and writes nothing.
        let write = try accord("breach", "C0019", "--observed", "2024-03-01", "--severity", "minor", "--source", "Source 05", "--db", db)
        #expect(write.status == 1 && write.stderr.contains("C0019"), "\(write.stderr)")
        let audit = try accord("audit", "--db", db)
        #expect(audit.status == 1 && (audit.stdout + audit.stderr).contains("source_totals"), "\(audit.stdout) \(audit.stderr)")
    }
}
