import AccordStorage
import AccordTrust

/// What an acknowledged write gives back: where the entry stands in the
/// journal, and the tree that holds it, so its inclusion can be proven later
/// against any checkpoint of that size or larger (``Ledger/inclusionProof``).
public struct Receipt: Sendable, Equatable {
    /// Whether the write appended an entry or found its content already recorded.
    public enum Status: String, Sendable {
        /// A new entry was appended.
        case recorded
        /// The same content was already recorded; nothing was written.
        case alreadyRecorded = "already recorded"
    }

    /// Recorded now, or already recorded.
    public var status: Status
    /// The entry (for `alreadyRecorded`, the one that holds the content).
    public var seq: Int64
    /// The entry's kind.
    public var kind: EntryKind
    /// The entry's RFC 6962 leaf hash.
    public var leafHash: Hash32
    /// The tree after the write (for `alreadyRecorded`, the ledger's current tree).
    public var treeSize: Int64
    /// The root of the tree at ``treeSize``.
    public var root: Hash32

    /// True when the write appended a new entry.
    public var recorded: Bool { status == .recorded }
}

extension Ledger {
    /// Runs a write that records at most one entry and returns its receipt.
    func record(_ recorder: Recorder, _ body: (Session) throws -> Recorded) throws -> Receipt {
        let (recorded, commit) = try transactCommitting(recorder, body)
        return try LedgerError.translating {
            try database.read { db in
                var head: (size: Int64, root: Hash32)?
                return try Receipt.make(recorded, commit: commit, db: db, head: &head)
            }
        }
    }
}

extension Receipt {
    /// The receipt of `recorded`: the entry's leaf hash, and the tree the
    /// transaction left (or, when nothing was written, the current one,
    /// computed once per `head` cache: a batch's receipts share it).
    static func make(_ recorded: Recorded, commit: JournalCommit?, db: Database, head: inout (size: Int64, root: Hash32)?) throws -> Receipt {
        var leaf: Hash32?
        var entry: Entry?
        // The kind from the entry itself, not the journal's readable copy of it.
        try db.forEach("SELECT entry FROM journal WHERE seq = ?", [recorded.seq]) { row in
            let bytes = row.blob(0)
            leaf = Merkle.leafHash(bytes)
            entry = try? Entry.decodeCanonical(bytes)
        }
        guard let leafHash = leaf, let entry, entry.seq == recorded.seq else {
            throw LedgerError(.tampered, "entry \(recorded.seq) cannot be read back from the journal")
        }
        switch recorded {
        case .added:
            guard let commit else { throw LedgerError(.failure, "entry \(recorded.seq) was recorded without a commit") }
            return Receipt(status: .recorded, seq: recorded.seq, kind: entry.kind, leafHash: leafHash,
                           treeSize: commit.treeSize, root: commit.root)
        case .alreadyPresent:
            if head == nil {
                let stamp = try LedgerView(head: db).stamp()
                guard let root = Hash32(hex: stamp.root) else { throw LedgerError(.tampered, "the ledger's root cannot be read") }
                head = (stamp.treeSize, root)
            }
            guard let head else { throw LedgerError(.tampered, "the ledger's root cannot be read") }
            return Receipt(status: .alreadyRecorded, seq: recorded.seq, kind: entry.kind, leafHash: leafHash,
                           treeSize: head.size, root: head.root)
        }
    }
}

extension Receipt {
    /// `{"seq", "kind", "leafHash", "treeSize", "root", "status"}`.
    public var json: JSON {
        .object([("seq", .int(seq)), ("kind", .string(kind.rawValue)), ("leafHash", .string(leafHash.hex)),
                 ("treeSize", .int(treeSize)), ("root", .string(root.hex)), ("status", .string(status.rawValue))])
    }
}

extension Receipt {
    /// What the write did, as the session reports it.
    public var outcome: Recorded { recorded ? .added(seq: seq, kind: kind) : .alreadyPresent(seq: seq) }
}
