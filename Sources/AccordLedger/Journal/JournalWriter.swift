import AccordStorage
import AccordTrust

/// Something that signs entries on behalf of a registered key.
public protocol EntrySigner: Sendable {
    /// The registered key name written into the entry.
    var keyName: String { get }
    /// The public key it signs with, when it knows it: the ledger then
    /// refuses it unless that is the key registered under ``keyName``.
    var verifyingKey: [UInt8]? { get }
    /// An Ed25519 signature (64 bytes) over what an entry's signature covers
    /// (``Entry/signedBytes(naming:)``).
    func sign(_ bytes: [UInt8]) throws -> [UInt8]
    /// The signature, when it was made before the write (a claim signed
    /// elsewhere): the ledger records such a claim once, and the same claim
    /// with the same signature again is the entry that holds it.
    var presentedSignature: [UInt8]? { get }
}

extension EntrySigner {
    /// None by default: the registered key alone is checked.
    public var verifyingKey: [UInt8]? { nil }
    /// None by default: the signature is made when the entry is written.
    public var presentedSignature: [UInt8]? { nil }
}

/// What a write transaction appended, once it is final.
struct JournalCommit: Sendable {
    /// The last entry of the transaction, which carries the state root.
    var lastSeq: Int64
    var lastLeaf: Hash32
    /// The tree after the transaction.
    var treeSize: Int64
    var root: Hash32
}

/// Appends entries to the journal inside one write transaction: assigns the
/// next seq, chains and hashes the entry, extends the Merkle tree, and writes
/// the projections. Create one per transaction; call ``finish()`` before the
/// transaction commits.
///
/// The last entry of a transaction carries the state root: the digest of the
/// projections it leaves behind (docs/JOURNAL.md, "State roots"). So each
/// entry is held back until the next one arrives (it is then written without
/// a root) or until ``finish()`` (it is written with the root).
final class JournalWriter {
    let db: Database
    let projector: Projector
    let tracker: StateTracker
    private(set) var seq: Int64
    /// The leaf hash the next entry chains to.
    private(set) var lastHash: Hash32?
    private(set) var lastRecordedAt: Timestamp
    private(set) var frontier: MerkleFrontier
    private var frontierDirty = false
    /// The entry appended last, not yet in the journal table.
    private var pending: (entry: Entry, bytes: [UInt8], leaf: Hash32, signature: [UInt8]?)?
    private var insertStatement: Statement?

    /// Complete subtrees at this level or above are stored in `merkle_nodes`.
    static let cachedLevel = 10

    /// - Parameter rebuilding: the projections are being rebuilt from the
    ///   journal (an upgrade); the journal's last entry may predate state roots.
    init(db: Database, rebuilding: Bool = false) throws {
        self.db = db
        var seq: Int64 = 0
        var lastHash: Hash32?
        var lastRecordedAt = Timestamp(milliseconds: Int64.min)
        var last: Entry?
        // The last entry, hashed (the journal keeps no leaf hashes; the stored
        // Merkle edge holds the rest of the tree, and is checked against it below).
        try db.forEach("SELECT seq, entry FROM journal ORDER BY seq DESC LIMIT 1") { row in
            seq = row.int64(0)
            let bytes = row.blob(1)
            last = try? Entry.decodeCanonical(bytes)
            lastHash = Merkle.leafHash(bytes)
        }
        if seq > 0 {
            guard let last, last.seq == seq else {
                throw LedgerError(.tampered, "the journal's last entry (\(seq)) cannot be read back as written; nothing was written")
            }
            lastRecordedAt = last.recordedAt
            if last.stateRoot == nil && !rebuilding {
                throw LedgerError(.tampered, "the journal's last entry (\(seq)) carries no state root, as the last entry of every "
                                  + "write does; nothing was written")
            }
        }
        self.seq = seq
        self.lastHash = lastHash
        self.lastRecordedAt = lastRecordedAt
        var loaded: MerkleFrontier?
        try db.forEach("SELECT hashes FROM merkle_frontier WHERE id = 1") { row in
            loaded = try? MerkleFrontier(serialized: row.blob(0))
        }
        if let loaded, loaded.size == UInt64(seq) {
            // The last entry against the edge: its smallest node, computed
            // again with the last entry hashed from its bytes.
            guard try JournalHashSource.lastNodeMatches(loaded, db: db) else {
                throw LedgerError(.tampered, "the journal's last entry (\(seq)) cannot be read back as written: it does not "
                                  + "match the stored edge of the Merkle tree; nothing was written")
            }
            frontier = loaded
        } else if seq == 0 {
            frontier = MerkleFrontier()
        } else {
            throw LedgerError(.tampered,
                "the stored Merkle tree edge does not match the journal's \(seq) entries; nothing was written")
        }
        tracker = try StateTracker(db: db, headRoot: rebuilding ? nil : last?.stateRoot, rebuilding: rebuilding)
        projector = Projector(db: db, tracker: tracker)
    }

