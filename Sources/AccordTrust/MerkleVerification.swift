/// Why a Merkle inclusion or consistency proof was rejected.
public enum MerkleVerificationError: Error, Hashable, Sendable {
    /// The leaf index is not below the tree size.
    case indexOutOfRange(index: UInt64, size: UInt64)
    /// The old tree is larger than the new one.
    case oldSizeExceedsNewSize(oldSize: UInt64, newSize: UInt64)
    /// The proof must be empty here (equal sizes, or an empty old tree) but is not.
    case proofNotEmpty(count: Int)
    /// A consistency proof between different non-empty trees cannot be empty.
    case emptyProof
    /// The proof has more or fewer hashes than the tree shape requires.
    case wrongProofLength(expected: Int, actual: Int)
    /// The path ran past the root (RFC 9162: "if sn is 0, … fail").
    case proofTooLong
    /// The path ended below the root (RFC 9162: final `sn == 0` check).
    case proofTooShort
    /// The recomputed root differs from the expected root.
    case rootMismatch
    /// The old root recomputed from a consistency proof differs from the expected old root.
    case oldRootMismatch
    /// The new root recomputed from a consistency proof differs from the expected new root.
    case newRootMismatch
}

extension Merkle {
    /// Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with root `root`,
    /// per RFC 9162 §2.1.3.2.
    ///
    /// The proof length is checked against the tree shape first, so a proof of any size is
    /// rejected in time proportional to the expected length; then the RFC algorithm runs as
    /// written. Never traps, for any sizes up to `UInt64.max`.
    public static func verifyInclusion(
        leafHash: Hash32, index: UInt64, size: UInt64, proof: [Hash32], root: Hash32
    ) throws(MerkleVerificationError) {
        guard index < size else { throw .indexOutOfRange(index: index, size: size) }
        let expected = inclusionProofLength(index: index, size: size)
        guard proof.count == expected else {
            throw .wrongProofLength(expected: expected, actual: proof.count)
        }
        let computed = try rootFromInclusionPath(leafHash: leafHash, index: index, size: size, proof: proof)
        guard computed == root else { throw .rootMismatch }
    }

    /// Whether the inclusion proof verifies; see ``verifyInclusion(leafHash:index:size:proof:root:)``.
    public static func isValidInclusion(
        leafHash: Hash32, index: UInt64, size: UInt64, proof: [Hash32], root: Hash32
    ) -> Bool {
        do {
            try verifyInclusion(leafHash: leafHash, index: index, size: size, proof: proof, root: root)
            return true
        } catch {
            return false
        }
    }

    /// RFC 9162 §2.1.3.2 steps 2–5 (without the root comparison): the root implied by
    /// the path, or an error if the path's length does not fit the tree. Requires `index < size`.
    static func rootFromInclusionPath(
        leafHash: Hash32, index: UInt64, size: UInt64, proof: [Hash32]
    ) throws(MerkleVerificationError) -> Hash32 {
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { throw .proofTooLong }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .proofTooShort }
        return r
    }

    /// Verifies that the tree of `newSize` leaves with root `newRoot` extends the tree of
    /// `oldSize` leaves with root `oldRoot`, per RFC 9162 §2.1.4.2.
    ///
    /// Cases outside the RFC algorithm (`0 < first < second`):
    /// - `oldSize > newSize` is rejected;
    /// - `oldSize == newSize` requires an empty proof and `oldRoot == newRoot`;
    /// - `oldSize == 0` requires an empty proof and `oldRoot == Merkle.emptyRoot`
    ///   (every tree extends the empty tree).
    ///
    /// Otherwise the proof length is checked against the tree shapes, then the RFC
    /// algorithm runs as written, including prepending `oldRoot` when `oldSize` is a power
    /// of two and the final `sn == 0` check. Never traps.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: Hash32, newRoot: Hash32, proof: [Hash32]
    ) throws(MerkleVerificationError) {
        guard oldSize <= newSize else {
            throw .oldSizeExceedsNewSize(oldSize: oldSize, newSize: newSize)
        }
        if oldSize == newSize {
            guard proof.isEmpty else { throw .proofNotEmpty(count: proof.count) }
            guard oldRoot == newRoot else { throw .rootMismatch }
            return
        }
        if oldSize == 0 {
            guard proof.isEmpty else { throw .proofNotEmpty(count: proof.count) }
            guard oldRoot == emptyRoot else { throw .oldRootMismatch }
            return
        }
        // Step 1.
        guard !proof.isEmpty else { throw .emptyProof }
        let expected = consistencyProofLength(oldSize: oldSize, newSize: newSize)
        guard proof.count == expected else {
            throw .wrongProofLength(expected: expected, actual: proof.count)
        }
        let (fr, sr) = try rootsFromConsistencyPath(
            oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, proof: proof)
        guard fr == oldRoot else { throw .oldRootMismatch }
        guard sr == newRoot else { throw .newRootMismatch }
    }

    /// Whether the consistency proof verifies; see
    /// ``verifyConsistency(oldSize:newSize:oldRoot:newRoot:proof:)``.
    public static func isValidConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: Hash32, newRoot: Hash32, proof: [Hash32]
    ) -> Bool {
        do {
            try verifyConsistency(
                oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
            return true
        } catch {
            return false
        }
    }

    /// RFC 9162 §2.1.4.2 steps 1–7 without the final root comparisons: the old and new roots
    /// (`fr`, `sr`) implied by the path. Requires `0 < oldSize < newSize`.
    static func rootsFromConsistencyPath(
        oldSize: UInt64, newSize: UInt64, oldRoot: Hash32, proof: [Hash32]
    ) throws(MerkleVerificationError) -> (old: Hash32, new: Hash32) {
        // 1. An empty path fails.
        guard !proof.isEmpty else { throw .emptyProof }
        // 2. If first is an exact power of 2, prepend first_hash to the path.
        let path = oldSize.nonzeroBitCount == 1 ? [oldRoot] + proof : proof
        // 3.
        var fn = oldSize - 1
        var sn = newSize - 1
        // 4. If LSB(fn) is set, right-shift both until it is not.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5.
        var fr = path[0]
        var sr = path[0]
        // 6.
        for c in path.dropFirst() {
            guard sn != 0 else { throw .proofTooLong }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // 7. (sn must have reached 0; the roots are compared by the caller.)
        guard sn == 0 else { throw .proofTooShort }
        return (fr, sr)
    }
}
