import AccordStorage

/// A request's idempotency key (a server's `Idempotency-Key` header): whose
/// key it is, the key, and the SHA-256 of the request that carries it
/// (``LedgerWrite/idempotency``).
public struct IdempotencyKey: Sendable, Equatable {
    /// Whose key it is (a token's name): keys of different callers never meet.
    public var actor: String
    /// The key as the caller sent it.
    public var key: String
    /// The SHA-256 of the request it came with (its route and body).
    public var requestSHA256: [UInt8]

    /// A key of `actor` for the request hashed to `requestSHA256`.
    public init(actor: String, key: String, requestSHA256: [UInt8]) {
        self.actor = actor
        self.key = key
        self.requestSHA256 = requestSHA256
    }
}

extension Session {
    /// Runs `write` once per idempotency key (none: just runs it). The first
    /// time, the key is kept with the seq `write` recorded, in the same
    /// transaction (and the same savepoint, in a batch), so the key exists
    /// exactly when the entry does; again with the same request, nothing is
    /// written and the original entry is already present.
    /// - Throws: ``LedgerError`` `.conflict` with the entry the key recorded
    ///   when it was used for another request; whatever `write` throws (and
    ///   then the key is not kept).
    func once(_ idempotency: IdempotencyKey?, _ write: () throws -> Recorded) throws -> Recorded {
        guard let idempotency else { return try write() }
        var found: (seq: Int64, digest: [UInt8])?
        try db.forEach("SELECT seq, request_sha256 FROM idempotency_keys WHERE actor = ? AND key = ?",
                       [idempotency.actor, idempotency.key]) { row in
            found = (row.int64(0), row.blob(1))
        }
        if let found {
            guard found.digest == idempotency.requestSHA256 else {
                throw LedgerError.conflict(found.seq, "idempotency key '\(TextRules.printable(idempotency.key, limit: 60))' was "
                                           + "used for another request, which recorded entry \(found.seq); use a new key for a "
                                           + "new request")
            }
            return .alreadyPresent(seq: found.seq)
        }
        let recorded = try write()
        _ = try db.run("INSERT INTO idempotency_keys (actor, key, request_sha256, seq) VALUES (?, ?, ?, ?)",
                       idempotency.actor, idempotency.key, idempotency.requestSHA256, recorded.seq)
        return recorded
    }
}

extension Ledger {
    /// The receipt of an entry already in the journal (status already
    /// recorded, the current tree): what a repeated request answers.
    /// - Throws: ``LedgerError`` when there is no such entry.
    public func receipt(ofEntry seq: Int64) throws -> Receipt {
        try LedgerError.translating {
            try database.read { db in try Receipt.make(.alreadyPresent(seq: seq), commit: nil, db: db) }
        }
    }
}
