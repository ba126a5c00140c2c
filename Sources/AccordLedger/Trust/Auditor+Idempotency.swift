import AccordStorage

/// The check of the server's idempotency keys (check `idempotency`).
extension Auditor {
    /// Every row of `idempotency_keys` must name an entry that exists, was
    /// recorded by the row's actor, and is of a kind a recording request
    /// records; no two rows may name the same entry (each key records its own).
    /// The table is outside the journal: a row added with other tools would
    /// otherwise make a later request with that key answer "already
    /// recorded" while nothing is written. The journal's `kind_code` column is
    /// read (check 4 holds it equal to the entry bytes); the entry's actor is
    /// read from its bytes (the journal keeps no copy of it, schema 20) and
    /// compared byte for byte.
    mutating func checkIdempotencyKeys() throws {
        var findings: [(seq: Int64, detail: String)] = []
        var seen: [Int64: String] = [:]
        let kinds = IdempotencyKey.recordableKinds
        let db = self.db  // a local, so the closure does not capture self
        _ = try readable("idempotency_keys") {
            try db.forEach("""
                SELECT k.actor, k.key, k.seq, j.seq IS NOT NULL, j.kind_code, CAST(k.actor AS BLOB), j.entry
                FROM idempotency_keys AS k NOT INDEXED LEFT JOIN journal AS j ON j.seq = k.seq
                ORDER BY k.seq, k.actor, k.key
                """) { row in
                let actor = TextRules.printable(row.text(0), limit: 60)
                let key = TextRules.printable(row.text(1), limit: 60)
                let seq = row.int64(2)
                let named = "idempotency key '\(key)' of \(actor) names entry \(seq)"
                if row.int64(3) == 0 {
                    findings.append((seq, "\(named), which does not exist"))
                    return
                }
                let code = row.int64(4)
                if row.isNull(6) || Entry.actorBytes(in: row.blob(6)).map(Array.init) != row.blob(5) {
                    findings.append((seq, "\(named), which another actor recorded"))
                } else if !kinds.contains(where: { Int64($0.code) == code }) {
                    let kind = EntryKind(storedCode: code)?.rawValue ?? "code \(code)"
                    findings.append((seq, "\(named), of kind \(kind), which no request records"))
                } else if let other = seen[seq] {
                    findings.append((seq, "\(named), which key '\(other)' recorded"))
                } else {
                    seen[seq] = key
                }
            }
        }
        for finding in findings {
            fail(.tampered, "idempotency", finding.seq, finding.detail + ": the idempotency_keys table was altered with other tools")
        }
    }
}
