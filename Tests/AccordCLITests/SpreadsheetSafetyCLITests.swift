import Foundation
import Testing

/// CSV and TSV output is safe to open in a spreadsheet (OWASP CSV injection):
/// a cell that a spreadsheet would run as a formula gets a leading ', which
/// `accord import` takes off again; `--raw` prints cells exactly.
@Suite("Spreadsheet-safe CSV and TSV")
struct SpreadsheetSafetyCLITests {
    static let hyperlink = "=HYPERLINK(\"http://evil.example/?q=1\",\"click\")"

    /// The base ledger (no invocations, disputes or retractions, which exports
    /// leave out) plus records whose text starts with formula characters.
    static func hostileLedger() throws -> (TemporaryDirectory, AccordRunner, String) {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        let db = try BaseLedger.copy(into: dir)
        try accord.ok("log", "UA-release", "--quantity", "1", "--observed", "2025-05-26", "--source=+Source",
                      "--note", hyperlink, "--id", "f1", "--db", db)
        try accord.ok("log", "RU-release", "--quantity", "2", "--observed", "2025-05-26", "--source", "@monitor",
                      "--note", "'=x", "--id", "f2", "--db", db)
        try accord.ok("log", "--corroborates", "f1", "--source=-Telegram", "--source-kind", "media", "--note=-2+3", "--db", db)
        try accord.ok("breach", "no-strikes", "--party", "RU", "--observed", "2025-05-26", "--severity", "minor",
                      "--source", "@osint", "--description=-1+1 strikes", "--place=-12", "--lat", "40.7484", "--lon=-73.9857",
                      "--id", "f3", "--db", db)
        return (dir, accord, db)
    }

