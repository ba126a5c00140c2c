/// The right edge ("compact range") of a Merkle tree over leaves `[0, size)`.
///
/// It holds the root of each complete subtree in the binary decomposition of `size`:
/// one hash per set bit of `size`, largest subtree first. This is all the state needed
/// to append leaves and to compute the tree root, in `O(log size)` space.
public struct MerkleFrontier: Hashable, Sendable {
    /// A complete, aligned subtree: level `L`, index `i` covers leaves `[i·2^L, (i+1)·2^L)`.
    /// Level 0 is a single leaf.
    public struct Subtree: Hashable, Sendable {
        /// Height of the subtree; it covers `2^level` leaves.
        public let level: Int
        /// Position among the subtrees of the same level.
        public let index: UInt64
        /// The subtree's Merkle tree hash.
        public let hash: Hash32

        init(level: Int, index: UInt64, hash: Hash32) {
            self.level = level
            self.index = index
            self.hash = hash
        }

        /// The leaves the subtree covers.
        public var leafRange: Range<UInt64> {
            let start = index << UInt64(level)
            return start..<(start + (1 << UInt64(level)))
        }
    }

    /// The number of leaves covered.
    public private(set) var size: UInt64

    /// Roots of the complete subtrees covering `[0, size)`, largest (leftmost) first.
    public private(set) var hashes: [Hash32]

    /// An empty frontier (size 0).
    public init() {
        size = 0
        hashes = []
    }

    /// Creates a frontier from its parts, checking that there is one hash per set bit of `size`.
    public init(size: UInt64, hashes: [Hash32]) throws(MerkleFrontierError) {
        guard hashes.count == size.nonzeroBitCount else {
            throw .hashCountMismatch(size: size, expected: size.nonzeroBitCount, actual: hashes.count)
        }
        self.size = size
        self.hashes = hashes
    }

    /// Rebuilds the frontier of the first `size` leaves from a hash source,
    /// using its subtree cache where it can.
    public init(size: UInt64, source: some MerkleHashSource) throws {
        var subtreeHashes: [Hash32] = []
        subtreeHashes.reserveCapacity(size.nonzeroBitCount)
        var start: UInt64 = 0
        var remaining = size
        while remaining != 0 {
            let width = UInt64(1) << UInt64(63 - remaining.leadingZeroBitCount)
            subtreeHashes.append(try Merkle.subtreeRoot(start..<(start + width), source: source))
            start += width
            remaining -= width
        }
        self.size = size
        self.hashes = subtreeHashes
    }

    /// Appends a leaf hash.
    ///
    /// `O(log n)` worst case, amortized `O(1)` node hashes.
    public mutating func append(_ leafHash: Hash32) throws(MerkleFrontierError) {
        guard size < .max else { throw .full }
        var node = leafHash
        var merged = 0
        while size & (1 << UInt64(merged)) != 0 {
            node = Merkle.nodeHash(hashes.removeLast(), node)
            merged += 1
        }
        hashes.append(node)
        size += 1
    }

    /// Appends a leaf hash and calls `onComplete` for every complete subtree the new leaf
    /// finishes, smallest first: the leaf itself (level 0), then each subtree it closes.
    ///
    /// The caller may store large subtrees as a cache for ``MerkleHashSource``.
    /// Throws ``MerkleFrontierError/full`` before calling `onComplete` if the tree cannot grow;
    /// otherwise rethrows what `onComplete` throws (the frontier is then left unchanged).
    public mutating func append(
        _ leafHash: Hash32,
        onComplete: (Subtree) throws -> Void
    ) throws {
        guard size < .max else { throw MerkleFrontierError.full }
        let leafIndex = size
        // Read the merged hashes in place and commit only after every callback succeeded.
        var node = leafHash
        var level = 0
        var kept = hashes.count
        try onComplete(Subtree(level: 0, index: leafIndex, hash: node))
        while leafIndex & (1 << UInt64(level)) != 0 {
            kept -= 1
            node = Merkle.nodeHash(hashes[kept], node)
            level += 1
            try onComplete(Subtree(level: level, index: leafIndex >> UInt64(level), hash: node))
        }
        hashes.removeLast(hashes.count - kept)
        hashes.append(node)
        size = leafIndex + 1
    }

    /// The Merkle tree hash of leaves `[0, size)` (RFC 6962 §2.1): the subtree roots
    /// folded right to left, or ``Merkle/emptyRoot`` when empty.
    public var root: Hash32 {
        guard var result = hashes.last else { return Merkle.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            result = Merkle.nodeHash(hash, result)
        }
        return result
    }

    /// `size` as 8 big-endian bytes, followed by the 32-byte hashes largest first.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + Hash32.byteCount * hashes.count)
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: size >> UInt64(shift)))
        }
        for hash in hashes {
            hash.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Parses ``serialized`` bytes, rejecting truncated input, partial hashes and
    /// a hash count that does not match the size.
    public init(serialized bytes: some Collection<UInt8>) throws(MerkleFrontierError) {
        let input = Array(bytes)
        guard input.count >= 8 else { throw .truncatedHeader }
        var decodedSize: UInt64 = 0
        for byte in input[0..<8] {
            decodedSize = decodedSize << 8 | UInt64(byte)
        }
        let body = input.count - 8
        guard body % Hash32.byteCount == 0 else { throw .partialHash }
        var decoded: [Hash32] = []
        decoded.reserveCapacity(body / Hash32.byteCount)
        input.withUnsafeBytes { raw in
            var offset = 8
            while offset < raw.count {
                decoded.append(Hash32(unsafeRawBytes: UnsafeRawBufferPointer(rebasing: raw[offset...])))
                offset += Hash32.byteCount
            }
        }
        try self.init(size: decodedSize, hashes: decoded)
    }
}

/// Why a ``MerkleFrontier`` could not be built or extended.
public enum MerkleFrontierError: Error, Hashable, Sendable {
    /// Serialized bytes shorter than the 8-byte size header.
    case truncatedHeader
    /// The number of hashes does not match the number of set bits of the size.
    case hashCountMismatch(size: UInt64, expected: Int, actual: Int)
    /// Serialized hash bytes are not a whole number of 32-byte hashes.
    case partialHash
    /// The tree already has `UInt64.max` leaves.
    case full
}
