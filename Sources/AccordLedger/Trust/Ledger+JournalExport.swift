import AccordStorage
import AccordTrust

extension Ledger {
    /// Streams every journal entry, for outside verifiers, as the JSON object
    /// `{"seq","kind","bytes","leafHash","previousHash","recordedAt","actor","signer","signature","clock","stateRoot"}`
    /// (bytes and signature in base64, hashes in hex; `clock` is `system` or
    /// `overridden`, `stateRoot` null on all but the last entry of each write).
    /// The stored columns `kind_code` and `signer` are written as they are
    /// (the kind's code by its name); a verifier checks them against the
    /// bytes. `recordedAt` and `actor` are read from the bytes (the journal
    /// keeps no copy of them), null when the bytes cannot hold them.
    /// `leafHash` is computed from the bytes, SHA-256(0x00 ‖ bytes): the
    /// journal keeps no copy of it.
    /// - Throws: ``LedgerError``.
    public func exportJournal(_ body: (JSON) throws -> Void) throws {
        try LedgerError.translating {
            // Rows go to `body` as they are read, so this read cannot be run twice:
            // a writer changing the file under a snapshot is a busy error (the caller may try again).
            try database.read(restartable: false) { db in
                try db.forEach("SELECT seq, kind_code, entry, signer, signature FROM journal ORDER BY seq") { row in
                    let leaf = row.leafHash(2).hex
                    let bytes = row.blob(2)
                    let decoded = try? Entry.decode(bytes)
                    // The actor's bytes as they are, or null when they are not UTF-8 (never a repaired copy).
                    let actor = Entry.actorBytes(in: bytes).flatMap { String(validating: $0, as: UTF8.self) }
                    try body(.object([
                        ("seq", .int(row.int64(0))),
                        ("kind", .string(EntryKind(storedCode: row.int64(1))?.rawValue ?? "\(row.int64(1))")),
                        ("bytes", .string(ByteEncoding.base64(bytes))),
                        ("leafHash", .string(leaf)),
                        ("previousHash", JSON(decoded?.previousHash?.hex)),
                        ("recordedAt", JSON(Entry.recordedAt(in: bytes)?.iso8601)),
                        ("actor", JSON(actor)),
                        ("signer", JSON(row.optionalText(3))),
                        ("signature", row.isNull(4) ? .null : .string(ByteEncoding.base64(row.blob(4)))),
                        ("clock", JSON(decoded.map { $0.clock == .overridden ? "overridden" : "system" })),
                        ("stateRoot", JSON(decoded?.stateRoot?.hex)),
                    ]))
                }
            }
        }
    }
}
