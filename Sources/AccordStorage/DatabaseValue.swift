/// A value stored in or read from SQLite.
/// See https://www.sqlite.org/datatype3.html
public enum DatabaseValue: Hashable, Sendable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// A blob's bytes.
    case blob([UInt8])

    /// Whether the value is NULL.
    public var isNull: Bool { self == .null }

    /// The integer, when the value is one; nil otherwise.
    public var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The text, when the value is text; nil otherwise.
    public var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The bytes of a blob or of text (UTF-8); nil otherwise.
    public var bytes: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }
}

/// A Swift value that binds to a statement parameter.
public protocol DatabaseValueConvertible {
    /// The value as SQLite stores it, for binding to a statement parameter.
    var databaseValue: DatabaseValue { get }
}

extension DatabaseValue: DatabaseValueConvertible {
    /// The value itself.
    public var databaseValue: DatabaseValue { self }
}

extension Int64: DatabaseValueConvertible {
    /// An integer.
    public var databaseValue: DatabaseValue { .integer(self) }
}

extension Int: DatabaseValueConvertible {
    /// An integer (widened to 64 bits).
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
}

extension Double: DatabaseValueConvertible {
    /// A real.
    public var databaseValue: DatabaseValue { .real(self) }
}

extension String: DatabaseValueConvertible {
    /// Text (UTF-8).
    public var databaseValue: DatabaseValue { .text(self) }
}

extension Bool: DatabaseValueConvertible {
    /// An integer: 1 for true, 0 for false.
    public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }
}

extension Array: DatabaseValueConvertible where Element == UInt8 {
    /// A blob.
    public var databaseValue: DatabaseValue { .blob(self) }
}

extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
    /// The wrapped value's, or NULL for nil.
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
}

/// SQLite's storage class of a value (https://www.sqlite.org/datatype3.html).
public enum StorageClass: Sendable {
    /// NULL.
    case null
    /// A signed integer of up to 8 bytes.
    case integer
    /// An 8-byte IEEE floating-point number.
    case real
    /// Text, stored as UTF-8 (its bytes as written).
    case text
    /// Bytes, stored exactly as given.
    case blob
}
