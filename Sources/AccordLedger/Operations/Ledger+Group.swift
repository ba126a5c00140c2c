import AccordStorage

extension Ledger {
    /// Runs `count` writes in one transaction, each in its own savepoint, and
    /// commits once: a group commit. Operation `index` calls this ledger's
    /// ordinary write methods (`log`, `recordBreach`, …), which join the open
    /// transaction. A write that throws is rolled back to its savepoint and
    /// gives its error; the others are unaffected and keep their own seqs and
    /// idempotency decisions. Nothing is durable until this returns: the
    /// results may be acknowledged only then.
    ///
    /// The transaction begins `IMMEDIATE` and commits with the connection's
    /// `synchronous=FULL`; on `SQLITE_BUSY` the whole group is retried.
    /// - Throws: ``LedgerError`` when the transaction itself fails (no write
    ///   of the group was then made).
    public func writeGroup<T>(_ count: Int, _ operation: (Int) throws -> T) throws -> [Result<T, any Error>] {
        try LedgerError.translating {
            try database.write { db in
                var results: [Result<T, any Error>] = []
                results.reserveCapacity(count)
                for index in 0..<count {
                    try db.execute("SAVEPOINT accord_group_write")
                    do {
                        let result = try operation(index)
                        try db.execute("RELEASE accord_group_write")
                        results.append(.success(result))
                    } catch {
                        try db.execute("ROLLBACK TO accord_group_write")
                        try db.execute("RELEASE accord_group_write")
                        results.append(.failure(error))
                    }
                }
                return results
            }
        }
    }
}
