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

    /// Sets the texts of `tables` to the honest ones or to ones with the
    /// columns `names` swapped, in `sqlite_master` itself, without moving
    /// the schema cookie.
    static func schemaSwapper(_ path: String, tables: [String] = ["daily_totals", "commitment_totals"],
                              names: (String, String) = ("records", "quantity")) throws -> (Bool) throws -> Void {
        var texts: [(table: String, honest: String, swapped: String)] = []
        for table in tables {
            let honest = try Fixture.sqlite(path, "SELECT sql FROM sqlite_master WHERE name = '\(table)';")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let swapped = honest.replacingOccurrences(of: "\(names.0) ", with: "SWAP ").replacingOccurrences(of: "\(names.1) ", with: "\(names.0) ")
                .replacingOccurrences(of: "SWAP ", with: "\(names.1) ")
            #expect(swapped != honest && !honest.contains("'"))
            texts.append((table, honest, swapped))
        }
        return { swapped in
            _ = try Fixture.sqlite(path, "PRAGMA writable_schema = ON;" + texts.map {
                " UPDATE sqlite_master SET sql = '\(swapped ? $0.swapped : $0.honest)' WHERE name = '\($0.table)';"
            }.joined())
            let now = try Fixture.sqlite(path, texts.map { "SELECT sql FROM sqlite_master WHERE name = '\($0.table)';" }.joined())
            #expect(now.trimmingCharacters(in: .whitespacesAndNewlines)
                        == texts.map { swapped ? $0.swapped : $0.honest }.joined(separator: "\n"))
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

    @Test("an access-log record written through a connection that parsed an edited schema, put back since, keeps its columns")
    func staleParsedSchemaNotLogged() throws {
        let dir = try TemporaryDirectory()
        _ = try Fixture.ledger(dir, commitments: 3)
        let path = dir.path("ledger.sqlite")
        let setSwapped = try Self.schemaSwapper(path, tables: ["access_log"], names: ("actor", "route"))
        try setSwapped(true)
        let ledger = try Ledger.open(at: path)   // parses the swapped names
        try setSwapped(false)
        try ledger.recordAccess(AccessRecord(at: "2025-06-01T10:00:00Z", actor: "alice", role: "admin", method: "GET",
                                             route: "/v1/export/parties", query: nil, status: 200, rows: 3))
        let logged = try Ledger.open(at: path).accessLog()
        #expect(logged.map { "\($0.actor) \($0.route)" } == ["alice /v1/export/parties"])
    }
}
