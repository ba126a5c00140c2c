@testable import AccordLedger
import AccordStorage
import Foundation
import Testing

/// A report at a past date reads the per-day rows of many commitments on two
/// threads, half through a second connection (docs/PERFORMANCE.md, "P3
/// historical: both cores"). What it counts must be what one thread counts,
/// a row altered in either half must be refused, and a second connection that
/// sees another state of the file (a write came between) must read nothing.
@Suite("Historical reports on two threads")
struct TwoThreadReportTests {
    static var recorder: Recorder { Recorder(actor: "tester") }

    /// Commitments C000… (quantities, and every fifth a restraint whose
    /// window closes before some of its breaches), with records on six days
    /// at every confidence, so that a report on an earlier day reads the
    /// per-day rows of each.
    static func ledger(_ dir: TemporaryDirectory, commitments: Int) throws -> Ledger {
        var structure = "kind,id,name,title,agreement,party,commitment_kind,quantity,unit,due,from,until\n"
            + "party,P,Party P,,,,,,,,,\nagreement,A,,Agreement A,,,,,,,,\n"
        var rows = "kind,id,commitment,party,quantity,outcome,observed,severity,source,confidence\n"
        for index in 0..<commitments {
            let id = String(format: "C%03d", index)
            let restraint = index % 5 == 4
            structure += restraint ? "commitment,\(id),,,A,P,restraint,,,,2025-05-01,2025-05-06\n"
                : "commitment,\(id),,,A,P,quantity,\(50 + index % 7),prisoners,2025-05-03,,\n"
            for day in 1...6 where (index + day) % 3 != 0 {
                let confidence = ["confirmed", "probable", "unverified"][(index + day) % 3 == 1 ? 0 : (index * day) % 3]
                let source = ["ICRC", "UN", "Wire"][(index * 7 + day) % 3]
                rows += restraint ? "breach,\(id)-\(day),\(id),P,,,2025-05-0\(day),major,\(source),\(confidence)\n"
                    : "verification,\(id)-\(day),\(id),,\(index % 4 + day),,2025-05-0\(day),,\(source),\(confidence)\n"
            }
        }
        try Data(structure.utf8).write(to: URL(fileURLWithPath: dir.path("structure.csv")))
        try Data(rows.utf8).write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        let (ledger, _) = try Ledger.create(at: dir.path("ledger.sqlite"), as: recorder)
        _ = try ledger.importFile(dir.path("structure.csv"), as: recorder)
        let summary = try ledger.importFile(dir.path("rows.csv"), as: recorder)
        #expect(summary.rejected == 0, "\(summary.issues)")
        return ledger
    }

    /// The evidence summaries at `day` and `threshold`, read with `sibling` (nil: on one thread).
    static func summaries(_ view: LedgerView, day: String, threshold: Int,
                          sibling: SiblingReader?) throws -> [String: EvidenceSummary] {
        try TotalsEvidence(db: view.db, state: view.state(), sibling: sibling)
            .summaries(atDay: try Moment(parsing: day, field: .date).day, threshold: threshold)
    }

