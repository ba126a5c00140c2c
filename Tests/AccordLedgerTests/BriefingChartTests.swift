@testable import AccordLedger
@testable import AccordPresentation
import Testing

/// Briefings of made-up reports at the edges: many commitments, long ids,
/// zero values, one date, nothing at all.
@Suite("Briefing charts")
struct BriefingChartTests {
    static let at = Moment(date: CivilDate(year: 2025, month: 6, day: 10))

    static func commitment(_ id: String, party: String = "XA", status: FulfilmentStatus, rate: Double?,
                           kind: CommitmentKind = .quantity, target: Int64? = 100, verified: Int64? = 0,
                           reciprocal: String? = nil) -> CommitmentReport {
        CommitmentReport(id: id, agreement: "deal", party: party, kind: kind, target: kind == .quantity ? target : nil,
                         unit: kind == .quantity ? "items" : nil, verified: verified, rate: rate, status: status,
                         due: Moment(date: CivilDate(year: 2025, month: 5, day: 1)), from: nil, until: nil,
                         reciprocal: reciprocal, sources: 0, breaches: 0, dependsOn: [], blockedBy: [], leftOut: 0,
                         isDue: true, text: nil)
    }

    static func report(commitments: [CommitmentReport] = [], reciprocity: [ReciprocityReport] = [],
                       parties: [PartyReport] = []) -> Report {
        Report(at: at, minConfidence: .confirmed,
               ledger: LedgerStamp(seq: 7, treeSize: 7, root: String(repeating: "ab", count: 32), ledgerID: "id"),
               agreementFilter: nil, partyFilter: nil, commitments: commitments, parties: parties,
               agreements: [AgreementReport(id: "deal", title: "Deal", commitments: commitments.count, due: commitments.count,
                                            fulfilled: 0, rate: 0, pamScore: 0)],
               guarantees: [], guarantors: [], reciprocity: reciprocity)
    }

    static func briefing(_ report: Report, breaches: [BreachListing] = [], since: Moment? = nil) -> Briefing {
        Briefing(report: report, since: since, breaches: breaches, partyNames: ["XA": "Party X"], sources: [:],
                 generatedAt: Timestamp(milliseconds: 0), database: "x.sqlite", output: "b.html", format: .html)
    }

    /// Every number in the SVG attributes is finite and plain (no NaN, no exponent).
    static func checkCoordinates(_ html: String) {
        #expect(!html.contains("nan") && !html.contains("inf\""))
        for attribute in ["x=\"", "y=\"", "width=\"", "height=\"", "cx=\"", "cy=\""] {
            var rest = html[...]
            while let range = rest.range(of: " " + attribute) {
                let value = rest[range.upperBound...].prefix { $0 != "\"" }
                #expect(Double(value) != nil, "\(attribute)\(value)")
                rest = rest[range.upperBound...]
            }
        }
    }

