import AccordStorage
import AccordTrust

/// One journal row as the audit checks it, with the work that needs nothing
/// but the row done: its leaf hash, its decoding, its content hash, and
/// whether its `kind_code` and `signer` columns agree with its bytes.
struct JournalRead: Sendable {
    /// The decoded entry and what is derived from it alone.
    struct Decoded: Sendable {
        var entry: Entry
        /// ``Entry/contentHash``.
        var contentHash: Hash32
        /// The `kind_code` column holds the entry's kind code as an integer,
        /// and the `signer` column its signer as the same bytes (or NULL).
        var columnsAgree: Bool
    }

    var seq: Int64
    /// How many bytes the entry has as stored.
    var size: Int
    /// The RFC 6962 leaf hash of the entry's bytes as stored.
    var leaf: Hash32
    /// The entry, or why its bytes do not decode canonically.
    var decoded: Result<Decoded, any Error>
    var signature: [UInt8]?
}

/// Hands the audit the journal's rows in order (``JournalRead``), read from
/// `SELECT seq, kind_code, signer, entry, signature FROM journal ORDER BY seq`
/// and hashed and decoded on a thread of its own (``ReadAhead``), while the
/// audit's thread checks them and replays them into its scratch ledger: the
/// two cores each do part of the work, as an import's do (``ImportReadAhead``).
///
/// The cursor, and with it the audited file's connection, belongs to the
/// reading thread from the first ``next()`` until ``stop()``, which every
/// caller must call before using that connection again. The thread works at
/// most ``capacity`` batches ahead, each of ``batchSize`` rows or
/// ``batchBytes`` of entries; rows come out in order, and a failure to
/// read comes out where it happened. When no thread can be started, the rows
/// are read on the caller's thread.
final class JournalReadAhead {
    /// Rows handed over at once.
    static let batchSize = 256
    /// Bytes of entries handed over at once, whatever their number: entries
    /// have no size limit, and a file of large ones must not fill memory.
    static let batchBytes = 1 << 20
    /// Batches the reading thread may be ahead.
    static let capacity = 4

    private let rows: ReadAhead<JournalRead>

    init(_ cursor: Cursor) {
        let source = JournalSource(cursor)
        rows = ReadAhead(batchSize: Self.batchSize, capacity: Self.capacity, weight: { $0.size }, batchWeight: Self.batchBytes) {
            try source.next()
        }
    }

    /// The next row, or nil after the last.
    /// - Throws: what reading the journal threw; after that, nil.
    func next() throws -> JournalRead? { try rows.next() }

    /// Stops the reading thread, if it runs, and waits until it has let go of the cursor.
    func stop() { rows.stop() }
}

/// The journal's cursor, used by one thread at a time: the reading thread
/// while it runs (``JournalReadAhead``), else the audit's.
private final class JournalSource: @unchecked Sendable {
    let cursor: Cursor

    init(_ cursor: Cursor) { self.cursor = cursor }

    func next() throws -> JournalRead? {
        guard let row = try cursor.next() else { return nil }
        let bytes = row.blob(3)
        // The leaf hash is computed here, never read: the journal keeps no copy of it (schema 18).
        let leaf = Merkle.leafHash(bytes)
        let decoded = Result { () throws -> JournalRead.Decoded in
            let entry = try Entry.decodeCanonical(bytes)
            // Integers as integers, text as bytes (text that Unicode calls equivalent is still different text).
            let agree = row.value(1) == .integer(Int64(entry.kind.code)) && row.isText(2, equalTo: entry.signer)
            return JournalRead.Decoded(entry: entry, contentHash: entry.contentHash, columnsAgree: agree)
        }
        return JournalRead(seq: row.int64(0), size: bytes.count, leaf: leaf, decoded: decoded, signature: row.optionalBlob(4))
    }
}
