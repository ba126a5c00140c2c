import Foundation
import Testing

/// The repository's `examples/` folder: mappings and files laid out as KoboToolbox, ODK Central and ACLED write them.
let examplesDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples")

func example(_ name: String) -> String { examplesDirectory.appendingPathComponent(name).path }

extension ImportWorld {
    /// `accord import …` on the ledger, on 2025-06-10 (after every event in the examples).
    func importingLater(_ arguments: String...) throws -> Outcome {
        try accord(["import"] + arguments + ["--db", db], extraEnvironment: ["ACCORD_NOW": "2025-06-10T12:00:00Z"])
    }
}

@Suite("accord import: column mappings, field forms, ACLED")
struct FieldImportCLITests {
    @Test("a KoboToolbox export imports with the shipped mapping; a newer export adds only its new submissions")
    func kobo() throws {
        let world = try ImportWorld()
        let full = try String(contentsOfFile: example("kobo-verification.csv"), encoding: .utf8)
        // The earlier export: the header and the first two submissions (CRLF lines, no line break inside a field).
        let lines = full.components(separatedBy: "\r\n")
        try world.write("kobo-may.csv", lines.prefix(3).joined(separator: "\r\n") + "\r\n")
        var outcome = try world.importingLater("kobo-may.csv", "--mapping", example("kobo-verification.json"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("2 added, 0 already present, 0 rejected"), "\(outcome.stderr)")
        outcome = try world.importingLater(example("kobo-verification.csv"), "--mapping", example("kobo-verification.json"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("1 added, 2 already present, 0 rejected"), "\(outcome.stderr)")
        // The submission's _uuid is the external id; the geopoint's parts are the location; quotes are undoubled.
        #expect(try world.query("SELECT quantity, lat, lon, place FROM verifications WHERE external_id = '7f1d2c3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f'")
                == "303|50.9077|34.7981|Sumy border crossing")
        #expect(try world.query("SELECT note FROM verifications WHERE external_id = '0b9e8d7c-6f5a-4e3d-8c2b-1a0f9e8d7c6b'")
                == "Names read out; \"all 303 accounted for\"")
        #expect(try world.query("SELECT outcome, source_kind FROM current_verifications WHERE commitment = 'texts-final'") == "done|official")
    }

