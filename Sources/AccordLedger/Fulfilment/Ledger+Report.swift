import AccordStorage
import AccordTrust

/// "As known at": a seq, or a time resolved to the last entry recorded at or before it.
public enum AsOf: Sendable, Equatable {
    /// The ledger as it stood after this entry.
    case seq(Int64)
    /// The ledger as it stood after the last entry recorded at or before this time.
    case time(Moment)

    /// Parses an as-of input (``Field/asOf``): digits are a seq, anything else a date or time.
    /// - Throws: ``LedgerError`` `.badInput`.
    public init(parsing text: String) throws {
        let trimmed = TextRules.trimmed(text)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seq = TextRules.seq(trimmed), seq >= 1 else {
                throw LedgerError.invalid(.asOf, "\(option: .asOf) \(trimmed): a seq is a whole number from 1")
            }
            self = .seq(seq)
        } else {
            self = .time(try Moment(parsing: trimmed, option: .asOf))
        }
    }
}

/// What a report covers and how it counts.
public struct ReportOptions: Sendable {
    /// The world date to evaluate (default: today, UTC).
    public var at: Moment?
    /// Knowledge time: only the entries up to this point (default: all).
    public var asOf: AsOf?
    /// Only evidence at or above this confidence counts.
    public var minConfidence: Confidence = .confirmed
    /// Only this agreement's commitments; nil for all.
    public var agreement: String?
    /// Only this party's commitments; nil for all.
    public var party: String?

    /// Options for a report; every one defaults to the whole ledger, today, confirmed evidence only.
    public init(at: Moment? = nil, asOf: AsOf? = nil, minConfidence: Confidence = .confirmed,
                agreement: String? = nil, party: String? = nil) {
        self.at = at
        self.asOf = asOf
        self.minConfidence = minConfidence
        self.agreement = agreement
        self.party = party
    }
}

extension Ledger {
    /// Computes the fulfilment report.
    ///
    /// At the head of the journal the report reads running totals, checked
    /// against the journal's state root, so its cost follows the number of
    /// commitments, not of events. With `asOf` before the head it reads a copy
    /// rebuilt from the journal up to then, and gives exactly what the ledger
    /// would have said.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown filter id or an
    ///   `asOf` beyond the head; `.tampered` when the rows it reads do not
    ///   match the journal.
    public func report(_ options: ReportOptions) throws -> Report {
        let today = try settings.clock.now()
        return try reading(asOf: options.asOf) { view in
            let at = options.at ?? Moment(date: CivilDate(days: today.day))
            return try view.report(options, at: at)
        }
    }
}

