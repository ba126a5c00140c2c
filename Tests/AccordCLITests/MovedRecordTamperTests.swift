import Foundation
import Testing

/// A record moved to another commitment by a correction is vouched for by
/// the evidence chain of the commitment it was first recorded against, not
/// by the one it now belongs to: a read about the second must still see it.
/// And reads go on over an altered index (only writes refuse one), so what
/// they show must not depend on what an index leaves out.
@Suite("Moved records and altered indexes cannot hide evidence")
struct MovedRecordTamperTests {
    /// The demo ledger plus a commitment `RU-x` whose breach was moved to
    /// `RU-summit`, which guarantee `G2` alone covers.
    /// - Returns: the runner, the ledger's path, and the seq of the correction that moved the breach.
    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String, Int64) {
        let (accord, path) = try HiddenTamperTests.demo(dir)
        try accord.ok("commitment", "add", "RU-x", "--agreement", "istanbul-2025", "--party", "RU", "--restraint",
                      "--from", "2025-05-16", "--text", "No strikes on ports", "--db", path)
        try accord.ok("guarantee", "add", "G2", "--guarantor", "US", "--covers", "RU-summit", "--consequence", "talks suspended",
                      "--db", path)
        let breach = try HiddenTamperTests.recorded(try accord("breach", "RU-x", "--observed", "2025-05-28", "--severity", "major",
                                                               "--source", "port authority", "--db", path))
        let moved = try HiddenTamperTests.recorded(try accord("correct", "\(breach)", "--commitment", "RU-summit",
                                                              "--reason", "the wrong commitment", "--db", path))
        let report = try accord("report", "--db", path)
        #expect(report.stdout.split(separator: "\n").contains { $0.hasPrefix("G2 ") && $0.contains(" triggered ") }, "\(report.stdout)")
        return (accord, path, moved)
    }

    @Test("a moved breach's row deleted: the report refuses rather than show its guarantee dormant, and so do the listing and history")
    func deletedMovedBreachRefused() throws {
        let dir = try TemporaryDirectory()
        let (accord, path, moved) = try Self.ledger(dir)
        try Attacker.sql(path, "DELETE FROM breaches WHERE seq = \(moved);")
        for arguments in [["report"], ["breaches", "--commitment", "RU-summit"], ["history", "RU-summit"]] {
            let outcome = try accord(arguments + ["--db", path])
            #expect(outcome.status == 1 && outcome.stderr.contains("altered"), "\(arguments): \(outcome.stdout) \(outcome.stderr)")
            #expect(!outcome.stdout.contains("dormant"), "\(arguments): \(outcome.stdout)")
        }
    }

    @Test("a moved verification's row deleted: the commitment's detail and history refuse, whether it counts or awaits a ruling")
    func deletedMovedVerificationRefused() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try HiddenTamperTests.demo(dir)
        // Each from its own commitment: no row left to lead a read of UA-release to the other's chain.
        try accord.ok("commitment", "add", "RU-bodies", "--agreement", "istanbul-2025", "--party", "RU", "--quantity", "500",
                      "--unit", "prisoners", "--due", "2025-06-30", "--db", path)
        var moved: [Int64] = []
        for (from, quantity) in [("RU-release", "40"), ("RU-bodies", "25")] {
            let record = try HiddenTamperTests.recorded(try accord("log", from, "--quantity", quantity, "--observed", "2025-05-26",
                                                                   "--source", "ICRC", "--confidence", "confirmed", "--db", path))
            moved.append(try HiddenTamperTests.recorded(try accord("correct", "\(record)", "--commitment", "UA-release",
                                                                   "--reason", "the other side's release", "--db", path)))
        }
        let disputed = try #require(moved.last)
        try accord.ok("dispute", "\(disputed)", "--by", "RU", "--reason", "not seen", "--db", path)
        let shown = try accord("commitment", "show", "UA-release", "--db", path)
        #expect(shown.status == 0 && moved.allSatisfy { shown.stdout.contains(" \($0) ") }, "\(shown.stdout) \(shown.stderr)")
        for (index, seq) in moved.enumerated() {
            let copy = dir.path("copy\(index).sqlite")
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            try Attacker.sql(copy, "DELETE FROM verifications WHERE seq = \(seq);")
            for arguments in [["commitment", "show", "UA-release"], ["history", "UA-release"]] {
                let outcome = try accord(arguments + ["--db", copy])
                #expect(outcome.status == 1 && outcome.stderr.contains("the checked totals hold, of the verifications of commitment UA-release,"),
                        "\(seq), \(arguments): \(outcome.stdout) \(outcome.stderr)")
            }
        }
    }

    @Test("an index altered to leave a moved breach out: the listing and the history still show it")
    func movedBreachBehindAlteredIndexShown() throws {
        let dir = try TemporaryDirectory()
        let (accord, path, moved) = try Self.ledger(dir)
        try Attacker.hide(path, in: "breaches", behind: "breaches_commitment", columns: "commitment, observed_day", unique: false,
                          where: "seq = \(moved)")
        let listing = try accord("breaches", "--commitment", "RU-summit", "--db", path, "--format", "json")
        #expect(listing.status == 0 && listing.stdout.contains("\"seq\": \(moved),"), "\(listing.stdout) \(listing.stderr)")
        let history = try accord("history", "RU-summit", "--db", path, "--format", "json")
        #expect(history.status == 0 && history.stdout.contains("{\"seq\":\(moved),"), "\(history.stdout) \(history.stderr)")
    }

    @Test("an index altered to leave an amendment out: history still shows it")
    func amendmentBehindAlteredIndexShown() throws {
        let dir = try TemporaryDirectory()
        let (accord, path) = try HiddenTamperTests.demo(dir)
        let amendment = try #require(try Attacker.sql(path, "SELECT seq FROM amendments WHERE entity = 'commitment:RU-summit';").first)
        try Attacker.hide(path, in: "amendments", behind: "amendments_entity", columns: "entity", unique: false,
                          where: "seq = \(amendment)")
        #expect(try Attacker.sql(path, "SELECT count(*) FROM amendments WHERE entity = 'commitment:RU-summit';") == ["0"])
        let history = try accord("history", "RU-summit", "--db", path, "--format", "json")
        #expect(history.status == 0 && history.stdout.contains("{\"seq\":\(amendment),"), "\(history.stdout) \(history.stderr)")
    }
}
