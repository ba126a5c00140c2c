import Foundation
import Testing

@Suite("Clean data out: GeoJSON, BOM, sections, formats, keys, messages")
struct OutputConsistencyCLITests {
    @Test("export --format geojson is an RFC 7946 FeatureCollection of the located records; the rest are counted",
          arguments: ["breaches", "verifications"])
    func geojson(table: String) throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        let outcome = try accord(["export", table, "--format", "geojson", "--db", db])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let located = table == "breaches" ? 1 : 1
        let unlocated = table == "breaches" ? 1 : 3
        let noun = table == "breaches" ? "breach" : "verification"
        #expect(outcome.stderr.contains("\(unlocated) \(noun)\(unlocated == 1 ? "" : "s") without a location left out; \(located) written."),
                "\(outcome.stderr)")
        try Data(outcome.stdout.utf8).write(to: URL(fileURLWithPath: dir.path("out.geojson")))
        let checked = try python("""
            import json, sys
            doc = json.load(open("out.geojson"))
            assert doc["type"] == "FeatureCollection", doc.get("type")
            assert isinstance(doc["features"], list)
            for feature in doc["features"]:
                assert feature["type"] == "Feature"
                geometry = feature["geometry"]
                assert geometry["type"] == "Point"
                lon, lat = geometry["coordinates"]
                assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat))
                assert -180 <= lon <= 180 and -90 <= lat <= 90, (lon, lat)
                assert isinstance(feature["properties"], dict)
                assert "lat" not in feature["properties"] and "lon" not in feature["properties"]
            print(len(doc["features"]), json.dumps([f["geometry"]["coordinates"] for f in doc["features"]]),
                  json.dumps([f["properties"].get("geoPrecision") for f in doc["features"]]),
                  json.dumps([f["properties"]["kind"] for f in doc["features"]]))
            """, in: dir)
        if table == "breaches" {
            // [lon, lat] order: Kharkiv is at 36.23 E, 49.99 N.
            #expect(checked == "1 [[36.23, 49.99]] [\"near\"] [\"breach\"]\n", "\(checked)")
        } else {
            #expect(checked == "1 [[34.8, 50.9]] [null] [\"verification\"]\n", "\(checked)")
        }
        // GeoJSON is for located records only.
        let parties = try accord(["export", "parties", "--format", "geojson", "--db", db])
        #expect(parties.status == 64, "\(parties.stderr)")
        #expect(parties.stderr.contains("geojson applies to verifications and breaches"), "\(parties.stderr)")
    }

    @Test("--bom starts CSV and TSV with a UTF-8 byte order mark (Excel and Cyrillic); other formats refuse it")
    func byteOrderMark() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        let db = dir.path("l.sqlite")
        try accord.ok("init", "--db", db)
        try accord.ok("party", "add", "UA", "--name", "Україна", "--db", db)
        for arguments in [["export", "parties"], ["party", "list", "--format", "csv"], ["export", "parties", "--format", "tsv"]] {
            let out = try accord.ok(arguments + ["--bom", "--db", db])
            #expect(Array(out.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(arguments)")
            #expect(out.contains("Україна"))
            let plain = try accord.ok(arguments + ["--db", db])
            #expect(Array(plain.utf8.prefix(3)) != [0xEF, 0xBB, 0xBF])
        }
        // What an export wrote with a BOM imports back.
        try Data(try accord.ok("export", "parties", "--bom", "--db", db).utf8).write(to: URL(fileURLWithPath: dir.path("p.csv")))
        let again = try accord(["import", "p.csv", "--db", db])
        #expect(again.stderr.contains("0 added, 1 already present"), "\(again.stderr)")
        for arguments in [["export", "parties", "--format", "json"], ["report", "--format", "table"]] {
            let refused = try accord(arguments + ["--bom", "--db", db])
            #expect(refused.status == 64, "\(arguments)")
            #expect(refused.stderr.contains("--bom applies to csv and tsv"), "\(refused.stderr)")
        }
    }

    @Test("--section prints one section in every format; csv, tsv and ndjson default to commitments",
          arguments: ["table", "markdown", "json", "csv", "tsv", "ndjson"])
    func section(format: String) throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        let out = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--format", format, "--section", "guarantors")
        #expect(out.contains("US"), "\(out)")
        #expect(!out.contains("UA-release"), "\(format): \(out)")
        #expect(!out.lowercased().contains("commitments"), "\(format): \(out)")
        if format == "json" {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["at", "minConfidence", "ledger", "filters", "guarantors"])
        }
        if ["csv", "tsv", "ndjson"].contains(format) {
            let whole = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--format", format)
            #expect(whole.contains("UA-release"))
        } else {
            let whole = try accord.ok("report", "--db", db, "--at", "2025-06-10", "--format", format)
            #expect(whole.contains("UA-release") && whole.contains("US"))
        }
    }

    @Test("machine formats carry rates unrounded; tables round them")
    func unroundedRates() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        let db = dir.path("l.sqlite")
        try accord.ok("init", "--db", db)
        try accord.ok("party", "add", "UA", "--name", "Ukraine", "--db", db)
        try accord.ok("agreement", "add", "a", "--title", "A", "--db", db)
        try accord.ok("commitment", "add", "c", "--agreement", "a", "--party", "UA", "--quantity", "3", "--unit", "x",
                      "--due", "2025-05-20", "--db", db)
        try accord.ok("log", "c", "--quantity", "1", "--observed", "2025-05-10", "--source", "S", "--db", db)
        let csv = try accord.ok("report", "--db", db, "--at", "2025-05-30", "--format", "csv")
        #expect(csv.contains(",0.3333333333333333,"), "\(csv)")
        let json = try accord.ok("report", "--db", db, "--at", "2025-05-30", "--format", "json")
        #expect(json.contains("\"rate\": 0.3333333333333333"), "\(json)")
        let ndjson = try accord.ok("report", "--db", db, "--at", "2025-05-30", "--format", "ndjson", "--section", "parties")
        #expect(ndjson.contains("\"rate\":0.3333333333333333"), "\(ndjson)")
        let table = try accord.ok("report", "--db", db, "--at", "2025-05-30")
        #expect(table.contains("33.3%"), "\(table)")
    }

    @Test("JSON keys are camelCase in every command; an old snake_case key is also written beside its new spelling")
    func jsonKeys() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        let outputs = [
            try accord.ok("export", "verifications", "--format", "ndjson", "--db", db),
            try accord.ok("guarantee", "list", "--format", "json", "--db", db),
            try accord.ok("commitment", "show", "RU-release", "--at", "2025-06-10", "--format", "json", "--db", db),
            try accord.ok("report", "--format", "ndjson", "--section", "agreements", "--at", "2025-06-10", "--db", db),
            try accord.ok("breaches", "--format", "json", "--db", db),
        ]
        for (index, output) in outputs.enumerated() {
            let keys = try python("""
                import json, sys
                text = open("keys.txt").read()
                try:
                    docs = [json.loads(text)]
                except ValueError:
                    docs = [json.loads(line) for line in text.splitlines() if line.strip()]
                keys = set()
                def walk(value):
                    if isinstance(value, dict):
                        for key, item in value.items():
                            keys.add(key)
                            walk(item)
                    elif isinstance(value, list):
                        for item in value:
                            walk(item)
                for doc in docs:
                    walk(doc)
                snake = sorted(k for k in keys if "_" in k)
                missing = [k for k in snake if "".join(p if i == 0 else p[:1].upper() + p[1:] for i, p in enumerate(k.split("_"))) not in keys]
                print(json.dumps(missing))
                """.replacingOccurrences(of: "keys.txt", with: "keys-\(index).txt"), in: try {
                    try Data(output.utf8).write(to: URL(fileURLWithPath: dir.path("keys-\(index).txt")))
                    return dir
                }())
            #expect(keys == "[]\n", "output \(index): snake_case keys without a camelCase twin: \(keys)")
        }
        #expect(outputs[0].contains("\"sourceKind\":\"monitor\",\"source_kind\":\"monitor\""))
        #expect(outputs[3].contains("\"pamScore\":"))
    }

    @Test("the help of each command lists exactly the formats it accepts")
    func helpFormats() throws {
        let dir = try TemporaryDirectory()
        let dump = try AccordRunner(dir).ok("--experimental-dump-help")
        try Data(dump.utf8).write(to: URL(fileURLWithPath: dir.path("dump.json")))
        let problems = try python("""
            import json, re
            doc = json.load(open("dump.json"))
            problems = []
            def walk(command, path):
                for argument in command.get("arguments") or []:
                    names = [n["name"] for n in argument.get("names") or []]
                    if "format" not in names:
                        continue
                    accepted = argument.get("allValues") or []
                    text = argument.get("abstract", "")
                    listed = [w for w in re.findall(r"[a-z]+", text.split(":")[-1] if text.startswith("Output format") else text.split(":")[0])
                              if w not in ("or", "default", "verifications", "and", "breaches", "with", "a", "location")]
                    if sorted(listed) != sorted(accepted):
                        problems.append(f"{path}: help lists {listed}, the parser accepts {accepted}")
                for sub in command.get("subcommands") or []:
                    walk(sub, path + " " + sub["commandName"])
            walk(doc["command"], "accord")
            print(json.dumps(problems))
            """, in: dir)
        #expect(problems == "[]\n", "\(problems)")
    }

    @Test("the flags the empty-value check knows are exactly the parser's flags")
    func flagsMatchTheParser() throws {
        let dir = try TemporaryDirectory()
        let dump = try AccordRunner(dir).ok("--experimental-dump-help")
        try Data(dump.utf8).write(to: URL(fileURLWithPath: dir.path("dump.json")))
        let flags = try python("""
            import json
            flags = set()
            def walk(command):
                for argument in command.get("arguments") or []:
                    if argument["kind"] == "flag":
                        flags.update("--" + n["name"] for n in argument.get("names") or [] if n["kind"] == "long")
                for sub in command.get("subcommands") or []:
                    walk(sub)
            walk(json.load(open("dump.json"))["command"])
            print(" ".join(sorted(flags)))
            """, in: dir)
        // Mirrors ArgumentChecks.flags in Sources/accord/Support/ArgumentChecks.swift.
        #expect(flags == "--action --allow-unsigned --bom --done --dry-run --evidence --force --full --help --ignore-unknown --keep-going --list --no-header "
                + "--not-done --quiet --raw --rejected --require-signed --restraint --status --upheld --version\n")
    }

    @Test("small refusals: help on an unknown command, an empty value, --since after --until, no Swift names in messages")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        var outcome = try accord("help", "nosuch")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("no command 'nosuch'"), "\(outcome.stderr)")
        outcome = try accord("help", "party", "nosuch")
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(try accord("help", "party", "add").status == 0)

        outcome = try accord(["log", "UA-release", "--quantity", "", "--observed", "2025-05-23", "--source", "ICRC", "--db", db])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Error: --quantity is empty"), "\(outcome.stderr)")
        outcome = try accord(["party", "add", "XX", "--name", " ", "--db", db])
        #expect(outcome.stderr.contains("Error: --name is empty"), "\(outcome.stderr)")
        // `accord correct` takes an empty value to clear a field.
        outcome = try accord(["correct", "18", "--description", "", "--reason", "no description", "--db", db])
        #expect(outcome.status == 0, "\(outcome.stderr)")

        outcome = try accord(["breaches", "--since", "2025-06-10", "--until", "2025-06-01", "--db", db])
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--since 2025-06-10 is after --until 2025-06-01"), "\(outcome.stderr)")

        outcome = try accord(["retract", "2", "--reason", "wrong entry", "--db", db])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("entry 2 records a party (party.add), not a verification, breach or corroboration"),
                "\(outcome.stderr)")

        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: dir.path("bad.pub")))
        try Data("origin\n".utf8).write(to: URL(fileURLWithPath: dir.path("bad-checkpoint.txt")))
        for arguments in [["key", "register", "x", "--public", "bad.pub"], ["audit", "--checkpoint", "bad-checkpoint.txt"]] {
            let failed = try accord(arguments + ["--db", db])
            #expect(failed.status != 0)
            let text = failed.stderr + failed.stdout
            // A Swift case name (malformed, missingSignatureBlock) would be a lower-case word glued to capitals or a bare code word.
            let swiftNames = ["malformed\n", "malformed)", "missingSignatureBlock", "missingFinalNewline", "tooFewLines", "invalidName"]
            #expect(!swiftNames.contains { text.contains($0) }, "\(arguments): \(text)")
        }
    }
}
