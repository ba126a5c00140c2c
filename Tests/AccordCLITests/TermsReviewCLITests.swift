import Foundation
import Testing

/// What a review of issue 12 found, as a user and as an attacker, each fixed
/// and kept so: amendments and voids under the audit, guarantees judged on
/// the terms of each trigger's day, breaches after a withdrawal, invocations
/// never left answering nothing, corrections held to the breach rules, voided
/// records closed, calendar dates, and decimals everywhere they are shown.
@Suite("Agreement terms: review findings")
struct TermsReviewCLITests {
    /// A ceasefire (RU, 07-01…08-31) guaranteed by TR (5 days): breaches on
    /// 07-03 (entry 8, invoked 07-06 by entry 9), 07-20 (10, lapsed) and 08-01
    /// (11, invoked late on 08-10 by entry 12).
    func ceasefire() throws -> (TemporaryDirectory, AccordRunner) {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-10-01T12:00:00Z"
        for command in [
            ["init"], ["party", "add", "RU", "--name", "Russia"], ["party", "add", "TR", "--name", "Türkiye"],
            ["party", "add", "UA", "--name", "Ukraine"],
            ["agreement", "add", "corridor", "--title", "Corridor", "--date", "2025-07-01"],
            ["commitment", "add", "ceasefire", "--agreement", "corridor", "--party", "RU", "--restraint",
             "--from", "2025-07-01", "--until", "2025-08-31"],
            ["guarantee", "add", "TR-g", "--guarantor", "TR", "--covers", "ceasefire", "--consequence", "Sanctions",
             "--respond-within-days", "5"],
            ["breach", "ceasefire", "--observed", "2025-07-03", "--severity", "major", "--source", "OSCE"],
            ["guarantee", "invoke", "TR-g", "--date", "2025-07-06"],
            ["breach", "ceasefire", "--observed", "2025-07-20", "--severity", "grave", "--source", "OSCE"],
            ["breach", "ceasefire", "--observed", "2025-08-01", "--severity", "grave", "--source", "OSCE"],
            ["guarantee", "invoke", "TR-g", "--date", "2025-08-10"],
        ] { try accord.ok(command) }
        return (dir, accord)
    }

