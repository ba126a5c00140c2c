@testable import AccordLedger
import AccordCSV
import AccordStorage
import Crypto
import Foundation
import Testing

/// A commitment's daily digest is part of every state root, so its bytes may
/// never change: it is SHA-256 over each table's rows serialized one by one
/// and sorted by their bytes. The digest keeps its rows in one buffer and
/// reads them straight from SQLite; these tests hold it to that definition.
@Suite("Daily digest")
struct DailyDigestTests {
    /// The definition, as it was first written: each row an array, sorted with `lexicographicallyPrecedes`.
    static func reference(totals: [[UInt8]], sources: [[UInt8]]) -> [UInt8] {
        var input = StateDigest.dailyTag
        for table in [totals, sources] {
            input += bigEndian(UInt32(table.count))
            for row in table.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                input += bigEndian(UInt32(row.count)) + row
            }
        }
        return Array(SHA256.hash(data: input))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    /// Rows of mixed kinds and lengths, with shared prefixes, negative and repeated values.
    static func randomRows(_ count: Int, _ generator: inout some RandomNumberGenerator) -> [[DatabaseValue]] {
        (0..<count).map { _ in
            var row: [DatabaseValue] = [.text(["C1", "C10", "C1\u{301}", ""][Int.random(in: 0..<4, using: &generator)])]
            for _ in 0..<5 {
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: row.append(.null)
                case 1: row.append(.integer(Int64.random(in: -3...3, using: &generator) * (Bool.random(using: &generator) ? 1 : 1 << 40)))
                case 2: row.append(.real([0.5, -2.25, 0.0, 1e300][Int.random(in: 0..<4, using: &generator)]))
                case 3: row.append(.text(String(repeating: "é", count: Int.random(in: 0...2, using: &generator))))
                default: row.append(.blob((0..<Int.random(in: 0...3, using: &generator)).map { _ in UInt8.random(in: 0...2, using: &generator) }))
                }
            }
            return row
        }
    }

    /// A table `t` of six untyped columns holding `rows`.
    static func table(_ dir: TemporaryDirectory, _ name: String, _ rows: [[DatabaseValue]]) throws -> Database {
        let db = try Database(path: dir.path(name), mode: .create)
        try db.execute("CREATE TABLE t (a, b, c, d, e, f)")
        for row in rows {
            let insert = try db.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
            try insert.bind(row)
            _ = try insert.run()
        }
        return db
    }

    @Test("rows read from SQLite hash as the definition does, whatever their order, kinds and lengths")
    func rowsMatchDefinition() throws {
        let dir = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            let rows = Self.randomRows(Int.random(in: 0...40, using: &generator), &generator)
            let db = try Self.table(dir, "rows\(round).sqlite", rows)
            var digest = DailyDigest()
            var read: [[DatabaseValue]] = []
            try db.forEach("SELECT * FROM t") { row in
                digest.add(totals: row)
                read.append(row.values)
            }
            #expect(read == rows)
            #expect(digest.finish() == Self.reference(totals: rows.map(StateDigest.serialize), sources: []))
        }
        #expect(DailyDigest().finish() == Self.reference(totals: [], sources: []))
    }

    @Test("text that is not UTF-8 is hashed as stored, not as its repair, so an edit cannot hide behind U+FFFD")
    func invalidTextHashedAsStored() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.table(dir, "bytes.sqlite", [])
        try db.execute("INSERT INTO t VALUES (CAST(X'78FF' AS TEXT), 1, NULL, NULL, NULL, NULL)")
        var digest = DailyDigest()
        var repaired: [UInt8] = []
        try db.forEach("SELECT * FROM t") { row in
            digest.add(totals: row)
            repaired = StateDigest.serialize(row.values)
        }
        let stored: [UInt8] = [3, 0, 0, 0, 2, 0x78, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        #expect(digest.finish() == Self.reference(totals: [stored], sources: []))
        #expect(digest.finish() != Self.reference(totals: [repaired], sources: []))
    }

    @Test("per-day sources hash as the rows they stand for; malformed days are refused")
    func sourcesMatchDefinition() throws {
        let dir = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            let db = try Database(path: dir.path("sources\(round).sqlite"), mode: .create)
            try db.execute("CREATE TABLE s (commitment, confidence, source, days)")
            var expected: [[UInt8]] = []
            for source in ["A", "B", "Bé"].prefix(Int.random(in: 0...3, using: &generator)) {
                var days: [SourceDays.Day] = []
                var day = Int64.random(in: -5...5, using: &generator)
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    days.append(SourceDays.Day(day: day, refs: Int64.random(in: 1...3, using: &generator)))
                    day += Int64.random(in: 1...400, using: &generator)
                }
                let rank = Int64.random(in: 0...2, using: &generator)
                let insert = try db.cached("INSERT INTO s VALUES (?, ?, ?, ?)")
                try insert.bind([DatabaseValue.text("C1"), .integer(rank), .text(source), .blob(SourceDays.encode(days))])
                _ = try insert.run()
                expected += days.map { StateDigest.serialize([.text("C1"), .integer($0.day), .integer(rank), .text(source), .integer($0.refs)]) }
            }
            var digest = DailyDigest()
            var seen = 0
            try db.forEach("SELECT * FROM s") { row in try digest.add(sourceTotals: row) { _ in seen += 1 } }
            #expect(seen == expected.count)
            #expect(digest.finish() == Self.reference(totals: [], sources: expected))
        }
        let db = try Database(path: dir.path("malformed.sqlite"), mode: .create)
        try db.execute("CREATE TABLE s (commitment, confidence, source, days)")
        let good = SourceDays.encode([SourceDays.Day(day: 3, refs: 1)])
        for days in [DatabaseValue.text("x"), .null, .integer(1), .blob(good + [0]), .blob([0x80])] {
            try db.execute("DELETE FROM s")
            let insert = try db.cached("INSERT INTO s VALUES (?, ?, ?, ?)")
            try insert.bind([DatabaseValue.text("C1"), .integer(1), .text("A"), days])
            _ = try insert.run()
            try db.forEach("SELECT * FROM s") { row in
                var digest = DailyDigest()
                #expect(throws: LedgerError.self) { try digest.add(sourceTotals: row) }
            }
        }
    }

    @Test("a source name edited to bytes that repair to the same text is refused by a write and by a report")
    func editedSourceBytesRefused() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ImportReadAheadTests.ledger(dir, "edited.sqlite")
        // Two days, so that a report at a date between them reads the per-day rows.
        let rows = "id,commitment,quantity,observed,source,confidence\nr1,Q1,1,2025-05-01,x\u{FFFD},confirmed\n"
            + "r1b,Q1,1,2025-05-20,z,confirmed\n"
        let first = try ledger.importRows(from: ByteSource(bytes: Array(rows.utf8)), name: "r.csv",
                                          options: ImportReadAheadTests.options(), as: ImportReadAheadTests.recorder)
        #expect(first.added == 2)
        let options = ReportOptions(at: try Moment(parsing: "2025-05-10", field: .at), asOf: nil, minConfidence: .unverified,
                                    agreement: nil, party: nil)
        _ = try ledger.report(options)
        try ledger.database.execute("UPDATE source_totals SET source = CAST(X'78FF' AS TEXT) WHERE hex(source) = '78EFBFBD'")
        #expect(try ledger.database.scalarInt("SELECT count(*) FROM source_totals WHERE hex(source) = '78FF'") == 1)
        #expect(throws: LedgerError.self) { _ = try ledger.report(options) }
        let again = "id,commitment,quantity,observed,source,confidence\nr2,Q1,1,2025-05-02,y,confirmed\n"
        #expect(throws: LedgerError.self) {
            _ = try ledger.importRows(from: ByteSource(bytes: Array(again.utf8)), name: "r2.csv",
                                      options: ImportReadAheadTests.options(), as: ImportReadAheadTests.recorder)
        }
    }
}
