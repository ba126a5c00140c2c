@testable import AccordLedger
import Testing

/// Evidence for one case of the status matrices: (quantity or nil for a
/// `--done`, observed day, confidence).
struct Observation: Sendable, CustomStringConvertible {
    var quantity: Int64?
    var done = true
    var day: String
    var confidence: Confidence = .confirmed

    static func qty(_ quantity: Int64, _ day: String, _ confidence: Confidence = .confirmed) -> Observation {
        Observation(quantity: quantity, day: day, confidence: confidence)
    }
    static func done(_ day: String, _ confidence: Confidence = .confirmed) -> Observation {
        Observation(quantity: nil, done: true, day: day, confidence: confidence)
    }
    static func notDone(_ day: String) -> Observation {
        Observation(quantity: nil, done: false, day: day)
    }

    var description: String {
        (quantity.map { "\($0)" } ?? (done ? "done" : "not done")) + "@\(day)" + (confidence == .confirmed ? "" : "(\(confidence))")
    }
}

/// One row of a status matrix.
struct StatusCase: Sendable, CustomTestStringConvertible {
    var name: String
    var due: String?
    var from: String?
    var until: String?
    var evidence: [Observation] = []
    /// Breaches: (day, confidence).
    var breaches: [(String, Confidence)] = []
    var at: String
    var status: FulfilmentStatus
    var rate: Double?
    var verified: Int64?
    var isDue: Bool

    var testDescription: String { name }
}

