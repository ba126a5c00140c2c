@testable import AccordLedger
import AccordStorage
import Foundation
import Testing

/// SQLite compiles statements against the schema a connection parsed, which
/// may be older than the text in `sqlite_schema`: an edit made with `PRAGMA
/// writable_schema` and put back later, the schema cookie unchanged, leaves a
/// connection that opened in between with the edited columns while the text
/// checked is the honest one. Reads and writes must use the schema checked.
@Suite("A schema parsed before an edit was put back")
struct StaleSchemaTests {
    typealias Fixture = TwoThreadReportTests

    /// Sets the texts of `daily_totals` and `commitment_totals` to the
    /// honest ones or to ones with `records` and `quantity` swapped, in
    /// `sqlite_master` itself, without moving the schema cookie.
    static func schemaSwapper(_ path: String) throws -> (Bool) throws -> Void {
        var texts: [(table: String, honest: String, swapped: String)] = []
        for table in ["daily_totals", "commitment_totals"] {
            let honest = try Fixture.sqlite(path, "SELECT sql FROM sqlite_master WHERE name = '\(table)';")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let swapped = honest.replacingOccurrences(of: "records ", with: "SWAP ").replacingOccurrences(of: "quantity ", with: "records ")
                .replacingOccurrences(of: "SWAP ", with: "quantity ")
            #expect(swapped != honest && !honest.contains("'"))
            texts.append((table, honest, swapped))
        }
        return { swapped in
            _ = try Fixture.sqlite(path, "PRAGMA writable_schema = ON;" + texts.map {
                " UPDATE sqlite_master SET sql = '\(swapped ? $0.swapped : $0.honest)' WHERE name = '\($0.table)';"
            }.joined())
            let count = try Fixture.sqlite(path, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%quantity%CHECK (quantity > 0)%';")
            #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == (swapped ? "2" : "0"))
        }
    }

    /// Every commitment's verified quantity, sources and status at two dates and at the head.
    static func reports(_ ledger: Ledger) throws -> [[String]] {
        try [nil, "2025-05-02", "2025-06-30"].map { day in
            let at = try day.map { try Moment(parsing: $0, field: .date) }
            return try ledger.report(ReportOptions(at: at)).commitments.map {
                "\($0.id) \($0.verified ?? -1) \($0.sources) \($0.status)"
            }
        }
    }

    @Test("a connection that parsed an edited schema, put back since, reads under the schema checked")
    func staleParsedSchemaNotRead() throws {
        let dir = try TemporaryDirectory()
        _ = try Fixture.ledger(dir, commitments: TotalsEvidence.parallelMinimum + 10)
        let path = dir.path("ledger.sqlite")
        let setSwapped = try Self.schemaSwapper(path)
        let honest = try Self.reports(try Ledger.open(at: path))
        try setSwapped(true)
        let stale = try Ledger.open(at: path)   // parses the swapped names
        try setSwapped(false)
        #expect(try Self.reports(stale) == honest)
    }

    @Test("a write through a connection that parsed an edited schema, put back since, stores what the schema checked says")
    func staleParsedSchemaNotWritten() throws {
        var results: [[[String]]] = []
        for race in [false, true] {
            let dir = try TemporaryDirectory()
            let fixture = try Fixture.ledger(dir, commitments: 12)
            let path = dir.path("ledger.sqlite")
            // A commitment with no evidence yet: its first rows are inserted, none read before.
            try Data("kind,id,agreement,party,commitment_kind,quantity,unit,due\ncommitment,CNEW,A,P,quantity,10,prisoners,2025-05-09\n".utf8)
                .write(to: URL(fileURLWithPath: dir.path("new.csv")))
            #expect(try fixture.importFile(dir.path("new.csv"), as: Fixture.recorder).rejected == 0)
            let setSwapped = try Self.schemaSwapper(path)
            if race { try setSwapped(true) }
            let ledger = try Ledger.open(at: path)   // in the race, parses the swapped names
            if race { try setSwapped(false) }
            // The first evidence of CNEW; two verifications of C000 on a new day; one of C001 on a day it has.
            for (commitment, day, quantity) in [("CNEW", "2025-05-08", "5"), ("C000", "2025-05-07", "3"), ("C000", "2025-05-07", "9"),
                                                ("C001", "2025-05-02", "4")] {
                var input = VerificationInput(commitment: commitment, observed: day,
                                              source: SourceInput(name: "ICRC", kind: "monitor", confidence: "confirmed"))
                input.quantity = quantity
                _ = try ledger.log(input, as: Fixture.recorder)
            }
            #expect(try Audit.run(path: path).outcome == .verified)
            results.append(try Self.reports(try Ledger.open(at: path)))
        }
        #expect(results[1] == results[0])
    }
}
