import AccordStorage

/// Plain listings of what the ledger holds.
extension Ledger {
    /// Every party, in the order they were added.
    /// - Throws: ``LedgerError``.
    public func partyList() throws -> RowSet {
        try query(RowSet(columns: ["party", "name", "kind", "commitments", "seq"]), """
            SELECT p.id, p.name, p.kind, (SELECT count(*) FROM commitments c WHERE c.party = p.id), p.seq
            FROM parties p ORDER BY p.seq
            """)
    }

    /// Every agreement, in the order they were added.
    /// - Throws: ``LedgerError``.
    public func agreementList() throws -> RowSet {
        try query(RowSet(columns: ["agreement", "title", "date", "venue", "commitments", "seq"]), """
            SELECT a.id, a.title, a.date, a.venue, (SELECT count(*) FROM commitments c WHERE c.agreement = a.id), a.seq
            FROM agreements a ORDER BY a.seq
            """)
    }

    /// Commitments, optionally of one agreement and/or one party.
    /// - Throws: ``LedgerError`` `.badInput` when the agreement or party is
    ///   unknown (an empty list would hide a typo).
    public func commitmentList(agreement: String? = nil, party: String? = nil) throws -> RowSet {
        try LedgerError.translating {
            if let agreement, try database.scalarInt("SELECT count(*) FROM agreements WHERE id = ?", agreement) == 0 {
                throw LedgerError.badInput("--agreement: no agreement '\(TextRules.printable(agreement))'; list them with `accord agreement list`")
            }
            if let party, try database.scalarInt("SELECT count(*) FROM parties WHERE id = ?", party) == 0 {
                throw LedgerError.badInput("--party: no party '\(TextRules.printable(party))'; list them with `accord party list`")
            }
        }
        return try query(RowSet(columns: ["commitment", "agreement", "party", "kind", "target", "unit", "due", "from", "until",
                                   "reciprocal", "depends_on", "withdrawn", "text", "seq"]), """
            SELECT c.id, c.agreement, c.party, c.kind, c.target, c.unit, c.due, c.window_from, c.window_until,
                   (SELECT counterpart FROM reciprocals r WHERE r.commitment = c.id),
                   (SELECT group_concat(depends_on, ' ') FROM (SELECT depends_on FROM dependencies d WHERE d.commitment = c.id ORDER BY depends_on)),
                   (SELECT date FROM withdrawals w WHERE w.commitment = c.id), c.text, c.seq
            FROM commitments c
            WHERE (?1 IS NULL OR c.agreement = ?1) AND (?2 IS NULL OR c.party = ?2)
            ORDER BY c.seq
            """, [DatabaseValue(agreement), DatabaseValue(party)])
    }

    /// Every guarantee with what it covers and its invocations.
    /// - Throws: ``LedgerError``.
    public func guaranteeList() throws -> RowSet {
        try query(RowSet(columns: ["guarantee", "guarantor", "covers", "consequence", "respond_within_days", "invoked", "seq"]), """
            SELECT g.id, g.guarantor,
                   (SELECT group_concat(commitment, ' ') FROM (SELECT commitment FROM guarantee_covers gc WHERE gc.guarantee = g.id ORDER BY commitment)),
                   g.consequence, g.respond_within_days,
                   (SELECT group_concat(date, ' ') FROM (SELECT date FROM invocations i WHERE i.guarantee = g.id ORDER BY day, seq)),
                   g.seq
            FROM guarantees g ORDER BY g.seq
            """)
    }

    /// Runs a read-only query into a row set, mapping SQLite's values to cells.
    func query(_ set: RowSet, _ sql: String, _ values: [DatabaseValueConvertible] = []) throws -> RowSet {
        try LedgerError.translating {
            // Built inside the read, which may run twice.
            try database.read { db in
                var result = set
                try db.forEach(sql, values) { row in
                    result.rows.append((0..<Int32(row.count)).map { Cell(row.value($0)) })
                }
                return result
            }
        }
    }
}

extension Cell {
    init(_ value: DatabaseValue) {
        switch value {
        case .null: self = .null
        case .integer(let int): self = .int(int)
        case .real(let double): self = .number(double)
        case .text(let text): self = .text(text)
        case .blob(let bytes): self = .text(hexString(bytes))
        }
    }
}
