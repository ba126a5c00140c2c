import Testing
@testable import AccordTrust

/// Every mutation of a valid proof or of its claim must be rejected.
///
/// Note on size mutations: a proof encodes only its length and the left/right order in which
/// its hashes are combined, so some different sizes are indistinguishable to any verifier
/// (leaf 0 of 3 and leaf 0 of 4 both hash as `H(H(l0, p0), p1)`; the consistency proof
/// `[H(4..8)]` from 4 to 8 is also well-formed from 4 to 7). The roots, not the sizes, pin
/// the tree. Size and index mutations must therefore be rejected unless the verifier provably
/// combines the hashes identically for both claims (`sameShape…`, probed with random
/// inputs); `indistinguishableSizesAreInherent` documents the limitation.
@Suite("Merkle proof mutations")
struct MerkleMutationTests {
    private let reference = ReferenceTree(count: 256)
    private let someHash = hash("abacaba000000000000000000000000000000000000000000060061e00123456")

    struct Pair: Sendable, CustomTestStringConvertible {
        let first: UInt64
        let second: UInt64
        var testDescription: String { "(\(first), \(second))" }
    }

    static let inclusionPairs: [Pair] = [
        (0, 2), (1, 2), (0, 8), (7, 8), (5, 8), (3, 7), (6, 7), (4, 5), (0, 16), (15, 16), (8, 16),
        (10, 13), (12, 13), (31, 32), (32, 33), (99, 100), (63, 64), (64, 65), (100, 128), (127, 128),
        (0, 1), (200, 255), (128, 256),
    ].map { Pair(first: $0.0, second: $0.1) }

    static let consistencyPairs: [Pair] = [
        (1, 2), (1, 8), (2, 8), (4, 8), (6, 8), (7, 8), (2, 5), (6, 7), (3, 4), (8, 16), (15, 16),
        (16, 17), (9, 31), (31, 32), (32, 64), (33, 100), (64, 128), (100, 128), (127, 128),
        (1, 128), (3, 255), (128, 255),
    ].map { Pair(first: $0.0, second: $0.1) }

    static let equalSizes: [UInt64] = [1, 2, 4, 7, 8, 64, 100, 128]

    /// Whether the inclusion verifier combines hashes identically for both claims.
    private func sameInclusionShape(_ a: (UInt64, UInt64), _ b: (UInt64, UInt64)) -> Bool {
        guard a.0 < a.1, b.0 < b.1 else { return false }
        let length = Merkle.inclusionProofLength(index: a.0, size: a.1)
        guard length == Merkle.inclusionProofLength(index: b.0, size: b.1) else { return false }
        let leaf = randomHash()
        let proof = (0..<length).map { _ in randomHash() }
        let rootA = try? Merkle.rootFromInclusionPath(leafHash: leaf, index: a.0, size: a.1, proof: proof)
        let rootB = try? Merkle.rootFromInclusionPath(leafHash: leaf, index: b.0, size: b.1, proof: proof)
        return rootA != nil && rootA == rootB
    }

    /// Whether the consistency verifier combines hashes identically for both size pairs.
    private func sameConsistencyShape(_ a: (UInt64, UInt64), _ b: (UInt64, UInt64)) -> Bool {
        guard a.0 > 0, a.0 < a.1, b.0 > 0, b.0 < b.1 else { return false }
        let length = Merkle.consistencyProofLength(oldSize: a.0, newSize: a.1)
        guard length == Merkle.consistencyProofLength(oldSize: b.0, newSize: b.1) else { return false }
        let oldRoot = randomHash()
        let proof = (0..<length).map { _ in randomHash() }
        let rootsA = try? Merkle.rootsFromConsistencyPath(oldSize: a.0, newSize: a.1, oldRoot: oldRoot, proof: proof)
        let rootsB = try? Merkle.rootsFromConsistencyPath(oldSize: b.0, newSize: b.1, oldRoot: oldRoot, proof: proof)
        guard let rootsA, let rootsB else { return false }
        return rootsA.old == rootsB.old && rootsA.new == rootsB.new
    }