    func outcomes(_ accord: AccordRunner, at: String) throws -> [String?] {
        let guarantee = try accord.report("--at", at).row("guarantees", "TR-g")
        return (guarantee?["triggers"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String }
    }

    @Test("the audit compares amendments and voids: a forged row in either is tampering")
    func auditCoversAmendmentsAndVoids() throws {
        let (dir, accord) = try ceasefire()
        try accord.ok("amend", "commitment", "ceasefire", "--until", "2025-09-30", "--effective", "2025-08-15", "--reason", "extended")
        try accord.ok("void", "12", "--reason", "announced, never imposed")
        let db = dir.path("accord.sqlite")
        for (name, sql) in [
            ("amendments", "UPDATE amendments SET until_day = until_day + 30, window_until = '2025-10-30';"),
            ("voids", "DELETE FROM voids;"),
        ] {
            let copy = dir.path("\(name).sqlite")
            try FileManager.default.copyItem(atPath: db, toPath: copy)
            try Attacker.sql(copy, liftingGuards: ["amendments_no_update"], sql)
            let audit = try AuditRun(accord, copy)
            #expect(audit.status == 1, "\(name): \(audit)")
            #expect(audit.findings.contains { $0.detail.contains(name) }, "\(name): \(audit)")
        }
    }

    @Test("an amended response time or coverage never rewrites triggers from before its effective date")
    func guaranteeAmendmentsApplyFromTheirDay() throws {
        let (_, accord) = try ceasefire()
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late"])
        try accord.ok("amend", "guarantee", "TR-g", "--respond-within-days", "30", "--effective", "2025-09-01", "--reason", "longer")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late"])
        try accord.ok("commitment", "add", "ceasefire2", "--agreement", "corridor", "--party", "RU", "--restraint", "--from", "2025-08-15")
        try accord.ok("amend", "guarantee", "TR-g", "--covers", "ceasefire2", "--effective", "2025-08-15", "--reason", "new truce")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late"])
        let view = try runProgram("/usr/bin/env", ["sqlite3", accord.directory.path("accord.sqlite"),
                                                   "SELECT outcome FROM guarantee_triggers ORDER BY triggered_on"])
        #expect(view == "invoked\nlapsed\ninvoked_late\n", "\(view)")
    }

    /// Adds restraint `id` of `party` from `from` and amends TR-g to cover it
    /// alone from 2025-08-15; the amendment's seq.
    func coverNew(_ accord: AccordRunner, _ id: String, party: String, from: String, reason: String) throws -> Int64 {
        try accord.ok("commitment", "add", id, "--agreement", "corridor", "--party", party, "--restraint", "--from", from)
        return try HiddenTamperTests.recorded(try accord("amend", "guarantee", "TR-g", "--covers", id,
                                                         "--effective", "2025-08-15", "--reason", reason))
    }

    @Test("a commitment an amendment put under a guarantee: its breaches from then are the guarantor's, the guarantee is in its history")
    func amendedCoversInListingAndHistory() throws {
        let (_, accord) = try ceasefire()
        let amendment = try coverNew(accord, "ceasefire2", party: "RU", from: "2025-08-01", reason: "new truce")
        let before = try HiddenTamperTests.recorded(try accord("breach", "ceasefire2", "--observed", "2025-08-05", "--severity", "grave",
                                                               "--source", "OSCE"))
        let breach = try HiddenTamperTests.recorded(try accord("breach", "ceasefire2", "--observed", "2025-08-20", "--severity", "grave",
                                                               "--source", "OSCE"))
        let listing = try accord("breaches", "--guarantor", "TR", "--format", "json")
        #expect(listing.status == 0 && listing.stdout.contains("\"seq\": \(breach),"), "\(listing.stdout) \(listing.stderr)")
        #expect(!listing.stdout.contains("\"seq\": \(before),"), "observed before the guarantee covered it: \(listing.stdout)")
        // The ceasefire's own breaches of July stay the guarantor's: covered on their day, though no longer now.
        #expect(listing.stdout.contains("\"seq\": 8,"), "\(listing.stdout)")
        let history = try accord("history", "ceasefire2", "--format", "json")
        #expect(history.status == 0 && history.stdout.contains("{\"seq\":\(amendment),"), "\(history.stdout) \(history.stderr)")
        #expect(history.stdout.contains("{\"seq\":7,"), "the guarantee's own entry: \(history.stdout)")
    }

    @Test("a voided amendment that named a commitment in a guarantee's covers is in that commitment's history, with its void")
    func voidedCoversAmendmentInHistory() throws {
        let (_, accord) = try ceasefire()
        let amendment = try coverNew(accord, "ua-truce", party: "UA", from: "2025-08-15", reason: "entered on the wrong guarantee")
        let void = try HiddenTamperTests.recorded(try accord("void", "\(amendment)", "--reason", "wrong guarantee"))
        let history = try accord("history", "ua-truce", "--format", "json")
        #expect(history.status == 0 && history.stdout.contains("{\"seq\":\(amendment),") && history.stdout.contains("{\"seq\":\(void),"),
                "\(history.stdout) \(history.stderr)")
        #expect(!history.stdout.contains("{\"seq\":9,"), "the guarantee's invocations are not this commitment's: \(history.stdout)")
    }

