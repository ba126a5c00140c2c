@testable import AccordLedger
import Testing

/// A read of one commitment's verifications finds the records moved to it
/// from another commitment through the rows, and holds the records that count
/// there to the checked totals (which count every one of them), so that a
/// moved record's row deleted is refused rather than left out. On an honest
/// ledger the two must always agree: records moved back and forth, corrected
/// again, corroborated, retracted, disputed, ruled on and voided.
@Suite("Moved verifications held to the checked totals")
struct MovedVerificationTotalsTests {
    @Test("random ledgers with verifications moved between commitments: every commitment's listing and history read", arguments: [UInt64](1...4))
    func honestLedgersAgree(seed: UInt64) throws {
        let f = try LedgerFixture()
        let model = try RandomLedger.generate(seed: seed &+ 7000, into: f)
        var random = SeededGenerator(seed: seed)
        let quantities = model.commitments.filter { $0.kind == .quantity && !$0.voided }.map(\.id)
        let parties = Array(Set(model.commitments.map(\.party))).sorted()
        var moved = 0, followed = 0
        for record in model.records.filter({ !$0.isBreach && !$0.voided }).shuffled(using: &random).prefix(24) {
            var correction = CorrectionInput(target: "\(record.seq)", reason: "another commitment")
            correction.commitment = quantities.randomElement(using: &random)
            guard (try? f.ledger.correct(correction, as: f.recorder)) != nil else { continue }
            moved += 1
            let target = "\(record.seq)"
            let done: Receipt?
            switch Int.random(in: 0..<6, using: &random) {
            case 0: done = try? f.ledger.retract(target, reason: "double count", as: f.recorder)
            case 1: done = try? f.ledger.dispute(target, by: parties[0], reason: "denied", source: nil, as: f.recorder)
            case 2:
                _ = try? f.ledger.dispute(target, by: parties[0], reason: "denied", source: nil, as: f.recorder)
                done = try? f.ledger.adjudicate(target, ruling: Bool.random(using: &random) ? .upheld : .rejected, reason: "ruled",
                                                as: f.recorder)
            case 3: done = try? f.ledger.void(target, reason: "entered in error", as: f.recorder)
            case 4:
                var back = CorrectionInput(target: target, reason: "moved back")
                back.commitment = record.commitment
                back.confidence = "probable"
                done = try? f.ledger.correct(back, as: f.recorder)
            default: done = nil
            }
            if done != nil { followed += 1 }
        }
        #expect(moved > 0 && followed > 0, "seed \(seed): \(moved) moved, \(followed) followed up")
        for commitment in model.commitments where !commitment.voided {
            var query = VerificationQuery()
            query.commitment = commitment.id
            query.status = .all
            _ = try f.ledger.forEachVerification(query) { _ in }
            _ = try f.ledger.history(of: commitment.id)
        }
    }
}
