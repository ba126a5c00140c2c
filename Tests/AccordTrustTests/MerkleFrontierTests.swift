import Testing
@testable import AccordTrust

@Suite("MerkleFrontier")
struct MerkleFrontierTests {
    private let count = 300
    private let reference = ReferenceTree(count: 300)

    @Test("After each of 300 appends: root, reported subtrees and serialization are right")
    func appendUpTo300() throws {
        var frontier = MerkleFrontier()
        var plain = MerkleFrontier()
        for leafIndex in 0..<count {
            var reported: [MerkleFrontier.Subtree] = []
            try frontier.append(reference.leaves[leafIndex]) { reported.append($0) }
            try plain.append(reference.leaves[leafIndex])
            let size = leafIndex + 1

            #expect(frontier.size == UInt64(size))
            #expect(frontier == plain)
            #expect(frontier.hashes.count == size.nonzeroBitCount)
            let source = InMemoryHashSource(reference: reference, count: size, configuration: .none)
            #expect(frontier.root == (try Merkle.subtreeRoot(0..<UInt64(size), source: source)))
            #expect(frontier.root == reference.mth(0, size))

            // Exactly the complete subtrees ending at this leaf, smallest first.
            let expectedLevels = Array(0...(size.trailingZeroBitCount))
            #expect(reported.map(\.level) == expectedLevels)
            for subtree in reported {
                let range = subtree.leafRange
                #expect(range.upperBound == UInt64(size))
                #expect(subtree.index == UInt64(leafIndex) >> UInt64(subtree.level))
                #expect(subtree.hash == reference.mth(Int(range.lowerBound), Int(range.upperBound)))
            }

            let restored = try MerkleFrontier(serialized: frontier.serialized)
            #expect(restored == frontier)
            #expect(restored.root == frontier.root)
            #expect(frontier.serialized.count == 8 + 32 * frontier.hashes.count)
        }
    }

    @Test(arguments: [0, 1, 2, 3, 7, 8, 100, 255, 256, 300])
    func rebuildFromSource(size: Int) throws {
        var appended = MerkleFrontier()
        for leaf in reference.leaves.prefix(size) { try appended.append(leaf) }
        for configuration in CacheConfiguration.all {
            let source = InMemoryHashSource(reference: reference, count: size, configuration: configuration)
            #expect(try MerkleFrontier(size: UInt64(size), source: source) == appended)
        }
        #expect(try MerkleFrontier(size: appended.size, hashes: appended.hashes) == appended)
    }

    @Test func failingCallbackLeavesFrontierUnchanged() throws {
        struct Stop: Error {}
        var frontier = MerkleFrontier()
        for leaf in reference.leaves.prefix(7) { try frontier.append(leaf) }
        let before = frontier
        #expect(throws: Stop.self) {
            try frontier.append(reference.leaves[7]) { subtree in
                if subtree.level == 2 { throw Stop() }
            }
        }
        #expect(frontier == before)
        try frontier.append(reference.leaves[7])
        #expect(frontier.root == reference.mth(0, 8))
    }

    @Test func fullFrontierRefusesToGrow() throws {
        let full = try MerkleFrontier(size: .max, hashes: [Hash32](repeating: Merkle.emptyRoot, count: 64))
        var copy = full
        #expect(throws: MerkleFrontierError.full) { try copy.append(Merkle.emptyRoot) }
        #expect(throws: MerkleFrontierError.full) { try copy.append(Merkle.emptyRoot) { _ in } }
        #expect(copy == full)
        #expect(try MerkleFrontier(serialized: full.serialized) == full)
    }

    @Test func malformedSerializationsAreRejected() throws {
        var frontier = MerkleFrontier()
        for leaf in reference.leaves.prefix(13) { try frontier.append(leaf) }  // 3 hashes
        let good = frontier.serialized
        #expect(try MerkleFrontier(serialized: good) == frontier)

        #expect(throws: MerkleFrontierError.truncatedHeader) { try MerkleFrontier(serialized: [UInt8]()) }
        #expect(throws: MerkleFrontierError.truncatedHeader) { try MerkleFrontier(serialized: good.prefix(7)) }
        #expect(throws: MerkleFrontierError.partialHash) { try MerkleFrontier(serialized: good.dropLast()) }
        #expect(throws: MerkleFrontierError.partialHash) { try MerkleFrontier(serialized: good + [0]) }
        #expect(throws: MerkleFrontierError.hashCountMismatch(size: 13, expected: 3, actual: 2)) {
            try MerkleFrontier(serialized: good.dropLast(32))
        }
        #expect(throws: MerkleFrontierError.hashCountMismatch(size: 13, expected: 3, actual: 4)) {
            try MerkleFrontier(serialized: good + good.suffix(32))
        }
        var wrongSize = good
        wrongSize[7] = 12  // 12 has two set bits
        #expect(throws: MerkleFrontierError.hashCountMismatch(size: 12, expected: 2, actual: 3)) {
            try MerkleFrontier(serialized: wrongSize)
        }
        #expect(throws: MerkleFrontierError.hashCountMismatch(size: 0, expected: 0, actual: 1)) {
            try MerkleFrontier(serialized: [UInt8](repeating: 0, count: 8 + 32))
        }
        #expect(try MerkleFrontier(serialized: [UInt8](repeating: 0, count: 8)) == MerkleFrontier())
        #expect(throws: MerkleFrontierError.self) {
            try MerkleFrontier(size: 5, hashes: [Merkle.emptyRoot])
        }
    }

    @Test func serializedLayoutIsBigEndianSizeThenHashes() throws {
        var frontier = MerkleFrontier()
        for leaf in reference.leaves.prefix(258) { try frontier.append(leaf) }
        let bytes = frontier.serialized
        #expect(Array(bytes.prefix(8)) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(Array(bytes[8..<40]) == reference.mth(0, 256).bytes)
        #expect(Array(bytes[40..<72]) == reference.mth(256, 258).bytes)
    }
}
