import AccordStorage
import Foundation
import Synchronization
import Testing
@testable import AccordLedger

/// A state "as of" an earlier entry is rebuilt from the entries alone; these
/// tests edit an early entry under genuine cached Merkle nodes and edge (the
/// head's last block, which every read hashes, is untouched), where only the
/// tie between the replayed entries and the head's tree can tell.
@Suite("As-of reads are tied to the head's tree")
struct AsOfTamperTests {
    /// A ledger of 1,100 entries (so entries 1–1,024 are one cached node):
    /// entries 1–4 each written a second apart, the rest in one write a second later.
    static func ledger(_ dir: TemporaryDirectory) throws -> Ledger {
        let tick = Mutex<Int64>(0)
        let clock = LedgerClock {
            let time = Timestamp(milliseconds: 1_748_736_000_000 + tick.withLock { $0 += 1_000; return $0 })
            return LedgerClock.Reading(time: time, source: "test", system: Timestamp.system())
        }
        return try ProofLedger.make(at: dir.path("l.sqlite"), entries: 1100, settings: LedgerSettings(clock: clock))
    }

    static func entry(_ ledger: Ledger, _ seq: Int64) throws -> Entry {
        var bytes: [UInt8] = []
        try ledger.database.read { db in try db.forEach("SELECT entry FROM journal WHERE seq = ?", [seq]) { bytes = $0.blob(0) } }
        return try Entry.decodeCanonical(bytes)
    }

    /// Rewrites entry `seq` with the journal's guard trigger dropped and put back, as an attacker with the file would.
    static func replace(_ ledger: Ledger, _ seq: Int64, with entry: Entry) throws {
        let database = try Database(path: ledger.path, mode: .readWrite, configuration: Ledger.configuration)
        let trigger = try #require(try database.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'journal_no_update'"))
        try database.execute("DROP TRIGGER journal_no_update")
        _ = try database.run("UPDATE journal SET entry = ? WHERE seq = ?", DatabaseValue.blob(entry.encoded()), seq)
        try database.execute(trigger)
    }

    static func stateSeq(_ ledger: Ledger, _ asOf: AsOf) throws -> Int64 {
        try ledger.reading(asOf: asOf) { try $0.stamp().seq }
    }

    @Test("a genuine ledger: as of a seq and as of an entry's time, the state after that entry")
    func genuine() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir)
        let third = try Self.entry(ledger, 3).recordedAt
        #expect(try Self.stateSeq(ledger, .seq(3)) == 3)
        #expect(try Self.stateSeq(ledger, try AsOf(parsing: third.iso8601)) == 3)
        #expect(try Self.stateSeq(ledger, .seq(1099)) == 1099)
    }

    @Test("an early entry edited (its clock flag) under the genuine cached node: the head still reads, as of it is refused")
    func editedPrefix() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir)
        var entry = try Self.entry(ledger, 3)
        entry.clock = entry.clock == .system ? .overridden : .system
        try Self.replace(ledger, 3, with: entry)
        #expect(try Self.stateSeq(ledger, .seq(1100)) == 1100)
        for asOf in [AsOf.seq(3), .seq(2), .seq(700)] {
            do {
                _ = try Self.stateSeq(ledger, asOf)
                Issue.record("the state as of \(asOf) was shown")
            } catch let error as LedgerError {
                #expect(error.kind == .tampered, "\(error)")
            }
        }
    }

    @Test("the entry after the one a time chooses, its time moved later: the choice is refused, not a state too early")
    func editedNextTime() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir)
        var entry = try Self.entry(ledger, 3)
        let genuine = entry.recordedAt
        entry.recordedAt = Timestamp(milliseconds: genuine.milliseconds + 86_400_000 * 365)
        try Self.replace(ledger, 3, with: entry)
        do {
            // Entry 3 was recorded at `genuine`: the state as of then is entry 3's, which the edited time hides.
            _ = try Self.stateSeq(ledger, try AsOf(parsing: genuine.iso8601))
            Issue.record("a state as of the edited entry's time was shown")
        } catch let error as LedgerError {
            // Refused by the prefix's consistency proof (entry 3 is in the path of entry 2's subtree) or by entry 3's inclusion.
            #expect(error.kind == .tampered && "\(error)".contains("has been altered"), "\(error)")
        }
    }

    @Test("an entry whose time goes back is refused by the replay")
    func timeGoesBack() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir)
        var entry = try Self.entry(ledger, 2)
        entry.recordedAt = Timestamp(milliseconds: entry.recordedAt.milliseconds - 86_400_000)
        try Self.replace(ledger, 2, with: entry)
        do {
            _ = try Self.stateSeq(ledger, .seq(2))
            Issue.record("the state as of entry 2 was shown")
        } catch let error as LedgerError {
            #expect(error.kind == .tampered && "\(error)".contains("recorded before entry 1"), "\(error)")
        }
    }

    @Test("an entry's time at Int64.min: the export prints it without trapping")
    func extremeTime() throws {
        #expect(Timestamp(milliseconds: .min).iso8601.hasSuffix(".192Z"))
        #expect(Timestamp(milliseconds: .max).iso8601.hasSuffix(".807Z"))
        #expect(Timestamp(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }
}
