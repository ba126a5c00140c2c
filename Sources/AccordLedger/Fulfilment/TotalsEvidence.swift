import AccordStorage

/// Evidence read from the running totals: what the ledger knows now.
///
/// A commitment whose counted records were all observed on or before the
/// report's date is read from its totals, one row per confidence level,
/// whatever the number of events; otherwise from its per-day rows up to the
/// date — and so are commitments that may hold breaches outside their window
/// (or before their agreement), which never count. Both are checked: the
/// totals against the state root (in ``VerifiedState``), the per-day rows
/// against the commitment's daily digest.
struct TotalsEvidence {
    let db: Database
    let state: VerifiedState
    /// What each commitment's running totals say of its days, gathered in
    /// one pass: per-commitment questions must not rescan every commitment's
    /// rows (10,000 commitments made that quadratic).
    private let days: [String: TotalsDays]
    /// The daily digest's buffers, reused from one commitment to the next:
    /// ``daily(_:)`` empties them first and must never call itself (the
    /// runtime's exclusivity check would stop it rather than mix two
    /// commitments' rows).
    private let scratch = DigestScratch()
    /// Another connection to the same state, for reading per-day rows on a
    /// second thread; nil to read them all on this one.
    private let sibling: SiblingReader?

    /// The days a commitment's `commitment_totals` rows give: its last day
    /// of evidence at each confidence rank, and its earliest breach.
    struct TotalsDays: Sendable {
        /// The last day of the rows at rank 0, 1 and 2 (nil: no row).
        private var last: (Int64?, Int64?, Int64?) = (nil, nil, nil)
        /// The earliest first breach day of any of its rows.
        private(set) var firstBreachDay: Int64?

        mutating func add(_ row: VerifiedState.TotalsRow) {
            switch row.rank {
            case 0: last.0 = max(last.0 ?? row.lastDay, row.lastDay)
            case 1: last.1 = max(last.1 ?? row.lastDay, row.lastDay)
            default: last.2 = max(last.2 ?? row.lastDay, row.lastDay)
            }
            if let day = row.firstBreachDay { firstBreachDay = min(firstBreachDay ?? day, day) }
        }

        /// The last day of the rows at rank `threshold` or better (nil: none).
        func lastDay(upTo threshold: Int) -> Int64? {
            var day = last.0
            if threshold >= 1, let other = last.1 { day = max(day ?? other, other) }
            if threshold >= 2, let other = last.2 { day = max(day ?? other, other) }
            return day
        }

        /// The last day of any row (nil: none).
        var lastDay: Int64? { lastDay(upTo: 2) }

        /// Each commitment's days from all its rows.
        static func gathered(_ rows: [VerifiedState.TotalsRow]) -> [String: TotalsDays] {
            var days: [String: TotalsDays] = [:]
            for row in rows { days[row.commitment, default: TotalsDays()].add(row) }
            return days
        }
    }

    private final class DigestScratch {
        var digest = DailyDigest()
        var input: [UInt8] = []
    }

    /// - Parameter sibling: when given, the per-day rows of many commitments
    ///   are read on two threads, half through it.
    init(db: Database, state: VerifiedState, sibling: SiblingReader? = nil) {
        self.init(db: db, state: state, days: TotalsDays.gathered(state.totals), sibling: sibling)
    }

    private init(db: Database, state: VerifiedState, days: [String: TotalsDays], sibling: SiblingReader?) {
        self.db = db
        self.state = state
        self.days = days
        self.sibling = sibling
    }

