import Crypto

/// A 32-byte hash value (a SHA-256 digest), stored inline as four machine words.
///
/// Copying, hashing and comparing a `Hash32` never allocates. Ordering is the
/// lexicographic order of the bytes, so sorting hashes sorts them as byte strings.
public struct Hash32: Hashable, Sendable, Comparable {
    // Big-endian words: `w0` holds bytes 0...7, `w3` holds bytes 24...31.
    private var w0: UInt64
    private var w1: UInt64
    private var w2: UInt64
    private var w3: UInt64

    /// The number of bytes in a hash.
    public static let byteCount = 32

    /// Creates a hash from exactly 32 bytes; returns nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        // Arrays and slices (every blob read from SQLite) load in four words; the
        // byte loop below is for other collections and, unspecialized in debug
        // builds, costs microseconds per hash.
        if let hash = bytes.withContiguousStorageIfAvailable({ Hash32(unsafeRawBytes: UnsafeRawBufferPointer($0)) }) {
            self = hash
            return
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for (offset, byte) in bytes.enumerated() { raw[offset] = byte }
        }
        self.init(bigEndianWords: words)
    }

    /// Creates a hash from a SHA-256 digest.
    public init(_ digest: SHA256Digest) {
        self = digest.withUnsafeBytes { Hash32(unsafeRawBytes: $0) }
    }

    /// Creates a hash from 64 hexadecimal digits (either case); nil otherwise.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 2 * Self.byteCount else { return nil }
        // Native strings are read in place (a receipts document carries tens of thousands of hashes).
        if let parsed = hex.utf8.withContiguousStorageIfAvailable({ Hash32(hexDigits: $0) }) {
            guard let parsed else { return nil }
            self = parsed
            return
        }
        guard let bytes = ByteEncoding.decodeHex(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// Creates a hash from 64 hexadecimal digits (either case) in a string; nil otherwise.
    ///
    /// The generic initializer is not specialized in other modules, which made it cost
    /// twice its reading (a receipts document carries tens of thousands of hashes).
    public init?(hex: String) {
        var hex = hex
        guard let parsed = hex.withUTF8({ Hash32(hexDigits: $0) }) else { return nil }
        self = parsed
    }

    /// 64 hexadecimal digits (either case) read in place; nil for any other digit.
    private init?(hexDigits digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 2 * Self.byteCount else { return nil }
        func value(_ digit: UInt8) -> UInt64? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(digit - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for word in 0..<4 {
            var result: UInt64 = 0
            for index in (word * 16)..<(word * 16 + 16) {
                guard let nibble = value(digits[index]) else { return nil }
                result = result << 4 | nibble
            }
            switch word {
            case 0: words.0 = result
            case 1: words.1 = result
            case 2: words.2 = result
            default: words.3 = result
            }
        }
        w0 = words.0
        w1 = words.1
        w2 = words.2
        w3 = words.3
    }

    /// Creates a hash from its canonical, padded standard base64 encoding (44 characters).
    public init?(base64: some StringProtocol) {
        guard base64.utf8.count == 44, let bytes = ByteEncoding.decodeBase64(base64) else {
            return nil
        }
        self.init(bytes: bytes)
    }

    /// Reads 32 bytes from a buffer the caller guarantees holds at least 32 bytes.
    init(unsafeRawBytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= Self.byteCount, "Hash32 needs 32 bytes")
        self.init(bigEndianWords: (
            raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// Takes the four words exactly as they lie in memory (big-endian byte order).
    private init(bigEndianWords words: (UInt64, UInt64, UInt64, UInt64)) {
        w0 = UInt64(bigEndian: words.0)
        w1 = UInt64(bigEndian: words.1)
        w2 = UInt64(bigEndian: words.2)
        w3 = UInt64(bigEndian: words.3)
    }

    /// Calls `body` with the 32 bytes of the hash, without allocating.
    public func withUnsafeBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        let words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: words, body)
    }

    /// The 32 bytes of the hash.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Lowercase hexadecimal (64 characters).
    public var hex: String {
        // Written in place: a receipts document holds tens of thousands of hashes in hex.
        withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 64) { buffer in
                func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
                var index = 0
                for byte in bytes {
                    buffer[index] = digit(byte >> 4)
                    buffer[index + 1] = digit(byte & 0x0f)
                    index += 2
                }
                return index
            }
        }
    }

    /// Standard padded base64 (44 characters), as used in checkpoints.
    public var base64: String {
        withUnsafeBytes { ByteEncoding.base64($0) }
    }

    /// Lexicographic byte order.
    public static func < (lhs: Hash32, rhs: Hash32) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}

extension Hash32: CustomStringConvertible {
    /// The lowercase hexadecimal form.
    public var description: String { hex }
}
