/// Writes the canonical byte encoding of journal entries (docs/JOURNAL.md).
///
/// Integers are fixed-width big-endian; text is a u32 byte length then UTF-8
/// (already NFC); an optional is a 0 or 1 byte then the value; a list is a u32
/// count then the items. There is no floating point.
struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []
    /// The format version being written: payloads differ between versions 1 and 2.
    let version: UInt8
    /// When writing a portable claim (version 3, docs/JOURNAL.md §4c): the
    /// name of each entry a reference points at, by seq; references are then
    /// written as these names instead of seqs.
    var names: [Int64: String]?

    init(version: UInt8 = Entry.formatVersion, capacity: Int = 256, names: [Int64: String]? = nil) {
        self.version = version
        self.names = names
        bytes.reserveCapacity(capacity)
    }

    /// A reference to another entry: its seq (u64), or in a portable claim
    /// its name (text).
    mutating func reference(_ seq: Int64) {
        if let names {
            string(names[seq] ?? "")
        } else {
            u64(UInt64(bitPattern: seq))
        }
    }

    mutating func u8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func u32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func u64(_ value: UInt64) {
        var shift: UInt64 = 56
        while true {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }

    mutating func i64(_ value: Int64) {
        u64(UInt64(bitPattern: value))
    }

    mutating func bool(_ value: Bool) {
        u8(value ? 1 : 0)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func raw(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
    }

    mutating func word<V: Vocabulary>(_ value: V) {
        u8(value.code)
    }

    mutating func optional<T>(_ value: T?, _ write: (inout CanonicalWriter, T) -> Void) {
        if let value {
            u8(1)
            write(&self, value)
        } else {
            u8(0)
        }
    }

    mutating func optionalString(_ value: String?) {
        optional(value) { $0.string($1) }
    }

    mutating func list<T>(_ values: [T], _ write: (inout CanonicalWriter, T) -> Void) {
        u32(UInt32(values.count))
        for value in values { write(&self, value) }
    }
}
