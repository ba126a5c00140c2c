import Testing
@testable import AccordTrust

/// Decodes hex in test vectors; vectors are literals, so a bad one is a test bug.
func hexBytes(_ text: String) -> [UInt8] {
    guard let bytes = ByteEncoding.decodeHex(text) else {
        preconditionFailure("bad hex literal in test: \(text)")
    }
    return bytes
}

func hash(_ text: String) -> Hash32 {
    guard let value = Hash32(hex: text) else { preconditionFailure("bad hash literal in test: \(text)") }
    return value
}

/// A deterministic leaf entry for tests.
func testEntry(_ index: Int) -> [UInt8] {
    [UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index), 0xAC]
}

/// A straightforward transcription of RFC 6962 §2.1 over an array, used as the reference.
/// `MTH` of every range is memoized, so building all proofs for a small tree is cheap.
final class ReferenceTree {
    let leaves: [Hash32]
    private var memo: [Int: Hash32] = [:]

    init(leaves: [Hash32]) { self.leaves = leaves }

    convenience init(count: Int) {
        self.init(leaves: (0..<count).map { Merkle.leafHash(testEntry($0)) })
    }

    private static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[lo:hi]).
    func mth(_ lo: Int, _ hi: Int) -> Hash32 {
        let n = hi - lo
        if n == 0 { return Merkle.emptyRoot }
        if n == 1 { return leaves[lo] }
        let key = lo << 32 | hi
        if let known = memo[key] { return known }
        let k = Self.split(n)
        let value = Merkle.nodeHash(mth(lo, lo + k), mth(lo + k, hi))
        memo[key] = value
        return value
    }

    /// PATH(m, D[lo:hi]) with absolute m.
    func path(_ m: Int, _ lo: Int, _ hi: Int) -> [Hash32] {
        let n = hi - lo
        if n <= 1 { return [] }
        let k = Self.split(n)
        if m - lo < k { return path(m, lo, lo + k) + [mth(lo + k, hi)] }
        return path(m, lo + k, hi) + [mth(lo, lo + k)]
    }

    /// PROOF(m, D[n]).
    func consistency(_ m: Int, _ n: Int) -> [Hash32] {
        guard m > 0, m < n else { return [] }
        return subproof(m, 0, n, true)
    }

    private func subproof(_ m: Int, _ lo: Int, _ hi: Int, _ complete: Bool) -> [Hash32] {
        if m == hi { return complete ? [] : [mth(lo, hi)] }
        let k = Self.split(hi - lo)
        if m <= lo + k { return subproof(m, lo, lo + k, complete) + [mth(lo + k, hi)] }
        return subproof(m, lo + k, hi, false) + [mth(lo, lo + k)]
    }
}

/// How an ``InMemoryHashSource`` caches subtrees.
struct CacheConfiguration: Sendable, CustomTestStringConvertible {
    let name: String
    let minimumCachedLevel: Int
    /// Whether the subtree at (level, index) is in the cache.
    let holds: @Sendable (Int, UInt64) -> Bool

    var testDescription: String { name }

    static let none = CacheConfiguration(name: "no cache", minimumCachedLevel: 64) { _, _ in false }
    static let everyLevel = CacheConfiguration(name: "all levels >= 1", minimumCachedLevel: 1) { _, _ in true }
    static let sparse = CacheConfiguration(name: "sparse from level 2", minimumCachedLevel: 2) { level, index in
        (level == 2 || level == 3 || level == 5) && index % 2 == 0
    }
    static let coarse = CacheConfiguration(name: "levels >= 3, odd indices", minimumCachedLevel: 3) { level, index in
        level >= 3 && index % 2 == 1
    }
    static let all: [CacheConfiguration] = [.none, .everyLevel, .sparse, .coarse]
}

/// A ``MerkleHashSource`` over an array, recording how it is called.
final class InMemoryHashSource: MerkleHashSource {
    struct OutOfRange: Error {}

    let leaves: [Hash32]
    let minimumCachedLevel: Int
    private let cache: [Int: [UInt64: Hash32]]
    private(set) var leafCalls: [Range<UInt64>] = []
    private(set) var cacheQueries = 0
    private(set) var cacheHits = 0

    init(reference: ReferenceTree, count: Int, configuration: CacheConfiguration) {
        leaves = Array(reference.leaves.prefix(count))
        minimumCachedLevel = configuration.minimumCachedLevel
        var cache: [Int: [UInt64: Hash32]] = [:]
        var level = 1
        while 1 << level <= count {
            let width = 1 << level
            for index in 0..<(count / width) where configuration.holds(level, UInt64(index)) {
                cache[level, default: [:]][UInt64(index)] = reference.mth(index * width, (index + 1) * width)
            }
            level += 1
        }
        self.cache = cache
    }

    func leafHashes(_ range: Range<UInt64>) throws -> [Hash32] {
        leafCalls.append(range)
        guard range.upperBound <= UInt64(leaves.count) else { throw OutOfRange() }
        return Array(leaves[Int(range.lowerBound)..<Int(range.upperBound)])
    }

    func cachedSubtree(level: Int, index: UInt64) throws -> Hash32? {
        cacheQueries += 1
        let hit = cache[level]?[index]
        if hit != nil { cacheHits += 1 }
        return hit
    }

    func resetCounters() {
        leafCalls = []
        cacheQueries = 0
        cacheHits = 0
    }

    /// Total leaves read, and whether any leaf was read twice.
    var leavesRead: (total: UInt64, overlapping: Bool) {
        let sorted = leafCalls.sorted { $0.lowerBound < $1.lowerBound }
        var total: UInt64 = 0
        var overlapping = false
        var end: UInt64 = 0
        for range in sorted {
            if range.lowerBound < end { overlapping = true }
            end = max(end, range.upperBound)
            total += range.upperBound - range.lowerBound
        }
        return (total, overlapping)
    }
}

/// Flips one bit of a hash.
func flipping(_ hash: Hash32, bit: Int) -> Hash32 {
    var bytes = hash.bytes
    bytes[bit / 8] ^= 1 << UInt8(bit % 8)
    guard let flipped = Hash32(bytes: bytes) else { preconditionFailure("32 bytes in, 32 out") }
    return flipped
}
