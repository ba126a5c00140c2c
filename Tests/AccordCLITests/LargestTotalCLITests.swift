import Foundation
import Testing

/// A commitment's quantities add up to at most 10^18 of its smallest units:
/// a write that would pass it is refused whole (exit 65, nothing written),
/// where the sum used to wrap past Int64 into a negative total that every
/// report, brief and `commitment show` then trapped on (an attacker's finding).
@Suite struct LargestTotalCLITests {
    /// The demo ledger (w.sqlite) with TINY, a commitment of 0.000001 t at 6 decimal places.
    static func tiny(_ dir: TemporaryDirectory) throws -> AccordRunner {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-01T12:00:00Z"
        try accord.ok("demo", "--db", "w.sqlite")
        try accord.ok("commitment", "add", "TINY", "--agreement", "istanbul-2025", "--party", "UA", "--quantity", "0.000001",
                      "--decimals", "6", "--unit", "t", "--due", "2025-06-30", "--db", "w.sqlite")
        return accord
    }

    @Test("a write that would pass a commitment's largest total is refused; reports of one near it print")
    func refusedPastTheLargestTotal() throws {
        let dir = try TemporaryDirectory()
        let accord = try Self.tiny(dir)
        // 9,300 of the largest quantity at 6 decimal places: 9.3 × 10^18 units, past Int64.
        func rows(_ count: Int) -> String {
            "commitment,quantity,observed,source\n"
                + (0..<count).map { "TINY,1000000000,2025-06-\(String(format: "%02d", 1 + $0 % 20)),S\($0)\n" }.joined()
        }
        try rows(9_300).write(toFile: dir.path("over.csv"), atomically: true, encoding: .utf8)
        let before = try LedgerState(dir.path("w.sqlite"))
        let refused = try accord("import", "over.csv", "--db", "w.sqlite")
        #expect(refused.status == 65, "\(refused.stderr)")
        // Refused at its row: 1,000 rows make 10^18 units; the 1,001st (line 1,002) would pass it.
        #expect(refused.stderr.hasPrefix("over.csv:1002: quantity: the quantities of commitment TINY would add up to more than "
                                         + "1,000,000,000,000 t, the most a commitment's evidence may total\n"), "\(refused.stderr.prefix(400))")
        #expect(try LedgerState(dir.path("w.sqlite")) == before)

        // Up to it: 999 rows and one more log, 10^18 units; one more is refused.
        try rows(999).write(toFile: dir.path("near.csv"), atomically: true, encoding: .utf8)
        try accord.ok("import", "near.csv", "--db", "w.sqlite", "--quiet")
        try accord.ok("log", "TINY", "--quantity", "1000000000", "--observed", "2025-06-02", "--source", "X", "--db", "w.sqlite")
        let held = try LedgerState(dir.path("w.sqlite"))
        let one = try accord("log", "TINY", "--quantity", "0.000001", "--observed", "2025-06-02", "--source", "Y", "--db", "w.sqlite")
        #expect(one.status == 65 && one.stderr == "Error: quantity: the quantities of commitment TINY would add up to more than "
                + "1,000,000,000,000 t, the most a commitment's evidence may total\n", "\(one.stderr)")
        #expect(try LedgerState(dir.path("w.sqlite")) == held)

        for arguments in [["report"], ["report", "--section", "parties"], ["commitment", "show", "TINY"],
                          ["brief", "--format", "markdown"], ["report", "--format", "json"]] {
            let outcome = try accord(arguments + ["--at", "2025-06-30", "--db", "w.sqlite"])
            #expect(outcome.status == 0, "\(arguments): \(outcome.status) \(outcome.stderr)")
            #expect(outcome.stdout.contains("1000000000000.000000") || outcome.stdout.contains("1,000,000,000,000.000000")
                    || arguments == ["report", "--section", "parties"], "\(arguments): \(outcome.stdout)")
        }
        #expect(try accord("audit", "--db", "w.sqlite").status == 0)
    }

    @Test("near the largest total: a correction is judged by what it comes to, a ruling that brings a record back is refused alone")
    func correctionsAndRulingsNearTheLargestTotal() throws {
        let dir = try TemporaryDirectory()
        let accord = try Self.tiny(dir)
        try ("commitment,quantity,observed,source\n" + (0..<999).map { "TINY,1000000000,2025-06-01,S\($0)\n" }.joined())
            .write(toFile: dir.path("held.csv"), atomically: true, encoding: .utf8)
        try accord.ok("import", "held.csv", "--db", "w.sqlite", "--quiet")
        func log(_ id: String, _ quantity: String) throws {
            try accord.ok("log", "TINY", "--quantity", quantity, "--observed", "2025-06-02", "--source", id, "--id", id,
                          "--db", "w.sqlite")
        }
        // 10^18 units less 0.5 t: big-1 the largest less 1 t, small-1 0.5 t.
        try log("big-1", "999999999")
        try log("small-1", "0.5")
        // A correction that lowers, one that changes no quantity, one that raises within the bound: recorded.
        for arguments in [["big-1", "--quantity", "999999998"], ["big-1", "--note", "recounted"], ["small-1", "--quantity", "1.5"]] {
            let outcome = try accord(["correct"] + arguments + ["--reason", "recount", "--db", "w.sqlite"])
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
        }
        // 10^18 units less 0.5 t now: one that raises small-1 by more than that is refused, and leaves the ledger as it was.
        let before = try LedgerState(dir.path("w.sqlite"))
        let raised = try accord("correct", "small-1", "--quantity", "2.000001", "--reason", "recount", "--db", "w.sqlite")
        #expect(raised.status == 65 && raised.stderr.contains("the quantities of commitment TINY would add up to more than "
                                                              + "1,000,000,000,000 t"), "\(raised.stderr)")
        #expect(try LedgerState(dir.path("w.sqlite")) == before)

        // A record under a pending dispute counts for nothing; filled meanwhile, upholding it would pass the bound.
        try accord.ok("dispute", "small-1", "--by", "RU", "--reason", "contested", "--db", "w.sqlite")
        try log("fill-1", "1.5")
        let held = try LedgerState(dir.path("w.sqlite"))
        let upheld = try accord("adjudicate", "small-1", "--upheld", "--reason", "confirmed", "--db", "w.sqlite")
        #expect(upheld.status == 65 && upheld.stderr.contains("would add up to more than"), "\(upheld.stderr)")
        #expect(try LedgerState(dir.path("w.sqlite")) == held)
        try accord.ok("adjudicate", "small-1", "--rejected", "--reason", "not confirmed", "--db", "w.sqlite")
        #expect(try accord("audit", "--db", "w.sqlite").status == 0)
    }
}
