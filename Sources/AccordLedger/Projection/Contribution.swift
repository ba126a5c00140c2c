/// What one record adds to its commitment's running totals, given the state
/// of the record (current version, retraction, disputes, corroborations).
///
/// A record that is retracted, under a pending dispute, or rejected by an
/// adjudicator contributes nothing.
struct Contribution: Hashable, Sendable {
    var commitment: String
    var day: Int64
    /// The effective confidence rank: the best of the record's and its corroborations'.
    var rank: Int
    var quantity: Int64
    var done: Int64
    var notDone: Int64
    var breaches: Int64
    /// Distinct sources behind the record (by ``TextRules/sourceKey(_:)``), each with the best rank it gave.
    var sources: [String: Int]

    /// - Parameter measure: what a verification observed; nil for a breach.
    init(commitment: String, day: Int64, measure: Measure?, source: Source, corroborations: [Source]) {
        self.commitment = commitment
        self.day = day
        var rank = source.confidence.rank
        // Distinct sources by their key: look-alikes and invisible variants of a name are one source.
        var sources = [TextRules.sourceKey(source.name): rank]
        for other in corroborations {
            rank = min(rank, other.confidence.rank)
            let key = TextRules.sourceKey(other.name)
            sources[key] = min(sources[key] ?? 2, other.confidence.rank)
        }
        self.rank = rank
        self.sources = sources
        quantity = 0
        done = 0
        notDone = 0
        breaches = 0
        switch measure {
        case .quantity(let value)?: quantity = value.units
        case .done?: done = 1
        case .notDone?: notDone = 1
        case nil: breaches = 1
        }
    }
}

/// The parts of a commitment's totals, summed.
struct Amounts: Hashable, Sendable {
    var records: Int64 = 0
    var quantity: Int64 = 0
    var done: Int64 = 0
    var notDone: Int64 = 0
    var breaches: Int64 = 0

    var isZero: Bool { records == 0 && quantity == 0 && done == 0 && notDone == 0 && breaches == 0 }

    // Counts wrap rather than trap (a record is one); quantities saturate at
    // Int64's bounds, so that a sum too large to hold stays too large and the
    // writer refuses it (``TotalsAccumulator/largestTotal``) instead of storing a
    // wrapped, negative total.
    mutating func add(_ contribution: Contribution, sign: Int64) {
        records &+= sign
        quantity = Amounts.saturating(quantity, sign &* contribution.quantity)
        done &+= sign &* contribution.done
        notDone &+= sign &* contribution.notDone
        breaches &+= sign &* contribution.breaches
    }

    /// Adds one new record: what a verification observed, or a breach (nil).
    mutating func addRecord(_ measure: Measure?) {
        records &+= 1
        switch measure {
        case .quantity(let value)?: quantity = Amounts.saturating(quantity, value.units)
        case .done?: done += 1
        case .notDone?: notDone += 1
        case nil: breaches += 1
        }
    }

    /// `a + b`, or the bound it passed.
    static func saturating(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    mutating func add(_ other: Amounts) {
        records &+= other.records
        quantity = Amounts.saturating(quantity, other.quantity)
        done &+= other.done
        notDone &+= other.notDone
        breaches &+= other.breaches
    }
}
