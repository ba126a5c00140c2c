@testable import AccordLedger
import Testing

/// SplitMix64: a small, seeded, reproducible generator.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// What the generator logged, kept so that the test can compute every number
/// of a report on its own, without the ledger's totals, folds or evaluator.
struct RandomLedger {
    struct Commitment {
        var id: String
        var agreement: String
        var party: String
        var kind: CommitmentKind
        var target: Int64?
        var due: Int64?
        var from: Int64?
        var until: Int64?
        var reciprocal: String?
        var dependsOn: [String]
    }
    struct Record {
        var seq: Int64
        var commitment: String
        var day: Int64
        /// nil for a breach.
        var measure: Measure?
        var source: String
        var rank: Int
        var corroborations: [(source: String, rank: Int)] = []

        var effectiveRank: Int { corroborations.map(\.rank).reduce(rank, min) }
    }
    struct Guarantee {
        var id: String
        var guarantor: String
        var covers: [String]
        var days: Int64
    }

    var parties: [String] = []
    var agreements: [String] = []
    var commitments: [Commitment] = []
    var records: [Record] = []
    var guarantees: [Guarantee] = []
    var invocations: [String: [Int64]] = [:]
    var withdrawals: [String: Int64] = [:]
}

/// A random small ledger: a few parties, commitments of each kind, guarantees,
/// and random verifications, breaches, corroborations, invocations and
/// withdrawals with random confidences and dates, all logged through the
/// public API and remembered here.
extension RandomLedger {
    static let firstDay = CivilDate(year: 2025, month: 5, day: 1).days
    static let sources = ["ICRC", "UN", "UA HQ", "RU MoD", "Reuters"]

