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
    /// A day's totals of one commitment at one confidence rank. Commitments
    /// and sources are interned: keys hold small indexes, not strings, so a
    /// large batch stays compact in memory and hashes fast.
    struct DayKey: Hashable { var commitment: Int32; var day: Int32; var rank: Int32 }
    struct SourceKey: Hashable { var commitment: Int32; var day: Int32; var rank: Int32; var source: Int32 }
    struct RankKey: Hashable { var commitment: Int32; var rank: Int32 }

    private(set) var daily: [DayKey: Amounts] = [:]
    private(set) var sources: [SourceKey: Int64] = [:]
    private(set) var removed: Set<RankKey> = []
    private var commitmentIndex: [String: Int32] = [:]
    private(set) var commitmentIDs: [String] = []
    private var sourceIndex: [String: Int32] = [:]
    private var sourceNames: [String] = []
    /// Each commitment's quantities added (less those removed) since the last
    /// flush (for the largest total, TotalsAccumulator+LargestTotal.swift).
    private(set) var pending: [Int32: Int64] = [:]
    /// What ``commitment_totals`` held for a commitment over every confidence
    /// level, with the flushes since (a cache of the rows, for ``checkRoom(for:adding:db:)``),
    /// by id: a flush forgets the interned indexes.
    var held: [String: Int64] = [:]
    /// Whether writes are held to ``largestTotal`` (not when the projections
    /// are rebuilt from a journal, whose entries were each checked when written).
    var enforcesLargestTotal = true

    /// What changed since ``beginUndo()``, to take back in ``rollBackUndo()``.
    private var undo: Undo?

    /// The changes of one operation of a batch: each key as it was before the
    /// operation first changed it, or, once a flush wrote and emptied the
    /// accumulator meanwhile, the whole of it as it was (the flush's rows are
    /// rolled back with the savepoint, so they must come back here).
    private struct Undo {
        var daily: [DayKey: Amounts?] = [:]
        var sources: [SourceKey: Int64?] = [:]
        var removed: [RankKey] = []
        var pending: [Int32: Int64?] = [:]
        var beforeFlush: (daily: [DayKey: Amounts], sources: [SourceKey: Int64], removed: Set<RankKey>, pending: [Int32: Int64])?
        /// The interned strings as they were before that flush, which forgot
        /// them: the keys kept above index into these.
        var internedBeforeFlush: (commitmentIndex: [String: Int32], commitmentIDs: [String], sourceIndex: [String: Int32],
                                  sourceNames: [String])?
    }

    var count: Int { daily.count + sources.count }
    var isEmpty: Bool { daily.isEmpty && sources.isEmpty && removed.isEmpty }

    mutating func add(_ contribution: Contribution) { apply(contribution, sign: 1) }

    mutating func remove(_ contribution: Contribution) { apply(contribution, sign: -1) }

    /// Adds a new record with no corroboration: the same as ``add(_:)`` with
    /// its ``Contribution``, without building one (the hot path of an import).
    /// - Parameter measure: what a verification observed; nil for a breach.
    mutating func addRecord(commitment: String, day: Int64, rank: Int, measure: Measure?, source: String) {
        let c = intern(commitment: commitment)
        let d = Int32(truncatingIfNeeded: day)
        let r = Int32(truncatingIfNeeded: rank)
        let dayKey = DayKey(commitment: c, day: d, rank: r)
        let sourceKey = SourceKey(commitment: c, day: d, rank: r, source: intern(source: source))
        if undo != nil { remember(dayKey, sourceKey) }
        daily[dayKey, default: Amounts()].addRecord(measure)
        sources[sourceKey, default: 0] += 1
        if case .quantity(let value)? = measure { addPending(c, value.units) }
    }

    /// Adds `units` to the quantities pending for commitment `c`.
    private mutating func addPending(_ c: Int32, _ units: Int64) {
        if var log = undo, log.beforeFlush == nil, log.pending.index(forKey: c) == nil {
            undo = nil
            log.pending[c] = .some(pending[c])
            undo = log
        }
        pending[c] = Amounts.saturating(pending[c] ?? 0, units)
    }

    private mutating func apply(_ contribution: Contribution, sign: Int64) {
        let c = intern(commitment: contribution.commitment)
        let d = Int32(truncatingIfNeeded: contribution.day)
        let key = DayKey(commitment: c, day: d, rank: Int32(truncatingIfNeeded: contribution.rank))
        if undo != nil { remember(key, nil) }
        daily[key, default: Amounts()].add(contribution, sign: sign)
        if contribution.quantity != 0 { addPending(c, sign &* contribution.quantity) }
        for (source, rank) in contribution.sources {
            let sourceKey = SourceKey(commitment: c, day: d, rank: Int32(truncatingIfNeeded: rank), source: intern(source: source))
            if undo != nil { remember(nil, sourceKey) }
            sources[sourceKey, default: 0] += sign
        }
        if sign < 0, removed.insert(RankKey(commitment: c, rank: key.rank)).inserted {
            undo?.removed.append(RankKey(commitment: c, rank: key.rank))
        }
    }

    /// Notes the keys' values before their first change since ``beginUndo()``.
    private mutating func remember(_ dayKey: DayKey?, _ sourceKey: SourceKey?) {
        guard var log = undo, log.beforeFlush == nil else { return }
        undo = nil  // no second copy of the log while it changes
        if let dayKey, log.daily.index(forKey: dayKey) == nil { log.daily[dayKey] = .some(daily[dayKey]) }
        if let sourceKey, log.sources.index(forKey: sourceKey) == nil { log.sources[sourceKey] = .some(sources[sourceKey]) }
        undo = log
    }

    /// Starts remembering changes, so that ``rollBackUndo()`` can take them back.
    mutating func beginUndo() {
        undo = Undo()
    }

    /// Keeps the changes since ``beginUndo()``.
    mutating func commitUndo() {
        undo = nil
    }

    /// Takes back the changes since ``beginUndo()`` (the database was rolled
    /// back to a savepoint taken then).
    mutating func rollBackUndo() {
        guard let log = undo else { return }
        undo = nil
        // The rows were rolled back: what they held is read again when next needed.
        held = [:]
        if let before = log.beforeFlush {
            (daily, sources, removed, pending) = before
            if let interned = log.internedBeforeFlush {
                (commitmentIndex, commitmentIDs, sourceIndex, sourceNames) = interned
            }
            return
        }
        for (key, value) in log.daily { daily[key] = value }
        for (key, value) in log.sources { sources[key] = value }
        for key in log.removed { removed.remove(key) }
        for (key, value) in log.pending { pending[key] = value }
    }

    /// Before a flush empties the accumulator while changes are remembered:
    /// the whole accumulator as it was at ``beginUndo()``.
    private mutating func keepStateBeforeFlush() {
        guard var log = undo, log.beforeFlush == nil else { return }
        undo = nil
        var before = (daily: daily, sources: sources, removed: removed, pending: pending)
        for (key, value) in log.daily { before.daily[key] = value }
        for (key, value) in log.sources { before.sources[key] = value }
        for key in log.removed { before.removed.remove(key) }
        for (key, value) in log.pending { before.pending[key] = value }
        log.beforeFlush = before
        log.internedBeforeFlush = (commitmentIndex, commitmentIDs, sourceIndex, sourceNames)
        log.daily = [:]
        log.sources = [:]
        log.removed = []
        log.pending = [:]
        undo = log
    }

    mutating func intern(commitment: String) -> Int32 {
        if let index = commitmentIndex[commitment] { return index }
        let index = Int32(commitmentIDs.count)
        commitmentIDs.append(commitment)
        commitmentIndex[commitment] = index
        return index
    }

    private mutating func intern(source: String) -> Int32 {
        if let index = sourceIndex[source] { return index }
        let index = Int32(sourceNames.count)
        sourceNames.append(source)
        sourceIndex[source] = index
        return index
    }

    /// Each interned string's position in sorted order, so that rows are
    /// written in each table's key order (one pass over its pages).
    private static func sortOrder(_ strings: [String]) -> [Int32] {
        var order = [Int32](repeating: 0, count: strings.count)
        for (position, index) in strings.indices.sorted(by: { strings[$0] < strings[$1] }).enumerated() {
            order[index] = Int32(position)
        }
        return order
    }

    /// Writes everything collected and empties the accumulator.
    /// - Throws: ``LedgerError`` `.invalid(.quantity)` when a commitment's
    ///   quantities would add up to more than ``largestTotal``; nothing is written.
    mutating func flush(to db: Database) throws {
        guard !isEmpty else { return }
        try checkLargestTotals(db)
        if undo != nil { keepStateBeforeFlush() }
        for (c, units) in pending {
            let id = commitmentIDs[Int(c)]
            if let known = held[id] { held[id] = Amounts.saturating(known, units) }
        }
        pending = [:]
        let commitmentOrder = Self.sortOrder(commitmentIDs)
        let sourceOrder = Self.sortOrder(sourceNames)
        var byRank: [RankKey: (amounts: Amounts, lastDay: Int64, firstBreachDay: Int64?)] = [:]
        var recompute = removed
        // One array at a time: the dictionary is released as the array is sorted.
        var dailyRows: [(key: DayKey, value: Amounts)] = []
        dailyRows.reserveCapacity(daily.count)
        for (key, value) in daily where !value.isZero { dailyRows.append((key, value)) }
        daily = [:]
        dailyRows.sort { a, b in
            (commitmentOrder[Int(a.key.commitment)], a.key.day, a.key.rank)
                < (commitmentOrder[Int(b.key.commitment)], b.key.day, b.key.rank)
        }
        let dailyUpsert = try db.cached(Self.dailyUpsertSQL)
        for (key, delta) in dailyRows {
            let commitment = commitmentIDs[Int(key.commitment)]
            let day = Int64(key.day)
            if delta.records > 0 {
                try Self.bind(dailyUpsert, commitment, day, Int(key.rank), delta)
                try Database.confirm(try dailyUpsert.run(), what: "the per-day totals")
            } else {
                try Self.applyDaily(commitment, day, Int(key.rank), delta, db: db)
            }
            let rankKey = RankKey(commitment: key.commitment, rank: key.rank)
            if delta.records < 0 || delta.breaches < 0 { recompute.insert(rankKey) }
            var entry = byRank[rankKey] ?? (Amounts(), day, nil)
            entry.amounts.add(delta)
            entry.lastDay = max(entry.lastDay, day)
            if delta.breaches > 0 { entry.firstBreachDay = min(entry.firstBreachDay ?? day, day) }
            byRank[rankKey] = entry
        }
        for (key, entry) in byRank where !recompute.contains(key) {
            try db.runChecked("""
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
                """, [commitmentIDs[Int(key.commitment)], Int64(key.rank), entry.amounts.records, entry.amounts.quantity,
                entry.amounts.done, entry.amounts.notDone, entry.amounts.breaches, entry.lastDay, entry.firstBreachDay],
                what: "the totals of \(commitmentIDs[Int(key.commitment)])")
        }
        for key in recompute {
            try Self.recomputeRank(commitmentIDs[Int(key.commitment)], Int(key.rank), db: db)
        }
        var sourceRows: [(key: SourceKey, value: Int64)] = []
        sourceRows.reserveCapacity(sources.count)
        for (key, value) in sources where value != 0 { sourceRows.append((key, value)) }
        sources = [:]
        // The best rank each touched (commitment, source) had before this flush,
        // for the distinct-source counts in commitment_sources.
        struct Pair: Hashable { var commitment: Int32; var source: Int32 }
        var pairs: [Pair: (before: Int32?, added: Int32?, removed: Bool)] = [:]
        for (key, delta) in sourceRows {
            let pair = Pair(commitment: key.commitment, source: key.source)
            var entry = pairs[pair] ?? (nil, nil, false)
            if delta > 0 { entry.added = min(entry.added ?? key.rank, key.rank) } else { entry.removed = true }
            pairs[pair] = entry
        }
        // Three primary-key lookups. (`confidence IN (0, 1, 2)` does the same
        // but builds a temporary b-tree for its list on every run: a tenth of
        // an import's instructions.)
        let bestRank = try db.cached("""
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM source_totals WHERE commitment = ?1 AND confidence = 0 AND source = ?2) THEN 0
                WHEN EXISTS (SELECT 1 FROM source_totals WHERE commitment = ?1 AND confidence = 1 AND source = ?2) THEN 1
                WHEN EXISTS (SELECT 1 FROM source_totals WHERE commitment = ?1 AND confidence = 2 AND source = ?2) THEN 2
            END
            """)
        func best(_ pair: Pair) throws -> Int32? {
            try bestRank.bind(commitmentIDs[Int(pair.commitment)], at: 1)
            try bestRank.bind(sourceNames[Int(pair.source)], at: 2)
            defer { bestRank.reset() }
            guard try bestRank.step(), !bestRank.isNull(0) else { return nil }
            return Int32(truncatingIfNeeded: bestRank.int64(0))
        }
        for pair in pairs.keys { pairs[pair]?.before = try best(pair) }

        // Each (commitment, rank, source) row once, in the table's key order: its days as stored, with this
        // flush's changes merged in.
        sourceRows.sort { a, b in
            (commitmentOrder[Int(a.key.commitment)], a.key.rank, sourceOrder[Int(a.key.source)], a.key.day)
                < (commitmentOrder[Int(b.key.commitment)], b.key.rank, sourceOrder[Int(b.key.source)], b.key.day)
        }
        var start = 0
        while start < sourceRows.count {
            let first = sourceRows[start].key
            var end = start + 1
            while end < sourceRows.count, sourceRows[end].key.commitment == first.commitment,
                  sourceRows[end].key.rank == first.rank, sourceRows[end].key.source == first.source {
                end += 1
            }
            try SourceDays.write(commitmentIDs[Int(first.commitment)], Int64(first.rank), sourceNames[Int(first.source)],
                                 changes: sourceRows[start..<end].map { (Int64($0.key.day), $0.value) }, db: db)
            start = end
        }
        var counts: [RankKey: Int64] = [:]
        for (pair, entry) in pairs {
            // Adding only ever improves a source's best rank; a removal needs a look.
            let after: Int32? = entry.removed ? try best(pair)
                : [entry.before, entry.added].compactMap { $0 }.min()
            guard after != entry.before else { continue }
            if let before = entry.before { counts[RankKey(commitment: pair.commitment, rank: before), default: 0] -= 1 }
            if let after { counts[RankKey(commitment: pair.commitment, rank: after), default: 0] += 1 }
        }
        let countUpsert = try db.cached(Self.commitmentSourcesUpsertSQL)
        for (key, delta) in counts.sorted(by: { (commitmentOrder[Int($0.key.commitment)], $0.key.rank) < (commitmentOrder[Int($1.key.commitment)], $1.key.rank) })
        where delta != 0 {
            let commitment = commitmentIDs[Int(key.commitment)]
            if delta > 0 {
                try countUpsert.bind(commitment, at: 1)
                try countUpsert.bind(Int64(key.rank), at: 2)
                try countUpsert.bind(delta, at: 3)
                try Database.confirm(try countUpsert.run(), what: "the source counts")
                continue
            }
            let current = try db.scalarInt("SELECT sources FROM commitment_sources WHERE commitment = ? AND confidence = ?",
                                           commitment, Int64(key.rank)) ?? 0
            if current + delta <= 0 {
                try db.run("DELETE FROM commitment_sources WHERE commitment = ? AND confidence = ?", commitment, Int64(key.rank))
            } else {
                try db.run("UPDATE commitment_sources SET sources = ? WHERE commitment = ? AND confidence = ?",
                           current + delta, commitment, Int64(key.rank))
            }
        }
        removed.removeAll()
        commitmentIndex.removeAll()
        commitmentIDs.removeAll()
        sourceIndex.removeAll()
        sourceNames.removeAll()
    }

    static let dailyUpsertSQL = """
        INSERT INTO daily_totals (commitment, day, confidence, records, quantity, done, not_done, breaches)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (commitment, day, confidence) DO UPDATE SET
            records = records + excluded.records, quantity = quantity + excluded.quantity,
            done = done + excluded.done, not_done = not_done + excluded.not_done,
            breaches = breaches + excluded.breaches
        """
    /// Adds `delta` (> 0) distinct sources.
    static let commitmentSourcesUpsertSQL = """
        INSERT INTO commitment_sources (commitment, confidence, sources) VALUES (?, ?, ?)
        ON CONFLICT (commitment, confidence) DO UPDATE SET sources = sources + excluded.sources
        """
    /// Binds commitment, day, confidence and the five amounts, in that order.
    private static func bind(_ statement: Statement, _ commitment: String, _ day: Int64, _ rank: Int, _ amounts: Amounts) throws {
        try statement.bind(commitment, at: 1)
        try statement.bind(day, at: 2)
        try statement.bind(Int64(rank), at: 3)
        try statement.bind(amounts.records, at: 4)
        try statement.bind(amounts.quantity, at: 5)
        try statement.bind(amounts.done, at: 6)
        try statement.bind(amounts.notDone, at: 7)
        try statement.bind(amounts.breaches, at: 8)
    }

    /// Subtracts `delta` (which removes records) from a day's row.
    private static func applyDaily(_ commitment: String, _ day: Int64, _ rank: Int, _ delta: Amounts, db: Database) throws {
        var current = Amounts()
        let select = try db.cached("""
            SELECT records, quantity, done, not_done, breaches FROM daily_totals
            WHERE commitment = ? AND day = ? AND confidence = ?
            """)
        try select.bind([commitment, day, rank])
        if try select.step() {
            current = Amounts(records: select.int64(0), quantity: select.int64(1), done: select.int64(2),
                              notDone: select.int64(3), breaches: select.int64(4))
        }
        select.reset()
        current.add(delta)
        if current.records <= 0 {
            try db.run("DELETE FROM daily_totals WHERE commitment = ? AND day = ? AND confidence = ?",
                       commitment, day, rank)
        } else {
            try db.run("""
                INSERT OR REPLACE INTO daily_totals (commitment, day, confidence, records, quantity, done, not_done, breaches)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, commitment, day, rank, current.records, current.quantity, current.done,
                current.notDone, current.breaches)
        }
    }

    private static func recomputeRank(_ commitment: String, _ rank: Int, db: Database) throws {
        try db.run("DELETE FROM commitment_totals WHERE commitment = ? AND confidence = ?", commitment, rank)
        try db.run("""
            INSERT INTO commitment_totals (commitment, confidence, records, quantity, done, not_done, breaches, last_day, first_breach_day)
            SELECT commitment, confidence, sum(records), sum(quantity), sum(done), sum(not_done), sum(breaches),
                   max(day), min(CASE WHEN breaches > 0 THEN day END)
            FROM daily_totals WHERE commitment = ? AND confidence = ?
            GROUP BY commitment, confidence
            """, commitment, rank)
    }
}
