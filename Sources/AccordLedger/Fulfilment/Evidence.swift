import AccordStorage

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
        quantity += amounts.quantity
        done += amounts.done
        notDone += amounts.notDone
        breaches += amounts.breaches
        records += amounts.records
    }

    /// Adds totals (of one confidence level, or one day at one level):
    /// counted, or left out below the threshold; `day` is when a confirmed
    /// breach among them was observed, and the earliest such day is kept.
    mutating func add(_ amounts: Amounts, counted: Bool, firstConfirmedBreachDay day: Int64?) {
        if counted { count(amounts) } else { leftOut += amounts.records }
        if let day { firstConfirmedBreachDay = min(firstConfirmedBreachDay ?? day, day) }
    }
}

/// Evidence as per-day totals for each commitment, folded in memory. Built
/// from the records visible at some seq (the as-of path), and the reference
/// the running totals are checked against.
struct DailyEvidence {
    struct Key: Hashable { var day: Int64; var rank: Int }
    struct SourceKey: Hashable { var day: Int64; var rank: Int; var source: String }

    var daily: [String: [Key: Amounts]] = [:]
    var sources: [String: [SourceKey: Int64]] = [:]
    /// Would-be contributions of records under a pending dispute.
    var disputed: [String: [Key]] = [:]

    mutating func add(_ contribution: Contribution) {
        daily[contribution.commitment, default: [:]][Key(day: contribution.day, rank: contribution.rank), default: Amounts()]
            .add(contribution, sign: 1)
        for (source, rank) in contribution.sources {
            sources[contribution.commitment, default: [:]][SourceKey(day: contribution.day, rank: rank, source: source), default: 0] += 1
        }
    }

    mutating func addDisputed(_ contribution: Contribution) {
        disputed[contribution.commitment, default: []].append(Key(day: contribution.day, rank: contribution.rank))
    }

    func summary(_ commitment: String, atDay: Int64, threshold: Int) -> EvidenceSummary {
        var summary = EvidenceSummary()
        for (key, amounts) in daily[commitment] ?? [:] where key.day <= atDay {
            summary.add(amounts, counted: key.rank <= threshold,
                        firstConfirmedBreachDay: key.rank == 0 && amounts.breaches > 0 ? key.day : nil)
        }
        var names: Set<String> = []
        for (key, refs) in sources[commitment] ?? [:] where key.day <= atDay && key.rank <= threshold && refs > 0 {
            names.insert(key.source)
        }
        summary.sources = names.count
        summary.disputed = (disputed[commitment] ?? []).contains { $0.day <= atDay && $0.rank <= threshold }
        return summary
    }

    /// Counted quantity per day.
    func tranches(_ commitment: String, atDay: Int64, threshold: Int) -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for (key, amounts) in daily[commitment] ?? [:] where key.day <= atDay && key.rank <= threshold && amounts.quantity != 0 {
            result[key.day, default: 0] += amounts.quantity
        }
        return result
    }

    /// Folds every record as it stood after entry `seq`: the version current
    /// then, not retracted, not under a dispute pending then, not rejected by
    /// then, with the corroborations recorded (and not retracted) by then.
    static func fold(_ db: Database, asOf seq: Int64) throws -> DailyEvidence {
        struct Version {
            var seq: Int64
            var commitment: String
            var day: Int64
            var measure: Measure?
            var source: Source
        }
        var current: [Int64: Version] = [:]
        func take(_ record: Int64, _ version: Version) {
            if let existing = current[record], existing.seq > version.seq { return }
            current[record] = version
        }
        try db.forEach("""
            SELECT record, seq, commitment, observed_day, source, source_kind, confidence, quantity, outcome
            FROM verifications WHERE seq <= ?
            """, [seq]) { row in
            let measure: Measure = row.isNull(7) ? (row.text(8) == "done" ? .done : .notDone) : .quantity(row.int64(7))
            take(row.int64(0), Version(seq: row.int64(1), commitment: row.text(2), day: row.int64(3), measure: measure,
                                       source: source(row, 4)))
        }
        try db.forEach("""
            SELECT record, seq, commitment, observed_day, source, source_kind, confidence FROM breaches WHERE seq <= ?
            """, [seq]) { row in
            take(row.int64(0), Version(seq: row.int64(1), commitment: row.text(2), day: row.int64(3), measure: nil,
                                       source: source(row, 4)))
        }
        var retracted: Set<Int64> = []
        try db.forEach("SELECT record FROM retractions WHERE seq <= ?", [seq]) { row in retracted.insert(row.int64(0)) }
        var corroborations: [Int64: [Source]] = [:]
        try db.forEach("SELECT seq, record, source, source_kind, confidence FROM corroborations WHERE seq <= ? ORDER BY seq",
                       [seq]) { row in
            guard !retracted.contains(row.int64(0)) else { return }
            corroborations[row.int64(1), default: []].append(source(row, 2))
        }
        var pending: Set<Int64> = []
        try db.forEach("""
            SELECT record FROM disputes WHERE seq <= ? AND (adjudication_seq IS NULL OR adjudication_seq > ?)
            """, [seq, seq]) { row in pending.insert(row.int64(0)) }
        var rejected: Set<Int64> = []
        try db.forEach("SELECT record FROM adjudications WHERE seq <= ? AND ruling = 'rejected'", [seq]) { row in
            rejected.insert(row.int64(0))
        }
        var evidence = DailyEvidence()
        for (record, version) in current where !retracted.contains(record) && !rejected.contains(record) {
            let contribution = Contribution(commitment: version.commitment, day: version.day, measure: version.measure,
                                            source: version.source, corroborations: corroborations[record] ?? [])
            if pending.contains(record) {
                evidence.addDisputed(contribution)
            } else {
                evidence.add(contribution)
            }
        }
        return evidence
    }

    private static func source(_ row: Row, _ index: Int32) -> Source {
        Source(name: row.text(index), kind: SourceKind(rawValue: row.text(index + 1)) ?? .other,
               confidence: Confidence(rawValue: row.text(index + 2)) ?? .unverified)
    }
}
