@testable import AccordLedger
import AccordStorage
import Foundation
import Testing

/// A view of a large ledger reads the largest state tables through a second
/// connection on another thread (``VerifiedState/siblingTables``). What it
/// gathers must be what one connection gathers, every row of either must be
/// checked against the state root, and a second connection that sees another
/// state of the file must give nothing.
@Suite("The head state on two threads")
struct TwoThreadStateTests {
    typealias Fixture = TwoThreadReportTests

    /// What a report takes from the state, in words.
    static func described(_ state: VerifiedState) -> [String] {
        let totals = state.totals.map { "\($0)" }
        let sources = state.sources.keys.sorted().map { id in
            let counts = state.sources[id] ?? VerifiedState.SourceCounts()
            return "\(id) \(counts[0]) \(counts[1]) \(counts[2])"
        }
        let commitments = state.snapshot.commitments.map { "\($0.seq) \($0.commitment)" }
        return totals + sources + commitments + state.digests.keys.sorted()
    }

    @Test("the state gathered on two threads is the state gathered on one, and a later write is not read")
    func sameState() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Fixture.ledger(dir, commitments: 60)
        try ledger.reading(asOf: nil) { view in
            let sibling = try #require(view.sibling)
            let one = try VerifiedState.load(view.db, expected: view.last?.stateRoot, headSeq: view.seq)
            let two = try VerifiedState.load(view.db, expected: view.last?.stateRoot, headSeq: view.seq, sibling: sibling)
            let rows = try view.db.scalarInt("SELECT (SELECT count(*) FROM commitment_totals) + (SELECT count(*) FROM commitment_sources)")
            #expect(one.rowsReadBySibling == 0 && two.rowsReadBySibling == rows.map(Int.init))
            #expect(Self.described(two) == Self.described(one) && one.totals.count >= 60)
            // Another connection writes: the second sees a later journal end and gives nothing; this one reads it all.
            var input = VerificationInput(commitment: "C000", observed: "2025-05-07",
                                          source: SourceInput(name: "ICRC", kind: "monitor", confidence: "confirmed"))
            input.quantity = "5"
            _ = try Ledger.open(at: dir.path("ledger.sqlite")).log(input, as: Fixture.recorder)
            let after = try VerifiedState.load(view.db, expected: view.last?.stateRoot, headSeq: view.seq, sibling: sibling)
            #expect(after.rowsReadBySibling == 0 && Self.described(after) == Self.described(one))
        }
    }

    @Test("a row altered in a table the second connection reads is refused, naming its commitment")
    func alteredRowRefused() throws {
        for (table, commitment) in [("commitment_totals", "C003"), ("commitment_sources", "C007")] {
            let dir = try TemporaryDirectory()
            let ledger = try Fixture.ledger(dir, commitments: 12)
            let column = table == "commitment_totals" ? "records" : "sources"
            try ledger.database.execute("UPDATE \(table) SET \(column) = \(column) + 1 WHERE commitment = '\(commitment)' AND confidence = 0")
            #expect(try ledger.database.scalarInt("SELECT changes()") ?? 0 > 0)
            try ledger.reading(asOf: nil) { view in
                let sibling = try #require(view.sibling)
                #expect(sibling.read { _ in true } == true)
                #expect {
                    _ = try VerifiedState.load(view.db, expected: view.last?.stateRoot, headSeq: view.seq, sibling: sibling)
                } throws: { error in
                    "\(error)".contains("the rows of commitment:\(commitment) do not match")
                }
            }
        }
    }
}
