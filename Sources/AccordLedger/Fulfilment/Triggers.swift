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
    }

    /// Folds breaches and invocations (both on or before `atDay`) into triggers.
    /// An invocation with no trigger to answer (before any breach, or twice
    /// for one trigger) answers nothing: the ledger refuses to record those,
    /// but an older ledger may hold them.
    static func fold(breaches: [CountedBreach], invocations: [Moment], respondWithinDays: Int64, atDay: Int64) -> [TriggerReport] {
        enum Event { case breach(CountedBreach), invocation(Moment) }
        // On one day, a breach opens a trigger before that day's invocation answers it.
        let events = breaches.filter { $0.day <= atDay }.map { (day: $0.day, order: 0, event: Event.breach($0)) }
            + invocations.filter { $0.day <= atDay }.map { (day: $0.day, order: 1, event: Event.invocation($0)) }
        var triggers: [TriggerReport] = []
        for item in events.sorted(by: { ($0.day, $0.order) < ($1.day, $1.order) }) {
            switch item.event {
            case .breach(let breach):
                if let last = triggers.last, last.invokedOn == nil, breach.day <= last.respondBy.day { continue }
                triggers.append(TriggerReport(breach: breach.record, triggeredOn: Moment(date: CivilDate(days: breach.day)),
                                              respondBy: Moment(date: CivilDate(days: breach.day + respondWithinDays)),
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
    static func refusal(invokingOn date: Moment, breaches: [CountedBreach], invocations: [Moment], respondWithinDays: Int64) -> String? {
        let before = fold(breaches: breaches, invocations: invocations, respondWithinDays: respondWithinDays, atDay: date.day)
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
