@testable import AccordLedger
import AccordStorage
import Foundation
import Testing

/// The running totals a bulk import writes (batched, flushed many times) must
/// equal those of the same rows logged one command at a time, including after
/// corrections, retractions and disputes move contributions around.
@Suite("Import totals")
struct ImportTotalsTests {
    static var recorder: Recorder { Recorder(actor: "tester") }

    static let structure = """
        kind,id,name,title,agreement,party,commitment_kind,quantity,unit,due,from
        party,UA,Ukraine,,,,,,,,
        party,RU,Russia,,,,,,,,
        agreement,ist,,Istanbul,,,,,,,
        commitment,Q1,,,ist,UA,,1000,prisoners,2025-12-31,
        commitment,Q2,,,ist,RU,,500,prisoners,2025-12-31,
        commitment,A1,,,ist,UA,action,,,2025-12-31,
        commitment,R1,,,ist,RU,restraint,,,,2025-01-01

        """

    /// Deterministic rows: repeated commitment/day/source keys, all confidences,
    /// breaches, and corroborations of earlier rows.
    static func rows(count: Int, seed: UInt64) -> [[String]] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var rows: [[String]] = []
        var records: [String] = []
        for index in 0..<count {
            let id = "r\(index)"
            let day = String(format: "2025-05-%02d", 1 + next(5))
            let source = ["ICRC", "UN", "Wire", "HQ"][next(4)]
            let confidence = ["confirmed", "probable", "unverified", ""][next(4)]
            switch next(10) {
            case 0 where !records.isEmpty:
                rows.append(["corroboration", id, "", "", "", "", "", "", source, confidence, records[next(records.count)]])
                continue
            case 1:
                rows.append(["breach", id, "R1", "RU", "", "", day, ["minor", "major"][next(2)], source, confidence, ""])
            case 2:
                rows.append(["verification", id, "A1", "", "", ["done", "not_done"][next(2)], day, "", source, confidence, ""])
            default:
                rows.append(["verification", id, ["Q1", "Q2"][next(2)], "", String(1 + next(20)), "", day, "", source, confidence, ""])
            }
            records.append(id)
        }
        return rows
    }

    static let header = ["kind", "id", "commitment", "party", "quantity", "outcome", "observed", "severity", "source", "confidence", "corroborates"]

    static func totals(_ ledger: Ledger) throws -> [String] {
        var lines: [String] = []
        for table in ["commitment_totals", "daily_totals", "source_totals", "commitment_sources"] {
            let order = table == "commitment_sources" || table == "commitment_totals" ? "1, 2" : "1, 2, 3"
            try ledger.database.forEach("SELECT * FROM \(table) ORDER BY \(order)") { row in
                lines.append(table + ": " + row.values.map { "\($0)" }.joined(separator: " "))
            }
        }
        // The per-day sources, as the rows of `daily_source_totals` they stand for (schema 18 kept them so).
        try ledger.database.forEach("SELECT commitment, confidence, source, days FROM source_totals ORDER BY 1, 2, 3") { row in
            for item in try SourceDays.decode(row.blob(3)) {
                lines.append("daily sources: \(row.text(0)) \(item.day) \(row.int64(1)) \(row.text(2)) \(item.refs)")
            }
        }
        // The distinct-source counts always agree with the per-source rows.
        var derived: [String] = []
        try ledger.database.forEach("""
            SELECT commitment, best, count(*) FROM (
                SELECT commitment, source, min(confidence) AS best FROM source_totals GROUP BY commitment, source)
            GROUP BY commitment, best ORDER BY 1, 2
            """) { row in derived.append("commitment_sources: " + row.values.map { "\($0)" }.joined(separator: " ")) }
        #expect(lines.filter { $0.hasPrefix("commitment_sources: ") } == derived)
        return lines
    }

    @Test("a batched import writes the same totals as one command per row", arguments: [1, 7, 100_000])
    func sameTotals(threshold: Int) throws {
        let dir = try TemporaryDirectory()
        let rows = Self.rows(count: 400, seed: 7)
        try Data(Self.structure.utf8).write(to: URL(fileURLWithPath: dir.path("structure.csv")))
        let csv = ([Self.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: dir.path("rows.csv")))

        let (batched, _) = try Ledger.create(at: dir.path("batched.sqlite"), as: Self.recorder)
        _ = try batched.importFile(dir.path("structure.csv"), as: Self.recorder)
        var options = ImportOptions()
        options.totalsFlushThreshold = threshold
        let summary = try batched.importFile(dir.path("rows.csv"), options: options, as: Self.recorder)
        #expect(summary.rejected == 0, "\(summary.issues)")
        #expect(summary.added == rows.count)

        let (single, _) = try Ledger.create(at: dir.path("single.sqlite"), as: Self.recorder)
        _ = try single.importFile(dir.path("structure.csv"), as: Self.recorder)
        for row in rows {
            let confidence = row[9].isEmpty ? nil : row[9]
            let source = SourceInput(name: row[8], confidence: confidence)
            switch row[0] {
            case "corroboration":
                var input = CorroborationInput(target: row[10], source: source)
                input.externalID = row[1]
                _ = try single.corroborate(input, as: Self.recorder)
            case "breach":
                var input = BreachInput(commitment: row[2], party: row[3], observed: row[6], severity: row[7], source: source)
                input.externalID = row[1]
                _ = try single.recordBreach(input, as: Self.recorder)
            default:
                var input = VerificationInput(commitment: row[2], observed: row[6], source: source)
                input.quantity = row[4].isEmpty ? nil : row[4]
                input.done = row[5] == "done"
                input.notDone = row[5] == "not_done"
                input.externalID = row[1]
                _ = try single.log(input, as: Self.recorder)
            }
        }
        #expect(try Self.totals(batched) == Self.totals(single))
        #expect(!(try Self.totals(batched)).isEmpty)

        // Later changes move contributions out of and back into the totals.
        let records = rows.filter { $0[0] != "corroboration" }.map { $0[1] }
        let corroboration = try #require(rows.first { $0[0] == "corroboration" }?[1])
        for ledger in [batched, single] {
            _ = try ledger.retract(records[3], reason: "double count", as: Self.recorder)
            _ = try ledger.retract(corroboration, reason: "wrong source", as: Self.recorder)
            _ = try ledger.dispute(records[5], by: "RU", reason: "denied", source: nil, as: Self.recorder)
            var correction = CorrectionInput(target: records[8], reason: "typo")
            correction.observed = "2025-05-09"
            correction.confidence = "confirmed"
            _ = try ledger.correct(correction, as: Self.recorder)
        }
        #expect(try Self.totals(batched) == Self.totals(single))
    }
}
