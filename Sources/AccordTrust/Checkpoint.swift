/// The body of a C2SP transparency-log checkpoint (https://c2sp.org/tlog-checkpoint):
///
/// ```
/// <origin>
/// <tree size, decimal>
/// <root hash, base64>
/// [extension lines]
/// ```
///
/// Every line ends with a newline. Sign the ``format()`` output with
/// ``SignedNote/sign(_:with:)``; after ``SignedNote/open(_:verifiers:)``, ``parse(_:)`` the
/// verified text.
public struct Checkpoint: Hashable, Sendable {
    /// The log's identity, e.g. `example.com/log42`.
    public let origin: String
    /// The number of leaves in the tree.
    public let size: UInt64
    /// The RFC 6962 root hash of the tree at `size`.
    public let rootHash: Hash32
    /// Optional opaque extension lines, without their newlines.
    public let extensions: [String]

    /// Creates a checkpoint after checking that each line can be encoded: the origin and
    /// every extension line must be non-empty and free of newlines and control characters.
    public init(
        origin: String, size: UInt64, rootHash: Hash32, extensions: [String] = []
    ) throws(CheckpointError) {
        guard Self.isValidLine(origin) else { throw .invalidOrigin }
        guard extensions.allSatisfy(Self.isValidLine) else { throw .invalidExtensionLine }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// The note text: origin, size, base64 root and extension lines, each ending in a newline.
    public func format() -> String {
        ([origin, String(size), rootHash.base64] + extensions).map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint body strictly: it must end in a newline; the origin must be
    /// non-empty; the size must be ASCII decimal digits without leading zeros (except `0`)
    /// that fit in 64 bits; the root must be the canonical base64 of 32 bytes; extension
    /// lines must be non-empty; no control characters other than the line ends.
    public static func parse(_ text: String) throws(CheckpointError) -> Checkpoint {
        guard text.utf8.last == UInt8(ascii: "\n") else { throw .missingFinalNewline }
        let lines = text.utf8.dropLast().split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
        ).map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 3 else { throw .tooFewLines }
        guard isValidLine(lines[0]) else { throw .invalidOrigin }
        guard let size = parseSize(lines[1]) else { throw .invalidSize }
        guard let root = Hash32(base64: lines[2]) else { throw .invalidRootHash }
        let extensions = Array(lines.dropFirst(3))
        return try Checkpoint(origin: lines[0], size: size, rootHash: root, extensions: extensions)
    }

    private static func isValidLine(_ line: String) -> Bool {
        !line.isEmpty && !line.utf8.contains { $0 < 0x20 }
    }

    private static func parseSize(_ line: String) -> UInt64? {
        let digits = Array(line.utf8)
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count == 1 || digits[0] != UInt8(ascii: "0")
        else { return nil }
        return UInt64(line)
    }
}

/// Why a checkpoint could not be created or parsed.
public enum CheckpointError: Error, Hashable, Sendable {
    /// The text does not end with a newline.
    case missingFinalNewline
    /// Fewer than the three mandatory lines.
    case tooFewLines
    /// The origin line is empty or contains a control character.
    case invalidOrigin
    /// The size line is not a canonical decimal `UInt64`.
    case invalidSize
    /// The root line is not the canonical base64 encoding of 32 bytes.
    case invalidRootHash
    /// An extension line is empty or contains a control character.
    case invalidExtensionLine
}
