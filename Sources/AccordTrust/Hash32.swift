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
        guard hex.utf8.count == 2 * Self.byteCount, let bytes = ByteEncoding.decodeHex(hex) else {
            return nil
        }
        self.init(bytes: bytes)
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
        withUnsafeBytes { ByteEncoding.hex($0) }
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
