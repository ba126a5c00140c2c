import AccordStorage

/// Evidence read from the running totals: what the ledger knows now.
///
/// A commitment whose counted records were all observed on or before the
/// report's date is read from its totals, one row per confidence level,
/// whatever the number of events; otherwise from its per-day rows up to the
/// date. Both are checked: the totals against the state root (in
/// ``VerifiedState``), the per-day rows against the commitment's daily digest.
struct TotalsEvidence {
    let db: Database
    let state: VerifiedState

    func summaries(atDay: Int64, threshold: Int) throws -> [String: EvidenceSummary] {
        var summaries: [String: EvidenceSummary] = [:]
        // Commitments (and ranks) with records after the date need the per-day rows.
        var historical: Set<String> = []
        for row in state.totals {
            if row.lastDay > atDay {
                historical.insert(row.commitment)
                continue
            }
            let firstBreach = row.rank == 0 ? row.firstBreachDay : nil
            // One lookup, changed in place.
            summaries[row.commitment, default: EvidenceSummary()].add(row.amounts, counted: row.rank <= threshold,
                                                                      firstConfirmedBreachDay: firstBreach)
        }
        for (commitment, ranks) in state.sources where !historical.contains(commitment) {
            let count = ranks.reduce(0) { $0 + ($1.key <= threshold ? $1.value : 0) }
            if count > 0 { summaries[commitment, default: EvidenceSummary()].sources = count }
        }
        for commitment in historical {
            summaries[commitment] = try dailySummary(commitment, atDay: atDay, threshold: threshold)
        }
        for (commitment, keys) in state.disputed where keys.contains(where: { $0.day <= atDay && $0.rank <= threshold }) {
            summaries[commitment, default: EvidenceSummary()].disputed = true
        }
        return summaries
    }

    private func dailySummary(_ commitment: String, atDay: Int64, threshold: Int) throws -> EvidenceSummary {
        let rows = try daily(commitment)
        var summary = EvidenceSummary()
        for row in rows.totals where row.day <= atDay {
            summary.add(row.amounts, counted: row.rank <= threshold,
                        firstConfirmedBreachDay: row.rank == 0 && row.amounts.breaches > 0 ? row.day : nil)
        }
        summary.sources = Set(rows.sources.filter { $0.day <= atDay && $0.rank <= threshold }.map(\.source)).count
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

    struct DailySource {
        var day: Int64
        var rank: Int
        var source: String
    }

    /// All of a commitment's per-day rows, checked against its daily digest.
    /// - Throws: ``LedgerError`` `.tampered` when they do not match it.
    func daily(_ commitment: String) throws -> (totals: [DailyRow], sources: [DailySource]) {
        var digest = DailyDigest()
        var totals: [DailyRow] = []
        var sources: [DailySource] = []
        let totalsStatement = try db.cached("SELECT * FROM daily_totals WHERE commitment = ?")
        try totalsStatement.bind(commitment, at: 1)
        let totalsColumns = Columns(totalsStatement.columnNames, table: "daily_totals")
        let totalsCursor = totalsStatement.cursor()
        while let row = try totalsCursor.next() {
            let values = row.values
            digest.add(totals: values)
            let read = ReadRow(values: values, columns: totalsColumns)
            totals.append(DailyRow(day: try read.int("day"), rank: try read.rank("confidence"),
                                   amounts: Amounts(records: try read.int("records"), quantity: try read.int("quantity"),
                                                    done: try read.int("done"), notDone: try read.int("not_done"),
                                                    breaches: try read.int("breaches"))))
        }
        let sourcesStatement = try db.cached("SELECT * FROM daily_source_totals WHERE commitment = ?")
        try sourcesStatement.bind(commitment, at: 1)
        let sourceColumns = Columns(sourcesStatement.columnNames, table: "daily_source_totals")
        let sourcesCursor = sourcesStatement.cursor()
        while let row = try sourcesCursor.next() {
            let values = row.values
            digest.add(sources: values)
            let read = ReadRow(values: values, columns: sourceColumns)
            sources.append(DailySource(day: try read.int("day"), rank: try read.rank("confidence"), source: try read.text("source")))
        }
        let stored = state.digests[commitment]?.daily ?? StateTracker.emptyDaily
        guard digest.finish() == stored else {
            throw LedgerError(.tampered, "the ledger has been altered: the per-day totals of commitment \(commitment) do not "
                              + "match the state recorded in the journal; nothing it shows can be trusted; run `accord audit`")
        }
        return (totals, sources)
    }
}