@Suite("Evaluator: statuses and rates")
struct EvaluatorTests {
    // Target 100 prisoners, due 2025-05-25 unless the case says otherwise.
    static let quantityCases: [StatusCase] = [
        StatusCase(name: "no evidence before the due date is unverified", due: "2025-05-25", at: "2025-05-20",
                   status: .unverified, rate: 0, verified: 0, isDue: false),
        StatusCase(name: "some counted quantity is in progress", due: "2025-05-25", evidence: [.qty(40, "2025-05-18")],
                   at: "2025-05-20", status: .inProgress, rate: 0.4, verified: 40, isDue: false),
        StatusCase(name: "a counted quantity of 0 is not progress", due: "2025-05-25", evidence: [.qty(0, "2025-05-18")],
                   at: "2025-05-20", status: .unverified, rate: 0, verified: 0, isDue: false),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "the target reached is fulfilled", due: "2025-05-25",
                   evidence: [.qty(60, "2025-05-18"), .qty(40, "2025-05-19")],
                   at: "2025-05-20", status: .fulfilled, rate: 1, verified: 100, isDue: true),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "more than the target caps the rate at 1", due: "2025-05-25", evidence: [.qty(150, "2025-05-18")],
                   at: "2025-05-20", status: .fulfilled, rate: 1, verified: 150, isDue: true),
        StatusCase(name: "due date equal to --at is not overdue yet", due: "2025-05-25", evidence: [.qty(40, "2025-05-18")],
                   at: "2025-05-25", status: .inProgress, rate: 0.4, verified: 40, isDue: true),
        StatusCase(name: "no evidence on the due date is still unverified", due: "2025-05-25", at: "2025-05-25",
                   status: .unverified, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "the day after the due date, short of target, is overdue", due: "2025-05-25",
                   evidence: [.qty(40, "2025-05-18")], at: "2025-05-26", status: .overdue, rate: 0.4, verified: 40, isDue: true),
        StatusCase(name: "no evidence past the due date is overdue", due: "2025-05-25", at: "2025-05-26",
                   status: .overdue, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "evidence observed after --at is ignored", due: "2025-05-25", evidence: [.qty(100, "2025-05-27")],
                   at: "2025-05-26", status: .overdue, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "a late release still fulfils", due: "2025-05-25", evidence: [.qty(100, "2025-05-27")],
                   at: "2025-05-28", status: .fulfilled, rate: 1, verified: 100, isDue: true),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "evidence observed on --at counts", due: "2025-05-25", evidence: [.qty(100, "2025-05-20")],
                   at: "2025-05-20", status: .fulfilled, rate: 1, verified: 100, isDue: true),
        StatusCase(name: "--from after --at is not yet due", due: "2025-05-25", from: "2025-05-22", at: "2025-05-20",
                   status: .notYetDue, rate: 0, verified: 0, isDue: false),
        StatusCase(name: "--from equal to --at has started", due: "2025-05-25", from: "2025-05-20", at: "2025-05-20",
                   status: .unverified, rate: 0, verified: 0, isDue: false),
        StatusCase(name: "probable evidence is left out at the default threshold", due: "2025-05-25",
                   evidence: [.qty(100, "2025-05-18", .probable)], at: "2025-05-20",
                   status: .unverified, rate: 0, verified: 0, isDue: false),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "a breach outranks fulfilment", due: "2025-05-25", evidence: [.qty(100, "2025-05-18")],
                   breaches: [("2025-05-19", .confirmed)], at: "2025-05-20", status: .breached, rate: 1, verified: 100, isDue: true),
        StatusCase(name: "a breach outranks overdue", due: "2025-05-25", breaches: [("2025-05-19", .confirmed)],
                   at: "2025-05-30", status: .breached, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "without a due date it is never overdue nor due", evidence: [.qty(40, "2025-05-18")],
                   at: "2025-12-31", status: .inProgress, rate: 0.4, verified: 40, isDue: false),
    ]

    @Test("quantity commitments", arguments: quantityCases)
    func quantity(_ c: StatusCase) throws {
        let f = try LedgerFixture()
        try f.quantity("C", due: c.due, from: c.from, until: c.until)
        try record(c, in: f)
        try expect(c, try f.commitment("C", at: c.at))
    }

    // Due 2025-06-02 unless the case says otherwise.
    static let actionCases: [StatusCase] = [
        StatusCase(name: "no evidence is unverified", due: "2025-06-02", at: "2025-06-01",
                   status: .unverified, rate: 0, verified: 0, isDue: false),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "a counted done is fulfilled", due: "2025-06-02", evidence: [.done("2025-05-30")],
                   at: "2025-06-01", status: .fulfilled, rate: 1, verified: 1, isDue: true),
        StatusCase(name: "a counted not-done is no progress: unverified", due: "2025-06-02", evidence: [.notDone("2025-05-30")],
                   at: "2025-06-01", status: .unverified, rate: 0, verified: 0, isDue: false),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "not done, then done, is fulfilled", due: "2025-06-02",
                   evidence: [.notDone("2025-05-30"), .done("2025-06-01")],
                   at: "2025-06-01", status: .fulfilled, rate: 1, verified: 1, isDue: true),
        StatusCase(name: "a not-done past the due date is overdue", due: "2025-06-02", evidence: [.notDone("2025-05-30")],
                   at: "2025-06-03", status: .overdue, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "due date equal to --at is not overdue yet", due: "2025-06-02", at: "2025-06-02",
                   status: .unverified, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "the day after the due date is overdue", due: "2025-06-02", at: "2025-06-03",
                   status: .overdue, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "done after --at does not count", due: "2025-06-02", evidence: [.done("2025-06-04")],
                   at: "2025-06-03", status: .overdue, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "a probable done is left out at the default threshold", due: "2025-06-02",
                   evidence: [.done("2025-05-30", .probable)], at: "2025-06-03", status: .overdue, rate: 0, verified: 0, isDue: true),
        StatusCase(name: "--from after --at is not yet due", due: "2025-06-30", from: "2025-06-10", at: "2025-06-01",
                   status: .notYetDue, rate: 0, verified: 0, isDue: false),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "a confirmed breach is breached", due: "2025-06-02", breaches: [("2025-05-30", .confirmed)],
                   at: "2025-06-01", status: .breached, rate: 0, verified: 0, isDue: true),
    ]

    @Test("action commitments", arguments: actionCases)
    func action(_ c: StatusCase) throws {
        let f = try LedgerFixture()
        try f.action("C", due: c.due, from: c.from)
        try record(c, in: f)
        try expect(c, try f.commitment("C", at: c.at))
    }

    // From 2025-05-16 until 2025-06-30 unless the case says otherwise.
    static let restraintCases: [StatusCase] = [
        StatusCase(name: "before the window opens it is not yet due", from: "2025-05-16", until: "2025-06-30",
                   at: "2025-05-10", status: .notYetDue, rate: 1, verified: nil, isDue: false),
        StatusCase(name: "on the window's first day it is in progress", from: "2025-05-16", until: "2025-06-30",
                   at: "2025-05-16", status: .inProgress, rate: 1, verified: nil, isDue: false),
        StatusCase(name: "window end equal to --at has not ended", from: "2025-05-16", until: "2025-06-30",
                   at: "2025-06-30", status: .inProgress, rate: 1, verified: nil, isDue: true),
        StatusCase(name: "a window ended with no breach is fulfilled", from: "2025-05-16", until: "2025-06-30",
                   at: "2025-07-01", status: .fulfilled, rate: 1, verified: nil, isDue: true),
        // isDue: decided (issue 12: a breached or fulfilled commitment counts among the due, even early).
        StatusCase(name: "a counted breach is breached with rate 0", from: "2025-05-16", until: "2025-06-30",
                   breaches: [("2025-06-01", .confirmed)], at: "2025-06-10", status: .breached, rate: 0, verified: nil, isDue: true),
        StatusCase(name: "a breach stays after the window ends", from: "2025-05-16", until: "2025-06-30",
                   breaches: [("2025-06-01", .confirmed)], at: "2025-07-05", status: .breached, rate: 0, verified: nil, isDue: true),
        StatusCase(name: "a breach observed after --at is ignored", from: "2025-05-16", until: "2025-06-30",
                   breaches: [("2025-06-01", .confirmed)], at: "2025-05-31", status: .inProgress, rate: 1, verified: nil, isDue: false),
        StatusCase(name: "an unverified breach does not count", from: "2025-05-16", until: "2025-06-30",
                   breaches: [("2025-06-01", .unverified)], at: "2025-07-01", status: .fulfilled, rate: 1, verified: nil, isDue: true),
        StatusCase(name: "an open-ended window never ends nor falls due", from: "2025-05-16",
                   at: "2025-12-31", status: .inProgress, rate: 1, verified: nil, isDue: false),
    ]

    @Test("restraint commitments", arguments: restraintCases)
    func restraint(_ c: StatusCase) throws {
        let f = try LedgerFixture()
        try f.restraint("C", from: try #require(c.from), until: c.until)
        try record(c, in: f)
        try expect(c, try f.commitment("C", at: c.at))
    }

    @Test("a withdrawn commitment is withdrawn, has no rate and leaves its party's counts",
          arguments: [CommitmentKind.quantity, .action, .restraint])
    func withdrawn(kind: CommitmentKind) throws {
        let f = try LedgerFixture()
        switch kind {
        case .quantity: try f.quantity("C", due: "2025-05-25")
        case .action: try f.action("C", due: "2025-05-25")
        case .restraint: try f.restraint("C", from: "2025-05-01", until: "2025-05-25")
        }
        try f.action("other", due: "2025-05-25")
        try f.log("other", done: true, on: "2025-05-20")
        try f.withdraw("C", on: "2025-05-22")

        // Before the withdrawal's date it still counts.
        let before = try f.report(at: "2025-05-21")
        #expect(before.commitments.first { $0.id == "C" }?.status != .withdrawn)
        #expect(before.parties.first?.commitments == 2)

        let after = try f.report(at: "2025-06-01")
        let c = try #require(after.commitments.first { $0.id == "C" })
        #expect(c.status == .withdrawn)
        #expect(c.rate == nil)
        #expect(c.isDue == false)
        let party = try #require(after.parties.first { $0.party == "P" })
        #expect(party.commitments == 1)
        #expect(party.due == 1)
        #expect(party.fulfilled == 1)
        #expect(party.rate == 1)
        #expect(after.agreements.first?.commitments == 1)
    }

    @Test("times are judged by their local calendar day, for evidence and for --at")
    func localDays() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "10", due: "2025-05-25")
        try f.log("C", quantity: 10, on: "2025-05-25T23:30:00-02:00")     // 2025-05-26T01:30Z, but the 25th where it happened
        #expect(try f.commitment("C", at: "2025-05-24").status == .unverified)
        #expect(try f.commitment("C", at: "2025-05-25").status == .fulfilled)
        #expect(try f.commitment("C", at: "2025-05-25T22:00:00-03:00").status == .fulfilled)
        #expect(try f.commitment("C", at: "2025-05-24T23:00:00+03:00").status == .unverified)
    }

    @Test("an observation at 01:15 in Kyiv on 18 July is judged on 18 July, and keeps its offset")
    func kyivNight() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "10", due: "2025-07-18")
        try f.log("C", quantity: 10, on: "2025-07-18T01:15:00+03:00")     // 2025-07-17T22:15Z
        #expect(try f.commitment("C", at: "2025-07-17").status == .unverified)
        #expect(try f.commitment("C", at: "2025-07-18").status == .fulfilled)
        let observed = try f.ledger.database.scalarText("SELECT observed_at FROM verifications")
        #expect(observed == "2025-07-18T01:15:00+03:00")
        #expect(try f.ledger.database.scalarInt("SELECT observed_day FROM verifications") == CivilDate(year: 2025, month: 7, day: 18).days)
    }

    // MARK: Parties and agreements

    @Test("a party's due, fulfilled and rate are over its commitments due by --at")
    func partyRates() throws {
        let f = try LedgerFixture()
        try f.quantity("q", due: "2025-05-25")                           // 50/100 → 0.5
        try f.log("q", quantity: 50, on: "2025-05-20")
        try f.action("a", due: "2025-06-02")                             // done → 1
        try f.log("a", done: true, on: "2025-06-01")
        try f.restraint("r", from: "2025-05-16", until: "2025-06-30")    // kept → 1
        try f.action("later", due: "2025-08-01")                         // not due at either date
        try f.action("other", party: "Q", due: "2025-09-01")

        let june = try f.report(at: "2025-06-10")
        let p = try #require(june.parties.first { $0.party == "P" })
        #expect(p.commitments == 4)
        #expect(p.due == 2)
        #expect(p.fulfilled == 1)
        #expect(p.rate == 0.75)

        let july = try f.report(at: "2025-07-01")
        let p2 = try #require(july.parties.first { $0.party == "P" })
        #expect(p2.due == 3)
        #expect(p2.fulfilled == 2)
        #expect(p2.rate == (1.0 + 1.0 + 0.5) / 3)

        // Nothing due: the rate is null, not 0 (absence of evidence is not a finding).
        let q = try #require(july.parties.first { $0.party == "Q" })
        #expect(q.commitments == 1)
        #expect(q.due == 0)
        #expect(q.fulfilled == 0)
        #expect(q.rate == nil)

        let agreement = try #require(july.agreements.first { $0.id == "A" })
        #expect(agreement.commitments == 5)
        #expect(agreement.due == 3)
        #expect(agreement.fulfilled == 2)
        #expect(agreement.rate == (1.0 + 1.0 + 0.5) / 3)
        #expect(agreement.pamScore == 2)
    }

    @Test("a commitment due on --at counts as due; one due the day after does not")
    func dueBoundary() throws {
        let f = try LedgerFixture()
        try f.action("today", due: "2025-06-02")
        try f.action("tomorrow", due: "2025-06-03")
        try f.restraint("window", from: "2025-05-01", until: "2025-06-02")
        let report = try f.report(at: "2025-06-02")
        let p = try #require(report.parties.first)
        #expect(p.due == 2)
        #expect(report.commitments.filter(\.isDue).map(\.id).sorted() == ["today", "window"])
    }

    static let pamCases: [(Double?, Int?)] = [
        (nil, nil), (0, 0), (0.0001, 1), (0.25, 1), (0.4999, 1), (0.5, 2), (0.75, 2), (0.9999, 2), (1, 3),
    ]

    @Test("Peace Accords Matrix thresholds: 0, below half 1, below full 2, full 3", arguments: pamCases)
    func pamThresholds(rate: Double?, score: Int?) {
        #expect(Report.pamScore(rate: rate) == score)
    }

    // Target 10,000 so that a rate's fourth decimal place is exact.
    static let agreementPAMCases: [(Int64?, Int?, Double?)] = [
        (nil, nil, nil), (0, 0, 0), (1, 1, 0.0001), (4_999, 1, 0.4999), (5_000, 2, 0.5), (9_999, 2, 0.9999), (10_000, 3, 1),
    ]

    @Test("an agreement's PAM score follows its rate over due commitments", arguments: agreementPAMCases)
    func agreementPAM(logged: Int64?, score: Int?, rate: Double?) throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "10000", due: logged == nil ? "2025-12-01" : "2025-05-25")
        if let logged, logged > 0 { try f.log("C", quantity: logged, on: "2025-05-20") }
        let agreement = try #require(try f.report(at: "2025-06-01").agreements.first)
        #expect(agreement.rate == rate)
        #expect(agreement.pamScore == score)
    }

    @Test("a rate just short of 1 is never reported as full, nor a rate just above 0 as nothing")
    func roundingNeverCrossesAThreshold() throws {
        let f = try LedgerFixture()
        try f.quantity("almost", target: "1000000", due: "2025-05-25")
        try f.log("almost", quantity: 999_999, on: "2025-05-20")
        try f.quantity("barely", agreement: "B", target: "1000000", due: "2025-05-25")
        try f.log("barely", quantity: 1, on: "2025-05-20")
        let report = try f.report(at: "2025-06-01")
        let almost = try #require(report.commitments.first { $0.id == "almost" })
        #expect(almost.status == .overdue)
        #expect(try #require(almost.rate) < 1)
        #expect(report.agreements.first { $0.id == "A" }?.pamScore == 2)
        let barely = try #require(report.commitments.first { $0.id == "barely" })
        #expect(try #require(barely.rate) > 0)
        #expect(report.agreements.first { $0.id == "B" }?.pamScore == 1)
    }

    @Test("rates are carried unrounded, for the machine formats",
          arguments: [0.0, 1.0, 0.5, 2.0 / 3.0, 0.99999, 0.999_949, 0.00001, 0.12345])
    func rounding(value: Double) {
        #expect(Report.rounded(value) == value)
    }

    @Test("tables show rates as percentages; a partial rate never shows as 0% or 100%",
          arguments: [(0.0, "0%"), (1.0, "100%"), (0.5, "50%"), (0.6667, "66.7%"), (0.9999, "99.9%"), (0.0001, "<0.1%"), (0.0005, "0.1%"),
                      // Rates no bounded totals give (a forged ledger's), shown rather than trapping on the conversion.
                      (-0.0123, "-1.2%"), (-0.0004, "0%"), (9.3e18, "9.3e+20%"), (-9.3e18, "-9.3e+20%"),
                      (Double.infinity, "null%")])
    func percentages(value: Double, text: String) {
        #expect(Cell.rate(value).display == text)
    }

    // MARK: Helpers

    private func record(_ c: StatusCase, in f: LedgerFixture) throws {
        for observation in c.evidence {
            if let quantity = observation.quantity {
                try f.log("C", quantity: quantity, on: observation.day, confidence: observation.confidence)
            } else {
                try f.log("C", done: observation.done, on: observation.day, confidence: observation.confidence)
            }
        }
        for (day, confidence) in c.breaches {
            try f.breach("C", on: day, confidence: confidence)
        }
    }

    private func expect(_ c: StatusCase, _ report: CommitmentReport, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(report.status == c.status, "\(c.name)", sourceLocation: sourceLocation)
        #expect(report.rate == c.rate, "\(c.name): rate", sourceLocation: sourceLocation)
        #expect(report.verified == c.verified, "\(c.name): verified", sourceLocation: sourceLocation)
        #expect(report.isDue == c.isDue, "\(c.name): isDue", sourceLocation: sourceLocation)
    }
}
