import Foundation
import Testing

/// The output contract scripts rely on: the JSON fields of `accord report` and
/// `accord breaches`, and CSV that a standard parser reads back exactly.
@Suite("Report and breaches output contract")
struct ReportContractCLITests {
    /// The demo ledger, created with a clock after all its dates.
    func demo() throws -> (TemporaryDirectory, AccordRunner) {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-01T00:00:00Z"
        let outcome = try accord("demo")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("Fulfilment at 2025-06-10"))
        return (dir, accord)
    }

    enum Kind { case string, int, number, bool, array, object, stringOrNull, intOrNull, numberOrNull }

    func check(_ object: [String: Any], _ fields: [String: Kind], _ context: String) {
        for (field, kind) in fields {
            guard let value = object[field] else {
                Issue.record("\(context): field \(field) is missing")
                continue
            }
            let ok: Bool
            switch kind {
            case .string: ok = value is String
            case .int: ok = value is Int
            case .number: ok = value is NSNumber && !(value is String)
            case .bool: ok = value is Bool
            case .array: ok = value is [Any]
            case .object: ok = value is [String: Any]
            case .stringOrNull: ok = value is String || value is NSNull
            case .intOrNull: ok = value is Int || value is NSNull
            case .numberOrNull: ok = value is NSNumber || value is NSNull
            }
            #expect(ok, "\(context): field \(field) is \(value), not \(kind)")
        }
    }

    @Test("accord report --format json carries every contract field")
    func reportJSON() throws {
        let (_, accord) = try demo()
        let report = try accord.report("--at", "2025-06-10")
        check(report, ["at": .string, "minConfidence": .string, "ledger": .object, "commitments": .array, "parties": .array,
                       "agreements": .array, "guarantees": .array, "guarantors": .array, "reciprocity": .array], "report")
        #expect(report["at"] as? String == "2025-06-10")
        #expect(report["minConfidence"] as? String == "confirmed")
        check(try #require(report["ledger"] as? [String: Any]), ["seq": .int], "ledger")
        #expect((report["ledger"] as? [String: Any])?["seq"] as? Int == 31)

        let commitments = try #require(report["commitments"] as? [[String: Any]])
        #expect(commitments.count == 6)
        for commitment in commitments {
            check(commitment, ["id": .string, "agreement": .string, "party": .string, "kind": .string, "target": .intOrNull,
                               "unit": .stringOrNull, "verified": .intOrNull, "rate": .numberOrNull, "status": .string,
                               "due": .stringOrNull, "reciprocal": .stringOrNull, "sources": .int, "leftOut": .int],
                  "commitment \(commitment["id"] ?? "?")")
            // late and daysLate: a boolean and a whole number for a fulfilled commitment, else null.
            check(commitment, ["late": commitment["status"] as? String == "fulfilled" ? .bool : .stringOrNull,
                               "daysLate": commitment["status"] as? String == "fulfilled" ? .int : .intOrNull],
                  "commitment \(commitment["id"] ?? "?")")
            if let rate = commitment["rate"] as? Double { #expect((0...1).contains(rate)) }
            #expect(["not_yet_due", "unverified", "in_progress", "fulfilled", "overdue", "breached", "blocked", "withdrawn"]
                .contains(commitment["status"] as? String ?? ""))
        }
        let statuses = Dictionary(uniqueKeysWithValues: commitments.map { ($0["id"] as! String, $0["status"] as! String) })
        #expect(statuses == ["UA-release": "fulfilled", "RU-release": "fulfilled", "UA-no-strikes": "in_progress",
                             "RU-no-strikes": "breached", "texts-final": "overdue", "RU-summit": "blocked"])
        #expect(report.row("commitments", "texts-final")?["leftOut"] as? Int == 1)      // the probable wire report
        #expect(report.row("commitments", "UA-no-strikes")?["leftOut"] as? Int == 1)    // the unverified claim
        #expect(report.row("commitments", "UA-release")?["sources"] as? Int == 2)
        #expect(report.row("commitments", "UA-no-strikes")?["target"] is NSNull)

        for party in try #require(report["parties"] as? [[String: Any]]) {
            check(party, ["party": .string, "commitments": .int, "due": .int, "fulfilled": .int, "fulfilledOnTime": .int,
                          "fulfilledLate": .int, "rate": .numberOrNull], "party")
        }
        let agreements = try #require(report["agreements"] as? [[String: Any]])
        #expect(agreements.count == 1)
        for agreement in agreements {
            check(agreement, ["id": .string, "commitments": .int, "rate": .numberOrNull, "pamScore": .intOrNull], "agreement")
        }
        #expect(agreements.first?["pamScore"] as? Int == 2)
        let guarantees = try #require(report["guarantees"] as? [[String: Any]])
        for guarantee in guarantees {
            check(guarantee, ["id": .string, "guarantor": .string, "status": .string, "covers": .array, "triggers": .array,
                             "invocationsWithoutTrigger": .array], "guarantee")
            for trigger in guarantee["triggers"] as? [[String: Any]] ?? [] {
                check(trigger, ["breach": .int, "triggeredOn": .string, "respondBy": .string, "invokedOn": .stringOrNull,
                                "outcome": .string], "trigger")
            }
        }
        #expect((guarantees.first?["triggers"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["invoked"])
        #expect(guarantees.first?["status"] as? String == "invoked")
        let guarantors = try #require(report["guarantors"] as? [[String: Any]])
        for guarantor in guarantors {
            check(guarantor, ["party": .string, "triggered": .int, "invoked": .int, "invokedLate": .int, "lapsed": .int,
                              "followThrough": .numberOrNull], "guarantor")
        }
        #expect(guarantors.first?["followThrough"] as? Double == 1)
        let reciprocity = try #require(report["reciprocity"] as? [[String: Any]])
        #expect(reciprocity.count == 1)
        for pair in reciprocity {
            check(pair, ["pair": .array, "tranches": .array, "balance": .int], "reciprocity")
            #expect(pair["pair"] as? [String] == ["UA-release", "RU-release"])
            let tranches = try #require(pair["tranches"] as? [[String: Any]])
            for tranche in tranches { check(tranche, ["date": .string, "a": .int, "b": .int], "tranche") }
            #expect(tranches.map { $0["a"] as? Int } == [390, 307, 303])
            #expect(tranches.map { $0["b"] as? Int } == [390, 307, 303])
            #expect(pair["balance"] as? Int == 0)
        }
    }

    @Test("a report with nothing due prints null rates, not zeros")
    func nullRates() throws {
        let (_, accord) = try demo()
        let report = try accord.report("--at", "2025-05-01")
        for party in try #require(report["parties"] as? [[String: Any]]) {
            #expect(party["due"] as? Int == 0)
            #expect(party["rate"] is NSNull)
        }
        #expect(report.row("agreements", "istanbul-2025")?["rate"] is NSNull)
        #expect(report.row("agreements", "istanbul-2025")?["pamScore"] is NSNull)
        #expect((report["guarantors"] as? [[String: Any]])?.first?["followThrough"] is NSNull)
    }

    @Test("accord breaches --format json: who, what, when, how sure, on what evidence, and where")
    func breachesJSON() throws {
        let (_, accord) = try demo()
        let breaches = try #require(try accord.json("breaches", "--format", "json") as? [[String: Any]])
        #expect(breaches.count == 2)
        for breach in breaches {
            check(breach, ["commitment": .string, "party": .string, "observed": .string, "severity": .string,
                           "source": .string, "confidence": .string, "description": .stringOrNull, "evidence": .object,
                           "seq": .int, "location": .object], "breach")
        }
        let strike = try #require(breaches.first)
        #expect(strike["commitment"] as? String == "RU-no-strikes")
        #expect(strike["party"] as? String == "RU")
        #expect(strike["observed"] as? String == "2025-06-01")
        #expect(strike["severity"] as? String == "major")
        #expect(strike["confidence"] as? String == "confirmed")
        #expect(strike["seq"] as? Int == 27)
        let evidence = try #require(strike["evidence"] as? [String: Any])
        #expect(evidence["sha256"] as? String == "9f2c6a4b1d8e7f3a5c0b9d2e4f6a8c1b3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a")
        #expect(evidence["uri"] as? String == "https://example.org/hrmmu/2025-06-01-report.pdf")
        let location = try #require(strike["location"] as? [String: Any])
        #expect(location["place"] as? String == "Kharkiv")
        #expect(location["lat"] as? String == "49.9935")
        #expect(location["lon"] as? String == "36.2304")
        #expect((breaches.last?["evidence"] as? [String: Any])?["sha256"] is NSNull)

        let confirmed = try #require(try accord.json("breaches", "--format", "json", "--min-confidence", "confirmed") as? [[String: Any]])
        #expect(confirmed.count == 1)
        let byParty = try #require(try accord.json("breaches", "--format", "json", "--party", "UA") as? [[String: Any]])
        #expect(byParty.map { $0["party"] as? String } == ["UA"])
        let since = try #require(try accord.json("breaches", "--format", "json", "--since", "2025-06-02") as? [[String: Any]])
        #expect(since.map { $0["observed"] as? String } == ["2025-06-03"])
        let grave = try #require(try accord.json("breaches", "--format", "json", "--severity", "grave") as? [[String: Any]])
        #expect(grave.isEmpty)
    }

    @Test("report CSV parses with Python's csv module, one section at a time",
          arguments: [("commitments", 6), ("parties", 2), ("agreements", 1), ("guarantees", 1), ("guarantors", 1), ("reciprocity", 3)])
    func reportCSV(section: String, rows: Int) throws {
        let (dir, accord) = try demo()
        let text = try accord.ok("report", "--format", "csv", "--at", "2025-06-10", "--section", section)
        let parsed = try pythonCSV(text, in: dir)
        #expect(parsed.count == rows + 1, "\(section): \(parsed)")
        let header = try #require(parsed.first)
        #expect(parsed.allSatisfy { $0.count == header.count })
        if section == "commitments" {
            #expect(header == ["commitment", "agreement", "party", "kind", "target", "verified", "unit", "rate", "status", "due",
                               "late", "days_late", "sources", "breaches"])
            #expect(parsed[1] == ["UA-release", "istanbul-2025", "UA", "quantity", "1000", "1000", "prisoners", "1", "fulfilled",
                                  "2025-05-25", "false", "", "2", "0"])
        }
        // TSV of the same section has the same cells (none holds a tab, newline or backslash).
        let tsv = try accord.ok("report", "--format", "tsv", "--at", "2025-06-10", "--section", section)
        #expect(try pythonCSV(tsv, in: dir, delimiter: "\t") == parsed)
    }

    @Test("breaches CSV round-trips awkward text exactly: commas, quotes, newlines, combining marks")
    func breachesCSV() throws {
        let (dir, accord) = try demo()
        let awkward = "Shelling, then \"a pause\";\nsecond line — \"\u{301}quoted\u{301}\" end"
        try accord.ok("breach", "UA-no-strikes", "--party", "UA", "--observed", "2025-06-20", "--severity", "minor",
                      "--source", "Monitor, \"field\" team", "--description", awkward, "--place", " Kyiv ",
                      "--lat", "50.4501", "--lon", "30.5234")
        let text = try accord.ok("breaches", "--format", "csv")
        let parsed = try pythonCSV(text, in: dir)
        let header = try #require(parsed.first)
        #expect(header.contains("lat") && header.contains("lon") && header.contains("evidence_sha256"))
        #expect(parsed.count == 4)
        #expect(parsed.allSatisfy { $0.count == header.count })
        let row = try #require(parsed.last)
        func cell(_ name: String) -> String? { header.firstIndex(of: name).map { row[$0] } }
        #expect(cell("description").map { Array($0.unicodeScalars) } == Array(awkward.unicodeScalars))
        #expect(cell("source") == "Monitor, \"field\" team")
        #expect(cell("place") == "Kyiv")
        #expect(cell("lat") == "50.4501")
        #expect(cell("lon") == "30.5234")
        #expect(cell("severity") == "minor")
        let json = try #require(try accord.json("breaches", "--format", "json") as? [[String: Any]])
        #expect((json.last?["description"] as? String).map { Array($0.unicodeScalars) } == Array(awkward.unicodeScalars))
        let strike = try #require(parsed.dropFirst().first)
        #expect(header.firstIndex(of: "evidence_sha256").map { strike[$0] } == "9f2c6a4b1d8e7f3a5c0b9d2e4f6a8c1b3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a")
    }

    @Test("report formats: markdown and table print every section; ndjson prints one object per row")
    func otherFormats() throws {
        let (_, accord) = try demo()
        let table = try accord.ok("report", "--at", "2025-06-10")
        for heading in ["COMMITMENTS", "PARTIES", "AGREEMENTS", "GUARANTEES", "GUARANTORS", "RECIPROCITY"] {
            #expect(table.contains(heading))
        }
        #expect(table.hasPrefix("Fulfilment at 2025-06-10, counting confirmed evidence; ledger seq 31"))
        let markdown = try accord.ok("report", "--format", "markdown", "--at", "2025-06-10")
        #expect(markdown.contains("### Reciprocity"))
        let lines = try accord.ok("report", "--format", "ndjson", "--at", "2025-06-10").split(separator: "\n")
        #expect(lines.count == 6)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["commitment"] is String)
        }
    }
}
