import Foundation
import Testing

@Suite("accord export")
struct ExportCLITests {
    /// The demo ledger (parties, agreement, commitments, a guarantee, verifications
    /// with corroborations, breaches with evidence hashes and coordinates).
    static func demo(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-10T12:00:00Z"
        let db = dir.path("demo.sqlite")
        try accord.ok("demo", "--db", db)
        return (accord, db)
    }

    static let tables = ["parties", "agreements", "commitments", "guarantees", "verifications", "breaches"]

    /// Commitment, party and agreement rates from `accord report --format json`.
    static func rates(_ accord: AccordRunner, _ db: String) throws -> [String: Double] {
        let output = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        var rates: [String: Double] = [:]
        for (section, key) in [("commitments", "id"), ("parties", "party"), ("agreements", "id")] {
            for item in try #require(object[section] as? [[String: Any]]) {
                let id = "\(section):\(item[key] ?? "?")"
                rates[id] = (item["rate"] as? NSNumber)?.doubleValue ?? -1
            }
        }
        return rates
    }

    @Test("a CSV or JSONL export imports into an empty ledger and gives the same rates", arguments: ["csv", "ndjson"])
    func roundTrip(format: String) throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        // A corrected record exports as its current version.
        try accord.ok("correct", "icrc-2025-05-24-UA", "--quantity", "300", "--reason", "recount", "--db", db)
        let copy = dir.path("copy.sqlite")
        try accord.ok("init", "--db", copy)
        let ext = format == "csv" ? "csv" : "jsonl"
        for table in Self.tables {
            let output = try accord.ok("export", table, "--db", db, "--format", format)
            try Data(output.utf8).write(to: URL(fileURLWithPath: dir.path("\(table).\(ext)")))
            let outcome = try accord(["import", "\(table).\(ext)", "--db", copy])
            #expect(outcome.status == 0, "\(table): \(outcome.stderr)")
            #expect(outcome.stderr.contains("0 rejected"), "\(table): \(outcome.stderr)")
        }
        let original = try Self.rates(accord, db)
        #expect(!original.isEmpty)
        #expect(try Self.rates(accord, copy) == original)
        // Importing the export back into the ledger it came from changes nothing.
        for table in Self.tables {
            let outcome = try accord(["import", "\(table).\(ext)", "--db", db])
            #expect(outcome.status == 0, "\(table): \(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("0 added"), "\(table): \(outcome.stderr)")
        }
        // And the copy's exports equal the original's in everything the import writes.
        for table in ["verifications", "breaches", "commitments"] {
            let a = try accord.ok("export", table, "--db", db, "--format", "csv")
            let b = try accord.ok("export", table, "--db", copy, "--format", "csv")
            #expect(importedColumns(a) == importedColumns(b), "\(table)")
        }
    }

    @Test("CSV and JSON exports read back with Python's csv and json modules, every field included")
    func pythonReadsExports() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        for table in Self.tables {
            try Data(try accord.ok("export", table, "--db", db, "--format", "csv").utf8)
                .write(to: URL(fileURLWithPath: dir.path("\(table).csv")))
            try Data(try accord.ok("export", table, "--db", db, "--format", "ndjson").utf8)
                .write(to: URL(fileURLWithPath: dir.path("\(table).jsonl")))
            try Data(try accord.ok("export", table, "--db", db, "--format", "json").utf8)
                .write(to: URL(fileURLWithPath: dir.path("\(table).json")))
        }
        let output = try python("""
            import csv, json, sys
            for table in sys.argv[1:]:
                with open(table + ".csv", newline="", encoding="utf-8") as f:
                    rows = list(csv.DictReader(f))
                with open(table + ".jsonl", encoding="utf-8") as f:
                    lines = [json.loads(line) for line in f if line.strip()]
                with open(table + ".json", encoding="utf-8") as f:
                    array = json.load(f)
                assert len(rows) == len(lines) == len(array), table
                def camel(key):
                    head, *rest = key.split("_")
                    return head + "".join(part[:1].upper() + part[1:] for part in rest)
                for row, line in zip(rows, lines):
                    # JSON keys are camelCase, each old snake_case spelling written right after its twin.
                    assert [k for k in line.keys() if k in row] == list(row.keys()), (table, row.keys(), line.keys())
                    assert set(line.keys()) == set(row.keys()) | {camel(k) for k in row.keys()}, (table, line.keys())
                    for key, value in row.items():
                        other = line[key]
                        assert line[camel(key)] == other, (table, key)
                        assert value == ("" if other is None else str(other)), (table, key, value, other)
                print(table, len(rows))
            b = list(csv.DictReader(open("breaches.csv", newline="", encoding="utf-8")))
            hashes = [r["evidence_sha256"] for r in b if r["evidence_sha256"]]
            print("hash", hashes[0])
            located = [r for r in b if r["lat"]][0]
            print("seq", located["seq"], located["recorded_at"], located["lat"], located["lon"])
            v = [json.loads(l) for l in open("verifications.jsonl", encoding="utf-8")]
            print("kinds", sorted(set(r["kind"] for r in v)))
            print("place", v[0]["place"])
            """, Self.tables, in: dir)
        #expect(output.contains("verifications 13"), "\(output)")
        #expect(output.contains("breaches 2"), "\(output)")
        #expect(output.contains("commitments 6"), "\(output)")
        #expect(output.contains("parties 5"), "\(output)")
        #expect(output.contains("hash 9f2c6a4b1d8e7f3a5c0b9d2e4f6a8c1b3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a"), "\(output)")
        #expect(output.contains("seq 27 2025-06-10T12:00:00.000Z 49.9935 36.2304"), "\(output)")
        #expect(output.contains("kinds ['corroboration', 'verification']"), "\(output)")
        #expect(output.contains("place Belarus–Ukraine border"), "\(output)")
    }

    @Test("--as-of, --at and --status choose the rows; --no-header drops the header")
    func filters() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.demo(dir)
        let all = try accord.ok("export", "verifications", "--db", db)
        #expect(all.split(separator: "\r\n").count == 14)
        // Entries up to 16: the first verification and its corroboration.
        let early = try accord.ok("export", "verifications", "--db", db, "--as-of", "16", "--no-header")
        #expect(early.split(separator: "\r\n").count == 2, "\(early)")
        #expect(early.hasPrefix("icrc-2025-05-23-UA,verification,"))
        let before = try accord.ok("export", "verifications", "--db", db, "--at", "2025-05-23", "--no-header")
        #expect(before.split(separator: "\r\n").count == 4, "\(before)")
        try accord.ok("retract", "icrc-2025-05-23-UA", "--reason", "double count", "--db", db)
        let current = try accord.ok("export", "verifications", "--db", db, "--no-header")
        #expect(current.split(separator: "\r\n").count == 11)
        let retracted = try accord.ok("export", "verifications", "--db", db, "--status", "retracted", "--no-header")
        #expect(retracted.contains(",retracted,"), "\(retracted)")
        #expect(try accord("export", "commitments", "--db", db, "--at", "2025-06-01").status == 64)
    }

    @Test("records without an id round-trip: a corroboration names its record by number")
    func recordsWithoutIDs() throws {
        let world = try ImportWorld()
        try world.accord.ok("log", "UA-release", "--quantity", "100", "--observed", "2025-05-23", "--source", "ICRC", "--db", world.db)
        try world.accord.ok("log", "UA-release", "--quantity", "50", "--observed", "2025-05-24", "--source", "ICRC",
                            "--confidence", "probable", "--db", world.db)
        let seq = try world.query("SELECT max(seq) FROM verifications")
        try world.accord.ok("log", "--corroborates", seq, "--source", "UA HQ", "--db", world.db)
        let export = try world.accord.ok("export", "verifications", "--db", world.db)
        #expect(export.contains(",corroboration,"), "\(export)")
        #expect(export.contains(",\(seq),\(seq),"), "\(export)")
        let copy = try ImportWorld()
        try copy.write("v.csv", export)
        let outcome = try copy.importing("v.csv")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try copy.rates() == (try world.rates()))
        #expect(try copy.query("SELECT c.record = v.seq AND v.quantity = 50 FROM corroborations c JOIN verifications v ON v.seq = c.record") == "1")
        // A number that names no earlier row of the file is refused, not taken as a seq of this ledger.
        try copy.write("bad.csv", "kind,corroborates,source,record\ncorroboration,3,X,\n")
        let bad = try copy.importing("bad.csv")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.csv:2: corroborates: no record 3 earlier in this file"), "\(bad.stderr)")
    }
}

/// The columns of an export that an import writes (not seq, record, recorded_at …), row by row.
func importedColumns(_ csv: String) -> [[String]] {
    let lines = csv.split(separator: "\r\n").map(String.init)
    guard let header = lines.first else { return [] }
    let names = splitCSV(header)
    let readOnly: Set<String> = ["record", "seq", "status", "effective_confidence", "sources", "recorded_at", "dispute",
                                 "withdrawn", "invoked", "corroborates"]
    let keep = names.indices.filter { !readOnly.contains(names[$0]) }
    return lines.dropFirst().map { line in
        let fields = splitCSV(line)
        return keep.map { fields[$0] }
    }
}
