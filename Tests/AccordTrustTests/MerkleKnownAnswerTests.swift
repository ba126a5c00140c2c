import Crypto
import Foundation
import Testing
@testable import AccordTrust

/// Known answers from the Certificate Transparency reference test vectors, as published in
/// transparency-dev/merkle `proof/verify_test.go` (commit 02194e9afb6c1d95b5381350007963aa70fff472;
/// the same vectors appear in google/certificate-transparency's `merkle_tree_test.cc`).
/// In that file inclusion vectors use 1-based leaf numbers; they are 0-based here.
enum CTVectors {
    static let leafEntries: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ].map(hexBytes)

    /// Roots of the trees of the first 1...8 leaves.
    static let roots: [Hash32] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hash)

    struct Inclusion: Sendable, CustomTestStringConvertible {
        let index: UInt64
        let size: UInt64
        let proof: [Hash32]
        var testDescription: String { "leaf \(index) of \(size)" }
    }

    static let inclusion: [Inclusion] = [
        Inclusion(index: 0, size: 1, proof: []),
        Inclusion(index: 0, size: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ].map(hash)),
        Inclusion(index: 5, size: 8, proof: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hash)),
        Inclusion(index: 2, size: 3, proof: [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ].map(hash)),
        Inclusion(index: 1, size: 5, proof: [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ].map(hash)),
    ]

    struct Consistency: Sendable, CustomTestStringConvertible {
        let oldSize: UInt64
        let newSize: UInt64
        let proof: [Hash32]
        var testDescription: String { "\(oldSize) -> \(newSize)" }
    }

    static let consistency: [Consistency] = [
        Consistency(oldSize: 1, newSize: 1, proof: []),
        Consistency(oldSize: 1, newSize: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ].map(hash)),
        Consistency(oldSize: 6, newSize: 8, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hash)),
        Consistency(oldSize: 2, newSize: 5, proof: [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ].map(hash)),
        Consistency(oldSize: 6, newSize: 7, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hash)),
    ]

    static let leafHashes = leafEntries.map { Merkle.leafHash($0) }

    static func source(size: Int, configuration: CacheConfiguration = .none) -> InMemoryHashSource {
        InMemoryHashSource(reference: ReferenceTree(leaves: leafHashes), count: size, configuration: configuration)
    }
}

@Suite("Merkle known answers")
struct MerkleKnownAnswerTests {
    @Test func emptyRoot() {
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func leafHashOfEmptyEntry() {
        #expect(Merkle.leafHash([UInt8]()).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(Merkle.leafHash(Data()).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test func nodeHashIsPrefixedConcatenation() {
        let left = Merkle.leafHash([UInt8(1)])
        let right = Merkle.leafHash([UInt8(2)])
        let direct = Hash32(SHA256.hash(data: [0x01] + left.bytes + right.bytes))
        #expect(Merkle.nodeHash(left, right) == direct)
        #expect(Merkle.nodeHash(right, left) != direct)
        #expect(Merkle.leafHash([UInt8(7), 8]) == Hash32(SHA256.hash(data: [0x00, 7, 8])))
    }

    @Test(arguments: 1...8)
    func rootsForSizesOneToEight(size: Int) throws {
        let source = CTVectors.source(size: size)
        #expect(try Merkle.root(size: UInt64(size), source: source) == CTVectors.roots[size - 1])
        var frontier = MerkleFrontier()
        for leaf in CTVectors.leafHashes.prefix(size) { try frontier.append(leaf) }
        #expect(frontier.root == CTVectors.roots[size - 1])
        #expect(Merkle.root(ofLeafHashes: CTVectors.leafHashes.prefix(size)) == CTVectors.roots[size - 1])
    }

    @Test func rootOfEmptyTree() throws {
        #expect(try Merkle.root(size: 0, source: CTVectors.source(size: 0)) == Merkle.emptyRoot)
        #expect(MerkleFrontier().root == Merkle.emptyRoot)
    }

    @Test(arguments: CTVectors.inclusion, CacheConfiguration.all)
    func publishedInclusionProofs(vector: CTVectors.Inclusion, configuration: CacheConfiguration) throws {
        let source = CTVectors.source(size: Int(vector.size), configuration: configuration)
        let proof = try Merkle.inclusionProof(index: vector.index, size: vector.size, source: source)
        #expect(proof == vector.proof)
        try Merkle.verifyInclusion(
            leafHash: CTVectors.leafHashes[Int(vector.index)], index: vector.index, size: vector.size,
            proof: vector.proof, root: CTVectors.roots[Int(vector.size) - 1])
    }

    @Test(arguments: CTVectors.consistency, CacheConfiguration.all)
    func publishedConsistencyProofs(vector: CTVectors.Consistency, configuration: CacheConfiguration) throws {
        let source = CTVectors.source(size: Int(vector.newSize), configuration: configuration)
        let proof = try Merkle.consistencyProof(oldSize: vector.oldSize, newSize: vector.newSize, source: source)
        #expect(proof == vector.proof)
        try Merkle.verifyConsistency(
            oldSize: vector.oldSize, newSize: vector.newSize,
            oldRoot: CTVectors.roots[Int(vector.oldSize) - 1], newRoot: CTVectors.roots[Int(vector.newSize) - 1],
            proof: vector.proof)
    }
}
