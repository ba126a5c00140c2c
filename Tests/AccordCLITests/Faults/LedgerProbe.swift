import AccordStorage
import Foundation

/// Reads a ledger file directly (read-only, with SQL), the way an outside
/// auditor would, to judge what the `accord` processes did to it.
struct LedgerProbe {
    let path: String

    init(_ path: String) {
        self.path = path
    }

    private func open() throws -> Database {
        try Database(path: path, mode: .readOnly)
    }

    /// Every journal row's seq and canonical bytes, in seq order.
    func journal() throws -> [JournalRow] {
        let db = try open()
        var rows: [JournalRow] = []
        try db.forEach("SELECT seq, entry FROM journal ORDER BY seq") { row in
            rows.append(JournalRow(seq: row.int64(0), entry: row.blob(1)))
        }
        return rows
    }

    /// External id → the seq of the entry that recorded it.
    func externalIDs() throws -> [String: Int64] {
        let db = try open()
        var ids: [String: Int64] = [:]
        try db.forEach("SELECT id, record FROM external_ids") { row in ids[row.text(0)] = row.int64(1) }
        return ids
    }

    /// The first column of the first row of a query, as text.
    func text(_ sql: String, _ values: [DatabaseValueConvertible] = []) throws -> String? {
        let db = try open()
        var result: String?
        try db.forEach(sql, values) { row in
            if result == nil { result = row.optionalText(0) }
        }
        return result
    }

    /// The number of journal entries.
    func count() throws -> Int64 {
        try open().scalarInt("SELECT count(*) FROM journal") ?? 0
    }

    /// Stored checkpoints' sizes.
    func checkpointSizes() throws -> [Int64] {
        let db = try open()
        var sizes: [Int64] = []
        try db.forEach("SELECT size FROM checkpoints ORDER BY size") { row in sizes.append(row.int64(0)) }
        return sizes
    }

    /// A dump of every table (rows in a fixed order, values quoted by SQLite),
    /// read by full scans so a damaged index cannot hide a row.
    func dump(tables: [String]? = nil, excluding excluded: [String: Set<String>] = [:]) throws -> [String: [String]] {
        let db = try open()
        var names: [String] = []
        try db.forEach("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") { row in
            names.append(row.text(0))
        }
        if let tables { names = names.filter(tables.contains) }
        var result: [String: [String]] = [:]
        for name in names {
            var columns: [String] = []
            try db.forEach("SELECT name FROM pragma_table_info(?)", [name]) { row in columns.append(row.text(0)) }
            columns.removeAll { excluded[name]?.contains($0) == true }
            let quoted = columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || ")
            var rows: [String] = []
            try db.forEach("SELECT \(quoted) FROM \"\(name)\" NOT INDEXED") { row in rows.append(row.text(0)) }
            result[name] = rows.sorted()
        }
        return result
    }
}

struct JournalRow: Equatable {
    let seq: Int64
    let entry: [UInt8]
}

extension Array where Element == JournalRow {
    /// True when the seqs are 1, 2, 3 … without a gap.
    var isContiguous: Bool {
        enumerated().allSatisfy { $0.element.seq == Int64($0.offset + 1) }
    }
}
