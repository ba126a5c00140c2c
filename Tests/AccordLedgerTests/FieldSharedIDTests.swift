@testable import AccordLedger
import AccordTrust
import Crypto
import Foundation
import Testing

/// Two field ledgers of one mission giving the same external id
/// (docs/JOURNAL.md §8, "The same id from two field ledgers").
@Suite struct FieldSharedIDTests {
    /// The mission (keys mon and cp), a second monitor key mon2 registered,
    /// and two field ledgers cloned from it.
    struct World {
        let mission: FieldLedgerTests.Mission
        let second: NoteSigningKey
        let north: Ledger
        let south: Ledger

        init() throws {
            mission = try FieldLedgerTests.mission()
            second = try NoteSigningKey(name: "mon2", privateKey: Curve25519.Signing.PrivateKey())
            let m = mission.fixture.ledger
            // Registered by the mission's admin (cp): on a ledger with admin keys only an admin registers keys.
            _ = try m.registerKey(try KeyRequest(key: second), as: Recorder(actor: "cp", signer: KeySigner(key: mission.checkpointKey)))
            north = try Ledger.clone(at: mission.fixture.directory.path("north.sqlite"), definitions: try m.definitionsBundle(),
                                     remote: nil, as: Recorder(actor: "mon")).ledger
            south = try Ledger.clone(at: mission.fixture.directory.path("south.sqlite"), definitions: try m.definitionsBundle(),
                                     remote: nil, as: Recorder(actor: "mon")).ledger
        }

        var mon: Recorder { Recorder(actor: "mon", signer: KeySigner(key: mission.monitor)) }
        var mon2: Recorder { Recorder(actor: "mon2", signer: KeySigner(key: second)) }

        /// Pushes `field` (bundle, apply, receipts); what the mission answered.
        @discardableResult
        func push(_ field: Ledger) throws -> BundleOutcome? {
            guard let bundle = try field.pushBundle() else { return nil }
            let outcome = try mission.fixture.ledger.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
            _ = try field.importReceipts(outcome.receipts)
            return outcome
        }

        func journalCount() throws -> Int64 { try FieldLedgerTests.count(mission.fixture.ledger) }
    }

