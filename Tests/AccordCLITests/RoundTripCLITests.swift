import Foundation
import Testing

/// Exports that import back: into the same ledger they add nothing, into an
/// empty one they rebuild the same report, records logged without --id included.
@Suite("accord export, then import: idempotent round trips")
struct RoundTripCLITests {
    static let tables = ["parties", "agreements", "commitments", "guarantees", "verifications", "breaches"]

    /// A ledger whose evidence was mostly logged without --id: verifications,
    /// corroborations and breaches, one corrected, one with an id.
    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-10T12:00:00Z"
        let db = dir.path("a.sqlite")
        try accord.ok("init", "--db", db)
        for command in [
            ["party", "add", "UA", "--name", "Ukraine", "--kind", "state"],
            ["party", "add", "RU", "--name", "Russian Federation"],
            ["party", "add", "US", "--name", "United States", "--kind", "state"],
            ["agreement", "add", "ist", "--title", "Istanbul talks", "--date", "2025-05-16", "--venue", "Istanbul"],
            ["commitment", "add", "UA-release", "--agreement", "ist", "--party", "UA", "--quantity", "1000", "--unit", "prisoners",
             "--due", "2025-05-25"],
            ["commitment", "add", "RU-release", "--agreement", "ist", "--party", "RU", "--quantity", "1000", "--unit", "prisoners",
             "--due", "2025-05-25", "--reciprocal", "UA-release"],
            ["commitment", "add", "texts", "--agreement", "ist", "--party", "UA", "--action", "--due", "2025-06-02"],
            ["commitment", "add", "summit", "--agreement", "ist", "--party", "RU", "--action", "--due", "2025-06-30", "--depends-on", "texts"],
            ["commitment", "add", "RU-no-strikes", "--agreement", "ist", "--party", "RU", "--restraint", "--from", "2025-05-16",
             "--until", "2025-06-30", "--text", "No large-scale strikes"],
            ["guarantee", "add", "US-sanctions", "--guarantor", "US", "--covers", "RU-no-strikes", "--consequence", "Sanctions",
             "--respond-within-days", "7"],
            ["log", "UA-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--source-kind", "monitor"],
            ["log", "--corroborates", "12", "--source", "HQ (UA)", "--source-kind", "official"],
            ["log", "RU-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "icrc-ru-1"],
            ["log", "--corroborates", "icrc-ru-1", "--source", "MoD", "--id", "mod-ru-1"],
            ["log", "UA-release", "--quantity", "307", "--observed", "2025-05-24", "--source", "ICRC", "--lat", "50.9", "--lon", "34.8"],
            ["log", "texts", "--done", "--observed", "2025-06-01", "--source", "Wire", "--confidence", "probable"],
            ["breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-01", "--severity", "major", "--source", "UN HRMMU",
             "--description", "Strike on a substation", "--lat", "49.99", "--lon", "36.23", "--geo-precision", "near"],
            ["breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-03", "--severity", "minor", "--source", "Local media",
             "--confidence", "unverified"],
            ["correct", "16", "--quantity", "303", "--reason", "recount"],
        ] {
            try accord.ok(command + ["--db", db])
        }
        return (accord, db)
    }