    @Test("forty commitments with long ids: the most urgent are drawn and the rest are counted in a note")
    func manyCommitments() {
        let long = String(repeating: "very-long-id-", count: 4) + "end"
        var commitments: [CommitmentReport] = []
        for index in 0..<40 {
            let status: FulfilmentStatus = index % 10 == 0 ? .breached : (index % 3 == 0 ? .overdue : .fulfilled)
            commitments.append(Self.commitment("\(long)-\(index)", status: status, rate: status == .fulfilled ? 1 : 0.25))
        }
        let briefing = Self.briefing(Self.report(commitments: commitments))
        #expect(briefing.drawnCommitments.shown.count == Briefing.commitmentRowLimit)
        #expect(briefing.drawnCommitments.shown.filter { $0.status == .breached }.count == 4)
        #expect(briefing.cutNote?.hasPrefix("25 more commitments not drawn (") == true)
        let html = briefing.html
        // Labels are shortened with an ellipsis; the full id is kept as a tooltip.
        #expect(html.contains("<title>\(long)-0</title>"))
        #expect(html.contains(String(long.prefix(FulfilmentChart.labelCharacters - 1)) + "…"))
        Self.checkCoordinates(html)
        // The Markdown carries the same: the drawn commitments and the note that counts the rest.
        let markdown = briefing.markdown
        for c in briefing.drawnCommitments.shown { #expect(markdown.contains(BriefText.markdown(c.id) + " |")) }
        for c in briefing.drawnCommitments.cut { #expect(!markdown.contains(BriefText.markdown(c.id) + " |")) }
        #expect(markdown.contains("25 more commitments not drawn \\("))
    }

    @Test("zero everywhere: zero rates, zero tranches, an exchange with no tranche, no breach")
    func zeros() {
        let pairEmpty = ReciprocityReport(a: "a", b: "b", unit: "items", targetA: 0, targetB: nil, tranches: [],
                                          totalA: 0, totalB: 0, balance: 0)
        let pairZero = ReciprocityReport(a: "c", b: "d", unit: nil, targetA: nil, targetB: nil,
                                         tranches: [Tranche(date: Self.at, a: 0, b: 0)], totalA: 0, totalB: 0, balance: 0)
        let report = Self.report(commitments: [Self.commitment("a", status: .unverified, rate: 0),
                                               Self.commitment("w", status: .withdrawn, rate: nil)],
                                 reciprocity: [pairEmpty, pairZero],
                                 parties: [PartyReport(party: "XA", name: "Party X", commitments: 1, due: 0, fulfilled: 0,
                                                       breached: 0, rate: nil)])
        let briefing = Self.briefing(report, since: Self.at)
        let html = briefing.html
        #expect(html.contains("No counted tranche yet"))
        #expect(html.contains("No breach observed in the period"))
        #expect(html.contains("nothing due yet"))
        #expect(html.contains(">n/a<"))
        Self.checkCoordinates(html)
        #expect(briefing.figures[1].value == "0")
    }

    @Test("one date: a single tranche, and a period that is one day long")
    func oneDate() {
        let pair = ReciprocityReport(a: "a", b: "b", unit: "items", targetA: 10, targetB: 10,
                                     tranches: [Tranche(date: Self.at, a: 10, b: 4)], totalA: 10, totalB: 4, balance: 6)
        let breach = BreachListing(record: 1, seq: 5, status: .current, observed: Self.at.text, precision: .day,
                                   commitment: "a", party: "XA", severity: .grave, confidence: .confirmed,
                                   source: "S", sourceKind: .monitor, sources: 1, recordedAt: "2025-06-10T00:00:00.000Z")
        let briefing = Self.briefing(Self.report(commitments: [Self.commitment("a", status: .breached, rate: 0, reciprocal: "b"),
                                                               Self.commitment("b", party: "YB", status: .inProgress, rate: 0.4)],
                                                 reciprocity: [pair]),
                                     breaches: [breach], since: Self.at)
        let html = briefing.html
        #expect(html.contains(">+6<"))
        #expect(html.contains("2025-06-10 (--at)"))
        #expect(briefing.figures[1].value == "1")
        Self.checkCoordinates(html)
    }

    @Test("many tranches: the chart thins its date labels and the table lists the latest dates")
    func manyTranches() {
        var tranches: [Tranche] = []
        for day in 0..<60 {
            tranches.append(Tranche(date: Moment(date: CivilDate(days: Self.at.day - 60 + Int64(day))), a: Int64(day), b: Int64(day % 7)))
        }
        let totalA = tranches.reduce(0) { $0 + $1.a }, totalB = tranches.reduce(0) { $0 + $1.b }
        let pair = ReciprocityReport(a: "a", b: "b", unit: "items", targetA: 5000, targetB: 5000, tranches: tranches,
                                     totalA: totalA, totalB: totalB, balance: totalA - totalB)
        let html = Self.briefing(Self.report(reciprocity: [pair])).html
        #expect(html.contains("54 earlier dates not listed"))
        Self.checkCoordinates(html)
    }

    @Test("a report with nothing in it still renders a page that says so")
    func empty() {
        let briefing = Self.briefing(Self.report())
        let html = briefing.html
        #expect(html.contains("No commitment in scope."))
        #expect(html.contains("No guarantee covers the commitments in scope."))
        #expect(briefing.keyPoints == ["Nothing is due, breached or overdue by 2025-06-10."])
        #expect(briefing.figures[0].value == "n/a")
    }
}