    @Test("a commitment an amendment put under a guarantee cannot be voided until that amendment is")
    func commitmentUnderAmendedCoversNotVoided() throws {
        let (_, accord) = try ceasefire()
        let added = try HiddenTamperTests.recorded(try accord("commitment", "add", "ceasefire2", "--agreement", "corridor", "--party", "RU",
                                                              "--restraint", "--from", "2025-08-01"))
        let amendment = try HiddenTamperTests.recorded(try accord("amend", "guarantee", "TR-g", "--covers", "ceasefire2",
                                                                  "--effective", "2025-08-15", "--reason", "new truce"))
        let refused = try accord("void", "\(added)", "--reason", "entered in error")
        #expect(refused.status == 65 && refused.stderr.contains("an amendment of guarantee TR-g (entry \(amendment))"), "\(refused.stderr)")
        try accord.ok("void", "\(amendment)", "--reason", "entered in error")
        try accord.ok("void", "\(added)", "--reason", "entered in error")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late"])
    }

    @Test("a breach observed after a withdrawal is refused, and one recorded before it no longer counts")
    func breachAfterWithdrawal() throws {
        let (_, accord) = try ceasefire()
        try accord.ok("commitment", "withdraw", "ceasefire", "--reason", "superseded", "--effective", "2025-07-10")
        let late = try accord("breach", "ceasefire", "--observed", "2025-07-25", "--severity", "major", "--source", "OSCE")
        #expect(late.status == 65 && late.stderr.contains("it was withdrawn from 2025-07-10"), "\(late.stderr)")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked"])
    }

    @Test("voiding or retracting the breach whose trigger an invocation answers is refused; other breaches may go")
    func invocationsNeverStranded() throws {
        let (_, accord) = try ceasefire()
        for command in [["void", "8", "--reason", "x"], ["retract", "8", "--reason", "x"]] {
            let refused = try accord(command)
            #expect(refused.status == 65 && refused.stderr.contains("void the invocation first"), "\(refused.stderr)")
        }
        try accord.ok("void", "10", "--reason", "logged twice")
        try accord.ok("void", "9", "--reason", "announced, never imposed")
        try accord.ok("void", "8", "--reason", "misattributed")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked_late"])
    }

    @Test("a report narrowed to a party keeps a guarantee whose covers an amendment moved away: its triggers are that party's breaches")
    func narrowedReportKeepsGuaranteeOfPastCovers() throws {
        let (_, accord) = try ceasefire()
        _ = try coverNew(accord, "ua-truce", party: "UA", from: "2025-08-15", reason: "now UA's truce")
        let report = try accord.report("--at", "2025-09-30", "--party", "RU")
        let guarantee = try #require(report.row("guarantees", "TR-g"), "\(report)")
        #expect(guarantee["covers"] as? [String] == ["ua-truce"], "the covers in force at --at")
        #expect((guarantee["triggers"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["invoked", "lapsed", "invoked_late"])
        #expect(report.row("guarantors", "TR", key: "party")?["triggered"] as? Int == 3, "\(report)")
        // Before the amendment took effect the guarantee had never covered UA's truce: not UA's.
        #expect(try accord.report("--at", "2025-08-10", "--party", "UA").row("guarantees", "TR-g") == nil)
        #expect(try accord.report("--at", "2025-08-15", "--party", "UA").row("guarantees", "TR-g") != nil)
        // An amendment replaced by another of its own day never was in force: G3 never covered UA's truce.
        try accord.ok("guarantee", "add", "G3", "--guarantor", "TR", "--covers", "ceasefire", "--consequence", "Sanctions")
        try accord.ok("amend", "guarantee", "G3", "--covers", "ua-truce", "--effective", "2025-08-20", "--reason", "drafted")
        try accord.ok("amend", "guarantee", "G3", "--covers", "ceasefire", "--effective", "2025-08-20", "--reason", "as signed")
        #expect(try accord.report("--at", "2025-09-01", "--party", "UA").row("guarantees", "G3") == nil)
        #expect(try accord.report("--at", "2025-09-01", "--party", "RU").row("guarantees", "G3") != nil)
    }

    /// The guarantee's invocations that answer no trigger, as "DAY entry N".
    func withoutTrigger(_ accord: AccordRunner, _ extra: String...) throws -> [String] {
        let guarantee = try accord.report(["--at", "2025-09-30"] + extra).row("guarantees", "TR-g")
        return (guarantee?["invocationsWithoutTrigger"] as? [[String: Any]] ?? []).map {
            "\($0["invokedOn"] as? String ?? "?") entry \($0["entry"] as? Int ?? -1)"
        }
    }