    /// The report as JSON, without the stamp of the ledger it was read from.
    static func report(_ accord: AccordRunner, _ db: String) throws -> String {
        let output = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--format", "json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        object["ledger"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("every table's export imports into the same ledger adding nothing, and into an empty one rebuilds the report",
          arguments: ["csv", "ndjson"])
    func roundTrip(format: String) throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let ext = format == "csv" ? "csv" : "jsonl"
        let before = try sqlite(db, "SELECT max(seq) FROM journal")
        for table in Self.tables {
            let output = try accord.ok("export", table, "--db", db, "--format", format)
            try Data(output.utf8).write(to: URL(fileURLWithPath: dir.path("\(table).\(ext)")))
            // Into the ledger it came from: every row is recognised.
            let again = try accord(["import", "\(table).\(ext)", "--db", db])
            #expect(again.status == 0, "\(table): \(again.stderr)")
            #expect(again.stderr.hasPrefix("0 added, "), "\(table): \(again.stderr)")
        }
        #expect(try sqlite(db, "SELECT max(seq) FROM journal") == before)
        // Records logged without --id carry an id made of the ledger's id and their seq.
        let prefix = String(try sqlite(db, "SELECT id FROM ledger").prefix(8))
        let verifications = try String(contentsOfFile: dir.path("verifications.\(ext)"), encoding: .utf8)
        #expect(verifications.contains("\(prefix):12"), "\(verifications)")
        #expect(verifications.contains("\(prefix):13"), "\(verifications)")

        // Into an empty ledger, in order: the same report.
        let copy = dir.path("b.sqlite")
        try accord.ok("init", "--db", copy)
        for table in Self.tables {
            let outcome = try accord(["import", "\(table).\(ext)", "--db", copy])
            #expect(outcome.status == 0, "\(table): \(outcome.stderr)")
            #expect(outcome.stderr.contains(" 0 already present, 0 rejected"), "\(table): \(outcome.stderr)")
        }
        #expect(try Self.report(accord, copy) == (try Self.report(accord, db)))
        // The copy's export, imported into the original, is recognised too (the copy kept the derived ids).
        for table in ["verifications", "breaches"] {
            try Data(try accord.ok("export", table, "--db", copy, "--format", format).utf8)
                .write(to: URL(fileURLWithPath: dir.path("copy-\(table).\(ext)")))
            let back = try accord(["import", "copy-\(table).\(ext)", "--db", db])
            #expect(back.status == 0, "\(table): \(back.stderr)")
            #expect(back.stderr.hasPrefix("0 added, "), "\(table): \(back.stderr)")
        }
        #expect(try sqlite(db, "SELECT max(seq) FROM journal") == before)
    }

    @Test("a derived id names its record everywhere a reference is taken; a changed row says what differs")
    func derivedIDs() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let prefix = String(try sqlite(db, "SELECT id FROM ledger").prefix(8))
        // Re-sent with its derived id and the same content: harmless.
        let same = try accord(["log", "UA-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC",
                               "--source-kind", "monitor", "--id", "\(prefix):12", "--db", db])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stderr.contains("Already recorded as entry 12"), "\(same.stderr)")
        // With other content: what differs, and `accord correct` with that id.
        let other = try accord(["log", "UA-release", "--quantity", "391", "--observed", "2025-05-23", "--source", "ICRC",
                                "--source-kind", "monitor", "--id", "\(prefix):12", "--db", db])
        #expect(other.status == 65)
        #expect(other.stderr.contains("id \(prefix):12 already exists (entry 12) with other values: quantity 390 → 391"),
                "\(other.stderr)")
        #expect(other.stderr.contains("`accord correct \(prefix):12`"), "\(other.stderr)")
        #expect(!other.stderr.contains("another id"), "\(other.stderr)")
        try accord.ok("correct", "\(prefix):12", "--quantity", "391", "--reason", "recount", "--db", db)
        // The corrected record compares with its current version.
        let corrected = try accord(["log", "UA-release", "--quantity", "392", "--observed", "2025-05-23", "--source", "ICRC",
                                    "--source-kind", "monitor", "--id", "\(prefix):12", "--db", db])
        #expect(corrected.stderr.contains("quantity 391 → 392"), "\(corrected.stderr)")
        // The form of a derived id naming an entry that is not an id-less record is refused.
        let wrong = try accord(["log", "UA-release", "--quantity", "1", "--observed", "2025-05-23", "--source", "ICRC",
                                "--id", "\(prefix):2", "--db", db])
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains("entry 2 is not a verification, breach or corroboration recorded without one"), "\(wrong.stderr)")
    }
}
