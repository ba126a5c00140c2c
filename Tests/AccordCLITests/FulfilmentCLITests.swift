import Foundation
import Testing

/// Statuses, reciprocity, guarantees, dependencies and the confidence
/// threshold, judged by the built binary from a ledger built with it.
@Suite("Fulfilment through the binary")
struct FulfilmentCLITests {
    /// A copy of ``BaseLedger/scenario`` in a fresh directory.
    func scenario() throws -> (TemporaryDirectory, AccordRunner) {
        let dir = try TemporaryDirectory()
        _ = try BaseLedger.copy(into: dir, from: BaseLedger.scenario)
        return (dir, AccordRunner(dir))
    }

    func status(_ report: [String: Any], _ id: String) -> String? {
        report.row("commitments", id)?["status"] as? String
    }

    @Test("statuses at the boundaries")
    func statuses() throws {
        let (_, accord) = try scenario()
        let early = try accord.report("--at", "2025-05-10")
        #expect(status(early, "no-strikes") == "not_yet_due")
        #expect(status(early, "UA-release") == "unverified")

        let due = try accord.report("--at", "2025-05-25")     // the releases' due date
        #expect(status(due, "UA-release") == "fulfilled")
        #expect(due.row("commitments", "UA-release")?["rate"] as? Double == 1)
        #expect(status(due, "RU-release") == "in_progress")
        #expect(due.row("commitments", "RU-release")?["rate"] as? Double == 0.39)
        #expect(status(due, "texts") == "unverified")
        #expect(status(due, "summit") == "blocked")
        #expect(status(due, "no-strikes") == "in_progress")
        #expect(status(due, "grain") == "unverified")

        let after = try accord.report("--at", "2025-05-26")
        #expect(status(after, "RU-release") == "overdue")

        let june = try accord.report("--at", "2025-06-01")
        #expect(status(june, "no-strikes") == "breached")
        #expect(june.row("commitments", "no-strikes")?["rate"] as? Double == 0)
        #expect(june.row("commitments", "no-strikes")?["verified"] is NSNull)
        let ua = try #require(june.row("parties", "UA", key: "party"))
        #expect(ua["due"] as? Int == 1)
        #expect(ua["fulfilled"] as? Int == 1)
        #expect(ua["rate"] as? Double == 1)
        #expect(june.row("parties", "US", key: "party") == nil)     // a guarantor without commitments is no obligor
    }

    @Test("reciprocal tranches, totals and balance; both sides name each other")
    func reciprocity() throws {
        let (_, accord) = try scenario()
        let report = try accord.report("--at", "2025-06-01")
        #expect(report.row("commitments", "UA-release")?["reciprocal"] as? String == "RU-release")
        #expect(report.row("commitments", "RU-release")?["reciprocal"] as? String == "UA-release")
        let pairs = try #require(report["reciprocity"] as? [[String: Any]])
        #expect(pairs.count == 1)
        #expect(pairs.first?["pair"] as? [String] == ["UA-release", "RU-release"])
        let tranches = try #require(pairs.first?["tranches"] as? [[String: Any]])
        #expect(tranches.map { $0["date"] as? String } == ["2025-05-23", "2025-05-25"])
        #expect(tranches.map { $0["a"] as? Int } == [390, 610])
        #expect(tranches.map { $0["b"] as? Int } == [390, 0])
        #expect(pairs.first?["balance"] as? Int == 610)

        let probable = try accord.report("--at", "2025-06-01", "--min-confidence", "probable")
        let pair = try #require((probable["reciprocity"] as? [[String: Any]])?.first)
        #expect((pair["tranches"] as? [[String: Any]])?.map { $0["b"] as? Int } == [390, 300, 0])
        #expect(pair["balance"] as? Int == 310)
    }

    @Test("guarantees: dormant, triggered, invoked, invoked late; follow-through")
    func guarantees() throws {
        let (_, accord) = try scenario()
        func guarantee(_ report: [String: Any], _ id: String) -> String? { report.row("guarantees", id)?["status"] as? String }

        let before = try accord.report("--at", "2025-05-29")   // only the unverified breach so far
        #expect(guarantee(before, "G") == "dormant")
        #expect(guarantee(before, "G0") == "dormant")
        let us0 = try #require(before.row("guarantors", "US", key: "party"))
        #expect(us0["triggered"] as? Int == 0)
        #expect(us0["followThrough"] is NSNull)

        let pending = try accord.report("--at", "2025-05-30")
        #expect(guarantee(pending, "G") == "triggered")
        #expect(guarantee(pending, "G0") == "triggered")     // the last day to respond is the breach day
        #expect(pending.row("guarantors", "US", key: "party")?["pending"] as? Int == 2)

        let later = try accord.report("--at", "2025-06-01")
        #expect(guarantee(later, "G") == "invoked")
        #expect(guarantee(later, "G0") == "invoked_late")   // answered after its response time: not followed through
        #expect(later.row("guarantees", "G0")?["invokedOn"] as? String == "2025-06-01")
        #expect(later.row("guarantees", "G")?["covers"] as? [String] == ["no-strikes"])
        let us = try #require(later.row("guarantors", "US", key: "party"))
        #expect(us["triggered"] as? Int == 2)
        #expect(us["invoked"] as? Int == 1)
        #expect(us["invokedLate"] as? Int == 1)
        #expect(us["followThrough"] as? Double == 0.5)
    }

    @Test("--depends-on blocks until the dependency is fulfilled")
    func blocked() throws {
        let (_, accord) = try scenario()
        #expect(status(try accord.report("--at", "2025-06-01"), "summit") == "blocked")
        try accord.ok("log", "texts", "--done", "--observed", "2025-06-01", "--source", "Mediator", "--confidence", "probable")
        #expect(status(try accord.report("--at", "2025-06-01"), "summit") == "blocked")
        let probable = try accord.report("--at", "2025-06-01", "--min-confidence", "probable")
        #expect(status(probable, "texts") == "fulfilled")
        #expect(status(probable, "summit") == "unverified")
        #expect(probable.row("commitments", "summit")?["blockedBy"] as? [String] == [])
    }

    @Test("the threshold is stated, left-out evidence is counted, corroboration adds sources not quantity",
          arguments: [("confirmed", 390, 1, 2), ("probable", 690, 0, 2), ("unverified", 690, 0, 2)])
    func threshold(min: String, verified: Int, leftOut: Int, sources: Int) throws {
        let (_, accord) = try scenario()
        let report = try accord.report("--at", "2025-06-01", "--min-confidence", min)
        #expect(report["minConfidence"] as? String == min)
        let ru = try #require(report.row("commitments", "RU-release"))
        #expect(ru["verified"] as? Int == verified)
        #expect(ru["leftOut"] as? Int == leftOut)
        #expect(ru["sources"] as? Int == sources)    // ICRC and RU MoD
        let strikes = try #require(report.row("commitments", "no-strikes"))
        #expect(strikes["breaches"] as? Int == (min == "unverified" ? 2 : 1))
    }

    @Test("the default report date is today (ACCORD_NOW) and the default threshold is confirmed")
    func defaults() throws {
        let (_, accord) = try scenario()
        let report = try accord.report()
        #expect(report["at"] as? String == "2025-06-01")
        #expect(report["minConfidence"] as? String == "confirmed")
        #expect((report["ledger"] as? [String: Any])?["seq"] as? Int == 22)
    }
}
