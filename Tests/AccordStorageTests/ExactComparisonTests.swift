import AccordStorage
import Testing

/// `isText(_:equalTo:)`, `isIdentical`, `compare` and `bytes`: the audit's
/// comparisons, which must see bytes where Swift's `String ==` sees Unicode.
@Suite("Exact column comparison")
struct ExactComparisonTests {
    /// One row per value, read back in insertion order by `SELECT v FROM t ORDER BY rowid`.
    static func rows(_ values: [String]) throws -> (Database, [String]) {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (v ANY) STRICT")
        for value in values { try db.execute("INSERT INTO t (v) VALUES (\(value))") }
        return (db, values)
    }

    /// Steps two statements over `t` to rows `i` and `j` and runs `body` on them.
    static func pair<T>(_ db: Database, _ i: Int, _ j: Int, _ body: (Row, Row) -> T) throws -> T {
        let left = try db.prepare("SELECT v FROM t ORDER BY rowid LIMIT 1 OFFSET \(i)")
        let right = try db.prepare("SELECT v FROM t ORDER BY rowid LIMIT 1 OFFSET \(j)")
        // The cursors stay alive while the rows are read (a released cursor resets its statement).
        let (first, second) = (left.cursor(), right.cursor())
        let a = try #require(try first.next())
        let b = try #require(try second.next())
        return body(a, b)
    }

    @Test("text equal for Swift but not as bytes is different: a Kelvin sign, a decomposed é")
    func canonicalEquivalence() throws {
        #expect("\u{212A}" == "K" && "e\u{301}" == "é")
        let (db, _) = try Self.rows(["'K'", "char(8490)", "'é'", "'e' || char(769)", "'K'"])
        #expect(try Self.pair(db, 0, 1) { $0.isIdentical(0, to: $1, 0) } == false)
        #expect(try Self.pair(db, 2, 3) { $0.isIdentical(0, to: $1, 0) } == false)
        #expect(try Self.pair(db, 0, 4) { $0.isIdentical(0, to: $1, 0) } == true)
        #expect(try Self.pair(db, 0, 1) { $0.compare(0, with: $1, 0) } < 0, "K (0x4B) sorts before U+212A (0xE2…)")
        let statement = try db.prepare("SELECT v FROM t ORDER BY rowid")
        let cursor = statement.cursor()
        let k = try #require(try cursor.next())
        #expect(k.isText(0, equalTo: "K") && !k.isText(0, equalTo: "\u{212A}") && !k.isText(0, equalTo: nil))
        let kelvin = try #require(try cursor.next())
        #expect(kelvin.isText(0, equalTo: "\u{212A}") && !kelvin.isText(0, equalTo: "K"))
        #expect(kelvin.bytes(0) == [0xE2, 0x84, 0xAA])
    }

    @Test("storage classes must match: text is not a blob of the same bytes, an integer not an equal real")
    func storageClasses() throws {
        let (db, _) = try Self.rows(["'ab'", "X'6162'", "1", "1.0", "NULL", "NULL", "0.0", "-0.0"])
        #expect(try Self.pair(db, 0, 1) { $0.isIdentical(0, to: $1, 0) } == false)
        #expect(try Self.pair(db, 2, 3) { $0.isIdentical(0, to: $1, 0) } == false)
        #expect(try Self.pair(db, 2, 3) { $0.compare(0, with: $1, 0) } == 0, "ordered as numbers")
        #expect(try Self.pair(db, 4, 5) { $0.isIdentical(0, to: $1, 0) } == true)
        #expect(try Self.pair(db, 6, 7) { $0.isIdentical(0, to: $1, 0) } == false, "the same value, other bits")
        let statement = try db.prepare("SELECT v FROM t ORDER BY rowid")
        let cursor = statement.cursor()
        let row = try #require(try cursor.next())
        #expect(!row.isText(0, equalTo: nil))
    }

    @Test("ordering follows SQLite's BINARY collation: NULL, numbers, text, blobs; text by bytes, shorter first")
    func ordering() throws {
        let values = ["NULL", "-5", "2.5", "3", "''", "'a'", "'ab'", "'b'", "X''", "X'00'"]
        let (db, _) = try Self.rows(values)
        for i in values.indices {
            for j in values.indices {
                let order = try Self.pair(db, i, j) { $0.compare(0, with: $1, 0) }
                #expect(order.signum() == (i < j ? -1 : (i > j ? 1 : 0)), "\(values[i]) vs \(values[j])")
            }
        }
    }

    @Test("bytes returns text exactly as stored, invalid UTF-8 included, where text() repairs it")
    func invalidUTF8() throws {
        let db = try Database(path: ":memory:", mode: .create)
        let statement = try db.prepare("SELECT CAST(X'41FF42' AS TEXT)")
        let cursor = statement.cursor()
        let row = try #require(try cursor.next())
        #expect(row.bytes(0) == [0x41, 0xFF, 0x42])
        #expect(row.text(0) == "A\u{FFFD}B")
        #expect(!row.isText(0, equalTo: "A\u{FFFD}B"))
    }
}
