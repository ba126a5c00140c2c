import AccordSchema
import AccordStorage

extension Ledger {
    /// Opens a file for the audit: read-only, without the checks an ordinary
    /// open makes of the `application_id` and `schema_migrations` (the audit
    /// reports those as findings: whoever can write the file can change them
    /// to make it refuse to be audited).
    ///
    /// Still refused: a file that is not SQLite, one with no `journal` table
    /// (not a ledger, or another application's database), one whose
    /// `schema_migrations` records a migration newer than this build carries,
    /// and an honest older ledger that needs migrating (its recorded
    /// migrations are a prefix of the carried ones and its schema is not the
    /// latest).
    /// - Throws: ``LedgerError`` `.notALedger`.
    static func openForAudit(at path: String, settings: LedgerSettings) throws -> Ledger {
        try checkPath(path)
        var configuration = Ledger.configuration
        configuration.applicationID = nil
        configuration.validate = { database in
            guard try database.tableExists("journal") else {
                let id = try database.applicationID()
                if try database.scalarInt("SELECT count(*) FROM sqlite_schema") == 0 {
                    throw LedgerError(.notALedger(.foreign), "\(path) is an empty database, not an Accord ledger", hint: .createLedgerHere)
                }
                if id == Schema.applicationID {
                    throw LedgerError(.notALedger(.foreign), "\(path) has no journal table, so it is not an Accord ledger (or no longer one)")
                }
                let whose = id != 0 ? "application_id \(id)" : "it has no journal table"
                throw LedgerError(.notALedger(.foreign), "\(path) is a SQLite database of another application (\(whose)); it is not an Accord ledger")
            }
        }
        return try LedgerError.translating {
            let database = try Database(path: path, mode: .snapshot, configuration: configuration)
            guard try database.tableExists("schema_migrations") else { return Ledger(database: database, settings: settings) }
            var versions: [(version: Int64, checksum: [UInt8])] = []
            do {
                try database.forEach("SELECT version, checksum FROM schema_migrations ORDER BY version") { row in
                    versions.append((row.int64(0), row.bytes(1)))
                }
            } catch let error as StorageError where !Auditor.isDamage(error) {
                return Ledger(database: database, settings: settings)  // reshaped: the audit reports it
            }
            let carried = Schema.migrations
            if let newest = versions.last?.version, newest > Int64(Schema.latestVersion) {
                throw LedgerError(.notALedger(.schemaVersion), "\(path) has schema version \(newest) but this build of Accord knows only up to "
                                  + "\(Schema.latestVersion); use a newer accord")
            }
            let isPrefix = versions.count < carried.count && versions.enumerated().allSatisfy { index, row in
                row.version == Int64(carried[index].version) && row.checksum == Array(carried[index].checksum.utf8)
            }
            if isPrefix, try !Schema.differences(database.schemaObjects()).isEmpty {
                throw LedgerError(.notALedger(.schemaVersion), "\(path) has schema version \(versions.count) and this build needs "
                                  + "\(Schema.latestVersion)", hint: .migrate)
            }
            return Ledger(database: database, settings: settings)
        }
    }
}