    /// When the last entry was recorded (for the clock checks).
    var lastRecorded: Timestamp? { seq > 0 ? lastRecordedAt : nil }

    /// Appends one entry and projects it.
    /// - Returns: the entry as recorded (without the state root, which only
    ///   the transaction's last entry gets, in ``finish()``).
    @discardableResult
    /// - Parameters:
    ///   - version: the entry's format.
    ///   - claim: what its signature covers, when the session built it
    ///     (a version-3 entry's names its references); else built here.
    func append(_ payload: Payload, actor: String, signer: EntrySigner? = nil, at now: Timestamp,
                clock: RecordingClock = .system, version: UInt8 = Entry.formatVersion, claim: [UInt8]? = nil) throws -> Entry {
        if let pending { try write(pending.entry, bytes: pending.bytes, leaf: pending.leaf, signature: pending.signature) }
        let recordedAt = max(now, lastRecordedAt)
        let entry = Entry(seq: seq + 1, recordedAt: recordedAt, clock: clock, actor: actor, previousHash: lastHash,
                          signer: signer?.keyName, payload: payload, version: version)
        let bytes = entry.encoded()
        let leaf = Merkle.leafHash(bytes)
        let signature = try signer.map { signer in
            guard let claim = claim ?? (version < 3 ? entry.signedBytes() : nil) else {
                throw LedgerError(.io, "internal: a version-3 entry was signed without its claim")
            }
            return try signer.sign(claim)
        }
        pending = (entry, bytes, leaf, signature)
        seq = entry.seq
        lastHash = leaf
        lastRecordedAt = recordedAt
        try projector.apply(entry, content: leaf)
        return entry
    }

    /// Copies an entry recorded elsewhere into this journal exactly as it was
    /// (its bytes, state root and signature), and projects it: to replay a
    /// journal into another database. The entry must be the next one and
    /// chain to the last.
    /// - Throws: ``LedgerError`` `.tampered` when it does not follow on.
    func appendVerbatim(_ entry: Entry, bytes: [UInt8], signature: [UInt8]?) throws {
        if let pending { try write(pending.entry, bytes: pending.bytes, leaf: pending.leaf, signature: pending.signature) }
        guard entry.seq == seq + 1, entry.previousHash == lastHash else {
            throw LedgerError(.tampered, "entry \(entry.seq) does not follow entry \(seq) of the journal being replayed")
        }
        // Recording times never decrease along a journal (the writer stamps each entry with the later of the
        // clock and the time before); a copy that goes back in time is not one this writer could have made.
        guard entry.recordedAt >= lastRecordedAt else {
            throw LedgerError(.tampered, "entry \(entry.seq) is recorded before entry \(seq) of the journal being replayed")
        }
        let leaf = Merkle.leafHash(bytes)
        try write(entry, bytes: bytes, leaf: leaf, signature: signature)
        seq = entry.seq
        lastHash = leaf
        lastRecordedAt = max(lastRecordedAt, entry.recordedAt)
        try projector.apply(entry, content: entry.stateRoot == nil ? leaf : entry.contentHash)
    }

