/// Streams the rows of a statement, one at a time.
///
/// The cursor resets its statement once the rows are exhausted, when a step
/// fails, or when the cursor is released, so a cached statement is always
/// ready for its next use.
public final class Cursor {
    let statement: Statement
    private var finished = false

    init(statement: Statement) {
        self.statement = statement
    }

    deinit {
        if !finished { statement.reset() }
    }

    /// The next row, or nil when there are no more. The row is valid until the
    /// next call.
    /// - Throws: ``StorageError``.
    public func next() throws -> Row? {
        guard !finished else { return nil }
        do {
            if try statement.step() { return Row(statement: statement) }
        } catch {
            finished = true
            throw error
        }
        finished = true
        statement.reset()
        return nil
    }
}

/// The current row of a statement. Valid only until the statement steps again.
public struct Row {
    @usableFromInline let statement: Statement

    /// The number of columns.
    @inlinable
    public var count: Int { Int(statement.columnCount) }

    /// Whether column `index` (0-based) of the current row is NULL.
    public func isNull(_ index: Int32) -> Bool { statement.isNull(index) }
    /// Column `index` (0-based) as a 64-bit integer (0 for NULL).
    @inlinable
    public func int64(_ index: Int32) -> Int64 { statement.int64(index) }
    /// Column `index` (0-based) as an `Int` (0 for NULL).
    public func int(_ index: Int32) -> Int { Int(statement.int64(index)) }
    /// Column `index` (0-based) as a double (0 for NULL).
    @inlinable
    public func double(_ index: Int32) -> Double { statement.double(index) }
    /// Column `index` (0-based) as UTF-8 text ("" for NULL).
    public func text(_ index: Int32) -> String { statement.text(index) }
    /// Column `index` (0-based) as a blob's bytes (empty for NULL).
    public func blob(_ index: Int32) -> [UInt8] { statement.blob(index) }
    /// Column `index` (0-based) as its stored type: NULL, integer, real, text or blob.
    public func value(_ index: Int32) -> DatabaseValue { statement.value(index) }
    /// The storage class of column `index` (0-based), without reading its value.
    @inlinable
    public func storageClass(_ index: Int32) -> StorageClass { statement.storageClass(index) }

    /// Column `index` (0-based) as raw bytes, text or blob alike, without decoding.
    public func bytes(_ index: Int32) -> [UInt8] { statement.bytes(index) }
    /// The bytes of column `index` without a copy (see ``Statement/withBytes(_:_:)``).
    @inlinable
    public func withBytes<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try statement.withBytes(index, body)
    }
    /// The bytes of a text (`isText`) or blob column exactly as stored (see
    /// ``Statement/storedBytes(_:isText:)``): valid until the statement steps.
    @inlinable
    public func storedBytes(_ index: Int32, isText: Bool) -> UnsafeRawBufferPointer { statement.storedBytes(index, isText: isText) }
    /// Whether column `index` holds exactly the text `value` (NULL when `value` is nil), compared byte for byte.
    public func isText(_ index: Int32, equalTo value: String?) -> Bool { statement.isText(index, equalTo: value) }

    /// True when column `index` and column `otherIndex` of `other` hold exactly
    /// the same value (see ``Statement/isIdentical(_:to:_:)``).
    public func isIdentical(_ index: Int32, to other: Row, _ otherIndex: Int32) -> Bool {
        statement.isIdentical(index, to: other.statement, otherIndex)
    }

    /// BINARY-collation order of column `index` and column `otherIndex` of `other`.
    public func compare(_ index: Int32, with other: Row, _ otherIndex: Int32) -> Int {
        statement.compare(index, with: other.statement, otherIndex)
    }

    /// Column `index` as text; nil when NULL.
    public func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }
    /// Column `index` as a 64-bit integer; nil when NULL.
    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }
    /// Column `index` as a blob's bytes; nil when NULL.
    public func optionalBlob(_ index: Int32) -> [UInt8]? { isNull(index) ? nil : blob(index) }

    /// The value of the column named `name` (`.null` when there is no such column).
    public subscript(_ name: String) -> DatabaseValue {
        guard let index = statement.columnIndex(name) else { return .null }
        return statement.value(index)
    }

    /// All the values of the row, in column order.
    public var values: [DatabaseValue] { (0..<statement.columnCount).map { statement.value($0) } }

    /// The column names of the row.
    public var columnNames: [String] { statement.columnNames }
}
