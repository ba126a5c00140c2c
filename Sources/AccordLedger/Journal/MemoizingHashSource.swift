import AccordStorage
import AccordTrust

/// The journal's hashes for many proofs in one tree (a push's receipts):
/// each complete subtree is hashed once, and leaf hashes are read once, in
/// aligned blocks, however many proofs share them. (``JournalHashSource``
/// alone hashes the block of 1,024 leaves around each proven leaf again
/// for every proof.)
final class MemoizingHashSource: MerkleHashSource {
    private let base: JournalHashSource
    /// The tree's size: the last block is read up to it.
    private let size: UInt64
    private var blocks: [UInt64: [Hash32]] = [:]
    private var subtrees: [Int: [UInt64: Hash32]] = [:]
    /// Roots of the tree's incomplete right-edge ranges, by their first leaf.
    private var edges: [UInt64: Hash32] = [:]
    private static let blockLevel = 10

    /// The hashes of the tree of the first `size` entries of the journal in `db`.
    init(db: Database, size: Int64) {
        base = JournalHashSource(db: db)
        self.size = UInt64(max(size, 0))
    }

    /// Every complete subtree is asked for, so that each is computed once.
    var minimumCachedLevel: Int { 1 }

    func leafHashes(_ range: Range<UInt64>) throws -> [Hash32] {
        var hashes: [Hash32] = []
        hashes.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let block = index >> UInt64(Self.blockLevel)
            let start = block << UInt64(Self.blockLevel)
            let leaves = try self.block(block)
            let end = min(range.upperBound, start + UInt64(leaves.count))
            guard end > index else { throw LedgerError(.tampered, "the journal is missing entry \(index + 1)") }
            hashes.append(contentsOf: leaves[Int(index - start)..<Int(end - start)])
            index = end
        }
        return hashes
    }

    /// The leaves of an aligned block (the last one up to the tree's size), read once.
    private func block(_ block: UInt64) throws -> [Hash32] {
        if let leaves = blocks[block] { return leaves }
        let start = block << UInt64(Self.blockLevel)
        let leaves = try base.leafHashes(start..<min(size, start + (1 << UInt64(Self.blockLevel))))
        blocks[block] = leaves
        return leaves
    }

    /// The inclusion proof of leaf `index` (0-based) in the tree of this
    /// source's size: `Merkle.inclusionProof(index:size:source:)` over this
    /// source, deepest sibling first, without its generic tree reader. Every
    /// sibling on the path is a complete subtree (memoized) or a range of the
    /// tree's right edge, memoized here, so a batch of proofs hashes each
    /// node once.
    /// - Throws: ``MerkleProofError/indexOutOfRange(index:size:)``, or what reading the journal throws.
    func inclusionProof(index: UInt64) throws -> [Hash32] {
        guard index < size else { throw MerkleProofError.indexOutOfRange(index: index, size: size) }
        var siblings: [Hash32] = []
        var (lower, upper) = (UInt64(0), size)
        // RFC 6962 §2.1.1 PATH, from the root down: split at the largest power of two below the count.
        while upper - lower > 1 {
            let middle = lower + Self.largestPowerOfTwo(below: upper - lower)
            if index < middle {
                siblings.append(try root(middle, upper))
                upper = middle
            } else {
                siblings.append(try root(lower, middle))
                lower = middle
            }
        }
        return siblings.reversed()
    }

    /// MTH of leaves `lower..<upper` (non-empty): a complete aligned subtree, or a range ending at the tree's edge.
    private func root(_ lower: UInt64, _ upper: UInt64) throws -> Hash32 {
        let count = upper - lower
        if count.nonzeroBitCount == 1, lower % count == 0 {
            let level = count.trailingZeroBitCount
            if level == 0 { return try leafHashes(lower..<upper)[0] }
            guard let hash = try cachedSubtree(level: level, index: lower >> UInt64(level)) else {
                throw LedgerError(.tampered, "the journal's Merkle tree cannot be read", hint: .audit)
            }
            return hash
        }
        // Only the tree's right edge is incomplete: one range for each first leaf.
        if upper == size, let known = edges[lower] { return known }
        let middle = lower + Self.largestPowerOfTwo(below: count)
        let hash = Merkle.nodeHash(try root(lower, middle), try root(middle, upper))
        if upper == size { edges[lower] = hash }
        return hash
    }

    /// The largest power of two strictly below `count` (at least 2): where RFC 6962 splits a range.
    private static func largestPowerOfTwo(below count: UInt64) -> UInt64 {
        UInt64(1) << UInt64(UInt64.bitWidth - 1 - (count - 1).leadingZeroBitCount)
    }

    func cachedSubtree(level: Int, index: UInt64) throws -> Hash32? {
        if let known = subtrees[level]?[index] { return known }
        let hash: Hash32
        if level >= JournalWriter.cachedLevel, let stored = try base.cachedSubtree(level: level, index: index) {
            hash = stored
        } else if level == 1 {
            let leaves = try leafHashes((index << 1)..<((index << 1) + 2))
            hash = Merkle.nodeHash(leaves[0], leaves[1])
        } else {
            guard let left = try cachedSubtree(level: level - 1, index: index << 1),
                  let right = try cachedSubtree(level: level - 1, index: (index << 1) + 1) else { return nil }
            hash = Merkle.nodeHash(left, right)
        }
        subtrees[level, default: [:]][index] = hash
        return hash
    }
}
