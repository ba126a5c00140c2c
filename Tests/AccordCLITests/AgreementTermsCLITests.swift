import Foundation
import Testing

/// Fulfilment that matches the agreement (issue 12), through the binary: who
/// and when a breach can be, triggers as cycles, amendments in force from a
/// date, voids, local dates, lateness, decimal quantities, corroborations
/// that never promote by default, and `commitment show` saying what counts.
@Suite("Agreement terms through the binary")
struct AgreementTermsCLITests {
    /// A Black Sea agreement (2025-06-01): RU-ports, Russia's restraint from
    /// 1 July to 31 August, covered by Türkiye's guarantee TR-g (7 days).
    func ports() throws -> (TemporaryDirectory, AccordRunner) {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-09-30T12:00:00Z"
        for command in [
            ["init"],
            ["party", "add", "UA", "--name", "Ukraine"], ["party", "add", "RU", "--name", "Russia"],
            ["party", "add", "TR", "--name", "Türkiye"],
            ["agreement", "add", "black-sea", "--title", "Black Sea", "--date", "2025-06-01"],
            ["commitment", "add", "RU-ports", "--agreement", "black-sea", "--party", "RU", "--restraint",
             "--from", "2025-07-01", "--until", "2025-08-31"],
            ["guarantee", "add", "TR-g", "--guarantor", "TR", "--covers", "RU-ports", "--consequence", "Close the straits",
             "--respond-within-days", "7"],
        ] { try accord.ok(command) }
        return (dir, accord)
    }

    @Test("a breach by another party than the obligor, or outside the window, is refused and changes nothing")
    func breachOutsideTheCommitment() throws {
        let (dir, accord) = try ports()
        let before = try LedgerState(dir.path("accord.sqlite"))
        let other = try accord("breach", "RU-ports", "--party", "UA", "--observed", "2025-07-05", "--severity", "major", "--source", "M")
        #expect(other.status == 65 && other.isOneLineError, "\(other.stderr)")
        #expect(other.stderr.contains("its obligor is RU"), "\(other.stderr)")
        let early = try accord("breach", "RU-ports", "--observed", "2025-06-25", "--severity", "major", "--source", "M")
        #expect(early.status == 65 && early.isOneLineError, "\(early.stderr)")
        #expect(early.stderr.contains("in force from 2025-07-01 to 2025-08-31"), "\(early.stderr)")
        let late = try accord("breach", "RU-ports", "--observed", "2025-09-01", "--severity", "major", "--source", "M")
        #expect(late.status == 65, "\(late.stderr)")
        #expect(try LedgerState(dir.path("accord.sqlite")) == before)

        // --party may be left out: it is the obligor.
        try accord.ok("breach", "RU-ports", "--observed", "2025-07-05", "--severity", "major", "--source", "M", "--id", "b1")
        let breaches = try accord.ok("breaches", "--format", "csv")
        #expect(breaches.contains("RU-ports,RU,major"), "\(breaches)")
        #expect(try accord.report("--at", "2025-06-28").row("commitments", "RU-ports")?["status"] as? String == "not_yet_due")
    }

    @Test("a window moved by an amendment leaves a breach outside: listed as such, never counted or triggering")
    func amendmentMovesABreachOutside() throws {
        let (_, accord) = try ports()
        try accord.ok("breach", "RU-ports", "--observed", "2025-08-10", "--severity", "major", "--source", "M")
        #expect(try accord.report("--at", "2025-08-12").row("guarantees", "TR-g")?["status"] as? String == "triggered")
        try accord.ok("amend", "commitment", "RU-ports", "--until", "2025-07-31", "--effective", "2025-08-01",
                      "--reason", "The parties shortened the truce")
        let report = try accord.report("--at", "2025-08-12")
        #expect(report.row("commitments", "RU-ports")?["status"] as? String == "fulfilled")
        #expect(report.row("commitments", "RU-ports")?["breaches"] as? Int == 0)
        #expect(report.row("guarantees", "TR-g")?["status"] as? String == "dormant")
        let show = try accord.ok("commitment", "show", "RU-ports", "--at", "2025-08-20")
        #expect(show.contains("no: outside the commitment"), "\(show)")
        #expect(try accord.ok("breaches", "--status", "outside", "--format", "csv").contains(",outside,"))
    }

