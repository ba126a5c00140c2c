import AccordStorage

/// Evidence read from the running totals: what the ledger knows now.
///
/// A commitment whose counted records were all observed on or before the
/// report's date is read from `commitment_totals` and `source_totals`, one row
/// per confidence level, whatever the number of events; otherwise from the
/// per-day rows up to the date.
struct TotalsEvidence {
    let db: Database

    func summaries(atDay: Int64, threshold: Int) throws -> [String: EvidenceSummary] {
        var summaries: [String: EvidenceSummary] = [:]
        // Commitments (and ranks) with records after the date need the per-day rows.
        var historical: Set<String> = []
        try db.forEach("""
            SELECT commitment, confidence, records, quantity, done, not_done, breaches, last_day, first_breach_day
            FROM commitment_totals
            """) { row in
            let commitment = row.text(0)
            let rank = row.int(1)
            if row.int64(7) > atDay {
                historical.insert(commitment)
                return
            }
            let amounts = Amounts(records: row.int64(2), quantity: row.int64(3), done: row.int64(4),
                                  notDone: row.int64(5), breaches: row.int64(6))
            let firstBreach = rank == 0 && !row.isNull(8) ? row.int64(8) : nil
            // One lookup, changed in place.
            summaries[commitment, default: EvidenceSummary()].add(amounts, counted: rank <= threshold, firstConfirmedBreachDay: firstBreach)
        }
        try db.forEach("""
            SELECT commitment, sum(sources) FROM commitment_sources WHERE confidence <= ? GROUP BY commitment
            """, [threshold]) { row in
            let commitment = row.text(0)
            guard !historical.contains(commitment) else { return }
            summaries[commitment, default: EvidenceSummary()].sources = row.int(1)
        }
        for commitment in historical {
            summaries[commitment] = try dailySummary(commitment, atDay: atDay, threshold: threshold)
        }
        for (commitment, keys) in try disputedRecords() where keys.contains(where: { $0.day <= atDay && $0.rank <= threshold }) {
            summaries[commitment, default: EvidenceSummary()].disputed = true
        }
        return summaries
    }

    private func dailySummary(_ commitment: String, atDay: Int64, threshold: Int) throws -> EvidenceSummary {
        var summary = EvidenceSummary()
        try db.forEach("""
            SELECT confidence, records, quantity, done, not_done, breaches, day FROM daily_totals
            WHERE commitment = ? AND day <= ?
            """, [commitment, atDay]) { row in
            let rank = row.int(0)
            let amounts = Amounts(records: row.int64(1), quantity: row.int64(2), done: row.int64(3),
                                  notDone: row.int64(4), breaches: row.int64(5))
            summary.add(amounts, counted: rank <= threshold,
                        firstConfirmedBreachDay: rank == 0 && amounts.breaches > 0 ? row.int64(6) : nil)
        }
        summary.sources = Int(try db.scalarInt("""
            SELECT count(DISTINCT source) FROM daily_source_totals WHERE commitment = ? AND day <= ? AND confidence <= ?
            """, commitment, atDay, threshold) ?? 0)
        return summary
    }

    /// Would-be contributions (commitment, day, rank) of records under a pending dispute.
    private func disputedRecords() throws -> [String: [DailyEvidence.Key]] {
        var records: [Int64] = []
        try db.forEach("SELECT DISTINCT record FROM disputes WHERE adjudication_seq IS NULL") { row in
            records.append(row.int64(0))
        }
        var result: [String: [DailyEvidence.Key]] = [:]
        for record in records {
            guard let state = try RecordState.load(record: record, db: db), !state.retracted, !state.rejected else { continue }
            var undisputed = state
            undisputed.pendingDisputes = 0
            guard let contribution = undisputed.contribution else { continue }
            result[contribution.commitment, default: []].append(DailyEvidence.Key(day: contribution.day, rank: contribution.rank))
        }
        return result
    }

    /// Counted quantity per day for the given commitments.
    func tranches(_ commitments: [String], atDay: Int64, threshold: Int) throws -> [String: [Int64: Int64]] {
        var result: [String: [Int64: Int64]] = [:]
        for commitment in commitments {
            try db.forEach("""
                SELECT day, sum(quantity) FROM daily_totals
                WHERE commitment = ? AND day <= ? AND confidence <= ? GROUP BY day HAVING sum(quantity) <> 0
                """, [commitment, atDay, threshold]) { row in
                result[commitment, default: [:]][row.int64(0)] = row.int64(1)
            }
        }
        return result
    }
}
