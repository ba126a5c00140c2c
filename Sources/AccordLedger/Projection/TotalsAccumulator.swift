import AccordStorage

/// Collects changes to the running totals and writes them in one go.
///
/// Adding a record's contribution is the hot path (a bulk import adds
/// millions); it is folded in memory and written as upserts. Removing one
/// (a correction, retraction, dispute ...) marks its commitment and rank so
/// that the derived columns (`last_day`, `first_breach_day`) are recomputed
/// from the daily rows. The result never depends on how changes were batched:
/// the totals are a function of the current records alone.
struct TotalsAccumulator {
    struct DayKey: Hashable { var commitment: String; var day: Int64; var rank: Int }
    struct RankKey: Hashable { var commitment: String; var rank: Int }
    struct SourceKey: Hashable { var commitment: String; var day: Int64; var rank: Int; var source: String }

    private(set) var daily: [DayKey: Amounts] = [:]
    private(set) var sources: [SourceKey: Int64] = [:]
    private(set) var removed: Set<RankKey> = []

    var count: Int { daily.count + sources.count }
    var isEmpty: Bool { daily.isEmpty && sources.isEmpty && removed.isEmpty }

    mutating func add(_ contribution: Contribution) { apply(contribution, sign: 1) }

    mutating func remove(_ contribution: Contribution) { apply(contribution, sign: -1) }

    private mutating func apply(_ contribution: Contribution, sign: Int64) {
        let key = DayKey(commitment: contribution.commitment, day: contribution.day, rank: contribution.rank)
        daily[key, default: Amounts()].add(contribution, sign: sign)
        for (source, rank) in contribution.sources {
            sources[SourceKey(commitment: contribution.commitment, day: contribution.day, rank: rank, source: source), default: 0] += sign
        }
        if sign < 0 {
            removed.insert(RankKey(commitment: contribution.commitment, rank: contribution.rank))
        }
    }

    /// Writes everything collected and empties the accumulator.
    mutating func flush(to db: Database) throws {
        var byRank: [RankKey: (amounts: Amounts, lastDay: Int64, firstBreachDay: Int64?)] = [:]
        var recompute = removed
        for (key, delta) in daily where !delta.isZero {
            try Self.applyDaily(key, delta, db: db)
            let rankKey = RankKey(commitment: key.commitment, rank: key.rank)
            if delta.records < 0 || delta.breaches < 0 { recompute.insert(rankKey) }
            var entry = byRank[rankKey] ?? (Amounts(), key.day, nil)
            entry.amounts.add(delta)
            entry.lastDay = max(entry.lastDay, key.day)
            if delta.breaches > 0 { entry.firstBreachDay = min(entry.firstBreachDay ?? key.day, key.day) }
            byRank[rankKey] = entry
        }
        for (key, entry) in byRank where !recompute.contains(key) {
            try db.run("""
                INSERT INTO commitment_totals (commitment, confidence, records, quantity, done, not_done, breaches, last_day, first_breach_day)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (commitment, confidence) DO UPDATE SET
                    records = records + excluded.records, quantity = quantity + excluded.quantity,
                    done = done + excluded.done, not_done = not_done + excluded.not_done,
                    breaches = breaches + excluded.breaches, last_day = max(last_day, excluded.last_day),
                    first_breach_day = CASE
                        WHEN excluded.first_breach_day IS NULL THEN first_breach_day
                        WHEN first_breach_day IS NULL THEN excluded.first_breach_day
                        ELSE min(first_breach_day, excluded.first_breach_day) END
                """, key.commitment, key.rank, entry.amounts.records, entry.amounts.quantity, entry.amounts.done,
                entry.amounts.notDone, entry.amounts.breaches, entry.lastDay, entry.firstBreachDay)
        }
        for key in recompute {
            try Self.recomputeRank(key, db: db)
        }
        for (key, delta) in sources where delta != 0 {
            try Self.applySource(key, delta, db: db)
        }
        daily.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
        removed.removeAll()
    }

