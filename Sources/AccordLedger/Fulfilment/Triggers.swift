/// A guarantee's triggers, each a cycle: a counted breach of a covered
/// commitment opens a trigger unless one is already open; the guarantor's
/// invocation answers the open trigger (within the response time: invoked;
/// later: invoked late); an open trigger past its response time has lapsed,
/// and the next counted breach opens a new one.
struct TriggerCycles {
    /// A counted breach: the day it was observed and its record.
    struct CountedBreach {
        var day: Int64
        var record: Int64
        var commitment: String
    }

    /// A guarantee's triggers, and the invocations that answer none of them.
    struct Cycles {
        /// Every trigger, in order.
        var triggers: [TriggerReport] = []
        /// Positions, in the invocations folded, of those that answer no
        /// trigger: recorded for a trigger that later entries (a dispute, a
        /// correction, an amendment, a void) no longer open, or held by an
        /// older ledger.
        var unanswered: [Int] = []
    }

    /// Folds breaches and invocations (both on or before `atDay`) into triggers.
    /// Each breach is judged on the guarantee's terms in force on its day (did
    /// it cover the commitment then?), and each trigger's response time is the
    /// one in force on the day it opened, so a later amendment never rewrites
    /// an earlier trigger. An invocation with no trigger to answer (before any
    /// breach, or twice for one trigger) answers nothing: the ledger refuses
    /// to record those, but later evidence can take a trigger away.
    /// - Parameter terms: the guarantee's terms in force on a day.
    static func fold(breaches: [CountedBreach], invocations: [Moment], atDay: Int64,
                     terms: (Int64) -> Guarantee) -> [TriggerReport] {
        cycles(breaches: breaches, invocations: invocations, atDay: atDay, terms: terms).triggers
    }

    /// ``fold(breaches:invocations:atDay:terms:)``, with the invocations (on or
    /// before `atDay`) that answer no trigger.
    static func cycles(breaches: [CountedBreach], invocations: [Moment], atDay: Int64,
                       terms: (Int64) -> Guarantee) -> Cycles {
        enum Event { case breach(CountedBreach), invocation(Int) }
        // On one day, a breach opens a trigger before that day's invocation answers it;
        // otherwise each keeps its place in its list (breaches by day and record, invocations by date and entry).
        let covered = breaches.filter { $0.day <= atDay && terms($0.day).covers.contains($0.commitment) }
        let events = covered.enumerated().map { (day: $1.day, order: 0, place: $0, event: Event.breach($1)) }
            + invocations.indices.filter { invocations[$0].day <= atDay }
                .map { (day: invocations[$0].day, order: 1, place: $0, event: Event.invocation($0)) }
        var cycles = Cycles()
        for item in events.sorted(by: { ($0.day, $0.order, $0.place) < ($1.day, $1.order, $1.place) }) {
            switch item.event {
            case .breach(let breach):
                if let last = cycles.triggers.last, last.invokedOn == nil, breach.day <= last.respondBy.day { continue }
                cycles.triggers.append(TriggerReport(breach: breach.record, triggeredOn: Moment(date: CivilDate(days: breach.day)),
                                                     respondBy: Moment(date: CivilDate(days: breach.day + terms(breach.day).respondWithinDays)),
                                                     invokedOn: nil, outcome: .open))
            case .invocation(let position):
                guard let index = cycles.triggers.indices.last, cycles.triggers[index].invokedOn == nil else {
                    cycles.unanswered.append(position)
                    continue
                }
                let date = invocations[position]
                cycles.triggers[index].invokedOn = date
                cycles.triggers[index].outcome = date.day <= cycles.triggers[index].respondBy.day ? .invoked : .invokedLate
            }
        }
        for index in cycles.triggers.indices where cycles.triggers[index].outcome == .open && atDay > cycles.triggers[index].respondBy.day {
            cycles.triggers[index].outcome = .lapsed
        }
        return cycles
    }

    /// Why an invocation on `date` would answer no trigger, or nil when it answers one.
    static func refusal(invokingOn date: Moment, breaches: [CountedBreach], invocations: [Moment],
                        terms: (Int64) -> Guarantee) -> String? {
        let before = fold(breaches: breaches, invocations: invocations, atDay: date.day, terms: terms)
        guard let last = before.last else {
            return "no counted breach of a covered commitment has triggered it on or before \(date.dayText)"
        }
        if let invoked = last.invokedOn {
            return "its trigger of \(last.triggeredOn.dayText) was already answered by the invocation of \(invoked.dayText); "
                + "a new trigger needs a new counted breach"
        }
        return nil
    }
}

extension Snapshot {
    /// A guarantee as recorded (before amendments), and every commitment it
    /// has covered on any terms: the breaches its triggers may come from.
    func guaranteeHistory(_ id: String) -> (recorded: Guarantee, everCovered: Set<String>)? {
        guard let recorded = guarantees.first(where: { $0.guarantee.id == id })?.guarantee else { return nil }
        return (recorded, everCovered(by: recorded))
    }

    /// Every commitment `recorded` (a guarantee as recorded) has covered on any
    /// terms, as recorded or amended (an amendment not voided).
    func everCovered(by recorded: Guarantee) -> Set<String> {
        var covered = Set(recorded.covers)
        for row in amendments[.guarantee(recorded.id)] ?? [] where voided[row.seq] == nil {
            covered.formUnion(row.covers ?? [])
        }
        return covered
    }

    /// Every commitment `recorded` covered on the terms in force on some day
    /// on or before `day`: its covers as recorded (in force before its first
    /// amendment) and those in force from each amendment's effective day (an
    /// amendment replaced by another of the same day never was in force).
    func coveredInForce(by recorded: Guarantee, onOrBefore day: Int64) -> Set<String> {
        var covered = Set(recorded.covers)
        var days: Set<Int64> = []
        for row in amendments[.guarantee(recorded.id)] ?? [] where voided[row.seq] == nil && row.effective.day <= day {
            days.insert(row.effective.day)
        }
        for effective in days { covered.formUnion(terms(of: recorded, onDay: effective).covers) }
        return covered
    }
}
