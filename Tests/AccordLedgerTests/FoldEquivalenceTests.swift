@testable import AccordLedger
import Testing

@Suite("The fast path equals the fold")
struct FoldEquivalenceTests {
    static let seeds: [UInt64] = Array(1...10)

    @Test("the report at the head equals a naive computation from what was logged", arguments: seeds)
    func headEqualsNaive(seed: UInt64) throws {
        let f = try LedgerFixture()
        let model = try RandomLedger.generate(seed: seed, into: f)
        for at in RandomLedger.dates(model) {
            for confidence in Confidence.allCases {
                let report = try f.report(at: CivilDate(days: at).text, min: confidence)
                let naive = NaiveReport(model, at: at, threshold: confidence.rank)
                compare(report, naive, "seed \(seed), at \(CivilDate(days: at).text), \(confidence)")
            }
        }
    }

    @Test("across the seeds, the random ledgers exercise every rule")
    func coverage() throws {
        var refusals: [String: Int] = [:]
        var amended = 0, voided = 0, outside = 0, invokedLate = 0, lapsedThenTriggered = 0, late = 0
        for seed in Self.seeds {
            let model = try RandomLedger.generate(seed: seed, into: try LedgerFixture())
            refusals.merge(model.refusals, uniquingKeysWith: +)
            amended += model.amendments.count
            voided += model.records.filter(\.voided).count + model.amendments.filter(\.voided).count
                + model.invocations.values.joined().filter(\.voided).count + model.withdrawals.values.filter(\.voided).count
            outside += model.records.filter { $0.isBreach && !$0.voided && !model.counts($0) }.count
            for at in RandomLedger.dates(model) {
                let naive = NaiveReport(model, at: at, threshold: 0)
                let triggers = naive.guarantees.flatMap(\.triggers)
                invokedLate += triggers.filter { $0.outcome == .invokedLate }.count
                lapsedThenTriggered += naive.guarantees.filter { $0.triggers.count > 1 }.count
                late += naive.lines.values.filter { $0.late == true }.count
            }
        }
        #expect(refusals["a breach by another party, not the obligor", default: 0] > 0, "\(refusals)")
        #expect(refusals["a breach outside the commitment", default: 0] > 0, "\(refusals)")
        #expect(refusals["an invocation with no open trigger", default: 0] > 0, "\(refusals)")
        #expect(amended > 0 && voided > 0 && outside > 0)
        #expect(invokedLate > 0 && lapsedThenTriggered > 0 && late > 0)
    }

    @Test("the report at the head (running totals) equals the same report folded from records", arguments: seeds)
    func headEqualsFold(seed: UInt64) throws {
        let f = try LedgerFixture()
        let model = try RandomLedger.generate(seed: seed &+ 1000, into: f)
        // One more entry that changes no evidence, so that the seq before it takes the fold.
        let head = try f.party("late-party").seq
        let dates = RandomLedger.dates(model).map { CivilDate(days: $0).text }
        let fast = try dates.flatMap { date in try Confidence.allCases.map { try f.report(at: date, min: $0) } }
        // One replay of the journal for every date and threshold.
        let folded = try f.reports(asOf: head - 1, at: dates)
        #expect(fast.count == folded.count)
        for (fast, folded) in zip(fast, folded) {
            #expect(fast.ledger.seq == head && folded.ledger.seq == head - 1)
            let context = "seed \(seed), at \(fast.at.text), \(fast.minConfidence)"
            #expect(fast.commitments == folded.commitments, "\(context)")
            #expect(fast.parties == folded.parties, "\(context)")
            #expect(fast.agreements == folded.agreements, "\(context)")
            #expect(fast.guarantees == folded.guarantees, "\(context)")
            #expect(fast.guarantors == folded.guarantors, "\(context)")
            #expect(fast.reciprocity == folded.reciprocity, "\(context)")
        }
    }

    /// The as-of property: the report as of entry N, replayed from the journal,
    /// is the report the ledger gave when N was its last entry, and the naive
    /// fold of what the first N entries logged.
    @Test("a report as of an earlier seq is exactly the report the ledger gave then, and the naive fold of the entries up to it",
          arguments: seeds)
    func asOfReproducesThen(seed: UInt64) throws {
        let f = try LedgerFixture()
        var then: [(seq: Int64, model: RandomLedger, reports: [Report])] = []
        var count = 0
        let dates = ["2025-05-15", "2025-06-05", "2025-08-01"]
        _ = try RandomLedger.generate(seed: seed &+ 4000, into: f) { model in
            count += 1
            guard count % 5 == 0 else { return }
            let reports = try dates.flatMap { date in try Confidence.allCases.map { try f.report(at: date, min: $0) } }
            then.append((reports[0].ledger.seq, model, reports))
        }
        #expect(!then.isEmpty)
        for (seq, model, old) in then {
            let again = try f.reports(asOf: seq, at: dates)
            #expect(again == old, "seed \(seed), seq \(seq)")
            for report in again {
                compare(report, NaiveReport(model, at: report.at.day, threshold: report.minConfidence.rank),
                        "seed \(seed), as of \(seq), at \(report.at.text), \(report.minConfidence)")
            }
        }
    }

