import AccordStorage
import AccordTrust

/// The journal's leaf hashes and the cached complete subtrees in
/// `merkle_nodes`, as a source for Merkle roots and proofs.
struct JournalHashSource: MerkleHashSource {
    let db: Database

    /// Subtrees of 2^10 leaves and more are cached by the journal writer.
    var minimumCachedLevel: Int { JournalWriter.cachedLevel }

    func leafHashes(_ range: Range<UInt64>) throws -> [Hash32] {
        var hashes: [Hash32] = []
        hashes.reserveCapacity(range.count)
        let statement = try db.cached("SELECT leaf_hash FROM journal WHERE seq >= ? AND seq <= ? ORDER BY seq")
        try statement.bind(Int64(range.lowerBound) + 1, at: 1)
        try statement.bind(Int64(range.upperBound), at: 2)
        let cursor = statement.cursor()
        while let row = try cursor.next() {
            guard let hash = Hash32(bytes: row.blob(0)) else {
                throw LedgerError(.tampered, "journal entry \(Int64(range.lowerBound) + Int64(hashes.count) + 1) has a malformed leaf hash")
            }
            hashes.append(hash)
        }
        guard hashes.count == range.count else {
            throw LedgerError(.tampered, "the journal is missing entries between \(range.lowerBound + 1) and \(range.upperBound)")
        }
        return hashes
    }

    func cachedSubtree(level: Int, index: UInt64) throws -> Hash32? {
        guard level >= JournalWriter.cachedLevel else { return nil }
        let statement = try db.cached("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")
        try statement.bind(Int64(level), at: 1)
        try statement.bind(Int64(index), at: 2)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Hash32(bytes: statement.blob(0))
    }
}
