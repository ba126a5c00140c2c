import Foundation
import Testing

/// Each auditor view holds what the command that shows the same thing prints.
@Suite("Auditor views agree with the commands")
struct AuditorViewsCLITests {
    /// The round-trip ledger, plus a disputed breach, a rejected one, a retracted verification and coordinates.
    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        for command in [
            ["breach", "RU-no-strikes", "--party", "RU", "--observed", "2025-06-05", "--severity", "grave", "--source", "OSCE",
             "--lat", "47.8388", "--lon", "35.1396", "--id", "b-rejected"],
            ["dispute", "b-rejected", "--by", "RU", "--reason", "Denied"],
            ["adjudicate", "b-rejected", "--rejected", "--reason", "No evidence"],
            ["dispute", "19", "--by", "RU", "--reason", "Denied"],
            ["retract", "17", "--reason", "Wire withdrawn"],
            ["log", "--corroborates", "18", "--source", "Reuters", "--source-kind", "media"],
        ] {
            try accord.ok(command + ["--db", db])
        }
        return (accord, db)
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("current_breaches holds exactly what accord breaches lists by default; lat and lon are numbers")
    func currentBreaches() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let listed = try #require(try Self.json(try accord.ok("breaches", "--format", "json", "--db", db)) as? [[String: Any]])
        let table = try accord.ok("breaches", "--db", db)
        #expect(table.hasPrefix("\(listed.count) breach"), "\(table)")
        #expect(try sqlite(db, "SELECT count(*) FROM current_breaches") == "\(listed.count)\n")
        let rows = try sqlite(db, "SELECT seq, status, confidence, typeof(lat), lat, lon FROM current_breaches ORDER BY seq")
            .split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        let byCommand = listed.sorted { ($0["seq"] as? Int ?? 0) < ($1["seq"] as? Int ?? 0) }
        #expect(rows.count == byCommand.count)
        for (row, breach) in zip(rows, byCommand) {
            #expect(row[0] == "\(breach["seq"] ?? "")")
            #expect(row[1] == breach["status"] as? String)
            #expect(row[2] == breach["confidence"] as? String)
            let location = breach["location"] as? [String: Any]
            if let lat = location?["lat"] as? String, let lon = location?["lon"] as? String {
                #expect(row[3] == "real")
                #expect(Double(row[4]) == Double(lat) && Double(row[5]) == Double(lon))
            } else {
                #expect(row[3] == "null")
            }
        }
        // The rejected breach is listed by neither; the disputed one by both.
        #expect(!listed.contains { $0["id"] as? String == "b-rejected" })
        #expect(rows.contains { $0[0] == "19" && $0[1] == "disputed" })
        #expect(try sqlite(db, "SELECT count(*) FROM current_breaches WHERE lat > 49") == "1\n")
    }

    @Test("current_verifications holds exactly the verifications accord export lists by default")
    func currentVerifications() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let lines = try accord.ok("export", "verifications", "--format", "ndjson", "--db", db).split(separator: "\n")
        let exported = try lines.compactMap { try Self.json(String($0)) as? [String: Any] }.filter { $0["kind"] as? String == "verification" }
        let expected = exported.map { row in
            "\(row["seq"] ?? "")|\(row["status"] ?? "")|\(row["effectiveConfidence"] ?? "")|\(row["sources"] ?? "")"
        }.sorted()
        let rows = try sqlite(db, "SELECT seq, status, confidence, sources FROM current_verifications")
            .split(separator: "\n").map(String.init).sorted()
        #expect(rows == expected)
        #expect(try sqlite(db, "SELECT typeof(lat) FROM current_verifications WHERE lat IS NOT NULL") == "real\n")
    }

    @Test("commitment_fulfilment gives the report's counted quantities, sources, breaches and rates")
    func commitmentFulfilment() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let report = try #require(try Self.json(try accord.ok("report", "--at", "2025-06-10", "--format", "json", "--db", db))
                                  as? [String: Any])
        for commitment in try #require(report["commitments"] as? [[String: Any]]) {
            let id = try #require(commitment["id"] as? String)
            let kind = commitment["kind"] as? String
            let row = try sqlite(db, """
                SELECT confirmed_quantity, confirmed_done, confirmed_breaches, confirmed_sources, confirmed_rate
                FROM commitment_fulfilment WHERE commitment = '\(id)'
                """).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
            #expect(row.count == 5, "\(id)")
            if kind == "quantity" { #expect(row[0] == "\(commitment["verified"] ?? "")", "\(id)") }
            if kind == "action" { #expect((row[1] != "0") == ((commitment["verified"] as? Int ?? 0) > 0), "\(id)") }
            #expect(row[2] == "\(commitment["breaches"] ?? "")", "\(id)")
            #expect(row[3] == "\(commitment["sources"] ?? "")", "\(id)")
            #expect(Double(row[4]) == (commitment["rate"] as? NSNumber)?.doubleValue, "\(id)")
        }
    }

    @Test("journal_entries and record_history hold what accord journal export and accord history print")
    func journalAndHistory() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let exported = try accord.ok("journal", "export", "--db", db).split(separator: "\n")
            .compactMap { try? Self.json(String($0)) as? [String: Any] }
            .map { "\($0["seq"] ?? "")|\($0["kind"] ?? "")|\($0["recordedAt"] ?? "")|\($0["actor"] ?? "")|\($0["leafHash"] ?? "")" }
        // The view has no leaf hash (the shell has no SHA-256): an auditor computes SHA-256(0x00 ‖ entry), as here.
        let viewed = try sqlite(db, "SELECT v.seq, v.kind, v.recorded_at, v.actor, hex(j.entry), v.bytes = length(j.entry) "
                                + "FROM journal_entries AS v JOIN journal AS j ON j.seq = v.seq ORDER BY v.seq")
            .split(separator: "\n").map { line -> String in
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                #expect(fields.count == 6 && fields[5] == "1", "\(line)")
                let leaf = Attacker.hex(Attacker.leafHash(Attacker.unhex(fields[4]))).lowercased()
                return fields[0..<4].joined(separator: "|") + "|" + leaf
            }
        #expect(!viewed.isEmpty && viewed == exported)
        let history = try accord.ok("history", "b-rejected", "--format", "csv", "--db", db)
        let entries = history.split(whereSeparator: \.isNewline).count - 1
        let record = try sqlite(db, "SELECT record FROM breaches WHERE external_id = 'b-rejected'").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try sqlite(db, "SELECT count(*) FROM record_history WHERE record = \(record)") == "\(entries)\n")
    }
}
