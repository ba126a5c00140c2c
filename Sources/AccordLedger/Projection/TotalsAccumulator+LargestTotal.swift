import AccordStorage

/// The largest total a commitment's quantities may reach, held by every
/// writer (docs/ARCHITECTURE.md, "Writes"; docs/JOURNAL.md, "Kinds and payloads").
extension TotalsAccumulator {
    /// The most a commitment's quantities may add up to, over every
    /// confidence level, in units of its smallest decimal (10^18: a thousand
    /// times the largest single quantity at six decimals, a million at none).
    /// Sums, rates and balances of totals within it are exact in `Int64`; a
    /// write that would pass it is refused.
    static let largestTotal: Int64 = 1_000_000_000_000_000_000

    /// Refuses a write that would add `units` to `commitment`'s quantities
    /// past ``largestTotal``, before it is written: what the rows hold, what
    /// is pending, and `units`.
    /// - Throws: ``LedgerError`` `.invalid(.quantity)`.
    mutating func checkRoom(for commitment: String, adding units: Int64, db: Database) throws {
        guard enforcesLargestTotal, units > 0 else { return }
        let c = intern(commitment: commitment)
        let total = Amounts.saturating(Amounts.saturating(try heldQuantity(commitment, db: db), pending[c] ?? 0), units)
        if total > Self.largestTotal { throw try Self.pastTheLargest(commitment, field: .quantity, db: db) }
    }

    /// Refuses totals that have passed ``largestTotal`` with what is pending:
    /// after a write whose quantities the check before it cannot know (a
    /// correction, a ruling or a void that brings a record back into the
    /// counts), and at every flush, as a backstop.
    mutating func checkLargestTotals(_ db: Database) throws {
        guard enforcesLargestTotal else { return }
        for (c, delta) in pending where delta > 0 {
            let id = commitmentIDs[Int(c)]
            let total = Amounts.saturating(try heldQuantity(id, db: db), delta)
            if total > Self.largestTotal { throw try Self.pastTheLargest(id, field: nil, db: db) }
        }
    }

    /// What `commitment_totals` holds for `commitment`, over every confidence level.
    private mutating func heldQuantity(_ commitment: String, db: Database) throws -> Int64 {
        if let known = held[commitment] { return known }
        let statement = try db.cached("SELECT coalesce(sum(quantity), 0) FROM commitment_totals WHERE commitment = ?")
        try statement.bind(commitment, at: 1)
        defer { statement.reset() }
        let total = try statement.step() ? statement.int64(0) : 0
        held[commitment] = total
        return total
    }

    /// "the quantities of commitment C would add up to more than 1,000,000,000,000 t, …".
    private static func pastTheLargest(_ commitment: String, field: Field?, db: Database) throws -> LedgerError {
        var (decimals, unit): (Int64, String?) = (0, nil)
        try db.forEach("SELECT decimals, unit FROM commitments WHERE id = ?", [commitment]) { row in
            (decimals, unit) = (row.int64(0), row.optionalText(1))
        }
        var whole = largestTotal
        for _ in 0..<max(0, min(decimals, 6)) { whole /= 10 }
        let grouped = String(whole).reversed().enumerated().map { $0 > 0 && $0 % 3 == 0 ? "\($1)," : "\($1)" }.reversed().joined()
        let what = "the quantities of commitment \(TextRules.printable(commitment)) would add up to more than \(grouped)"
            + "\(unit.map { " " + TextRules.printable($0) } ?? ""), the most a commitment's evidence may total"
        guard let field else { return LedgerError.invalid(nil, "\(what)") }
        return LedgerError.invalid(field, "\(field): \(what)")
    }
}
