import AccordLedger
import AccordPresentation
import Foundation
import Testing

/// `Ledger.writeGroup`: several writes, one transaction, each in its own
/// savepoint — the server's group commit.
@Suite struct GroupWriteTests {
    struct Thrown: Error {}

    static func verification(_ id: String, quantity: String = "1") -> VerificationInput {
        var input = VerificationInput(commitment: "UA-release", observed: "2025-05-26",
                                      source: SourceInput(name: "Field", kind: "monitor"))
        input.quantity = quantity
        input.externalID = id
        return input
    }

    /// A refused write and a write rolled back after it appended leave no
    /// trace; their neighbours keep consecutive seqs, a retry in the same group
    /// is already recorded, and the audit verifies.
    @Test func aFailureIsRolledBackAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("group.sqlite")
        let recorder = Recorder(actor: "tester")
        let ledger = try Demo.create(at: path, force: false, as: recorder)
        let before = try ledger.consistencyProof(oldSize: 1).newSize
        let results = try ledger.writeGroup(5) { index -> Receipt in
            switch index {
            case 1: return try ledger.log(GroupWriteTests.verification("bad", quantity: "-1"), as: recorder)
            case 2:
                // Appends, then fails: the savepoint takes the entry back.
                _ = try ledger.log(GroupWriteTests.verification("undone"), as: recorder)
                throw Thrown()
            case 4: return try ledger.log(GroupWriteTests.verification("g-0"), as: Recorder(actor: "other"))
            default: return try ledger.log(GroupWriteTests.verification("g-\(index)"), as: recorder)
            }
        }
        #expect(try results[0].get().seq == before + 1)
        #expect(try results[0].get().status == .recorded)
        #expect((try? results[1].get()) == nil)
        #expect(throws: Thrown.self) { try results[2].get() }
        #expect(try results[3].get().seq == before + 2)
        #expect(try results[3].get().treeSize == before + 2)
        #expect(try results[4].get().status == .alreadyRecorded)
        #expect(try results[4].get().seq == before + 1)
        #expect(try ledger.consistencyProof(oldSize: 1).newSize == before + 2)
        #expect(try Audit.run(path: path).outcome == .verified)
    }

    /// Nothing of a group is visible to another connection before it commits.
    @Test func aGroupCommitsOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("group.sqlite")
        let recorder = Recorder(actor: "tester")
        let ledger = try Demo.create(at: path, force: false, as: recorder)
        let before = try ledger.consistencyProof(oldSize: 1).newSize
        var seen: [Int64] = []
        _ = try ledger.writeGroup(3) { index -> Receipt in
            let receipt = try ledger.log(GroupWriteTests.verification("c-\(index)"), as: recorder)
            seen.append(try Ledger.open(at: path, readOnly: true).consistencyProof(oldSize: 1).newSize)
            return receipt
        }
        #expect(seen == [before, before, before])
        #expect(try Ledger.open(at: path, readOnly: true).consistencyProof(oldSize: 1).newSize == before + 3)
    }
}
