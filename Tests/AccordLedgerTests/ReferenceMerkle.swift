import Crypto
import Foundation

/// RFC 6962 §2.1 written out from the RFC over raw 32-byte leaf hashes, with
/// its own SHA-256 calls: the reference the ledger's roots and proofs are
/// checked against, sharing no code with AccordTrust.
struct ReferenceMerkle {
    let leaves: [[UInt8]]
    private var memo: [Int: [UInt8]] = [:]

    init(leaves: [[UInt8]]) { self.leaves = leaves }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// The largest power of two strictly below n (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[lo:hi]).
    mutating func mth(_ lo: Int, _ hi: Int) -> [UInt8] {
        let n = hi - lo
        if n == 0 { return Self.sha256([]) }
        if n == 1 { return leaves[lo] }
        let key = lo << 32 | hi
        if let known = memo[key] { return known }
        let k = Self.split(n)
        let value = Self.sha256([0x01] + mth(lo, lo + k) + mth(lo + k, hi))
        memo[key] = value
        return value
    }

    /// The root of the first `size` leaves.
    mutating func root(_ size: Int) -> [UInt8] { mth(0, size) }

    /// PATH(m, D[lo:hi]), m absolute.
    mutating func path(_ m: Int, _ lo: Int, _ hi: Int) -> [[UInt8]] {
        let n = hi - lo
        if n <= 1 { return [] }
        let k = Self.split(n)
        if m - lo < k { return path(m, lo, lo + k) + [mth(lo + k, hi)] }
        return path(m, lo + k, hi) + [mth(lo, lo + k)]
    }

    /// PROOF(m, D[n]).
    mutating func consistency(_ m: Int, _ n: Int) -> [[UInt8]] {
        guard m > 0, m < n else { return [] }
        return subproof(m, 0, n, true)
    }

    private mutating func subproof(_ m: Int, _ lo: Int, _ hi: Int, _ complete: Bool) -> [[UInt8]] {
        if m == hi { return complete ? [] : [mth(lo, hi)] }
        let k = Self.split(hi - lo)
        if m <= lo + k { return subproof(m, lo, lo + k, complete) + [mth(lo + k, hi)] }
        return subproof(m, lo + k, hi, false) + [mth(lo, lo + k)]
    }
}
