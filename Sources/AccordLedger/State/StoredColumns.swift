import AccordStorage

/// One column of a statement's current row, read from SQLite once: its
/// storage class, its integer or real bits, or its bytes exactly as stored
/// (valid until the statement steps).
///
/// A report reads every projection row the state root covers, to hash it and
/// to take values from it: reading each column once, for both, halves the
/// calls into SQLite.
struct StoredColumn {
    var storage: StorageClass
    var bits: UInt64
    var bytes: UnsafeRawBufferPointer

    /// The integer of an `.integer` column.
    var int: Int64 { Int64(bitPattern: bits) }

    /// The text of a `.text` column, invalid UTF-8 repaired as
    /// `Statement.text(_:)` repairs it (only what the state root vouches for
    /// is used, and it hashes the bytes as stored).
    var text: String { bytes.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) } }
}

extension StateDigest {
    /// Zeros that ``append(_:to:)`` grows a buffer with before writing a row in place.
    private static let zeros = [UInt8](repeating: 0, count: 1 << 12)

    /// Calls `body` with every column of a statement's current row, each read once.
    static func withColumns<T>(_ row: Row, _ body: (UnsafeBufferPointer<StoredColumn>) throws -> T) rethrows -> T {
        let count = row.count
        return try withUnsafeTemporaryAllocation(of: StoredColumn.self, capacity: count) { columns in
            for index in 0..<count {
                let column = Int32(index)
                let storage = row.storageClass(column)
                let none = UnsafeRawBufferPointer(start: nil, count: 0)
                switch storage {
                case .null:
                    columns.initializeElement(at: index, to: StoredColumn(storage: storage, bits: 0, bytes: none))
                case .integer:
                    columns.initializeElement(at: index, to: StoredColumn(storage: storage, bits: UInt64(bitPattern: row.int64(column)),
                                                                          bytes: none))
                case .real:
                    columns.initializeElement(at: index, to: StoredColumn(storage: storage, bits: row.double(column).bitPattern,
                                                                          bytes: none))
                case .text, .blob:
                    columns.initializeElement(at: index, to: StoredColumn(storage: storage, bits: 0,
                                                                          bytes: row.storedBytes(column, isText: storage == .text)))
                }
            }
            defer { columns.deinitialize() }
            return try body(UnsafeBufferPointer(columns))
        }
    }

    /// Appends the canonical bytes of a statement's current row, as
    /// ``serialize(_:)`` gives them for `row.values`, read column by column.
    /// Text is taken as its stored bytes: for valid UTF-8 (all Accord writes)
    /// the same bytes; where `row.values` would repair invalid UTF-8 (a
    /// tampered row), the bytes differ, so the tampering cannot hide behind
    /// the repair.
    static func append(_ row: Row, to out: inout [UInt8]) {
        withColumns(row) { append($0, to: &out) }
    }

    /// Appends the canonical bytes of a row read by ``withColumns(_:_:)``:
    /// its size worked out first, then the bytes written in place (a report
    /// serializes every projection row, and appending value by value cost
    /// more than reading them).
    static func append(_ columns: UnsafeBufferPointer<StoredColumn>, to out: inout [UInt8]) {
        var size = 0
        for column in columns {
            switch column.storage {
            case .null: size += 1
            case .integer, .real: size += 9
            case .text, .blob: size += 5 + column.bytes.count
            }
        }
        var offset = out.count
        // Room made by copying zeros (a `repeatElement` is appended byte by byte).
        if size <= zeros.count {
            out.append(contentsOf: zeros[..<size])
        } else {
            out.append(contentsOf: repeatElement(0, count: size))
        }
        out.withUnsafeMutableBytes { buffer in
            for column in columns {
                switch column.storage {
                case .null:
                    offset += 1
                case .integer, .real:
                    buffer[offset] = column.storage == .integer ? 1 : 2
                    buffer.storeBytes(of: column.bits.bigEndian, toByteOffset: offset + 1, as: UInt64.self)
                    offset += 9
                case .text, .blob:
                    buffer[offset] = column.storage == .text ? 3 : 4
                    buffer.storeBytes(of: UInt32(column.bytes.count).bigEndian, toByteOffset: offset + 1, as: UInt32.self)
                    if !column.bytes.isEmpty {
                        UnsafeMutableRawBufferPointer(rebasing: buffer[(offset + 5)...]).copyMemory(from: column.bytes)
                    }
                    offset += 5 + column.bytes.count
                }
            }
        }
    }
}
