import CSQLite

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
    let handle: OpaquePointer
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
    /// - Throws: ``StorageError`` when a value cannot be bound.
    public func bind(_ values: [DatabaseValueConvertible]) throws {
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

    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    public func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func blob(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
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
