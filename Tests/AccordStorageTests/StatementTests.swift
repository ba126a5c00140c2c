import AccordStorage
import Foundation
import Testing

@Suite("Statement")
struct StatementTests {
    static let texts = ["", "plain", "Ünïcödé — 日本語 — 🇺🇦", "with\u{0}nul", String(repeating: "x", count: 100_000), "e\u{301}"]

    @Test("text round-trips exactly", arguments: texts)
    func textRoundTrip(text: String) throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (v TEXT) STRICT")
        try db.run("INSERT INTO t VALUES (?)", text)
        let statement = try db.prepare("SELECT v, typeof(v), length(CAST(v AS BLOB)) FROM t")
        #expect(try statement.step())
        #expect(statement.text(0) == text)
        #expect(Array(statement.text(0).utf8) == Array(text.utf8))
        #expect(statement.text(1) == "text")
        #expect(statement.int64(2) == Int64(text.utf8.count))
        statement.reset()
    }

    static let blobs: [[UInt8]] = [[], [0], [0, 1, 0, 255], Array(0...255), [UInt8](repeating: 0, count: 70_000)]

    @Test("blobs round-trip exactly, empty is not NULL", arguments: blobs)
    func blobRoundTrip(blob: [UInt8]) throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (v BLOB) STRICT")
        try db.run("INSERT INTO t VALUES (?)", blob)
        let statement = try db.prepare("SELECT v, typeof(v) FROM t")
        #expect(try statement.step())
        #expect(statement.blob(0) == blob)
        #expect(statement.text(1) == "blob")
        #expect(statement.value(0) == .blob(blob))
    }

    @Test("integers, doubles and NULL round-trip", arguments: [Int64.min, -1, 0, 1, Int64.max])
    func integerRoundTrip(value: Int64) throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, n ANY) STRICT")
        try db.run("INSERT INTO t VALUES (?, ?, ?)", value, Double(value) / 3, DatabaseValue.null)
        let statement = try db.prepare("SELECT i, r, n FROM t")
        #expect(try statement.step())
        #expect(statement.int64(0) == value)
        #expect(statement.double(1) == Double(value) / 3)
        #expect(statement.isNull(2))
        #expect(statement.value(2) == .null)
    }

    @Test("a statement is reusable, and reads columns by index and name")
    func reuseAndNames() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT) STRICT")
        let insert = try db.prepare("INSERT INTO t (name) VALUES (?)")
        for name in ["a", "b", "c"] {
            try insert.bind([name])
            try insert.run()
        }
        var names: [String] = []
        try db.forEach("SELECT id, name FROM t ORDER BY id") { row in
            names.append(row["name"].string ?? "?")
            #expect(row.int64(0) == Int64(names.count))
        }
        #expect(names == ["a", "b", "c"])
        // The cached statement was reset: it runs again from the start.
        var again = 0
        try db.forEach("SELECT id, name FROM t ORDER BY id") { _ in again += 1 }
        #expect(again == 3)
    }

    @Test("a loop over a cached query may run the same query inside it; neither is cut short",
          .timeLimit(.minutes(10)))  // generous: on two busy cores a test may wait minutes for a thread
    func nestedSameQuery() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (v INTEGER) STRICT")
        for value in 0..<3 { try db.run("INSERT INTO t VALUES (?)", value) }
        var pairs = 0
        try db.forEach("SELECT v FROM t ORDER BY v") { _ in
            try db.forEach("SELECT v FROM t ORDER BY v") { _ in pairs += 1 }
        }
        #expect(pairs == 9)
    }

    @Test("a cursor streams rows and resets its statement when dropped early")
    func cursorResets() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (v INTEGER) STRICT")
        try db.write { db in
            for value in 0..<1000 { try db.run("INSERT INTO t VALUES (?)", value) }
        }
        let statement = try db.cached("SELECT v FROM t ORDER BY v")
        do {
            let cursor = statement.cursor()
            _ = try cursor.next()
            _ = try cursor.next()
        }
        // Dropped after two rows: a write transaction is not blocked by a pending read.
        try db.write { db in try db.run("INSERT INTO t VALUES (?)", 1000) }
        var count = 0
        let cursor = try db.cached("SELECT v FROM t ORDER BY v").cursor()
        while let row = try cursor.next() {
            #expect(row.int64(0) == Int64(count))
            count += 1
        }
        #expect(count == 1001)
    }

    @Test("errors carry the extended code, SQLite's message and the SQL, never the values")
    func errorsCarryCodeAndSQL() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE) STRICT")
        try db.run("INSERT INTO t (v) VALUES (?)", "secret-value")
        do {
            try db.run("INSERT INTO t (v) VALUES (?)", "secret-value")
            Issue.record("expected a constraint error")
        } catch let error as StorageError {
            let code = try #require(error.resultCode)
            #expect(ResultCode.constraint ~= code)
            #expect(code.rawValue == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(error.sql == "INSERT INTO t (v) VALUES (?)")
            #expect(error.message.contains("UNIQUE"))
            #expect(!error.description.contains("secret-value"))
        }
        #expect {
            try db.execute("SELEKT 1")
        } throws: { error in
            guard let error = error as? StorageError, let code = error.resultCode else { return false }
            return ResultCode.error ~= code && error.sql == "SELEKT 1"
        }
    }

    @Test("an extended code matches its primary code, not other codes")
    func resultCodeMatching() {
        let busySnapshot = ResultCode(rawValue: 517)  // SQLITE_BUSY_SNAPSHOT
        #expect(ResultCode.busy ~= busySnapshot)
        #expect(!(ResultCode.locked ~= busySnapshot))
        #expect(busySnapshot.primary == .busy)
        #expect(!(busySnapshot ~= ResultCode.busy))
    }

    @Test("a statement refuses too few or too many arguments rather than bind NULL or drop one")
    func bindCountsArguments() throws {
        let db = try Database(path: ":memory:", mode: .create)
        try db.execute("CREATE TABLE t (a INTEGER, b INTEGER) STRICT")
        for values in [[Int64(1)], [Int64(1), 2, 3]] as [[Int64]] {
            let statement = try db.prepare("INSERT INTO t VALUES (?, ?)")
            let error = try #require(throws: StorageError.self) {
                try statement.bind(values.map { $0 as DatabaseValueConvertible })
            }
            #expect(error.code == .sqlite(.range), "\(error)")
        }
        #expect(try db.run("INSERT INTO t VALUES (?, ?)", Int64(1), Int64(2)) == 1)
        // A numbered parameter used twice is one parameter.
        #expect(try db.scalarInt("SELECT ?1 + ?1", Int64(2)) == 4)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }
}