    private func randomHash() -> Hash32 {
        var generator = SystemRandomNumberGenerator()
        return Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) ?? someHash
    }

    // MARK: Inclusion

    @Test(arguments: inclusionPairs)
    func inclusionMutationsAreRejected(pair: Pair) throws {
        let (index, size) = (pair.first, pair.second)
        let leaf = reference.leaves[Int(index)]
        let root = reference.mth(0, Int(size))
        let proof = reference.path(Int(index), 0, Int(size))
        try Merkle.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root)

        func rejects(
            _ description: String, index: UInt64 = index, size: UInt64 = size,
            leaf: Hash32 = leaf, proof: [Hash32] = proof, root: Hash32 = root
        ) {
            #expect(!Merkle.isValidInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root),
                    "\(description) accepted for \(pair.testDescription)")
            // The RFC 9162 steps alone, without the length pre-check, must reject it too.
            if index < size {
                let computed = try? Merkle.rootFromInclusionPath(leafHash: leaf, index: index, size: size, proof: proof)
                #expect(computed != root, "RFC steps alone accept \(description) for \(pair.testDescription)")
            }
        }

        for element in proof.indices {
            for bit in 0..<256 {
                var mutated = proof
                mutated[element] = flipping(mutated[element], bit: bit)
                rejects("bit \(bit) of proof[\(element)] flipped", proof: mutated)
            }
        }
        for extra in [someHash, root, leaf, Merkle.emptyRoot] + proof.prefix(1) {
            rejects("appended element", proof: proof + [extra])
            rejects("prepended element", proof: [extra] + proof)
        }
        if !proof.isEmpty {
            rejects("last element dropped", proof: Array(proof.dropLast()))
            rejects("first element dropped", proof: Array(proof.dropFirst()))
        }
        if proof.count > 1 {
            rejects("inserted element", proof: [proof[0], someHash] + proof.dropFirst())
            rejects("swapped elements", proof: [proof[1], proof[0]] + proof.dropFirst(2))
        }
        var claims: [(String, UInt64, UInt64)] = [
            ("size + 1", index, size + 1), ("size * 2", index, size * 2), ("size / 2", index, size / 2),
            ("index + 1", index + 1, size), ("index ^ 2", index ^ 2, size),
        ]
        if size > 1 { claims.append(("size - 1", index, size - 1)) }
        if index > 0 { claims.append(("index - 1", index - 1, size)) }
        for (description, claimedIndex, claimedSize) in claims
        where !sameInclusionShape((index, size), (claimedIndex, claimedSize)) {
            rejects(description, index: claimedIndex, size: claimedSize)
        }
        rejects("wrong leaf", leaf: someHash)
        rejects("neighbouring leaf", leaf: reference.leaves[Int(index) + 1])
        rejects("wrong root", root: someHash)
        rejects("empty-tree root", root: Merkle.emptyRoot)
        rejects("root of size - 1", root: reference.mth(0, Int(size) - 1))
    }

    @Test func indistinguishableSizesAreInherent() throws {
        let proof48 = reference.consistency(4, 8)
        let (root4, root8) = (reference.mth(0, 4), reference.mth(0, 8))
        #expect(Merkle.isValidConsistency(oldSize: 4, newSize: 7, oldRoot: root4, newRoot: root8, proof: proof48))
        #expect(!Merkle.isValidConsistency(oldSize: 4, newSize: 7, oldRoot: root4, newRoot: reference.mth(0, 7),
                                           proof: proof48))

        // Leaf 0 of 3 and of 4 have proofs of the same shape; a size-3 proof "verifies" as
        // size 4 against the size-3 root. No verifier can tell; the root pins the size.
        let proof = reference.path(0, 0, 3)
        let root3 = reference.mth(0, 3)
        #expect(Merkle.isValidInclusion(leafHash: reference.leaves[0], index: 0, size: 4, proof: proof, root: root3))
        #expect(!Merkle.isValidInclusion(leafHash: reference.leaves[0], index: 0, size: 4, proof: proof,
                                         root: reference.mth(0, 4)))
    }

    // MARK: Consistency

    @Test(arguments: consistencyPairs)
    func consistencyMutationsAreRejected(pair: Pair) throws {
        let (oldSize, newSize) = (pair.first, pair.second)
        let oldRoot = reference.mth(0, Int(oldSize))
        let newRoot = reference.mth(0, Int(newSize))
        let proof = reference.consistency(Int(oldSize), Int(newSize))
        try Merkle.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot,
                                     proof: proof)

        func rejects(
            _ description: String, oldSize: UInt64 = oldSize, newSize: UInt64 = newSize,
            oldRoot: Hash32 = oldRoot, newRoot: Hash32 = newRoot, proof: [Hash32] = proof
        ) {
            #expect(!Merkle.isValidConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot,
                                               newRoot: newRoot, proof: proof),
                    "\(description) accepted for \(pair.testDescription)")
            if oldSize > 0, oldSize < newSize {
                let roots = try? Merkle.rootsFromConsistencyPath(oldSize: oldSize, newSize: newSize,
                                                                 oldRoot: oldRoot, proof: proof)
                #expect(roots.map { $0.old != oldRoot || $0.new != newRoot } ?? true,
                        "RFC steps alone accept \(description) for \(pair.testDescription)")
            }
        }

        for element in proof.indices {
            for bit in 0..<256 {
                var mutated = proof
                mutated[element] = flipping(mutated[element], bit: bit)
                rejects("bit \(bit) of proof[\(element)] flipped", proof: mutated)
            }
        }
        for extra in [someHash, oldRoot, newRoot, Merkle.emptyRoot, proof[0]] {
            rejects("appended element", proof: proof + [extra])
            rejects("prepended element", proof: [extra] + proof)
        }
        rejects("empty proof", proof: [])
        rejects("last element dropped", proof: Array(proof.dropLast()))
        rejects("first element dropped", proof: Array(proof.dropFirst()))
        if proof.count > 1 {
            rejects("swapped elements", proof: [proof[1], proof[0]] + proof.dropFirst(2))
        }
        let claims: [(String, UInt64, UInt64)] = [
            ("old size + 1", oldSize + 1, newSize), ("old size - 1", oldSize - 1, newSize),
            ("old size * 2", oldSize * 2, newSize), ("old size / 2", oldSize / 2, newSize),
            ("old size ^ 2", oldSize ^ 2, newSize), ("new size + 1", oldSize, newSize + 1),
            ("new size - 1", oldSize, newSize - 1), ("new size * 2", oldSize, newSize * 2),
            ("new size / 2", oldSize, newSize / 2),
        ]
        var indistinguishable = 0
        for (description, claimedOld, claimedNew) in claims {
            if sameConsistencyShape((oldSize, newSize), (claimedOld, claimedNew)) {
                indistinguishable += 1
            } else {
                rejects(description, oldSize: claimedOld, newSize: claimedNew)
            }
        }
        // Only ±1 / ×2 / ÷2 changes of the new size can keep the shape, never all of them.
        #expect(indistinguishable < claims.count / 2)
        rejects("wrong old root", oldRoot: someHash)
        rejects("wrong new root", newRoot: someHash)
        rejects("swapped roots", oldRoot: newRoot, newRoot: oldRoot)
        rejects("old root of old size - 1", oldRoot: reference.mth(0, Int(oldSize) - 1))
        rejects("new root of new size + 1", newRoot: reference.mth(0, Int(newSize) + 1))
    }

    @Test(arguments: equalSizes)
    func equalSizesNeedEmptyProofAndEqualRoots(size: UInt64) throws {
        let root = reference.mth(0, Int(size))
        try Merkle.verifyConsistency(oldSize: size, newSize: size, oldRoot: root, newRoot: root, proof: [])
        #expect(throws: MerkleVerificationError.rootMismatch) {
            try Merkle.verifyConsistency(oldSize: size, newSize: size, oldRoot: root, newRoot: someHash, proof: [])
        }
        #expect(throws: MerkleVerificationError.rootMismatch) {
            try Merkle.verifyConsistency(oldSize: size, newSize: size, oldRoot: someHash, newRoot: root, proof: [])
        }
        for extra in [root, someHash, Merkle.emptyRoot] {
            #expect(throws: MerkleVerificationError.proofNotEmpty(count: 1)) {
                try Merkle.verifyConsistency(oldSize: size, newSize: size, oldRoot: root, newRoot: root, proof: [extra])
            }
        }
        let nextProof = reference.consistency(Int(size), Int(size) + 1)
        #expect(!Merkle.isValidConsistency(oldSize: size, newSize: size, oldRoot: root, newRoot: root, proof: nextProof))
        #expect(!Merkle.isValidConsistency(oldSize: size, newSize: size + 1, oldRoot: root, newRoot: root, proof: []))
    }

    @Test func emptyOldTree() throws {
        let newRoot = reference.mth(0, 5)
        try Merkle.verifyConsistency(oldSize: 0, newSize: 5, oldRoot: Merkle.emptyRoot, newRoot: newRoot, proof: [])
        try Merkle.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: Merkle.emptyRoot, newRoot: Merkle.emptyRoot, proof: [])
        #expect(throws: MerkleVerificationError.proofNotEmpty(count: 1)) {
            try Merkle.verifyConsistency(oldSize: 0, newSize: 5, oldRoot: Merkle.emptyRoot, newRoot: newRoot,
                                         proof: [newRoot])
        }
        #expect(throws: MerkleVerificationError.oldRootMismatch) {
            try Merkle.verifyConsistency(oldSize: 0, newSize: 5, oldRoot: someHash, newRoot: newRoot, proof: [])
        }
        #expect(throws: MerkleVerificationError.oldSizeExceedsNewSize(oldSize: 1, newSize: 0)) {
            try Merkle.verifyConsistency(oldSize: 1, newSize: 0, oldRoot: someHash, newRoot: newRoot, proof: [])
        }
    }

    // MARK: Hostile input

    @Test func hostileInclusionInputNeverTraps() {
        let huge = [Hash32](repeating: someHash, count: 100_000)
        let max = UInt64.max
        for (index, size) in [(0, 0), (1, 0), (2, 1), (max, max), (max - 1, max), (0, max), (max / 2, max),
                              (1 << 63, max), (0, 1 << 63), ((1 << 63) - 1, 1 << 63)] as [(UInt64, UInt64)] {
            for proof in [[], [someHash], huge, [Hash32](repeating: someHash, count: 64),
                          [Hash32](repeating: someHash, count: 65)] {
                #expect(!Merkle.isValidInclusion(leafHash: someHash, index: index, size: size, proof: proof,
                                                 root: someHash))
            }
        }
        #expect(throws: MerkleVerificationError.indexOutOfRange(index: max, size: max)) {
            try Merkle.verifyInclusion(leafHash: someHash, index: max, size: max, proof: [], root: someHash)
        }
        // Leaf 0 of 2^64 - 1 has 64 siblings; the last leaf has 63 (one per lower set bit).
        #expect(throws: MerkleVerificationError.wrongProofLength(expected: 64, actual: 100_000)) {
            try Merkle.verifyInclusion(leafHash: someHash, index: 0, size: max, proof: huge, root: someHash)
        }
        #expect(throws: MerkleVerificationError.rootMismatch) {
            try Merkle.verifyInclusion(leafHash: someHash, index: 0, size: max,
                                       proof: [Hash32](repeating: someHash, count: 64), root: someHash)
        }
        #expect(throws: MerkleVerificationError.rootMismatch) {
            try Merkle.verifyInclusion(leafHash: someHash, index: max - 1, size: max,
                                       proof: [Hash32](repeating: someHash, count: 63), root: someHash)
        }
        // The RFC steps alone, fed an oversized proof, stop at the root.
        #expect(throws: MerkleVerificationError.proofTooLong) {
            try Merkle.rootFromInclusionPath(leafHash: someHash, index: 5, size: 8, proof: huge)
        }
        #expect(throws: MerkleVerificationError.proofTooShort) {
            try Merkle.rootFromInclusionPath(leafHash: someHash, index: 5, size: 8, proof: [someHash])
        }
    }

    @Test func hostileConsistencyInputNeverTraps() {
        let huge = [Hash32](repeating: someHash, count: 100_000)
        let max = UInt64.max
        for (oldSize, newSize) in [(0, 0), (0, max), (1, max), (max - 1, max), (max, max), (max, 1), (1 << 63, max),
                                   ((1 << 63) - 1, 1 << 63), (1, 2), (3, 1 << 40)] as [(UInt64, UInt64)] {
            for proof in [[], [someHash], huge, [Hash32](repeating: someHash, count: 127),
                          [Hash32](repeating: someHash, count: 128)] {
                #expect(!Merkle.isValidConsistency(oldSize: oldSize, newSize: newSize, oldRoot: someHash,
                                                   newRoot: Merkle.emptyRoot, proof: proof))
            }
        }
        #expect(throws: MerkleVerificationError.emptyProof) {
            try Merkle.verifyConsistency(oldSize: 1, newSize: max, oldRoot: someHash, newRoot: someHash, proof: [])
        }
        #expect(throws: MerkleVerificationError.wrongProofLength(expected: 64, actual: 100_000)) {
            try Merkle.verifyConsistency(oldSize: 1, newSize: max, oldRoot: someHash, newRoot: someHash, proof: huge)
        }
        #expect(throws: MerkleVerificationError.proofTooLong) {
            try Merkle.rootsFromConsistencyPath(oldSize: 6, newSize: 8, oldRoot: someHash, proof: huge)
        }
        #expect(throws: MerkleVerificationError.proofTooShort) {
            try Merkle.rootsFromConsistencyPath(oldSize: 6, newSize: 8, oldRoot: someHash, proof: [someHash])
        }
    }
}
