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
/// Terms are kept as first recorded; amendments and voids are kept beside them
/// and applied by the naive fold (``RandomLedger+Terms``).
struct RandomLedger {
    struct Commitment {
        var id: String
        var agreement: String
        var party: String
        var kind: CommitmentKind
        /// In units of the commitment's scale.
        var target: Int64?
        var decimals: UInt8 = 0
        var due: Int64?
        var from: Int64?
        var until: Int64?
        var reciprocal: String?
        var dependsOn: [String]
        var seq: Int64 = 0
        var voided = false
    }
    struct Corroboration {
        var seq: Int64
        var source: String
        var rank: Int
        var voided = false
    }
    struct Record {
        var seq: Int64
        var commitment: String
        /// The local calendar day it was observed.
        var day: Int64
        /// nil for a breach.
        var measure: Measure?
        /// The party a breach names (nil for a verification).
        var party: String?
        var source: String
        var rank: Int
        var corroborations: [Corroboration] = []
        var voided = false

        var isBreach: Bool { measure == nil }
        var live: [Corroboration] { corroborations.filter { !$0.voided } }
        /// The best of its own confidence and its live corroborations'.
        var effectiveRank: Int { live.map(\.rank).reduce(rank, min) }
    }
    struct Guarantee {
        var id: String
        var guarantor: String
        var covers: [String]
        var days: Int64
    }
    enum Subject: Hashable {
        case commitment(String), agreement(String), guarantee(String), party(String)
    }
    /// New terms from a day; nil fields are unchanged.
    struct Amendment {
        var seq: Int64
        var subject: Subject
        var effective: Int64
        var target: Int64?
        var due: Int64?
        var from: Int64?
        var until: Int64?
        var date: Int64?
        var title: String?
        var name: String?
        var covers: [String]?
        var days: Int64?
        var voided = false
    }
    /// A withdrawal or an invocation: an entry dated a day.
    struct Dated {
        var seq: Int64
        var day: Int64
        var voided = false
    }

    var parties: [String] = []
    var names: [String: String] = [:]
    var agreements: [String] = []
    var titles: [String: String] = [:]
    var agreementDates: [String: Int64] = [:]
    var commitments: [Commitment] = []
    var records: [Record] = []
    var guarantees: [Guarantee] = []
    var invocations: [String: [Dated]] = [:]
    var withdrawals: [String: Dated] = [:]
    var amendments: [Amendment] = []
    /// Writes the generator expected the ledger to refuse, by reason (all were refused).
    var refusals: [String: Int] = [:]

    var liveCommitments: [Commitment] { commitments.filter { !$0.voided } }
    func commitment(_ id: String) -> Commitment { commitments.first { $0.id == id }! }
}

/// A random small ledger: a few parties, commitments of each kind (one with
/// decimals, one never referred to so that it can be voided), guarantees, and
/// random verifications (some at local times across midnight UTC), breaches
/// by the obligor, corroborations (some without a confidence), invocations,
/// withdrawals, amendments with random effective dates and voids, logged
/// through the public API and remembered here. Writes the new rules refuse
/// (a breach by another party or outside the commitment, an invocation with
/// no open trigger) are tried too, and must be refused; a few breaches an
/// older ledger could hold (by another party, outside the window) go straight
/// into the journal.
extension RandomLedger {
    static let firstDay = CivilDate(year: 2025, month: 5, day: 1).days
    static let sources = ["ICRC", "UN", "UA HQ", "RU MoD", "Reuters"]

    /// Builds a random small ledger and returns what was logged.
    /// - Parameter afterEach: called after each step, with what was logged so far.
    static func generate(seed: UInt64, into f: LedgerFixture,
                         afterEach: ((RandomLedger) throws -> Void)? = nil) throws -> RandomLedger {
        var random = SeededGenerator(seed: seed)
        var model = RandomLedger()
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        func someDay() -> Int64 { firstDay + Int64.random(in: 0...60, using: &random) }
        func rank() -> Int { pick([0, 0, 1, 2]) }
        func text(_ day: Int64) -> String { CivilDate(days: day).text }
        func source(_ name: String, _ rank: Int?) -> SourceInput {
            SourceInput(name: name, kind: "monitor", confidence: rank.map { Confidence(rank: $0)!.rawValue })
        }
        /// A write the model says the ledger must refuse.
        func refused(_ why: String, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("seed \(seed): accepted, though \(why)")
            } catch let error as LedgerError {
                #expect(error.code == .badInput, "seed \(seed): \(why): \(error)")
                model.refusals[why, default: 0] += 1
            } catch {
                Issue.record("seed \(seed): \(why): \(error)")
            }
        }

