/// One row of `sqlite_schema`: a table, index, view or trigger, with its
/// text exactly as stored (bytes, so that two names that Unicode calls
/// equivalent, or a name that differs only in case, are still different).
///
/// `rootpage` is left out: it says where the object's pages are, which
/// differs from file to file, not what the object is.
/// See https://www.sqlite.org/schematab.html
public struct SchemaObject: Hashable, Sendable {
    /// `table`, `index`, `view` or `trigger`.
    public let type: [UInt8]
    /// The object's name (`entries`, `sqlite_autoindex_tokens_1` …).
    public let name: [UInt8]
    /// The table an index or trigger belongs to (the object's own name otherwise).
    public let tableName: [UInt8]
    /// The `CREATE` statement, or nil for objects SQLite makes itself
    /// (`sqlite_autoindex_*` indexes of UNIQUE and PRIMARY KEY constraints).
    public let sql: [UInt8]?

    /// An object from the four `sqlite_schema` columns it is compared by.
    public init(type: [UInt8], name: [UInt8], tableName: [UInt8], sql: [UInt8]?) {
        self.type = type
        self.name = name
        self.tableName = tableName
        self.sql = sql
    }

    /// "trigger journal_no_update": the type and name, decoded for messages
    /// (invalid bytes shown as U+FFFD; callers escape control characters).
    public var label: String {
        String(decoding: type, as: UTF8.self) + " " + String(decoding: name, as: UTF8.self)
    }

    /// Orders objects by name, then type, table and SQL, all as bytes.
    public static func precedes(_ a: SchemaObject, _ b: SchemaObject) -> Bool {
        for (x, y) in [(a.name, b.name), (a.type, b.type), (a.tableName, b.tableName)] where x != y {
            return x.lexicographicallyPrecedes(y)
        }
        switch (a.sql, b.sql) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return x.lexicographicallyPrecedes(y)
        }
    }
}

extension Database {
    /// Every row of `sqlite_schema` (type, name, table name, SQL), in the order
    /// of ``SchemaObject/precedes(_:_:)`` as long as every value is text:
    /// SQLite's BINARY order is byte order, NULL first, but puts blobs after text.
    public static let schemaQuery = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name, type, tbl_name, sql"

    /// Every object in `sqlite_schema`, ordered by ``SchemaObject/precedes(_:_:)``.
    /// - Throws: ``StorageError``.
    public func schemaObjects() throws -> [SchemaObject] {
        var objects: [SchemaObject] = []
        try forEach(Database.schemaQuery) { row in
            objects.append(SchemaObject(type: row.bytes(0), name: row.bytes(1), tableName: row.bytes(2),
                                        sql: row.isNull(3) ? nil : row.bytes(3)))
        }
        // Values stored as blobs sort after text in SQL; put them where precedes(_:_:) does.
        if !zip(objects, objects.dropFirst()).allSatisfy({ !SchemaObject.precedes($1, $0) }) {
            objects.sort(by: SchemaObject.precedes)
        }
        return objects
    }

    /// `PRAGMA schema_version`: SQLite changes it whenever the schema changes
    /// through SQL (and re-reads the schema when it has), so a check of the
    /// schema made at one value holds until it moves. An edit of
    /// `sqlite_schema` itself (`PRAGMA writable_schema`) need not move it:
    /// then a connection keeps compiling against the schema it parsed before,
    /// whatever the file now says (`PRAGMA writable_schema = RESET` has it
    /// parsed again).
    /// See https://www.sqlite.org/pragma.html#pragma_schema_version
    /// - Throws: ``StorageError``.
    public func schemaVersion() throws -> Int64 {
        try scalarInt("PRAGMA schema_version") ?? 0
    }

    /// `PRAGMA data_version`: it moves whenever another connection has committed
    /// to the file since this one last read it (inside a transaction: as of
    /// that transaction's snapshot). An immutable snapshot sees no commit.
    /// See https://www.sqlite.org/pragma.html#pragma_data_version
    /// - Throws: ``StorageError``.
    public func dataVersion() throws -> Int64 {
        try scalarInt("PRAGMA data_version") ?? 0
    }

    /// Whether the schema this connection compiles statements against may be
    /// other than the text in `sqlite_schema` now: another connection has
    /// committed since the connection opened or since ``parseSchemaAgain()``,
    /// which is when it parsed the schema (an edit of `sqlite_schema` put back
    /// in between need not move ``schemaVersion()``). False means the text
    /// read now is the text it parsed.
    /// - Throws: ``StorageError``.
    public func schemaMayBeStale() throws -> Bool {
        try dataVersion() != parsedDataVersion
    }

    /// Has SQLite parse the schema again, from the text in `sqlite_schema` as
    /// this transaction sees it (`PRAGMA writable_schema = RESET`; about 8 M
    /// instructions for the Accord schema). Statements prepared before are
    /// compiled again when next run.
    /// - Throws: ``StorageError``.
    public func parseSchemaAgain() throws {
        let version = try dataVersion()
        try execute("PRAGMA writable_schema = RESET")
        parsedDataVersion = version
    }
}
