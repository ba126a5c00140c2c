/// Supplies the hashes of a stored tree to ``Merkle`` proof and root computations.
///
/// Implementations typically read leaf hashes from storage and keep the roots of some
/// large complete subtrees (for example those reported by
/// ``MerkleFrontier/append(_:onComplete:)``) so that proofs over big trees stay cheap.
public protocol MerkleHashSource {
    /// Leaf hashes for leaves in `range` (0-based), in order.
    func leafHashes(_ range: Range<UInt64>) throws -> [Hash32]

    /// A cached hash of the complete subtree at (level, index), or nil.
    ///
    /// Level `L`, index `i` covers leaves `[i·2^L, (i+1)·2^L)`.
    func cachedSubtree(level: Int, index: UInt64) throws -> Hash32?

    /// The smallest subtree level for which ``cachedSubtree(level:index:)`` is asked.
    ///
    /// Subtrees below this level are never looked up: the leaves of each aligned block of
    /// `2^minimumCachedLevel` leaves (and of the ragged right edge) are read with one
    /// ``leafHashes(_:)`` call and hashed in memory. A cache miss at a higher level
    /// descends into the two halves. Values are clamped to `1...64`; 64 means "no cache":
    /// every computation reads its whole range of leaves in a single batch.
    /// The default is 8 (blocks of 256 leaves).
    var minimumCachedLevel: Int { get }
}

extension MerkleHashSource {
    /// Blocks of 256 leaves are read in one batch; larger subtrees are looked up in the cache.
    public var minimumCachedLevel: Int { 8 }
}

/// Why a root or proof could not be computed from a ``MerkleHashSource``.
public enum MerkleProofError: Error, Hashable, Sendable {
    /// `index` is not a leaf of a tree of `size` leaves.
    case indexOutOfRange(index: UInt64, size: UInt64)
    /// A consistency proof was requested from a larger tree to a smaller one.
    case oldSizeExceedsNewSize(oldSize: UInt64, newSize: UInt64)
    /// The source returned a different number of leaf hashes than requested.
    case sourceReturnedWrongCount(range: Range<UInt64>, expected: Int, actual: Int)
    /// A range of leaves too large to read into memory at once.
    case rangeTooLarge(Range<UInt64>)
}

extension Merkle {
    /// The Merkle tree hash (RFC 6962 §2.1) of the leaves in `range`, treated as a tree of
    /// their own: `MTH(D[lo:hi])`, split at the largest power of two below its size.
    ///
    /// Complete, aligned subtrees come from the source's cache when it has them; everything
    /// else is read in batches of leaves (see ``MerkleHashSource/minimumCachedLevel``).
    /// An empty range yields ``emptyRoot``.
    public static func subtreeRoot(
        _ range: Range<UInt64>, source: some MerkleHashSource
    ) throws -> Hash32 {
        guard !range.isEmpty else { return emptyRoot }
        var reader = MerkleTreeReader(source: source)
        return try reader.root(range)
    }

    /// The root of the tree made of the first `size` leaves (``emptyRoot`` for 0).
    public static func root(size: UInt64, source: some MerkleHashSource) throws -> Hash32 {
        try subtreeRoot(0..<size, source: source)
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves
    /// (RFC 6962 §2.1.1 `PATH(m, D[n])`), ordered from the leaf's sibling up to the root's child.
    ///
    /// - Throws: ``MerkleProofError/indexOutOfRange(index:size:)`` unless `index < size`,
    ///   or whatever the source throws.
    public static func inclusionProof(
        index: UInt64, size: UInt64, source: some MerkleHashSource
    ) throws -> [Hash32] {
        guard index < size else {
            throw MerkleProofError.indexOutOfRange(index: index, size: size)
        }
        var reader = MerkleTreeReader(source: source)
        var proof: [Hash32] = []
        proof.reserveCapacity(inclusionProofLength(index: index, size: size))
        try reader.appendInclusionPath(index: index, range: 0..<size, to: &proof)
        return proof
    }

    /// The consistency proof between the trees of the first `oldSize` and `newSize` leaves
    /// (RFC 6962 §2.1.2 `PROOF(m, D[n])`).
    ///
    /// The proof is empty when `oldSize == 0` or `oldSize == newSize`, where RFC 6962
    /// defines none (`0 < m < n`) and none is needed.
    ///
    /// - Throws: ``MerkleProofError/oldSizeExceedsNewSize(oldSize:newSize:)``,
    ///   or whatever the source throws.
    public static func consistencyProof(
        oldSize: UInt64, newSize: UInt64, source: some MerkleHashSource
    ) throws -> [Hash32] {
        guard oldSize <= newSize else {
            throw MerkleProofError.oldSizeExceedsNewSize(oldSize: oldSize, newSize: newSize)
        }
        guard oldSize > 0, oldSize < newSize else { return [] }
        var reader = MerkleTreeReader(source: source)
        var proof: [Hash32] = []
        proof.reserveCapacity(consistencyProofLength(oldSize: oldSize, newSize: newSize))
        try reader.appendSubproof(oldSize: oldSize, range: 0..<newSize, isComplete: true, to: &proof)
        return proof
    }

    /// The number of hashes in the inclusion proof of `index` in a tree of `size` leaves
    /// (requires `index < size`).
    static func inclusionProofLength(index: UInt64, size: UInt64) -> Int {
        let (inner, border) = decomposeInclusionProof(index: index, size: size)
        return inner + border
    }

    /// The number of hashes in the consistency proof from `oldSize` to `newSize`
    /// (requires `0 < oldSize < newSize`).
    static func consistencyProofLength(oldSize: UInt64, newSize: UInt64) -> Int {
        // The old tree's right edge is the path of its last leaf with the nodes below the
        // largest complete subtree ending there (its trailing zero bits) folded into one
        // seed hash; the seed is sent unless that subtree is the whole old tree.
        let (inner, border) = decomposeInclusionProof(index: oldSize - 1, size: newSize)
        let shift = oldSize.trailingZeroBitCount
        let seed = oldSize.nonzeroBitCount == 1 ? 0 : 1
        return seed + (inner - shift) + border
    }

    /// Splits the inclusion path of `index` into the hashes below the point where the
    /// paths of `index` and `size - 1` meet (`inner`) and the left siblings above it
    /// (`border`), as in the RFC 9162 algorithms.
    private static func decomposeInclusionProof(index: UInt64, size: UInt64) -> (inner: Int, border: Int) {
        let inner = UInt64.bitWidth - (index ^ (size - 1)).leadingZeroBitCount
        let border = (index >> UInt64(inner)).nonzeroBitCount
        return (inner, border)
    }
}
