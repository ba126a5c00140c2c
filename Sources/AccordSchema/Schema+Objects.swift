import AccordStorage
import Crypto

/// How a ledger's schema object differs from the one the migrations create.
public struct SchemaDifference: Sendable, Equatable {
    /// How the object differs.
    public enum Kind: Sendable, Equatable {
        /// The migrations create it; the file lacks it.
        case missing
        /// Both have an object of that name, but its type, table or SQL differ.
        case altered
        /// The file has it; the migrations do not create it.
        case foreign
    }

    /// How it differs: missing, altered or foreign.
    public let kind: Kind
    /// The file's object (the expected one when it is missing).
    public let object: SchemaObject

    /// A difference of `kind` about `object`.
    public init(kind: Kind, object: SchemaObject) {
        self.kind = kind
        self.object = object
    }
}

extension Schema {
    /// The SHA-256 (hex) of the schema objects the carried migrations create,
    /// as ``fingerprint(of:)`` computes it. A test migrates an in-memory database
    /// and fails, printing the new value, when a migration changes it.
    public static let fingerprint = "9667f2f6d6cc4770c2acb42e24bed569a0385bff4b9d54fe78373ece2d19d107"

    /// Objects `ANALYZE` creates, exactly as it creates them. They hold
    /// statistics that change query plans, never results, so a ledger may have
    /// them; anything else with a reserved `sqlite_` name must be the
    /// migrations' own (an `sqlite_autoindex_*`, `sqlite_sequence`).
    ///
    /// Also the two bookkeeping tables Litestream (0.5) creates in every
    /// database it replicates, exactly as it creates them: plain tables with no
    /// trigger, index or view, which nothing of Accord reads or writes, so they
    /// cannot change what is recorded (a trigger beside them would still be
    /// foreign). Without them a replicated ledger would refuse every write.
    static let tolerated: [SchemaObject] = [
        SchemaObject(type: Array("table".utf8), name: Array("sqlite_stat1".utf8), tableName: Array("sqlite_stat1".utf8),
                     sql: Array("CREATE TABLE sqlite_stat1(tbl,idx,stat)".utf8)),
        SchemaObject(type: Array("table".utf8), name: Array("sqlite_stat4".utf8), tableName: Array("sqlite_stat4".utf8),
                     sql: Array("CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)".utf8)),
        SchemaObject(type: Array("table".utf8), name: Array("_litestream_lock".utf8), tableName: Array("_litestream_lock".utf8),
                     sql: Array("CREATE TABLE _litestream_lock (id INTEGER)".utf8)),
        SchemaObject(type: Array("table".utf8), name: Array("_litestream_seq".utf8), tableName: Array("_litestream_seq".utf8),
                     sql: Array("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)".utf8)),
    ]

    /// True for the objects ``tolerated`` lists (looked at by name first: this
    /// runs before every write transaction).
    static func isTolerated(_ object: SchemaObject) -> Bool {
        (object.name.starts(with: statPrefix) || object.name.starts(with: litestreamPrefix)) && tolerated.contains(object)
    }
    private static let statPrefix = Array("sqlite_stat".utf8)
    private static let litestreamPrefix = Array("_litestream_".utf8)

    /// A SHA-256 over every object (type, name, table and SQL, as bytes, in
    /// ``SchemaObject/precedes(_:_:)`` order), leaving out ``tolerated`` ones.
    public static func fingerprint(of objects: [SchemaObject]) -> String {
        // Database.schemaObjects() returns them in order already; sort only what is not.
        let isSorted = zip(objects, objects.dropFirst()).allSatisfy { !SchemaObject.precedes($1, $0) }
        var input = FingerprintInput()
        for object in isSorted ? objects : objects.sorted(by: SchemaObject.precedes) where !isTolerated(object) {
            object.type.withUnsafeBytes { input.field($0) }
            object.name.withUnsafeBytes { input.field($0) }
            object.tableName.withUnsafeBytes { input.field($0) }
            if let sql = object.sql {
                input.bytes.append(1)
                sql.withUnsafeBytes { input.field($0) }
            } else {
                input.bytes.append(0)
            }
        }
        return hex(input.digest())
    }

