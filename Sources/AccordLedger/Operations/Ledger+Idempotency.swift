import AccordStorage

/// A request's idempotency key (the server's `Idempotency-Key` header): whose
/// key it is, the key, and the SHA-256 of the request that carries it.
public struct IdempotencyKey: Sendable, Equatable {
    public var actor: String
    public var key: String
    public var requestSHA256: [UInt8]

    public init(actor: String, key: String, requestSHA256: [UInt8]) {
        self.actor = actor
        self.key = key
        self.requestSHA256 = requestSHA256
    }
}

/// An idempotency key already used by the same actor for another request.
public struct IdempotencyKeyReused: Error, Sendable, CustomStringConvertible {
    public var key: String
    /// The entry the key recorded.
    public var seq: Int64

    public var description: String {
        "Idempotency-Key '\(TextRules.printable(key, limit: 60))' was used for another request, which recorded entry \(seq); "
            + "use a new key for a new request"
    }
}

extension Ledger {
    /// Runs `write` once per idempotency key: the first time, in the same
    /// transaction as the key's row (so the row exists exactly when the entry
    /// does); again with the same request, nothing is written and the original
    /// entry's receipt comes back as already recorded.
    /// - Throws: ``IdempotencyKeyReused`` when the key recorded another
    ///   request; whatever `write` throws (and then the key is not kept).
    public func recordOnce(_ idempotency: IdempotencyKey, _ write: () throws -> Receipt) throws -> Receipt {
        guard idempotency.requestSHA256.count == 32 else {
            throw LedgerError(.failure, "an idempotency key's request digest must be a SHA-256")
        }
        return try LedgerError.translating {
            try database.write { db in
                var found: (seq: Int64, digest: [UInt8])?
                try db.forEach("SELECT seq, request_sha256 FROM idempotency_keys WHERE actor = ? AND key = ?",
                               [idempotency.actor, idempotency.key]) { row in
                    found = (row.int64(0), row.blob(1))
                }
                if let found {
                    guard found.digest == idempotency.requestSHA256 else {
                        throw IdempotencyKeyReused(key: idempotency.key, seq: found.seq)
                    }
                    return try Receipt.make(.alreadyPresent(seq: found.seq), commit: nil, db: db)
                }
                let receipt = try write()
                _ = try db.run("INSERT INTO idempotency_keys (actor, key, request_sha256, seq) VALUES (?, ?, ?, ?)",
                               idempotency.actor, idempotency.key, idempotency.requestSHA256, receipt.seq)
                return receipt
            }
        }
    }

    /// The receipt of an entry already in the journal (status already
    /// recorded, the current tree): what a repeated request answers.
    /// - Throws: ``LedgerError`` when there is no such entry.
    public func receipt(ofEntry seq: Int64) throws -> Receipt {
        try LedgerError.translating {
            try database.read { db in try Receipt.make(.alreadyPresent(seq: seq), commit: nil, db: db) }
        }
    }
}