    @Test("the same id and content from another monitor is refused, saying whose it is; the same statement from both is recorded once, with a receipt for each")
    func anotherMonitorsID() throws {
        let world = try World()
        _ = try world.north.log(FieldLedgerTests.verification("5", id: "x1"), as: world.mon)
        _ = try world.north.log(FieldLedgerTests.verification("6", id: "x2"), as: world.mon)
        _ = try world.south.log(FieldLedgerTests.verification("5", id: "x1"), as: world.mon2)
        _ = try world.south.log(FieldLedgerTests.verification("6", id: "x2"), as: world.mon)
        try world.push(world.north)
        let before = try world.journalCount()
        // Before the fix: the mission answered south's x1 with north's entry, whose receipt south
        // cannot verify (another actor and signer), so no receipt was ever stored and push stalled.
        let bundle = try #require(try world.south.pushBundle())
        let m = world.mission.fixture.ledger
        var outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: world.mission.checkpointKey)
        // Applied again (a push cut before its receipts came back): the same answers.
        outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: world.mission.checkpointKey)
        _ = try world.south.importReceipts(outcome.receipts)
        #expect(outcome.recorded == 0 && outcome.alreadyRecorded == 1 && outcome.refused.count == 1, "\(outcome.refused)")
        let reason = try #require(outcome.refused.first?.reason)
        #expect(reason.contains("id x1 is already recorded here") && reason.contains("by mon (signed with key mon)")
                && reason.contains("mon2 (signed with key mon2)"), "\(reason)")
        #expect(try world.journalCount() == before)
        let (north, south) = (try world.north.pushStatus(), try world.south.pushStatus())
        #expect(south.map(\.state) == [.refused, .accepted])
        #expect(south[1].missionSeq == north[1].missionSeq && north.map(\.state) == [.accepted, .accepted])
        #expect(try world.south.pushBundle() == nil)
    }

    @Test("an entry that refers to a record the mission refused, in an earlier push, is not sent: it is answered here as refused, and so is one that refers to it")
    func dependentsOfARefusedRecordStayHere() throws {
        let world = try World()
        _ = try world.north.log(FieldLedgerTests.verification("5", id: "x1"), as: world.mon)
        _ = try world.south.log(FieldLedgerTests.verification("7", id: "x1"), as: world.mon)
        try world.push(world.north)
        try world.push(world.south)
        #expect(try world.south.pushStatus().map(\.state) == [.refused])
        // South's monitor corroborates south's x1, then retracts the corroboration.
        let corroboration = try world.south.corroborate(CorroborationInput(target: "x1", source: SourceInput(name: "UN")), as: world.mon2)
        _ = try world.south.retract("\(corroboration.seq)", reason: "wrong record", as: world.mon2)
        let before = try world.journalCount()
        // Before the fix: sent, the corroboration was recorded against north's x1 (other content).
        #expect(try world.push(world.south) == nil)
        #expect(try world.journalCount() == before)
        #expect(try world.mission.fixture.ledger.database.scalarInt("SELECT count(*) FROM corroborations") == 0)
        let rows = try world.south.pushStatus()
        #expect(rows.map(\.state) == [.refused, .refused, .refused])
        #expect(rows[1].reason?.hasPrefix("not sent: it refers to local entry \(rows[0].seq), which the mission ledger refused (") == true,
                "\(rows[1].reason ?? "")")
        #expect(rows[2].reason == "not sent: it refers to local entry \(rows[1].seq), which was not sent either")
        // An entry of its own is still sent.
        _ = try world.south.log(FieldLedgerTests.verification("8", id: "x3"), as: world.mon)
        #expect(try world.push(world.south)?.recorded == 1)
        #expect(try world.south.pushStatus().map(\.state) == [.refused, .refused, .refused, .accepted])
    }

    @Test("a bundle built while the one before it is applied ends before an entry that refers to an entry of that one: it waits for the answer, and is not sent when the mission refused what it refers to")
    func aBundleBuiltAheadWaitsForWhatItRefersTo() throws {
        let world = try World()
        _ = try world.north.log(FieldLedgerTests.verification("5", id: "x1"), as: world.mon)
        try world.push(world.north)
        // South: x1 (north's id, other content: the mission will refuse it), x2, a corroboration of x1, x3.
        _ = try world.south.log(FieldLedgerTests.verification("7", id: "x1"), as: world.mon)
        _ = try world.south.log(FieldLedgerTests.verification("8", id: "x2"), as: world.mon)
        _ = try world.south.corroborate(CorroborationInput(target: "x1", source: SourceInput(name: "UN")), as: world.mon2)
        _ = try world.south.log(FieldLedgerTests.verification("9", id: "x3"), as: world.mon)
        let seqs = try world.south.pushStatus().map(\.seq)
        let first = try #require(try world.south.pushBatch(limit: 2))
        #expect(first.lastSeq == seqs[1])
        // Built while the first is in flight: the corroboration refers to x1, not answered yet: nothing.
        #expect(try world.south.pushBatch(limit: 2, after: first.lastSeq) == nil)
        let m = world.mission.fixture.ledger
        let outcome = try m.applyBundle(first.bytes, unsigned: .anyActor, checkpointKey: world.mission.checkpointKey)
        _ = try world.south.importReceipts(outcome.receipts)
        #expect(try world.south.pushStatus().map(\.state) == [.refused, .accepted, .refused, .pending])
        // Once the answer is in: the corroboration is held back (x1 was refused), x3 goes.
        let next = try #require(try world.south.pushBatch(limit: 2, after: first.lastSeq))
        #expect(next.lastSeq == seqs[3])
        #expect(next.bytes == (try world.south.pushBundle(limit: 2)))
        // Without a refusal: the next bundle ends before an entry that refers to the bundle in flight, and
        // an entry that refers to one in its own bundle goes with it.
        _ = try world.south.log(FieldLedgerTests.verification("10", id: "x4"), as: world.mon)
        _ = try world.south.log(FieldLedgerTests.verification("11", id: "x5"), as: world.mon)
        _ = try world.south.corroborate(CorroborationInput(target: "x4", source: SourceInput(name: "UN")), as: world.mon2)
        _ = try world.south.log(FieldLedgerTests.verification("12", id: "x6"), as: world.mon)
        let third = try #require(try world.south.pushBatch(limit: 2))
        #expect(third.lastSeq == seqs[3] + 1, "x3 and x4")
        #expect(try world.south.pushBatch(limit: 5, after: third.lastSeq)?.lastSeq == third.lastSeq + 1, "x5 only")
        #expect(try world.south.pushBatch(limit: 5, after: seqs[3])?.lastSeq == third.lastSeq + 3, "x4, x5, the corroboration, x6")
    }
}