extension LedgerView {
    func report(_ options: ReportOptions, at: Moment) throws -> Report {
        let state = try state()
        // The terms in force at the report's date: amendments applied, voided definitions gone.
        let snapshot = state.snapshot.inForce(onDay: at.day)
        if let agreement = options.agreement, !snapshot.agreements.contains(where: { $0.id == agreement }) {
            throw LedgerError.unknown(.agreement, agreement, in: "\(option: .agreement)", then: isHead ? "" : " as of entry \(seq)")
        }
        if let party = options.party, !snapshot.parties.contains(where: { $0.id == party }) {
            throw LedgerError.unknown(.party, party, in: "\(option: .party)", then: isHead ? "" : " as of entry \(seq)")
        }
        let threshold = options.minConfidence.rank
        let totals = TotalsEvidence(db: db, state: state, sibling: sibling)
        let summaries = try totals.summaries(atDay: at.day, threshold: threshold)
        let evaluator = Evaluator(snapshot: snapshot, evidence: summaries, atDay: at.day, threshold: threshold)
        // The reports in the snapshot's order, each fulfilled one with its lateness (which checks its
        // per-day rows against its digest, selected or not); the selected ones taken out, not copied.
        var evaluated = evaluator.evaluate()
        for index in evaluated.indices {
            guard var report = evaluated[index].take() else { continue }
            if report.status == .fulfilled { report = try totals.lateness(of: report, atDay: at.day, threshold: threshold) }
            evaluated[index] = report
        }
        var commitments: [CommitmentReport] = []
        commitments.reserveCapacity(options.agreement == nil && options.party == nil ? snapshot.commitments.count : 0)
        var selectedIDs: Set<String> = []
        for (index, row) in snapshot.commitments.enumerated()
        where (options.agreement.map { $0 == row.commitment.agreement } ?? true)
            && (options.party.map { $0 == row.commitment.party } ?? true) {
            selectedIDs.insert(row.commitment.id)
            if let report = evaluated[index].take() { commitments.append(report) }
        }

        var byParty: [String: Tally] = [:]
        var byAgreement: [String: Tally] = [:]
        for commitment in commitments {
            byParty[commitment.party, default: Tally()].count(commitment)
            byAgreement[commitment.agreement, default: Tally()].count(commitment)
        }
        let parties: [PartyReport] = snapshot.parties.compactMap { party in
            let tally = byParty[party.id] ?? Tally()
            guard tally.present || options.party == party.id else { return nil }
            return PartyReport(party: party.id, name: party.name, commitments: tally.active, due: tally.due,
                               fulfilled: tally.fulfilled, breached: tally.breached, rate: LedgerView.mean(tally.rates),
                               fulfilledOnTime: tally.fulfilled - tally.late, fulfilledLate: tally.late)
        }
        let agreements: [AgreementReport] = snapshot.agreements.compactMap { agreement in
            let tally = byAgreement[agreement.id] ?? Tally()
            guard tally.present || options.agreement == agreement.id else { return nil }
            let rate = LedgerView.mean(tally.rates)
            return AgreementReport(id: agreement.id, title: agreement.title, commitments: tally.active, due: tally.due,
                                   fulfilled: tally.fulfilled, rate: rate, pamScore: Report.pamScore(rate: rate),
                                   fulfilledOnTime: tally.fulfilled - tally.late, fulfilledLate: tally.late)
        }

        // Guarantees whose covers in force on some day up to the report's date
        // included a selected commitment (their triggers may come from its
        // breaches), each a sequence of triggers.
        var recorded: [Int64: Guarantee] = [:]
        for row in state.snapshot.guarantees { recorded[row.seq] = row.guarantee }
        var selectedGuarantees: [(inForce: Guarantee, recorded: Guarantee, covered: Set<String>)] = []
        for row in snapshot.guarantees {
            let first = recorded[row.seq] ?? row.guarantee
            let covered = state.snapshot.coveredInForce(by: first, onOrBefore: at.day)
            guard covered.contains(where: selectedIDs.contains) else { continue }
            selectedGuarantees.append((row.guarantee, first, covered))
        }
        // Their counted breaches, read once and grouped by commitment.
        var counted: [String: [TriggerCycles.CountedBreach]] = [:]
        for breach in try countedBreaches(of: selectedGuarantees.reduce(into: Set()) { $0.formUnion($1.covered) }, atDay: at.day) {
            counted[breach.commitment, default: []].append(breach)
        }
        let guarantees = selectedGuarantees.map { selected in
            guaranteeReport(selected.inForce, recorded: selected.recorded,
                            breaches: selected.covered.flatMap { counted[$0] ?? [] }.sorted { ($0.day, $0.record) < ($1.day, $1.record) },
                            invocations: snapshot.invocations[selected.inForce.id] ?? [], atDay: at.day, snapshot: state.snapshot)
        }
        var guarantorOrder: [String] = []
        for guarantee in guarantees where !guarantorOrder.contains(guarantee.guarantor) {
            guarantorOrder.append(guarantee.guarantor)
        }
        let guarantors = guarantorOrder.map { party -> GuarantorReport in
            let own = guarantees.filter { $0.guarantor == party }
            let triggers = own.flatMap(\.triggers)
            func count(_ outcome: TriggerOutcome) -> Int { triggers.filter { $0.outcome == outcome }.count }
            let decided = count(.invoked) + count(.invokedLate) + count(.lapsed)
            return GuarantorReport(party: party, guarantees: own.count, triggered: triggers.count, invoked: count(.invoked),
                                   lapsed: count(.lapsed), pending: count(.open), invokedLate: count(.invokedLate),
                                   followThrough: decided == 0 ? nil : Report.rounded(Double(count(.invoked)) / Double(decided)))
        }

        // Reciprocal pairs with a side selected, the earlier-added side first.
        var pairs: [(Commitment, Commitment)] = []
        var paired: Set<String> = []
        // Each id's first position, for the commitments some other names as its counterpart.
        var positions: [String: Int] = [:]
        let counterparts = Set(snapshot.commitments.compactMap(\.commitment.reciprocal))
        for (index, row) in snapshot.commitments.enumerated()
        where !counterparts.isEmpty && counterparts.contains(row.commitment.id) && positions[row.commitment.id] == nil {
            positions[row.commitment.id] = index
        }
        for row in snapshot.commitments where row.commitment.reciprocal != nil {
            let a = row.commitment
            guard let otherID = a.reciprocal, let position = positions[otherID], !paired.contains(a.id),
                  case let b = snapshot.commitments[position].commitment,
                  selectedIDs.contains(a.id) || selectedIDs.contains(b.id) else { continue }
            paired.insert(a.id)
            paired.insert(b.id)
            pairs.append((a, b))
        }
        let perDay = try totals.tranches(pairs.flatMap { [$0.0.id, $0.1.id] }, atDay: at.day, threshold: threshold)
        let reciprocity = pairs.map { a, b -> ReciprocityReport in
            let daysA = perDay[a.id] ?? [:]
            let daysB = perDay[b.id] ?? [:]
            let days = Set(daysA.keys).union(daysB.keys).sorted()
            let rows = days.map { Tranche(date: Moment(date: CivilDate(days: $0)), a: daysA[$0] ?? 0, b: daysB[$0] ?? 0) }
            let totalA = daysA.values.reduce(0, &+)
            let totalB = daysB.values.reduce(0, &+)
            return ReciprocityReport(a: a.id, b: b.id, unit: a.unit, targetA: a.target, targetB: b.target, tranches: rows,
                                     totalA: totalA, totalB: totalB, balance: totalA &- totalB, decimals: a.decimals)
        }

        return Report(at: at, minConfidence: options.minConfidence, ledger: try stamp(),
                      agreementFilter: options.agreement, partyFilter: options.party, commitments: commitments,
                      parties: parties, agreements: agreements, guarantees: guarantees, guarantors: guarantors,
                      reciprocity: reciprocity)
    }

