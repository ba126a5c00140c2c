@testable import AccordLedger
import Testing

/// The terms in force, as the naive fold reads them off the model: an
/// amendment applies from its effective day, in effective order then as
/// recorded; voided amendments never apply.
extension RandomLedger {
    func amendments(of subject: Subject, onDay day: Int64) -> [Amendment] {
        amendments.filter { $0.subject == subject && !$0.voided && $0.effective <= day }
            .sorted { ($0.effective, $0.seq) < ($1.effective, $1.seq) }
    }

    func terms(of commitment: Commitment, onDay day: Int64) -> Commitment {
        var terms = commitment
        for amendment in amendments(of: .commitment(commitment.id), onDay: day) {
            terms.target = amendment.target ?? terms.target
            terms.due = amendment.due ?? terms.due
            terms.from = amendment.from ?? terms.from
            terms.until = amendment.until ?? terms.until
        }
        return terms
    }

    func terms(of guarantee: Guarantee, onDay day: Int64) -> Guarantee {
        var terms = guarantee
        for amendment in amendments(of: .guarantee(guarantee.id), onDay: day) {
            terms.covers = amendment.covers ?? terms.covers
            terms.days = amendment.days ?? terms.days
        }
        return terms
    }

    func agreementDate(_ id: String, onDay day: Int64) -> Int64? {
        amendments(of: .agreement(id), onDay: day).reduce(agreementDates[id]) { $1.date ?? $0 }
    }

    func title(_ id: String, onDay day: Int64) -> String {
        amendments(of: .agreement(id), onDay: day).reduce(titles[id]!) { $1.title ?? $0 }
    }

    func name(_ id: String, onDay day: Int64) -> String {
        amendments(of: .party(id), onDay: day).reduce(names[id]!) { $1.name ?? $0 }
    }

    /// Whether a breach observed on `day` can be of `commitment`: a restraint
    /// within its window, a quantity or an action from its agreement's date,
    /// each as in force on that day.
    func inForce(_ commitment: Commitment, breachOn day: Int64) -> Bool {
        if let withdrawal = withdrawals[commitment.id], !withdrawal.voided, withdrawal.day <= day { return false }
        let terms = terms(of: commitment, onDay: day)
        if terms.kind == .restraint {
            return terms.from.map { $0 <= day } ?? true && terms.until.map { day <= $0 } ?? true
        }
        return agreementDate(terms.agreement, onDay: day).map { $0 <= day } ?? true
    }

    /// Whether a record can count at all: not voided, of a live commitment,
    /// and, for a breach, by the obligor while the commitment was in force.
    func counts(_ record: Record) -> Bool {
        let commitment = commitment(record.commitment)
        guard !record.voided, !commitment.voided else { return false }
        guard record.isBreach else { return true }
        return record.party == commitment.party && inForce(commitment, breachOn: record.day)
    }

    struct Trigger: Equatable {
        var breach: Int64
        var triggeredOn: Int64
        var respondBy: Int64
        var invokedOn: Int64?
        var outcome: TriggerOutcome
    }