    func summaries(atDay: Int64, threshold: Int) throws -> [String: EvidenceSummary] {
        var summaries: [String: EvidenceSummary] = [:]
        // Commitments with records after the date, or breaches that may be out of force, need the per-day rows.
        var historical: Set<String> = []
        for (commitment, facts) in days where (facts.lastDay ?? atDay) > atDay || !breachesInForce(commitment, facts) {
            historical.insert(commitment)
        }
        for row in state.totals {
            if !historical.isEmpty && historical.contains(row.commitment) { continue }
            let firstBreach = row.rank == 0 ? row.firstBreachDay : nil
            // One lookup, changed in place.
            summaries[row.commitment, default: EvidenceSummary()].add(row.amounts, counted: row.rank <= threshold,
                                                                      firstConfirmedBreachDay: firstBreach)
        }
        for (commitment, ranks) in state.sources where historical.isEmpty || !historical.contains(commitment) {
            let count = ranks.counted(upTo: threshold)
            if count > 0 { summaries[commitment, default: EvidenceSummary()].sources = count }
        }
        // In the order of their ids' bytes: which thread reads which, and which refusal comes first, never vary.
        let ordered = historical.sorted(by: Self.bytesPrecede)
        summaries.merge(try dailySummaries(of: ordered, atDay: atDay, threshold: threshold)) { $1 }
        // Only breaches are bound to the commitment's window (or its agreement's date).
        for (commitment, keys) in state.disputed where keys.contains(where: {
            $0.day <= atDay && $0.rank <= threshold && (!$0.breach || inForce(commitment, $0.day))
        }) {
            summaries[commitment, default: EvidenceSummary()].disputed = true
        }
        return summaries
    }

