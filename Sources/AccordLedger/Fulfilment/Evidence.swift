
/// The evidence about one commitment that a report counts, at a date and a
/// confidence threshold.
struct EvidenceSummary: Equatable {
    var quantity: Int64 = 0
    var done: Int64 = 0
    var notDone: Int64 = 0
    var breaches: Int64 = 0
    /// Counted records.
    var records: Int64 = 0
    /// Records observed by the date but below the threshold.
    var leftOut: Int64 = 0
    /// Distinct sources (at or above the threshold) behind counted records.
    var sources: Int = 0
    /// The first confirmed breach on or before the date (for guarantees).
    var firstConfirmedBreachDay: Int64?
    /// A record that would count is under a pending dispute.
    var disputed = false

    mutating func count(_ amounts: Amounts) {
        quantity &+= amounts.quantity
        done &+= amounts.done
        notDone &+= amounts.notDone
        breaches &+= amounts.breaches
        records &+= amounts.records
    }

    /// Adds totals (of one confidence level, or one day at one level):
    /// counted, or left out below the threshold; `day` is when a confirmed
    /// breach among them was observed, and the earliest such day is kept.
    mutating func add(_ amounts: Amounts, counted: Bool, firstConfirmedBreachDay day: Int64?) {
        if counted { count(amounts) } else { leftOut &+= amounts.records }
        if let day { firstConfirmedBreachDay = min(firstConfirmedBreachDay ?? day, day) }
    }
}

/// A day and a confidence rank: where a record's contribution falls.
struct EvidenceKey: Hashable {
    var day: Int64
    var rank: Int
}