    /// Writes the running totals, the state, the last entry with its state
    /// root, and the Merkle edge.
    /// - Returns: the transaction's last entry and the tree after it, or nil
    ///   when nothing was appended.
    @discardableResult
    func finish() throws -> JournalCommit? {
        try projector.flush()
        guard var last = pending else {
            // Only verbatim entries (a replay): their state is what the tracker now holds.
            if tracker.hasChanges { _ = try tracker.finish() }
            if frontierDirty {
                try db.runChecked("INSERT OR REPLACE INTO merkle_frontier (id, size, hashes) VALUES (1, ?, ?)",
                                  [Int64(frontier.size), frontier.serialized], what: "the Merkle tree edge")
                frontierDirty = false
            }
            return nil
        }
        last.entry.stateRoot = try tracker.finish()
        last.bytes = last.entry.encoded()
        last.leaf = Merkle.leafHash(last.bytes)
        try write(last.entry, bytes: last.bytes, leaf: last.leaf, signature: last.signature)
        lastHash = last.leaf
        if frontierDirty {
            try db.runChecked("INSERT OR REPLACE INTO merkle_frontier (id, size, hashes) VALUES (1, ?, ?)",
                              [Int64(frontier.size), frontier.serialized], what: "the Merkle tree edge")
            frontierDirty = false
        }
        return JournalCommit(lastSeq: last.entry.seq, lastLeaf: last.leaf, treeSize: Int64(frontier.size), root: frontier.root)
    }

    /// Inserts an entry into the journal table and extends the tree.
    private func write(_ entry: Entry, bytes: [UInt8], leaf: Hash32, signature: [UInt8]?) throws {
        pending = nil
        let insert: Statement
        if let statement = insertStatement {
            insert = statement
        } else {
            insert = try db.cached("""
                INSERT INTO journal (seq, kind_code, signer, entry, signature)
                VALUES (?, ?, ?, ?, ?)
                """)
            insertStatement = insert
        }
        try insert.bind(entry.seq, at: 1)
        try insert.bind(Int64(entry.kind.code), at: 2)
        try insert.bind(DatabaseValue(entry.signer), at: 3)
        try insert.bind(bytes, at: 4)
        try insert.bind(signature.map { DatabaseValue.blob($0) } ?? .null, at: 5)
        try Database.confirm(try insert.run(), what: "journal entry \(entry.seq)")

        try frontier.append(leaf) { subtree in
            guard subtree.level >= JournalWriter.cachedLevel else { return }
            try db.runChecked("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)",
                              [subtree.level, Int64(subtree.index), subtree.hash.bytes], what: "a Merkle tree node")
        }
        frontierDirty = true
    }

    /// The entry appended at `seq` in this transaction and not yet written, if any.
    func pendingEntry(_ seq: Int64) -> Entry? {
        pending.flatMap { $0.entry.seq == seq ? $0.entry : nil }
    }

    /// The entries signed with exactly `signature`, this transaction's last
    /// one included (it is written only when the next one is, or at the end).
    func entries(signedWith signature: [UInt8]) throws -> [Entry] {
        var found: [Entry] = []
        try db.forEach("SELECT entry FROM journal WHERE signature = ? ORDER BY seq", [signature]) { row in
            guard let entry = try? Entry.decode(row.blob(0)) else { return }
            found.append(entry)
        }
        if let pending, pending.signature == signature { found.append(pending.entry) }
        return found
    }

    /// Where the writer stands, for ``restore(_:)``.
    struct Mark {
        fileprivate let seq: Int64
        fileprivate let lastHash: Hash32?
        fileprivate let lastRecordedAt: Timestamp
        fileprivate let frontier: MerkleFrontier
        fileprivate let frontierDirty: Bool
        fileprivate let pending: (entry: Entry, bytes: [UInt8], leaf: Hash32, signature: [UInt8]?)?
    }

    /// Where the writer stands now (the held-back entry included).
    func mark() -> Mark {
        Mark(seq: seq, lastHash: lastHash, lastRecordedAt: lastRecordedAt, frontier: frontier, frontierDirty: frontierDirty,
             pending: pending)
    }

    /// Puts the writer back at `mark`, once the database was rolled back to a
    /// savepoint taken when the mark was: the same last entry, the same entry
    /// held back (its row, if a later append wrote it, was rolled back too),
    /// the same tree edge.
    func restore(_ mark: Mark) {
        seq = mark.seq
        lastHash = mark.lastHash
        lastRecordedAt = mark.lastRecordedAt
        frontier = mark.frontier
        frontierDirty = mark.frontierDirty
        pending = mark.pending
    }
}

extension DatabaseValue {
    init(_ text: String?) {
        self = text.map { .text($0) } ?? .null
    }
}