    /// Whether `a`'s UTF-8 bytes come before `b`'s, as `lexicographicallyPrecedes`
    /// orders them (by the first differing byte, a prefix first), compared in
    /// place rather than byte by byte through the strings' views.
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        let compared = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                StateDigest.precedes(UnsafeRawBufferPointer(x), 0, x.count, UnsafeRawBufferPointer(y), 0, y.count)
            }
        }
        return (compared ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether a breach of `commitment` observed on `day` can count (in its window, from its agreement's date).
    private func inForce(_ commitment: String, _ day: Int64) -> Bool {
        guard let recorded = state.commitments[commitment] else { return true }
        return state.snapshot.inForce(recorded, onDay: day)
    }

    /// True when every breach the totals hold of `commitment` is certainly in
    /// force: its terms were never amended and its breaches all fall in its
    /// window (or after its agreement's date). Otherwise the per-day rows tell.
    private func breachesInForce(_ commitment: String, _ days: TotalsDays) -> Bool {
        // Most commitments have no breach: no lookup then.
        guard let first = days.firstBreachDay else { return true }
        guard let recorded = state.commitments[commitment] else { return true }
        guard state.snapshot.amendments[.commitment(commitment)] == nil,
              state.snapshot.amendments[.agreement(recorded.agreement)] == nil,
              state.snapshot.withdrawal(of: commitment) == nil else { return false }
        switch recorded.kind {
        case .restraint:
            // A restraint's evidence is all breaches: its last day is its last breach.
            let last = days.lastDay ?? first
            return recorded.from.map { $0.day <= first } ?? true && (recorded.until.map { last <= $0.day } ?? true)
        case .quantity, .action:
            return state.snapshot.agreementDates[recorded.agreement].map { $0.day <= first } ?? true
        }
    }

    /// A fulfilled commitment with the day it was fulfilled and whether that
    /// was after its due date: the first day its counted quantity reached the
    /// target, or an action was counted done. When all its evidence predates
    /// the due date it was on time, whatever the day.
    func lateness(of report: CommitmentReport, atDay: Int64, threshold: Int) throws -> CommitmentReport {
        var report = report
        guard let due = report.due, report.kind != .restraint else { return report }
        let lastDay = days[report.id]?.lastDay(upTo: threshold)
        if let lastDay, lastDay <= due.day {
            report.late = false
            report.daysLate = 0
            return report
        }
        var running: Int64 = 0
        let target = max(report.target ?? 1, 1)
        var fulfilled: Int64?
        for row in try daily(report.id).totals.filter({ $0.day <= atDay && $0.rank <= threshold }).sorted(by: { $0.day < $1.day }) {
            if report.kind == .action, row.amounts.done > 0 {
                fulfilled = row.day
                break
            }
            running &+= row.amounts.quantity
            if report.kind == .quantity, running >= target {
                fulfilled = row.day
                break
            }
        }
        guard let fulfilled else { return report }
        report.late = fulfilled > due.day
        // Named only when late: an on-time fulfilment is known to be on time from the totals alone.
        report.fulfilledOn = fulfilled > due.day ? Moment(date: CivilDate(days: fulfilled)) : nil
        report.daysLate = max(0, fulfilled - due.day)
        return report
    }

    /// From how many commitments read from their per-day rows a second
    /// thread pays for its connection (opening one parses the schema, about
    /// as long as reading a few dozen commitments' rows).
    static let parallelMinimum = 256

    /// ``dailySummary(_:atDay:threshold:)`` of each of `commitments`: every
    /// other one read through the sibling connection on another thread, when
    /// there is one, there are at least ``parallelMinimum`` commitments and
    /// it reads the same state (see ``SiblingReader``); otherwise, or when
    /// its read fails in any way, all of them here.
    /// - Throws: ``LedgerError`` `.tampered` when a commitment's rows do not
    ///   match its digest: the first such commitment of this thread's share,
    ///   else of the other's (read again here).
    private func dailySummaries(of commitments: [String], atDay: Int64, threshold: Int) throws -> [String: EvidenceSummary] {
        var summaries: [String: EvidenceSummary] = [:]
        summaries.reserveCapacity(commitments.count)
        guard let sibling, commitments.count >= Self.parallelMinimum else {
            for commitment in commitments { summaries[commitment] = try dailySummary(commitment, atDay: atDay, threshold: threshold) }
            return summaries
        }
        // Alternate, so that each thread gets a like share of large and small commitments.
        let theirs = stride(from: 1, to: commitments.count, by: 2).map { commitments[$0] }
        let (state, days) = (state, days)
        let other = BackgroundWork { () -> [String: EvidenceSummary]? in
            sibling.read { db in
                let evidence = TotalsEvidence(db: db, state: state, days: days, sibling: nil)
                var summaries: [String: EvidenceSummary] = [:]
                for commitment in theirs { summaries[commitment] = try evidence.dailySummary(commitment, atDay: atDay, threshold: threshold) }
                return summaries
            }
        }
        let mine = Result {
            for index in stride(from: 0, to: commitments.count, by: 2) {
                summaries[commitments[index]] = try dailySummary(commitments[index], atDay: atDay, threshold: threshold)
            }
        }
        // Waited for even when this thread's share failed: the other's connection is closed before the refusal.
        let read = other.value()
        try mine.get()
        guard let read else {
            for commitment in theirs { summaries[commitment] = try dailySummary(commitment, atDay: atDay, threshold: threshold) }
            return summaries
        }
        summaries.merge(read) { $1 }
        return summaries
    }

    private func dailySummary(_ commitment: String, atDay: Int64, threshold: Int) throws -> EvidenceSummary {
        let rows = try daily(commitment)
        var summary = EvidenceSummary()
        let recorded = state.commitments[commitment]
        let inForce = { (day: Int64) in recorded.map { state.snapshot.inForce($0, onDay: day) } ?? true }
        // Days whose records are all breaches outside the commitment: their sources do not count either
        // (a source is counted on the day its record was observed, at the best rank it gave). Every
        // record of such a day is a breach, so only days with breaches are looked at.
        var outside: Set<Int64> = []
        for row in rows.totals where row.day <= atDay && row.amounts.breaches > 0 && !inForce(row.day) { outside.insert(row.day) }
        if !outside.isEmpty {
            for row in rows.totals where row.amounts.records != row.amounts.breaches { outside.remove(row.day) }
        }
        for var row in rows.totals where row.day <= atDay {
            if row.amounts.breaches > 0 && !inForce(row.day) {
                // Outside the commitment: these breaches never count.
                row.amounts.records &-= row.amounts.breaches
                row.amounts.breaches = 0
            }
            summary.add(row.amounts, counted: row.rank <= threshold,
                        firstConfirmedBreachDay: row.rank == 0 && row.amounts.breaches > 0 ? row.day : nil)
        }
        var counted = [Bool](repeating: false, count: rows.sources.names)
        for item in rows.sources.days where item.day <= atDay && item.rank <= threshold && !counted[item.source]
            && (outside.isEmpty || !outside.contains(item.day)) {
            counted[item.source] = true
            summary.sources += 1
        }
        return summary
    }

    /// Counted quantity per day for the given commitments.
    func tranches(_ commitments: [String], atDay: Int64, threshold: Int) throws -> [String: [Int64: Int64]] {
        var result: [String: [Int64: Int64]] = [:]
        for commitment in commitments {
            for row in try daily(commitment).totals where row.day <= atDay && row.rank <= threshold && row.amounts.quantity != 0 {
                result[commitment, default: [:]][row.day, default: 0] &+= row.amounts.quantity
            }
            result[commitment] = result[commitment]?.filter { $0.value != 0 }
        }
        return result
    }

    struct DailyRow {
        var day: Int64
        var rank: Int
        var amounts: Amounts
    }

    /// A commitment's per-day sources: each distinct source (by its bytes)
    /// numbered from 0, and each day a source gave a record at a rank.
    struct DailySources {
        /// How many distinct sources.
        var names = 0
        var days: [(day: Int64, rank: Int, source: Int)] = []
    }

    /// A source's name by its bytes, hashed in one call rather than byte by byte.
    private struct NameBytes: Hashable {
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    private static let totalsColumns = Columns(DailyDigest.totalsColumns, table: "daily_totals")
    private static let sourceColumns = Columns(["commitment", "confidence", "source", "days"], table: "source_totals")

    /// All of a commitment's per-day rows (its per-day sources from the days
    /// of its `source_totals` rows), checked against its daily digest.
    /// - Throws: ``LedgerError`` `.tampered` when they do not match it.
    func daily(_ commitment: String) throws -> (totals: [DailyRow], sources: DailySources) {
        scratch.digest.reset()
        var totals: [DailyRow] = []
        var sources = DailySources()
        var numbers: [NameBytes: Int] = [:]
        let totalsStatement = try db.cached(DailyDigest.totalsSQL)
        try totalsStatement.bind(commitment, at: 1)
        // By position in the query's own column list, never by the names the connection's schema gives.
        let (day, rank, records, quantity, done, notDone, breaches) = (1, 2, 3, 4, 5, 6, 7)
        let totalsCursor = totalsStatement.cursor()
        while let current = try totalsCursor.next() {
            // Each column read from SQLite once, for the digest and for the values.
            totals.append(try ReadRow.reading(current, Self.totalsColumns) { row in
                scratch.digest.add(totals: row.stored)
                return DailyRow(day: try row.int(at: day), rank: try row.rank(at: rank),
                                amounts: Amounts(records: try row.int(at: records), quantity: try row.int(at: quantity),
                                                 done: try row.int(at: done), notDone: try row.int(at: notDone),
                                                 breaches: try row.int(at: breaches)))
            })
        }
        let sourcesStatement = try db.cached(DailyDigest.sourcesSQL)
        try sourcesStatement.bind(commitment, at: 1)
        let sourcesCursor = sourcesStatement.cursor()
        while let row = try sourcesCursor.next() {
            let rank = try row.checkedRank(at: 1, Self.sourceColumns)
            let name = NameBytes(Array(try row.checkedText(at: 2, Self.sourceColumns).utf8))
            let source = numbers[name] ?? sources.names
            if source == sources.names {
                numbers[name] = source
                sources.names += 1
            }
            try scratch.digest.add(sourceTotals: row) { item in
                sources.days.append((item.day, rank, source))
            }
        }
        let stored = state.digests[commitment]?.daily ?? StateTracker.emptyDaily
        guard scratch.digest.finish(reusing: &scratch.input) == stored else {
            throw LedgerError(.tampered, "the ledger has been altered: the per-day totals of commitment \(commitment) do not "
                              + "match the state recorded in the journal; nothing it shows can be trusted", hint: .audit)
        }
        return (totals, sources)
    }
}