        model.parties = ["P0", "P1", "P2"]
        model.agreements = ["A0", "A1"]
        for party in model.parties {
            try f.party(party)
            model.names[party] = "Party \(party)"
        }
        // A0 is dated: a quantity or an action of A0 cannot be breached before that date.
        model.agreementDates["A0"] = firstDay + Int64.random(in: 0...15, using: &random)
        for agreement in model.agreements {
            _ = try f.ledger.addAgreement(AgreementInput(id: agreement, title: "Agreement \(agreement)",
                                                         date: model.agreementDates[agreement].map(text)), as: f.recorder)
            model.titles[agreement] = "Agreement \(agreement)"
        }

        func add(_ c: RandomLedger.Commitment) throws {
            var c = c
            var input = CommitmentInput(id: c.id, agreement: c.agreement, party: c.party)
            switch c.kind {
            case .quantity:
                input.quantity = Quantity.format(c.target!, scale: c.decimals)
                input.unit = c.decimals == 0 ? "prisoners" : "tonnes"
                input.decimals = c.decimals == 0 ? nil : String(c.decimals)
            case .action: input.action = true
            case .restraint: input.restraint = true
            }
            input.due = c.due.map(text)
            input.from = c.from.map(text)
            input.until = c.until.map(text)
            input.reciprocal = c.reciprocal
            input.dependsOn = c.dependsOn
            c.seq = try f.ledger.addCommitment(input, as: f.recorder).outcome.seq
            model.commitments.append(c)
            if let other = c.reciprocal, let index = model.commitments.firstIndex(where: { $0.id == other }) {
                model.commitments[index].reciprocal = c.id
            }
        }
        for index in 0..<3 {
            let from = chance(0.3) ? someDay() : nil
            let due = chance(0.8) ? max(from ?? 0, someDay()) : nil
            // q2 counts tonnes to two decimal places.
            let decimals: UInt8 = index == 2 ? 2 : 0
            let target = decimals == 0 ? Int64.random(in: 10...120, using: &random)
                                       : Int64.random(in: 1_000...12_000, using: &random)
            try add(RandomLedger.Commitment(id: "q\(index)", agreement: pick(model.agreements), party: pick(model.parties),
                                            kind: .quantity, target: target, decimals: decimals, due: due, from: from, until: nil,
                                            reciprocal: index == 1 && chance(0.8) ? "q0" : nil, dependsOn: []))
        }
        for index in 0..<3 {
            let from = chance(0.3) ? someDay() : nil
            let due = chance(0.8) ? max(from ?? 0, someDay()) : nil
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
        // x0 is never covered nor depended on: it can be voided once its records are.
        try add(RandomLedger.Commitment(id: "x0", agreement: "A1", party: pick(model.parties), kind: .action, target: nil,
                                        due: someDay(), from: nil, until: nil, reciprocal: nil, dependsOn: []))
        let coverable = model.commitments.map(\.id).filter { $0 != "x0" }
        func someCovers() -> [String] {
            Array(Set((0..<Int.random(in: 1...3, using: &random)).map { _ in pick(coverable) })).sorted()
        }
        for index in 0..<Int.random(in: 1...2, using: &random) {
            let guarantee = RandomLedger.Guarantee(id: "g\(index)", guarantor: pick(["P0", "P1", "P2", "US"]),
                                                   covers: someCovers(), days: Int64.random(in: 0...10, using: &random))
            try f.guarantee(guarantee.id, guarantor: guarantee.guarantor, covers: guarantee.covers, days: String(guarantee.days))
            if !model.parties.contains(guarantee.guarantor) {
                model.parties.append(guarantee.guarantor)
                model.names[guarantee.guarantor] = "Party \(guarantee.guarantor)"
            }
            model.guarantees.append(guarantee)
        }

        /// An observation time: a plain date, or a local time whose UTC date may be the day before or after.
        func observed(_ day: Int64) -> String {
            guard chance(0.25) else { return text(day) }
            return text(day) + pick(["T01:15:00+03:00", "T23:30:00-05:00", "T00:10:00+14:00", "T12:00:00Z"])
        }

        for _ in 0..<Int.random(in: 35...55, using: &random) {
            let roll = Int.random(in: 0..<100, using: &random)
            let confidence = rank()
            let name = pick(sources)
            let day = someDay()
            let live = model.liveCommitments
            if roll < 34 {
                let commitment = pick(live.filter { $0.kind != .restraint })
                var input = VerificationInput(commitment: commitment.id, observed: observed(day),
                                              source: source(name, confidence))
                let measure: Measure
                if commitment.kind == .quantity {
                    let units = commitment.decimals == 0 ? Int64.random(in: 0...40, using: &random)
                                                         : Int64.random(in: 0...4_000, using: &random)
                    measure = .quantity(Quantity(units: units, scale: commitment.decimals))
                    input.quantity = Quantity.format(units, scale: commitment.decimals)
                } else {
                    measure = chance(0.7) ? .done : .notDone
                    input.done = measure == .done
                    input.notDone = measure == .notDone
                }
                let seq = try f.ledger.log(input, as: f.recorder).outcome.seq
                model.records.append(Record(seq: seq, commitment: commitment.id, day: day, measure: measure, party: nil,
                                            source: name, rank: confidence))
            } else if roll < 50 {
                let commitment = pick(live)
                var input = BreachInput(commitment: commitment.id, observed: observed(day), severity: "major",
                                        source: source(name, confidence))
                if chance(0.1), let other = model.parties.filter({ $0 != commitment.party }).randomElement(using: &random) {
                    // A breach belongs to its commitment's obligor: another party is refused.
                    input.party = other
                    refused("a breach by another party, not the obligor") { _ = try f.ledger.recordBreach(input, as: f.recorder) }
                } else {
                    // --party left out half the time: it defaults to the obligor.
                    input.party = chance(0.5) ? commitment.party : nil
                    if model.inForce(commitment, breachOn: day) {
                        let seq = try f.ledger.recordBreach(input, as: f.recorder).outcome.seq
                        model.records.append(Record(seq: seq, commitment: commitment.id, day: day, measure: nil,
                                                    party: commitment.party, source: name, rank: confidence))
                    } else {
                        refused("a breach outside the commitment") { _ = try f.ledger.recordBreach(input, as: f.recorder) }
                    }
                }
            } else if roll < 64, !model.records.isEmpty {
                let index = Int.random(in: 0..<model.records.count, using: &random)
                // Without a confidence, a corroboration takes that of the record it corroborates.
                let given = chance(0.7) ? confidence : nil
                if model.records[index].voided {
                    refused("a corroboration of a voided record") {
                        _ = try f.ledger.corroborate(CorroborationInput(target: String(model.records[index].seq),
                                                                        source: source(name, given)), as: f.recorder)
                    }
                    continue
                }
                let seq = try f.ledger.corroborate(CorroborationInput(target: String(model.records[index].seq),
                                                                      source: source(name, given)), as: f.recorder).outcome.seq
                model.records[index].corroborations.append(Corroboration(seq: seq, source: name,
                                                                         rank: given ?? model.records[index].rank))
            } else if roll < 73, let guarantee = model.guarantees.randomElement(using: &random) {
                if let last = model.triggers(of: guarantee, at: day).last, last.invokedOn == nil {
                    let seq = try f.invoke(guarantee.id, on: text(day)).seq
                    model.invocations[guarantee.id, default: []].append(Dated(seq: seq, day: day))
                } else {
                    refused("an invocation with no open trigger") { try f.invoke(guarantee.id, on: text(day)) }
                }
            } else if roll < 77 {
                let commitment = pick(live)
                guard model.withdrawals[commitment.id] == nil else { continue }
                let seq = try f.withdraw(commitment.id, on: text(day)).seq
                model.withdrawals[commitment.id] = Dated(seq: seq, day: day)
            } else if roll < 88 {
                try amend(&model, f, &random)
            } else if roll < 97 {
                try void(&model, f, &random, seed: seed)
            } else {
                // What an older ledger may hold: a breach by another party, or outside the commitment.
                let commitment = pick(live)
                let party = chance(0.5) ? pick(model.parties.filter { $0 != commitment.party }) : commitment.party
                let breach = Breach(externalID: nil, commitment: commitment.id, party: party,
                                    observed: Moment(date: CivilDate(days: day)), precision: .day, severity: .major,
                                    source: Source(name: name, kind: .monitor, confidence: Confidence(rank: confidence)!),
                                    description: nil, evidence: .none, note: nil, location: .none)
                let seq = try f.ledger.transact(f.recorder) { try $0.append(.breach(breach)) }.seq
                model.records.append(Record(seq: seq, commitment: commitment.id, day: day, measure: nil, party: party,
                                            source: name, rank: confidence))
            }
            try afterEach?(model)
        }
        return model
    }

