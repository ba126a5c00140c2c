@testable import AccordLedger
import AccordCSV
import Testing

/// An import remembers the line of every entry it appended, so that an id
/// given twice in one file cites the earlier line; it keeps runs of
/// consecutive lines, not a number per row, so its memory stays flat.
@Suite("Lines of an import's entries")
struct AddedLinesTests {
    @Test("answers as a line per entry would, for consecutive, jumping and repeated lines")
    func matchesOneLinePerEntry() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var map = AddedLines()
            var model: [Int] = []
            var line = Int.random(in: 1...5, using: &generator)
            for _ in 0..<Int.random(in: 0...60, using: &generator) {
                let noted = map.append(line: line)
                #expect(noted)
                model.append(line)
                // Mostly the next line; sometimes a jump (a refused or multi-line record).
                line += Int.random(in: 0...9, using: &generator) < 7 ? 1 : Int.random(in: 2...5, using: &generator)
            }
            #expect(map.count == model.count)
            for (index, expected) in model.enumerated() { #expect(map.line(at: index) == expected) }
            #expect(map.line(at: model.count) == nil)
            #expect(map.line(at: -1) == nil)
        }
    }

    @Test("a file of one record a line is one run; a line beyond 32 bits is refused, not clamped")
    func limits() {
        var map = AddedLines()
        for line in 2...100_001 {
            let noted = map.append(line: line)
            #expect(noted)
        }
        #expect(map.line(at: 0) == 2)
        #expect(map.line(at: 99_999) == 100_001)
        let atLimit = map.append(line: Int(Int32.max))
        #expect(atLimit)
        let beyond = map.append(line: Int(Int32.max) + 1)
        #expect(!beyond)
        #expect(map.count == 100_001)
        #expect(map.line(at: 100_000) == Int(Int32.max))
    }

    @Test("an id repeated after refused and multi-line rows cites the line it was first on")
    func citesLineAfterJumps() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ImportReadAheadTests.ledger(dir, "lines.sqlite")
        let rows = [
            "id,commitment,quantity,observed,source,confidence,note",
            "a1,Q1,1,2025-05-01,S,confirmed,",                // line 2
            "a2,Q1,1,2025-02-30,S,confirmed,",                // line 3: refused (no such day)
            "a3,Q1,1,2025-05-02,S,confirmed,\"Two\nlines\"",  // lines 4-5
            "a4,Q1,1,2025-05-03,S,confirmed,",                // line 6
            "a5,Q1,1,2025-05-04,S,confirmed,",                // line 7
            "a4,Q1,2,2025-05-03,S,confirmed,",                // line 8: a4 again, other values
        ]
        let bytes = Array((rows.joined(separator: "\n") + "\n").utf8)
        let summary = try ledger.importRows(from: ByteSource(bytes: bytes), name: "lines.csv",
                                            options: ImportReadAheadTests.options(keepGoing: true),
                                            as: ImportReadAheadTests.recorder)
        #expect(summary.added == 4)
        #expect(summary.issues.map(\.line) == [3, 8])
        #expect(summary.issues.last?.message.contains("already exists on line 6 of lines.csv") == true, "\(summary.issues)")
    }
}