    @Test("an invocation whose trigger later evidence took away is shown as answering no trigger, never dropped")
    func invocationWithoutTriggerShown() throws {
        let (_, accord) = try ceasefire()
        #expect(try withoutTrigger(accord) == [])
        // The breach it answered disputed: no longer counted, so 07-20 opens the first trigger and lapses.
        let dispute = try HiddenTamperTests.recorded(try accord("dispute", "8", "--by", "RU", "--reason", "denies it"))
        #expect(try outcomes(accord, at: "2025-09-30") == ["lapsed", "invoked_late"])
        #expect(try withoutTrigger(accord) == ["2025-07-06 entry 9"])
        #expect(try withoutTrigger(accord, "--as-of", "\(dispute - 1)") == [], "as the ledger knew it before the dispute")
        let csv = try accord.ok("report", "--at", "2025-09-30", "--section", "guarantees", "--format", "csv")
        #expect(csv.hasPrefix("guarantee,guarantor,status,covers,triggers,triggered_on,respond_by,invoked_on,invocations_without_trigger\r\n"),
                "\(csv)")
        #expect(csv.contains(",2025-08-10,2025-07-06 (entry 9)\r\n"), "\(csv)")
        let brief = try accord.ok("brief", "--at", "2025-09-30", "--format", "markdown")
        // In date order: the invocation of 07-06 before the trigger of 07-20.
        let stray = try #require(brief.range(of: "| – | – | invoked 2025-07-06 \\(entry 9\\); no trigger left to answer |"), "\(brief)")
        let trigger = try #require(brief.range(of: "| 2025-07-20 \\(breach 10\\) |"), "\(brief)")
        #expect(stray.lowerBound < trigger.lowerBound, "\(brief)")
        // Upheld, it counts again and the invocation answers it again.
        try accord.ok("adjudicate", "8", "--upheld", "--reason", "imagery confirms it")
        #expect(try withoutTrigger(accord) == [])
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late"])
        // Corrected to a day after the invocation: the invocation came before any trigger.
        try accord.ok("correct", "8", "--observed", "2025-07-08", "--reason", "it was the 8th")
        #expect(try withoutTrigger(accord) == ["2025-07-06 entry 9"])
        #expect(try outcomes(accord, at: "2025-09-30") == ["lapsed", "lapsed", "invoked_late"])
    }

    @Test("a brief where every breach is disputed says so: evidence under dispute, invocations with no trigger left, never 'no evidence'")
    func briefOfDisputedBreaches() throws {
        let (_, accord) = try ceasefire()
        for breach in ["8", "10", "11"] { try accord.ok("dispute", breach, "--by", "RU", "--reason", "denies it") }
        let brief = try accord.ok("brief", "--at", "2025-09-30", "--format", "markdown")
        #expect(brief.contains("Evidence under a pending dispute, counted only if upheld: ceasefire."), "\(brief)")
        #expect(brief.contains("1 guarantee in scope; no trigger; 2 invocations with no trigger left to answer"), "\(brief)")
        #expect(brief.contains("under a pending dispute, not counted"), "\(brief)")
        #expect(!brief.contains("Nothing counted and nothing below the threshold: ceasefire"), "\(brief)")
    }

    @Test("a breach a correction moved to the covered commitment is held as one recorded there: retracting it is refused")
    func movedBreachNeverStrandsItsInvocation() throws {
        let (_, accord) = try ceasefire()
        try accord.ok("commitment", "add", "ports", "--agreement", "corridor", "--party", "RU", "--restraint",
                      "--from", "2025-07-01", "--until", "2025-08-31")
        let breach = try HiddenTamperTests.recorded(try accord("breach", "ports", "--observed", "2025-08-20", "--severity", "grave",
                                                               "--source", "OSCE"))
        try accord.ok("correct", "\(breach)", "--commitment", "ceasefire", "--reason", "it was the ceasefire")
        try accord.ok("guarantee", "invoke", "TR-g", "--date", "2025-08-22")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late", "invoked"])
        let refused = try accord("retract", "\(breach)", "--reason", "x")
        #expect(refused.status == 65 && refused.stderr.contains("void the invocation first"), "\(refused.stderr)")
        #expect(try outcomes(accord, at: "2025-09-30") == ["invoked", "lapsed", "invoked_late", "invoked"])
    }

    @Test("a correction of a breach keeps to the obligor and the window; a voided record takes nothing more")
    func correctionsAndVoidedRecords() throws {
        let (_, accord) = try ceasefire()
        let party = try accord("correct", "10", "--party", "UA", "--reason", "x")
        #expect(party.status == 65 && party.stderr.contains("its obligor is RU"), "\(party.stderr)")
        let date = try accord("correct", "10", "--observed", "2025-09-15", "--reason", "x")
        #expect(date.status == 65 && date.stderr.contains("in force from 2025-07-01 to 2025-08-31"), "\(date.stderr)")
        try accord.ok("void", "10", "--reason", "logged twice")
        for command in [["log", "--corroborates", "10", "--source", "Another"], ["correct", "10", "--severity", "minor", "--reason", "x"],
                        ["dispute", "10", "--by", "RU", "--reason", "x"], ["retract", "10", "--reason", "x"]] {
            let refused = try accord(command)
            #expect(refused.status == 65 && refused.stderr.contains("was voided by entry"), "\(command): \(refused.stderr)")
        }
    }

    @Test("due dates, windows, effective dates and invocations are calendar dates: a time is refused")
    func calendarDates() throws {
        let (_, accord) = try ceasefire()
        for command in [
            ["commitment", "add", "x", "--agreement", "corridor", "--party", "UA", "--action", "--due", "2025-09-01T12:00:00+03:00"],
            ["amend", "commitment", "ceasefire", "--until", "2025-09-30", "--effective", "2025-08-15T00:00:00Z", "--reason", "x"],
            ["commitment", "withdraw", "ceasefire", "--reason", "x", "--effective", "2025-09-01T10:00:00+14:00"],
        ] {
            let refused = try accord(command)
            #expect(refused.status == 65 && refused.stderr.contains("has a time; give the calendar date"), "\(command): \(refused.stderr)")
        }
    }

    @Test("decimal targets read as decimals in history, amendments and exports; retracted records are shown, marked")
    func decimalsShown() throws {
        let (_, accord) = try ceasefire()
        try accord.ok("commitment", "add", "fuel", "--agreement", "corridor", "--party", "UA", "--quantity", "12.5", "--decimals", "2",
                      "--unit", "tonnes", "--due", "2025-09-01")
        try accord.ok("amend", "commitment", "fuel", "--target", "13.75", "--effective", "2025-08-01", "--reason", "more trucks")
        try accord.ok("log", "fuel", "--quantity", "4.25", "--observed", "2025-08-05", "--source", "WFP", "--id", "f1")
        try accord.ok("retract", "f1", "--reason", "double count")
        let history = try accord.ok("history", "fuel", "--format", "csv")
        #expect(history.contains("12.50 tonnes") && history.contains("target 13.75"), "\(history)")
        let export = try accord.ok("export", "commitments")
        #expect(export.hasPrefix("kind,id,agreement,party,commitment_kind,quantity,decimals,unit,"), "\(export)")
        // As recorded (so it imports back into its own ledger as already present); the amendment is in history.
        #expect(export.contains("commitment,fuel,corridor,UA,quantity,12.50,2,tonnes,2025-09-01,"), "\(export)")
        let show = try accord.ok("commitment", "show", "fuel", "--at", "2025-08-10")
        #expect(show.contains("target 13.75") && show.contains("no: retracted"), "\(show)")
    }
}
