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

    /// Folds breaches and invocations (both on or before `atDay`) into triggers.
    /// Each breach is judged on the guarantee's terms in force on its day (did
    /// it cover the commitment then?), and each trigger's response time is the
    /// one in force on the day it opened, so a later amendment never rewrites
    /// an earlier trigger. An invocation with no trigger to answer (before any
    /// breach, or twice for one trigger) answers nothing: the ledger refuses
    /// to record those, but an older ledger may hold them.
    /// - Parameter terms: the guarantee's terms in force on a day.
    static func fold(breaches: [CountedBreach], invocations: [Moment], atDay: Int64,
                     terms: (Int64) -> Guarantee) -> [TriggerReport] {
        enum Event { case breach(CountedBreach), invocation(Moment) }
        // On one day, a breach opens a trigger before that day's invocation answers it.
        let covered = breaches.filter { $0.day <= atDay && terms($0.day).covers.contains($0.commitment) }
        let events = covered.map { (day: $0.day, order: 0, event: Event.breach($0)) }
            + invocations.filter { $0.day <= atDay }.map { (day: $0.day, order: 1, event: Event.invocation($0)) }
        var triggers: [TriggerReport] = []
        for item in events.sorted(by: { ($0.day, $0.order) < ($1.day, $1.order) }) {
            switch item.event {
            case .breach(let breach):
                if let last = triggers.last, last.invokedOn == nil, breach.day <= last.respondBy.day { continue }
                triggers.append(TriggerReport(breach: breach.record, triggeredOn: Moment(date: CivilDate(days: breach.day)),
                                              respondBy: Moment(date: CivilDate(days: breach.day + terms(breach.day).respondWithinDays)),
                                              invokedOn: nil, outcome: .open))
            case .invocation(let date):
                guard let index = triggers.indices.last, triggers[index].invokedOn == nil else { continue }
                triggers[index].invokedOn = date
                triggers[index].outcome = date.day <= triggers[index].respondBy.day ? .invoked : .invokedLate
            }
        }
        for index in triggers.indices where triggers[index].outcome == .open && atDay > triggers[index].respondBy.day {
            triggers[index].outcome = .lapsed
        }
        return triggers
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

    /// Every commitment `recorded` (a guarantee as recorded) has covered on any terms.
    func everCovered(by recorded: Guarantee) -> Set<String> {
        var covered = Set(recorded.covers)
        for row in amendments[.guarantee(recorded.id)] ?? [] where voided[row.seq] == nil {
            if case .guarantee(let covers?, _, _) = row.terms { covered.formUnion(covers) }
        }
        return covered
    }
}
