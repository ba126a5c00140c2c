import Testing
@testable import AccordTrust

@Suite("Merkle proofs")
struct MerkleProofTests {
    private let maxSize = 128
    /// A reference tree of 128 leaves (fresh per test: it memoizes); smaller trees are prefixes.
    private let reference = ReferenceTree(count: 128)

    @Test("Every inclusion proof for sizes 1...128 matches RFC 6962 and verifies",
          arguments: CacheConfiguration.all)
    func allInclusionProofs(configuration: CacheConfiguration) throws {
        for size in 1...maxSize {
            let source = InMemoryHashSource(reference: reference, count: size, configuration: configuration)
            let root = reference.mth(0, size)
            #expect(try Merkle.root(size: UInt64(size), source: source) == root)
            for index in 0..<size {
                source.resetCounters()
                let proof = try Merkle.inclusionProof(index: UInt64(index), size: UInt64(size), source: source)
                #expect(proof == reference.path(index, 0, size), "leaf \(index) of \(size)")
                checkBatching(source, size: size, configuration: configuration)
                #expect(Merkle.isValidInclusion(
                    leafHash: reference.leaves[index], index: UInt64(index), size: UInt64(size),
                    proof: proof, root: root), "leaf \(index) of \(size)")
            }
        }
    }

    @Test("Every consistency proof for 1 <= m <= n <= 128 matches RFC 6962 and verifies",
          arguments: CacheConfiguration.all)
    func allConsistencyProofs(configuration: CacheConfiguration) throws {
        for newSize in 1...maxSize {
            let source = InMemoryHashSource(reference: reference, count: newSize, configuration: configuration)
            let newRoot = reference.mth(0, newSize)
            for oldSize in 1...newSize {
                source.resetCounters()
                let proof = try Merkle.consistencyProof(
                    oldSize: UInt64(oldSize), newSize: UInt64(newSize), source: source)
                #expect(proof == reference.consistency(oldSize, newSize), "\(oldSize) -> \(newSize)")
                checkBatching(source, size: newSize, configuration: configuration)
                #expect(Merkle.isValidConsistency(
                    oldSize: UInt64(oldSize), newSize: UInt64(newSize),
                    oldRoot: reference.mth(0, oldSize), newRoot: newRoot, proof: proof),
                    "\(oldSize) -> \(newSize)")
            }
        }
    }

    /// Leaves are read in batches: never a leaf twice, at most one call per cache block
    /// plus the ragged edges, and exactly one call when there is no cache.
    private func checkBatching(_ source: InMemoryHashSource, size: Int, configuration: CacheConfiguration) {
        let (total, overlapping) = source.leavesRead
        #expect(!overlapping)
        #expect(total <= UInt64(size))
        if configuration.minimumCachedLevel >= 64 {
            #expect(source.leafCalls.count <= 1)
            #expect(source.cacheQueries == 0)
        } else {
            let block = 1 << configuration.minimumCachedLevel
            let levels = Int.bitWidth - size.leadingZeroBitCount
            #expect(source.leafCalls.count <= (size + block - 1) / block + levels)
            #expect(source.leafCalls.allSatisfy { $0.upperBound - $0.lowerBound <= UInt64(block) })
        }
    }

    @Test("A full cache answers every complete subtree, so few leaves are read")
    func fullCacheReadsLittle() throws {
        let size = 128
        let source = InMemoryHashSource(reference: reference, count: size, configuration: .everyLevel)
        for index in [0, 1, 63, 64, 100, 127] {
            source.resetCounters()
            _ = try Merkle.inclusionProof(index: UInt64(index), size: UInt64(size), source: source)
            #expect(source.leafCalls.count == 1)
            #expect(source.leavesRead.total == 2)
            #expect(source.cacheHits > 0)
        }
        source.resetCounters()
        #expect(try Merkle.root(size: UInt64(size), source: source) == reference.mth(0, size))
        #expect(source.leafCalls.isEmpty)
        #expect(source.cacheQueries == 1)
    }

    @Test("subtreeRoot follows the RFC recursion for arbitrary, unaligned ranges",
          arguments: CacheConfiguration.all)
    func arbitraryRanges(configuration: CacheConfiguration) throws {
        let size = 64
        let source = InMemoryHashSource(reference: reference, count: size, configuration: configuration)
        for lower in 0...size {
            for upper in lower...size {
                let range = UInt64(lower)..<UInt64(upper)
                #expect(try Merkle.subtreeRoot(range, source: source) == reference.mth(lower, upper), "\(range)")
            }
        }
    }

    @Test func proofGenerationRejectsBadArguments() throws {
        let source = InMemoryHashSource(reference: reference, count: 8, configuration: .none)
        #expect(throws: MerkleProofError.indexOutOfRange(index: 8, size: 8)) {
            try Merkle.inclusionProof(index: 8, size: 8, source: source)
        }
        #expect(throws: MerkleProofError.indexOutOfRange(index: 0, size: 0)) {
            try Merkle.inclusionProof(index: 0, size: 0, source: source)
        }
        #expect(throws: MerkleProofError.oldSizeExceedsNewSize(oldSize: 5, newSize: 4)) {
            try Merkle.consistencyProof(oldSize: 5, newSize: 4, source: source)
        }
        #expect(try Merkle.consistencyProof(oldSize: 0, newSize: 8, source: source).isEmpty)
        #expect(try Merkle.consistencyProof(oldSize: 0, newSize: 0, source: source).isEmpty)
        #expect(try Merkle.consistencyProof(oldSize: 8, newSize: 8, source: source).isEmpty)
    }

    @Test func misbehavingSourceIsReported() throws {
        struct ShortSource: MerkleHashSource {
            func leafHashes(_ range: Range<UInt64>) throws -> [Hash32] { [Merkle.emptyRoot] }
            func cachedSubtree(level: Int, index: UInt64) throws -> Hash32? { nil }
        }
        #expect(ShortSource().minimumCachedLevel == 8)
        #expect(throws: MerkleProofError.sourceReturnedWrongCount(range: 0..<5, expected: 5, actual: 1)) {
            try Merkle.root(size: 5, source: ShortSource())
        }
    }

    @Test("A larger tree with a cache from level 4: proofs stay cheap and correct")
    func largerTree() throws {
        let size = 3001
        let big = ReferenceTree(count: size)
        let configuration = CacheConfiguration(name: "levels >= 4", minimumCachedLevel: 4) { level, _ in level >= 4 }
        let source = InMemoryHashSource(reference: big, count: size, configuration: configuration)
        let root = big.mth(0, size)
        #expect(try Merkle.root(size: UInt64(size), source: source) == root)
        for index in stride(from: 0, to: size, by: 97) + [size - 1] {
            source.resetCounters()
            let proof = try Merkle.inclusionProof(index: UInt64(index), size: UInt64(size), source: source)
            #expect(proof == big.path(index, 0, size))
            #expect(source.leafCalls.count <= 3)
            #expect(source.leavesRead.total <= 40)
            try Merkle.verifyInclusion(leafHash: big.leaves[index], index: UInt64(index), size: UInt64(size),
                                       proof: proof, root: root)
        }
        for oldSize in [1, 2, 16, 17, 1024, 1500, 2048, 2999, 3000] {
            source.resetCounters()
            let proof = try Merkle.consistencyProof(oldSize: UInt64(oldSize), newSize: UInt64(size), source: source)
            #expect(proof == big.consistency(oldSize, size))
            #expect(source.leafCalls.count <= 3)
            try Merkle.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(size),
                                         oldRoot: big.mth(0, oldSize), newRoot: root, proof: proof)
        }
    }
}
