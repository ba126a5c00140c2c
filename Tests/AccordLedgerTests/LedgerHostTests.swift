@testable import AccordLedger
import AccordStorage
import Foundation
import Testing

/// Batches (one transaction, one result per operation) and the async host
/// (one writer, pooled readers) a server runs the engine through.
@Suite("Batches and the host")
struct LedgerHostTests {
    static func party(_ id: String) -> LedgerOperation { .addParty(PartyInput(id: id, name: "Party \(id)")) }

    static func action(_ id: String, party: String, agreement: String = "A") -> LedgerOperation {
        var input = CommitmentInput(id: id, agreement: agreement, party: party)
        input.action = true
        input.due = "2025-06-30"
        return .addCommitment(input)
    }

    static func journalCount(_ ledger: Ledger) throws -> Int64 {
        try ledger.database.scalarInt("SELECT count(*) FROM journal") ?? 0
    }

    @Test("one bad operation fails alone: the others are recorded with seqs of their own, later ones see earlier ones")
    func partialBatch() throws {
        let f = try LedgerFixture()
        try f.agreement("A")
        let before = try Self.journalCount(f.ledger)
        let results = try f.ledger.record([
            Self.party("X"),
            Self.action("C1", party: "X"),              // sees X, added just before in the same batch
            Self.action("C2", party: "ghost"),          // unknown party
            .addParty(PartyInput(id: "bad id", name: "Bad")),  // malformed id
            Self.party("X"),                            // the same content again
            Self.party("Y"),
        ], as: f.recorder)
        #expect(results.count == 6)
        let seqs = results.compactMap { $0.receipt?.recorded == true ? $0.receipt?.seq : nil }
        #expect(seqs == [before + 1, before + 2, before + 3])
        #expect(results[2].error?.kind == .notFound(.party, id: "ghost"))
        #expect(results[3].error?.kind == .invalid(.id(.party)))
        if case .alreadyRecorded(let receipt) = results[4] { #expect(receipt.seq == before + 1) } else {
            Issue.record("expected already recorded: \(results[4])")
        }
        #expect(try Self.journalCount(f.ledger) == before + 3)
        // The ledger stays whole: the audit recomputes everything from the entries.
        #expect(try Audit.run(path: f.path).outcome == .verified)
    }

    @Test("a failure after an operation's first write undoes that operation only")
    func failureAfterWrite() throws {
        let f = try LedgerFixture()
        try f.quantity("C", party: "P")
        try f.log("C", quantity: 10, on: "2025-05-23", id: "v1")
        let before = try Self.journalCount(f.ledger)
        var conflicting = VerificationInput(commitment: "C", observed: "2025-05-23", source: SourceInput(name: "ICRC"))
        conflicting.quantity = "11"
        conflicting.externalID = "v1"
        var fine = VerificationInput(commitment: "C", observed: "2025-05-24", source: SourceInput(name: "ICRC"))
        fine.quantity = "5"
        let results = try f.ledger.record([.log(conflicting), .log(fine)], as: f.recorder)
        #expect(results[0].error.map { if case .conflict = $0.kind { true } else { false } } == true)
        #expect(results[1].receipt?.seq == before + 1)
        #expect(try Self.journalCount(f.ledger) == before + 1)
        #expect(try Audit.run(path: f.path).outcome == .verified)
    }

    @Test("an all-or-nothing batch with one bad operation writes nothing, and says which failed")
    func atomicBatch() throws {
        let f = try LedgerFixture()
        try f.agreement("A")
        let before = try Self.journalCount(f.ledger)
        let results = try f.ledger.record([Self.party("X"), Self.action("C2", party: "ghost"), Self.party("Y")],
                                          as: f.recorder, atomically: true)
        guard case .notWritten = results[0], case .failed(let error) = results[1], case .notWritten = results[2] else {
            Issue.record("unexpected results \(results)")
            return
        }
        #expect(error.kind == .notFound(.party, id: "ghost"))
        #expect(try Self.journalCount(f.ledger) == before)
        let again = try f.ledger.record([Self.party("X"), Self.party("Y")], as: f.recorder, atomically: true)
        #expect(again.compactMap(\.receipt?.seq) == [before + 1, before + 2])
    }

    @Test("many tasks write and read through the host: seqs contiguous, every result its own, reads see one snapshot")
    func concurrentHost() async throws {
        let f = try LedgerFixture()
        try f.agreement("A")
        let start = try Self.journalCount(f.ledger)
        let host = try LedgerHost(path: f.path, readers: 3)
        let recorder = f.recorder
        let writers = 8, batches = 6
        let results = try await withThrowingTaskGroup(of: [OperationResult].self) { group in
            for w in 0..<writers {
                group.addTask {
                    var all: [OperationResult] = []
                    for b in 0..<batches {
                        let id = "W\(w)-\(b)"
                        all += try await host.record([Self.party(id), Self.action("C-\(id)", party: id),
                                                      Self.action("X-\(id)", party: "ghost-\(id)")], as: recorder)
                    }
                    return all
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<5 {
                        // Two looks inside one read, with writes going on between them, agree.
                        let (first, second, parties, again) = try await host.read { ledger in
                            let first = try ledger.database.scalarInt("SELECT max(seq) FROM journal") ?? 0
                            let parties = try ledger.partyList().rows.count
                            usleep(20_000)
                            let second = try ledger.database.scalarInt("SELECT max(seq) FROM journal") ?? 0
                            return (first, second, parties, try ledger.partyList().rows.count)
                        }
                        #expect(first == second)
                        #expect(parties == again)
                    }
                    return []
                }
            }
            var all: [OperationResult] = []
            for try await part in group { all += part }
            return all
        }
        let recorded = results.compactMap { $0.receipt?.recorded == true ? $0.receipt?.seq : nil }.sorted()
        #expect(recorded.count == writers * batches * 2)
        #expect(recorded == Array((start + 1)...(start + Int64(writers * batches * 2))))
        #expect(results.filter { if case .failed(let error) = $0, case .notFound(.party, _) = error.kind { true } else { false } }.count
                == writers * batches)
        let total = try await host.read { try Self.journalCount($0) }
        #expect(total == start + Int64(writers * batches * 2))
        #expect(try Audit.run(path: f.path).outcome == .verified)
    }
}