    @Test("an ODK Central export imports with the shipped mapping; KEY is the external id")
    func odkCentral() throws {
        let world = try ImportWorld()
        let arguments = [example("odk-central-verification.csv"), "--mapping", example("odk-central-verification.json")]
        var outcome = try world.accord(["import"] + arguments + ["--db", world.db])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("2 added"), "\(outcome.stderr)")
        #expect(try world.query("SELECT confidence, lat FROM current_verifications WHERE external_id = 'uuid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'")
                == "probable|")
        outcome = try world.accord(["import"] + arguments + ["--db", world.db])
        #expect(outcome.stderr.contains("0 added, 2 already present"), "\(outcome.stderr)")
    }

    @Test("ACLED events become breaches: constants, translated values, filters from the mapping and the command line")
    func acled() throws {
        let world = try ImportWorld()
        let later = ["ACCORD_NOW": "2025-06-10T12:00:00Z"]
        let arguments = [example("acled-extract.csv"), "--mapping", example("acled-breaches.json"), "--set", "commitment=RU-no-strikes",
                         "--where", "actor1=Military Forces of Russia (2000-)", "--db", world.db]
        var outcome = try world.accord(["import"] + arguments, extraEnvironment: later)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // Six events: a battle, a protest and a Ukrainian strike are filtered out.
        #expect(outcome.stderr.contains("3 added, 0 already present, 0 rejected, 3 filtered out"), "\(outcome.stderr)")
        #expect(try world.query("SELECT external_id, party, severity, precision, geo_precision, source_kind, confidence FROM current_breaches ORDER BY seq")
                == """
                UKR201873|RU|major|day|exact|media|probable
                UKR202011|RU|major|day|exact|media|probable
                UKR202101|RU|major|day|exact|media|probable
                """)
        outcome = try world.accord(["import"] + arguments, extraEnvironment: later)
        #expect(outcome.stderr.contains("0 added, 3 already present, 0 rejected, 3 filtered out"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Every row was filtered out"), "\(outcome.stderr)")
        // A where value not quite the file's (the actor's years left off) matches no row: said so, nothing added.
        outcome = try world.accord(["import", example("acled-extract.csv"), "--mapping", example("acled-breaches.json"),
                                    "--set", "commitment=RU-no-strikes", "--where", "actor1=Military Forces of Russia",
                                    "--db", world.db], extraEnvironment: later)
        #expect(outcome.status == 0 && outcome.stderr.contains("0 added, 0 already present, 0 rejected, 6 filtered out.\n"
                                                               + "Every row was filtered out: no row matched the where filter"),
                "\(outcome.stderr)")
        // Without the actor filter the Ukrainian strike is not a breach of Russia's restraint: the whole file is refused, naming the line.
        outcome = try world.accord(["import", example("acled-extract.csv"), "--mapping", example("acled-breaches.json"),
                                    "--set", "commitment=RU-no-strikes", "--db", world.db], extraEnvironment: later)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("acled-extract.csv:5: party: UA is not bound by RU-no-strikes; its obligor is RU"), "\(outcome.stderr)")
        #expect(try world.query("SELECT count(*) FROM breaches") == "3")
        // Against Ukraine's own restraint it comes in, its week precision and region translated.
        try world.accord.ok("commitment", "add", "UA-no-strikes", "--agreement", "ist", "--party", "UA", "--restraint",
                            "--from", "2025-05-16", "--until", "2025-06-30", "--text", "No strikes", "--db", world.db)
        outcome = try world.accord(["import", example("acled-extract.csv"), "--mapping", example("acled-breaches.json"),
                                    "--set", "commitment=UA-no-strikes", "--where", "actor1=Military Forces of Ukraine (2019-)",
                                    "--db", world.db], extraEnvironment: later)
        #expect(outcome.stderr.contains("1 added, 0 already present, 0 rejected, 5 filtered out"), "\(outcome.stderr)")
        #expect(try world.query("SELECT party, precision, geo_precision, source_kind FROM current_breaches WHERE external_id = 'UKR202047'")
                == "UA|week|near|other")
    }

    @Test("--map and --set on a file with its own column names; --where with alternatives")
    func commandLineMapping() throws {
        let world = try ImportWorld()
        try world.write("form.csv", """
            uid,what,count,date,reporter,team
            a1,UA-release,10,2025-05-23,ICRC,north
            a2,UA-release,20,2025-05-23,ICRC,south
            a3,UA-release,30,2025-05-23,ICRC,east

            """)
        var outcome = try world.importing("form.csv", "--map", "id=uid", "--map", "commitment=what", "--map", "quantity=count",
                                          "--map", "observed=date", "--map", "source=reporter")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("form.csv:1: unknown column 'team'; map it with --map FIELD=COLUMN, or pass --ignore-unknown"),
                "\(outcome.stderr)")
        outcome = try world.importing("form.csv", "--map", "id=uid", "--map", "commitment=what", "--map", "quantity=count",
                                      "--map", "observed=date", "--map", "source=reporter", "--set", "confidence=probable",
                                      "--where", "team=north", "--where", "team=east")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("2 added, 0 already present, 0 rejected, 1 filtered out"), "\(outcome.stderr)")
        #expect(try world.query("SELECT group_concat(external_id || ':' || quantity || ':' || confidence, ' ') FROM current_verifications")
                == "a1:10:probable a3:30:probable")

        outcome = try world.importing("form.csv", "--map", "id=uid", "--map", "commitment=nope", "--ignore-unknown")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("form.csv:1: no column 'nope' (mapped to commitment)"), "\(outcome.stderr)")
        outcome = try world.importing("form.csv", "--map", "colour=uid")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("--map: 'colour' is not an import column"), "\(outcome.stderr)")
        outcome = try world.importing("form.csv", "--set", "note")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("--set 'note' is not FIELD=VALUE"), "\(outcome.stderr)")
    }

    @Test("plain files: unknown columns are refused with a hint, or left out with --ignore-unknown")
    func ignoreUnknown() throws {
        let world = try ImportWorld()
        try world.write("extra.csv", "id,commitment,quantity,observed,source,_submission_time\nv1,UA-release,5,2025-05-23,ICRC,x\n")
        var outcome = try world.importing("extra.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("unknown column '_submission_time'"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--ignore-unknown"), "\(outcome.stderr)")
        outcome = try world.importing("extra.csv", "--ignore-unknown")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("1 added"), "\(outcome.stderr)")
    }

    @Test("the separator is detected (comma, semicolon, tab); --delimiter forces one", arguments: [
        ("semicolon", ";"), ("tab", "\t"), ("comma", ","),
    ])
    func separators(name: String, separator: String) throws {
        let world = try ImportWorld()
        let rows = [["id", "commitment", "quantity", "observed", "source", "note"],
                    ["s1", "UA-release", "7", "2025-05-23", "ICRC", "one, two; three"]]
        let text = rows.map { row in
            row.map { $0.contains(separator) ? "\"\($0)\"" : $0 }.joined(separator: separator)
        }.joined(separator: "\r\n") + "\r\n"
        try world.write("\(name).csv", text)
        var outcome = try world.importing("\(name).csv")
        #expect(outcome.status == 0, "\(name): \(outcome.stderr)")
        #expect(try world.query("SELECT note FROM verifications WHERE external_id = 's1'") == "one, two; three")
        // Forcing the wrong separator reads the header as one unknown column.
        let wrong = separator == "," ? "semicolon" : "comma"
        outcome = try world.importing("\(name).csv", "--delimiter", wrong)
        #expect(outcome.status == 65, "\(name)")
        #expect(outcome.stderr.contains("unknown column"), "\(name): \(outcome.stderr)")
        outcome = try world.importing("\(name).csv", "--delimiter", name)
        #expect(outcome.status == 0, "\(name): \(outcome.stderr)")
        #expect(outcome.stderr.contains("0 added, 1 already present"), "\(name): \(outcome.stderr)")
    }

    @Test("mapping files: bad JSON names its line; unknown keys and fields are refused; JSONL keys map too")
    func mappingFiles() throws {
        let world = try ImportWorld()
        try world.write("rows.jsonl", """
            {"uid": "j1", "what": "UA-release", "count": 4, "date": "2025-05-23", "reporter": "ICRC", "sourceKind": "monitor"}
            {"uid": "j2", "what": "UA-release", "count": 6, "date": "2025-05-23", "reporter": "ICRC", "sourceKind": "ngo", "extra": 1}

            """)
        try world.write("broken.json", "{\n  \"columns\": {\"id\": \"uid\",}\n}\n")
        var outcome = try world.importing("rows.jsonl", "--mapping", "broken.json")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("broken.json:2: column"), "\(outcome.stderr)")
        try world.write("typo.json", "{\"colums\": {}}")
        outcome = try world.importing("rows.jsonl", "--mapping", "typo.json")
        #expect(outcome.stderr.contains("typo.json: unknown key 'colums'"), "\(outcome.stderr)")
        try world.write("field.json", "{\"columns\": {\"quantityy\": \"count\"}}")
        outcome = try world.importing("rows.jsonl", "--mapping", "field.json")
        #expect(outcome.stderr.contains("'quantityy' is not an import column"), "\(outcome.stderr)")

        try world.write("rows.json", """
            {"columns": {"id": "uid", "commitment": "what", "quantity": "count", "observed": "date", "source": "reporter"},
             "values": {"source_kind": {"ngo": "other"}}}
            """)
        outcome = try world.importing("rows.jsonl", "--mapping", "rows.json")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("rows.jsonl:2: unknown key 'extra'"), "\(outcome.stderr)")
        outcome = try world.importing("rows.jsonl", "--mapping", "rows.json", "--ignore-unknown")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // sourceKind is the camelCase spelling of source_kind; the values table translates it.
        #expect(try world.query("SELECT group_concat(external_id || ':' || source_kind, ' ') FROM current_verifications") == "j1:monitor j2:other")
    }
}
