import AccordStorage
import AccordTrust

/// Something that signs entries on behalf of a registered key.
public protocol EntrySigner {
    /// The registered key name written into the entry.
    var keyName: String { get }
    /// An Ed25519 signature (64 bytes) over the entry's canonical bytes.
    func sign(_ bytes: [UInt8]) throws -> [UInt8]
}

/// Appends entries to the journal inside one write transaction: assigns the
/// next seq, chains and hashes the entry, extends the Merkle tree, and writes
/// the projections. Create one per transaction; call ``finish()`` before the
/// transaction commits.
final class JournalWriter {
    let db: Database
    let projector: Projector
    private(set) var seq: Int64
    private(set) var lastHash: Hash32?
    private(set) var lastRecordedAt: Timestamp
    private(set) var frontier: MerkleFrontier
    private var frontierDirty = false
    /// The last `recorded_at` text: every entry of a transaction usually shares it.
    private var recordedAtText: (at: Timestamp, text: String)?
    private var insertStatement: Statement?

    /// Complete subtrees at this level or above are stored in `merkle_nodes`.
    static let cachedLevel = 10

    init(db: Database) throws {
        self.db = db
        projector = Projector(db: db)
        var seq: Int64 = 0
        var lastHash: Hash32?
        var lastRecordedAt = Timestamp(milliseconds: Int64.min)
        try db.forEach("SELECT seq, leaf_hash, recorded_at FROM journal ORDER BY seq DESC LIMIT 1") { row in
            seq = row.int64(0)
            lastHash = Hash32(bytes: row.blob(1))
            lastRecordedAt = (try? Moment(parsing: row.text(2), field: "recorded_at"))?.timestamp ?? Timestamp(milliseconds: Int64.min)
        }
        self.seq = seq
        self.lastHash = lastHash
        self.lastRecordedAt = lastRecordedAt
        var loaded: MerkleFrontier?
        try db.forEach("SELECT hashes FROM merkle_frontier WHERE id = 1") { row in
            loaded = try? MerkleFrontier(serialized: row.blob(0))
        }
        if let loaded, loaded.size == UInt64(seq) {
            frontier = loaded
        } else if seq == 0 {
            frontier = MerkleFrontier()
        } else {
            throw LedgerError(.tampered,
                "the stored Merkle tree edge does not match the journal's \(seq) entries; run `accord audit`")
        }
    }

    /// Appends one entry and projects it.
    /// - Returns: the entry as recorded.
    @discardableResult
    func append(_ payload: Payload, actor: String, signer: EntrySigner? = nil, at now: Timestamp) throws -> Entry {
        let recordedAt = max(now, lastRecordedAt)
        let entry = Entry(seq: seq + 1, recordedAt: recordedAt, actor: actor, previousHash: lastHash,
                          signer: signer?.keyName, payload: payload)
        let bytes = entry.encoded()
        let leaf = Merkle.leafHash(bytes)
        let signature = try signer?.sign(bytes)
        let insert: Statement
        if let statement = insertStatement {
            insert = statement
        } else {
            insert = try db.cached("""
                INSERT INTO journal (seq, kind, recorded_at, actor, signer, entry, leaf_hash, signature)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insertStatement = insert
        }
        try insert.bind(entry.seq, at: 1)
        try insert.bind(entry.kind.rawValue, at: 2)
        if recordedAtText?.at != recordedAt { recordedAtText = (recordedAt, recordedAt.iso8601) }
        try insert.bind(recordedAtText?.text ?? recordedAt.iso8601, at: 3)
        try insert.bind(actor, at: 4)
        try insert.bind(DatabaseValue(signer?.keyName), at: 5)
        try insert.bind(bytes, at: 6)
        try leaf.withUnsafeBytes { try insert.bind(bytes: $0, at: 7) }
        try insert.bind(signature.map { DatabaseValue.blob($0) } ?? .null, at: 8)
        try insert.run()

        try frontier.append(leaf) { subtree in
            guard subtree.level >= JournalWriter.cachedLevel else { return }
            try db.run("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)",
                       subtree.level, Int64(subtree.index), subtree.hash.bytes)
        }
        frontierDirty = true
        seq = entry.seq
        lastHash = leaf
        lastRecordedAt = recordedAt
        try projector.apply(entry)
        return entry
    }

    /// Writes the Merkle edge and the pending running totals.
    func finish() throws {
        try projector.flush()
        if frontierDirty {
            try db.run("INSERT OR REPLACE INTO merkle_frontier (id, size, hashes) VALUES (1, ?, ?)",
                       Int64(frontier.size), frontier.serialized)
            frontierDirty = false
        }
    }
}

extension DatabaseValue {
    init(_ text: String?) {
        self = text.map { .text($0) } ?? .null
    }
}
