@testable import AccordLedger
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
    static func reference(totals: [[DatabaseValue]], sources: [[UInt8]]) -> [UInt8] {
        var input = StateDigest.dailyTag
        for table in [totals.map(StateDigest.serialize), sources] {
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
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
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

    @Test("rows given as values hash as the definition does, whatever their order and kinds")
    func valuesMatchDefinition() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let rows = Self.randomRows(Int.random(in: 0...40, using: &generator), &generator)
            var digest = DailyDigest()
            for row in rows { digest.add(totals: row) }
            #expect(digest.finish() == Self.reference(totals: rows, sources: []))
        }
        #expect(DailyDigest().finish() == Self.reference(totals: [], sources: []))
    }

    @Test("rows read from SQLite column by column serialize as their values do")
    func rowsMatchValues() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("rows.sqlite"), mode: .create)
        try db.execute("CREATE TABLE t (a, b, c, d, e, f)")
        var generator = SystemRandomNumberGenerator()
        var rows: [[DatabaseValue]] = []
        for _ in 0..<200 {
            var row = Self.randomRows(1, &generator)[0]
            row = Array((row + Array(repeating: DatabaseValue.null, count: 6)).prefix(6))
            let insert = try db.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
            try insert.bind(row)
            _ = try insert.run()
            rows.append(row)
        }
        var fromRows = DailyDigest()
        var fromValues = DailyDigest()
        var read: [[DatabaseValue]] = []
        try db.forEach("SELECT * FROM t") { row in
            var one = DailyDigest()
            one.add(totals: row)
            var other = DailyDigest()
            other.add(totals: row.values)
            #expect(one.finish() == other.finish())
            fromRows.add(totals: row)
            fromValues.add(totals: row.values)
            read.append(row.values)
        }
        #expect(read == rows)
        #expect(fromRows.finish() == fromValues.finish())
        #expect(fromRows.finish() == Self.reference(totals: rows, sources: []))
    }

    @Test("per-day sources hash as the rows they stand for")
    func sourcesMatchDefinition() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            var digest = DailyDigest()
            var expected: [[UInt8]] = []
            for source in ["A", "B", "Bé"].prefix(Int.random(in: 0...3, using: &generator)) {
                var days: [SourceDays.Day] = []
                var day = Int64.random(in: -5...5, using: &generator)
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    days.append(SourceDays.Day(day: day, refs: Int64.random(in: 1...3, using: &generator)))
                    day += Int64.random(in: 1...400, using: &generator)
                }
                let rank = Int64.random(in: 0...2, using: &generator)
                try digest.add(sourceTotals: [.text("C1"), .integer(rank), .text(source), .blob(SourceDays.encode(days))]) { _ in }
                expected += days.map { StateDigest.serialize([.text("C1"), .integer($0.day), .integer(rank), .text(source), .integer($0.refs)]) }
            }
            #expect(digest.finish() == Self.reference(totals: [], sources: expected))
        }
    }

    @Test("source rows read from SQLite column by column hash as their values do; malformed days are refused both ways")
    func sourceRowsMatchValues() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("sources.sqlite"), mode: .create)
        try db.execute("CREATE TABLE s (commitment, confidence, source, days)")
        let good = SourceDays.encode([SourceDays.Day(day: -3, refs: 1), SourceDays.Day(day: 40, refs: 7)])
        let rows: [[DatabaseValue]] = [
            [.text("C1"), .integer(2), .text("Bé"), .blob(good)],
            [.text("C1"), .integer(0), .text("A"), .blob(SourceDays.encode([SourceDays.Day(day: 5, refs: 2)]))],
        ]
        for row in rows {
            let insert = try db.cached("INSERT INTO s VALUES (?, ?, ?, ?)")
            try insert.bind(row)
            _ = try insert.run()
        }
        var fromRows = DailyDigest(), fromValues = DailyDigest()
        try db.forEach("SELECT * FROM s") { row in
            try fromRows.add(sourceTotals: row)
            try fromValues.add(sourceTotals: row.values) { _ in }
        }
        #expect(fromRows.finish() == fromValues.finish())
        for days in [DatabaseValue.text("x"), .null, .blob(good + [0]), .blob([0x80])] {
            try db.execute("DELETE FROM s")
            let insert = try db.cached("INSERT INTO s VALUES (?, ?, ?, ?)")
            try insert.bind([DatabaseValue.text("C1"), .integer(1), .text("A"), days])
            _ = try insert.run()
            try db.forEach("SELECT * FROM s") { row in
                var digest = DailyDigest()
                #expect(throws: LedgerError.self) { try digest.add(sourceTotals: row) }
                #expect(throws: LedgerError.self) { try digest.add(sourceTotals: row.values) { _ in } }
            }
        }
    }
}