    @Test("three breaches, an invocation, a lapse and a late invocation: three triggers, follow-through 1/3")
    func triggersAreCycles() throws {
        let (_, accord) = try ports()
        for command in [
            ["breach", "RU-ports", "--observed", "2025-07-05", "--severity", "major", "--source", "M"],
            ["breach", "RU-ports", "--observed", "2025-07-06", "--severity", "grave", "--source", "M"],   // while open: same trigger
            ["guarantee", "invoke", "TR-g", "--date", "2025-07-08"],
            ["breach", "RU-ports", "--observed", "2025-07-20", "--severity", "major", "--source", "M"],
            ["breach", "RU-ports", "--observed", "2025-08-10", "--severity", "major", "--source", "M"],
            ["guarantee", "invoke", "TR-g", "--date", "2025-08-25"],
        ] { try accord.ok(command) }
        let report = try accord.report("--at", "2025-09-01")
        let guarantee = try #require(report.row("guarantees", "TR-g"))
        let triggers = try #require(guarantee["triggers"] as? [[String: Any]])
        #expect(triggers.map { $0["triggeredOn"] as? String } == ["2025-07-05", "2025-07-20", "2025-08-10"])
        #expect(triggers.map { $0["respondBy"] as? String } == ["2025-07-12", "2025-07-27", "2025-08-17"])
        #expect(triggers.map { $0["outcome"] as? String } == ["invoked", "lapsed", "invoked_late"])
        #expect(triggers.map { $0["invokedOn"] as? String } == ["2025-07-08", nil, "2025-08-25"])
        #expect(triggers.map { $0["breach"] as? Int } == [8, 11, 12])
        #expect(guarantee["status"] as? String == "invoked_late")
        let tr = try #require(report.row("guarantors", "TR", key: "party"))
        #expect(tr["triggered"] as? Int == 3 && tr["invoked"] as? Int == 1 && tr["lapsed"] as? Int == 1 && tr["invokedLate"] as? Int == 1)
        #expect(tr["followThrough"] as? Double == 1.0 / 3)

        // The brief shows each trigger; the auditor view agrees.
        let brief = try accord.ok("brief", "--at", "2025-09-01", "--format", "markdown")
        for line in ["2025-07-05 \\(breach 8\\) | 2025-07-12 \\(7 d\\) | invoked 2025-07-08",
                     "2025-07-20 \\(breach 11\\) | 2025-07-27 \\(7 d\\) | lapsed",
                     "2025-08-10 \\(breach 12\\) | 2025-08-17 \\(7 d\\) | invoked late, 2025-08-25"] {
            #expect(brief.contains(line), "\(line) not in\n\(brief)")
        }
        let view = try runProgram("/usr/bin/env", ["sqlite3", accord.directory.path("accord.sqlite"),
                                                   "SELECT breach, triggered_on, respond_by, invoked_on, outcome FROM guarantee_triggers"])
        #expect(view == "8|2025-07-05|2025-07-12|2025-07-08|invoked\n11|2025-07-20|2025-07-27||lapsed\n"
                + "12|2025-08-10|2025-08-17|2025-08-25|invoked_late\n", "\(view)")
    }

    @Test("an invocation with no open trigger, a second one for a trigger, or one dated before it is refused")
    func invocationRefusals() throws {
        let (dir, accord) = try ports()
        let none = try accord("guarantee", "invoke", "TR-g", "--date", "2025-07-03")
        #expect(none.status == 65 && none.stderr.contains("no counted breach of a covered commitment has triggered it"), "\(none.stderr)")
        try accord.ok("breach", "RU-ports", "--observed", "2025-07-05", "--severity", "major", "--source", "M")
        let before = try accord("guarantee", "invoke", "TR-g", "--date", "2025-07-04")
        #expect(before.status == 65 && before.isOneLineError, "\(before.stderr)")
        try accord.ok("guarantee", "invoke", "TR-g", "--date", "2025-07-08")
        let state = try LedgerState(dir.path("accord.sqlite"))
        let twice = try accord("guarantee", "invoke", "TR-g", "--date", "2025-07-09")
        #expect(twice.status == 65 && twice.stderr.contains("already answered by the invocation of 2025-07-08"), "\(twice.stderr)")
        #expect(try LedgerState(dir.path("accord.sqlite")) == state)
    }

    @Test("an amended due date: earlier terms before its effective date, new ones after, unknown as of before it was recorded")
    func amendedDueDate() throws {
        let (_, accord) = try ports()
        try accord.ok("commitment", "add", "texts", "--agreement", "black-sea", "--party", "UA", "--action", "--due", "2025-07-15")
        let seqBefore = try accord.report()["ledger"].flatMap { ($0 as? [String: Any])?["seq"] as? Int }
        let amended = try accord.ok("amend", "commitment", "texts", "--due", "2025-08-15", "--effective", "2025-07-10",
                                    "--reason", "Mediators extended the deadline")
        #expect(amended.isEmpty)
        func status(_ arguments: String...) throws -> String? {
            try accord.report(arguments).row("commitments", "texts")?["status"] as? String
        }
        #expect(try status("--at", "2025-07-09") == "unverified")
        #expect(try accord.report("--at", "2025-07-09").row("commitments", "texts")?["due"] as? String == "2025-07-15")
        #expect(try status("--at", "2025-07-20") == "unverified")         // the new due date, 08-15, is not past yet
        #expect(try accord.report("--at", "2025-07-20").row("commitments", "texts")?["due"] as? String == "2025-08-15")
        #expect(try status("--at", "2025-08-16") == "overdue")
        // As the ledger knew it before the amendment: the old deadline had passed.
        #expect(try status("--at", "2025-07-20", "--as-of", String(try #require(seqBefore))) == "overdue")

        let history = try accord.ok("history", "texts", "--format", "csv")
        #expect(history.contains("amendment") && history.contains("Mediators extended the deadline"), "\(history)")
        let show = try accord.ok("commitment", "show", "texts", "--at", "2025-07-20")
        #expect(show.contains("due         2025-08-15") && show.contains("AMENDMENTS"), "\(show)")
        #expect(show.contains("due 2025-08-15  Mediators extended the deadline"), "\(show)")
        // Neither the unit, the kind nor the obligor can be amended.
        let party = try accord("amend", "commitment", "texts", "--party", "RU", "--effective", "2025-07-10", "--reason", "x")
        #expect(party.status == 65 && party.stderr.contains("new commitment"), "\(party.stderr)")
        let view = try runProgram("/usr/bin/env", ["sqlite3", accord.directory.path("accord.sqlite"),
                                                   "SELECT effective, due FROM commitment_terms WHERE commitment = 'texts' ORDER BY seq"])
        #expect(view == "|2025-07-15\n2025-07-10|2025-08-15\n", "\(view)")
    }

    @Test("a voided definition and a voided verification: gone from reports and lists, kept in the journal and history")
    func voids() throws {
        let (_, accord) = try ports()
        try accord.ok("party", "add", "UN", "--name", "Entered by mistake")
        try accord.ok("commitment", "add", "grain", "--agreement", "black-sea", "--party", "UA", "--quantity", "100",
                      "--unit", "tonnes", "--due", "2025-08-01")
        try accord.ok("log", "grain", "--quantity", "100", "--observed", "2025-07-20", "--source", "M", "--id", "g1")
        #expect(try accord.report("--at", "2025-08-02").row("commitments", "grain")?["status"] as? String == "fulfilled")

        try accord.ok("void", "g1", "--reason", "Logged against the wrong commitment")
        #expect(try accord.report("--at", "2025-08-02").row("commitments", "grain")?["status"] as? String == "overdue")
        let history = try accord.ok("history", "g1", "--format", "csv")
        #expect(history.contains(",verification,") && history.contains(",void,"), "\(history)")
        let again = try accord("void", "g1", "--reason", "twice")
        #expect(again.status == 65 && again.stderr.contains("already voided"), "\(again.stderr)")

        try accord.ok("void", "8", "--reason", "No such party in this agreement")
        #expect(!(try accord.ok("party", "list")).contains("UN"))
        #expect(try accord.ok("history", "UN", "--format", "csv").contains(",void,"))
        // A definition others refer to cannot be voided before them.
        let referenced = try accord("void", "UA", "--reason", "x")
        #expect(referenced.status == 65, "\(referenced.stderr)")
        #expect(try AuditRun(accord, accord.directory.path("accord.sqlite")).status == 0)
    }

    @Test("an observation at 01:15 in Kyiv is judged on its local date, and shown with its offset")
    func localDates() throws {
        let (_, accord) = try ports()
        try accord.ok("commitment", "add", "texts", "--agreement", "black-sea", "--party", "UA", "--action", "--due", "2025-07-18")
        try accord.ok("log", "texts", "--done", "--observed", "2025-07-18T01:15:00+03:00", "--source", "M", "--id", "kyiv")
        let report = try accord.report("--at", "2025-07-18")
        #expect(report.row("commitments", "texts")?["status"] as? String == "fulfilled")
        #expect(report.row("commitments", "texts")?["late"] as? Bool == false)
        #expect(try accord.report("--at", "2025-07-17").row("commitments", "texts")?["status"] as? String == "unverified")
        let export = try accord.ok("export", "verifications")
        #expect(export.contains(",2025-07-18,2025-07-18T01:15:00+03:00,"), "\(export)")
        let detail = try #require(try accord.json("commitment", "show", "texts", "--at", "2025-07-18", "--format", "json") as? [String: Any])
        let row = try #require((detail["verifications"] as? [[String: Any]])?.first)
        #expect(row["observed"] as? String == "2025-07-18")
        #expect(row["observed_at"] as? String == "2025-07-18T01:15:00+03:00")
    }

    @Test("an action due 07-15, not done on 07-16, done on 08-12, is fulfilled 28 days late")
    func lateAction() throws {
        let (_, accord) = try ports()
        try accord.ok("commitment", "add", "act", "--agreement", "black-sea", "--party", "UA", "--action", "--due", "2025-07-15")
        try accord.ok("log", "act", "--not-done", "--observed", "2025-07-16", "--source", "M")
        try accord.ok("log", "act", "--done", "--observed", "2025-08-12", "--source", "M")
        let report = try accord.report("--at", "2025-09-01")
        let act = try #require(report.row("commitments", "act"))
        #expect(act["status"] as? String == "fulfilled")
        #expect(act["late"] as? Bool == true)
        #expect(act["daysLate"] as? Int == 28)
        let ua = try #require(report.row("parties", "UA", key: "party"))
        #expect(ua["fulfilledLate"] as? Int == 1 && ua["fulfilledOnTime"] as? Int == 0)
        let table = try accord.ok("report", "--at", "2025-09-01", "--section", "commitments")
        #expect(table.contains("LATE") && table.contains("fulfilled  2025-07-15  yes          28"), "\(table)")
        let brief = try accord.ok("brief", "--at", "2025-09-01", "--format", "markdown")
        #expect(brief.contains("fulfilled, late \\(28 d\\)"), "\(brief)")
    }

    @Test("a commitment of 12.5 tonnes reached by 4.25 + 8.25, exactly; 600,000 is refused with how to write it")
    func decimalQuantities() throws {
        let (_, accord) = try ports()
        try accord.ok("commitment", "add", "grain", "--agreement", "black-sea", "--party", "UA", "--quantity", "12.5",
                      "--decimals", "2", "--unit", "tonnes", "--due", "2025-08-01")
        try accord.ok("log", "grain", "--quantity", "4.25", "--observed", "2025-07-18", "--source", "M")
        #expect(try accord.report("--at", "2025-07-20").row("commitments", "grain")?["status"] as? String == "in_progress")
        try accord.ok("log", "grain", "--quantity", "8.25", "--observed", "2025-07-30", "--source", "M")
        let report = try accord.report("--at", "2025-08-01")
        let grain = try #require(report.row("commitments", "grain"))
        #expect(grain["status"] as? String == "fulfilled")
        #expect(grain["rate"] as? Double == 1)
        let csv = try accord.ok("report", "--at", "2025-08-01", "--section", "commitments", "--format", "csv")
        #expect(csv.contains("grain,black-sea,UA,quantity,12.50,12.50,tonnes,1,fulfilled"), "\(csv)")

        let comma = try accord("log", "grain", "--quantity", "600,000", "--observed", "2025-07-30", "--source", "M")
        #expect(comma.status == 65 && comma.stderr.contains("write digits only"), "\(comma.stderr)")
        let places = try accord("log", "grain", "--quantity", "1.125", "--observed", "2025-07-30", "--source", "M")
        #expect(places.status == 65 && places.stderr.contains("at most 2 decimal places"), "\(places.stderr)")
        let whole = try accord("commitment", "add", "fuel", "--agreement", "black-sea", "--party", "UA", "--quantity", "1.000",
                               "--unit", "t", "--due", "2025-08-01")
        #expect(whole.status == 65, "\(whole.stderr)")
    }

    @Test("a corroboration without a confidence takes its record's, and never promotes it")
    func corroborationDefault() throws {
        let (_, accord) = try ports()
        try accord.ok("commitment", "add", "act", "--agreement", "black-sea", "--party", "UA", "--action", "--due", "2025-07-15")
        try accord.ok("log", "act", "--done", "--observed", "2025-07-10", "--source", "Channel", "--source-kind", "media",
                      "--confidence", "unverified", "--id", "claim")
        try accord.ok("log", "--corroborates", "claim", "--source", "Another channel", "--source-kind", "media")
        let report = try accord.report("--at", "2025-07-20")
        #expect(report.row("commitments", "act")?["status"] as? String == "overdue")
        let history = try accord.ok("history", "claim", "--format", "csv")
        #expect(history.contains("Another channel (media, unverified)"), "\(history)")
        let help = try accord.ok("help", "log").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("takes the confidence of the record it corroborates"), "\(help)")
    }

    @Test("a confirmed breach is never hidden behind not yet due: the demo's Russia is at 50%, not 100%")
    func decidedOutcomesCount() throws {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-10T12:00:00Z"
        try accord.ok("demo", "--db", "demo.sqlite")
        let report = try accord.report("--db", "demo.sqlite", "--at", "2025-06-10")
        let ru = try #require(report.row("parties", "RU", key: "party"))
        #expect(ru["due"] as? Int == 2 && ru["breached"] as? Int == 1 && ru["rate"] as? Double == 0.5)
    }
}