    /// A guarantee (on its terms at the report's date) and its triggers up to
    /// then, each judged on the terms in force on its own day.
    /// - Parameters:
    ///   - recorded: the guarantee as first recorded, whose amendments give its terms on a day.
    ///   - breaches: the counted breaches of every commitment it has covered by the report's date, in order.
    ///   - invocations: its invocations not voided, by date then entry.
    func guaranteeReport(_ guarantee: Guarantee, recorded: Guarantee, breaches: [TriggerCycles.CountedBreach],
                         invocations: [Snapshot.DatedEntry], atDay: Int64, snapshot: Snapshot) -> GuaranteeReport {
        let cycles = TriggerCycles.cycles(breaches: breaches, invocations: invocations.map(\.date),
                                          atDay: atDay, terms: { snapshot.terms(of: recorded, onDay: $0) })
        let triggers = cycles.triggers
        var report = GuaranteeReport(id: guarantee.id, guarantor: guarantee.guarantor, status: .dormant,
                                     covers: guarantee.covers, consequence: guarantee.consequence,
                                     respondWithinDays: guarantee.respondWithinDays)
        report.triggers = triggers
        report.invocationsWithoutTrigger = cycles.unanswered.map {
            InvocationWithoutTrigger(entry: invocations[$0].seq, invokedOn: invocations[$0].date)
        }
        if let last = triggers.last {
            report.triggeredOn = last.triggeredOn
            report.respondBy = last.respondBy
            report.invokedOn = last.invokedOn
            switch last.outcome {
            case .open: report.status = .triggered
            case .invoked: report.status = .invoked
            case .invokedLate: report.status = .invokedLate
            case .lapsed: report.status = .lapsed
            }
        }
        return report
    }

    /// The breaches of `commitments` that count towards a guarantee's
    /// triggers, observed on or before `atDay`: confirmed (with their
    /// corroborations), not retracted, rejected, voided or under a pending
    /// dispute, by the commitment's obligor while it was in force; in order.
    func countedBreaches(of commitments: Set<String>, atDay: Int64) throws -> [TriggerCycles.CountedBreach] {
        guard !commitments.isEmpty else { return [] }
        return try evidence(.breach).countedBreaches(of: commitments, atDay: atDay, state: try state())
    }

    static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return Report.rounded(values.reduce(0, +) / Double(values.count))
    }
}

/// A party's or agreement's commitments, counted in one pass.
private struct Tally {
    var present = false
    var active = 0
    var due = 0
    var fulfilled = 0
    var late = 0
    var breached = 0
    var rates: [Double] = []

    mutating func count(_ commitment: CommitmentReport) {
        present = true
        guard commitment.status != .withdrawn else { return }
        active += 1
        if commitment.status == .breached { breached += 1 }
        guard commitment.isDue else { return }
        due += 1
        if commitment.status == .fulfilled {
            fulfilled += 1
            if commitment.late == true { late += 1 }
        }
        if let rate = commitment.rate { rates.append(rate) }
    }
}
