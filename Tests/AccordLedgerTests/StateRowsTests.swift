@testable import AccordLedger
import AccordCSV
import AccordStorage
import Crypto
import Foundation
import Testing

/// Every state root hashes the leaves of the entities' rows, so a leaf's bytes
/// may never change: SHA-256 over the entity key and, table by table, the
/// rows serialized one by one and sorted by their bytes. ``StateRows`` keeps
/// the rows in one buffer and reads them straight from SQLite; these tests
/// hold it to that definition.
@Suite("State rows")
struct StateRowsTests {
    /// The definition, as it was first written: each row an array, sorted
    /// with `lexicographicallyPrecedes`, table by table.
    static func reference(_ entity: StateEntity, tables: [[[UInt8]]]) -> [UInt8] {
        var input = StateDigest.leafTag
        input += DailyDigestTests.bigEndian(UInt32(entity.key.utf8.count)) + Array(entity.key.utf8)
        for (table, rows) in zip(entity.kind.tables, tables) {
            input += DailyDigestTests.bigEndian(UInt32(table.name.utf8.count)) + Array(table.name.utf8)
            input += DailyDigestTests.bigEndian(UInt32(rows.count))
            for row in rows.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                input += DailyDigestTests.bigEndian(UInt32(row.count)) + row
            }
        }
        return Array(SHA256.hash(data: input))
    }

    /// Adds `count` random rows, read back from SQLite, each to a random
    /// entity of `entities` and table of its kind; `expected` gets each
    /// row as the definition serializes it.
    static func addRandomRows(_ count: Int, of entities: [StateEntity], db: Database, to rows: inout StateRows,
                              expected: inout [StateEntity: [[[UInt8]]]], _ generator: inout SystemRandomNumberGenerator) throws {
        // Rows arrive for the entities interleaved, tables out of order, some repeated exactly.
        for row in DailyDigestTests.randomRows(count, &generator) {
            let entity = entities.randomElement(using: &generator)!
            let table = Int.random(in: 0..<entity.kind.tables.count, using: &generator)
            try db.execute("DELETE FROM t")
            let insert = try db.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
            try insert.bind(row)
            _ = try insert.run()
            try db.forEach("SELECT * FROM t") { stored in rows.add(stored, of: entity, table: table) }
            expected[entity, default: Array(repeating: [], count: entity.kind.tables.count)][table].append(StateDigest.serialize(row))
        }
    }

    @Test("the leaves of rows read into one buffer, in any order, are those of the definition")
    func leavesMatchDefinition() throws {
        let dir = try TemporaryDirectory()
        let db = try DailyDigestTests.table(dir, "rows.sqlite", [])
        var generator = SystemRandomNumberGenerator()
        let entities: [StateEntity] = [.ledger, .party("UA"), .commitment("C1"), .commitment("C10"), .commitment("C1\u{301}"),
                                       .guarantee("G"), .agreement("ist")]
        for _ in 0..<40 {
            var rows = StateRows()
            var expected: [StateEntity: [[[UInt8]]]] = [:]
            try Self.addRandomRows(Int.random(in: 0...60, using: &generator), of: entities, db: db, to: &rows,
                                   expected: &expected, &generator)
            #expect(rows.entities.count == expected.count)
            for (entity, leaf) in zip(rows.entities, rows.leaves()) {
                #expect(leaf == Self.reference(entity, tables: expected[entity] ?? []))
            }
            // The root as first written: buckets of (key, leaf) by the first byte of SHA-256(key).
            var buckets: [Int: [(key: String, leaf: [UInt8])]] = [:]
            for (entity, tables) in expected {
                buckets[StateEntity.bucket(of: entity.key), default: []].append((entity.key, Self.reference(entity, tables: tables)))
            }
            let root = rows.root()
            #expect(root.root == StateDigest.root(buckets.mapValues { StateDigest.bucket($0) }))
            #expect(root.leaves == rows.entities.map { Self.reference($0, tables: expected[$0] ?? []) })
        }
    }

    @Test("leaves hashed on two threads (a whole ledger's entities) are those of the definition, in order")
    func leavesOnTwoThreads() throws {
        let dir = try TemporaryDirectory()
        let db = try DailyDigestTests.table(dir, "rows.sqlite", [])
        var generator = SystemRandomNumberGenerator()
        let count = StateRows.parallelMinimum * 3 + 1
        let entities: [StateEntity] = (0..<count).map { $0 % 7 == 3 ? .party("P\($0)") : .commitment("C\($0)") }
        var rows = StateRows(reserving: 1 << 16, rows: 4 * count)
        var expected: [StateEntity: [[[UInt8]]]] = [:]
        try Self.addRandomRows(4 * count, of: entities, db: db, to: &rows, expected: &expected, &generator)
        #expect(rows.entities.count >= StateRows.parallelMinimum)
        let reference = rows.entities.map { Self.reference($0, tables: expected[$0] ?? []) }
        #expect(rows.leaves() == reference)
        #expect(rows.hashed(oneThread: true).map(\.leaf) == reference)
        #expect(rows.hashed().map(\.key) == rows.entities.map { Array($0.key.utf8) })
        #expect(rows.root().leaves == reference)
    }

    @Test("a party's name edited to bytes that repair to the same text is refused by a report and by a write")
    func editedNameRefused() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ImportReadAheadTests.ledger(dir, "edited.sqlite")
        _ = try ledger.addParty(PartyInput(id: "X", name: "x\u{FFFD}"), as: ImportReadAheadTests.recorder)
        _ = try ledger.report(ReportOptions())
        try ledger.database.execute("UPDATE parties SET name = CAST(X'78FF' AS TEXT) WHERE id = 'X'")
        #expect(try ledger.database.scalarInt("SELECT count(*) FROM parties WHERE hex(name) = '78FF'") == 1)
        // Read as a Swift string, the edited name is the one recorded: only its bytes tell.
        try ledger.database.forEach("SELECT name FROM parties WHERE id = 'X'") { row in #expect(row.text(0) == "x\u{FFFD}") }
        #expect(throws: LedgerError.self) { _ = try ledger.report(ReportOptions()) }
        var amendment = AmendmentInput(subject: "party", id: "X", effective: "2025-06-01", reason: "Renamed")
        amendment.name = "y"
        #expect(throws: LedgerError.self) { _ = try ledger.amend(amendment, as: ImportReadAheadTests.recorder) }
    }

    @Test("columns renamed so that values change meaning (the leaves hash values, not names) are refused by a report and a token list")
    func renamedColumnsRefused() throws {
        let dir = try TemporaryDirectory()
        let ledger = try ImportReadAheadTests.ledger(dir, "renamed.sqlite")
        let rows = "id,commitment,quantity,observed,source,confidence\nr1,A1,,2025-05-01,x,confirmed\n"
        _ = try ledger.importRows(from: ByteSource(bytes: Array(rows.utf8)), name: "r.csv", options: ImportReadAheadTests.options(),
                                  as: ImportReadAheadTests.recorder)
        let issued = try ledger.issueToken(TokenInput(name: "viewer-1", role: "viewer"), as: ImportReadAheadTests.recorder)
        _ = try ledger.revokeToken(name: issued.name, reason: nil, as: ImportReadAheadTests.recorder)
        _ = try ledger.report(ReportOptions())
        #expect(try ledger.tokens().count == 1)

        // Every value and so every leaf stays as it was; only the names say otherwise.
        try ledger.database.execute("""
            ALTER TABLE commitment_totals RENAME COLUMN done TO swapped;
            ALTER TABLE commitment_totals RENAME COLUMN not_done TO done;
            ALTER TABLE commitment_totals RENAME COLUMN swapped TO not_done;
            """)
        #expect(throws: LedgerError.self) { _ = try ledger.report(ReportOptions()) }
        #expect(throws: LedgerError.self) { _ = try ledger.tokens() }
    }

    @Test("a key is split at its first colon byte, whatever follows it: each entity's key names it back")
    func keysRoundTrip() {
        // A combining mark after the colon makes one Character of the two; "a:b" keeps its second colon in the id.
        for id in ["P00", "\u{301}0", "e\u{301}", "é", "a:b", "", "日本"] {
            for entity in [StateEntity.party(id), .agreement(id), .commitment(id), .guarantee(id), .key(id), .token(id)] {
                let parsed = StateEntity(key: entity.key)
                #expect(parsed == entity && parsed.map { Array($0.key.utf8) } == Array(entity.key.utf8), "\(TextRules.printable(entity.key))")
            }
        }
        #expect(StateEntity(key: "ledger") == .ledger)
        #expect(StateEntity(key: "parties:P") == nil && StateEntity(key: "party") == nil && StateEntity(key: "\u{301}:P") == nil)
    }
}