    /// A guarantee's triggers up to `at`, walking day by day: a day's first
    /// counted confirmed breach of a covered commitment opens a trigger unless
    /// one is open (not answered, inside its response time); the day's
    /// invocation then answers the latest unanswered trigger, in time or late;
    /// one left open past its response time has lapsed.
    func triggers(of guarantee: Guarantee, at: Int64) -> [Trigger] {
        // Each breach on the guarantee's terms of its own day; each trigger with the response time of its day.
        let breaches = records.filter {
            $0.isBreach && terms(of: guarantee, onDay: $0.day).covers.contains($0.commitment) && $0.day <= at
                && $0.effectiveRank == 0 && counts($0)
        }
        let invoked = Set((invocations[guarantee.id] ?? []).filter { !$0.voided && $0.day <= at }.map(\.day))
        guard let start = (breaches.map(\.day) + invoked).min() else { return [] }
        var triggers: [Trigger] = []
        for day in start...max(start, at) {
            if let first = breaches.filter({ $0.day == day }).map(\.seq).min() {
                let open = triggers.last.map { $0.invokedOn == nil && day <= $0.respondBy } ?? false
                if !open {
                    triggers.append(Trigger(breach: first, triggeredOn: day, respondBy: day + terms(of: guarantee, onDay: day).days,
                                            invokedOn: nil,
                                            outcome: .open))
                }
            }
            if invoked.contains(day), let last = triggers.indices.last, triggers[last].invokedOn == nil {
                triggers[last].invokedOn = day
                triggers[last].outcome = day <= triggers[last].respondBy ? .invoked : .invokedLate
            }
        }
        for index in triggers.indices where triggers[index].outcome == .open && at > triggers[index].respondBy {
            triggers[index].outcome = .lapsed
        }
        return triggers
    }
}

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
        var target: Int64?
        var due: Int64?
        var from: Int64?
        var until: Int64?
        var late: Bool?
        var daysLate: Int64?
    }
    struct Rollup: Equatable {
        var id: String
        var name: String
        var commitments: Int
        var due: Int
        var fulfilled: Int
        var onTime: Int
        var late: Int
        var rate: Double?
    }
    struct GuaranteeLine: Equatable {
        var id: String
        var status: GuaranteeStatus
        var covers: [String]
        var days: Int64
        var triggers: [RandomLedger.Trigger]
    }
    struct GuarantorLine: Equatable {
        var party: String
        var guarantees: Int
        var triggered: Int
        var invoked: Int
        var invokedLate: Int
        var lapsed: Int
        var pending: Int
        var followThrough: Double?
    }

    /// The live commitments, in the order they were added.
    var order: [String] = []
    var lines: [String: Line] = [:]
    /// The day each fulfilled quantity or action with a due date was fulfilled.
    var fulfilledOn: [String: Int64] = [:]
    /// Commitments holding a live breach by their obligor, observed by the date but outside them.
    var outside: Set<String> = []
    var parties: [Rollup] = []
    /// Breached commitments per party.
    var breached: [String: Int] = [:]
    var agreements: [Rollup] = []
    var pam: [String: Int?] = [:]
    var guarantees: [GuaranteeLine] = []
    var guarantors: [GuarantorLine] = []
    var reciprocity: [(String, String, [(Int64, Int64, Int64)], Int64)] = []

    /// Rates are carried unrounded (tables round them for display only).
    static func round4(_ value: Double) -> Double { value }

    static func pam(_ rate: Double?) -> Int? {
        guard let rate else { return nil }
        return rate == 0 ? 0 : rate < 0.5 ? 1 : rate < 1 ? 2 : 3
    }

    init(_ model: RandomLedger, at: Int64, threshold: Int) {
        struct Counted { var quantity: Int64 = 0; var done: Int64 = 0; var breaches: Int64 = 0; var leftOut: Int64 = 0
                         var sources: Set<String> = []; var perDay: [Int64: Int64] = [:]; var doneDays: Set<Int64> = [] }
        var counted: [String: Counted] = [:]
        for record in model.records where record.isBreach && record.day <= at && !record.voided && !model.counts(record)
            && record.party == model.commitment(record.commitment).party {
            outside.insert(record.commitment)
        }
        for record in model.records where record.day <= at && model.counts(record) {
            var c = counted[record.commitment] ?? Counted()
            if record.effectiveRank <= threshold {
                switch record.measure {
                case .quantity(let value)?:
                    c.quantity += value.units
                    c.perDay[record.day, default: 0] += value.units
                case .done?:
                    c.done += 1
                    c.doneDays.insert(record.day)
                case .notDone?: break
                case nil: c.breaches += 1
                }
            } else {
                c.leftOut += 1
            }
            if record.rank <= threshold { c.sources.insert(record.source) }
            for corroboration in record.live where corroboration.rank <= threshold { c.sources.insert(corroboration.source) }
            counted[record.commitment] = c
        }

        // Terms in force on the report's day.
        let live = model.liveCommitments.map { model.terms(of: $0, onDay: at) }
        order = live.map(\.id)
        let byID = Dictionary(uniqueKeysWithValues: live.map { ($0.id, $0) })
        func withdrawn(_ id: String) -> Bool { model.withdrawals[id].map { !$0.voided && $0.day <= at } ?? false }
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
                fulfilled = commitment.until.map { at > $0 } ?? false && c.breaches == 0
                rate = c.breaches > 0 ? 0 : 1
            }
            let status: FulfilmentStatus
            if withdrawn(id) { status = .withdrawn }
            else if c.breaches > 0 { status = .breached }
            else if blocked { status = .blocked }
            else if fulfilled { status = .fulfilled }
            else if commitment.kind != .restraint, let due = commitment.due, at > due { status = .overdue }
            else if let from = commitment.from, from > at { status = .notYetDue }
            else if commitment.kind == .quantity && c.quantity > 0 { status = .inProgress }
            else if commitment.kind == .restraint { status = .inProgress }
            else { status = .unverified }
            let deadline = commitment.kind == .restraint ? commitment.until : commitment.due
            // Decided outcomes count among the due: breached, or fulfilled (even early).
            let isDue = status != .withdrawn
                && (deadline.map { $0 <= at } ?? false || status == .breached || status == .fulfilled)
            var result = Line(status: status, verified: verified, rate: status == .withdrawn ? nil : Self.round4(rate),
                              sources: c.sources.count, leftOut: c.leftOut, breaches: c.breaches, isDue: isDue,
                              target: commitment.target, due: commitment.due, from: commitment.from, until: commitment.until)
            // Lateness: the first day the counted evidence reached the target (or was done), against the due date.
            if status == .fulfilled, commitment.kind != .restraint, let due = commitment.due {
                var day: Int64?
                if commitment.kind == .action {
                    day = c.doneDays.min()
                } else {
                    var running: Int64 = 0
                    for (perDay, amount) in c.perDay.sorted(by: { $0.key < $1.key }) {
                        running += amount
                        if running >= commitment.target! { day = perDay; break }
                    }
                }
                if let day {
                    fulfilledOn[id] = day
                    result.late = day > due
                    result.daysLate = max(0, day - due)
                }
            }
            lines[id] = result
            return result
        }
        for id in order { _ = line(id) }
        self.lines = lines

        func rollup(_ id: String, _ name: String, _ own: [RandomLedger.Commitment]) -> Rollup {
            let active = own.filter { lines[$0.id]!.status != .withdrawn }
            let due = active.filter { lines[$0.id]!.isDue }
            let rates = due.map { lines[$0.id]!.rate! }
            let fulfilled = due.filter { lines[$0.id]!.status == .fulfilled }
            let late = fulfilled.filter { lines[$0.id]!.late == true }.count
            return Rollup(id: id, name: name, commitments: active.count, due: due.count, fulfilled: fulfilled.count,
                          onTime: fulfilled.count - late, late: late,
                          rate: rates.isEmpty ? nil : Self.round4(rates.reduce(0, +) / Double(rates.count)))
        }
        parties = model.parties.compactMap { party in
            let own = live.filter { $0.party == party }
            breached[party] = own.filter { lines[$0.id]!.status == .breached }.count
            return own.isEmpty ? nil : rollup(party, model.name(party, onDay: at), own)
        }
        agreements = model.agreements.compactMap { agreement in
            let own = live.filter { $0.agreement == agreement }
            return own.isEmpty ? nil : rollup(agreement, model.title(agreement, onDay: at), own)
        }
        for agreement in agreements { pam[agreement.id] = Self.pam(agreement.rate) }

        // Guarantees on their terms at the report's day, each a sequence of triggers.
        var guarantorOrder: [String] = []
        var triggersOf: [String: [RandomLedger.Trigger]] = [:]
        var guaranteesOf: [String: Int] = [:]
        for recorded in model.guarantees {
            let guarantee = model.terms(of: recorded, onDay: at)
            let triggers = model.triggers(of: recorded, at: at)
            let status: GuaranteeStatus
            switch triggers.last?.outcome {
            case nil: status = .dormant
            case .open?: status = .triggered
            case .invoked?: status = .invoked
            case .invokedLate?: status = .invokedLate
            case .lapsed?: status = .lapsed
            }
            guarantees.append(GuaranteeLine(id: guarantee.id, status: status, covers: guarantee.covers, days: guarantee.days,
                                            triggers: triggers))
            if !guarantorOrder.contains(guarantee.guarantor) { guarantorOrder.append(guarantee.guarantor) }
            triggersOf[guarantee.guarantor, default: []] += triggers
            guaranteesOf[guarantee.guarantor, default: 0] += 1
        }
        guarantors = guarantorOrder.map { party in
            let triggers = triggersOf[party]!
            func count(_ outcome: TriggerOutcome) -> Int { triggers.filter { $0.outcome == outcome }.count }
            let decided = count(.invoked) + count(.invokedLate) + count(.lapsed)
            return GuarantorLine(party: party, guarantees: guaranteesOf[party]!, triggered: triggers.count,
                                 invoked: count(.invoked), invokedLate: count(.invokedLate), lapsed: count(.lapsed), pending: count(.open),
                                 followThrough: decided == 0 ? nil : Self.round4(Double(count(.invoked)) / Double(decided)))
        }

        for commitment in live {
            guard let other = commitment.reciprocal,
                  order.firstIndex(of: other)! > order.firstIndex(of: commitment.id)! else { continue }
            let a: [Int64: Int64] = (counted[commitment.id]?.perDay ?? [:]).filter { $0.value != 0 }
            let b: [Int64: Int64] = (counted[other]?.perDay ?? [:]).filter { $0.value != 0 }
            let days = Set(a.keys).union(b.keys).sorted()
            let totalA = a.values.reduce(0, +)
            let totalB = b.values.reduce(0, +)
            reciprocity.append((commitment.id, other, days.map { ($0, a[$0] ?? 0, b[$0] ?? 0) }, totalA - totalB))
        }
    }
}
