import AccordStorage

/// Plain listings of what the ledger holds: the definitions as in force on a
/// date (amendments applied, voided entries left out), read from the
/// projections checked against the journal's state root.
extension Ledger {
    /// Every party, in the order they were added.
    /// - Parameter at: the date whose terms are shown (default: today, UTC).
    /// - Throws: ``LedgerError``.
    public func partyList(at: Moment? = nil) throws -> RowSet {
        try listing(at: at) { snapshot in
            var set = RowSet(columns: ["party", "name", "kind", "commitments", "seq"])
            for (party, seq) in zip(snapshot.parties, snapshot.partySeqs) {
                let count = snapshot.commitments.count { $0.commitment.party == party.id }
                set.rows.append([.text(party.id), .text(party.name), Cell(snapshot.partyKinds[party.id]), .int(Int64(count)), .int(seq)])
            }
            return set
        }
    }

    /// Every agreement, in the order they were added.
    /// - Parameter at: the date whose terms are shown (default: today, UTC).
    /// - Throws: ``LedgerError``.
    public func agreementList(at: Moment? = nil) throws -> RowSet {
        try listing(at: at) { snapshot in
            var set = RowSet(columns: ["agreement", "title", "date", "venue", "commitments", "seq"])
            for (agreement, seq) in zip(snapshot.agreements, snapshot.agreementSeqs) {
                let count = snapshot.commitments.count { $0.commitment.agreement == agreement.id }
                set.rows.append([.text(agreement.id), .text(agreement.title), Cell(snapshot.agreementDates[agreement.id]?.text),
                                 Cell(snapshot.agreementVenues[agreement.id]), .int(Int64(count)), .int(seq)])
            }
            return set
        }
    }

    /// Commitments, optionally of one agreement and/or one party.
    /// - Parameter at: the date whose terms are shown (default: today, UTC).
    /// - Throws: ``LedgerError`` `.badInput` when the agreement or party is
    ///   unknown (an empty list would hide a typo).
    public func commitmentList(agreement: String? = nil, party: String? = nil, at: Moment? = nil) throws -> RowSet {
        try listing(at: at) { snapshot in
            if let agreement, !snapshot.agreements.contains(where: { $0.id == agreement }) {
                throw LedgerError.unknown(.agreement, agreement, in: "\(option: .agreement)", hint: .list(.agreement))
            }
            if let party, !snapshot.parties.contains(where: { $0.id == party }) {
                throw LedgerError.unknown(.party, party, in: "\(option: .party)", hint: .list(.party))
            }
            var set = RowSet(columns: ["commitment", "agreement", "party", "kind", "target", "unit", "due", "from", "until",
                                       "reciprocal", "depends_on", "withdrawn", "text", "seq"])
            for row in snapshot.commitments {
                let c = row.commitment
                if let agreement, c.agreement != agreement { continue }
                if let party, c.party != party { continue }
                let dependsOn = c.dependsOn.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
                set.rows.append([.text(c.id), .text(c.agreement), .text(c.party), .text(c.kind.rawValue),
                                 .quantity(c.target, scale: c.decimals), Cell(c.unit), Cell(c.due?.text), Cell(c.from?.text),
                                 Cell(c.until?.text), Cell(c.reciprocal), dependsOn.isEmpty ? .null : .text(dependsOn.joined(separator: " ")),
                                 Cell(snapshot.withdrawals[c.id]?.date.text), Cell(c.text), .int(row.seq)])
            }
            return set
        }
    }

    /// Every guarantee with what it covers and its invocations.
    /// - Parameter at: the date whose terms are shown (default: today, UTC).
    /// - Throws: ``LedgerError``.
    public func guaranteeList(at: Moment? = nil) throws -> RowSet {
        try listing(at: at) { snapshot in
            var set = RowSet(columns: ["guarantee", "guarantor", "covers", "consequence", "respond_within_days", "invoked", "seq"])
            for row in snapshot.guarantees {
                let g = row.guarantee
                let covers = g.covers.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
                let invoked = (snapshot.invocations[g.id] ?? []).map(\.date.text)
                set.rows.append([.text(g.id), .text(g.guarantor), .text(covers.joined(separator: " ")), .text(g.consequence),
                                 .int(g.respondWithinDays), invoked.isEmpty ? .null : .text(invoked.joined(separator: " ")),
                                 .int(row.seq)])
            }
            return set
        }
    }

    /// Builds a listing from the verified state, its terms as in force on `at`.
    private func listing(at: Moment?, _ build: (Snapshot) throws -> RowSet) throws -> RowSet {
        let day = try at?.day ?? settings.clock.now().day
        return try reading(asOf: nil) { view in
            try build(try view.state().snapshot.inForce(onDay: day))
        }
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
