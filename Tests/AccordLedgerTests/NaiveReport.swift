@testable import AccordLedger
import Testing

/// The naive answer: every number of a report from the raw inputs.
struct NaiveReport {
    struct Line: Equatable {
        var status: FulfilmentStatus
        var verified: Int64?
        var rate: Double?
        var sources: Int
        var leftOut: Int64
        var breaches: Int64
        var isDue: Bool
    }
    struct Rollup: Equatable {
        var id: String
        var commitments: Int
        var due: Int
        var fulfilled: Int
        var rate: Double?
    }

    var lines: [String: Line] = [:]
    var parties: [Rollup] = []
    var agreements: [Rollup] = []
    var pam: [String: Int?] = [:]
    var guarantees: [(String, GuaranteeStatus, String?)] = []
    var guarantors: [(String, Int, Int, Int, Int, Double?)] = []
    var reciprocity: [(String, String, [(Int64, Int64, Int64)], Int64)] = []

    /// Rates are carried unrounded (tables round them for display only).
    static func round4(_ value: Double) -> Double { value }

    static func pam(_ rate: Double?) -> Int? {
        guard let rate else { return nil }
        return rate == 0 ? 0 : rate < 0.5 ? 1 : rate < 1 ? 2 : 3
    }

    init(_ model: RandomLedger, at: Int64, threshold: Int) {
        struct Counted { var quantity: Int64 = 0; var done: Int64 = 0; var breaches: Int64 = 0; var leftOut: Int64 = 0
                         var sources: Set<String> = []; var firstConfirmedBreach: Int64?; var perDay: [Int64: Int64] = [:] }
        var counted: [String: Counted] = [:]
        for record in model.records where record.day <= at {
            var c = counted[record.commitment] ?? Counted()
            let rank = record.effectiveRank
            if rank <= threshold {
                switch record.measure {
                case .quantity(let value)?:
                    c.quantity += value.units
                    c.perDay[record.day, default: 0] += value.units
                case .done?: c.done += 1
                case .notDone?: break
                case nil: c.breaches += 1
                }
            } else {
                c.leftOut += 1
            }
            if record.rank <= threshold { c.sources.insert(record.source) }
            for corroboration in record.corroborations where corroboration.rank <= threshold {
                c.sources.insert(corroboration.source)
            }
            if record.measure == nil && rank == 0 {
                c.firstConfirmedBreach = min(c.firstConfirmedBreach ?? record.day, record.day)
            }
            counted[record.commitment] = c
        }

        let byID = Dictionary(uniqueKeysWithValues: model.commitments.map { ($0.id, $0) })
        func withdrawn(_ id: String) -> Bool { model.withdrawals[id].map { $0 <= at } ?? false }
        var lines: [String: Line] = [:]
        func line(_ id: String) -> Line {
            if let done = lines[id] { return done }
            let commitment = byID[id]!
            let c = counted[id] ?? Counted()
            let blocked = commitment.dependsOn.contains { !withdrawn($0) && line($0).status != .fulfilled }
            let fulfilled: Bool
            var verified: Int64?
            var rate: Double
            switch commitment.kind {
            case .quantity:
                fulfilled = c.quantity >= commitment.target!
                verified = c.quantity
                rate = min(Double(c.quantity) / Double(commitment.target!), 1)
            case .action:
                fulfilled = c.done > 0
                verified = c.done > 0 ? 1 : 0
                rate = fulfilled ? 1 : 0
            case .restraint:
                fulfilled = commitment.until.map { at > $0 } ?? false
                rate = c.breaches > 0 ? 0 : 1
            }
            let status: FulfilmentStatus
            if withdrawn(id) { status = .withdrawn }
            else if blocked { status = .blocked }
            else if c.breaches > 0 { status = .breached }
            else if fulfilled { status = .fulfilled }
            else if commitment.kind != .restraint, let due = commitment.due, at > due { status = .overdue }
            else if let from = commitment.from, from > at { status = .notYetDue }
            else if commitment.kind == .quantity && c.quantity > 0 { status = .inProgress }
            else if commitment.kind == .restraint { status = .inProgress }
            else { status = .unverified }
            let deadline = commitment.kind == .restraint ? commitment.until : commitment.due
            let result = Line(status: status, verified: verified, rate: status == .withdrawn ? nil : Self.round4(rate),
                              sources: c.sources.count, leftOut: c.leftOut, breaches: c.breaches,
                              isDue: status != .withdrawn && (deadline.map { $0 <= at } ?? false))
            lines[id] = result
            return result
        }
        for commitment in model.commitments { _ = line(commitment.id) }
        self.lines = lines

        func rollup(_ id: String, _ own: [RandomLedger.Commitment]) -> Rollup {
            let active = own.filter { lines[$0.id]!.status != .withdrawn }
            let due = active.filter { lines[$0.id]!.isDue }
            let rates = due.map { lines[$0.id]!.rate! }
            return Rollup(id: id, commitments: active.count, due: due.count,
                          fulfilled: due.filter { lines[$0.id]!.status == .fulfilled }.count,
                          rate: rates.isEmpty ? nil : Self.round4(rates.reduce(0, +) / Double(rates.count)))
        }
        parties = model.parties.compactMap { party in
            let own = model.commitments.filter { $0.party == party }
            return own.isEmpty ? nil : rollup(party, own)
        }
        agreements = model.agreements.compactMap { agreement in
            let own = model.commitments.filter { $0.agreement == agreement }
            return own.isEmpty ? nil : rollup(agreement, own)
        }
        for agreement in agreements { pam[agreement.id] = Self.pam(agreement.rate) }

        var guarantorOrder: [String] = []
        var decided: [String: [GuaranteeStatus]] = [:]
        for guarantee in model.guarantees {
            let trigger = guarantee.covers.compactMap { counted[$0]?.firstConfirmedBreach }.min()
            var status = GuaranteeStatus.dormant
            var invokedOn: Int64?
            if let trigger {
                let deadline = trigger + guarantee.days
                let response = (model.invocations[guarantee.id] ?? []).filter { $0 >= trigger && $0 <= at }.min()
                invokedOn = response
                if let response, response <= deadline { status = .invoked }
                else if at > deadline { status = .lapsed }
                else { status = .triggered }
            }
            guarantees.append((guarantee.id, status, invokedOn.map { CivilDate(days: $0).text }))
            if !guarantorOrder.contains(guarantee.guarantor) { guarantorOrder.append(guarantee.guarantor) }
            decided[guarantee.guarantor, default: []].append(status)
        }
        guarantors = guarantorOrder.map { party in
            let statuses = decided[party]!
            let invoked = statuses.filter { $0 == .invoked }.count
            let lapsed = statuses.filter { $0 == .lapsed }.count
            return (party, statuses.filter { $0 != .dormant }.count, invoked, lapsed,
                    statuses.filter { $0 == .triggered }.count,
                    invoked + lapsed == 0 ? nil : Self.round4(Double(invoked) / Double(invoked + lapsed)))
        }

        for commitment in model.commitments {
            guard let other = commitment.reciprocal, model.commitments.firstIndex(where: { $0.id == other })! >
                    model.commitments.firstIndex(where: { $0.id == commitment.id })! else { continue }
            let a: [Int64: Int64] = (counted[commitment.id]?.perDay ?? [:]).filter { $0.value != 0 }
            let b: [Int64: Int64] = (counted[other]?.perDay ?? [:]).filter { $0.value != 0 }
            let days = Set(a.keys).union(b.keys).sorted()
            let totalA = a.values.reduce(0, +)
            let totalB = b.values.reduce(0, +)
            reciprocity.append((commitment.id, other, days.map { ($0, a[$0] ?? 0, b[$0] ?? 0) }, totalA - totalB))
        }
    }
}
