import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A prepared statement: compiled once, bound, stepped and reset many times.
///
/// Text binds into a small buffer the statement owns until its bindings are
/// cleared (`SQLITE_STATIC`), or with `SQLITE_TRANSIENT` when it does not fit;
/// blobs bind with `SQLITE_TRANSIENT` (SQLite copies them). The
/// statement is finalized when the object is released. Callers reset it after
/// use; ``run()``, ``Cursor`` and the `Database` helpers do so themselves.
/// See https://www.sqlite.org/c3ref/stmt.html
public final class Statement {
    unowned let database: Database
    @usableFromInline let handle: OpaquePointer
    /// The SQL text, for error messages.
    public let sql: String
    private var columnIndexes: [String: Int32]?

    init(database: Database, sql: String) throws {
        self.database = database
        self.sql = sql
        var prepared: OpaquePointer?
        let result = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard result == SQLITE_OK, let prepared else {
            if let prepared { sqlite3_finalize(prepared) }
            throw database.error(result, sql: sql)
        }
        handle = prepared
    }

    deinit {
        sqlite3_finalize(handle)
        arena?.deallocate()
    }

    /// Text bound since the last ``reset()`` is copied here, so SQLite can
    /// read it in place (`SQLITE_STATIC`) instead of allocating a copy of
    /// every value; the bytes stay put until the bindings are cleared.
    private var arena: UnsafeMutableRawBufferPointer?
    private var arenaUsed = 0
    static let arenaSize = 16 * 1024

    /// `count` bytes of the arena, or nil when they do not fit.
    private func arenaSpace(_ count: Int) -> UnsafeMutableRawPointer? {
        if arena == nil {
            arena = UnsafeMutableRawBufferPointer.allocate(byteCount: Statement.arenaSize, alignment: 8)
        }
        guard let arena, let base = arena.baseAddress, count <= arena.count - arenaUsed else { return nil }
        defer { arenaUsed += count }
        return base + arenaUsed
    }

    // MARK: - Binding (https://www.sqlite.org/c3ref/bind_blob.html)

