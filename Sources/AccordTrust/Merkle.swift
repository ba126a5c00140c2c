import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The RFC 6962 / RFC 9162 Merkle tree hash (SHA-256 with domain-separated leaves and nodes).
///
/// Tree-level operations (subtree roots, proofs and their verification) are in the
/// `Merkle` extension in `MerkleProofs.swift`; the incremental right edge is ``MerkleFrontier``.
public enum Merkle {
    /// The root of the empty tree: SHA-256 of the empty string,
    /// `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`.
    public static let emptyRoot = Hash32(SHA256.hash(data: [UInt8]()))

    /// The leaf hash of an entry: SHA-256(0x00 ‖ entry).
    ///
    /// Streams the prefix and the entry into one hasher, so no concatenated copy is made.
    public static func leafHash(_ entry: some ContiguousBytes) -> Hash32 {
        entry.withUnsafeBytes { leafHash(unsafeBytes: $0) }
    }

    /// The leaf hash of the bytes in `buffer`: SHA-256(0x00 ‖ buffer).
    public static func leafHash(unsafeBytes buffer: UnsafeRawBufferPointer) -> Hash32 {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: buffer)
        return Hash32(hasher.finalize())
    }

    /// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        // 0x01 ‖ left ‖ right laid out on the stack and hashed in one call: proofs hash thousands of nodes.
        var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &bytes) { buffer in
            buffer[0] = 0x01
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<65]))
            return Hash32(hasher.finalize())
        }
    }

    /// The Merkle tree hash (RFC 6962 §2.1) of leaf hashes held in memory, computed bottom-up
    /// in one scratch buffer; ``emptyRoot`` for no leaves.
    ///
    /// Pairing neighbours level by level and promoting an unpaired last node unchanged
    /// yields the same tree as RFC 6962's split at the largest power of two below `n`.
    public static func root(ofLeafHashes leaves: some Collection<Hash32>) -> Hash32 {
        var level = Array(leaves)
        guard !level.isEmpty else { return emptyRoot }
        var count = level.count
        while count > 1 {
            var write = 0
            var read = 0
            while read + 1 < count {
                level[write] = nodeHash(level[read], level[read + 1])
                write += 1
                read += 2
            }
            if read < count {
                level[write] = level[read]
                write += 1
            }
            count = write
        }
        return level[0]
    }
}