    @Test("corrections, retractions, disputes and rulings move the running totals exactly as the fold sees them",
          arguments: seeds)
    func revisionsKeepTotalsEqualToFold(seed: UInt64) throws {
        let f = try LedgerFixture()
        let model = try RandomLedger.generate(seed: seed &+ 2000, into: f)
        var random = SeededGenerator(seed: seed &+ 3000)
        var retracted: Set<Int64> = []
        var disputed: Set<Int64> = []
        var corroborations: [Int64] = []
        try f.ledger.database.forEach("SELECT seq FROM corroborations") { corroborations.append($0.int64(0)) }
        // Revisions go straight through the journal writer (their commands come with a later issue).
        for _ in 0..<12 {
            let live = model.records.filter { !retracted.contains($0.seq) && !model.commitment($0.commitment).voided }
            guard let record = live.randomElement(using: &random) else { break }
            let day = RandomLedger.firstDay + Int64.random(in: 0...60, using: &random)
            let source = Source(name: RandomLedger.sources.randomElement(using: &random)!, kind: .monitor,
                                confidence: Confidence(rank: Int.random(in: 0...2, using: &random))!)
            let payload: Payload
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                retracted.insert(record.seq)
                payload = .retraction(Retraction(record: record.seq, reason: "Withdrawn by the source"))
            case 1 where !corroborations.isEmpty:
                let target = corroborations.removeLast()
                payload = .retraction(Retraction(record: target, reason: "Corroboration withdrawn"))
            case 2 where !disputed.contains(record.seq):
                disputed.insert(record.seq)
                payload = .dispute(Dispute(record: record.seq, by: "P1", reason: "Contested", source: nil))
            case 3 where disputed.contains(record.seq):
                disputed.remove(record.seq)
                payload = .adjudication(Adjudication(record: record.seq, ruling: Bool.random(using: &random) ? .upheld : .rejected,
                                                     reason: "Ruled"))
            default:
                // A corrected day may move a breach outside its commitment: it then stops counting.
                let observed = Moment(date: CivilDate(days: day))
                let commitment = model.commitment(record.commitment)
                if let measure = record.measure {
                    let corrected: Measure = if case .quantity = measure {
                        .quantity(Quantity(units: Int64.random(in: 0...40, using: &random), scale: commitment.decimals))
                    } else { Bool.random(using: &random) ? .done : .notDone }
                    payload = .correction(Correction(record: record.seq, reason: "Corrected", replacement: .verification(
                        Verification(externalID: nil, commitment: record.commitment, measure: corrected, observed: observed,
                                     precision: .day, source: source, evidence: .none, note: nil, location: .none))))
                } else {
                    payload = .correction(Correction(record: record.seq, reason: "Corrected", replacement: .breach(
                        Breach(externalID: nil, commitment: record.commitment, party: commitment.party,
                               observed: observed, precision: .day, severity: .minor, source: source, description: nil,
                               evidence: .none, note: nil, location: .none))))
                }
            }
            _ = try f.ledger.transact(f.recorder) { try $0.append(payload) }
        }
        let head = try f.party("late-party").seq
        let dates = RandomLedger.dates(model).map { CivilDate(days: $0).text }
        let fast = try dates.flatMap { date in try Confidence.allCases.map { try f.report(at: date, min: $0) } }
        let folded = try f.reports(asOf: head - 1, at: dates)
        for (fast, folded) in zip(fast, folded) {
            let context = "seed \(seed), at \(fast.at.text), \(fast.minConfidence)"
            #expect(fast.commitments == folded.commitments, "\(context)")
            #expect(fast.parties == folded.parties, "\(context)")
            #expect(fast.agreements == folded.agreements, "\(context)")
            #expect(fast.guarantees == folded.guarantees, "\(context)")
            #expect(fast.reciprocity == folded.reciprocity, "\(context)")
        }
    }

    private func compare(_ report: Report, _ naive: NaiveReport, _ context: String) {
        #expect(report.commitments.map(\.id) == naive.order, "\(context)")
        for commitment in report.commitments {
            guard let line = naive.lines[commitment.id] else {
                Issue.record("\(context): unexpected commitment \(commitment.id)")
                continue
            }
            let actual = NaiveReport.Line(status: commitment.status, verified: commitment.verified, rate: commitment.rate,
                                          sources: commitment.sources, leftOut: commitment.leftOut,
                                          breaches: commitment.breaches, isDue: commitment.isDue, target: commitment.target,
                                          due: commitment.due?.day, from: commitment.from?.day, until: commitment.until?.day,
                                          late: commitment.late, daysLate: commitment.daysLate)
            #expect(actual == line, "\(context): \(commitment.id)")
            // Where the report names the day of fulfilment, it is the naive one.
            if let day = commitment.fulfilledOn?.day {
                #expect(day == naive.fulfilledOn[commitment.id], "\(context): \(commitment.id) fulfilled on")
            }
        }
        #expect(report.parties.map { NaiveReport.Rollup(id: $0.party, name: $0.name, commitments: $0.commitments, due: $0.due,
                                                        fulfilled: $0.fulfilled, onTime: $0.fulfilledOnTime,
                                                        late: $0.fulfilledLate, rate: $0.rate) } == naive.parties,
                "\(context): parties")
        for party in report.parties {
            #expect(party.breached == naive.breached[party.party], "\(context): breached by \(party.party)")
        }
        #expect(report.agreements.map { NaiveReport.Rollup(id: $0.id, name: $0.title, commitments: $0.commitments, due: $0.due,
                                                           fulfilled: $0.fulfilled, onTime: $0.fulfilledOnTime,
                                                           late: $0.fulfilledLate, rate: $0.rate) } == naive.agreements,
                "\(context): agreements")
        for agreement in report.agreements {
            #expect(agreement.pamScore == naive.pam[agreement.id] ?? nil, "\(context): PAM of \(agreement.id)")
        }
        #expect(report.guarantees.map(\.id) == naive.guarantees.map(\.id), "\(context)")
        for (guarantee, expected) in zip(report.guarantees, naive.guarantees) {
            let triggers = guarantee.triggers.map {
                RandomLedger.Trigger(breach: $0.breach, triggeredOn: $0.triggeredOn.day, respondBy: $0.respondBy.day,
                                     invokedOn: $0.invokedOn?.day, outcome: $0.outcome)
            }
            let actual = NaiveReport.GuaranteeLine(id: guarantee.id, status: guarantee.status, covers: guarantee.covers,
                                                   days: guarantee.respondWithinDays, triggers: triggers)
            #expect(actual == expected, "\(context): \(guarantee.id)")
            #expect(guarantee.triggeredOn?.day == expected.triggers.last?.triggeredOn, "\(context): \(guarantee.id)")
            #expect(guarantee.respondBy?.day == expected.triggers.last?.respondBy, "\(context): \(guarantee.id)")
            #expect(guarantee.invokedOn?.day == expected.triggers.last?.invokedOn, "\(context): \(guarantee.id)")
        }
        let guarantors = report.guarantors.map {
            NaiveReport.GuarantorLine(party: $0.party, guarantees: $0.guarantees, triggered: $0.triggered, invoked: $0.invoked,
                                      invokedLate: $0.invokedLate, lapsed: $0.lapsed, pending: $0.pending,
                                      followThrough: $0.followThrough)
        }
        #expect(guarantors == naive.guarantors, "\(context): guarantors")
        #expect(report.reciprocity.count == naive.reciprocity.count, "\(context)")
        for (pair, expected) in zip(report.reciprocity, naive.reciprocity) {
            #expect(pair.a == expected.0 && pair.b == expected.1, "\(context)")
            #expect(pair.tranches.map { [$0.date.day, $0.a, $0.b] } == expected.2.map { [$0.0, $0.1, $0.2] }, "\(context)")
            #expect(pair.balance == expected.3, "\(context)")
        }
    }
}

extension LedgerFixture {
    /// Reports as of entry `seq` at each date, at each threshold (dates first),
    /// from a single replay of the journal: an as-of read rebuilds the ledger
    /// up to `seq` in a scratch database, so each replay is paid once.
    func reports(asOf seq: Int64, at dates: [String]) throws -> [Report] {
        try ledger.reading(asOf: .seq(seq)) { view in
            try dates.flatMap { date in
                try Confidence.allCases.map { confidence in
                    let at = try Moment(parsing: date, field: .at)
                    return try view.report(ReportOptions(at: at, asOf: .seq(seq), minConfidence: confidence), at: at)
                }
            }
        }
    }
}
