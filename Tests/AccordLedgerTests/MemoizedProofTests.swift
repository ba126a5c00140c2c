@testable import AccordLedger
import AccordStorage
import AccordTrust
import Testing

/// A push's receipts and a definitions bundle prove many entries of one tree
/// with ``MemoizingHashSource/inclusionProof(index:)``: each proof must be
/// exactly the one `Merkle.inclusionProof` gives over the journal, whatever
/// the tree's size and however many proofs came before it.
@Suite("Memoized inclusion proofs")
struct MemoizedProofTests {
    @Test("every proof equals Merkle.inclusionProof's, for trees up to and past a cached block of 1,024")
    func sameProofs() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ProofLedger.make(at: dir.path("l.sqlite"), entries: 1100)
        try ledger.database.read { db in
            for size in [1, 2, 3, 5, 8, 63, 64, 65, 1023, 1024, 1025, 1099, 1100] as [UInt64] {
                let memoized = MemoizingHashSource(db: db, size: Int64(size))
                // Every index of the small trees; for the large ones the edges and every 13th, in an order that jumps.
                let indices = size <= 65 ? Array(0..<size)
                    : Array(Set([0, 1, size / 2, size - 2, size - 1] + stride(from: size - 1, to: 0, by: -13).map { $0 }))
                for index in indices {
                    let expected = try Merkle.inclusionProof(index: index, size: size, source: JournalHashSource(db: db))
                    #expect(try memoized.inclusionProof(index: index) == expected, "index \(index) of \(size)")
                }
                #expect(throws: MerkleProofError.self) { _ = try memoized.inclusionProof(index: size) }
            }
        }
    }
}
