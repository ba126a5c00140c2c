/// Verifies many inclusion proofs in one tree (a receipts document's): each
/// exactly as ``Merkle/verifyInclusion(leafHash:index:size:proof:root:)``
/// does, except that once a proof's path reaches a node (its position and
/// hash) through which an earlier proof verified, with the same siblings
/// from there up, the rest is known to verify and is not hashed again.
/// Neighbouring leaves share all but the first few nodes of their paths.
public final class InclusionVerifier {
    /// The tree's size.
    public let size: UInt64
    /// The tree's root.
    public let root: Hash32

    /// Where RFC 9162's loop stands before a step: the two indices and the hash so far.
    private struct State: Hashable {
        var fn: UInt64
        var sn: UInt64
        var r: Hash32
    }

    /// Each state a verified proof went through: that proof, and the step it was at.
    private var verified: [State: (proof: Int, step: Int)] = [:]
    private var proofs: [[Hash32]] = []

    /// A verifier for the tree of `size` leaves with `root`.
    public init(size: UInt64, root: Hash32) {
        self.size = size
        self.root = root
    }

    /// Verifies that `leafHash` is the leaf at `index`; see ``Merkle/verifyInclusion(leafHash:index:size:proof:root:)``.
    public func verify(leafHash: Hash32, index: UInt64, proof: [Hash32]) throws(MerkleVerificationError) {
        guard index < size else { throw .indexOutOfRange(index: index, size: size) }
        let expected = Merkle.inclusionProofLength(index: index, size: size)
        guard proof.count == expected else {
            throw .wrongProofLength(expected: expected, actual: proof.count)
        }
        var fn = index
        var sn = size - 1
        var r = leafHash
        var states: [State] = []
        states.reserveCapacity(proof.count)
        for step in proof.indices {
            let state = State(fn: fn, sn: sn, r: r)
            if let earlier = verified[state], proofs[earlier.proof][earlier.step...].elementsEqual(proof[step...]) {
                // From here on the same computation as a proof that verified.
                remember(states, of: proof)
                return
            }
            states.append(state)
            let p = proof[step]
            guard sn != 0 else { throw .proofTooLong }
            if fn & 1 == 1 || fn == sn {
                r = Merkle.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = Merkle.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .proofTooShort }
        guard r == root else { throw .rootMismatch }
        remember(states, of: proof)
    }

    /// Keeps the states a proof that verified went through.
    private func remember(_ states: [State], of proof: [Hash32]) {
        guard !states.isEmpty else { return }
        let index = proofs.count
        proofs.append(proof)
        for (step, state) in states.enumerated() where verified[state] == nil {
            verified[state] = (index, step)
        }
    }
}
