import AccordStorage
import Crypto
import Foundation
import Testing
@testable import AccordLedger
@testable import AccordTrust

/// Roots and proofs read through the ledger (the journal's leaf hashes and the
/// subtrees cached in `merkle_nodes`), checked against ``ReferenceMerkle``
/// computed from the raw `entry` column, and verified by the library's
/// RFC 9162 verifiers.
@Suite("Proofs through the ledger")
struct LedgerProofTests {
    @Test("at 1,024 entries (every leaf under a cached subtree), a last entry edited under the genuine nodes and edge gives no stamp and takes no append",
          arguments: [1024, 1025])
    func lastEntryTiedToTheRoot(size: Int) throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("ledger.sqlite"), entries: size)
        let genuine = try ledger.reading(asOf: nil) { try $0.stamp() }
        #expect(genuine.seq == Int64(size))
        // The attacker flips the last entry's clock to hide an override: no projection records it, so the state
        // root still matches, and the cached subtree of entries 1-1,024 and the stored edge are left genuine.
        try ledger.database.write { db in
            var bytes: [UInt8] = []
            try db.forEach("SELECT entry FROM journal WHERE seq = ?", [Int64(size)]) { bytes = $0.blob(0) }
            var entry = try Entry.decodeCanonical(bytes)
            entry.clock = entry.clock == .system ? .overridden : .system
            let trigger = try #require(try db.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'journal_no_update'"))
            try db.execute("DROP TRIGGER journal_no_update")
            _ = try db.run("UPDATE journal SET entry = ? WHERE seq = ?", DatabaseValue.blob(entry.encoded()), Int64(size))
            try db.execute(trigger)
        }
        #expect(try ledger.reading(asOf: nil) { try $0.state().ledgerID } == genuine.ledgerID)
        do {
            _ = try ledger.reading(asOf: nil) { try $0.stamp() }
            Issue.record("a stamp over the edited entry")
        } catch let error as LedgerError {
            #expect(error.kind == .tampered && "\(error)".contains("stored edge of the Merkle tree"), "\(error)")
        }
        do {
            _ = try ledger.addParty(PartyInput(id: "PL", name: "Poland", kind: "state"), as: ProofLedger.recorder)
            Issue.record("an entry appended after the edited one")
        } catch let error as LedgerError {
            #expect(error.kind == .tampered && "\(error)".contains("entry (\(size)) cannot be read back as written"), "\(error)")
        }
        #expect(try ledger.database.read { try $0.scalarInt("SELECT count(*) FROM journal") } == Int64(size))
    }

    /// Tree sizes around the cached levels (2^10, 2^11) and other powers of two.
    static let sizes: [Int64] = [1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025, 1026,
                                 1536, 2000, 2047, 2048, 2049, 2050, 2099, 2100]

    @Test("leaf hashes, the stored frontier and the cached subtrees of 2,100 entries equal the reference")
    func storedTree() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("big.sqlite"), entries: 2100)
        var entries: [[UInt8]] = []
        var nodes: [String: [UInt8]] = [:]
        var frontier: (size: Int64, hashes: [UInt8])?
        try ledger.database.read { db in
            try db.forEach("SELECT entry FROM journal ORDER BY seq") { row in entries.append(row.blob(0)) }
            try db.forEach("SELECT level, idx, hash FROM merkle_nodes") { row in nodes["\(row.int64(0))/\(row.int64(1))"] = row.blob(2) }
            try db.forEach("SELECT size, hashes FROM merkle_frontier WHERE id = 1") { row in frontier = (row.int64(0), row.blob(1)) }
        }
        let leaves = try ProofLedger.leafHashes(ledger)
        #expect(entries.count == 2100)
        // The leaf hashes roots and proofs read equal SHA-256(0x00 ‖ entry), computed here without AccordTrust.
        let computed = try ledger.database.read { db in try JournalHashSource(db: db).leafHashes(0..<2100) }
        #expect(leaves.count == 2100 && computed.map(\.bytes) == leaves)
        for (index, bytes) in entries.enumerated() {
            #expect(leaves[index] == ReferenceMerkle.sha256([0x00] + bytes), "leaf hash of entry \(index + 1)")
        }
        var reference = ReferenceMerkle(leaves: leaves)

        // Every complete subtree of 1,024 leaves or more, and nothing else.
        #expect(Set(nodes.keys) == ["10/0", "10/1", "11/0"])
        #expect(nodes["10/0"] == reference.mth(0, 1024))
        #expect(nodes["10/1"] == reference.mth(1024, 2048))
        #expect(nodes["11/0"] == reference.mth(0, 2048))

        // The right edge: size (u64, big-endian) then the roots of 2048 + 32 + 16 + 4 leaves.
        let stored = try #require(frontier)
        #expect(stored.size == 2100)
        let expectedEdge: [UInt8] = [0, 0, 0, 0, 0, 0, 0x08, 0x34] + reference.mth(0, 2048) + reference.mth(2048, 2080)
            + reference.mth(2080, 2096) + reference.mth(2096, 2100)
        #expect(stored.hashes == expectedEdge)
        #expect(try MerkleFrontier(serialized: stored.hashes).root.bytes == reference.root(2100))

        // What the ledger reports and signs is that root.
        #expect(try ledger.inclusionProof(seq: 1).root.bytes == reference.root(2100))
        #expect(try ledger.consistencyProof(oldSize: 1).newRoot.bytes == reference.root(2100))
        #expect(try Audit.run(path: ledger.path).root == Hash32(bytes: reference.root(2100))?.hex)
    }

    @Test("inclusion and consistency proofs at sizes around 1,024 and 2,048 equal RFC 6962 PATH and PROOF and verify")
    func proofsAroundCachedLevels() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("big.sqlite"), entries: 2100)
        var reference = ReferenceMerkle(leaves: try ProofLedger.leafHashes(ledger))
        var random = SeededGenerator(seed: 6962)
        var checked = 0
        for size in Self.sizes {
            var seqs: Set<Int64> = [1, size, (size + 1) / 2, max(1, size - 1), min(size, 2)]
            for special: Int64 in [511, 512, 513, 1023, 1024, 1025, 1026, 2047, 2048, 2049] where special <= size {
                seqs.insert(special)
            }
            for _ in 0..<6 { seqs.insert(Int64.random(in: 1...size, using: &random)) }
            let root = reference.root(Int(size))
            for seq in seqs.sorted() {
                let proof = try ledger.inclusionProof(seq: seq, size: size)
                #expect(proof.treeSize == size && proof.leafIndex == seq - 1)
                #expect(proof.leafHash.bytes == reference.leaves[Int(seq - 1)])
                #expect(proof.root.bytes == root, "root at size \(size)")
                #expect(proof.path.map(\.bytes) == reference.path(Int(seq - 1), 0, Int(size)), "path of \(seq) in \(size)")
                try Merkle.verifyInclusion(leafHash: Hash32(bytes: reference.leaves[Int(seq - 1)])!, index: UInt64(seq - 1),
                                           size: UInt64(size), proof: proof.path, root: Hash32(bytes: root)!)
                checked += 1
            }
        }
        // Without --size: the whole journal.
        let whole = try ledger.inclusionProof(seq: 1500)
        #expect(whole.treeSize == 2100 && whole.root.bytes == reference.root(2100))
        #expect(checked > 300)

        // Consistency between every two of those sizes.
        for newSize in Self.sizes {
            for oldSize in Self.sizes where oldSize <= newSize {
                let proof = try ledger.consistencyProof(oldSize: oldSize, newSize: newSize)
                let oldRoot = reference.root(Int(oldSize))
                let newRoot = reference.root(Int(newSize))
                #expect(proof.oldRoot.bytes == oldRoot && proof.newRoot.bytes == newRoot, "\(oldSize)→\(newSize)")
                #expect(proof.path.map(\.bytes) == reference.consistency(Int(oldSize), Int(newSize)), "\(oldSize)→\(newSize)")
                try Merkle.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(newSize), oldRoot: Hash32(bytes: oldRoot)!,
                                             newRoot: Hash32(bytes: newRoot)!, proof: proof.path)
            }
        }
        let grown = try ledger.consistencyProof(oldSize: 1024)
        #expect(grown.newSize == 2100 && grown.newRoot.bytes == reference.root(2100))
    }

    /// Tree sizes 1…128 in bands of about equal work (a proof costs about as
    /// many hashes as its tree has leaves), so the bands run in parallel.
    static let bands: [ClosedRange<Int>] = [1...80, 81...101, 102...116, 117...128]

    @Test("every inclusion and consistency proof of a 128-entry ledger verifies against the reference", arguments: bands)
    func exhaustiveUpTo128(band: ClosedRange<Int>) throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("small.sqlite"), entries: 128)
        var reference = ReferenceMerkle(leaves: try ProofLedger.leafHashes(ledger))
        #expect(reference.leaves.count == 128)
        var inclusions = 0
        var consistencies = 0
        for size in band {
            let root = Hash32(bytes: reference.root(size))!
            for seq in 1...size {
                let proof = try ledger.inclusionProof(seq: Int64(seq), size: Int64(size))
                #expect(proof.root == root)
                #expect(Merkle.isValidInclusion(leafHash: Hash32(bytes: reference.leaves[seq - 1])!, index: UInt64(seq - 1),
                                                size: UInt64(size), proof: proof.path, root: root),
                        "inclusion of \(seq) in \(size)")
                inclusions += 1
            }
            for oldSize in 1...size {
                let proof = try ledger.consistencyProof(oldSize: Int64(oldSize), newSize: Int64(size))
                #expect(Merkle.isValidConsistency(oldSize: UInt64(oldSize), newSize: UInt64(size),
                                                  oldRoot: Hash32(bytes: reference.root(oldSize))!, newRoot: root, proof: proof.path),
                        "consistency \(oldSize)→\(size)")
                consistencies += 1
            }
        }
        let pairs = band.reduce(0, +)
        #expect(inclusions == pairs && consistencies == pairs)
    }

    @Test("sizes and seqs outside the journal are refused with a clear message")
    func outOfRange() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("small.sqlite"), entries: 10)
        for (seq, size) in [(0, 10), (11, nil), (5, 4), (1, 11), (1, 0), (-1, nil)] as [(Int64, Int64?)] {
            let error = try #require(throws: LedgerError.self) { try ledger.inclusionProof(seq: seq, size: size) }
            #expect(error.code == .badInput, "\(seq) in \(String(describing: size))")
        }
        for (old, new) in [(0, 10), (11, nil), (5, 4), (1, 11), (-3, nil)] as [(Int64, Int64?)] {
            let error = try #require(throws: LedgerError.self) { try ledger.consistencyProof(oldSize: old, newSize: new) }
            #expect(error.code == .badInput, "\(old)→\(String(describing: new))")
        }
    }

    // MARK: Mutations

    struct Case: CustomStringConvertible {
        let first: Int64
        let second: Int64
        var description: String { "(\(first), \(second))" }
    }

    /// Counts the leaves a root or proof asks for: each one an entry read and hashed.
    final class CountingSource: MerkleHashSource {
        let base: JournalHashSource
        var leaves = 0
        init(_ base: JournalHashSource) { self.base = base }
        var minimumCachedLevel: Int { base.minimumCachedLevel }
        func leafHashes(_ range: Range<UInt64>) throws -> [Hash32] {
            leaves += range.count
            return try base.leafHashes(range)
        }
        func cachedSubtree(level: Int, index: UInt64) throws -> Hash32? { try base.cachedSubtree(level: level, index: index) }
    }

    @Test("with no stored leaf hash, a root hashes only the entries past the last cached block, a proof at most one block more")
    func entriesHashedPerProof() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("big.sqlite"), entries: 2100)
        try ledger.database.read { db in
            for size in [1024, 1025, 2048, 2100] as [UInt64] {
                let counting = CountingSource(JournalHashSource(db: db))
                _ = try Merkle.root(size: size, source: counting)
                #expect(counting.leaves == Int(size % 1024), "root of \(size)")
            }
            for item in Self.inclusionCases {
                let counting = CountingSource(JournalHashSource(db: db))
                _ = try Merkle.inclusionProof(index: UInt64(item.first - 1), size: UInt64(item.second), source: counting)
                #expect(counting.leaves <= 1024 + Int(item.second % 1024), "\(item.description): \(counting.leaves)")
            }
            for item in Self.consistencyCases {
                let counting = CountingSource(JournalHashSource(db: db))
                _ = try Merkle.consistencyProof(oldSize: UInt64(item.first), newSize: UInt64(item.second), source: counting)
                #expect(counting.leaves <= 1024 + Int(item.second % 1024), "\(item.description): \(counting.leaves)")
            }
        }
    }

    static let inclusionCases = [(1, 1024), (1024, 1025), (700, 1050), (1025, 1026), (1, 1), (2, 3), (1000, 2100), (2100, 2100),
                                 (2049, 2050)].map { Case(first: $0.0, second: $0.1) }
    static let consistencyCases = [(1024, 2048), (1000, 1050), (513, 1025), (1025, 1026), (1, 2), (3, 4), (1024, 1025),
                                   (2047, 2100), (1, 2100)].map { Case(first: $0.0, second: $0.1) }

    @Test("mutated proofs from the ledger (bits flipped, elements added or dropped, other sizes, wrong leaves) are rejected")
    func mutations() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("big.sqlite"), entries: 2100)
        let leaves = try ProofLedger.leafHashes(ledger)
        for item in Self.inclusionCases { try inclusionMutations(item, ledger: ledger, leaves: leaves) }
        for item in Self.consistencyCases { try consistencyMutations(item, ledger: ledger, leaves: leaves) }
    }

    func inclusionMutations(_ item: Case, ledger: Ledger, leaves: [[UInt8]]) throws {
        let (seq, size) = (item.first, item.second)
        let proof = try ledger.inclusionProof(seq: seq, size: size)
        var reference = ReferenceMerkle(leaves: leaves)
        func hash(_ bytes: [UInt8]) -> Hash32 { Hash32(bytes: bytes)! }
        let leaf = hash(reference.leaves[Int(seq - 1)])
        let root = hash(reference.root(Int(size)))
        let index = UInt64(seq - 1)
        #expect(Merkle.isValidInclusion(leafHash: leaf, index: index, size: UInt64(size), proof: proof.path, root: root))

        func rejects(_ what: String, leaf: Hash32 = leaf, index: UInt64 = index, size: UInt64 = UInt64(size),
                     proof path: [Hash32] = proof.path, root: Hash32 = root) {
            #expect(!Merkle.isValidInclusion(leafHash: leaf, index: index, size: size, proof: path, root: root),
                    "\(what) accepted for \(item.description)")
        }
        for element in proof.path.indices {
            for bit in 0..<256 {
                var mutated = proof.path
                mutated[element] = flipping(mutated[element], bit: bit)
                rejects("bit \(bit) of element \(element)", proof: mutated)
            }
        }
        for bit in stride(from: 0, to: 256, by: 7) {
            rejects("bit \(bit) of the leaf", leaf: flipping(leaf, bit: bit))
            rejects("bit \(bit) of the root", root: flipping(root, bit: bit))
        }
        let stranger = hash(ReferenceMerkle.sha256(Array("not in this ledger".utf8)))
        for extra in [stranger, root, leaf] + proof.path.prefix(1) {
            rejects("an element appended", proof: proof.path + [extra])
            rejects("an element prepended", proof: [extra] + proof.path)
        }
        for dropped in proof.path.indices {
            var shorter = proof.path
            shorter.remove(at: dropped)
            rejects("element \(dropped) dropped", proof: shorter)
        }
        if proof.path.count > 1 {
            rejects("first two elements swapped", proof: [proof.path[1], proof.path[0]] + proof.path.dropFirst(2))
        }
        // A different size claimed, with the genuine root of that size: a size
        // is pinned by its root, so every such claim must fail.
        var claims: [Int64] = [size + 1, size * 2, size / 2, size - 1]
        claims.removeAll { $0 < 1 || $0 > 2100 || $0 == size }
        for claimed in claims {
            rejects("size \(claimed) claimed", size: UInt64(claimed), root: hash(reference.root(Int(claimed))))
        }
        // Wrong leaves: a neighbour, a stranger, the entry hashed without the 0x00 prefix, an interior node.
        var entry: [UInt8] = []
        try ledger.database.read { db in
            try db.forEach("SELECT entry FROM journal WHERE seq = ?", [seq]) { row in entry = row.blob(0) }
        }
        rejects("the entry hashed without 0x00", leaf: hash(ReferenceMerkle.sha256(entry)))
        rejects("a stranger leaf", leaf: stranger)
        rejects("an interior node as leaf", leaf: hash(reference.mth(0, 2)))
        if seq < size { rejects("the next leaf", leaf: hash(reference.leaves[Int(seq)])) }
        if seq > 1 { rejects("the previous leaf", leaf: hash(reference.leaves[Int(seq - 2)])) }
        if seq < size { rejects("index + 1", index: index + 1) }
        if seq > 1 { rejects("index - 1", index: index - 1) }
    }

    func consistencyMutations(_ item: Case, ledger: Ledger, leaves: [[UInt8]]) throws {
        let (oldSize, newSize) = (item.first, item.second)
        let proof = try ledger.consistencyProof(oldSize: oldSize, newSize: newSize)
        var reference = ReferenceMerkle(leaves: leaves)
        func hash(_ bytes: [UInt8]) -> Hash32 { Hash32(bytes: bytes)! }
        let oldRoot = hash(reference.root(Int(oldSize)))
        let newRoot = hash(reference.root(Int(newSize)))
        #expect(Merkle.isValidConsistency(oldSize: UInt64(oldSize), newSize: UInt64(newSize), oldRoot: oldRoot, newRoot: newRoot,
                                          proof: proof.path))

        func rejects(_ what: String, old: UInt64 = UInt64(oldSize), new: UInt64 = UInt64(newSize),
                     oldRoot a: Hash32 = oldRoot, newRoot b: Hash32 = newRoot, proof path: [Hash32] = proof.path) {
            #expect(!Merkle.isValidConsistency(oldSize: old, newSize: new, oldRoot: a, newRoot: b, proof: path),
                    "\(what) accepted for \(item.description)")
        }
        for element in proof.path.indices {
            for bit in 0..<256 {
                var mutated = proof.path
                mutated[element] = flipping(mutated[element], bit: bit)
                rejects("bit \(bit) of element \(element)", proof: mutated)
            }
        }
        for bit in stride(from: 0, to: 256, by: 7) {
            rejects("bit \(bit) of the old root", oldRoot: flipping(oldRoot, bit: bit))
            rejects("bit \(bit) of the new root", newRoot: flipping(newRoot, bit: bit))
        }
        let stranger = hash(ReferenceMerkle.sha256(Array("not in this ledger".utf8)))
        for extra in [stranger, oldRoot, newRoot, proof.path[0]] {
            rejects("an element appended", proof: proof.path + [extra])
            rejects("an element prepended", proof: [extra] + proof.path)
        }
        rejects("an empty proof", proof: [])
        for dropped in proof.path.indices {
            var shorter = proof.path
            shorter.remove(at: dropped)
            rejects("element \(dropped) dropped", proof: shorter)
        }
        rejects("roots swapped", oldRoot: newRoot, newRoot: oldRoot)
        // Other sizes claimed, each with its genuine root.
        let claims: [(Int64, Int64)] = [
            (oldSize + 1, newSize), (oldSize - 1, newSize), (oldSize * 2, newSize), (oldSize / 2, newSize),
            (oldSize, newSize + 1), (oldSize, newSize - 1), (oldSize, newSize * 2), (oldSize, newSize / 2),
        ]
        for (old, new) in claims where old >= 1 && new <= 2100 && (old, new) != (oldSize, newSize) && old <= new {
            rejects("sizes \(old)→\(new) claimed", old: UInt64(old), new: UInt64(new),
                    oldRoot: hash(reference.root(Int(old))), newRoot: hash(reference.root(Int(new))))
        }
    }
}

/// `hash` with one bit inverted.
func flipping(_ hash: Hash32, bit: Int) -> Hash32 {
    var bytes = hash.bytes
    bytes[bit / 8] ^= UInt8(1 << (bit % 8))
    return Hash32(bytes: bytes)!
}
