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
    ///
    /// Values are compared exactly as stored: the same storage class and the
    /// same bytes. Swift's `String ==` would not do — it is Unicode canonical
    /// equivalence, so a party `UK` rewritten with a Kelvin sign (U+212A), or
    /// an accent decomposed, would compare equal while the bytes, what the
    /// reports print, and what an exact `WHERE` matches, all differ.
    ///
    /// The stored tables are read `NOT INDEXED`, so an index that disagrees
    /// with its table (see ``checkIntegrity()``) cannot hide a row from the
    /// comparison. Rows are compared in place, two statements stepping side by
    /// side (a statement's row stays valid until that statement steps), and
    /// copied only to describe a finding.
    mutating func compareProjections(with replay: Database) throws {
        for (table, key) in Audit.projections {
            let keyColumns = key.split(separator: ",").map { String($0.drop { $0 == " " }) }
            let sql = "SELECT * FROM \(table) NOT INDEXED ORDER BY \(key)"
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
            let columns = Array(0..<Int32(names.count))
            let keyIndexes = keyColumns.compactMap { names.firstIndex(of: $0).map(Int32.init) }
            let mine = statement.cursor()
            let theirs = reference.cursor()
            var a = try mine.next()
            var b = try theirs.next()
            var found: [(seq: Int64?, detail: Phrase)] = []
            var count = 0
            func note(_ seq: Int64?, _ detail: Phrase) {
                count += 1
                found.append((seq, detail))
                // Keep the earliest entries' findings (those without an entry last).
                found.sort { ($0.seq ?? .max) < ($1.seq ?? .max) }
                if found.count > Auditor.findingsPerTable { found.removeLast() }
            }
            while a != nil || b != nil {
                var order = 0
                if let x = a, let y = b {
                    for index in keyIndexes {
                        order = x.compare(index, with: y, index)
                        if order != 0 { break }
                    }
                } else {
                    order = a != nil ? -1 : 1
                }
                if order < 0, let x = a {
                    let row = CopiedRow(x, names: names)
                    note(row.seq(in: table), "\(table) has a row the journal does not produce (\(row.summary))")
                    a = try mine.next()
                } else if order > 0, let y = b {
                    let row = CopiedRow(y, names: names)
                    note(row.seq(in: table), "\(table) lacks a row the journal produces (\(row.summary))")
                    b = try theirs.next()
                } else if let x = a, let y = b {
                    if let column = columns.first(where: { !x.isIdentical($0, to: y, $0) }) {
                        let (stored, derived) = (CopiedRow(x, names: names), CopiedRow(y, names: names))
                        note(stored.seq(in: table) ?? derived.seq(in: table),
                             "\(table).\(names[Int(column)]) differs from what the journal gives (\(stored.summary))")
                    }
                    a = try mine.next()
                    b = try theirs.next()
                }
            }
            for finding in found { fail(.tampered, "projection", finding.seq, finding.detail) }
            if count > found.count {
                fail(.tampered, "projection", nil, "\(count - found.count) more row(s) of \(table) differ from what the journal gives")
            }
        }
    }
}

/// A projection row copied out of its statement, to describe a finding.
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
            case .text(let text): "\(name)=\(TextRules.printable(text, limit: 40))"
            case .integer(let int): "\(name)=\(int)"
            case .real(let double): "\(name)=\(double)"
            case .blob(let bytes): "\(name)=\(hexString(Array(bytes.prefix(8))))…"
            case .null: "\(name)=NULL"
            }
        }.joined(separator: ", ")
    }
}
