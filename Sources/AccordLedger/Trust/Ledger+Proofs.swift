import AccordStorage
import AccordTrust

/// An RFC 6962 inclusion proof for one entry, verified before it is returned.
public struct InclusionProof: Sendable {
    /// The entry proven.
    public var seq: Int64
    /// The leaf index (seq − 1).
    public var leafIndex: Int64
    /// The size of the tree it is proven in.
    public var treeSize: Int64
    /// The entry's leaf hash.
    public var leafHash: Hash32
    /// The tree's root at ``treeSize``.
    public var root: Hash32
    /// The audit path, from the leaf up.
    public var path: [Hash32]

    /// The proof as JSON, hashes in lowercase hex.
    public var json: JSON {
        .object([
            ("type", .string("inclusion")), ("seq", .int(seq)), ("leafIndex", .int(leafIndex)), ("treeSize", .int(treeSize)),
            ("leafHash", .string(leafHash.hex)), ("root", .string(root.hex)),
            ("proof", .array(path.map { .string($0.hex) })), ("verified", .bool(true)),
        ])
    }
}

/// An RFC 6962 consistency proof between two tree sizes, verified before it is returned.
public struct ConsistencyProof: Sendable {
    /// The earlier tree size.
    public var oldSize: Int64
    /// The later tree size.
    public var newSize: Int64
    /// The root at ``oldSize``.
    public var oldRoot: Hash32
    /// The root at ``newSize``.
    public var newRoot: Hash32
    /// The consistency path (RFC 6962 §2.1.2).
    public var path: [Hash32]

    /// The proof as JSON, hashes in lowercase hex.
    public var json: JSON {
        .object([
            ("type", .string("consistency")), ("oldSize", .int(oldSize)), ("newSize", .int(newSize)),
            ("oldRoot", .string(oldRoot.hex)), ("newRoot", .string(newRoot.hex)),
            ("proof", .array(path.map { .string($0.hex) })), ("verified", .bool(true)),
        ])
    }
}

extension Ledger {
    /// Proves that entry `seq` is in the tree of the first `size` entries (default: all).
    /// - Throws: ``LedgerError`` `.badInput` for a seq or size out of range;
    ///   `.tampered` if the proof does not verify against the stored hashes.
    public func inclusionProof(seq: Int64, size: Int64? = nil) throws -> InclusionProof {
        try LedgerError.translating {
            try database.read { db in
                let head = try db.scalarInt("SELECT max(seq) FROM journal") ?? 0
                let size = size ?? head
                guard size >= 1, size <= head else {
                    throw LedgerError.invalid(.treeSize, "\(option: .treeSize) \(size) is outside 1…\(head), the ledger's entries")
                }
                guard seq >= 1, seq <= size else {
                    throw LedgerError.invalid(.entry, "entry \(seq) is not in a tree of \(size) entries (1…\(size))")
                }
                let source = JournalHashSource(db: db)
                let leaves = try source.leafHashes(UInt64(seq - 1)..<UInt64(seq))
                guard let leaf = leaves.first else { throw LedgerError(.tampered, "entry \(seq) is missing") }
                let root = try Merkle.root(size: UInt64(size), source: source)
                let path = try Merkle.inclusionProof(index: UInt64(seq - 1), size: UInt64(size), source: source)
                do {
                    try Merkle.verifyInclusion(leafHash: leaf, index: UInt64(seq - 1), size: UInt64(size), proof: path, root: root)
                } catch {
                    throw LedgerError(.tampered, "the inclusion proof of entry \(seq) does not verify (\(error))", hint: .audit)
                }
                return InclusionProof(seq: seq, leafIndex: seq - 1, treeSize: size, leafHash: leaf, root: root, path: path)
            }
        }
    }

    /// Proves that the tree of the first `oldSize` entries is a prefix of the
    /// tree of the first `newSize` (default: all).
    /// - Throws: ``LedgerError`` `.badInput` for sizes out of range.
    public func consistencyProof(oldSize: Int64, newSize: Int64? = nil) throws -> ConsistencyProof {
        try LedgerError.translating {
            try database.read { db in
                let head = try db.scalarInt("SELECT max(seq) FROM journal") ?? 0
                let newSize = newSize ?? head
                guard newSize >= 1, newSize <= head else {
                    throw LedgerError.invalid(.treeSize, "new size \(newSize) is outside 1…\(head), the ledger's entries")
                }
                guard oldSize >= 1, oldSize <= newSize else {
                    throw LedgerError.invalid(.treeSize, "old size \(oldSize) must be between 1 and the new size \(newSize)")
                }
                let source = JournalHashSource(db: db)
                let oldRoot = try Merkle.root(size: UInt64(oldSize), source: source)
                let newRoot = try Merkle.root(size: UInt64(newSize), source: source)
                let path = try Merkle.consistencyProof(oldSize: UInt64(oldSize), newSize: UInt64(newSize), source: source)
                do {
                    try Merkle.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(newSize), oldRoot: oldRoot,
                                                 newRoot: newRoot, proof: path)
                } catch {
                    throw LedgerError(.tampered, "the consistency proof \(oldSize)→\(newSize) does not verify (\(error))")
                }
                return ConsistencyProof(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, path: path)
            }
        }
    }
}