    /// Binds values to parameters 1, 2, ... in order.
    /// - Throws: ``StorageError`` when a value cannot be bound, or
    ///   (`SQLITE_RANGE`) when the statement takes
    ///   another number of parameters: a missing argument would otherwise be
    ///   bound as NULL, an extra one ignored
    ///   (https://www.sqlite.org/c3ref/bind_parameter_count.html).
    public func bind(_ values: [DatabaseValueConvertible]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw StorageError(code: .sqlite(.range),
                               message: "the statement takes \(expected) argument\(expected == 1 ? "" : "s"), \(values.count) given",
                               sql: sql, path: database.path)
        }
        for (offset, value) in values.enumerated() {
            try bind(value.databaseValue, at: Int32(offset + 1))
        }
    }

    /// Binds one value to the 1-based parameter `index`.
    /// - Throws: ``StorageError`` when the value cannot be bound.
    public func bind(_ value: DatabaseValue, at index: Int32) throws {
        switch value {
        case .null: try check(sqlite3_bind_null(handle, index))
        case .integer(let int): try check(sqlite3_bind_int64(handle, index, int))
        case .real(let double): try check(sqlite3_bind_double(handle, index, double))
        case .text(let string): try bind(string, at: index)
        case .blob(let bytes): try bind(bytes, at: index)
        }
    }

    /// Binds an integer.
    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds text (UTF-8; NUL characters inside are kept).
    public func bind(_ value: String, at index: Int32) throws {
        var value = value
        let result = value.withUTF8 { buffer -> Int32 in
            if buffer.isEmpty {
                return sqlite3_bind_text(handle, index, "", 0, accord_sqlite_transient())
            }
            if let base = buffer.baseAddress, let space = arenaSpace(buffer.count) {
                space.copyMemory(from: base, byteCount: buffer.count)
                // SQLITE_STATIC (nil): the arena keeps the bytes until the bindings are cleared.
                return sqlite3_bind_text64(handle, index, space.assumingMemoryBound(to: CChar.self),
                                           sqlite3_uint64(buffer.count), nil, UInt8(SQLITE_UTF8))
            }
            return buffer.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text64(handle, index, chars.baseAddress, sqlite3_uint64(chars.count),
                                    accord_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
        try check(result)
    }

    /// Binds a blob (an empty array binds an empty blob, not NULL).
    public func bind(_ value: [UInt8], at index: Int32) throws {
        try value.withUnsafeBytes { try bind(bytes: $0, at: index) }
    }

    /// Binds a blob from raw bytes (copied into the statement's buffer, or by SQLite).
    public func bind(bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            try check(sqlite3_bind_zeroblob(handle, index, 0))
            return
        }
        if let space = arenaSpace(bytes.count) {
            space.copyMemory(from: base, byteCount: bytes.count)
            try check(sqlite3_bind_blob64(handle, index, space, sqlite3_uint64(bytes.count), nil))
            return
        }
        try check(sqlite3_bind_blob64(handle, index, base, sqlite3_uint64(bytes.count), accord_sqlite_transient()))
    }

    /// Binds text, or NULL for nil.
    public func bind(_ value: String?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Binds an integer, or NULL for nil.
    public func bind(_ value: Int64?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Binds a double.
    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds NULL.
    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    // MARK: - Stepping (https://www.sqlite.org/c3ref/step.html)

    /// Advances to the next row. Returns true when a row is ready, false when done.
    /// - Throws: ``StorageError``; the statement is reset before the error is thrown.
    public func step() throws -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(result, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps to completion and resets.
    /// - Returns: the rows the statement inserted, updated or deleted
    ///   (`sqlite3_changes64`; 0 for a query, or when a trigger ignored the change).
    ///   See https://www.sqlite.org/c3ref/changes.html
    /// - Throws: ``StorageError``.
    @discardableResult
    public func run() throws -> Int {
        defer { reset() }
        while try step() {}
        return Int(sqlite3_changes64(database.handle))
    }

    /// True between the first step that returned a row and the reset: the
    /// statement is in the middle of its results.
    public var isBusy: Bool { sqlite3_stmt_busy(handle) != 0 }

    /// Resets the statement and clears its bindings, ready for reuse.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        arenaUsed = 0
    }

    /// A cursor over the rows; it resets the statement when exhausted or released.
    public func cursor() -> Cursor { Cursor(statement: self) }

    // MARK: - Columns (https://www.sqlite.org/c3ref/column_blob.html)

    /// The number of result columns.
    @inlinable
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of result column `index`.
    public func columnName(_ index: Int32) -> String {
        guard let name = sqlite3_column_name(handle, index) else { return "" }
        return String(cString: name)
    }

    /// The names of all result columns.
    public var columnNames: [String] { (0..<columnCount).map(columnName) }

    /// The index of the result column named `name`, if any.
    public func columnIndex(_ name: String) -> Int32? {
        if columnIndexes == nil {
            var indexes: [String: Int32] = [:]
            for index in 0..<columnCount where indexes[columnName(index)] == nil {
                indexes[columnName(index)] = index
            }
            columnIndexes = indexes
        }
        return columnIndexes?[name]
    }

    /// Whether column `index` (0-based) of the current row is NULL.
    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// The storage class of column `index` (0-based) of the current row.
    @inlinable
    public func storageClass(_ index: Int32) -> StorageClass {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        default: .blob
        }
    }

    /// Column `index` (0-based) as a 64-bit integer (0 for NULL).
    @inlinable
    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Column `index` (0-based) as a double (0 for NULL).
    @inlinable
    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Column `index` (0-based) as UTF-8 text ("" for NULL; invalid UTF-8 becomes U+FFFD).
    public func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Column `index` (0-based) as a blob's bytes (empty for NULL).
    public func blob(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The bytes of a text or blob column exactly as stored (text as UTF-8,
    /// invalid sequences kept, where ``text(_:)`` would repair them).
    public func bytes(_ index: Int32) -> [UInt8] {
        let pointer: UnsafeRawPointer? = sqlite3_column_type(handle, index) == SQLITE_TEXT
            ? UnsafeRawPointer(sqlite3_column_text(handle, index)) : sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Calls `body` with the bytes of a text or blob column exactly as stored,
    /// as ``bytes(_:)`` gives them but without copying them (empty for NULL).
    /// The buffer is valid only inside `body`.
    @inlinable
    public func withBytes<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let pointer: UnsafeRawPointer? = sqlite3_column_type(handle, index) == SQLITE_TEXT
            ? UnsafeRawPointer(sqlite3_column_text(handle, index)) : sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The bytes of a text (`isText`) or blob column exactly as stored, for a
    /// caller that has just read the column's storage class: one call into
    /// SQLite fewer than ``withBytes(_:_:)``. The buffer is valid until the
    /// statement steps or the column is read as another type.
    @inlinable
    public func storedBytes(_ index: Int32, isText: Bool) -> UnsafeRawBufferPointer {
        let pointer: UnsafeRawPointer? = isText ? UnsafeRawPointer(sqlite3_column_text(handle, index)) : sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }

    /// True when column `index` is NULL and `value` is nil, or is text whose
    /// bytes are exactly the UTF-8 of `value`: byte equality, not Swift's
    /// `String ==` (Unicode canonical equivalence), and no repair of invalid bytes.
    public func isText(_ index: Int32, equalTo value: String?) -> Bool {
        let type = sqlite3_column_type(handle, index)
        guard var value else { return type == SQLITE_NULL }
        guard type == SQLITE_TEXT else { return false }
        let pointer = sqlite3_column_text(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return value.withUTF8 { expected in
            guard expected.count == count else { return false }
            guard count > 0, let pointer, let base = expected.baseAddress else { return true }
            return memcmp(pointer, base, count) == 0
        }
    }

    /// True when column `index` of this statement and column `otherIndex` of
    /// `other` hold the same value exactly: the same storage class and the same
    /// integer, the same bits of a real, or the same bytes of text or a blob
    /// (text is compared as bytes, never as Unicode).
    public func isIdentical(_ index: Int32, to other: Statement, _ otherIndex: Int32) -> Bool {
        let type = sqlite3_column_type(handle, index)
        guard type == sqlite3_column_type(other.handle, otherIndex) else { return false }
        switch type {
        case SQLITE_NULL: return true
        case SQLITE_INTEGER: return int64(index) == other.int64(otherIndex)
        case SQLITE_FLOAT: return double(index).bitPattern == other.double(otherIndex).bitPattern
        default: return compareBytes(index, other, otherIndex) == 0
        }
    }

    /// Orders two column values as SQLite's BINARY collation does in `ORDER BY`:
    /// NULL, then numbers (by value), then text (by bytes), then blobs (by bytes).
    /// - Returns: a negative number, zero or a positive number.
    public func compare(_ index: Int32, with other: Statement, _ otherIndex: Int32) -> Int {
        func rank(_ type: Int32) -> Int {
            switch type {
            case SQLITE_NULL: 0
            case SQLITE_INTEGER, SQLITE_FLOAT: 1
            case SQLITE_TEXT: 2
            default: 3
            }
        }
        let (left, right) = (sqlite3_column_type(handle, index), sqlite3_column_type(other.handle, otherIndex))
        guard rank(left) == rank(right) else { return rank(left) < rank(right) ? -1 : 1 }
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch (left, right) {
        case (SQLITE_NULL, _): return 0
        case (SQLITE_INTEGER, SQLITE_INTEGER): return sign(int64(index), other.int64(otherIndex))
        case (SQLITE_INTEGER, _), (SQLITE_FLOAT, _): return sign(double(index), other.double(otherIndex))
        default: return compareBytes(index, other, otherIndex)
        }
    }

    /// memcmp order of two text or blob columns, the shorter first on a tie.
    private func compareBytes(_ index: Int32, _ other: Statement, _ otherIndex: Int32) -> Int {
        let isText = sqlite3_column_type(handle, index) == SQLITE_TEXT
        let left = isText ? UnsafeRawPointer(sqlite3_column_text(handle, index)) : sqlite3_column_blob(handle, index)
        let right = isText ? UnsafeRawPointer(sqlite3_column_text(other.handle, otherIndex)) : sqlite3_column_blob(other.handle, otherIndex)
        let (leftCount, rightCount) = (Int(sqlite3_column_bytes(handle, index)), Int(sqlite3_column_bytes(other.handle, otherIndex)))
        let common = min(leftCount, rightCount)
        if common > 0, let left, let right {
            let order = memcmp(left, right, common)
            if order != 0 { return order < 0 ? -1 : 1 }
        }
        return leftCount == rightCount ? 0 : (leftCount < rightCount ? -1 : 1)
    }

    /// The value of column `index`, with its storage class.
    public func value(_ index: Int32) -> DatabaseValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(text(index))
        default: return .blob(blob(index))
        }
    }

    private func check(_ result: Int32) throws {
        if result != SQLITE_OK { throw database.error(result, sql: sql) }
    }
}