    private static func applyDaily(_ key: DayKey, _ delta: Amounts, db: Database) throws {
        if delta.records > 0 {
            try db.run("""
                INSERT INTO daily_totals (commitment, day, confidence, records, quantity, done, not_done, breaches)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (commitment, day, confidence) DO UPDATE SET
                    records = records + excluded.records, quantity = quantity + excluded.quantity,
                    done = done + excluded.done, not_done = not_done + excluded.not_done,
                    breaches = breaches + excluded.breaches
                """, key.commitment, key.day, key.rank, delta.records, delta.quantity, delta.done,
                delta.notDone, delta.breaches)
            return
        }
        var current = Amounts()
        let select = try db.cached("""
            SELECT records, quantity, done, not_done, breaches FROM daily_totals
            WHERE commitment = ? AND day = ? AND confidence = ?
            """)
        try select.bind([key.commitment, key.day, key.rank])
        if try select.step() {
            current = Amounts(records: select.int64(0), quantity: select.int64(1), done: select.int64(2),
                              notDone: select.int64(3), breaches: select.int64(4))
        }
        select.reset()
        current.add(delta)
        if current.records <= 0 {
            try db.run("DELETE FROM daily_totals WHERE commitment = ? AND day = ? AND confidence = ?",
                       key.commitment, key.day, key.rank)
        } else {
            try db.run("""
                INSERT OR REPLACE INTO daily_totals (commitment, day, confidence, records, quantity, done, not_done, breaches)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, key.commitment, key.day, key.rank, current.records, current.quantity, current.done,
                current.notDone, current.breaches)
        }
    }

    private static func recomputeRank(_ key: RankKey, db: Database) throws {
        try db.run("DELETE FROM commitment_totals WHERE commitment = ? AND confidence = ?", key.commitment, key.rank)
        try db.run("""
            INSERT INTO commitment_totals (commitment, confidence, records, quantity, done, not_done, breaches, last_day, first_breach_day)
            SELECT commitment, confidence, sum(records), sum(quantity), sum(done), sum(not_done), sum(breaches),
                   max(day), min(CASE WHEN breaches > 0 THEN day END)
            FROM daily_totals WHERE commitment = ? AND confidence = ?
            GROUP BY commitment, confidence
            """, key.commitment, key.rank)
    }

    private static func applySource(_ key: SourceKey, _ delta: Int64, db: Database) throws {
        if delta > 0 {
            try db.run("""
                INSERT INTO daily_source_totals (commitment, day, confidence, source, refs) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (commitment, day, confidence, source) DO UPDATE SET refs = refs + excluded.refs
                """, key.commitment, key.day, key.rank, key.source, delta)
            try db.run("""
                INSERT INTO source_totals (commitment, confidence, source, refs) VALUES (?, ?, ?, ?)
                ON CONFLICT (commitment, confidence, source) DO UPDATE SET refs = refs + excluded.refs
                """, key.commitment, key.rank, key.source, delta)
            return
        }
        let dailyRefs = try db.scalarInt("""
            SELECT refs FROM daily_source_totals WHERE commitment = ? AND day = ? AND confidence = ? AND source = ?
            """, key.commitment, key.day, key.rank, key.source) ?? 0
        if dailyRefs + delta <= 0 {
            try db.run("DELETE FROM daily_source_totals WHERE commitment = ? AND day = ? AND confidence = ? AND source = ?",
                       key.commitment, key.day, key.rank, key.source)
        } else {
            try db.run("UPDATE daily_source_totals SET refs = refs + ? WHERE commitment = ? AND day = ? AND confidence = ? AND source = ?",
                       delta, key.commitment, key.day, key.rank, key.source)
        }
        let refs = try db.scalarInt("SELECT refs FROM source_totals WHERE commitment = ? AND confidence = ? AND source = ?",
                                    key.commitment, key.rank, key.source) ?? 0
        if refs + delta <= 0 {
            try db.run("DELETE FROM source_totals WHERE commitment = ? AND confidence = ? AND source = ?",
                       key.commitment, key.rank, key.source)
        } else {
            try db.run("UPDATE source_totals SET refs = refs + ? WHERE commitment = ? AND confidence = ? AND source = ?",
                       delta, key.commitment, key.rank, key.source)
        }
    }
}
