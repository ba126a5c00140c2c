/// Computes subtree roots and proofs over a ``MerkleHashSource`` following the recursive
/// definitions of RFC 6962 §2.1, fetching as few, as large batches as it can.
///
/// Complete aligned subtrees at or above the cache level are asked from the cache; a miss
/// above the cache level descends into the two halves, a miss at it reads the block's leaves.
/// Any other range no larger than one block (or not aligned to blocks) is read as one batch.
/// While building a proof, the first range small enough to be read at once is loaded whole,
/// so every hash below it is computed in memory from that single batch.
struct MerkleTreeReader<Source: MerkleHashSource> {
    private let source: Source
    /// Subtrees at this level or above may be cached; blocks of `2^cacheLevel` leaves are
    /// read in one batch. 64 means everything is read in one batch.
    private let cacheLevel: Int
    /// Leaf hashes already read for the current proof, starting at leaf `start`.
    private var loaded: (start: UInt64, hashes: [Hash32])?

    init(source: Source) {
        self.source = source
        self.cacheLevel = min(max(source.minimumCachedLevel, 1), UInt64.bitWidth)
    }

    /// Whether `range` is read with one ``MerkleHashSource/leafHashes(_:)`` call rather
    /// than decomposed: it fits in one block, or is not block-aligned (so no cacheable
    /// subtree of at least a block can be a node of its tree).
    private func readsAsOneBatch(_ range: Range<UInt64>) -> Bool {
        guard cacheLevel < UInt64.bitWidth else { return true }
        let block = UInt64(1) << UInt64(cacheLevel)
        return range.upperBound - range.lowerBound <= block || range.lowerBound % block != 0
    }

    private func readLeaves(_ range: Range<UInt64>) throws -> [Hash32] {
        guard let expected = Int(exactly: range.upperBound - range.lowerBound) else {
            throw MerkleProofError.rangeTooLarge(range)
        }
        let hashes = try source.leafHashes(range)
        guard hashes.count == expected else {
            throw MerkleProofError.sourceReturnedWrongCount(
                range: range, expected: expected, actual: hashes.count)
        }
        return hashes
    }

    /// The already-loaded leaf hashes for `range`, if they cover it.
    private func loadedLeaves(_ range: Range<UInt64>) -> ArraySlice<Hash32>? {
        guard let loaded, range.lowerBound >= loaded.start,
              range.upperBound - loaded.start <= UInt64(loaded.hashes.count)
        else { return nil }
        return loaded.hashes[Int(range.lowerBound - loaded.start)..<Int(range.upperBound - loaded.start)]
    }

    /// Loads `range` as the proof's leaf batch if nothing is loaded yet and it is small enough.
    private mutating func loadIfBatchSized(_ range: Range<UInt64>) throws {
        if loaded == nil, readsAsOneBatch(range) {
            loaded = (range.lowerBound, try readLeaves(range))
        }
    }

    /// `MTH(D[lo:hi])` for a non-empty range.
    mutating func root(_ range: Range<UInt64>) throws -> Hash32 {
        if let leaves = loadedLeaves(range) {
            return Merkle.root(ofLeafHashes: leaves)
        }
        let lower = range.lowerBound
        let count = range.upperBound - lower
        if count.nonzeroBitCount == 1, lower % count == 0 {
            // A complete subtree aligned in the global tree: cacheable.
            let level = count.trailingZeroBitCount
            if level >= cacheLevel {
                if let cached = try source.cachedSubtree(level: level, index: lower >> UInt64(level)) {
                    return cached
                }
                if level > cacheLevel {
                    let middle = lower + count / 2
                    return Merkle.nodeHash(try root(lower..<middle), try root(middle..<range.upperBound))
                }
            }
            return Merkle.root(ofLeafHashes: try readLeaves(range))
        }
        if readsAsOneBatch(range) {
            return Merkle.root(ofLeafHashes: try readLeaves(range))
        }
        let middle = lower + Self.largestPowerOfTwo(below: count)
        return Merkle.nodeHash(try root(lower..<middle), try root(middle..<range.upperBound))
    }

    /// Appends `PATH(index, D[range])` (RFC 6962 §2.1.1), deepest sibling first.
    mutating func appendInclusionPath(
        index: UInt64, range: Range<UInt64>, to proof: inout [Hash32]
    ) throws {
        let count = range.upperBound - range.lowerBound
        guard count > 1 else { return }
        try loadIfBatchSized(range)
        let middle = range.lowerBound + Self.largestPowerOfTwo(below: count)
        if index < middle {
            try appendInclusionPath(index: index, range: range.lowerBound..<middle, to: &proof)
            proof.append(try root(middle..<range.upperBound))
        } else {
            try appendInclusionPath(index: index, range: middle..<range.upperBound, to: &proof)
            proof.append(try root(range.lowerBound..<middle))
        }
    }

    /// Appends `SUBPROOF(m, D[range], b)` (RFC 6962 §2.1.2) for `range.lowerBound < m <= range.upperBound`.
    mutating func appendSubproof(
        oldSize: UInt64, range: Range<UInt64>, isComplete: Bool, to proof: inout [Hash32]
    ) throws {
        if oldSize == range.upperBound {
            if !isComplete { proof.append(try root(range)) }
            return
        }
        try loadIfBatchSized(range)
        let middle = range.lowerBound + Self.largestPowerOfTwo(below: range.upperBound - range.lowerBound)
        if oldSize <= middle {
            try appendSubproof(oldSize: oldSize, range: range.lowerBound..<middle, isComplete: isComplete, to: &proof)
            proof.append(try root(middle..<range.upperBound))
        } else {
            try appendSubproof(oldSize: oldSize, range: middle..<range.upperBound, isComplete: false, to: &proof)
            proof.append(try root(range.lowerBound..<middle))
        }
    }

    /// The largest power of two strictly below `count` (`count >= 2`).
    static func largestPowerOfTwo(below count: UInt64) -> UInt64 {
        UInt64(1) << UInt64(UInt64.bitWidth - 1 - (count - 1).leadingZeroBitCount)
    }
}