/// The checks of the file below the journal: SQLite's own, the header, the schema.
extension Auditor {
    /// Runs `PRAGMA integrity_check` and sorts what it reports.
    ///
    /// Page-level damage (a b-tree that does not hold together, a free list
    /// gone wrong) is storage corruption, and ends the audit. Lines that say an
    /// index disagrees with its table, or a row breaks its table's definition,
    /// are findings of tampering: the file is sound, its content is not. They
    /// matter because SQLite reads through indexes: an index swapped for one
    /// that leaves a row out (a partial index moved onto the real one's root
    /// page with `writable_schema`) hides that row from every query that uses
    /// it, while the table, and every other query, still holds it.
    ///
    /// Why the whole `integrity_check` and not `quick_check` plus checks of our
    /// own: `quick_check` checks the pages but not that each index holds exactly
    /// its table's rows; `integrity_check` does, for every index of every table,
    /// and costs less than running it per table after `quick_check` (which
    /// would read each table's pages twice). Comparing through `NOT INDEXED`
    /// alone would not do: it protects the audit's own reads (and the
    /// projections are compared that way too), but not the reports, which read
    /// through the indexes — and SQLite may still use a covering index of a
    /// `WITHOUT ROWID` table under `NOT INDEXED`.
    /// - Returns: false when the file is damaged (reported), so nothing more can be read.
    mutating func checkIntegrity() throws -> Bool {
        var lines: [String] = []
        try db.forEach("PRAGMA integrity_check") { row in
            for line in row.text(0).split(separator: "\n") where line != "ok" && !line.hasPrefix("*** in database") {
                lines.append(String(line))
            }
        }
        let damage = lines.filter { Auditor.consistencyProblem($0) == nil }
        if !damage.isEmpty {
            fail(.corrupt, "integrity", nil, "integrity_check reports: " + damage.prefix(3).joined(separator: "; "))
            return false
        }
        for line in lines {
            guard let problem = Auditor.consistencyProblem(line) else { continue }
            try report(problem, line: line)
        }
        return true
    }

    /// What an `integrity_check` line says about content (not pages).
    enum ConsistencyProblem {
        /// A row of the table has no entry in the index: `row N` (its place
        /// in the table, as SQLite 3.3x and later count) or `rowid N`.
        case missingFromIndex(index: String, row: Int64, byRowid: Bool)
        /// The index holds more or fewer entries than the table has rows.
        case entryCount(index: String)
        /// Two rows share a key that a UNIQUE index must keep apart.
        case notUnique(index: String)
        /// A NULL, a value of the wrong type, or a row that fails a CHECK.
        case definition
    }

    static func consistencyProblem(_ line: String) -> ConsistencyProblem? {
        func after(_ prefix: String) -> String? {
            line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : nil
        }
        for (prefix, byRowid) in [("rowid ", true), ("row ", false)] {
            if let rest = after(prefix), let space = rest.firstIndex(of: " "), let row = Int64(rest[..<space]),
               rest[space...].hasPrefix(" missing from index ") {
                return .missingFromIndex(index: String(rest[space...].dropFirst(" missing from index ".count)), row: row, byRowid: byRowid)
            }
        }
        if let index = after("wrong # of entries in index ") { return .entryCount(index: index) }
        if let index = after("non-unique entry in index ") { return .notUnique(index: index) }
        if line.hasPrefix("NULL value in ") || line.hasPrefix("CHECK constraint failed in ") || line.hasPrefix("NUMERIC value in ")
            || line.hasPrefix("TEXT value in ") || (line.hasPrefix("non-") && line.contains(" value in ")) {
            return .definition
        }
        return nil
    }

    /// A finding for one consistency problem, naming the table and, where
    /// SQLite says which, the row.
    mutating func report(_ problem: ConsistencyProblem, line: String) throws {
        func table(of index: String) throws -> String {
            try db.scalarText("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?", index) ?? "?"
        }
        switch problem {
        case .missingFromIndex(let index, let row, let byRowid):
            let table = try table(of: index)
            let found = try self.row(of: table, at: row, byRowid: byRowid)
            let which = found.map { "(\($0.summary))" } ?? "(\(byRowid ? "rowid" : "row") \(row))"
            fail(.tampered, "index", found?.seq(in: table), "\(TextRules.printable(table)) has a row \(which) that its index "
                 + "\(TextRules.printable(index)) leaves out, so queries through the index do not see it: the index was altered")
        case .entryCount(let index):
            let table = try table(of: index)
            fail(.tampered, "index", nil, "the index \(TextRules.printable(index)) of \(TextRules.printable(table)) holds a different "
                 + "number of entries than the table has rows: the index was altered")
        case .notUnique(let index):
            let table = try table(of: index)
            fail(.tampered, "index", nil, "\(TextRules.printable(table)) has two rows with the same key in the unique index "
                 + "\(TextRules.printable(index)): a row was added past the index")
        case .definition:
            fail(.tampered, "index", nil, "integrity_check reports '\(TextRules.printable(line, limit: 120))': a row breaks its table's definition")
        }
    }