    /// Rows of a CSV export as dictionaries, read by Python's csv module.
    static func rows(_ csv: String, in dir: TemporaryDirectory) throws -> [[String: String]] {
        let table = try pythonCSV(csv, in: dir)
        guard let header = table.first else { return [] }
        return table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test("export neutralises formula cells by default, keeps plain numbers, and --raw is exact")
    func export() throws {
        let (dir, accord, db) = try Self.hostileLedger()
        let safe = try Self.rows(try accord.ok("export", "verifications", "--db", db), in: dir)
        let f1 = try #require(safe.first { $0["id"] == "f1" })
        #expect(f1["note"] == "'" + Self.hyperlink)
        #expect(f1["source"] == "'+Source")
        let f2 = try #require(safe.first { $0["id"] == "f2" })
        #expect(f2["note"] == "''=x")
        #expect(f2["source"] == "'@monitor")
        let corroboration = try #require(safe.first { $0["corroborates"] == "f1" })
        #expect(corroboration["source"] == "'-Telegram")
        #expect(corroboration["note"] == "'-2+3")
        let breaches = try Self.rows(try accord.ok("export", "breaches", "--db", db), in: dir)
        let f3 = try #require(breaches.first { $0["id"] == "f3" })
        #expect(f3["description"] == "'-1+1 strikes")
        #expect(f3["source"] == "'@osint")
        #expect(f3["place"] == "-12")
        #expect(f3["lon"] == "-73.9857")

        let raw = try Self.rows(try accord.ok("export", "verifications", "--db", db, "--raw"), in: dir)
        #expect(raw.first { $0["id"] == "f1" }?["note"] == Self.hyperlink)
        #expect(raw.first { $0["id"] == "f2" }?["note"] == "'=x")
        #expect(raw.first { $0["corroborates"] == "f1" }?["source"] == "-Telegram")
        let rawBreaches = try Self.rows(try accord.ok("export", "breaches", "--db", db, "--raw"), in: dir)
        #expect(rawBreaches.first { $0["id"] == "f3" }?["description"] == "-1+1 strikes")

        let tsv = try accord.ok("export", "verifications", "--db", db, "--format", "tsv")
        #expect(tsv.contains("\t'" + Self.hyperlink + "\t"), "\(tsv)")
        #expect(try accord.ok("export", "verifications", "--db", db, "--format", "tsv", "--raw").contains("\t" + Self.hyperlink + "\t"))
        // JSON is for programs: exact, with or without --raw.
        #expect(try accord.ok("export", "verifications", "--db", db, "--format", "ndjson").contains(#""note":"'=x""#))
    }

    @Test("every row listing that prints CSV or TSV neutralises, and takes --raw")
    func listings() throws {
        let (_, accord, db) = try Self.hostileLedger()
        let breaches = try accord.ok("breaches", "--db", db, "--format", "csv")
        #expect(breaches.contains(",'@osint,") && breaches.contains(",'-1+1 strikes,"), "\(breaches)")
        let raw = try accord.ok("breaches", "--db", db, "--format", "csv", "--raw")
        #expect(raw.contains(",@osint,") && raw.contains(",-1+1 strikes,"), "\(raw)")
        let history = try accord.ok("history", "f2", "--db", db, "--format", "tsv")
        #expect(history.contains("\tverification\t"), "\(history)")
        let detail = try accord.ok("commitment", "show", "RU-release", "--db", db, "--format", "csv")
        #expect(detail.hasPrefix("field,value"), "\(detail)")
        #expect(try accord("party", "list", "--db", db, "--format", "csv", "--raw").status == 0)
    }

    @Test("a default CSV export of every table imports into an empty ledger and gives the same report")
    func roundTrip() throws {
        let (dir, accord, db) = try Self.hostileLedger()
        let copy = dir.path("copy.sqlite")
        try accord.ok("init", "--db", copy)
        for table in ExportCLITests.tables {
            try Data(try accord.ok("export", table, "--db", db).utf8).write(to: URL(fileURLWithPath: dir.path("\(table).csv")))
            let outcome = try accord(["import", "\(table).csv", "--db", copy])
            #expect(outcome.status == 0, "\(table): \(outcome.stderr)")
            #expect(outcome.stderr.contains(" 0 rejected"), "\(table): \(outcome.stderr)")
        }
        func report(_ path: String) throws -> NSDictionary {
            let text = try accord.ok("report", "--db", path, "--format", "json")
            var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(object.removeValue(forKey: "ledger") != nil)
            return object as NSDictionary
        }
        #expect(try report(copy) == (try report(db)))
        // Every field the import writes came back exactly, formula characters and quotes included.
        for table in ["verifications", "breaches"] {
            let original = try accord.ok("export", table, "--db", db, "--raw")
            let imported = try accord.ok("export", table, "--db", copy, "--raw")
            #expect(importedColumns(original) == importedColumns(imported), "\(table)")
            #expect(original.contains(table == "breaches" ? ",-1+1 strikes," : ",'=x,"), "\(original)")
        }
    }

    @Test("a rejects file holds the records exactly as given (nothing neutralised or undone) and imports back to the values given")
    func rejects() throws {
        let world = try ImportWorld()
        let first = "r1,nowhere,5,2025-05-26,ICRC,\"\(Self.hyperlink.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        let second = "r2,nowhere,5,2025-05-26,@ICRC,'=x\n"
        try world.write("rows.csv", "id,commitment,quantity,observed,source,note\n" + first + second)
        let outcome = try world.accord(["import", "rows.csv", "--keep-going", "--rejects", "rejects.csv", "--db", world.db])
        #expect(outcome.status == 65, "\(outcome.stderr)")
        // The input's own bytes: no more dangerous in a spreadsheet than the file that was imported.
        #expect(try world.read("rejects.csv") == "id,commitment,quantity,observed,source,note\n" + first + second)
        // Fixed and imported, the notes are what the first file meant.
        try world.write("fixed.csv", try world.read("rejects.csv").replacingOccurrences(of: "nowhere", with: "UA-release"))
        let again = try world.accord(["import", "fixed.csv", "--db", world.db])
        #expect(again.status == 0, "\(again.stderr)")
        let notes = try world.query("SELECT group_concat(note, '|') FROM (SELECT note FROM verifications ORDER BY seq)")
        #expect(notes == Self.hyperlink + "|=x")
    }
}
