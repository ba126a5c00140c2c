import Foundation
import Testing

/// `accord history` shows entries: each must be the journal's (in the tree
/// whose root it prints), and none may be hidden by deleting the row that
/// names it. The ledger here has more than 1,024 entries, so that the entry
/// attacked lies in a block whose hash is cached (the stamp re-hashes only
/// the last block).
@Suite("History shows only what the journal vouches for")
struct HistoryTamperTests {
    /// The demo ledger with 1,100 more verifications of UA-release.
    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        let (accord, path) = try HiddenTamperTests.demo(dir)
        var rows = "id,commitment,quantity,observed,source,confidence\n"
        for row in 1...1_100 { rows += "h\(row),UA-release,1,2025-05-\(10 + row % 20),ICRC,confirmed\n" }
        try Data(rows.utf8).write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        try accord.ok("import", "rows.csv", "--db", path)
        #expect(try accord("history", "UA-release", "--db", path).status == 0)
        return (accord, path)
    }

    @Test("an entry early in the journal edited (its guard lifted and put back): history refuses")
    func editedEntryRefused() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        let seq = try #require(try Attacker.sql(path, "SELECT seq FROM commitments WHERE id = 'UA-release';").first)
        let stored = try #require(try Attacker.sql(path, "SELECT hex(entry) FROM journal WHERE seq = \(seq);").first)
        let id = Attacker.hex(Array("UA-release".utf8)), forged = Attacker.hex(Array("UA-relea5e".utf8))
        #expect(stored.contains(id))
        try Attacker.sql(path, liftingGuards: ["journal_no_update"],
                         "UPDATE journal SET entry = X'\(stored.replacingOccurrences(of: id, with: forged))' WHERE seq = \(seq);")
        let history = try accord("history", "UA-release", "--db", path)
        #expect(history.status == 1 && history.stderr.contains("journal entry \(seq) is not that of the tree"), "\(history.stderr)")
        #expect(!history.stdout.contains("UA-relea5e"))
    }

    /// `accord history subject` on the ledger of ``ledger(_:)`` (which shows it first) after the attacker's `sql`:
    /// it must refuse, saying `reason`.
    static func expectRefused(_ subject: String, after sql: String, saying reason: String) throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try Self.ledger(dir)
        #expect(try accord("history", subject, "--db", path).status == 0)
        try Attacker.sql(path, sql)
        let history = try accord("history", subject, "--db", path)
        #expect(history.status == 1 && history.stderr.contains(reason), "\(history.stderr)")
    }

    @Test("a verification's row deleted: history does not leave its entry out, it refuses")
    func deletedRecordRowRefused() throws {
        try Self.expectRefused("UA-release", after: """
            DELETE FROM verifications WHERE seq = (SELECT min(seq) FROM verifications WHERE commitment = 'UA-release' AND seq = record);
            """, saying: "altered")
    }

    @Test("an external id pointed at another record: history refuses rather than show that record under the id")
    func redirectedExternalIDRefused() throws {
        try Self.expectRefused("h5", after: "UPDATE external_ids SET record = (SELECT record FROM external_ids WHERE id = 'h6') WHERE id = 'h5';",
                               saying: "does not carry")
    }

    @Test("a record moved to another commitment by a correction is in that commitment's history")
    func movedRecordShown() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try HiddenTamperTests.demo(dir)
        let record = try HiddenTamperTests.recorded(try accord("log", "UA-release", "--quantity", "1", "--observed", "2025-06-05",
                                                               "--source", "ICRC", "--db", path))
        let quantity = try #require(try Attacker.sql(path, """
            SELECT id FROM commitments WHERE kind = 'quantity' AND id <> 'UA-release' ORDER BY seq LIMIT 1;
            """).first)
        let moved = try HiddenTamperTests.recorded(try accord("correct", "\(record)", "--commitment", quantity, "--reason", "wrong commitment",
                                                              "--db", path))
        let history = try accord("history", quantity, "--db", path, "--format", "json")
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("{\"seq\":\(record),"), "\(history.stdout)")
        #expect(history.stdout.contains("{\"seq\":\(moved),"), "\(history.stdout)")
    }
}