    /// Amends a commitment's target, due date or window, an agreement's date or
    /// title, a guarantee's covers or response time, or a party's name, from a
    /// random effective date (sometimes before the first day, sometimes in the future of every observation).
    private static func amend(_ model: inout RandomLedger, _ f: LedgerFixture, _ random: inout SeededGenerator) throws {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        func someDay() -> Int64 { firstDay + Int64.random(in: 0...60, using: &random) }
        func text(_ day: Int64) -> String { CivilDate(days: day).text }
        let effective = firstDay + Int64.random(in: -5...65, using: &random)
        var amendment = Amendment(seq: 0, subject: .party(""), effective: effective)
        var input: AmendmentInput
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<6:
            let commitment = pick(model.liveCommitments)
            amendment.subject = .commitment(commitment.id)
            input = AmendmentInput(subject: "commitment", id: commitment.id, effective: text(effective), reason: "Renegotiated")
            switch commitment.kind {
            case .quantity:
                if chance(0.6) {
                    amendment.target = commitment.decimals == 0 ? Int64.random(in: 5...120, using: &random)
                                                                : Int64.random(in: 100...12_000, using: &random)
                    input.target = Quantity.format(amendment.target!, scale: commitment.decimals)
                }
                if amendment.target == nil || chance(0.4) {
                    amendment.due = someDay()
                    input.due = text(amendment.due!)
                }
            case .action:
                amendment.due = someDay()
                input.due = text(amendment.due!)
            case .restraint:
                // Valid against the terms as recorded (the window never ends before it starts).
                let from = commitment.from!
                switch Int.random(in: 0..<3, using: &random) {
                case 0:
                    amendment.until = from + Int64.random(in: 0...45, using: &random)
                case 1:
                    amendment.from = firstDay + Int64.random(in: 0...30, using: &random)
                    if let until = commitment.until { amendment.from = min(amendment.from!, until) }
                default:
                    amendment.from = firstDay + Int64.random(in: 0...30, using: &random)
                    amendment.until = amendment.from! + Int64.random(in: 0...40, using: &random)
                }
                input.from = amendment.from.map(text)
                input.until = amendment.until.map(text)
            }
        case 6, 7:
            let agreement = pick(model.agreements)
            amendment.subject = .agreement(agreement)
            input = AmendmentInput(subject: "agreement", id: agreement, effective: text(effective), reason: "Re-signed")
            if chance(0.7) {
                amendment.date = firstDay + Int64.random(in: 0...30, using: &random)
                input.date = text(amendment.date!)
            }
            if amendment.date == nil || chance(0.3) {
                amendment.title = "Agreement \(agreement), revised \(model.amendments.count)"
                input.title = amendment.title
            }
        case 8 where !model.guarantees.isEmpty:
            let guarantee = pick(model.guarantees)
            amendment.subject = .guarantee(guarantee.id)
            input = AmendmentInput(subject: "guarantee", id: guarantee.id, effective: text(effective), reason: "Extended")
            if chance(0.6) {
                let coverable = model.liveCommitments.map(\.id).filter { $0 != "x0" }
                amendment.covers = Array(Set((0..<Int.random(in: 1...3, using: &random)).map { _ in pick(coverable) })).sorted()
                input.covers = amendment.covers
            }
            if amendment.covers == nil || chance(0.4) {
                amendment.days = Int64.random(in: 0...10, using: &random)
                input.respondWithinDays = String(amendment.days!)
            }
        default:
            let party = pick(model.parties)
            amendment.subject = .party(party)
            input = AmendmentInput(subject: "party", id: party, effective: text(effective), reason: "Renamed")
            amendment.name = "Party \(party), renamed \(model.amendments.count)"
            input.name = amendment.name
        }
        amendment.seq = try f.ledger.amend(input, as: f.recorder).outcome.seq
        model.amendments.append(amendment)
    }

    /// Voids (as entered in error) a live verification, breach, corroboration,
    /// amendment, withdrawal or invocation, or the commitment x0.
    private static func void(_ model: inout RandomLedger, _ f: LedgerFixture, _ random: inout SeededGenerator,
                             seed: UInt64) throws {
        enum Target { case record(Int), corroboration(Int, Int), amendment(Int), withdrawal(String), invocation(String, Int), x0 }
        var targets: [Target] = []
        for (index, record) in model.records.enumerated() where !record.voided {
            targets.append(.record(index))
            for (inner, corroboration) in record.corroborations.enumerated() where !corroboration.voided {
                targets.append(.corroboration(index, inner))
            }
        }
        for (index, amendment) in model.amendments.enumerated() where !amendment.voided { targets.append(.amendment(index)) }
        for (id, withdrawal) in model.withdrawals where !withdrawal.voided && !model.commitment(id).voided {
            targets.append(.withdrawal(id))
        }
        for (id, list) in model.invocations {
            for (index, invocation) in list.enumerated() where !invocation.voided { targets.append(.invocation(id, index)) }
        }
        if !model.commitment("x0").voided { targets.append(.x0) }
        // Dictionaries iterate in a random order: sort for a reproducible pick.
        targets.sort { "\($0)" < "\($1)" }
        guard !targets.isEmpty else { return }
        let target = targets[Int.random(in: 0..<targets.count, using: &random)]
        func void(_ seq: Int64) throws { _ = try f.ledger.void(String(seq), reason: "Entered in error", as: f.recorder) }
        switch target {
        case .record(let index):
            // A breach whose trigger an invocation answers cannot go before that invocation.
            var without = model
            without.records[index].voided = true
            if model.records[index].isBreach && model.guarantees.contains(where: { guarantee in
                let at = (model.records.map(\.day) + model.invocations.values.flatMap { $0.map(\.day) }).max() ?? 0
                return without.triggers(of: guarantee, at: at).filter { $0.invokedOn != nil }.count
                    < model.triggers(of: guarantee, at: at).filter { $0.invokedOn != nil }.count
            }) {
                do {
                    try void(model.records[index].seq)
                    Issue.record("seed \(seed): voided breach \(model.records[index].seq), though an invocation answers its trigger")
                } catch let error as LedgerError {
                    #expect(error.code == .badInput)
                    model.refusals["a void of a breach an invocation answers", default: 0] += 1
                }
                return
            }
            try void(model.records[index].seq)
            model.records[index].voided = true
        case .corroboration(let index, let inner):
            try void(model.records[index].corroborations[inner].seq)
            model.records[index].corroborations[inner].voided = true
        case .amendment(let index):
            try void(model.amendments[index].seq)
            model.amendments[index].voided = true
        case .withdrawal(let id):
            try void(model.withdrawals[id]!.seq)
            model.withdrawals[id]!.voided = true
        case .invocation(let id, let index):
            try void(model.invocations[id]![index].seq)
            model.invocations[id]![index].voided = true
        case .x0:
            let index = model.commitments.firstIndex { $0.id == "x0" }!
            if model.records.contains(where: { $0.commitment == "x0" && !$0.voided }) {
                // A definition that live records refer to cannot be voided.
                do {
                    try void(model.commitments[index].seq)
                    Issue.record("seed \(seed): voided x0, though live records refer to it")
                } catch let error as LedgerError {
                    #expect(error.code == .badInput)
                    model.refusals["a void of a commitment with live records", default: 0] += 1
                }
            } else {
                try void(model.commitments[index].seq)
                model.commitments[index].voided = true
            }
        }
    }

    /// The dates to judge at: before everything, every tenth day, the last
    /// observation, after everything, and either side of a few amendments' effective dates.
    static func dates(_ model: RandomLedger) -> [Int64] {
        let last = model.records.map(\.day).max() ?? firstDay
        let effective = model.amendments.prefix(3).flatMap { [$0.effective - 1, $0.effective] }
        return Array(Set([firstDay - 1, last, last - 1, firstDay + 90] + stride(from: firstDay, through: firstDay + 61, by: 10)
                         + effective)).sorted()
    }
}