    /// The row of `table` that `integrity_check` names: by rowid, or by its
    /// place in a scan of the table (rowid order, or primary key order for a
    /// `WITHOUT ROWID` table), read past every index.
    func row(of table: String, at number: Int64, byRowid: Bool) throws -> CopiedRow? {
        let quoted = Auditor.quoted(table)
        let withoutRowid = try db.scalarInt("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", table) == 1
        var order = "rowid"
        if withoutRowid {
            var columns: [String] = []
            try db.forEach("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [table]) { row in
                columns.append(Auditor.quoted(row.text(0)))
            }
            guard !columns.isEmpty, !byRowid else { return nil }
            order = columns.joined(separator: ", ")
        }
        let sql = byRowid ? "SELECT * FROM \(quoted) NOT INDEXED WHERE rowid = ?"
                          : "SELECT * FROM \(quoted) NOT INDEXED ORDER BY \(order) LIMIT 1 OFFSET ?"
        let statement = try db.prepare(sql)
        try statement.bind(byRowid ? number : number - 1, at: 1)
        let cursor = statement.cursor()
        guard let row = try cursor.next() else { return nil }
        return CopiedRow(row, names: statement.columnNames)
    }

    /// An SQL identifier in double quotes, any quote inside doubled.
    static func quoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// The file's header must carry Accord's `application_id`.
    mutating func checkApplicationID() throws {
        let id = try db.applicationID()
        if id != Schema.applicationID {
            fail(.tampered, "schema", nil, "the file's application_id is \(id), not Accord's \(Schema.applicationID) (\"ACRD\"): "
                 + "the header was altered")
        }
    }

    /// The schema objects — every row of `sqlite_schema`, SQLite's own
    /// `sqlite_autoindex_*` and `sqlite_sequence` included — must be exactly
    /// those the migrations create, compared as bytes; only the statistics
    /// tables `ANALYZE` makes are allowed besides (see ``Schema/differences(_:)``).
    mutating func checkSchema() throws {
        for difference in try Schema.differences(db.schemaObjects()) {
            fail(.tampered, "schema", nil, Ledger.describe(difference))
        }
    }

    /// `schema_migrations` must record each carried migration, by version,
    /// name and checksum, and nothing else.
    mutating func checkMigrations() throws {
        var recorded: [Int64: (name: [UInt8], checksum: [UInt8])] = [:]
        let db = self.db  // a local, so the closure does not capture self
        try readable("schema_migrations") {
            try db.forEach("SELECT version, name, checksum FROM schema_migrations") { row in
                recorded[row.int64(0)] = (row.bytes(1), row.bytes(2))
            }
        }
        guard try db.tableExists("schema_migrations") else { return }
        for migration in Schema.migrations {
            guard let row = recorded.removeValue(forKey: Int64(migration.version)) else {
                fail(.tampered, "schema", nil, "schema_migrations has no row for migration \(migration.version) (\(migration.name)): "
                     + "the row was deleted")
                continue
            }
            if row.name != Array(migration.name.utf8) || row.checksum != Array(migration.checksum.utf8) {
                let found = "\(TextRules.printable(String(decoding: row.name, as: UTF8.self))), checksum "
                    + TextRules.printable(String(decoding: row.checksum, as: UTF8.self), limit: 64)
                fail(.tampered, "schema", nil, "schema_migrations records migration \(migration.version) as \(found), "
                     + "not \(migration.name), checksum \(migration.checksum): the row was altered")
            }
        }
        for version in recorded.keys.sorted() {
            fail(.tampered, "schema", nil, "schema_migrations records a migration \(version) that this build does not carry")
        }
    }
}
