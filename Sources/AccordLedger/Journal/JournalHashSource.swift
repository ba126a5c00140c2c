import AccordStorage
import AccordTrust

/// The journal's leaf hashes, computed from the entries (the journal keeps
/// no copy of them since schema 18), and the cached complete subtrees in
/// `merkle_nodes`, as a source for Merkle roots and proofs. Every complete
/// block of 2^10 entries is a cached subtree, so a root hashes only the
/// entries after the last one (the tree's ragged right edge), and a proof at
/// most also those of the block holding its leaf (or the old tree's last leaf).
///
/// The cached subtrees, like the stored right edge, are rows anyone with the
/// file can rewrite, so they prove nothing about the entries under them. A
/// source made with `hashing` never takes from the cache a subtree holding
/// that leaf: a root or node computed through it hashes the entries of the
/// block of 1,024 holding the leaf (the other cached subtrees still serve),
/// so it is tied to that entry's bytes at every size.
struct JournalHashSource: MerkleHashSource {
    let db: Database
    /// The leaf (0-based) no cached subtree is taken for, if any.
    var hashing: UInt64?

    /// The hashes of the journal in `db`; with `hashing`, every subtree
    /// holding that leaf (0-based) is computed from the entries.
    init(db: Database, hashing leaf: UInt64? = nil) {
        self.db = db
        hashing = leaf
    }

    /// Subtrees of 2^10 leaves and more are cached by the journal writer.
    var minimumCachedLevel: Int { JournalWriter.cachedLevel }

    func leafHashes(_ range: Range<UInt64>) throws -> [Hash32] {
        var hashes: [Hash32] = []
        hashes.reserveCapacity(range.count)
        let statement = try db.cached("SELECT entry FROM journal WHERE seq >= ? AND seq <= ? ORDER BY seq")
        try statement.bind(Int64(range.lowerBound) + 1, at: 1)
        try statement.bind(Int64(range.upperBound), at: 2)
        let cursor = statement.cursor()
        while let row = try cursor.next() {
            hashes.append(row.leafHash(0))
        }
        guard hashes.count == range.count else {
            throw LedgerError(.tampered, "the journal is missing entries between \(range.lowerBound + 1) and \(range.upperBound)")
        }
        return hashes
    }

    func cachedSubtree(level: Int, index: UInt64) throws -> Hash32? {
        guard level >= JournalWriter.cachedLevel else { return nil }
        if let leaf = hashing, leaf >> UInt64(level) == index { return nil }
        let statement = try db.cached("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")
        try statement.bind(Int64(level), at: 1)
        try statement.bind(Int64(index), at: 2)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Hash32(bytes: statement.blob(0))
    }
}

extension JournalHashSource {
    /// The smallest node of the stored right edge of the tree of the journal
    /// in `db` (its last hash: the subtree of the last 2^k leaves, k the
    /// trailing zero bits of the size), computed again with the last entry
    /// hashed from its bytes (at most the 1,024 entries of its block; cached
    /// subtrees that do not hold it serve for the rest).
    /// - Returns: whether `edge` has that node (true for an empty edge).
    static func lastNodeMatches(_ edge: MerkleFrontier, db: Database) throws -> Bool {
        guard edge.size > 0, let node = edge.hashes.last else { return true }
        let width = UInt64(1) << UInt64(edge.size.trailingZeroBitCount)
        let computed = try Merkle.subtreeRoot((edge.size - width)..<edge.size,
                                              source: JournalHashSource(db: db, hashing: edge.size - 1))
        return computed == node
    }
}

extension Row {
    /// The leaf hash of the entry in column `index`, SHA-256(0x00 ‖ entry),
    /// hashed where SQLite holds the bytes (the journal keeps no copy of it).
    func leafHash(_ index: Int32) -> Hash32 {
        withBytes(index) { Merkle.leafHash(unsafeBytes: $0) }
    }
}
