import AccordStorage

/// The structure of the ledger (parties, agreements, commitments, guarantees)
/// as it stood after entry `seq`.
struct Snapshot {
    struct CommitmentRow {
        var commitment: Commitment
        var seq: Int64
    }
    struct GuaranteeRow {
        var guarantee: Guarantee
        var seq: Int64
    }

    var seq: Int64
    var parties: [(id: String, name: String)] = []
    var agreements: [(id: String, title: String)] = []
    var commitments: [CommitmentRow] = []
    var withdrawals: [String: Moment] = [:]
    var guarantees: [GuaranteeRow] = []
    var invocations: [String: [Moment]] = [:]

    static func load(_ db: Database, seq: Int64) throws -> Snapshot {
        var snapshot = Snapshot(seq: seq)
        try db.forEach("SELECT id, name FROM parties WHERE seq <= ? ORDER BY seq", [seq]) { row in
            snapshot.parties.append((row.text(0), row.text(1)))
        }
        try db.forEach("SELECT id, title FROM agreements WHERE seq <= ? ORDER BY seq", [seq]) { row in
            snapshot.agreements.append((row.text(0), row.text(1)))
        }
        var dependencies: [String: [String]] = [:]
        try db.forEach("SELECT commitment, depends_on FROM dependencies WHERE seq <= ? ORDER BY seq, depends_on", [seq]) { row in
            dependencies[row.text(0), default: []].append(row.text(1))
        }
        var reciprocals: [String: String] = [:]
        try db.forEach("SELECT commitment, counterpart FROM reciprocals WHERE seq <= ?", [seq]) { row in
            reciprocals[row.text(0)] = row.text(1)
        }
        try db.forEach("""
            SELECT id, agreement, party, kind, target, unit, due, window_from, window_until, text, seq
            FROM commitments WHERE seq <= ? ORDER BY seq
            """, [seq]) { row in
            let id = row.text(0)
            let commitment = Commitment(
                id: id, agreement: row.text(1), party: row.text(2),
                kind: CommitmentKind(rawValue: row.text(3)) ?? .action,
                target: row.optionalInt64(4), unit: row.optionalText(5),
                due: row.optionalText(6).flatMap { try? Moment(canonical: $0) },
                from: row.optionalText(7).flatMap { try? Moment(canonical: $0) },
                until: row.optionalText(8).flatMap { try? Moment(canonical: $0) },
                reciprocal: reciprocals[id], dependsOn: dependencies[id] ?? [], text: row.optionalText(9))
            snapshot.commitments.append(CommitmentRow(commitment: commitment, seq: row.int64(10)))
        }
        try db.forEach("SELECT commitment, date FROM withdrawals WHERE seq <= ?", [seq]) { row in
            if let date = try? Moment(canonical: row.text(1)) { snapshot.withdrawals[row.text(0)] = date }
        }
        var covers: [String: [String]] = [:]
        try db.forEach("SELECT guarantee, commitment FROM guarantee_covers ORDER BY guarantee, commitment") { row in
            covers[row.text(0), default: []].append(row.text(1))
        }
        try db.forEach("""
            SELECT id, guarantor, consequence, respond_within_days, seq FROM guarantees WHERE seq <= ? ORDER BY seq
            """, [seq]) { row in
            let id = row.text(0)
            snapshot.guarantees.append(GuaranteeRow(
                guarantee: Guarantee(id: id, guarantor: row.text(1), covers: covers[id] ?? [],
                                     consequence: row.text(2), respondWithinDays: row.int64(3)),
                seq: row.int64(4)))
        }
        try db.forEach("SELECT guarantee, date FROM invocations WHERE seq <= ? ORDER BY day, seq", [seq]) { row in
            if let date = try? Moment(canonical: row.text(1)) { snapshot.invocations[row.text(0), default: []].append(date) }
        }
        return snapshot
    }
}