    @Test("two threads count exactly what one counts, on every day and at every threshold")
    func sameSummaries() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir, commitments: 2 * TotalsEvidence.parallelMinimum + 20)
        try ledger.reading(asOf: nil) { view in
            let sibling = try #require(view.sibling)
            #expect(sibling.read { _ in true } == true, "the second connection reads the view's state")
            for day in ["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-05"] {
                for threshold in 0...2 {
                    let one = try Self.summaries(view, day: day, threshold: threshold, sibling: nil)
                    let two = try Self.summaries(view, day: day, threshold: threshold, sibling: sibling)
                    #expect(two == one, "\(day), threshold \(threshold)")
                    #expect(one.count > 2 * TotalsEvidence.parallelMinimum, "\(day): \(one.count) commitments read")
                }
            }
        }
        // The report itself reads through the same two threads: C004's first confirmed breach is on 2025-05-03.
        let status = { (day: String) in
            try ledger.report(ReportOptions(at: try Moment(parsing: day, field: .date))).commitments.first { $0.id == "C004" }?.status
        }
        #expect(try status("2025-05-02") == .inProgress)
        #expect(try status("2025-05-03") == .breached)
    }

    @Test("a second connection that sees a later write reads nothing, and its share is read on the first")
    func laterWriteFallsBack() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir, commitments: TotalsEvidence.parallelMinimum + 10)
        try ledger.reading(asOf: nil) { view in
            let sibling = try #require(view.sibling)
            let before = try Self.summaries(view, day: "2025-05-02", threshold: 2, sibling: nil)
            // Another process records a verification of C001 on 2025-05-01 while this read is open.
            let other = try Ledger.open(at: dir.path("ledger.sqlite"))
            var input = VerificationInput(commitment: "C001", observed: "2025-05-01", source: SourceInput(name: "ICRC", confidence: "confirmed"))
            input.quantity = "900"
            _ = try other.log(input, as: Self.recorder)
            #expect(sibling.read { _ in true } == nil)
            let after = try Self.summaries(view, day: "2025-05-02", threshold: 2, sibling: sibling)
            #expect(after == before, "the view's own state, not the later one")
            #expect(after["C001"]?.quantity ?? 0 < 900)
        }
        let later = try ledger.report(ReportOptions(at: try Moment(parsing: "2025-05-02", field: .date)))
        #expect(later.commitments.first { $0.id == "C001" }?.verified ?? 0 >= 900)
    }

    @Test("a column renamed under the report, the journal untouched, is not read through the second connection")
    func renamedColumnNotRead() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir, commitments: TotalsEvidence.parallelMinimum + 10)
        let path = dir.path("ledger.sqlite")
        try ledger.reading(asOf: nil) { view in
            let sibling = try #require(view.sibling)
            let before = try Self.summaries(view, day: "2025-05-02", threshold: 2, sibling: nil)
            // With the sqlite3 shell, in one transaction and no journal entry: records and quantity swap names.
            let version = try Self.sqlite(path, "PRAGMA schema_version;").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try Self.sqlite(path, """
                PRAGMA writable_schema = ON;
                BEGIN IMMEDIATE;
                UPDATE sqlite_master SET sql = replace(replace(replace(sql,
                    'records     INTEGER NOT NULL CHECK (records > 0)', 'SWAP'),
                    'quantity    INTEGER NOT NULL,', 'records     INTEGER NOT NULL,'),
                    'SWAP', 'quantity    INTEGER NOT NULL CHECK (quantity > 0)') WHERE name = 'daily_totals';
                PRAGMA schema_version = \(Int(version).map { $0 + 1 } ?? 0);
                COMMIT;
                """)
            #expect(try Self.sqlite(path, "SELECT sql FROM sqlite_master WHERE name = 'daily_totals';").contains("records     INTEGER NOT NULL,"))
            #expect(sibling.read { _ in true } == nil, "the second connection sees a schema the first never checked")
            #expect(try Self.summaries(view, day: "2025-05-02", threshold: 2, sibling: sibling) == before)
        }
    }

    /// Runs `script` with the sqlite3 shell on `path`; its output.
    static func sqlite(_ path: String, _ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-bail", "-batch", path]
        let (input, output) = (Pipe(), Pipe())
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3: \(script)")
        return text
    }

    @Test("a per-day row altered in either thread's half is refused, naming its commitment")
    func alteredRowRefused() throws {
        // Sorted by their bytes, C000 is read on the first thread and C001 on the second.
        for commitment in ["C000", "C001", "C513"] {
            let dir = try TemporaryDirectory()
            let ledger = try Self.ledger(dir, commitments: 2 * TotalsEvidence.parallelMinimum + 20)
            try ledger.database.execute("UPDATE daily_totals SET quantity = quantity + 1 WHERE commitment = '\(commitment)' AND day = 20212")
            #expect(try ledger.database.scalarInt("SELECT changes()") ?? 0 > 0)
            let error = ledgerError { _ = try ledger.report(ReportOptions(at: try Moment(parsing: "2025-05-02", field: .date))) }
            #expect(error?.kind == .tampered && error?.message(PlainPhrasing()).contains("per-day totals of commitment \(commitment) ") == true,
                    "\(commitment): \(String(describing: error))")
        }
    }
}