    /// True when `database`'s schema objects hash to ``fingerprint``: the rows of
    /// `sqlite_schema` are read in the order ``Database/schemaQuery`` gives and
    /// their bytes gathered straight into the fingerprint's input, with no
    /// object built for any but a ``tolerated`` candidate, and hashed once.
    /// This runs before every write, so it is the cheap way to the same
    /// verdict: equal digests mean the same objects. False only says it could
    /// not show them equal (a changed schema, or a blob value SQLite sorts
    /// after text); ``differences(_:)`` then says what differs, if anything.
    /// - Throws: ``StorageError``.
    public static func hasCarriedSchema(_ database: Database) throws -> Bool {
        var input = FingerprintInput()
        input.bytes.reserveCapacity(64 * 1024)
        try database.forEach(Database.schemaQuery) { row in
            let candidate = row.withBytes(1) { name in
                name.starts(with: statPrefix) || name.starts(with: litestreamPrefix)
            }
            if candidate, tolerated.contains(SchemaObject(type: row.bytes(0), name: row.bytes(1), tableName: row.bytes(2),
                                                          sql: row.isNull(3) ? nil : row.bytes(3))) {
                return
            }
            for column: Int32 in 0..<3 { row.withBytes(column) { input.field($0) } }
            if row.isNull(3) {
                input.bytes.append(0)
            } else {
                input.bytes.append(1)
                row.withBytes(3) { input.field($0) }
            }
        }
        return hex(input.digest()) == fingerprint
    }

    /// The bytes ``fingerprint(of:)`` hashes, gathered so that SHA-256 is
    /// called once (a call per field cost more than hashing the field).
    private struct FingerprintInput {
        var bytes: [UInt8] = []

        /// A field: its length (4 bytes, big-endian), then its bytes.
        mutating func field(_ field: UnsafeRawBufferPointer) {
            let count = UInt32(truncatingIfNeeded: field.count)
            bytes.append(UInt8(count >> 24))
            bytes.append(UInt8(count >> 16 & 0xff))
            bytes.append(UInt8(count >> 8 & 0xff))
            bytes.append(UInt8(count & 0xff))
            bytes.append(contentsOf: field)
        }

        func digest() -> SHA256.Digest { SHA256.hash(data: bytes) }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        digest.withUnsafeBytes { bytes in
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0xf)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The schema the carried migrations create, in an in-memory database,
    /// built once per process (it takes a few tens of milliseconds).
    private static let expected: Result<[SchemaObject], any Error> = Result {
        let database = try Database(path: ":memory:", mode: .create, configuration: Database.Configuration(applicationID: applicationID))
        try Migrator(migrations: migrations).migrate(database, now: { "" })
        return try database.schemaObjects()
    }

    /// The schema objects the carried migrations create.
    /// - Throws: ``StorageError`` if they cannot be applied to an empty database (a broken build).
    public static func expectedObjects() throws -> [SchemaObject] {
        try expected.get()
    }

    /// How `objects` (a ledger's ``Database/schemaObjects()``) differ from the
    /// schema the migrations create: every object added, dropped or altered,
    /// names compared as bytes. Empty when they agree.
    ///
    /// The fingerprint of `objects` is compared with ``fingerprint`` first; only
    /// when they differ is the expected schema built and compared object by
    /// object, so a SQLite version that stores the SQL text differently is
    /// still accepted (just more slowly).
    /// - Throws: ``StorageError`` as ``expectedObjects()``.
    public static func differences(_ objects: [SchemaObject]) throws -> [SchemaDifference] {
        if fingerprint(of: objects) == fingerprint { return [] }
        let objects = objects.filter { !isTolerated($0) }
        let want = Dictionary(grouping: try expectedObjects(), by: \.name)
        let have = Dictionary(grouping: objects, by: \.name)
        var differences: [SchemaDifference] = []
        for name in Set(want.keys).union(have.keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let mine = have[name] ?? []
            let theirs = want[name] ?? []
            if mine.isEmpty {
                differences += theirs.map { SchemaDifference(kind: .missing, object: $0) }
            } else if theirs.isEmpty {
                differences += mine.map { SchemaDifference(kind: .foreign, object: $0) }
            } else if mine != theirs {
                differences += mine.filter { !theirs.contains($0) }.map { SchemaDifference(kind: .altered, object: $0) }
                if mine.count < theirs.count {
                    differences += theirs.filter { !mine.contains($0) }.map { SchemaDifference(kind: .missing, object: $0) }
                }
            }
        }
        return differences
    }
}
