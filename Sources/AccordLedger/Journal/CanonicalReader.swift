/// Reads the canonical byte encoding, refusing anything a ``CanonicalWriter``
/// would not have produced: short input, an optional flag other than 0 or 1,
/// invalid UTF-8, text that is not NFC, unknown codes, trailing bytes.
struct CanonicalReader {
    let bytes: [UInt8]
    private(set) var offset = 0
    /// The format version being read (set from the entry's first byte).
    var version: UInt8 = Entry.formatVersion

    /// Reading a portable claim: references are names, collected here in
    /// order (and read as seq 0, which no entry has).
    var names: [String]?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A reference to another entry (see ``CanonicalWriter/reference(_:)``):
    /// a seq from 1, or in a portable claim a name, kept in ``names``.
    mutating func reference() throws -> Int64 {
        if names != nil {
            let offset = self.offset
            let name = try string()
            guard !name.isEmpty else { throw Failure(offset: offset, reason: "an empty reference") }
            names?.append(name)
            return 0
        }
        let offset = self.offset
        let value = try u64()
        guard value >= 1, value <= UInt64(Int64.max) else { throw Failure(offset: offset, reason: "reference \(value) is out of range") }
        return Int64(value)
    }

    /// Why decoding failed, and at which byte.
    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    func fail(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func finish() throws {
        guard isAtEnd else { throw fail("\(bytes.count - offset) unexpected trailing bytes") }
    }

    mutating func u8() throws -> UInt8 {
        guard offset < bytes.count else { throw fail("entry ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw fail("entry ends early") }
        var value: UInt32 = 0
        for index in offset..<(offset + 4) { value = value << 8 | UInt32(bytes[index]) }
        offset += 4
        return value
    }

    mutating func u64() throws -> UInt64 {
        guard bytes.count - offset >= 8 else { throw fail("entry ends early") }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        offset += 8
        return value
    }

    mutating func i64() throws -> Int64 {
        Int64(bitPattern: try u64())
    }

    mutating func bool() throws -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default:
            offset -= 1
            throw fail("a boolean must be 0 or 1")
        }
    }

    mutating func raw(_ count: Int) throws -> [UInt8] {
        guard bytes.count - offset >= count else { throw fail("entry ends early") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func string() throws -> String {
        let start = offset
        let length = Int(try u32())
        guard bytes.count - offset >= length else { throw fail("text runs past the end of the entry") }
        let slice = bytes[offset..<(offset + length)]
        // ASCII, nearly all text, is valid UTF-8 and in NFC: decoded without the (unspecialized) validation.
        guard slice.contains(where: { $0 >= 0x80 }) else {
            offset += length
            return slice.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        }
        guard let text = String(validating: slice, as: UTF8.self) else {
            offset = start
            throw fail("text is not valid UTF-8")
        }
        if Array(text._nfcCodeUnits) != Array(slice) {
            offset = start
            throw fail("text is not in Unicode Normalization Form C")
        }
        offset += length
        return text
    }

    mutating func word<V: Vocabulary>(_ type: V.Type) throws -> V {
        let code = try u8()
        guard let value = V(code: code) else {
            offset -= 1
            throw fail("\(code) is not a known \(V.noun) code")
        }
        return value
    }

    mutating func optional<T>(_ read: (inout CanonicalReader) throws -> T) throws -> T? {
        switch try u8() {
        case 0: return nil
        case 1: return try read(&self)
        default:
            offset -= 1
            throw fail("an optional's flag must be 0 or 1")
        }
    }

    mutating func optionalString() throws -> String? {
        try optional { try $0.string() }
    }

    mutating func list<T>(_ read: (inout CanonicalReader) throws -> T) throws -> [T] {
        let count = Int(try u32())
        // Each item takes at least one byte: a count beyond the bytes left is a lie.
        guard count <= bytes.count - offset else { throw fail("list of \(count) items runs past the end") }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try read(&self)) }
        return items
    }
}