    /// Builds a random small ledger and returns what was logged.
    /// - Parameter afterEach: called after each piece of evidence is logged.
    static func generate(seed: UInt64, into f: LedgerFixture, afterEach: (() throws -> Void)? = nil) throws -> RandomLedger {
        var random = SeededGenerator(seed: seed)
        var model = RandomLedger()
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        func someDay() -> Int64 { Int64.random(in: 0...60, using: &random) }
        func rank() -> Int { pick([0, 0, 1, 2]) }

        model.parties = ["P0", "P1", "P2"]
        model.agreements = ["A0", "A1"]
        for party in model.parties { try f.party(party) }
        for agreement in model.agreements { try f.agreement(agreement) }

        func add(_ c: RandomLedger.Commitment) throws {
            var input = CommitmentInput(id: c.id, agreement: c.agreement, party: c.party)
            switch c.kind {
            case .quantity: input.quantity = String(c.target!); input.unit = "prisoners"
            case .action: input.action = true
            case .restraint: input.restraint = true
            }
            input.due = c.due.map { CivilDate(days: $0).text }
            input.from = c.from.map { CivilDate(days: $0).text }
            input.until = c.until.map { CivilDate(days: $0).text }
            input.reciprocal = c.reciprocal
            input.dependsOn = c.dependsOn
            _ = try f.ledger.addCommitment(input, as: f.recorder)
            model.commitments.append(c)
            if let other = c.reciprocal, let index = model.commitments.firstIndex(where: { $0.id == other }) {
                model.commitments[index].reciprocal = c.id
            }
        }
        for index in 0..<3 {
            let from = chance(0.3) ? firstDay + someDay() : nil
            let due = chance(0.8) ? max(from ?? 0, firstDay + someDay()) : nil
            try add(RandomLedger.Commitment(id: "q\(index)", agreement: pick(model.agreements), party: pick(model.parties),
                                     kind: .quantity, target: Int64.random(in: 10...120, using: &random), due: due, from: from,
                                     until: nil, reciprocal: index == 1 && chance(0.8) ? "q0" : nil, dependsOn: []))
        }
        for index in 0..<3 {
            let from = chance(0.3) ? firstDay + someDay() : nil
            let due = chance(0.8) ? max(from ?? 0, firstDay + someDay()) : nil
            let earlier = model.commitments.map(\.id)
            try add(RandomLedger.Commitment(id: "a\(index)", agreement: pick(model.agreements), party: pick(model.parties),
                                     kind: .action, target: nil, due: due, from: from, until: nil, reciprocal: nil,
                                     dependsOn: chance(0.4) ? [pick(earlier)] : []))
        }
        for index in 0..<2 {
            let from = firstDay + Int64.random(in: 0...20, using: &random)
            let until = chance(0.7) ? from + Int64.random(in: 0...40, using: &random) : nil
            try add(RandomLedger.Commitment(id: "r\(index)", agreement: pick(model.agreements), party: pick(model.parties),
                                     kind: .restraint, target: nil, due: nil, from: from, until: until, reciprocal: nil,
                                     dependsOn: chance(0.3) ? [pick(model.commitments.map(\.id))] : []))
        }
        for index in 0..<Int.random(in: 1...2, using: &random) {
            let covers = Array(Set((0..<Int.random(in: 1...3, using: &random)).map { _ in pick(model.commitments).id }))
                .sorted()
            let guarantee = RandomLedger.Guarantee(id: "g\(index)", guarantor: pick(["P0", "P1", "P2", "US"]), covers: covers,
                                            days: Int64.random(in: 0...10, using: &random))
            try f.guarantee(guarantee.id, guarantor: guarantee.guarantor, covers: covers, days: String(guarantee.days))
            if !model.parties.contains(guarantee.guarantor) { model.parties.append(guarantee.guarantor) }
            model.guarantees.append(guarantee)
        }

        for _ in 0..<Int.random(in: 25...45, using: &random) {
            let roll = Int.random(in: 0..<100, using: &random)
            let confidence = rank()
            let source = pick(sources)
            let observed = firstDay + someDay()
            if roll < 45 {
                let commitment = pick(model.commitments.filter { $0.kind != .restraint })
                let measure: Measure
                if commitment.kind == .quantity {
                    measure = .quantity(Quantity(units: Int64.random(in: 0...40, using: &random)))
                    let seq = try f.log(commitment.id, quantity: measure.quantity!, on: CivilDate(days: observed).text,
                                        source: source, confidence: Confidence(rank: confidence)!).seq
                    model.records.append(RandomLedger.Record(seq: seq, commitment: commitment.id, day: observed, measure: measure,
                                                      source: source, rank: confidence))
                } else {
                    measure = chance(0.7) ? .done : .notDone
                    let seq = try f.log(commitment.id, done: measure == .done, on: CivilDate(days: observed).text,
                                        source: source, confidence: Confidence(rank: confidence)!).seq
                    model.records.append(RandomLedger.Record(seq: seq, commitment: commitment.id, day: observed, measure: measure,
                                                      source: source, rank: confidence))
                }
            } else if roll < 65 {
                let commitment = pick(model.commitments)
                let seq = try f.breach(commitment.id, by: commitment.party, on: CivilDate(days: observed).text,
                                       source: source, confidence: Confidence(rank: confidence)!).seq
                model.records.append(RandomLedger.Record(seq: seq, commitment: commitment.id, day: observed, measure: nil,
                                                  source: source, rank: confidence))
            } else if roll < 88, !model.records.isEmpty {
                let index = Int.random(in: 0..<model.records.count, using: &random)
                try f.corroborate(String(model.records[index].seq), source: source, confidence: Confidence(rank: confidence)!)
                model.records[index].corroborations.append((source, confidence))
            } else if roll < 96, let guarantee = model.guarantees.randomElement(using: &random) {
                try f.invoke(guarantee.id, on: CivilDate(days: observed).text)
                model.invocations[guarantee.id, default: []].append(observed)
            } else {
                let commitment = pick(model.commitments)
                guard model.withdrawals[commitment.id] == nil else { continue }
                try f.withdraw(commitment.id, on: CivilDate(days: observed).text)
                model.withdrawals[commitment.id] = observed
            }
            try afterEach?()
        }
        return model
    }

    /// The dates to judge at: before everything, every tenth day, the last
    /// observation, and after everything.
    static func dates(_ model: RandomLedger) -> [Int64] {
        let last = model.records.map(\.day).max() ?? firstDay
        return Array(Set([firstDay - 1, last, last - 1, firstDay + 90] + stride(from: firstDay, through: firstDay + 61, by: 10)))
            .sorted()
    }
}
