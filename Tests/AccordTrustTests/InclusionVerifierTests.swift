import Testing
@testable import AccordTrust

@Suite("Inclusion verifier")
struct InclusionVerifierTests {
    private let reference = ReferenceTree(count: 70)

    /// For every tree of 1...70 leaves, one verifier takes every proof (each
    /// leaf twice), and answers as `verifyInclusion` does for every proof
    /// altered after the good ones were remembered: a sibling changed at each
    /// step, the wrong leaf, the wrong index, a proof cut short or lengthened.
    @Test func answersAsVerifyInclusion() throws {
        for size in 1...70 {
            let root = reference.mth(0, size)
            let verifier = InclusionVerifier(size: UInt64(size), root: root)
            var proofs: [[Hash32]] = []
            for index in 0..<size {
                let proof = reference.path(index, 0, size)
                proofs.append(proof)
                #expect(throws: Never.self) { try verifier.verify(leafHash: reference.leaves[index], index: UInt64(index), proof: proof) }
            }
            for index in (0..<size).reversed() {
                #expect(throws: Never.self) { try verifier.verify(leafHash: reference.leaves[index], index: UInt64(index), proof: proofs[index]) }
            }
            func same(_ leaf: Hash32, _ index: UInt64, _ proof: [Hash32]) -> Bool {
                let alone = Merkle.isValidInclusion(leafHash: leaf, index: index, size: UInt64(size), proof: proof, root: root)
                let shared = (try? verifier.verify(leafHash: leaf, index: index, proof: proof)) != nil
                return alone == shared
            }
            let other = Merkle.leafHash([0xEE])
            for index in 0..<size {
                let proof = proofs[index]
                let leaf = reference.leaves[index]
                for step in proof.indices {
                    var altered = proof
                    altered[step] = other
                    #expect(same(leaf, UInt64(index), altered), "leaf \(index) of \(size), step \(step)")
                    #expect(!verifierAccepts(verifier, leaf, UInt64(index), altered), "leaf \(index) of \(size), step \(step)")
                }
                #expect(same(other, UInt64(index), proof))
                #expect(same(leaf, UInt64((index + 1) % size), proof))
                #expect(same(leaf, UInt64(size), proof))
                #expect(same(leaf, UInt64(index), proof + [other]))
                if !proof.isEmpty { #expect(same(leaf, UInt64(index), Array(proof.dropLast()))) }
            }
        }
    }

    private func verifierAccepts(_ verifier: InclusionVerifier, _ leaf: Hash32, _ index: UInt64, _ proof: [Hash32]) -> Bool {
        (try? verifier.verify(leafHash: leaf, index: index, proof: proof)) != nil
    }
}
