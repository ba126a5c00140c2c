import AccordStorage
import AccordTrust

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Comparing the stored projections with the ones replayed from the journal.
extension Auditor {

    /// Runs a read of one of the ledger's own tables. A table dropped or
    /// reshaped is reported by the schema check, so its read is skipped (or
    /// its failure recorded) rather than ending the audit; damage still throws.
    /// - Returns: whether the read ran.
    @discardableResult
    mutating func readable(_ table: String, _ body: () throws -> Void) throws -> Bool {
        guard try db.tableExists(table) else { return false }
        do {
            try body()
            return true
        } catch let error as StorageError where !Auditor.isDamage(error) {
            fail(.tampered, "schema", nil, "\(table) cannot be read as the migrations define it (\(error.message))")
            return false
        }
    }

    static func isDamage(_ error: StorageError) -> Bool {
        guard let code = error.resultCode else { return false }
        return ResultCode.corrupt ~= code || ResultCode.notADatabase ~= code || ResultCode.ioError ~= code
    }

    /// Findings reported per projection table; the rest are counted.
    static let findingsPerTable = 10

    /// Compares each projection table with its re-derivation: a merge of the
    /// two sides in key order, so a missing or extra row is one finding (not
    /// every row after it), and a row whose key matches but whose values
    /// differ names the first differing column. Each table reports the rows
    /// of the earliest entries, up to ``findingsPerTable``, then a count.
    mutating func compareProjections(with replay: Database) throws {
        for (table, key) in Audit.projections {
            let keyColumns = key.split(separator: ",").map { String($0.drop { $0 == " " }) }
            let sql = "SELECT * FROM \(table) ORDER BY \(key)"
            // A dropped table is reported by the schema check.
            guard try db.tableExists(table) else { continue }
            let statement: Statement
            do {
                statement = try db.prepare(sql)
            } catch let error as StorageError where !Auditor.isDamage(error) {
                fail(.tampered, "schema", nil, "\(table) cannot be read as the migrations define it (\(error.message))")
                continue
            }
            let reference = try replay.prepare(sql)
            guard statement.columnNames == reference.columnNames else {
                fail(.tampered, "schema", nil, "\(table) has the columns \(statement.columnNames.joined(separator: ", ")), "
                     + "not those the migrations create (\(reference.columnNames.joined(separator: ", ")))")
                continue
            }
            let names = statement.columnNames
            let keyIndexes = keyColumns.compactMap { names.firstIndex(of: $0) }
            let mine = statement.cursor()
            let theirs = reference.cursor()
            func copy(_ row: Row?) -> CopiedRow? { row.map { CopiedRow($0, names: names) } }
            var a = copy(try mine.next())
            var b = copy(try theirs.next())
            var found: [(seq: Int64?, detail: String)] = []
            var count = 0
            func note(_ seq: Int64?, _ detail: String) {
                count += 1
                found.append((seq, detail))
                // Keep the earliest entries' findings (those without an entry last).
                found.sort { ($0.seq ?? .max) < ($1.seq ?? .max) }
                if found.count > Auditor.findingsPerTable { found.removeLast() }
            }
            while a != nil || b != nil {
                let order: Int
                if let x = a, let y = b {
                    order = CopiedRow.compare(keyIndexes.map { x.values[$0] }, keyIndexes.map { y.values[$0] })
                } else {
                    order = a != nil ? -1 : 1
                }
                if order < 0, let x = a {
                    note(x.seq(in: table), "\(table) has a row the journal does not produce (\(x.summary))")
                    a = copy(try mine.next())
                } else if order > 0, let y = b {
                    note(y.seq(in: table), "\(table) lacks a row the journal produces (\(y.summary))")
                    b = copy(try theirs.next())
                } else if let x = a, let y = b {
                    if x.values != y.values {
                        let column = zip(x.names, zip(x.values, y.values)).first { $0.1.0 != $0.1.1 }?.0 ?? "?"
                        note(x.seq(in: table) ?? y.seq(in: table), "\(table).\(column) differs from what the journal gives (\(x.summary))")
                    }
                    a = copy(try mine.next())
                    b = copy(try theirs.next())
                }
            }
            for finding in found { fail(.tampered, "projection", finding.seq, finding.detail) }
            if count > found.count {
                fail(.tampered, "projection", nil, "\(count - found.count) more row(s) of \(table) differ from what the journal gives")
            }
        }
    }
}

/// A projection row copied out of its statement, for the merge in
/// ``Auditor/compareProjections(with:)``.
struct CopiedRow {
    let names: [String]
    let values: [DatabaseValue]

    /// - Parameter names: the statement's column names, read once per table.
    init(_ row: Row, names: [String]) {
        self.names = names
        values = row.values
    }

    subscript(_ name: String) -> DatabaseValue {
        names.firstIndex(of: name).map { values[$0] } ?? .null
    }

    /// The entry that wrote the row, where the table records it.
    func seq(in table: String) -> Int64? {
        for name in table == "external_ids" ? ["record"] : ["seq", "registered_seq"] {
            if case .integer(let value) = self[name] { return value }
        }
        return nil
    }

    /// The first three columns, for messages.
    var summary: String {
        zip(names, values).prefix(3).map { name, value in
            switch value {
            case .text(let text): "\(name)=\(text.prefix(40))"
            case .integer(let int): "\(name)=\(int)"
            case .real(let double): "\(name)=\(double)"
            case .blob(let bytes): "\(name)=\(hexString(Array(bytes.prefix(8))))…"
            case .null: "\(name)=NULL"
            }
        }.joined(separator: ", ")
    }

    /// Orders key tuples as SQLite's `ORDER BY` does with the BINARY collation:
    /// NULL, then numbers, then text (by UTF-8 bytes), then blobs.
    static func compare(_ left: [DatabaseValue], _ right: [DatabaseValue]) -> Int {
        for (x, y) in zip(left, right) {
            let order = compare(x, y)
            if order != 0 { return order }
        }
        return 0
    }

    static func compare(_ x: DatabaseValue, _ y: DatabaseValue) -> Int {
        func rank(_ value: DatabaseValue) -> Int {
            switch value {
            case .null: 0
            case .integer, .real: 1
            case .text: 2
            case .blob: 3
            }
        }
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch (x, y) {
        case (.integer(let a), .integer(let b)): return sign(a, b)
        case (.integer(let a), .real(let b)): return sign(Double(a), b)
        case (.real(let a), .integer(let b)): return sign(a, Double(b))
        case (.real(let a), .real(let b)): return sign(a, b)
        case (.text(let a), .text(let b)):
            return Array(a.utf8).lexicographicallyPrecedes(b.utf8) ? -1 : (a.utf8.elementsEqual(b.utf8) ? 0 : 1)
        case (.blob(let a), .blob(let b)):
            return a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
        default:
            return sign(rank(x), rank(y))
        }
    }
}

/// $TMPDIR, else /tmp.
func temporaryDirectory() -> String {
    if let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty { return value }
    return "/tmp"
}
