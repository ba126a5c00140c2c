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
                let context = "seed \(seed), at \(CivilDate(days: at).text), \(confidence)"
                compare(report, naive, context)
            }
        }
    }

    @Test("the report at the head (running totals) equals the same report folded from records", arguments: seeds)
    func headEqualsFold(seed: UInt64) throws {
        let f = try LedgerFixture()
        let model = try RandomLedger.generate(seed: seed &+ 1000, into: f)
        // One more entry that changes no evidence, so that the seq before it takes the fold.
        let head = try f.party("late-party").seq
        for at in RandomLedger.dates(model) {
            for confidence in Confidence.allCases {
                let date = CivilDate(days: at).text
                let fast = try f.report(at: date, min: confidence)
                let folded = try f.report(at: date, min: confidence, asOf: .seq(head - 1))
                #expect(fast.ledger.seq == head && folded.ledger.seq == head - 1)
                let context = "seed \(seed), at \(date), \(confidence)"
                #expect(fast.commitments == folded.commitments, "\(context)")
                #expect(fast.parties == folded.parties, "\(context)")
                #expect(fast.agreements == folded.agreements, "\(context)")
                #expect(fast.guarantees == folded.guarantees, "\(context)")
                #expect(fast.guarantors == folded.guarantors, "\(context)")
                #expect(fast.reciprocity == folded.reciprocity, "\(context)")
            }
        }
    }

    @Test("a report as of an earlier seq is exactly the report the ledger gave then, stamp included", arguments: seeds)
    func asOfReproducesThen(seed: UInt64) throws {
        let f = try LedgerFixture()
        var then: [Report] = []
        var count = 0
        let dates = ["2025-05-15", "2025-06-05", "2025-08-01"]
        _ = try RandomLedger.generate(seed: seed &+ 4000, into: f) {
            count += 1
            guard count % 4 == 0 else { return }
            for date in dates {
                for confidence in Confidence.allCases { then.append(try f.report(at: date, min: confidence)) }
            }
        }
        #expect(!then.isEmpty)
        for old in then {
            let again = try f.report(at: old.at.text, min: old.minConfidence, asOf: .seq(old.ledger.seq))
            #expect(again == old, "seed \(seed), seq \(old.ledger.seq), at \(old.at), \(old.minConfidence)")
        }
    }

    @Test("corrections, retractions, disputes and rulings move the running totals exactly as the fold sees them",
          arguments: seeds)
    func revisionsKeepTotalsEqualToFold(seed: UInt64) throws {
        let f = try LedgerFixture()
        let model = try RandomLedger.generate(seed: seed &+ 2000, into: f)
        var random = SeededGenerator(seed: seed &+ 3000)
        let parties = Dictionary(uniqueKeysWithValues: model.commitments.map { ($0.id, $0.party) })
        var retracted: Set<Int64> = []
        var disputed: Set<Int64> = []
        var corroborations: [Int64] = []
        try f.ledger.database.forEach("SELECT seq FROM corroborations") { corroborations.append($0.int64(0)) }
        // Revisions go straight through the journal writer (their commands come with a later issue).
        for _ in 0..<12 {
            let live = model.records.filter { !retracted.contains($0.seq) }
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
                let observed = Moment(date: CivilDate(days: day))
                if let measure = record.measure {
                    let corrected: Measure = if case .quantity = measure { .quantity(Quantity(units: Int64.random(in: 0...40, using: &random))) }
                                             else { Bool.random(using: &random) ? .done : .notDone }
                    payload = .correction(Correction(record: record.seq, reason: "Corrected", replacement: .verification(
                        Verification(externalID: nil, commitment: record.commitment, measure: corrected, observed: observed,
                                     precision: .day, source: source, evidence: .none, note: nil, location: .none))))
                } else {
                    payload = .correction(Correction(record: record.seq, reason: "Corrected", replacement: .breach(
                        Breach(externalID: nil, commitment: record.commitment, party: parties[record.commitment]!,
                               observed: observed, precision: .day, severity: .minor, source: source, description: nil,
                               evidence: .none, note: nil, location: .none))))
                }
            }
            _ = try f.ledger.transact(f.recorder) { try $0.append(payload) }
        }
        let head = try f.party("late-party").seq
        for at in RandomLedger.dates(model) {
            for confidence in Confidence.allCases {
                let date = CivilDate(days: at).text
                let fast = try f.report(at: date, min: confidence)
                let folded = try f.report(at: date, min: confidence, asOf: .seq(head - 1))
                let context = "seed \(seed), at \(date), \(confidence)"
                #expect(fast.commitments == folded.commitments, "\(context)")
                #expect(fast.parties == folded.parties, "\(context)")
                #expect(fast.agreements == folded.agreements, "\(context)")
                #expect(fast.guarantees == folded.guarantees, "\(context)")
                #expect(fast.reciprocity == folded.reciprocity, "\(context)")
            }
        }
    }

    private func compare(_ report: Report, _ naive: NaiveReport, _ context: String) {
        #expect(report.commitments.count == naive.lines.count, "\(context)")
        for commitment in report.commitments {
            guard let line = naive.lines[commitment.id] else {
                Issue.record("\(context): unexpected commitment \(commitment.id)")
                continue
            }
            let actual = NaiveReport.Line(status: commitment.status, verified: commitment.verified, rate: commitment.rate,
                                          sources: commitment.sources, leftOut: commitment.leftOut,
                                          breaches: commitment.breaches, isDue: commitment.isDue)
            #expect(actual == line, "\(context): \(commitment.id)")
        }
        #expect(report.parties.map { NaiveReport.Rollup(id: $0.party, commitments: $0.commitments, due: $0.due,
                                                        fulfilled: $0.fulfilled, rate: $0.rate) } == naive.parties,
                "\(context): parties")
        #expect(report.agreements.map { NaiveReport.Rollup(id: $0.id, commitments: $0.commitments, due: $0.due,
                                                           fulfilled: $0.fulfilled, rate: $0.rate) } == naive.agreements,
                "\(context): agreements")
        for agreement in report.agreements {
            #expect(agreement.pamScore == naive.pam[agreement.id] ?? nil, "\(context): PAM of \(agreement.id)")
        }
        #expect(report.guarantees.map(\.id) == naive.guarantees.map(\.0), "\(context)")
        for (guarantee, expected) in zip(report.guarantees, naive.guarantees) {
            #expect(guarantee.status == expected.1, "\(context): \(guarantee.id)")
            #expect(guarantee.invokedOn?.text == expected.2, "\(context): \(guarantee.id) invoked on")
        }
        #expect(report.guarantors.map(\.party) == naive.guarantors.map(\.0), "\(context)")
        for (guarantor, expected) in zip(report.guarantors, naive.guarantors) {
            #expect(guarantor.triggered == expected.1 && guarantor.invoked == expected.2 && guarantor.lapsed == expected.3
                    && guarantor.pending == expected.4 && guarantor.followThrough == expected.5,
                    "\(context): guarantor \(guarantor.party): \(guarantor) vs \(expected)")
        }
        #expect(report.reciprocity.count == naive.reciprocity.count, "\(context)")
        for (pair, expected) in zip(report.reciprocity, naive.reciprocity) {
            #expect(pair.a == expected.0 && pair.b == expected.1, "\(context)")
            #expect(pair.tranches.map { [$0.date.day, $0.a, $0.b] } == expected.2.map { [$0.0, $0.1, $0.2] }, "\(context)")
            #expect(pair.balance == expected.3, "\(context)")
        }
    }
}

